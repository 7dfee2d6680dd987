/* transformopts.c -- the options that shape a profile (filters, rewrites,
 * grouping, time range, re-rooting, reversing, pruning), the same for every
 * command that reads stacks (fold, graph, diff, record): parsed here into
 * the collector's options (--time-range, --group-by: per sample, before the
 * tree exists) and a transform plan (analyze/plan.h, which decides the
 * order of the steps and records what each dropped), and the one place that
 * says on stderr what every step left out. */
#include "cmd.h"

#include <string.h>

void
fk_transform_options_init(FkTransformOptions *opts)
{
  memset(opts, 0, sizeof *opts);
  opts->strip_offsets = TRUE;
  opts->image_width = 1200;
  opts->prune_mode = FK_PRUNE_DROP;
}

void
fk_transform_options_clear(FkTransformOptions *opts)
{
  g_clear_pointer(&opts->skip_after, g_strfreev);
  g_clear_pointer(&opts->include, g_strfreev);
  g_clear_pointer(&opts->exclude, g_strfreev);
  g_clear_pointer(&opts->focus, g_strfreev);
  g_clear_pointer(&opts->hide, g_strfreev);
  g_clear_pointer(&opts->minwidth, g_free);
  g_clear_pointer(&opts->group_by, g_strfreev);
  g_clear_pointer(&opts->time_range, g_free);
  g_clear_pointer(&opts->base, g_strfreev);
  g_clear_pointer(&opts->plan, fk_plan_free);
}

void
fk_transform_options_add(GOptionContext *context, FkTransformOptions *opts)
{
  const GOptionEntry entries[] = {
      {"skip-after", 0, 0, G_OPTION_ARG_STRING_ARRAY, &opts->skip_after,
       "Drop the frames above the first FUNC of each stack (repeatable)", "FUNC"},
      {"include", 0, 0, G_OPTION_ARG_STRING_ARRAY, &opts->include,
       "Keep only stacks with a frame matching REGEX (repeatable: any)", "REGEX"},
      {"exclude", 0, 0, G_OPTION_ARG_STRING_ARRAY, &opts->exclude,
       "Drop stacks with a frame matching REGEX (repeatable)", "REGEX"},
      {"focus", 0, 0, G_OPTION_ARG_STRING_ARRAY, &opts->focus,
       "Keep stacks through a frame matching REGEX, rooted at that frame", "REGEX"},
      {"hide", 0, 0, G_OPTION_ARG_STRING_ARRAY, &opts->hide,
       "Remove frames matching REGEX from stacks, merging what remains", "REGEX"},
      {"collapse-recursion", 0, 0, G_OPTION_ARG_NONE, &opts->collapse_recursion,
       "Collapse runs of one frame (A;B;B;C becomes A;B;C)", NULL},
      {"no-strip-offsets", 0, 0, G_OPTION_ARG_NONE, &opts->no_strip_offsets,
       "Keep offsets such as +0x1f in frame names (stripped by default)", NULL},
      {"strip-offsets", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_NONE, &opts->strip_offsets,
       "Strip offsets such as +0x1f from frame names (the default)", NULL},
      {"strip-hex", 0, 0, G_OPTION_ARG_NONE, &opts->strip_hex,
       "Replace hexadecimal addresses in frame names by 0x...", NULL},
      {"minwidth", 0, 0, G_OPTION_ARG_STRING, &opts->minwidth,
       "Prune frames narrower than PIXELS (of 1200) or N% of the total", "PIXELS|N%"},
      {"group-by", 0, 0, G_OPTION_ARG_STRING_ARRAY, &opts->group_by,
       "A root frame [KEY=VALUE] per host, file, pid, tid, comm or event (repeatable)", "KEY"},
      {"time-range", 0, 0, G_OPTION_ARG_STRING, &opts->time_range,
       "Keep samples with FROM <= time < TO (seconds; either may be empty)", "FROM,TO"},
      {"base", 0, 0, G_OPTION_ARG_STRING_ARRAY, &opts->base,
       "Re-root every stack at its last SYMBOL frame (repeatable)", "SYMBOL"},
      {"reverse", 0, 0, G_OPTION_ARG_NONE, &opts->reverse, "Reverse every stack, leaf first", NULL},
      {NULL, 0, 0, 0, NULL, NULL, NULL},
  };
  g_option_context_add_main_entries(context, entries, NULL);
}

/* One regex matching any of PATTERNS. */
static int
compile(char **patterns, const char *option, GRegex **out)
{
  if (patterns == NULL || patterns[0] == NULL)
    return FK_EXIT_OK;
  for (char **p = patterns; *p; p++) {
    g_autoptr(GError) error = NULL;
    g_autoptr(GRegex) one = g_regex_new(*p, G_REGEX_OPTIMIZE, 0, &error);
    if (one == NULL)
      return fk_cmd_usage("--%s: %s", option, error->message);
  }
  g_autoptr(GString) all = g_string_new(NULL);
  for (char **p = patterns; *p; p++)
    g_string_append_printf(all, "%s(?:%s)", p == patterns ? "" : "|", *p);
  *out = g_regex_new(all->str, G_REGEX_OPTIMIZE, 0, NULL);
  return *out ? FK_EXIT_OK : fk_cmd_usage("--%s: cannot combine the patterns", option);
}

/* Seconds ("12.5", exact to the nanosecond) into *NS. */
static gboolean
parse_seconds(const char *s, guint64 *ns)
{
  gint64 v;
  guint8 d;
  if (!fk_weight_parse(s, strlen(s), &v, &d))
    return FALSE;
  if (v > G_MAXINT64 / fk_pow10(9 - d))
    return FALSE;
  *ns = (guint64)v * (guint64)fk_pow10(9 - d);
  return TRUE;
}

/* fk_transform_options_check, the regexes compiled into RE (the caller's
 * to free, whatever is returned). */
static int
check(FkTransformOptions *opts, FkCollectOptions *copts, GRegex **re)
{
  if (opts->no_strip_offsets)
    opts->strip_offsets = FALSE;
  const char *names[] = {"include", "exclude", "focus", "hide"};
  char **lists[] = {opts->include, opts->exclude, opts->focus, opts->hide};
  for (guint i = 0; i < 4; i++) {
    int rc = compile(lists[i], names[i], &re[i]);
    if (rc != FK_EXIT_OK)
      return rc;
  }
  FkPlanOptions plan = {
      .strip = (opts->strip_offsets ? FK_STRIP_OFFSETS : 0) | (opts->strip_hex ? FK_STRIP_HEX : 0),
      .skip_after = (const char *const *)opts->skip_after,
      .include = re[0],
      .exclude = re[1],
      .focus = re[2],
      .hide = re[3],
      .collapse_recursion = opts->collapse_recursion,
      .base = (const char *const *)opts->base,
      .reverse = opts->reverse,
      .image_width = opts->image_width,
      .min_percent = -1,
      .prune_mode = opts->prune_mode,
  };
  /* graph draws --minwidth itself (writer_prunes): not a step there. */
  if (opts->minwidth != NULL && !opts->writer_prunes) {
    const char *s = opts->minwidth;
    gsize len = strlen(s);
    char *end = NULL;
    double v = g_ascii_strtod(s, &end);
    gboolean pct = len > 0 && s[len - 1] == '%';
    if (end == s || v < 0 || end != s + len - (pct ? 1 : 0) || (pct && v > 100))
      return fk_cmd_usage("--minwidth: expected pixels or a percentage such as 0.5%%, not '%s'", s);
    plan.prune = TRUE;
    if (pct)
      plan.min_percent = v;
    else
      plan.min_pixels = v;
  }
  for (char **g = opts->group_by; g && *g; g++) {
    FkGroupKey key;
    if (!fk_group_key_parse(*g, &key))
      return fk_cmd_usage("--group-by: expected host, file, pid, tid, comm or event, not '%s'", *g);
    if (copts->n_group_by == FK_MAX_GROUP_KEYS)
      return fk_cmd_usage("--group-by: at most %d keys", FK_MAX_GROUP_KEYS);
    copts->group_by[copts->n_group_by++] = key;
  }
  if (opts->time_range != NULL) {
    const char *comma = strchr(opts->time_range, ',');
    if (comma == NULL)
      return fk_cmd_usage("--time-range: expected FROM,TO in seconds, not '%s'", opts->time_range);
    g_autofree char *from = g_strndup(opts->time_range, (gsize)(comma - opts->time_range));
    const char *to = comma + 1;
    copts->time_range = TRUE;
    copts->time_from = 0;
    copts->time_to = G_MAXUINT64;
    if ((*from && !parse_seconds(from, &copts->time_from)) ||
        (*to && !parse_seconds(to, &copts->time_to)))
      return fk_cmd_usage("--time-range: expected FROM,TO in seconds, not '%s'", opts->time_range);
    if (copts->time_from >= copts->time_to)
      return fk_cmd_usage("--time-range: FROM must be before TO");
  }
  fk_plan_free(opts->plan);
  opts->plan = fk_plan_new(&plan);
  return FK_EXIT_OK;
}

int
fk_transform_options_check(FkTransformOptions *opts, FkCollectOptions *copts)
{
  GRegex *re[4] = {NULL, NULL, NULL, NULL};
  int rc = check(opts, copts, re);
  for (guint i = 0; i < G_N_ELEMENTS(re); i++)
    g_clear_pointer(&re[i], g_regex_unref);
  return rc;
}

/* "weight W (P% of T)" of the last column, or "weight B before, A after" of a
 * two-column tree; into BUF. */
static const char *
dropped_weight(const FkStepResult *r, char *buf, gsize size)
{
  char b0[32], b1[32];
  if (r->columns == 2) {
    g_snprintf(buf, size, "weight %s before, %s after",
               fk_weight_format(r->report.removed[0], r->decimals, b0),
               fk_weight_format(r->report.removed[1], r->decimals, b1));
    return buf;
  }
  gint64 total = r->input[0];
  double pct = total > 0 ? 100.0 * (double)r->report.removed[0] / (double)total : 0;
  g_snprintf(buf, size, "weight %s, %.1f%% of %s",
             fk_weight_format(r->report.removed[0], r->decimals, b0), pct,
             fk_weight_format(total, r->decimals, b1));
  return buf;
}

/* The option that asked for step KIND, as messages name it. */
static const char *
step_option(FkStepKind kind)
{
  static const char *const options[] = {
      [FK_STEP_STRIP] = "--strip-offsets",
      [FK_STEP_SKIP_AFTER] = "--skip-after",
      [FK_STEP_INCLUDE] = "--include",
      [FK_STEP_EXCLUDE] = "--exclude",
      [FK_STEP_FOCUS] = "--focus",
      [FK_STEP_HIDE] = "--hide",
      [FK_STEP_COLLAPSE_RECURSION] = "--collapse-recursion",
      [FK_STEP_BASE] = "--base",
      [FK_STEP_REVERSE] = "--reverse",
      [FK_STEP_PRUNE] = "--minwidth",
  };
  return (guint)kind < G_N_ELEMENTS(options) ? options[kind] : "?";
}

/* The patterns or names given to the option of step KIND, or NULL. */
static char **
step_patterns(const FkTransformOptions *opts, FkStepKind kind)
{
  switch (kind) {
  case FK_STEP_INCLUDE:
    return opts->include;
  case FK_STEP_EXCLUDE:
    return opts->exclude;
  case FK_STEP_FOCUS:
    return opts->focus;
  case FK_STEP_HIDE:
    return opts->hide;
  case FK_STEP_BASE:
    return opts->base;
  default:
    return NULL;
  }
}

/* Says what step R left out, when it left out anything: the filters and
 * --base the stacks and weight they dropped; else --hide the frames it took
 * out of the stacks and --focus those above the frame it re-rooted at (the
 * weight stays); --minwidth the frames it pruned. Rewrites, --skip-after,
 * --collapse-recursion and --reverse keep every weight: nothing to say. The
 * nodes an --include report counts are frames of kept stacks that took no
 * weight of their own (`main` of a kept `main;work`), still in the output:
 * an --include that keeps every stack says nothing. */
static void
report_step(const FkTransformOptions *opts, const FkStepResult *r)
{
  static const char *const hows[] = {
      [FK_STEP_INCLUDE] = "without a matching frame", [FK_STEP_EXCLUDE] = "with a matching frame",
      [FK_STEP_FOCUS] = "without a matching frame",   [FK_STEP_HIDE] = "",
      [FK_STEP_BASE] = "without any base symbol",
  };
  const char *pre = opts->side ? opts->side : "", *sep = opts->side ? ": " : "";
  const FkTransformReport *t = &r->report;
  switch (r->kind) {
  case FK_STEP_INCLUDE:
  case FK_STEP_EXCLUDE:
  case FK_STEP_FOCUS:
  case FK_STEP_HIDE:
  case FK_STEP_BASE: {
    g_autofree char *list = g_strjoinv(", ", step_patterns(opts, r->kind));
    if (t->stacks > 0 || t->removed[0] != 0 || t->removed[1] != 0) {
      char buf[128];
      fk_cmd_error("%s%s%s %s: left out %" G_GUINT64_FORMAT " %s %s (%s)", pre, sep,
                   step_option(r->kind), list, t->stacks, t->stacks == 1 ? "stack" : "stacks",
                   hows[r->kind], dropped_weight(r, buf, sizeof buf));
    } else if ((r->kind == FK_STEP_HIDE || r->kind == FK_STEP_FOCUS) && t->nodes > 0)
      fk_cmd_error("%s%s%s %s: removed %" G_GUINT64_FORMAT " %s from the stacks (no weight lost)",
                   pre, sep, step_option(r->kind), list, t->nodes,
                   t->nodes == 1 ? "frame" : "frames");
    break;
  }
  case FK_STEP_PRUNE:
    if (t->nodes > 0) {
      char bmin[32], bw[32];
      guint c = r->columns - 1;
      gint64 w = opts->prune_mode == FK_PRUNE_DROP ? t->removed[c] : t->moved[c];
      fk_cmd_error(
          "%s%s--minwidth %s: pruned %" G_GUINT64_FORMAT " frames narrower than %s (weight %s %s)",
          pre, sep, opts->minwidth, t->nodes, fk_weight_format(r->threshold, r->decimals, bmin),
          fk_weight_format(w, r->decimals, bw),
          opts->prune_mode == FK_PRUNE_DROP ? "removed" : "kept in their parents");
    }
    break;
  default:
    break;
  }
}

FkTree *
fk_transform_options_apply(const FkTransformOptions *opts, FkTree *tree)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) results = g_array_new(FALSE, FALSE, sizeof(FkStepResult));
  tree = fk_plan_apply(opts->plan, tree, results, &error);
  for (guint i = 0; i < results->len; i++)
    report_step(opts, &g_array_index(results, FkStepResult, i));
  if (tree == NULL)
    fk_cmd_error("%s%s%s: %s", opts->side ? opts->side : "", opts->side ? ": " : "",
                 step_option(fk_plan_step(opts->plan, results->len)),
                 error ? error->message : "failed");
  return tree;
}

/* TRUE when TREE holds no weight in any column. */
static gboolean
tree_empty(const FkTree *tree)
{
  for (guint c = 0; c < fk_tree_columns(tree); c++)
    if (fk_tree_total(tree, c) != 0)
      return FALSE;
  return TRUE;
}

FkTree *
fk_transform_options_finish(const FkTransformOptions *opts, FkCollector *collector,
                            const char *where, gboolean *ok)
{
  g_autoptr(GError) error = NULL;
  FkCollectStats st;
  fk_collector_stats(collector, &st);
  FkTree *tree = fk_collector_finish(collector, &error);
  if (tree == NULL) {
    fk_cmd_error("%s", error->message);
    *ok = FALSE;
    return NULL;
  }
  gboolean had_samples = !tree_empty(tree);
  if (opts->time_range != NULL) {
    if (st.untimed > 0)
      fk_cmd_error("--time-range: left out %" G_GUINT64_FORMAT
                   " samples without a time (weight %.15g)",
                   st.untimed, st.untimed_weight);
    if ((st.out_of_range > 0 || st.untimed > 0) && !had_samples)
      fk_cmd_error("--time-range: no sample in %s", opts->time_range);
  }
  /* The one rule of every command: inputs that hold no samples (an empty
   * directory, nothing but unrecognized files) are a failure, not an empty
   * success; the outputs are still written and say so. Not said again
   * after a failure to read, which is the reason. */
  if (!had_samples) {
    if (st.out_of_range == 0 && st.untimed == 0 && *ok)
      fk_cmd_error("%s: no samples in the input", where);
    *ok = FALSE;
  }
  tree = fk_transform_options_apply(opts, tree);
  if (tree == NULL) {
    *ok = FALSE;
    return NULL;
  }
  if (had_samples && tree_empty(tree)) {
    fk_cmd_error("%s: no samples left after the transforms", where);
    *ok = FALSE;
  }
  return tree;
}
