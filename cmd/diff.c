/* diff.c -- `flamekit diff BEFORE AFTER`: a differential profile, its tables,
 * and on request a regression verdict (exit code 3).
 *
 * Each side is read into its own collector, shaped by the same transform
 * options, and the two trees become one two-column tree (fk_tree_diff): the
 * folded form `stack BEFORE AFTER` that difffolded.pl writes, a differential
 * graph, or the per-function diff table (csv, json). */
#include "cmd.h"

#include "../analyze/functions.h"

#include <math.h>
#include <string.h>

/* Reads one side into a collector of its own. */
static FkCollector *
read_side(const char *path, const FkInputOptions *iopts, const FkCollectOptions *copts,
          FkDiag *diag, gboolean *read_ok)
{
  FkCollector *collector = fk_collector_new(NULL, copts);
  char *paths[] = {(char *)path, NULL};
  if (!fk_cmd_read_inputs(paths, iopts, collector, diag))
    *read_ok = FALSE;
  return collector;
}

/* Shapes one side, its reports naming it. NULL after printing. */
static FkTree *
finish_side(const char *path, FkTransformOptions *topts, FkCollector *collector, gboolean *ok)
{
  char *paths[] = {(char *)path, NULL};
  g_autofree char *where = fk_cmd_inputs_name(paths);
  topts->side = where;
  FkTree *tree = fk_transform_options_finish(topts, collector, where, ok);
  topts->side = NULL;
  return tree;
}

/* The regression verdict: TRUE when a threshold was crossed (each crossing
 * printed). */
static gboolean
verdict(const FkTree *diff, double fail_pp, double fail_total)
{
  gboolean regressed = FALSE;
  if (fail_total >= 0) {
    gint64 b = fk_tree_total(diff, 0), a = fk_tree_total(diff, 1);
    double growth = b == 0 ? (a == 0 ? 0 : INFINITY) : 100.0 * ((double)a - (double)b) / (double)b;
    if (growth > fail_total) {
      fk_cmd_error("regression: the total grew by %.2f%% (more than %g%%)", growth, fail_total);
      regressed = TRUE;
    }
  }
  if (fail_pp >= 0) {
    g_autoptr(GArray) rows = fk_functions_collect(diff, TRUE);
    guint shown = 0;
    for (guint i = 0; i < rows->len; i++) {
      const FkFunction *f = &g_array_index(rows, FkFunction, i);
      double b = fk_function_share(diff, f->total, 0), a = fk_function_share(diff, f->total, 1);
      if (fk_function_change(diff, f->total) > fail_pp) {
        if (shown++ < 10)
          fk_cmd_error("regression: %s grew from %.2f%% to %.2f%% of the total (+%.2f points, "
                       "more than %g)",
                       f->name, b, a, a - b, fail_pp);
        regressed = TRUE;
      }
    }
    if (shown > 10)
      fk_cmd_error("regression: ... and %u more functions", shown - 10);
  }
  return regressed;
}

int
cmd_diff(int argc, char **argv)
{
  FkInputOptions iopts;
  fk_input_options_init(&iopts);
  FkTransformOptions topts;
  fk_transform_options_init(&topts);
  FkCollectOptions copts;
  fk_collect_options_init(&copts);
  g_auto(GStrv) output = NULL;
  g_autofree char *output_format = NULL;
  gboolean normalize = FALSE, negate = FALSE;
  double fail_pp = -1, fail_total = -1;
  const GOptionEntry entries[] = {
      {"output", 'o', 0, G_OPTION_ARG_FILENAME_ARRAY, &output,
       "Write to FILE in the format of its extension: .folded (default), .svg, .csv, .json "
       "(repeatable)",
       "FILE"},
      {"output-format", 0, 0, G_OPTION_ARG_STRING, &output_format,
       "Write NAME whatever the extension", "NAME"},
      {"normalize", 'n', 0, G_OPTION_ARG_NONE, &normalize,
       "Scale BEFORE to AFTER's total, exactly (decimal weights, no truncation)", NULL},
      {"negate", 0, 0, G_OPTION_ARG_NONE, &negate,
       "Differential graph: swap the hues (red shrank, blue grew)", NULL},
      {"fail-if-grown", 0, 0, G_OPTION_ARG_DOUBLE, &fail_pp,
       "Exit 3 when a function's share of the total grew by more than PP percentage points",
       "PP"},
      {"fail-if-total-grown", 0, 0, G_OPTION_ARG_DOUBLE, &fail_total,
       "Exit 3 when AFTER's total exceeds BEFORE's by more than PCT percent", "PCT"},
      {NULL, 0, 0, 0, NULL, NULL, NULL},
  };
  g_autoptr(GOptionContext) context = g_option_context_new("BEFORE AFTER");
  g_option_context_set_summary(
      context, "Compare two profiles (any inputs) and write the differential profile: folded\n"
               "`stack BEFORE AFTER` lines by default, or a graph or table by -o's extension.\n"
               "Exit codes: 0 ok, 1 failure, 2 usage, 3 a --fail-if-* threshold was crossed.");
  g_option_context_add_main_entries(context, entries, NULL);
  fk_input_options_add(context, &iopts);
  fk_transform_options_add(context, &topts);
  int rc = fk_cmd_parse_reading(context, &argc, &argv, &iopts, &topts, &copts);
  if (rc == FK_EXIT_OK)
    rc = fk_cmd_check_outputs(output, output_format);
  if (rc == FK_EXIT_OK && argc != 3)
    rc = fk_cmd_usage("expected two inputs, BEFORE and AFTER, not %d", argc - 1);
  if (rc == FK_EXIT_OK && ((fail_pp < 0 && fail_pp != -1) || (fail_total < 0 && fail_total != -1)))
    rc = fk_cmd_usage("--fail-if-grown and --fail-if-total-grown take a non-negative number");
  if (rc == FK_EXIT_OK && strcmp(argv[1], "-") == 0 && strcmp(argv[2], "-") == 0)
    rc = fk_cmd_usage("BEFORE and AFTER cannot both be standard input");
  if (rc != FK_EXIT_OK) {
    fk_input_options_clear(&iopts);
    fk_transform_options_clear(&topts);
    return rc;
  }

  g_autoptr(FkDiag) diag = fk_diag_new(5);
  gboolean ok = TRUE;
  /* Both sides read before anything is reported, so that what was skipped
   * comes first, as in every command. */
  gboolean side_ok[2] = {TRUE, TRUE}; /* each side's own, so each says what it lacks */
  g_autoptr(FkCollector) cbefore = read_side(argv[1], &iopts, &copts, diag, &side_ok[0]);
  g_autoptr(FkCollector) cafter = read_side(argv[2], &iopts, &copts, diag, &side_ok[1]);
  rc = fk_cmd_report_diag(diag, &iopts);
  g_autoptr(FkTree) before = finish_side(argv[1], &topts, cbefore, &side_ok[0]);
  g_autoptr(FkTree) after = before ? finish_side(argv[2], &topts, cafter, &side_ok[1]) : NULL;
  ok = side_ok[0] && side_ok[1];
  g_autoptr(GError) error = NULL;
  /* What the summary says of each side, kept before AFTER becomes the diff. */
  const FkTree *sides[] = {before, after};
  gint64 totals[2] = {0, 0};
  guint decimals[2] = {0, 0};
  for (guint i = 0; i < 2; i++)
    if (sides[i] != NULL) {
      totals[i] = fk_tree_total(sides[i], 0);
      decimals[i] = fk_tree_decimals(sides[i]);
    }
  g_autoptr(FkTree) diff =
      after ? fk_tree_diff_take(before, g_steal_pointer(&after), normalize, &error) : NULL;
  g_clear_pointer(&before, fk_tree_free); /* the diff holds its own copy of the names */
  if (diff == NULL) {
    if (error != NULL)
      fk_cmd_error("%s", error->message);
    fk_input_options_clear(&iopts);
    fk_transform_options_clear(&topts);
    return FK_EXIT_FAILURE;
  }
  FkRenderOptions ropts;
  fk_render_options_init(&ropts);
  ropts.negate = negate;
  ropts.normalized = normalize;
  FkRunSummary summary;
  fk_cmd_summary_init(&summary, "diff", argv + 1, &iopts, diag);
  const char *roles[] = {"before", "after"};
  for (guint i = 0; i < 2; i++) {
    summary.inputs[i].role = roles[i];
    summary.inputs[i].has_total = TRUE;
    summary.inputs[i].total = totals[i];
    summary.inputs[i].decimals = decimals[i];
  }
  ropts.summary = &summary;
  if (!fk_cmd_write_outputs(diff, output, output_format, &fk_writer_folded, &ropts))
    ok = FALSE;
  g_free(summary.inputs);
  fk_input_options_clear(&iopts);
  fk_transform_options_clear(&topts);
  if (!ok)
    return FK_EXIT_FAILURE;
  if (rc != FK_EXIT_OK)
    return rc;
  return verdict(diff, fail_pp, fail_total) ? FK_EXIT_REGRESSION : FK_EXIT_OK;
}
