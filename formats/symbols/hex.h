/* hex.h -- eight hex digits read at once, in one 64-bit word (SWAR): a
 * kallsyms line starts with a 16-digit address, and its 122k lines are
 * parsed before the first kernel frame can be named (the symbolizing side
 * waits for them), digit by digit two thirds of that parse. */
#pragma once

#include <glib.h>
#include <string.h>

/* TRUE, with their value in *V, when the 8 bytes at P are hex digits (either
 * case: 0-9, a-f, A-F); FALSE when any one is not. */
static inline gboolean
fk_hex8(const char *p, guint32 *v)
{
  const guint64 ones = G_GUINT64_CONSTANT(0x0101010101010101);
  const guint64 high = ones * 0x80;
  guint64 x;
  memcpy(&x, p, 8);
  x = GUINT64_FROM_LE(x); /* the first digit in the low byte */
  if (x & high)
    return FALSE;
  /* below 0x80 a byte plus (0x80 - C) carries into no other byte, and its
   * top bit says byte >= C */
  guint64 digit = (x + ones * (0x80 - '0')) & ~(x + ones * (0x80 - '9' - 1)) & high;
  /* | 0x20 folds A-F onto a-f, and nothing else onto them below 0x80 */
  guint64 y = x | ones * 0x20;
  guint64 alpha = (y + ones * (0x80 - 'a')) & ~(y + ones * (0x80 - 'f' - 1)) & high;
  if ((digit | alpha) != high)
    return FALSE;
  /* each byte's value: its low four bits, plus 9 for a letter */
  guint64 nib = (x & ones * 0x0f) + (alpha >> 7) * 9;
  /* byte pairs, then pairs of pairs, then the halves, the earlier digits
   * the higher */
  guint64 t = ((nib & G_GUINT64_CONSTANT(0x000f000f000f000f)) << 4) |
              ((nib >> 8) & G_GUINT64_CONSTANT(0x000f000f000f000f));
  guint64 u = ((t & G_GUINT64_CONSTANT(0x000000ff000000ff)) << 8) |
              ((t >> 16) & G_GUINT64_CONSTANT(0x000000ff000000ff));
  *v = (guint32)(((u & 0xffff) << 16) | ((u >> 32) & 0xffff));
  return TRUE;
}
