/* bits.h -- bit counting for the binary readers (perf.data, the unwinder). */
#pragma once

#include <glib.h>

/* The set bits of V. Without -mpopcnt (the build targets any x86-64)
 * __builtin_popcountll is a call into libgcc, and the perf.data reader
 * counts bits for every record and the unwinder for every register. */
static inline guint
fk_popcount64(guint64 v)
{
  v = v - ((v >> 1) & G_GUINT64_CONSTANT(0x5555555555555555));
  v = (v & G_GUINT64_CONSTANT(0x3333333333333333)) +
      ((v >> 2) & G_GUINT64_CONSTANT(0x3333333333333333));
  v = (v + (v >> 4)) & G_GUINT64_CONSTANT(0x0f0f0f0f0f0f0f0f);
  return (guint)((v * G_GUINT64_CONSTANT(0x0101010101010101)) >> 56);
}
