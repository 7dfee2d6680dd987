/* test-plan.c -- the transform plan (analyze/plan.h): the order of its steps
 * for every combination of options, what each step dropped on the golden
 * transform input (the numbers `fold` prints for tests/golden/transform/),
 * and, on trees read from the real captures of corpora/ (text dumps made with
 * perf and bpftrace; their README.md say how), that every step of many
 * random plans keeps or reports every unit of weight, in one column and in
 * two (a differential tree). Run from the repository top (make check). */
#include "../../analyze/collect.h"
#include "../../analyze/plan.h"
#include "../../analyze/reshape.h"
#include "../../formats/reader.h"

#include <string.h>

/* The order plan.h documents, written out again so that a change of the
 * enum's order cannot pass unnoticed. */
static const FkStepKind documented[] = {
    FK_STEP_STRIP, FK_STEP_SKIP_AFTER,         FK_STEP_INCLUDE, FK_STEP_EXCLUDE, FK_STEP_FOCUS,
    FK_STEP_HIDE,  FK_STEP_COLLAPSE_RECURSION, FK_STEP_BASE,    FK_STEP_REVERSE, FK_STEP_PRUNE,
};

/* Real captures, as the CLI reads them (each reader chosen by bidding). */
static const char *const corpus[] = {
    "corpora/hosts/web01/perf.folded",
    "corpora/hosts/db01/perf.txt",
    "corpora/perf-script/default.txt",
    "corpora/perf-script/multi-event.txt",
    "corpora/perf-script/system-wide-cpu.txt",
    "corpora/perf-script/pidtid.txt",
    "corpora/perf-script/nodso.txt",
    "corpora/perf-c/inl.default-event.txt",
    "corpora/perf-jit/jit.txt",
    "corpora/bpftrace/kstack-ustack.txt",
    "corpora/bpftrace/comm-pid-stacks.txt",
    "corpora/bpftrace/two-maps.txt",
    "tests/golden/transform/input.folded",
};

/* PATH read into a tree interning in STRINGS (NULL: its own), offsets kept
 * so that the strip step has work. */
static FkTree *
read_tree(const char *path, FkInterner *strings)
{
  FkCollectOptions copts;
  fk_collect_options_init(&copts);
  g_autoptr(FkCollector) collector = fk_collector_new(strings, &copts);
  g_autoptr(FkDiag) diag = fk_diag_new(5);
  g_autoptr(GError) error = NULL;
  g_autoptr(FkInput) in = fk_input_new_file(path, &error);
  g_assert_no_error(error);
  const guint8 *head;
  gssize n = fk_input_peek(in, FK_BID_BYTES, &head, &error);
  g_assert_no_error(error);
  const FkReader *reader = fk_reader_choose(head, (gsize)n);
  g_assert_nonnull(reader);
  FkReadOptions ropts;
  memset(&ropts, 0, sizeof ropts);
  ropts.strings = fk_collector_strings(collector);
  ropts.diag = diag;
  gpointer state = reader->open(in, &ropts, &error);
  g_assert_no_error(error);
  FkSample s;
  FkReadStatus rc;
  while ((rc = reader->next(state, &s, &error)) == FK_READ_SAMPLE)
    g_assert_true(fk_collector_add(collector, &s, NULL));
  g_assert_cmpint(rc, ==, FK_READ_END);
  reader->close(state);
  FkTree *tree = fk_collector_finish(collector, &error);
  g_assert_no_error(error);
  g_assert_cmpint(fk_tree_total(tree, 0), >, 0);
  return tree;
}

static FkTree *
copy_tree(const FkTree *tree)
{
  FkTree *t = (FkTree *)tree;
  FkTree *copy = fk_tree_merge(&t, 1, NULL);
  g_assert_nonnull(copy);
  return copy;
}

static GRegex *
regex(const char *pattern)
{
  GRegex *re = g_regex_new(pattern, G_REGEX_OPTIMIZE, 0, NULL);
  g_assert_nonnull(re);
  return re;
}

/* Options asking for the steps of bit set MASK (bit i: documented[i]),
 * with REGEX for every filter. */
static FkPlanOptions
options_of(guint mask, const GRegex *re)
{
  static const char *const names[] = {"work", NULL};
  FkPlanOptions o;
  memset(&o, 0, sizeof o);
  for (guint i = 0; i < G_N_ELEMENTS(documented); i++) {
    if (!(mask & (1u << i)))
      continue;
    switch (documented[i]) {
    case FK_STEP_STRIP:
      o.strip = FK_STRIP_OFFSETS;
      break;
    case FK_STEP_SKIP_AFTER:
      o.skip_after = names;
      break;
    case FK_STEP_INCLUDE:
      o.include = re;
      break;
    case FK_STEP_EXCLUDE:
      o.exclude = re;
      break;
    case FK_STEP_FOCUS:
      o.focus = re;
      break;
    case FK_STEP_HIDE:
      o.hide = re;
      break;
    case FK_STEP_COLLAPSE_RECURSION:
      o.collapse_recursion = TRUE;
      break;
    case FK_STEP_BASE:
      o.base = names;
      break;
    case FK_STEP_REVERSE:
      o.reverse = TRUE;
      break;
    case FK_STEP_PRUNE:
      o.prune = TRUE;
      o.min_percent = 1;
      break;
    }
  }
  return o;
}

/* Every combination of the ten steps: exactly the steps asked for, in the
 * documented order; an empty list of names or no options: no step. */
static void
test_order(void)
{
  g_autoptr(GRegex) re = regex("io");
  guint all = (1u << G_N_ELEMENTS(documented)) - 1;
  for (guint mask = 0; mask <= all; mask++) {
    FkPlanOptions o = options_of(mask, re);
    g_autoptr(FkPlan) plan = fk_plan_new(&o);
    guint n = 0;
    for (guint i = 0; i < G_N_ELEMENTS(documented); i++)
      if (mask & (1u << i)) {
        g_assert_cmpuint(n, <, fk_plan_length(plan));
        g_assert_cmpstr(fk_step_kind_name(fk_plan_step(plan, n)), ==,
                        fk_step_kind_name(documented[i]));
        n++;
      }
    g_assert_cmpuint(fk_plan_length(plan), ==, n);
  }
  /* as the command line gives them: --reverse --base B --include R */
  static const char *const none[] = {NULL};
  FkPlanOptions o = options_of((1u << 9) | (1u << 8) | (1u << 7) | (1u << 2), re);
  o.skip_after = none; /* given, but no name: no step */
  g_autoptr(FkPlan) plan = fk_plan_new(&o);
  g_assert_cmpuint(fk_plan_length(plan), ==, 4);
  const char *want[] = {"include", "base", "reverse", "prune"};
  for (guint i = 0; i < 4; i++)
    g_assert_cmpstr(fk_step_kind_name(fk_plan_step(plan, i)), ==, want[i]);
}

/* A plan of no steps hands the tree back as it is, and records nothing. */
static void
test_empty(void)
{
  FkPlanOptions o;
  memset(&o, 0, sizeof o);
  g_autoptr(FkPlan) plan = fk_plan_new(&o);
  g_assert_cmpuint(fk_plan_length(plan), ==, 0);
  FkTree *tree = read_tree("tests/golden/transform/input.folded", NULL);
  g_autoptr(GArray) results = g_array_new(FALSE, FALSE, sizeof(FkStepResult));
  g_autoptr(FkTree) out = fk_plan_apply(plan, tree, results, NULL);
  g_assert_true(out == tree);
  g_assert_cmpuint(results->len, ==, 0);
}

/* FRAMES ("a;b;c") with WEIGHT into TREE. */
static void
add(FkTree *tree, const char *frames, gint64 weight)
{
  g_auto(GStrv) names = g_strsplit(frames, ";", -1);
  guint n = g_strv_length(names);
  const char *interned[16];
  g_assert_cmpuint(n, <=, G_N_ELEMENTS(interned));
  for (guint i = 0; i < n; i++)
    interned[i] = fk_interner_intern0(fk_tree_strings(tree), names[i]);
  FkWeight w = fk_weight_int(weight);
  g_assert_true(fk_tree_add_stack(tree, interned, n, &w, NULL));
}

static gboolean
collect_line(const FkTree *tree, FkNodeId node, const char *const *path, gsize depth, gpointer data)
{
  if (fk_node_self(tree, node, 0) != 0) {
    for (gsize i = 0; i < depth; i++)
      g_string_append_printf(data, "%s%s", i ? ";" : "", path[i]);
    g_string_append_printf(data, " %" G_GINT64_FORMAT "\n", fk_node_self(tree, node, 0));
  }
  return TRUE;
}

/* TREE as sorted folded lines. */
static char *
folded(const FkTree *tree)
{
  GString *s = g_string_new(NULL);
  fk_tree_walk(tree, FK_ORDER_NAME, collect_line, s);
  return g_string_free(s, FALSE);
}

/* What the order means: filters see the stacks as recorded, so --include
 * ^main$ still matches before --base cuts main off; --skip-after comes
 * before the filters, which then see the cut stacks. */
static void
test_order_matters(void)
{
  g_autoptr(GRegex) main_re = regex("^main$");
  static const char *const run[] = {"run", NULL};
  FkPlanOptions o;
  memset(&o, 0, sizeof o);
  o.include = main_re;
  o.base = run;
  g_autoptr(FkPlan) plan = fk_plan_new(&o);
  FkTree *tree = fk_tree_new(NULL, FK_TREE_DEFAULT);
  add(tree, "main;run;work", 6);
  add(tree, "main;idle", 1);
  add(tree, "other;run;io", 2);
  fk_tree_finish(tree);
  g_autoptr(GArray) results = g_array_new(FALSE, FALSE, sizeof(FkStepResult));
  g_autoptr(FkTree) out = fk_plan_apply(plan, tree, results, NULL);
  g_autofree char *got = folded(out);
  g_assert_cmpstr(got, ==, "run;work 6\n");
  g_assert_cmpuint(results->len, ==, 2);
  const FkStepResult *inc = &g_array_index(results, FkStepResult, 0);
  const FkStepResult *base = &g_array_index(results, FkStepResult, 1);
  g_assert_cmpint(inc->kind, ==, FK_STEP_INCLUDE);
  g_assert_cmpint(inc->report.removed[0], ==, 2); /* other;run;io */
  g_assert_cmpint(base->kind, ==, FK_STEP_BASE);
  g_assert_cmpint(base->report.removed[0], ==, 1); /* main;idle */

  g_autoptr(GRegex) a_re = regex("^a$");
  static const char *const work[] = {"work", NULL};
  memset(&o, 0, sizeof o);
  o.include = a_re;
  o.skip_after = work;
  g_autoptr(FkPlan) plan2 = fk_plan_new(&o);
  tree = fk_tree_new(NULL, FK_TREE_DEFAULT);
  add(tree, "a;work;io", 3);
  add(tree, "a;idle", 1);
  fk_tree_finish(tree);
  g_autoptr(FkTree) out2 = fk_plan_apply(plan2, tree, NULL, NULL);
  g_autofree char *got2 = folded(out2);
  g_assert_cmpstr(got2, ==, "a;idle 1\n"); /* a;work;io became work;io first */
}

typedef struct {
  FkStepKind kind;
  const char *pattern; /* filters */
  const char *name;    /* skip-after, base */
  double min_percent;  /* prune */
  gboolean ran;
  guint64 stacks, nodes;
  gint64 removed, output, threshold;
} Expect;

/* What each step drops of tests/golden/transform/input.folded (26 samples),
 * alone after the default strip: the numbers `fold` says for the golden
 * cases include, exclude, focus, hide, base and minwidth-percent. */
static void
test_dropped(void)
{
  static const Expect cases[] = {
      {FK_STEP_STRIP, .ran = TRUE, .output = 26},
      {FK_STEP_SKIP_AFTER, .name = "work", .ran = TRUE, .output = 26},
      {FK_STEP_INCLUDE, .pattern = "(?:^io$)|(?:lock)", .ran = TRUE, .stacks = 4, .removed = 21,
       .output = 5},
      {FK_STEP_EXCLUDE, .pattern = "^0x", .ran = TRUE, .stacks = 2, .removed = 3, .output = 23},
      {FK_STEP_FOCUS, .pattern = "^work$", .ran = TRUE, .stacks = 3, .removed = 6, .output = 20},
      {FK_STEP_HIDE, .pattern = "^(run|worker)$", .ran = TRUE, .nodes = 2, .output = 26},
      {FK_STEP_COLLAPSE_RECURSION, .ran = TRUE, .output = 26},
      {FK_STEP_BASE, .name = "work", .ran = TRUE, .stacks = 3, .removed = 6, .output = 20},
      {FK_STEP_REVERSE, .ran = TRUE, .output = 26},
      {FK_STEP_PRUNE, .min_percent = 10, .ran = TRUE, .stacks = 2, .nodes = 4, .removed = 3,
       .output = 23, .threshold = 3},
  };
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    const Expect *e = &cases[i];
    g_autoptr(GRegex) re = e->pattern ? regex(e->pattern) : NULL;
    const char *names[] = {e->name, NULL};
    FkPlanOptions o;
    memset(&o, 0, sizeof o);
    o.strip = FK_STRIP_OFFSETS;
    o.skip_after = e->kind == FK_STEP_SKIP_AFTER ? names : NULL;
    o.include = e->kind == FK_STEP_INCLUDE ? re : NULL;
    o.exclude = e->kind == FK_STEP_EXCLUDE ? re : NULL;
    o.focus = e->kind == FK_STEP_FOCUS ? re : NULL;
    o.hide = e->kind == FK_STEP_HIDE ? re : NULL;
    o.collapse_recursion = e->kind == FK_STEP_COLLAPSE_RECURSION;
    o.base = e->kind == FK_STEP_BASE ? names : NULL;
    o.reverse = e->kind == FK_STEP_REVERSE;
    o.prune = e->kind == FK_STEP_PRUNE;
    o.min_percent = e->kind == FK_STEP_PRUNE ? e->min_percent : -1;
    o.image_width = 1200;
    g_autoptr(FkPlan) plan = fk_plan_new(&o);
    g_autoptr(GArray) results = g_array_new(FALSE, FALSE, sizeof(FkStepResult));
    g_autoptr(FkTree) out =
        fk_plan_apply(plan, read_tree("tests/golden/transform/input.folded", NULL), results, NULL);
    g_assert_nonnull(out);
    const FkStepResult *r = &g_array_index(results, FkStepResult, results->len - 1);
    g_test_message("step %s", fk_step_kind_name(e->kind));
    g_assert_cmpuint(results->len, ==, e->kind == FK_STEP_STRIP ? 1 : 2);
    g_assert_cmpint(r->kind, ==, e->kind);
    g_assert_cmpint(r->ran, ==, e->ran);
    g_assert_cmpuint(r->columns, ==, 1);
    g_assert_cmpint(r->input[0], ==, 26);
    g_assert_cmpint(r->output[0], ==, e->output);
    g_assert_cmpint(fk_tree_total(out, 0), ==, e->output);
    g_assert_cmpint(r->report.removed[0], ==, e->removed);
    g_assert_cmpuint(r->report.stacks, ==, e->stacks);
    g_assert_cmpint(r->threshold, ==, e->threshold);
    if (e->kind == FK_STEP_HIDE || e->kind == FK_STEP_PRUNE)
      g_assert_cmpuint(r->report.nodes, ==, e->nodes);
  }
  /* the strip step when no name has an offset: nothing rebuilt */
  FkPlanOptions o;
  memset(&o, 0, sizeof o);
  o.strip = FK_STRIP_OFFSETS;
  g_autoptr(FkPlan) plan = fk_plan_new(&o);
  g_autoptr(GArray) results = g_array_new(FALSE, FALSE, sizeof(FkStepResult));
  FkTree *tree = fk_tree_new(NULL, FK_TREE_DEFAULT);
  add(tree, "main;work", 4);
  fk_tree_finish(tree);
  g_autoptr(FkTree) out = fk_plan_apply(plan, tree, results, NULL);
  g_assert_true(out == tree);
  g_assert_false(g_array_index(results, FkStepResult, 0).ran);
  g_assert_cmpint(g_array_index(results, FkStepResult, 0).output[0], ==, 4);
}

/* A frame name of TREE, drawn at random (not the root). */
static const char *
some_name(const FkTree *tree, GRand *rand)
{
  FkNodeId id = (FkNodeId)g_rand_int_range(rand, 1, (gint32)fk_tree_size(tree));
  return fk_tree_node_name(tree, id);
}

/* A pattern matching some of TREE's frames: a name of it, escaped, anchored
 * or not, or a short piece of one. */
static GRegex *
some_regex(const FkTree *tree, GRand *rand)
{
  const char *name = some_name(tree, rand);
  g_autofree char *piece =
      g_rand_boolean(rand) ? g_strdup(name) : g_strndup(name, MIN(strlen(name), 3));
  g_autofree char *escaped = g_regex_escape_string(piece, -1);
  g_autofree char *pattern =
      g_rand_boolean(rand) ? g_strdup_printf("^%s$", escaped) : g_strdup(escaped);
  return regex(pattern);
}

/* Runs a random plan of the steps of MASK on a copy of TREE and checks each
 * step: input == output + removed in every column, nothing removed by a step
 * that keeps weight, each step's input the previous one's output, the first
 * the tree's totals, the last the result's. */
static void
check_random_plan(const FkTree *tree, guint mask, GRand *rand)
{
  g_autoptr(GRegex) include = some_regex(tree, rand);
  g_autoptr(GRegex) exclude = some_regex(tree, rand);
  g_autoptr(GRegex) focus = some_regex(tree, rand);
  g_autoptr(GRegex) hide = some_regex(tree, rand);
  const char *skip[] = {some_name(tree, rand), NULL};
  const char *base[] = {some_name(tree, rand), some_name(tree, rand), NULL};
  FkPlanOptions o = options_of(mask, NULL);
  o.strip = (mask & 1) ? (FkStripFlags)g_rand_int_range(rand, 1, 4) : 0;
  o.skip_after = o.skip_after ? skip : NULL;
  o.include = (mask & (1u << 2)) ? include : NULL;
  o.exclude = (mask & (1u << 3)) ? exclude : NULL;
  o.focus = (mask & (1u << 4)) ? focus : NULL;
  o.hide = (mask & (1u << 5)) ? hide : NULL;
  o.base = o.base ? base : NULL;
  o.image_width = 1200;
  o.min_percent = g_rand_boolean(rand) ? g_rand_double_range(rand, 0, 20) : -1;
  o.min_pixels = g_rand_double_range(rand, 0, 50);
  o.prune_mode = g_rand_boolean(rand) ? FK_PRUNE_DROP : FK_PRUNE_KEEP_TOTALS;
  g_autoptr(FkPlan) plan = fk_plan_new(&o);
  g_autoptr(GArray) results = g_array_new(FALSE, FALSE, sizeof(FkStepResult));
  g_autoptr(GError) error = NULL;
  g_autoptr(FkTree) out = fk_plan_apply(plan, copy_tree(tree), results, &error);
  g_assert_no_error(error);
  g_assert_cmpuint(results->len, ==, fk_plan_length(plan));
  guint columns = fk_tree_columns(tree);
  for (guint i = 0; i < results->len; i++) {
    const FkStepResult *r = &g_array_index(results, FkStepResult, i);
    g_assert_cmpint(r->kind, ==, fk_plan_step(plan, i));
    g_assert_cmpuint(r->columns, ==, columns);
    g_assert_cmpuint(r->decimals, ==, fk_tree_decimals(tree));
    gboolean keeps = r->kind == FK_STEP_STRIP || r->kind == FK_STEP_SKIP_AFTER ||
                     r->kind == FK_STEP_HIDE || r->kind == FK_STEP_COLLAPSE_RECURSION ||
                     r->kind == FK_STEP_REVERSE ||
                     (r->kind == FK_STEP_PRUNE && o.prune_mode == FK_PRUNE_KEEP_TOTALS);
    for (guint c = 0; c < columns; c++) {
      gint64 before =
          i == 0 ? fk_tree_total(tree, c) : g_array_index(results, FkStepResult, i - 1).output[c];
      g_assert_cmpint(r->input[c], ==, before);
      g_assert_cmpint(r->input[c], ==, r->output[c] + r->report.removed[c]);
      g_assert_cmpint(r->report.removed[c], >=, 0);
      if (keeps)
        g_assert_cmpint(r->report.removed[c], ==, 0);
    }
    if (r->report.removed[columns - 1] != 0 && r->kind != FK_STEP_PRUNE)
      g_assert_cmpuint(r->report.stacks, >, 0);
  }
  for (guint c = 0; c < columns; c++) {
    gint64 last = results->len ? g_array_index(results, FkStepResult, results->len - 1).output[c]
                               : fk_tree_total(tree, c);
    g_assert_cmpint(fk_tree_total(out, c), ==, last);
  }
}

#define PLANS_PER_TREE 60

/* Every step of random plans on every corpus tree, one column. */
static void
test_conservation(void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed(20261201);
  guint all = (1u << G_N_ELEMENTS(documented)) - 1;
  for (guint f = 0; f < G_N_ELEMENTS(corpus); f++) {
    g_autoptr(FkTree) tree = read_tree(corpus[f], NULL);
    check_random_plan(tree, all, rand); /* every step at once */
    for (guint i = 0; i < PLANS_PER_TREE; i++)
      check_random_plan(tree, (guint)g_rand_int_range(rand, 0, (gint32)all + 1), rand);
  }
}

/* The same on differential trees: two captures of the corpus as BEFORE and
 * AFTER, plain and normalized (BEFORE's weights then have decimals). */
static void
test_conservation_diff(void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed(7);
  guint all = (1u << G_N_ELEMENTS(documented)) - 1;
  static const char *const pairs[][2] = {
      {"corpora/hosts/web01/perf.folded", "corpora/hosts/web02/perf.folded"},
      {"corpora/hosts/db01/perf.txt", "corpora/hosts/db02/perf.txt"},
      {"corpora/perf-script/default.txt", "corpora/perf-script/pidtid.txt"},
  };
  for (guint p = 0; p < G_N_ELEMENTS(pairs); p++)
    for (guint normalize = 0; normalize < 2; normalize++) {
      g_autoptr(FkInterner) strings = fk_interner_new();
      g_autoptr(FkTree) before = read_tree(pairs[p][0], strings);
      g_autoptr(FkTree) after = read_tree(pairs[p][1], strings);
      g_autoptr(FkTree) diff = fk_tree_diff(before, after, normalize, NULL);
      g_assert_nonnull(diff);
      g_assert_cmpuint(fk_tree_columns(diff), ==, 2);
      check_random_plan(diff, all, rand);
      for (guint i = 0; i < PLANS_PER_TREE; i++)
        check_random_plan(diff, (guint)g_rand_int_range(rand, 0, (gint32)all + 1), rand);
    }
}

/* The plan is the transforms in its order and nothing else: every step at
 * once gives what calling them one by one gives. */
static void
test_same_as_transforms(void)
{
  for (guint f = 0; f < G_N_ELEMENTS(corpus); f++) {
    g_autoptr(FkTree) tree = read_tree(corpus[f], NULL);
    g_autoptr(GRegex) any = regex("[a-z]");
    g_autoptr(GRegex) none = regex("^_");
    g_autoptr(GRegex) hide = regex("^\\[unknown\\]$");
    g_autoptr(GRand) rand = g_rand_new_with_seed(f);
    const char *names[] = {some_name(tree, rand), NULL};
    FkPlanOptions o;
    memset(&o, 0, sizeof o);
    o.strip = FK_STRIP_OFFSETS | FK_STRIP_HEX;
    o.skip_after = names;
    o.include = any;
    o.exclude = none;
    o.hide = hide;
    o.collapse_recursion = TRUE;
    o.base = names;
    o.reverse = TRUE;
    o.prune = TRUE;
    o.min_percent = 0.5;
    o.image_width = 1200;
    g_autoptr(FkPlan) plan = fk_plan_new(&o);
    g_autoptr(FkTree) got = fk_plan_apply(plan, copy_tree(tree), NULL, NULL);

    g_autoptr(FkTree) t1 = fk_tree_strip(tree, o.strip, NULL);
    g_autoptr(FkTree) t2 = fk_tree_skip_after(t1, names, NULL);
    g_autoptr(FkTree) t3 = fk_tree_filter(t2, FK_FILTER_INCLUDE, any, NULL, NULL);
    g_autoptr(FkTree) t4 = fk_tree_filter(t3, FK_FILTER_EXCLUDE, none, NULL, NULL);
    g_autoptr(FkTree) t5 = fk_tree_filter(t4, FK_FILTER_HIDE, hide, NULL, NULL);
    g_autoptr(FkTree) t6 = fk_tree_collapse_recursion(t5, NULL);
    g_autoptr(FkTree) t7 = fk_tree_rebase(t6, names, 1, NULL, NULL);
    g_autoptr(FkTree) t8 = fk_tree_reverse(t7, NULL);
    g_autoptr(FkTree) want =
        fk_tree_prune(t8, fk_prune_threshold(t8, 0, 1200, 0.5), FK_PRUNE_DROP, NULL, NULL);
    g_assert_true(fk_tree_equal(got, want));
  }
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/plan/order", test_order);
  g_test_add_func("/plan/empty", test_empty);
  g_test_add_func("/plan/order-matters", test_order_matters);
  g_test_add_func("/plan/dropped", test_dropped);
  g_test_add_func("/plan/conservation", test_conservation);
  g_test_add_func("/plan/conservation-diff", test_conservation_diff);
  g_test_add_func("/plan/same-as-transforms", test_same_as_transforms);
  return g_test_run();
}
