/* options.h -- what only the perf-data reader is told.
 *
 * A caller puts one of these in FkReadOptions.own[FK_READER_SLOT_PERF_DATA];
 * the options every reader shares stay in FkReadOptions. */
#pragma once

#include <glib.h>

typedef struct {
  guint64 max_buffer; /* bytes of an unseekable capture held in memory (0: 4 GiB) */
  gboolean dso_only;  /* name frames by their dso ("[libc.so.6]"), no symbolizing */
  /* 1: decode and symbolize a capture on the reading thread alone (-j 1);
   * else (0) a file-mode capture is decoded on a thread of its own while the
   * reading thread symbolizes (data.c) */
  guint threads;
  guint batch_samples; /* samples a batch of the decoder's holds (0: 2048); for tests */
} FkPerfDataOptions;
