/* diff.c -- `flamekit diff BEFORE AFTER`: a differential profile, its tables,
 * and a regression verdict (exit code 3).
 *
 * A side is one or more inputs (`BEFORE... -- AFTER...`); every capture it
 * holds (a file, a file found in a directory, an archive member) is one run.
 * Each side is read into its own collector grouped by input first, shaped by
 * the same transform options, and cut into its runs (fk_tree_split; one run,
 * the usual case, loses its group frame in place, fk_tree_lift); the runs of
 * a side, merged, are that side of the two-column tree, both sides consumed
 * as it is made (fk_tree_diff_take_both), so that the peak memory is the two
 * sides' trees and no copy of them:
 * the folded form `stack BEFORE AFTER` that difffolded.pl writes, a
 * differential graph, the per-function diff table. With at least two runs a
 * side the runs also go to analyze/verdict (a test per function, the false
 * discovery rate across functions): the verdict table on stdout, the verdict
 * JSON and CSV, a graph coloured only where a change is significant, and
 * exit 3 when something regressed. One run a side is the profile-to-profile
 * comparison it always was. */
#include "cmd.h"

#include "../analyze/functions.h"
#include "../analyze/reshape.h"
#include "../analyze/verdict.h"
#include "../render/verdict.h"

#include <math.h>
#include <string.h>

#define GROUP_PREFIX "[file="

/* Reads one side into a collector of its own. *WEIGHT_PER_SAMPLE: 1 when
 * its weights are counts of samples; the mean period of a sample when they
 * are periods (from the facts fk_cmd_read_inputs appends), so that
 * --min-samples counts samples either way. */
static FkCollector *
read_side(char **paths, FkInputOptions *iopts, const FkCollectOptions *copts, FkDiag *diag,
          gboolean *read_ok, double *weight_per_sample, char ***expanded)
{
  FkCollector *collector = fk_collector_new(NULL, copts);
  guint first = iopts->facts->len;
  guint first_origin = fk_diag_origins(diag)->len;
  if (!fk_cmd_read_inputs(paths, iopts, collector, diag))
    *read_ok = FALSE;
  /* Partials read: their facts are those of the inputs they were made
   * from (samples, not stack lines, for --min-samples). */
  *expanded = fk_cmd_partials_expand(paths, iopts, diag, first, first_origin);
  double samples = 0, weight = 0;
  gboolean periods = TRUE;
  for (guint i = first; i < iopts->facts->len; i++) {
    const FkInputFacts *f = &g_array_index(iopts->facts, FkInputFacts, i);
    if (f->samples == 0)
      continue;
    periods &= f->period && !f->counts;
    samples += (double)f->samples;
    weight += (double)f->total / (double)fk_pow10(f->decimals);
  }
  *weight_per_sample = periods && samples > 0 && weight > 0 ? weight / samples : 1;
  return collector;
}

/* Shapes one side, its reports naming it. NULL after printing. */
static FkTree *
finish_side(char **paths, FkTransformOptions *topts, FkCollector *collector, gboolean *ok)
{
  g_autofree char *where = fk_cmd_inputs_name(paths);
  topts->side = where;
  FkTree *tree = fk_transform_options_finish(topts, collector, where, ok);
  topts->side = NULL;
  return tree;
}

/* The name of a run from its group frame: "[file=NAME]", NAME with ';', '%'
 * and control characters %-escaped. */
static char *
run_name(const char *f)
{
  if (f == NULL)
    return g_strdup("?");
  g_autofree char *v = g_strndup(f + strlen(GROUP_PREFIX), strlen(f) - strlen(GROUP_PREFIX) - 1);
  char *name = g_uri_unescape_string(v, NULL);
  return name != NULL ? name : g_strdup(v);
}

/* A side as one profile, from its tree grouped by input (GROUPED, consumed),
 * its runs' names into NAMES. One run, the usual case, is the tree itself
 * without its group frame (fk_tree_lift, no copy) and *RUNS is NULL; else
 * *RUNS holds the runs (element FkTree*, for the verdicts) and the side is
 * their merge. Without MAY_LIFT the run is always the split's copy, whose
 * nodes come in the walk's order (a lifted tree keeps the input's): how
 * --normalize breaks ties between BEFORE's remainders, by node order.
 * NULL after printing an error. */
static FkTree *
side_profile(FkTree *grouped_, gboolean may_lift, GPtrArray *names, GPtrArray **runs,
             GError **error)
{
  g_autoptr(FkTree) grouped = grouped_;
  *runs = NULL;
  g_autoptr(GArray) top = g_array_new(FALSE, FALSE, sizeof(FkNodeId));
  fk_tree_children(grouped, FK_ROOT, FK_ORDER_INSERTION, top);
  /* One group frame with weight under the root: the split would copy the
   * tree without it, the lift drops it in place. (A group of no weight is
   * no run: the split leaves it out.) */
  const FkNode *only =
      top->len == 1 ? fk_tree_node(grouped, g_array_index(top, FkNodeId, 0)) : NULL;
  if (may_lift && only != NULL && g_str_has_prefix(only->name, GROUP_PREFIX) &&
      (fk_node_total(grouped, g_array_index(top, FkNodeId, 0), 0) != 0 ||
       fk_node_total(grouped, g_array_index(top, FkNodeId, 0), 1) != 0)) {
    g_ptr_array_add(names, run_name(only->name));
    fk_tree_lift(grouped); /* cannot fail: the root has one child */
    return g_steal_pointer(&grouped);
  }
  g_autoptr(GPtrArray) frames = g_ptr_array_new();
  g_autoptr(GPtrArray) split = fk_tree_split(grouped, GROUP_PREFIX, frames, error);
  if (split == NULL) {
    fk_cmd_error("%s", (*error)->message);
    g_clear_error(error);
    return NULL;
  }
  for (guint i = 0; i < frames->len; i++)
    g_ptr_array_add(names, run_name(frames->pdata[i]));
  FkTree *side;
  if (split->len == 0) {
    side = fk_tree_new(fk_tree_strings(grouped), fk_tree_flags(grouped));
    fk_tree_finish(side);
  } else if (split->len == 1) {
    side = g_ptr_array_steal_index(split, 0);
  } else {
    side = fk_tree_merge((FkTree *const *)split->pdata, split->len, error);
  }
  if (side != NULL && split->len > 0)
    *runs = g_steal_pointer(&split);
  return side;
}

/* The regression verdict of the thresholds: TRUE when one was crossed (each
 * crossing printed). */
static gboolean
thresholds(const FkTree *diff, double fail_pp, double fail_total)
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

static void
say_slower(const char *name, const FkVerdictRow *r)
{
  const FkMeasure *m = r->total.verdict == FK_VERDICT_SLOWER ? &r->total : &r->self;
  const char *what = m == &r->total ? "inclusive" : "self";
  if (isinf(m->change)) { /* nothing before */
    fk_cmd_error("regression: %s is slower: new in AFTER, %s weight %g a run, q %.2g", name, what,
                 m->after, m->q);
    return;
  }
  g_autofree char *iv = fk_verdict_interval(m);
  fk_cmd_error("regression: %s is slower: %s weight %+.2f%% %s, q %.2g", name, what, m->change, iv,
               m->q);
}

/* The regression verdict of the statistics: something slower among the
 * functions FAIL_ON matches (NULL: all) and, with FAIL_ON_TOTAL or without
 * FAIL_ON, the total. */
static gboolean
slower(const FkVerdicts *v, const GRegex *fail_on, gboolean fail_on_total)
{
  gboolean regressed = FALSE;
  if ((fail_on_total || fail_on == NULL) && v->total.verdict == FK_VERDICT_SLOWER) {
    say_slower("the total", &v->total);
    regressed = TRUE;
  }
  if (fail_on_total && fail_on == NULL)
    return regressed;
  guint shown = 0;
  for (guint i = 0; i < v->rows->len; i++) {
    const FkVerdictRow *r = &g_array_index(v->rows, FkVerdictRow, i);
    if (r->verdict != FK_VERDICT_SLOWER || (fail_on && !g_regex_match(fail_on, r->name, 0, NULL)))
      continue;
    if (shown++ < 10)
      say_slower(r->name, r);
    regressed = TRUE;
  }
  if (shown > 10)
    fk_cmd_error("regression: ... and %u more functions", shown - 10);
  return regressed;
}

/* The verdict table as a writer, so that stdout is written and checked as
 * every output is. */
static gboolean
table_write(const FkTree *tree, const FkRenderOptions *opts, FILE *out, GError **error)
{
  (void)tree;
  return fk_verdicts_write_text(opts->verdicts, opts, out, error);
}
static const FkWriter table_writer = {"table", "", "the verdict table", table_write};

int
cmd_diff(int argc, char **argv)
{
  g_auto(FkInputOptions) iopts = {0};
  fk_input_options_init(&iopts);
  g_auto(FkTransformOptions) topts = {0};
  fk_transform_options_init(&topts);
  FkCollectOptions copts;
  fk_collect_options_init(&copts);
  FkVerdictOptions vopts;
  fk_verdict_options_init(&vopts);
  g_auto(GStrv) output = NULL;
  g_autofree char *output_format = NULL, *fail_on = NULL, *test = NULL;
  gboolean normalize = FALSE, negate = FALSE, fail_on_total = FALSE;
  double fail_pp = -1, fail_total = -1;
  double fdr = NAN, min_change = NAN, min_samples = NAN; /* NAN: not given */
  const GOptionEntry entries[] = {
      {"output", 'o', 0, G_OPTION_ARG_FILENAME_ARRAY, &output,
       "Write to FILE in the format of its extension: .folded (default), .svg, .csv, .json "
       "(repeatable)",
       "FILE"},
      {"output-format", 0, 0, G_OPTION_ARG_STRING, &output_format,
       "Write NAME whatever the extension", "NAME"},
      {"normalize", 'n', 0, G_OPTION_ARG_NONE, &normalize,
       "Scale BEFORE to AFTER's total, exactly; with runs: compare shares of each run's total",
       NULL},
      {"negate", 0, 0, G_OPTION_ARG_NONE, &negate,
       "Differential graph: swap the hues (red shrank, blue grew)", NULL},
      {"fail-if-grown", 0, 0, G_OPTION_ARG_DOUBLE, &fail_pp,
       "Exit 3 when a function's share of the total grew by more than PP percentage points", "PP"},
      {"fail-if-total-grown", 0, 0, G_OPTION_ARG_DOUBLE, &fail_total,
       "Exit 3 when AFTER's total exceeds BEFORE's by more than PCT percent", "PCT"},
      {"fdr", 0, 0, G_OPTION_ARG_DOUBLE, &fdr,
       "Runs: the false discovery rate across functions (Benjamini-Hochberg; default 0.05)", "Q"},
      {"min-change", 0, 0, G_OPTION_ARG_DOUBLE, &min_change,
       "Runs: the smallest change in percent that counts as slower or faster (default 2)", "PCT"},
      {"min-samples", 0, 0, G_OPTION_ARG_DOUBLE, &min_samples,
       "Runs: samples a run a function needs on one side to be tested (default 10)", "N"},
      {"test", 0, 0, G_OPTION_ARG_STRING, &test, "Runs: auto (default), welch or mann-whitney",
       "TEST"},
      {"fail-on", 0, 0, G_OPTION_ARG_STRING, &fail_on,
       "Runs: exit 3 only when a function matching REGEX is slower", "REGEX"},
      {"fail-on-total", 0, 0, G_OPTION_ARG_NONE, &fail_on_total,
       "Runs: exit 3 when the total is slower (with --fail-on: or a match)", NULL},
      {NULL, 0, 0, 0, NULL, NULL, NULL},
  };
  g_autoptr(GOptionContext) context = g_option_context_new("BEFORE AFTER | BEFORE... -- AFTER...");
  g_option_context_set_summary(
      context, "Compare two profiles (any inputs) and write the differential profile: folded\n"
               "`stack BEFORE AFTER` lines by default, or a graph or table by -o's extension.\n"
               "Every capture of a side (a file, a file in a directory, an archive member) is\n"
               "one run; with at least two runs a side, a test per function decides slower,\n"
               "faster, unchanged or inconclusive, and the verdict table goes to stdout.\n"
               "Exit codes: 0 ok, 1 failure, 2 usage, 3 regression (a --fail-if-* threshold\n"
               "was crossed, or with runs something is significantly slower).");
  g_option_context_add_main_entries(context, entries, NULL);
  fk_input_options_add(context, &iopts);
  fk_transform_options_add(context, &topts);
  /* "--" parts the sides; GOption drops it, so count what follows first. */
  int after_dash = -1;
  for (int i = 1; i < argc; i++)
    if (strcmp(argv[i], "--") == 0) {
      after_dash = argc - i - 1;
      break;
    }
  int rc = fk_cmd_parse_reading(context, &argc, &argv, &iopts, &topts, &copts);
  int n_before = 1, n_after = 1;
  if (rc == FK_EXIT_OK)
    rc = fk_cmd_check_outputs(output, output_format);
  if (rc == FK_EXIT_OK && after_dash >= 0) {
    n_after = after_dash;
    n_before = argc - 1 - n_after;
    if (n_before < 1 || n_after < 1)
      rc = fk_cmd_usage("expected inputs on both sides of '--': BEFORE... -- AFTER...");
  } else if (rc == FK_EXIT_OK && argc != 3) {
    rc = fk_cmd_usage("expected two inputs, BEFORE and AFTER, not %d", argc - 1);
  }
  if (rc == FK_EXIT_OK && ((fail_pp < 0 && fail_pp != -1) || (fail_total < 0 && fail_total != -1)))
    rc = fk_cmd_usage("--fail-if-grown and --fail-if-total-grown take a non-negative number");
  if (rc == FK_EXIT_OK && !isnan(fdr) && !(fdr > 0 && fdr <= 1))
    rc = fk_cmd_usage("--fdr takes a number above 0 and at most 1, not %g", fdr);
  if (rc == FK_EXIT_OK && (min_change < 0 || min_samples < 0))
    rc = fk_cmd_usage("--min-change and --min-samples take a non-negative number");
  if (rc == FK_EXIT_OK && test != NULL && !fk_test_parse(test, &vopts.test))
    rc = fk_cmd_usage("--test: expected auto, welch or mann-whitney, not '%s'", test);
  g_autoptr(GRegex) fail_re = NULL;
  if (rc == FK_EXIT_OK && fail_on != NULL) {
    g_autoptr(GError) rerr = NULL;
    fail_re = g_regex_new(fail_on, G_REGEX_OPTIMIZE, 0, &rerr);
    if (fail_re == NULL)
      rc = fk_cmd_usage("--fail-on: %s", rerr->message);
  }
  int stdins = 0;
  for (int i = 1; rc == FK_EXIT_OK && i < argc; i++)
    stdins += strcmp(argv[i], "-") == 0;
  if (rc == FK_EXIT_OK && stdins > 1)
    rc = fk_cmd_usage("BEFORE and AFTER cannot both be standard input");
  /* The runs are told apart by input: group by it first, outermost. */
  if (rc == FK_EXIT_OK && copts.n_group_by == FK_MAX_GROUP_KEYS)
    rc = fk_cmd_usage("--group-by: at most %d keys in diff", FK_MAX_GROUP_KEYS - 1);
  if (rc != FK_EXIT_OK)
    return rc;
  memmove(copts.group_by + 1, copts.group_by, copts.n_group_by * sizeof copts.group_by[0]);
  copts.group_by[0] = FK_GROUP_FILE;
  copts.n_group_by++;
  gboolean verdict_asked = !isnan(fdr) || !isnan(min_change) || !isnan(min_samples) ||
                           test != NULL || fail_on != NULL || fail_on_total;
  if (!isnan(fdr))
    vopts.fdr = fdr;
  if (!isnan(min_change))
    vopts.min_change = min_change;
  if (!isnan(min_samples))
    vopts.min_samples = min_samples;
  vopts.normalize = normalize;

  /* paths[0]: BEFORE's, paths[1]: AFTER's, NULL-terminated */
  g_autofree char **paths_before = g_new0(char *, n_before + 1);
  g_autofree char **paths_after = g_new0(char *, n_after + 1);
  memcpy(paths_before, argv + 1, n_before * sizeof(char *));
  memcpy(paths_after, argv + 1 + n_before, n_after * sizeof(char *));
  char **paths[2] = {paths_before, paths_after};

  g_autoptr(FkDiag) diag = fk_diag_new(5);
  /* Both sides read before anything is reported, so that what was skipped
   * comes first, as in every command. */
  gboolean side_ok[2] = {TRUE, TRUE}; /* each side's own, so each says what it lacks */
  double wps[2] = {1, 1};
  g_auto(GStrv) expanded_before = NULL, expanded_after = NULL;
  g_autoptr(FkCollector) cbefore =
      read_side(paths[0], &iopts, &copts, diag, &side_ok[0], &wps[0], &expanded_before);
  g_autoptr(FkCollector) cafter =
      read_side(paths[1], &iopts, &copts, diag, &side_ok[1], &wps[1], &expanded_after);
  rc = fk_cmd_report_diag(diag, &iopts);
  g_autoptr(FkTree) gbefore = finish_side(paths[0], &topts, cbefore, &side_ok[0]);
  g_autoptr(FkTree) gafter = gbefore ? finish_side(paths[1], &topts, cafter, &side_ok[1]) : NULL;
  gboolean ok = side_ok[0] && side_ok[1];
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) runs_before = NULL, runs_after = NULL;
  g_autoptr(GPtrArray) names_before = g_ptr_array_new_with_free_func(g_free);
  g_autoptr(GPtrArray) names_after = g_ptr_array_new_with_free_func(g_free);
  /* Each side consumed as it is made one profile, and both by the diff
   * (fk_tree_diff_take_both): no tree outlives its use, so that the peak is
   * the two sides, not copies of them. */
  g_autoptr(FkTree) before = NULL, after = NULL;
  if (gafter != NULL) {
    before =
        side_profile(g_steal_pointer(&gbefore), !normalize, names_before, &runs_before, &error);
    after = before ? side_profile(g_steal_pointer(&gafter), TRUE, names_after, &runs_after, &error)
                   : NULL;
  }
  /* What the summary says of each side, kept before they become the diff. */
  const FkTree *sides[] = {before, after};
  gint64 totals[2] = {0, 0};
  guint decimals[2] = {0, 0};
  for (guint i = 0; i < 2; i++)
    if (sides[i] != NULL) {
      totals[i] = fk_tree_total(sides[i], 0);
      decimals[i] = fk_tree_decimals(sides[i]);
    }
  guint runs[2] = {names_before->len, names_after->len};
  g_autoptr(FkVerdicts) verdicts = NULL;
  if (after != NULL && runs[0] >= 2 && runs[1] >= 2) {
    verdicts = fk_verdicts_new((FkTree *const *)runs_before->pdata, runs[0],
                               (FkTree *const *)runs_after->pdata, runs[1], wps, &vopts);
    fk_verdicts_set_run_names(verdicts, 0, (const char *const *)names_before->pdata, runs[0]);
    fk_verdicts_set_run_names(verdicts, 1, (const char *const *)names_after->pdata, runs[1]);
  } else if (after != NULL && (verdict_asked || runs[0] > 1 || runs[1] > 1)) {
    fk_cmd_error("no statistics possible: %u run%s before, %u after; verdicts need at least 2 "
                 "runs a side (5 or more to be useful)",
                 runs[0], runs[0] == 1 ? "" : "s", runs[1]);
  }
  g_clear_pointer(&runs_before, g_ptr_array_unref);
  g_clear_pointer(&runs_after, g_ptr_array_unref);
  g_autoptr(FkTree) diff = after
                               ? fk_tree_diff_take_both(g_steal_pointer(&before),
                                                        g_steal_pointer(&after), normalize, &error)
                               : NULL;
  if (diff == NULL) {
    if (error != NULL)
      fk_cmd_error("%s", error->message);
    return FK_EXIT_FAILURE;
  }
  FkRenderOptions ropts;
  fk_render_options_init(&ropts);
  ropts.negate = negate;
  ropts.normalized = normalize;
  ropts.verdicts = verdicts;
  FkRunSummary summary;
  /* The inputs the summary names: partials stand for what they were made from. */
  if (expanded_before != NULL)
    n_before = (int)g_strv_length(expanded_before);
  if (expanded_after != NULL)
    n_after = (int)g_strv_length(expanded_after);
  g_autofree char **all_paths = g_new0(char *, n_before + n_after + 1);
  memcpy(all_paths, expanded_before ? expanded_before : paths[0], n_before * sizeof(char *));
  memcpy(all_paths + n_before, expanded_after ? expanded_after : paths[1],
         n_after * sizeof(char *));
  fk_cmd_summary_init(&summary, "diff", all_paths, &iopts, diag);
  for (int i = 0; i < n_before + n_after; i++) {
    guint s = i < n_before ? 0 : 1;
    summary.inputs[i].role = s == 0 ? "before" : "after";
    if (n_before == 1 && n_after == 1) {
      summary.inputs[i].has_total = TRUE;
      summary.inputs[i].total = totals[s];
      summary.inputs[i].decimals = decimals[s];
    }
  }
  ropts.summary = &summary;
  gboolean to_stdout = output == NULL || output[0] == NULL;
  for (char **o = output; o && *o; o++)
    to_stdout |= strcmp(*o, "-") == 0;
  if (verdicts != NULL && (output == NULL || output[0] == NULL)) {
    /* runs: the table is what stdout shows */
    if (!fk_cmd_write(diff, &table_writer, &ropts, "-"))
      ok = FALSE;
  } else {
    if (!fk_cmd_write_outputs(diff, output, output_format, &fk_writer_folded, &ropts))
      ok = FALSE;
    if (verdicts != NULL && !to_stdout && !fk_cmd_write(diff, &table_writer, &ropts, "-"))
      ok = FALSE;
  }
  g_free(summary.inputs);
  if (!ok)
    return FK_EXIT_FAILURE;
  if (rc != FK_EXIT_OK)
    return rc;
  gboolean regressed = thresholds(diff, fail_pp, fail_total);
  if (verdicts != NULL && slower(verdicts, fail_re, fail_on_total))
    regressed = TRUE;
  return regressed ? FK_EXIT_REGRESSION : FK_EXIT_OK;
}
