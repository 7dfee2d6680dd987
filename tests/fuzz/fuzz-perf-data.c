/* fuzz-perf-data.c -- libFuzzer target for the perf.data reader. Seeds are
 * small real captures (tests/fuzz/corpus/perf-data/). Frames are named by dso
 * so that the run exercises the reader, not the file system. */
#include "fuzz.h"

#include "../../formats/perf/options.h"

int
LLVMFuzzerTestOneInput(const guint8 *data, gsize size)
{
  g_autoptr(GBytes) bytes = g_bytes_new(data, size);
  g_autoptr(FkInput) in = fk_input_new_bytes("fuzz", bytes);
  g_autoptr(FkDiag) diag = fk_diag_new(3);
  g_autoptr(FkTree) tree = fk_tree_new(NULL, FK_TREE_DEFAULT);
  FkReadOptions opts = {0};
  opts.strings = fk_tree_strings(tree);
  opts.diag = diag;
  opts.max_depth = 512;
  static const FkPerfDataOptions own = {.max_buffer = 1 << 22, .dso_only = TRUE};
  opts.own[FK_READER_SLOT_PERF_DATA] = &own;
  (void)fk_reader_perf_data.bid(data, MIN(size, (gsize)FK_BID_BYTES));
  gpointer state = fk_reader_perf_data.open(in, &opts, NULL);
  if (state == NULL)
    return 0;
  FkSample s;
  while (fk_reader_perf_data.next(state, &s, NULL) == FK_READ_SAMPLE)
    (void)fk_tree_add_sample(tree, &s, NULL);
  g_autoptr(GPtrArray) pairs = g_ptr_array_new_with_free_func(g_free);
  fk_reader_perf_data.describe(state, pairs);
  fk_reader_perf_data.close(state);
  return 0;
}
