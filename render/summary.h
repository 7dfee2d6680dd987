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
  const char *weight_unit; /* "samples", "nanoseconds", "cycles", "events", "weight", or NULL */
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
  guint64 skipped;         /* items skipped in all */
  const char *weight_unit; /* of every weight read: "samples", "nanoseconds", ...; NULL: unknown */
  guint hosts;             /* distinct hosts the samples came from (0: none known) */
} FkRunSummary;

/* The hosts a function was seen on, for a writer: its own count when the
 * tree is grouped by host (FUNCTION_HOSTS > 0), else 1 when the whole run
 * came from one host, 0 when no host is known, and -1 (unknown: write null)
 * when several hosts were read without --group-by host. */
static inline gint
fk_summary_hosts(const FkRunSummary *summary, guint function_hosts)
{
  if (function_hosts > 0 || summary == NULL || summary->hosts == 0)
    return (gint)function_hosts;
  return summary->hosts == 1 ? 1 : -1;
}
