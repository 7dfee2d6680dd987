/* test-transform.c -- property tests of the tree transforms on random trees.
 *
 * Each transform is checked three ways on many generated trees: against a
 * naive reference that applies the same rule to every stack one by one and
 * builds a tree from the results; for conservation (output total plus what is
 * reported removed equals the input total); and for idempotence where the rule
 * has it. The alphabet is small so that recursion, merges after hiding and
 * stripping, and repeated names happen often. */
#include "../../analyze/collect.h"
#include "../../analyze/transform.h"

#include <string.h>

#define N_TREES 200

static const char *const alphabet[] = {
    "main", "a", "b", "c", "b+0x1f", "c+12", "0x7fff1234", "lib`x+0x10/0x40", "run", "d;e",
};

typedef struct {
  GPtrArray *frames; /* const char* (interned) */
  gint64 weight;
} Stack;

static void
stack_free(gpointer p)
{
  Stack *s = p;
  g_ptr_array_unref(s->frames);
  g_free(s);
}

/* Random stacks, interned in STRINGS. Some are empty (root self weight). */
static GPtrArray *
random_stacks(GRand *rand, FkInterner *strings)
{
  GPtrArray *stacks = g_ptr_array_new_with_free_func(stack_free);
  guint n = (guint)g_rand_int_range(rand, 0, 40);
  for (guint i = 0; i < n; i++) {
    Stack *s = g_new0(Stack, 1);
    s->frames = g_ptr_array_new();
    guint depth = (guint)g_rand_int_range(rand, 0, 9);
    for (guint d = 0; d < depth; d++) {
      const char *f = alphabet[g_rand_int_range(rand, 0, G_N_ELEMENTS(alphabet))];
      g_ptr_array_add(s->frames, (gpointer)fk_interner_intern0(strings, f));
    }
    s->weight = g_rand_int_range(rand, 1, 1000);
    g_ptr_array_add(stacks, s);
  }
  return stacks;
}

static FkTree *
tree_of(FkInterner *strings, GPtrArray *stacks)
{
  FkTree *t = fk_tree_new(strings, FK_TREE_DEFAULT);
  for (guint i = 0; i < stacks->len; i++) {
    Stack *s = g_ptr_array_index(stacks, i);
    FkWeight w = fk_weight_int(s->weight);
    g_assert_true(
        fk_tree_add_stack(t, (const char *const *)s->frames->pdata, s->frames->len, &w, NULL));
  }
  fk_tree_finish(t);
  return t;
}

/* A per-stack rule: fills OUT from IN; FALSE drops the stack. */
typedef gboolean (*StackRule)(FkInterner *strings, GPtrArray *in, GPtrArray *out, gpointer data);

static FkTree *
reference(FkInterner *strings, GPtrArray *stacks, StackRule rule, gpointer data, gint64 *removed)
{
  FkTree *t = fk_tree_new(strings, FK_TREE_DEFAULT);
  g_autoptr(GPtrArray) out = g_ptr_array_new();
  *removed = 0;
  for (guint i = 0; i < stacks->len; i++) {
    Stack *s = g_ptr_array_index(stacks, i);
    g_ptr_array_set_size(out, 0);
    if (!rule(strings, s->frames, out, data)) {
      *removed += s->weight;
      continue;
    }
    FkWeight w = fk_weight_int(s->weight);
    g_assert_true(fk_tree_add_stack(t, (const char *const *)out->pdata, out->len, &w, NULL));
  }
  fk_tree_finish(t);
  return t;
}

static gboolean
rule_collapse(FkInterner *strings, GPtrArray *in, GPtrArray *out, gpointer data)
{
  (void)strings, (void)data;
  for (guint i = 0; i < in->len; i++)
    if (out->len == 0 || g_ptr_array_index(out, out->len - 1) != g_ptr_array_index(in, i))
      g_ptr_array_add(out, g_ptr_array_index(in, i));
  return TRUE;
}

static gboolean
rule_skip_after(FkInterner *strings, GPtrArray *in, GPtrArray *out, gpointer data)
{
  const char *func = fk_interner_intern0(strings, data);
  guint start = 0;
  for (guint i = 0; i < in->len; i++)
    if (g_ptr_array_index(in, i) == func) {
      start = i;
      break;
    }
  for (guint i = start; i < in->len; i++)
    g_ptr_array_add(out, g_ptr_array_index(in, i));
  return TRUE;
}

typedef struct {
  FkFilterKind kind;
  GRegex *regex;
} FilterData;

static gboolean
rule_filter(FkInterner *strings, GPtrArray *in, GPtrArray *out, gpointer data)
{
  (void)strings;
  FilterData *f = data;
  gint first = -1;
  for (guint i = 0; i < in->len; i++) {
    gboolean m = g_regex_match(f->regex, g_ptr_array_index(in, i), 0, NULL);
    if (m && first < 0)
      first = (gint)i;
    if (!(m && f->kind == FK_FILTER_HIDE))
      g_ptr_array_add(out, g_ptr_array_index(in, i));
  }
  switch (f->kind) {
  case FK_FILTER_INCLUDE:
    return first >= 0;
  case FK_FILTER_EXCLUDE:
    return first < 0;
  case FK_FILTER_FOCUS:
    g_ptr_array_set_size(out, 0);
    for (gint i = first; i >= 0 && i < (gint)in->len; i++)
      g_ptr_array_add(out, g_ptr_array_index(in, (guint)i));
    return first >= 0;
  case FK_FILTER_HIDE:
    return TRUE;
  }
  return TRUE;
}

static gboolean
rule_strip(FkInterner *strings, GPtrArray *in, GPtrArray *out, gpointer data)
{
  for (guint i = 0; i < in->len; i++) {
    g_autofree char *s = fk_strip_name(g_ptr_array_index(in, i), GPOINTER_TO_UINT(data));
    g_ptr_array_add(out, (gpointer)fk_interner_intern0(strings, s));
  }
  return TRUE;
}

/* One generated case; case_next frees the previous one and makes the next. */
typedef struct {
  guint iter;
  FkInterner *strings;
  GPtrArray *stacks;
  FkTree *tree;
} Case;

static gboolean
case_next(Case *c, GRand *rand)
{
  g_clear_pointer(&c->tree, fk_tree_free);
  g_clear_pointer(&c->stacks, g_ptr_array_unref);
  g_clear_pointer(&c->strings, fk_interner_unref);
  if (c->iter++ == N_TREES)
    return FALSE;
  c->strings = fk_interner_new();
  c->stacks = random_stacks(rand, c->strings);
  c->tree = tree_of(c->strings, c->stacks);
  return TRUE;
}

/* Runs the body on N_TREES random trees with a fixed seed (reproducible). */
#define FOR_RANDOM_TREES(rand, strings, stacks, tree)                                              \
  g_autoptr(GRand) rand = g_rand_new_with_seed(12345);                                             \
  for (Case c_ = {0}; case_next(&c_, rand);)                                                       \
    for (FkInterner *strings = c_.strings; strings != NULL; strings = NULL)                        \
      for (GPtrArray *stacks = c_.stacks; stacks != NULL; stacks = NULL)                           \
        for (FkTree *tree = c_.tree; tree != NULL; tree = NULL)

static void
test_merge(void)
{
  FOR_RANDOM_TREES(rand, strings, stacks, tree)
  {
    g_autoptr(FkInterner) other = fk_interner_new();
    g_autoptr(GPtrArray) stacks2 = random_stacks(rand, other);
    g_autoptr(FkTree) t2 = tree_of(other, stacks2);
    FkTree *ab[] = {tree, t2}, *ba[] = {t2, tree};
    g_autoptr(FkTree) m1 = fk_tree_merge(ab, 2, NULL);
    g_autoptr(FkTree) m2 = fk_tree_merge(ba, 2, NULL);
    g_assert_cmpint(fk_tree_total(m1, 0), ==, fk_tree_total(tree, 0) + fk_tree_total(t2, 0));
    g_assert_true(fk_tree_equal(m1, m2));
  }
}

static void
test_collapse_recursion(void)
{
  FOR_RANDOM_TREES(rand, strings, stacks, tree)
  {
    gint64 removed;
    g_autoptr(FkTree) want = reference(strings, stacks, rule_collapse, NULL, &removed);
    g_autoptr(FkTree) got = fk_tree_collapse_recursion(tree, NULL);
    g_assert_true(fk_tree_equal(got, want));
    g_assert_cmpint(fk_tree_total(got, 0), ==, fk_tree_total(tree, 0));
    g_autoptr(FkTree) again = fk_tree_collapse_recursion(got, NULL);
    g_assert_true(fk_tree_equal(again, got));
  }
}

static void
test_skip_after(void)
{
  const char *funcs[] = {"b", NULL};
  FOR_RANDOM_TREES(rand, strings, stacks, tree)
  {
    gint64 removed;
    g_autoptr(FkTree) want = reference(strings, stacks, rule_skip_after, (gpointer) "b", &removed);
    g_autoptr(FkTree) got = fk_tree_skip_after(tree, funcs, NULL);
    g_assert_true(fk_tree_equal(got, want));
    g_assert_cmpint(fk_tree_total(got, 0), ==, fk_tree_total(tree, 0));
    g_autoptr(FkTree) again = fk_tree_skip_after(got, funcs, NULL);
    g_assert_true(fk_tree_equal(again, got));
  }
}

static void
check_filter(FkFilterKind kind, const char *pattern, gboolean idempotent)
{
  g_autoptr(GRegex) re = g_regex_new(pattern, 0, 0, NULL);
  FilterData fd = {kind, re};
  FOR_RANDOM_TREES(rand, strings, stacks, tree)
  {
    gint64 removed;
    g_autoptr(FkTree) want = reference(strings, stacks, rule_filter, &fd, &removed);
    FkTransformReport report = {0};
    g_autoptr(FkTree) got = fk_tree_filter(tree, kind, re, &report, NULL);
    g_assert_nonnull(got);
    g_assert_true(fk_tree_equal(got, want));
    g_assert_cmpint(report.removed[0], ==, removed);
    g_assert_cmpint(fk_tree_total(got, 0) + report.removed[0], ==, fk_tree_total(tree, 0));
    if (kind == FK_FILTER_HIDE) {
      /* --hide reports the frames it removed: every matching node. */
      guint64 matching = 0;
      for (gsize n = 1; n < fk_tree_size(tree); n++) {
        const char *name = fk_tree_node(tree, (FkNodeId)n)->name;
        matching += !fk_is_group_frame(name) && g_regex_match(re, name, 0, NULL);
      }
      g_assert_cmpuint(report.nodes, ==, matching);
      g_assert_cmpuint(report.stacks, ==, 0);
    }
    if (idempotent) {
      FkTransformReport r2 = {0};
      g_autoptr(FkTree) again = fk_tree_filter(got, kind, re, &r2, NULL);
      g_assert_true(fk_tree_equal(again, got));
      g_assert_cmpint(r2.removed[0], ==, 0);
    }
  }
}

/* --skip-after names looked up, not interned: a function the tree never saw
 * changes neither the tree nor the interner it shares. */
static void
test_skip_after_lookup_only(void)
{
  FOR_RANDOM_TREES(rand, strings, stacks, tree)
  {
    gsize before = fk_interner_count(strings);
    const char *funcs[] = {"never_seen", "nor_this", NULL};
    g_autoptr(FkTree) got = fk_tree_skip_after(tree, funcs, NULL);
    g_assert_true(fk_tree_equal(got, tree));
    g_assert_cmpuint(fk_interner_count(strings), ==, before);
    /* a known one among unknown ones still cuts */
    const char *mixed[] = {"never_seen", "run", NULL};
    const char *run[] = {"run", NULL};
    g_autoptr(FkTree) m = fk_tree_skip_after(tree, mixed, NULL);
    g_autoptr(FkTree) r = fk_tree_skip_after(tree, run, NULL);
    g_assert_true(fk_tree_equal(m, r));
    g_assert_cmpuint(fk_interner_count(strings), ==, before);
  }
}

static void
test_include(void)
{
  check_filter(FK_FILTER_INCLUDE, "^b", TRUE);
}

static void
test_exclude(void)
{
  check_filter(FK_FILTER_EXCLUDE, "^c|run", TRUE);
}

static void
test_focus(void)
{
  check_filter(FK_FILTER_FOCUS, "^(a|run)$", TRUE);
}

static void
test_hide(void)
{
  check_filter(FK_FILTER_HIDE, "^(a|0x)", TRUE);
}

static void
test_include_exclude_partition(void)
{
  g_autoptr(GRegex) re = g_regex_new("^a$", 0, 0, NULL);
  FOR_RANDOM_TREES(rand, strings, stacks, tree)
  {
    g_autoptr(FkTree) inc = fk_tree_filter(tree, FK_FILTER_INCLUDE, re, NULL, NULL);
    g_autoptr(FkTree) exc = fk_tree_filter(tree, FK_FILTER_EXCLUDE, re, NULL, NULL);
    FkTree *both[] = {inc, exc};
    g_autoptr(FkTree) sum = fk_tree_merge(both, 2, NULL);
    g_assert_true(fk_tree_equal(sum, tree));
  }
}

static void
test_strip(void)
{
  FkStripFlags flags[] = {FK_STRIP_OFFSETS, FK_STRIP_HEX, FK_STRIP_OFFSETS | FK_STRIP_HEX};
  for (guint k = 0; k < G_N_ELEMENTS(flags); k++) {
    FOR_RANDOM_TREES(rand, strings, stacks, tree)
    {
      gint64 removed;
      g_autoptr(FkTree) want =
          reference(strings, stacks, rule_strip, GUINT_TO_POINTER(flags[k]), &removed);
      g_autoptr(FkTree) got = fk_tree_strip(tree, flags[k], NULL);
      g_assert_true(fk_tree_equal(got, want));
      g_autoptr(FkTree) again = fk_tree_strip(got, flags[k], NULL);
      g_assert_true(fk_tree_equal(again, got));
    }
  }
}

/* fk_tree_strip_needed reads the interner's strings: TRUE exactly when the
 * strip changes a name, wherever in the arena that name is (the first of
 * its blocks, a later one, a string bigger than a block). */
static void
test_strip_needed(void)
{
  FkStripFlags flags[] = {FK_STRIP_OFFSETS, FK_STRIP_HEX, FK_STRIP_OFFSETS | FK_STRIP_HEX};
  for (guint k = 0; k < G_N_ELEMENTS(flags); k++) {
    FOR_RANDOM_TREES(rand, strings, stacks, tree)
    {
      g_autoptr(FkTree) got = fk_tree_strip(tree, flags[k], NULL);
      if (fk_tree_strip_needed(tree, flags[k]))
        continue; /* the alphabet's other names may be in the interner */
      g_assert_true(fk_tree_equal(got, tree));
    }
  }
  for (guint where = 0; where < 3; where++) {
    g_autoptr(FkTree) t = fk_tree_new(NULL, FK_TREE_DEFAULT);
    const char *frames[2];
    FkWeight w = {{1, 0}, 1, 0};
    GString *big = g_string_new(NULL);
    for (guint i = 0; i < 20000; i++) {
      char name[32];
      g_snprintf(name, sizeof name, "fn_%u", i);
      frames[0] = "main";
      frames[1] = name;
      frames[0] = fk_tree_intern(t, frames[0], strlen(frames[0]));
      frames[1] = fk_tree_intern(t, name, strlen(name));
      g_assert_true(fk_tree_add_stack(t, frames, 2, &w, NULL));
      if (i == 100 && where == 0)
        g_assert_nonnull(fk_tree_intern(t, "early+31", 8));
    }
    if (where == 1)
      g_assert_nonnull(fk_tree_intern(t, "late+31", 7));
    if (where == 2) {
      while (big->len < (100u << 10))
        g_string_append(big, "long_name_");
      g_string_append(big, "+32");
      g_assert_nonnull(fk_tree_intern(t, big->str, big->len));
      g_assert_nonnull(fk_tree_intern(t, "after_big", 9));
    }
    fk_tree_finish(t);
    g_assert_true(fk_tree_strip_needed(t, FK_STRIP_OFFSETS));
    g_assert_false(fk_tree_strip_needed(t, FK_STRIP_HEX));
    g_string_free(big, TRUE);
  }
  g_autoptr(FkTree) clean = fk_tree_new(NULL, FK_TREE_DEFAULT);
  const char *f[1] = {fk_tree_intern(clean, "operator+", 9)};
  FkWeight w = {{1, 0}, 1, 0};
  g_assert_true(fk_tree_add_stack(clean, f, 1, &w, NULL));
  fk_tree_finish(clean);
  g_assert_false(fk_tree_strip_needed(clean, FK_STRIP_OFFSETS | FK_STRIP_HEX));
}

static void
test_strip_names(void)
{
  static const char *const cases[][3] = {
      /* name, offsets stripped, hex stripped */
      {"func+0x1f", "func", "func+0x..."},
      {"func+31", "func", "func+31"},
      {"vfs_read+0x9d/0x1a0", "vfs_read", "vfs_read+0x.../0x..."},
      {"libc.so`malloc+0x10", "libc.so`malloc", "libc.so`malloc+0x..."},
      {"0x7fff1234", "0x7fff1234", "0x..."},
      {"+0x10", "+0x10", "+0x..."},
      {"operator+", "operator+", "operator+"},
      {"a+b", "a+b", "a+b"},
      {"f0x12", "f0x12", "f0x12"},
      {"[unknown]", "[unknown]", "[unknown]"},
      {"x 0xAbC y", "x 0xAbC y", "x 0x... y"},
  };
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autofree char *o = fk_strip_name(cases[i][0], FK_STRIP_OFFSETS);
    g_autofree char *h = fk_strip_name(cases[i][0], FK_STRIP_HEX);
    g_assert_cmpstr(o, ==, cases[i][1]);
    g_assert_cmpstr(h, ==, cases[i][2]);
  }
}

static gboolean
check_min(const FkTree *tree, FkNodeId node, const char *const *path, gsize depth, gpointer data)
{
  (void)path, (void)depth;
  g_assert_cmpint(fk_node_total(tree, node, 0), >=, *(gint64 *)data);
  return TRUE;
}

static void
test_prune(void)
{
  FOR_RANDOM_TREES(rand, strings, stacks, tree)
  {
    gint64 min = fk_prune_threshold(tree, 0.1, 50, -1);
    FkTransformReport drop = {0}, keep = {0};
    g_autoptr(FkTree) d = fk_tree_prune(tree, min, FK_PRUNE_DROP, &drop, NULL);
    g_autoptr(FkTree) k = fk_tree_prune(tree, min, FK_PRUNE_KEEP_TOTALS, &keep, NULL);
    g_assert_cmpint(fk_tree_total(d, 0) + drop.removed[0], ==, fk_tree_total(tree, 0));
    g_assert_cmpint(fk_tree_total(k, 0), ==, fk_tree_total(tree, 0));
    g_assert_cmpint(keep.moved[0], ==, drop.removed[0]);
    g_assert_cmpuint(keep.nodes, ==, drop.nodes);
    g_assert_cmpuint(fk_tree_size(tree) - drop.nodes, ==, fk_tree_size(d));
    fk_tree_walk(d, FK_ORDER_NAME, check_min, &min);
    fk_tree_walk(k, FK_ORDER_NAME, check_min, &min);
    /* Kept nodes keep their totals exactly with KEEP_TOTALS: the widths drawn. */
    g_autoptr(FkTree) k2 = fk_tree_prune(k, min, FK_PRUNE_KEEP_TOTALS, NULL, NULL);
    g_assert_true(fk_tree_equal(k2, k));
  }
  /* Percent thresholds round up and never reach 0. */
  g_autoptr(FkTree) empty = fk_tree_new(NULL, FK_TREE_DEFAULT);
  g_assert_cmpint(fk_prune_threshold(empty, 0.1, 1200, -1), ==, 1);
}

static void
test_diff(void)
{
  FOR_RANDOM_TREES(rand, strings, stacks, tree)
  {
    g_autoptr(FkInterner) other = fk_interner_new();
    g_autoptr(GPtrArray) stacks2 = random_stacks(rand, other);
    g_autoptr(FkTree) after = tree_of(other, stacks2);
    g_autoptr(FkTree) d = fk_tree_diff(tree, after, FALSE, NULL);
    g_assert_cmpuint(fk_tree_columns(d), ==, 2);
    g_assert_cmpint(fk_tree_total(d, 0), ==, fk_tree_total(tree, 0));
    g_assert_cmpint(fk_tree_total(d, 1), ==, fk_tree_total(after, 0));
    g_autoptr(FkTree) n = fk_tree_diff(tree, after, TRUE, NULL);
    g_assert_nonnull(n);
    if (fk_tree_total(tree, 0) != 0)
      g_assert_cmpint(fk_tree_total(n, 0), ==, fk_tree_total(n, 1));
    g_autoptr(FkTree) bad = fk_tree_diff(d, after, FALSE, NULL);
    g_assert_null(bad);
    /* In place: the same trees, node for node, as the copying diff. */
    for (int norm = 0; norm < 2; norm++) {
      FkTree *one[] = {after};
      FkTree *copy = fk_tree_merge(one, 1, NULL);
      g_autoptr(FkTree) taken = fk_tree_diff_take(tree, copy, norm, NULL);
      FkTree *want = norm ? n : d;
      g_assert_true(fk_tree_equal(taken, want));
      g_assert_cmpuint(fk_tree_size(taken), ==, fk_tree_size(want));
      g_assert_cmpuint(fk_tree_decimals(taken), ==, fk_tree_decimals(want));
      for (gsize i = 0; i < fk_tree_size(want); i++)
        g_assert_true(fk_tree_node(taken, (FkNodeId)i)->name ==
                      fk_tree_node(want, (FkNodeId)i)->name);
    }
  }
}

/* The folded text of TREE, weights with their decimals, sorted by name. */
static gboolean
fold_line(const FkTree *tree, FkNodeId id, const char *const *path, gsize depth, gpointer data)
{
  GString *s = data;
  for (gsize i = 0; i < depth; i++)
    g_string_append_printf(s, "%s%s", i ? ";" : "", path[i]);
  g_string_append_printf(
      s, " %" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %" G_GINT64_FORMAT "\n",
      fk_node_self(tree, id, 0), fk_node_self(tree, id, 1), fk_node_total(tree, id, 0),
      fk_node_total(tree, id, 1));
  return TRUE;
}

static char *
fold_text(const FkTree *tree)
{
  GString *s = g_string_new(NULL);
  g_string_append_printf(s, "columns %u decimals %u root %" G_GINT64_FORMAT "\n",
                         fk_tree_columns(tree), fk_tree_decimals(tree),
                         fk_node_self(tree, FK_ROOT, 0));
  fk_tree_walk(tree, FK_ORDER_NAME, fold_line, s);
  return g_string_free(s, FALSE);
}

/* fk_tree_diff_take consumes AFTER (the name says so) and only reads
 * BEFORE: BEFORE, its interner and its weights stay as they were, on success
 * and on failure; AFTER is freed either way (the reference it holds on its
 * interner goes); one tree as both is refused, and left to the caller. */
static void
test_diff_take_input(void)
{
  FOR_RANDOM_TREES(rand, strings, stacks, tree)
  {
    g_autoptr(FkInterner) other = fk_interner_new();
    g_autoptr(GPtrArray) stacks2 = random_stacks(rand, other);
    g_autofree char *was = fold_text(tree);
    gsize names = fk_interner_count(strings);
    for (int norm = 0; norm < 2; norm++) {
      g_autoptr(FkTree) after = tree_of(other, stacks2);
      g_autoptr(FkTree) want = fk_tree_diff(tree, after, norm, NULL);
      g_autoptr(FkTree) got = fk_tree_diff_take(tree, g_steal_pointer(&after), norm, NULL);
      g_assert_true(fk_tree_equal(got, want));
      g_autofree char *is = fold_text(tree);
      g_assert_cmpstr(is, ==, was);
      g_assert_cmpuint(fk_interner_count(strings), ==, names);
      /* the result is finished: read-only, totals summed */
      g_autofree char *gt = fold_text(got);
      g_autofree char *wt = fold_text(want);
      g_assert_cmpstr(gt, ==, wt);
      /* failure (a two-column AFTER) frees AFTER too: the only other holder
       * of SOLO lets it go */
      g_autoptr(FkInterner) solo = fk_interner_new();
      FkTree *two = fk_tree_diff_take(tree, tree_of(solo, stacks2), norm, NULL);
      g_assert_nonnull(two);
      g_assert_true(fk_interner_shared(solo));
      g_autoptr(GError) error = NULL;
      g_assert_null(fk_tree_diff_take(tree, two, norm, &error));
      g_assert_error(error, FK_TRANSFORM_ERROR, FK_TRANSFORM_ERROR_INVALID);
      g_assert_false(fk_interner_shared(solo));
      g_autofree char *still = fold_text(tree);
      g_assert_cmpstr(still, ==, was);
    }
  }
  g_autoptr(FkTree) t = fk_tree_new(NULL, FK_TREE_DEFAULT);
  fk_tree_finish(t);
  g_test_expect_message(NULL, G_LOG_LEVEL_CRITICAL, "*before != after*");
  g_assert_null(fk_tree_diff_take(t, t, FALSE, NULL));
  g_test_assert_expected_messages();
  g_assert_cmpuint(fk_tree_size(t), ==, 1); /* still the caller's */
}

/* Group frames stay on top: skip-after and focus re-root below them. */
static void
test_groups(void)
{
  g_autoptr(FkTree) t = fk_tree_new(NULL, FK_TREE_DEFAULT);
  const char *s1[] = {"[host=a]", "main", "run", "work"};
  const char *s2[] = {"[host=b]", "[tid=7]", "main", "run", "idle"};
  const char *s3[] = {"[host=b]", "main", "other"};
  const char *const *stacks[] = {s1, s2, s3};
  gsize lens[] = {4, 5, 3};
  for (guint i = 0; i < 3; i++) {
    g_autoptr(GPtrArray) f = g_ptr_array_new();
    for (gsize k = 0; k < lens[i]; k++)
      g_ptr_array_add(f, (gpointer)fk_tree_intern(t, stacks[i][k], strlen(stacks[i][k])));
    FkWeight w = fk_weight_int(i + 1);
    g_assert_true(fk_tree_add_stack(t, (const char *const *)f->pdata, f->len, &w, NULL));
  }
  fk_tree_finish(t);
  const char *funcs[] = {"run", NULL};
  g_autoptr(FkTree) sk = fk_tree_skip_after(t, funcs, NULL);
  FkInterner *st = fk_tree_strings(sk);
  FkNodeId a = fk_tree_find_child(sk, FK_ROOT, fk_interner_intern0(st, "[host=a]"));
  g_assert_cmpuint(a, !=, 0);
  FkNodeId run = fk_tree_find_child(sk, a, fk_interner_intern0(st, "run"));
  g_assert_cmpuint(run, !=, 0);
  g_assert_cmpint(fk_node_total(sk, run, 0), ==, 1);
  g_assert_cmpint(fk_tree_total(sk, 0), ==, 6);
  g_autoptr(GRegex) re = g_regex_new("^run$", 0, 0, NULL);
  FkTransformReport r = {0};
  g_autoptr(FkTree) fo = fk_tree_filter(t, FK_FILTER_FOCUS, re, &r, NULL);
  g_assert_cmpint(fk_tree_total(fo, 0), ==, 3);
  g_assert_cmpint(r.removed[0], ==, 3);
  FkNodeId b = fk_tree_find_child(fo, FK_ROOT, fk_interner_intern0(st, "[host=b]"));
  FkNodeId tid = fk_tree_find_child(fo, b, fk_interner_intern0(st, "[tid=7]"));
  g_assert_cmpuint(fk_tree_find_child(fo, tid, fk_interner_intern0(st, "run")), !=, 0);
  /* hide never removes a group frame, even when the pattern matches it */
  g_autoptr(GRegex) all = g_regex_new(".", 0, 0, NULL);
  g_autoptr(FkTree) hidden = fk_tree_filter(t, FK_FILTER_HIDE, all, NULL, NULL);
  g_assert_cmpuint(fk_tree_size(hidden), ==, 4); /* root, [host=a], [host=b], [tid=7] */
  g_assert_true(fk_is_group_frame("[pid=12]"));
  g_assert_false(fk_is_group_frame("[unknown]"));
  g_assert_false(fk_is_group_frame("[color=x]"));
  g_autofree char *gn = fk_group_frame_name(FK_GROUP_COMM, "a;b%");
  g_assert_cmpstr(gn, ==, "[comm=a%3Bb%25]");
}

/* A finished copy of TREE whose names are interned in STRINGS. */
static FkTree *
copy_into(FkInterner *strings, const FkTree *tree)
{
  FkTree *t = fk_tree_new(strings, FK_TREE_DEFAULT);
  g_assert_true(fk_tree_merge_into(t, tree, NULL));
  fk_tree_finish(t);
  return t;
}

/* fk_tree_diff_take_both consumes both sides: the same tree, node for node,
 * as the diff that only reads BEFORE, with BEFORE in the same interner as
 * AFTER or another; each side's reference on its interner goes, on success
 * and on failure. */
static void
test_diff_take_both(void)
{
  FOR_RANDOM_TREES(rand, strings, stacks, tree)
  {
    g_autoptr(FkInterner) other = fk_interner_new();
    g_autoptr(GPtrArray) stacks2 = random_stacks(rand, other);
    for (int norm = 0; norm < 2; norm++)
      for (int same = 0; same < 2; same++) {
        g_autoptr(FkInterner) mine = fk_interner_new();
        FkTree *before = copy_into(same ? other : mine, tree);
        g_autoptr(FkTree) want = fk_tree_diff_take(before, tree_of(other, stacks2), norm, NULL);
        g_autoptr(FkTree) got = fk_tree_diff_take_both(before, tree_of(other, stacks2), norm, NULL);
        g_assert_true(fk_tree_equal(got, want));
        g_assert_cmpuint(fk_tree_size(got), ==, fk_tree_size(want));
        g_assert_cmpuint(fk_tree_decimals(got), ==, fk_tree_decimals(want));
        for (gsize i = 0; i < fk_tree_size(want); i++)
          g_assert_true(fk_tree_node(got, (FkNodeId)i)->name ==
                        fk_tree_node(want, (FkNodeId)i)->name);
        g_autofree char *gt = fold_text(got);
        g_autofree char *wt = fold_text(want);
        g_assert_cmpstr(gt, ==, wt);
        g_assert_false(fk_interner_shared(mine)); /* BEFORE is gone */
        /* a two-column side fails, and both are freed all the same */
        g_autoptr(FkInterner) solo = fk_interner_new();
        FkTree *two = fk_tree_diff(tree, tree, norm, NULL);
        g_autoptr(GError) error = NULL;
        g_assert_null(fk_tree_diff_take_both(copy_into(solo, tree), two, norm, &error));
        g_assert_error(error, FK_TRANSFORM_ERROR, FK_TRANSFORM_ERROR_INVALID);
        g_assert_false(fk_interner_shared(solo));
      }
  }
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/transform/merge", test_merge);
  g_test_add_func("/transform/collapse-recursion", test_collapse_recursion);
  g_test_add_func("/transform/skip-after", test_skip_after);
  g_test_add_func("/transform/skip-after-lookup-only", test_skip_after_lookup_only);
  g_test_add_func("/transform/include", test_include);
  g_test_add_func("/transform/exclude", test_exclude);
  g_test_add_func("/transform/focus", test_focus);
  g_test_add_func("/transform/hide", test_hide);
  g_test_add_func("/transform/include-exclude-partition", test_include_exclude_partition);
  g_test_add_func("/transform/strip", test_strip);
  g_test_add_func("/transform/strip-names", test_strip_names);
  g_test_add_func("/transform/strip-needed", test_strip_needed);
  g_test_add_func("/transform/prune", test_prune);
  g_test_add_func("/transform/diff", test_diff);
  g_test_add_func("/transform/groups", test_groups);
  g_test_add_func("/transform/diff-take-input", test_diff_take_input);
  g_test_add_func("/transform/diff-take-both", test_diff_take_both);
  return g_test_run();
}
