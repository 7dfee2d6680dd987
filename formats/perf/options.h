/* options.h -- what only the perf-data reader is told.
 *
 * A caller puts one of these in FkReadOptions.own[FK_READER_SLOT_PERF_DATA];
 * the options every reader shares stay in FkReadOptions. */
#pragma once

#include <glib.h>

typedef struct {
  guint64 max_buffer; /* bytes of an unseekable capture held in memory (0: 4 GiB) */
  gboolean dso_only;  /* name frames by their dso ("[libc.so.6]"), no symbolizing */
} FkPerfDataOptions;
