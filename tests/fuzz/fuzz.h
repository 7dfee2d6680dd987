/* fuzz.h -- shared body of the reader fuzz targets: feed bytes to a reader
 * and build a tree, as `flamekit fold` would. */
#pragma once

#include "../../analyze/stacktree.h"
#include "../../formats/reader.h"

int LLVMFuzzerTestOneInput(const guint8 *data, gsize size);

/* Feeds DATA to READER with OPTS (strings, diag and limits are set here). */
static inline void
fk_fuzz_reader_with(const FkReader *reader, const guint8 *data, gsize size, FkReadOptions opts)
{
  g_autoptr(GBytes) bytes = g_bytes_new(data, size);
  g_autoptr(FkInput) in = fk_input_new_bytes("fuzz", bytes);
  g_autoptr(FkDiag) diag = fk_diag_new(3);
  g_autoptr(FkTree) tree = fk_tree_new(NULL, FK_TREE_DEFAULT);
  opts.strings = fk_tree_strings(tree);
  opts.diag = diag;
  opts.max_line = 1 << 16;
  opts.max_depth = 512;
  (void)reader->bid(data, MIN(size, (gsize)FK_BID_BYTES));
  gpointer state = reader->open(in, &opts, NULL);
  if (state == NULL)
    return;
  FkSample s;
  while (reader->next(state, &s, NULL) == FK_READ_SAMPLE)
    (void)fk_tree_add_sample(tree, &s, NULL);
  reader->close(state);
}

/* For the text-dump readers: the first byte, when it is a control byte
 * (< 0x20, not a newline), picks the options (--pid, --tid, --kernel, --jit,
 * --addrs, --includeoffset, --weight samples) so that their paths are fuzzed
 * too; else the defaults are used. */
static inline void
fk_fuzz_text_reader(const FkReader *reader, const guint8 *data, gsize size)
{
  guint8 flags = 0;
  if (size > 0 && data[0] < 0x20 && data[0] != '\n') {
    flags = data[0];
    data++;
    size--;
  }
  FkReadOptions opts = {0};
  opts.include_pid = (flags & 1) != 0;
  opts.include_tid = (flags & 2) != 0;
  opts.annotate_kernel = (flags & 4) != 0;
  opts.annotate_jit = (flags & 8) != 0;
  opts.include_addrs = (flags & 16) != 0;
  opts.include_offset = (flags & 1) != 0;
  opts.weight = (flags & 2) ? FK_WEIGHT_SAMPLES : FK_WEIGHT_DEFAULT;
  fk_fuzz_reader_with(reader, data, size, opts);
}

/* With the default options. */
static inline void
fk_fuzz_reader(const FkReader *reader, const guint8 *data, gsize size)
{
  FkReadOptions opts = {0};
  fk_fuzz_reader_with(reader, data, size, opts);
}
