/* transformopts.c -- the options that shape a profile (filters, rewrites,
 * grouping, time range, re-rooting, reversing, pruning), the same for every
 * command that reads stacks (fold, graph, diff), and the one place that
 * decides the order they are applied in:
 *
 *   collect: --time-range, --group-by (per sample, before the tree exists)
 *   1 --strip-offsets (default) and --strip-hex
 *   2 --skip-after
 *   3 --include, 4 --exclude, 5 --focus, 6 --hide
 *   7 --collapse-recursion
 *   8 --base
 *   9 --reverse
 *   10 --minwidth (graph: left to the writer, which keeps the widths)
 *
 * Rewrites come first so that filters and --skip-after see the names that are
 * printed; the filters match the stacks as recorded (root first), so --base
 * and --reverse, which move frames, come after them; pruning comes last
 * because it depends on the final widths. Every step that drops weight says
 * how much, and how many stacks, on stderr. */
#include "cmd.h"

#include "../analyze/reshape.h"

#include <string.h>

void
fk_transform_options_init(FkTransformOptions *opts)
{
  memset(opts, 0, sizeof *opts);
  opts->strip_offsets = TRUE;
  opts->image_width = 1200;
  opts->prune_mode = FK_PRUNE_DROP;
  opts->min_percent = -1;
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
  for (guint i = 0; i < G_N_ELEMENTS(opts->re); i++)
    g_clear_pointer(&opts->re[i], g_regex_unref);
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
      {"reverse", 0, 0, G_OPTION_ARG_NONE, &opts->reverse, "Reverse every stack, leaf first",
       NULL},
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

int
fk_transform_options_check(FkTransformOptions *opts, FkCollectOptions *copts)
{
  if (opts->no_strip_offsets)
    opts->strip_offsets = FALSE;
  const char *names[] = {"include", "exclude", "focus", "hide"};
  char **lists[] = {opts->include, opts->exclude, opts->focus, opts->hide};
  for (guint i = 0; i < 4; i++) {
    int rc = compile(lists[i], names[i], &opts->re[i]);
    if (rc != FK_EXIT_OK)
      return rc;
  }
  if (opts->minwidth != NULL) {
    const char *s = opts->minwidth;
    gsize len = strlen(s);
    char *end = NULL;
    double v = g_ascii_strtod(s, &end);
    gboolean pct = len > 0 && s[len - 1] == '%';
    if (end == s || v < 0 || end != s + len - (pct ? 1 : 0) || (pct && v > 100))
      return fk_cmd_usage("--minwidth: expected pixels or a percentage such as 0.5%%, not '%s'", s);
    if (pct)
      opts->min_percent = v;
    else
      opts->min_pixels = v;
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
  return FK_EXIT_OK;
}

/* Replaces *TREE by NEXT (consumed); FALSE after printing when NEXT is NULL. */
static gboolean
step(const FkTransformOptions *opts, FkTree **tree, FkTree *next, GError *error, const char *what)
{
  if (next == NULL) {
    fk_cmd_error("%s%s%s: %s", opts->side ? opts->side : "", opts->side ? ": " : "", what,
                 error ? error->message : "failed");
    g_clear_error(&error);
    return FALSE;
  }
  fk_tree_free(*tree);
  *tree = next;
  return TRUE;
}

/* "weight W (P% of T)" of the last column, or "weight B before, A after" of a
 * two-column tree; into BUF. */
static const char *
dropped_weight(const FkTree *before, const gint64 *removed, char *buf, gsize size)
{
  guint d = fk_tree_decimals(before);
  char b0[32], b1[32];
  if (fk_tree_columns(before) == 2) {
    g_snprintf(buf, size, "weight %s before, %s after", fk_weight_format(removed[0], d, b0),
               fk_weight_format(removed[1], d, b1));
    return buf;
  }
  gint64 total = fk_tree_total(before, 0);
  double pct = total > 0 ? 100.0 * (double)removed[0] / (double)total : 0;
  g_snprintf(buf, size, "weight %s, %.1f%% of %s", fk_weight_format(removed[0], d, b0), pct,
             fk_weight_format(total, d, b1));
  return buf;
}

/* Prints what the filter or --base WHAT (the option and its patterns) left
 * out of BEFORE, when it left out anything. */
static void
report(const FkTransformOptions *opts, const char *what, char **patterns, const FkTree *before,
       const FkTransformReport *r, const char *how)
{
  g_autofree char *list = g_strjoinv(", ", patterns);
  const char *pre = opts->side ? opts->side : "", *sep = opts->side ? ": " : "";
  char buf[128];
  if (r->stacks > 0 || r->removed[0] != 0 || r->removed[1] != 0)
    fk_cmd_error("%s%s%s %s: left out %" G_GUINT64_FORMAT " %s %s (%s)", pre, sep, what, list,
                 r->stacks, r->stacks == 1 ? "stack" : "stacks", how,
                 dropped_weight(before, r->removed, buf, sizeof buf));
  else if (r->nodes > 0) /* --hide: frames go, weight stays */
    fk_cmd_error("%s%s%s %s: removed %" G_GUINT64_FORMAT " %s from the stacks (no weight lost)",
                 pre, sep, what, list, r->nodes, r->nodes == 1 ? "frame" : "frames");
}

FkTree *
fk_transform_options_apply(const FkTransformOptions *opts, FkTree *tree)
{
  GError *error = NULL;
  FkStripFlags strip = (opts->strip_offsets ? FK_STRIP_OFFSETS : 0) |
                       (opts->strip_hex ? FK_STRIP_HEX : 0);
  if (strip && fk_tree_strip_needed(tree, strip) &&
      !step(opts, &tree, fk_tree_strip(tree, strip, &error), error, "--strip-offsets"))
    goto fail;
  if (opts->skip_after && opts->skip_after[0] &&
      !step(opts, &tree, fk_tree_skip_after(tree, (const char *const *)opts->skip_after, &error),
            error, "--skip-after"))
    goto fail;
  static const FkFilterKind kinds[] = {FK_FILTER_INCLUDE, FK_FILTER_EXCLUDE, FK_FILTER_FOCUS,
                                       FK_FILTER_HIDE};
  static const char *const names[] = {"--include", "--exclude", "--focus", "--hide"};
  static const char *const hows[] = {"without a matching frame", "with a matching frame",
                                     "without a matching frame", ""};
  char **lists[] = {opts->include, opts->exclude, opts->focus, opts->hide};
  for (guint i = 0; i < 4; i++) {
    if (opts->re[i] == NULL)
      continue;
    FkTransformReport r = {0};
    FkTree *next = fk_tree_filter(tree, kinds[i], opts->re[i], &r, &error);
    if (next != NULL)
      report(opts, names[i], lists[i], tree, &r, hows[i]);
    if (!step(opts, &tree, next, error, names[i]))
      goto fail;
  }
  if (opts->collapse_recursion &&
      !step(opts, &tree, fk_tree_collapse_recursion(tree, &error), error, "--collapse-recursion"))
    goto fail;
  if (opts->base != NULL && opts->base[0] != NULL) {
    FkTransformReport r = {0};
    FkTree *next = fk_tree_rebase(tree, (const char *const *)opts->base,
                                  g_strv_length(opts->base), &r, &error);
    if (next != NULL)
      report(opts, "--base", opts->base, tree, &r, "without any base symbol");
    if (!step(opts, &tree, next, error, "--base"))
      goto fail;
  }
  if (opts->reverse && !step(opts, &tree, fk_tree_reverse(tree, &error), error, "--reverse"))
    goto fail;
  if (opts->minwidth != NULL) {
    gint64 min = fk_prune_threshold(tree, opts->min_pixels, opts->image_width, opts->min_percent);
    FkTransformReport r = {0};
    if (!step(opts, &tree, fk_tree_prune(tree, min, opts->prune_mode, &r, &error), error,
              "--minwidth"))
      goto fail;
    if (r.nodes > 0) {
      char bmin[32], bw[32];
      guint c = fk_tree_columns(tree) - 1;
      gint64 w = opts->prune_mode == FK_PRUNE_DROP ? r.removed[c] : r.moved[c];
      fk_cmd_error("%s%s--minwidth %s: pruned %" G_GUINT64_FORMAT
                   " frames narrower than %s (weight %s %s)",
                   opts->side ? opts->side : "", opts->side ? ": " : "", opts->minwidth, r.nodes,
                   fk_weight_format(min, fk_tree_decimals(tree), bmin),
                   fk_weight_format(w, fk_tree_decimals(tree), bw),
                   opts->prune_mode == FK_PRUNE_DROP ? "removed" : "kept in their parents");
    }
  }
  return tree;
fail:
  fk_tree_free(tree);
  return NULL;
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
