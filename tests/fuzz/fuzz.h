/* fuzz.h -- shared body of the reader fuzz targets: feed bytes to a reader
 * and build a tree, as `flamekit fold` would. */
#pragma once

#include "../../analyze/stacktree.h"
#include "../../formats/reader.h"

int LLVMFuzzerTestOneInput(const guint8 *data, gsize size);

static inline void
fk_fuzz_reader(const FkReader *reader, const guint8 *data, gsize size)
{
  g_autoptr(GBytes) bytes = g_bytes_new(data, size);
  g_autoptr(FkInput) in = fk_input_new_bytes("fuzz", bytes);
  g_autoptr(FkDiag) diag = fk_diag_new(3);
  g_autoptr(FkTree) tree = fk_tree_new(NULL, FK_TREE_DEFAULT);
  FkReadOptions opts = {0};
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
