/* jsonout.c -- JSON string escaping. */
#include "jsonout.h"

void
fk_json_string(GString *s, const char *text)
{
  g_string_append_c(s, '"');
  const char *p = text;
  while (*p) {
    gunichar c = g_utf8_get_char_validated(p, -1);
    if (c == (gunichar)-1 || c == (gunichar)-2) {
      g_string_append(s, "\\ufffd");
      p++;
      continue;
    }
    switch (c) {
    case '"':
      g_string_append(s, "\\\"");
      break;
    case '\\':
      g_string_append(s, "\\\\");
      break;
    case '\n':
      g_string_append(s, "\\n");
      break;
    case '\r':
      g_string_append(s, "\\r");
      break;
    case '\t':
      g_string_append(s, "\\t");
      break;
    default:
      if (c < 0x20 || c == 0x7f || c == 0x2028 || c == 0x2029)
        g_string_append_printf(s, "\\u%04x", c);
      else
        g_string_append_len(s, p, g_utf8_next_char(p) - p);
    }
    p = g_utf8_next_char(p);
  }
  g_string_append_c(s, '"');
}

void
fk_json_string_or_null(GString *s, const char *text)
{
  if (text == NULL)
    g_string_append(s, "null");
  else
    fk_json_string(s, text);
}
