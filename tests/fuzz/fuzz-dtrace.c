/* fuzz-dtrace.c -- libFuzzer target for the dtrace reader; the first byte may
 * pick reader options (see fk_fuzz_text_reader). */
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const guint8 *data, gsize size)
{
  fk_fuzz_text_reader(&fk_reader_dtrace, data, size);
  return 0;
}
