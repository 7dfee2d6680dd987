/* sorted.h -- the search every sorted address table of the readers does. */
#pragma once

#include <glib.h>
#include <string.h>

/* How many of the N elements of STRIDE bytes at BASE, sorted by the guint64
 * at KEY_OFFSET in each, have a key at or below X: the index just past the
 * last such element (0: none). The symbol, mapping, unit, range and line
 * tables each had this loop of their own. Inline: with a constant stride and
 * offset it compiles to the same loop, and it is on the symbolizer's hot
 * path. */
static inline guint
fk_sorted_upto(const void *base, guint n, gsize stride, gsize key_offset, guint64 x)
{
  const guint8 *b = base;
  guint lo = 0, hi = n;
  while (lo < hi) {
    guint mid = lo + (hi - lo) / 2;
    guint64 k;
    memcpy(&k, b + (gsize)mid * stride + key_offset, sizeof k);
    if (k <= x)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

/* fk_sorted_upto over the GArray ARRAY of TYPE, by its FIELD. */
#define FK_SORTED_UPTO(array, type, field, x)                                                      \
  fk_sorted_upto((array)->data, (array)->len, sizeof(type), G_STRUCT_OFFSET(type, field), (x))
