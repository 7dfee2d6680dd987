/* fuzz-folded.c -- libFuzzer target for the folded reader. */
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const guint8 *data, gsize size)
{
  fk_fuzz_reader(&fk_reader_folded, data, size);
  return 0;
}
