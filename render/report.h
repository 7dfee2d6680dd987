/* report.h -- `flamekit report`'s writers: one self-contained HTML page
 * (report.c), a Markdown summary for a ticket (report-md.c) and the nightly
 * index over report folders (report-index.c).
 *
 * They read finished trees and what the command knew of the run (FkReport);
 * they never read files. The page's graphs are the SVG writer's own output
 * (fk_writer_svg), carried in the page as JSON strings and instantiated by
 * the page's script (report.js, embedded into report-assets.c by
 * render/embed.sh) only when shown: the flame graph and the groups' graph
 * at load, the icicle when asked for. */
#pragma once

#include "writer.h"

/* One host or group of a one-sided report: its tree and its name (the
 * VALUE of its "[KEY=VALUE]" group frame). */
typedef struct {
  const char *name;
  const char *frame;  /* its group frame in FkReport.grouped: "[host=web01]" */
  const FkTree *tree; /* NULL: the subtree of NODE in FkReport.grouped */
  FkNodeId node;      /* its frame in FkReport.grouped, when TREE is NULL */
  const char *href;   /* -o DIR/: the group's own page, relative; NULL: none */
} FkReportGroup;

typedef struct {
  const char *title;        /* the page's title */
  const char *command_line; /* the command that made it, quoted for a shell */
  const char *version;      /* flamekit's */
  const char *date;         /* when it was made, ISO 8601 UTC */
  const FkRunSummary *summary;
  /* One side: the merged tree. Two sides: the differential tree (two
   * columns, before and after) and the sides' names. */
  const FkTree *tree;
  gboolean two_sided;
  const char *before_name, *after_name;
  const FkVerdicts *verdicts; /* two sides with at least two runs each, else NULL */
  const char *group_key;      /* "host", "comm", ...: what the groups are */
  const FkTree *grouped;      /* the groups as the root's children (graph --group-by) */
  const FkReportGroup *groups;
  gsize n_groups; /* 0 or 1: no side-by-side view */
  /* What was skipped while reading, as the messages said it (NULL-terminated
   * or NULL), and how many were not shown. */
  const char *const *skipped;
  guint64 skipped_unshown;
  gboolean has_time; /* the samples' time range, ns */
  guint64 time_first, time_last;
  const char *index_href; /* a group page: the link back to the index; else NULL */
} FkReport;

/* Writes the HTML page. OPTS carries the graphs' options (fk_writer_svg's). */
gboolean fk_report_write_html(const FkReport *report, const FkRenderOptions *opts, FILE *out,
                              GError **error);

/* Writes the Markdown summary: inputs, the top TOP functions, the verdict,
 * and the command that made it. Every name is escaped so that it stays text
 * in a table cell (`|`, backticks, `<`, `*`, `_`, `[`, line ends and
 * control characters). */
gboolean fk_report_write_markdown(const FkReport *report, const FkRenderOptions *opts, guint top,
                                  FILE *out, GError **error);

/* What the nightly index shows of one report folder (read by the command
 * from its report.json). */
typedef struct {
  const char *href; /* the folder's index.html, relative to the index */
  const char *date; /* ISO 8601 */
  const char *title;
  const char *inputs;  /* joined */
  const char *hosts;   /* joined, or a count */
  const char *verdict; /* "regression", "no regression", "one side", ... */
  const char *samples; /* the total, with its unit */
  const char *problem; /* the folder could not be read: why; else NULL */
} FkReportIndexEntry;

/* Writes the nightly index page over N report folders, newest first as
 * given. */
gboolean fk_report_write_index(const FkReportIndexEntry *entries, gsize n, const char *version,
                               FILE *out, GError **error);

/* Writes the folder's machine-readable description (report.json), which
 * the nightly index reads back: format version, date, title, command,
 * inputs, hosts, total, verdict. */
gboolean fk_report_write_meta(const FkReport *report, const FkRenderOptions *opts, FILE *out,
                              GError **error);
/* The verdict line of a report: "regression: N slower", "no regression",
 * "one side", "no verdict: one run a side". A new string. */
char *fk_report_verdict(const FkReport *report);

/* Helpers the three writers share (report-escape.c). */
/* NAME as the SVG writer shows it (control characters and bad UTF-8 as
 * visible \xNN, annotations like _[k] hidden): the name the graph's script
 * matches, so that the table can zoom the graph to it. */
char *fk_report_display_name(const char *name);
/* Appends S escaped for HTML text and attribute values. */
void fk_report_html(GString *out, const char *s);
/* Appends S as a JSON string literal that is safe inside a <script> element:
 * `<`, `>` and `&` as \u escapes, so no `</script>` nor `<!--` can appear. */
void fk_report_js_string(GString *out, const char *s);
/* Appends S escaped for a Markdown table cell. */
void fk_report_md(GString *out, const char *s);
