/* framename.c -- the frame-name rule of every reader (framename.h). */
#include "framename.h"

#include "../analyze/transform.h"

#include <string.h>

static inline gboolean
is_control(guchar c)
{
  return c < 0x20 || c == 0x7f;
}

/* TRUE when every byte of V is printable ASCII other than ';'. */
static inline gboolean
word_is_plain(guint64 v)
{
  const guint64 ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
  guint64 semi = v ^ (ones * ';'), del = v ^ (ones * 0x7f);
  return (v & highs) == 0 &&
         ((((v - ones * 0x20) & ~v) | ((semi - ones) & ~semi) | ((del - ones) & ~del)) & highs) ==
             0;
}

/* Nonzero when a byte of V, whose bytes are all below 0x80, is '+': every
 * offset fk_name_offset_start strips ("+0x1a", "+0x1a/0x40", "+31") holds
 * one, so a name without one is not looked at again. */
static inline guint64
has_plus(guint64 v)
{
  const guint64 ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
  guint64 x = v ^ (ones * '+');
  return (x - ones) & ~x & highs;
}

/* How many of S's LEN bytes, eight at a time, are plain (word_is_plain):
 * a multiple of 8, the last whole word's end at most; hashed on the way
 * into *H (fk_hash_word) when H is not NULL; a '+' among them ORed into
 * *PLUS (has_plus) when PLUS is not NULL. */
static inline gsize
plain_words(const char *s, gsize len, guint64 *h, guint64 *plus)
{
  gsize i = 0;
  for (; i + 8 <= len; i += 8) {
    guint64 v;
    memcpy(&v, s + i, 8);
    if (!word_is_plain(v))
      break;
    if (h != NULL)
      *h = fk_hash_word(*h, v);
    if (plus != NULL)
      *plus |= has_plus(v);
  }
  return i;
}

/* The LEN - I (< 8) bytes of S from I on, in the low bytes of a zeroed word
 * as memcpy puts them on a little-endian host (fk_hash_end's tail). A name
 * of 8 bytes or more is read as its last whole word, shifted: a memcpy of a
 * variable length was a call per frame, 3% of reading a big folded file. */
static inline guint64
tail_word(const char *s, gsize i, gsize len)
{
  gsize r = len - i;
  guint64 v = 0;
  if (r == 0)
    return 0;
#if G_BYTE_ORDER == G_LITTLE_ENDIAN
  if (len >= 8) {
    memcpy(&v, s + len - 8, 8);
    return v >> (8 * (8 - r));
  }
  for (gsize k = 0; k < r; k++)
    v |= (guint64)(guchar)s[i + k] << (8 * k);
#else
  memcpy(&v, s + i, r);
#endif
  return v;
}

gboolean
fk_frame_name_is_clean(const char *s, gsize len)
{
  /* Eight bytes at a time while they are printable ASCII other than ';'
   * (every byte of most names): this runs for every frame a reader reads. */
  gsize i = plain_words(s, len, NULL, NULL);
  gboolean ascii = TRUE;
  for (; i < len; i++) {
    guchar c = (guchar)s[i];
    if (c == ';' || is_control(c))
      return FALSE;
    if (c >= 0x80)
      ascii = FALSE;
  }
  if (ascii)
    return TRUE;
  if (!g_utf8_validate_len(s, len, NULL))
    return FALSE;
  /* C1 controls, U+0080..U+009F, are 0xC2 0x80..0x9F in UTF-8 */
  for (const char *p = memchr(s, 0xC2, len); p != NULL;
       p = memchr(p + 1, 0xC2, len - (gsize)(p + 1 - s)))
    if (p + 1 < s + len && (guchar)p[1] <= 0x9F)
      return FALSE;
  return TRUE;
}

void
fk_text_append_visible(GString *b, const char *s, gsize len, gboolean frame)
{
  const char *p = s, *end = s + len;
  while (p < end) {
    guchar c = (guchar)*p;
    if (c < 0x80) {
      if (frame && c == ';')
        g_string_append_c(b, ':');
      else if (is_control(c))
        g_string_append_printf(b, "\\x%02X", c);
      else
        g_string_append_c(b, (char)c);
      p++;
      continue;
    }
    gunichar u = g_utf8_get_char_validated(p, end - p);
    if (u == (gunichar)-1 || u == (gunichar)-2) {
      g_string_append_printf(b, "\\x%02X", c); /* not UTF-8: the byte, visible */
      p++;
      continue;
    }
    const char *next = g_utf8_next_char(p);
    if (u <= 0x9F)
      for (; p < next; p++)
        g_string_append_printf(b, "\\x%02X", (guchar)*p);
    else
      g_string_append_len(b, p, next - p);
    p = next;
  }
}

/* fk_frame_intern, of the name less its offset when STRIP (a constant at
 * both calls, so each is compiled without the other's test). */
static inline const char *
frame_intern(FkInterner *strings, const char *s, gsize len, gboolean strip)
{
  /* The common case, plain ASCII, checked and hashed in one pass over the
   * name: the check, the hash and the interner's compare were three passes
   * over every frame a reader reads. With STRIP the same pass looks for a
   * '+': scanning every name's end for an offset was 4% of the instructions
   * of reading a big folded file. */
  guint64 h = fk_hash_start(len), plus = 0;
  gsize i = plain_words(s, len, &h, strip ? &plus : NULL);
  if (i + 8 > len) {
    guint64 v = tail_word(s, i, len);
    /* plain past the name: 'A' in the bytes the name does not fill */
    guint64 fill = i == len ? ~0ULL : ~0ULL << (8 * (len - i));
    guint64 padded = v | (0x4141414141414141ULL & fill);
    if (word_is_plain(padded)) {
      if (!strip || !(plus | has_plus(padded)) || fk_name_offset_start(s, len) == len)
        return fk_interner_intern_hashed(strings, s, len, fk_hash_end(h, v, len));
      return frame_intern(strings, s, fk_name_offset_start(s, len), FALSE);
    }
  }
  if (strip)
    len = fk_name_offset_start(s, len);
  if (fk_frame_name_is_clean(s, len))
    return fk_interner_intern(strings, s, len);
  GString *b = g_string_sized_new(len + 8);
  fk_text_append_visible(b, s, len, TRUE);
  const char *r = fk_interner_intern(strings, b->str, b->len);
  g_string_free(b, TRUE);
  return r;
}

const char *
fk_frame_intern(FkInterner *strings, const char *s, gsize len)
{
  return frame_intern(strings, s, len, FALSE);
}

const char *
fk_frame_intern_unoffset(FkInterner *strings, const char *s, gsize len)
{
  return frame_intern(strings, s, len, TRUE);
}

const char *
fk_frame_intern0(FkInterner *strings, const char *s)
{
  return s != NULL ? fk_frame_intern(strings, s, strlen(s)) : NULL;
}
