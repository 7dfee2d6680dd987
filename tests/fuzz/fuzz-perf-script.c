/* fuzz-perf-script.c -- libFuzzer target for the perf-script reader; the first byte may
 * pick reader options (see fk_fuzz_text_reader). */
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const guint8 *data, gsize size)
{
  fk_fuzz_text_reader(&fk_reader_perf_script, data, size);
  return 0;
}
