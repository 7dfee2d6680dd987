/* fuzz-dtrace.c -- libFuzzer target for the dtrace reader. The first byte, when
 * it is a control byte (< 0x20, not a newline), picks the text-dump options
 * (--pid, --tid, --kernel, --jit, --addrs, --includeoffset, --weight
 * samples) so that their paths are fuzzed too; else the defaults are used. */
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const guint8 *data, gsize size)
{
  guint8 flags = 0;
  if (size > 0 && data[0] < 0x20 && data[0] != '\n') {
    flags = data[0];
    data++;
    size--;
  }
  g_autoptr(GBytes) bytes = g_bytes_new(data, size);
  g_autoptr(FkInput) in = fk_input_new_bytes("fuzz", bytes);
  g_autoptr(FkDiag) diag = fk_diag_new(3);
  g_autoptr(FkTree) tree = fk_tree_new(NULL, FK_TREE_DEFAULT);
  FkReadOptions opts = {0};
  opts.strings = fk_tree_strings(tree);
  opts.diag = diag;
  opts.max_line = 1 << 16;
  opts.max_depth = 512;
  opts.include_pid = (flags & 1) != 0;
  opts.include_tid = (flags & 2) != 0;
  opts.annotate_kernel = (flags & 4) != 0;
  opts.annotate_jit = (flags & 8) != 0;
  opts.include_addrs = (flags & 16) != 0;
  opts.include_offset = (flags & 1) != 0;
  opts.weight = (flags & 2) ? FK_WEIGHT_SAMPLES : FK_WEIGHT_DEFAULT;
  (void)fk_reader_dtrace.bid(data, MIN(size, (gsize)FK_BID_BYTES));
  gpointer state = fk_reader_dtrace.open(in, &opts, NULL);
  if (state == NULL)
    return 0;
  FkSample s;
  while (fk_reader_dtrace.next(state, &s, NULL) == FK_READ_SAMPLE)
    (void)fk_tree_add_sample(tree, &s, NULL);
  fk_reader_dtrace.close(state);
  return 0;
}
