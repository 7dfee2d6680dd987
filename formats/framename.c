/* framename.c -- the frame-name rule of every reader (framename.h). */
#include "framename.h"

#include <string.h>

static inline gboolean
needs_change(guchar c)
{
  return c == ';' || c < 0x20 || c == 0x7f;
}

gboolean
fk_frame_name_is_clean(const char *s, gsize len)
{
  for (gsize i = 0; i < len; i++)
    if (needs_change((guchar)s[i]))
      return FALSE;
  return TRUE;
}

const char *
fk_frame_intern(FkInterner *strings, const char *s, gsize len)
{
  if (fk_frame_name_is_clean(s, len))
    return fk_interner_intern(strings, s, len);
  GString *b = g_string_sized_new(len + 8);
  for (gsize i = 0; i < len; i++) {
    guchar c = (guchar)s[i];
    if (c == ';')
      g_string_append_c(b, ':');
    else if (c < 0x20 || c == 0x7f)
      g_string_append_printf(b, "\\x%02X", c);
    else
      g_string_append_c(b, (char)c);
  }
  const char *r = fk_interner_intern(strings, b->str, b->len);
  g_string_free(b, TRUE);
  return r;
}

const char *
fk_frame_intern0(FkInterner *strings, const char *s)
{
  return s != NULL ? fk_frame_intern(strings, s, strlen(s)) : NULL;
}
