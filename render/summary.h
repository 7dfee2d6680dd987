/* summary.h -- what a run knows beyond the tree, for writers that report it
 * (json: the inputs; speedscope: the profile name). Commands fill it and point
 * FkRenderOptions.summary at it; writers treat NULL as "nothing known". */
#pragma once

#include <glib.h>

typedef struct {
  const char *path;        /* as given on the command line */
  const char *member;      /* inside an archive, or NULL */
  const char *host;        /* or NULL */
  const char *format;      /* reader name, or NULL when detected per member */
  const char *event;       /* or NULL */
  const char *weight_unit; /* "samples", "period", or NULL */
  const char *role;        /* "before", "after" (diff), or NULL */
  gboolean has_total;
  gint64 total; /* scaled by 10^decimals */
  guint decimals;
  guint64 skipped; /* items skipped while reading it */
} FkInputSummary;

typedef struct {
  const char *command; /* "fold", "graph", "diff" */
  FkInputSummary *inputs;
  gsize n_inputs;
  guint64 skipped; /* items skipped in all */
} FkRunSummary;
