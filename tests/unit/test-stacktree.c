/* test-stacktree.c -- the engine: add, merge, decimals, columns, walks, and
 * property tests that merge is associative, commutative and conserves weight. */
#include "../../analyze/stacktree.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Adds "a;b;c" style stacks with integer weights. */
static void
add(FkTree *t, const char *stack, gint64 w)
{
  g_auto(GStrv) parts = g_strsplit(stack, ";", -1);
  guint n = g_strv_length(parts);
  const char **frames = g_new(const char *, n);
  for (guint i = 0; i < n; i++)
    frames[i] = fk_tree_intern(t, parts[i], strlen(parts[i]));
  FkWeight fw = fk_weight_int(w);
  g_assert_true(fk_tree_add_stack(t, frames, n, &fw, NULL));
  g_free(frames);
}

static gboolean
collect_line(const FkTree *tree, FkNodeId id, const char *const *path, gsize depth, gpointer data)
{
  if (fk_node_self(tree, id, 0) == 0)
    return TRUE;
  GString *s = data;
  for (gsize i = 0; i < depth; i++)
    g_string_append_printf(s, "%s%s", i ? ";" : "", path[i]);
  g_string_append_printf(s, " %" G_GINT64_FORMAT "\n", fk_node_self(tree, id, 0));
  return TRUE;
}

static char *
dump(const FkTree *t)
{
  GString *s = g_string_new(NULL);
  fk_tree_walk(t, FK_ORDER_NAME, collect_line, s);
  return g_string_free(s, FALSE);
}

/* A finished tree of the stacks in LINES ("a;b 3", one per element), names
 * interned in STRINGS (NULL: a new interner). */
static FkTree *
tree_of_lines(FkInterner *strings, const char *const *lines, gsize n)
{
  FkTree *t = fk_tree_new(strings, FK_TREE_DEFAULT);
  for (gsize i = 0; i < n; i++) {
    const char *sp = strrchr(lines[i], ' ');
    g_autofree char *stack = g_strndup(lines[i], (gsize)(sp - lines[i]));
    add(t, stack, g_ascii_strtoll(sp + 1, NULL, 10));
  }
  fk_tree_finish(t);
  return t;
}

static void
test_add(void)
{
  g_autoptr(FkTree) t = fk_tree_new(NULL, FK_TREE_DEFAULT);
  add(t, "main;b;c", 3);
  add(t, "main;b", 2);
  add(t, "main;b;c", 1);
  add(t, "main;a", 5);
  fk_tree_finish(t);
  g_autofree char *d = dump(t);
  g_assert_cmpstr(d, ==, "main;a 5\nmain;b 2\nmain;b;c 4\n");
  g_assert_cmpint(fk_tree_total(t, 0), ==, 11);
  FkNodeId m = fk_tree_find_child(t, FK_ROOT, fk_tree_intern(t, "main", 4));
  g_assert_cmpuint(m, !=, 0);
  g_assert_cmpint(fk_node_total(t, m, 0), ==, 11);
  g_assert_cmpint(fk_node_self(t, m, 0), ==, 0);
  g_assert_cmpuint(fk_tree_size(t), ==, 5);
}

static void
test_decimals(void)
{
  g_autoptr(FkTree) t = fk_tree_new(NULL, FK_TREE_DEFAULT);
  add(t, "a", 2);
  FkWeight w = {{2567, 0}, 1, 3}; /* 2.567 */
  const char *a = fk_tree_intern(t, "a", 1);
  g_assert_true(fk_tree_add_stack(t, &a, 1, &w, NULL));
  g_assert_cmpuint(fk_tree_decimals(t), ==, 3);
  g_assert_cmpint(fk_tree_total(t, 0), ==, 4567);
  char buf[32];
  g_assert_cmpstr(fk_weight_format(4567, 3, buf), ==, "4.567");
  g_assert_cmpstr(fk_weight_format(4500, 3, buf), ==, "4.5");
  g_assert_cmpstr(fk_weight_format(4000, 3, buf), ==, "4");
  gint64 v;
  guint8 d;
  g_assert_true(fk_weight_parse("6.", 2, &v, &d));
  g_assert_cmpint(v, ==, 6);
  g_assert_false(fk_weight_parse("12V.43", 6, &v, &d));
  g_assert_false(fk_weight_parse("99999999999999999999", 20, &v, &d));
  g_assert_false(fk_weight_parse("-1", 2, &v, &d));
}

static void
test_overflow(void)
{
  g_autoptr(FkTree) t = fk_tree_new(NULL, FK_TREE_DEFAULT);
  add(t, "a", G_MAXINT64 - 1);
  FkWeight w = fk_weight_int(2);
  const char *a = fk_tree_intern(t, "a", 1);
  g_autoptr(GError) error = NULL;
  g_assert_false(fk_tree_add_stack(t, &a, 1, &w, &error));
  g_assert_error(error, FK_TREE_ERROR, FK_TREE_ERROR_OVERFLOW);
  g_assert_cmpint(fk_tree_total(t, 0), ==, G_MAXINT64 - 1); /* unchanged */
}

static void
test_columns(void)
{
  g_autoptr(FkTree) t = fk_tree_new(NULL, FK_TREE_DEFAULT);
  FkWeight w = {{3, 7}, 2, 0};
  const char *f[2] = {fk_tree_intern(t, "a", 1), fk_tree_intern(t, "b", 1)};
  g_assert_true(fk_tree_add_stack(t, f, 2, &w, NULL));
  g_assert_cmpuint(fk_tree_columns(t), ==, 2);
  g_assert_cmpint(fk_tree_total(t, 0), ==, 3);
  g_assert_cmpint(fk_tree_total(t, 1), ==, 7);
}

static void
test_sequential(void)
{
  g_autoptr(FkTree) t = fk_tree_new(NULL, FK_TREE_SEQUENTIAL);
  add(t, "m;a", 1);
  add(t, "m;a", 1);
  add(t, "m;b", 1);
  add(t, "m;a", 1);
  fk_tree_finish(t);
  FkNodeId m = fk_tree_find_child(t, FK_ROOT, fk_tree_intern(t, "m", 1));
  g_autoptr(GArray) kids = g_array_new(FALSE, FALSE, sizeof(FkNodeId));
  fk_tree_children(t, m, FK_ORDER_INSERTION, kids);
  g_assert_cmpuint(kids->len, ==, 3); /* a(2), b(1), a(1): only adjacent merges */
  g_assert_cmpint(fk_node_total(t, g_array_index(kids, FkNodeId, 0), 0), ==, 2);
  g_assert_cmpstr(fk_tree_node(t, g_array_index(kids, FkNodeId, 2))->name, ==, "a");
}

/* A sample that ends at a frame interrupts that frame's children, as in
 * flamegraph.pl --flamechart: A;B, A, A;B gives two B frames under one A. */
static void
test_sequential_interrupted(void)
{
  g_autoptr(FkTree) t = fk_tree_new(NULL, FK_TREE_SEQUENTIAL);
  add(t, "A;B", 1);
  add(t, "A", 1);
  add(t, "A;B", 1);
  add(t, "A;B", 1);
  fk_tree_finish(t);
  FkNodeId a = fk_tree_find_child(t, FK_ROOT, fk_tree_intern(t, "A", 1));
  g_assert_cmpint(fk_node_total(t, a, 0), ==, 4);
  g_autoptr(GArray) kids = g_array_new(FALSE, FALSE, sizeof(FkNodeId));
  fk_tree_children(t, a, FK_ORDER_INSERTION, kids);
  g_assert_cmpuint(kids->len, ==, 2);
  g_assert_cmpint(fk_node_total(t, g_array_index(kids, FkNodeId, 0), 0), ==, 1);
  g_assert_cmpint(fk_node_total(t, g_array_index(kids, FkNodeId, 1), 0), ==, 2);
}

static void
test_empty_stack_and_deep(void)
{
  g_autoptr(FkTree) t = fk_tree_new(NULL, FK_TREE_DEFAULT);
  FkWeight w = fk_weight_int(4);
  g_assert_true(fk_tree_add_stack(t, NULL, 0, &w, NULL));
  /* A 100k-deep stack must not recurse on the C stack when walked. */
  gsize n = 100000;
  const char **frames = g_new(const char *, n);
  for (gsize i = 0; i < n; i++)
    frames[i] = fk_tree_intern(t, i % 2 ? "x" : "y", 1);
  g_assert_true(fk_tree_add_stack(t, frames, n, &w, NULL));
  g_free(frames);
  fk_tree_finish(t);
  g_assert_cmpint(fk_node_self(t, FK_ROOT, 0), ==, 4);
  g_autofree char *d = dump(t);
  g_assert_cmpuint(strlen(d), >, 2 * n);
}

/* Adds N random stacks over a small alphabet, so stacks collide. */
static void
add_random(FkTree *t, GRand *r, guint n)
{
  static const char *names[] = {"main", "a", "b", "c", "d", "e", "f; g", "h i", "é"};
  for (guint i = 0; i < n; i++) {
    guint depth = (guint)g_rand_int_range(r, 0, 8);
    const char *frames[8];
    for (guint j = 0; j < depth; j++) {
      const char *nm = names[g_rand_int_range(r, 0, G_N_ELEMENTS(names))];
      frames[j] = fk_tree_intern(t, nm, strlen(nm));
    }
    FkWeight w = fk_weight_int(g_rand_int_range(r, 0, 1000));
    if (g_rand_boolean(r)) {
      w.decimals = (guint8)g_rand_int_range(r, 0, 3);
    }
    g_assert_true(fk_tree_add_stack(t, frames, depth, &w, NULL));
  }
}

static FkTree *
random_tree(GRand *r, FkInterner *strings, guint n)
{
  FkTree *t = fk_tree_new(strings, FK_TREE_DEFAULT);
  add_random(t, r, n);
  fk_tree_finish(t);
  return t;
}

static char *
dump_from(const FkTree *t, FkNodeId from)
{
  GString *s = g_string_new(NULL);
  g_assert_true(fk_tree_walk_from(t, from, FK_ORDER_NAME, collect_line, s));
  return g_string_free(s, FALSE);
}

/* A walk from a node is that node's part of the whole walk, with whole
 * paths: the walks from the root's children, one after the other, are the
 * whole walk, and so are a node's own line and the walks from its children. */
static void
test_walk_from(void)
{
  g_autoptr(GRand) r = g_rand_new_with_seed(g_test_rand_int());
  g_autoptr(GArray) kids = g_array_new(FALSE, FALSE, sizeof(FkNodeId));
  for (int round = 0; round < 50; round++) {
    g_autoptr(FkTree) t = random_tree(r, NULL, (guint)g_rand_int_range(r, 1, 300));
    g_autofree char *whole = dump(t);
    g_autofree char *root = dump_from(t, FK_ROOT);
    g_assert_cmpstr(root, ==, whole);
    for (int k = 0; k < 20; k++) {
      FkNodeId x = k == 0 ? FK_ROOT : (FkNodeId)g_rand_int_range(r, 1, (gint32)fk_tree_size(t));
      g_autofree char *want = dump_from(t, x);
      GString *got = g_string_new(NULL);
      if (x != FK_ROOT) {
        g_autoptr(GPtrArray) path = g_ptr_array_new();
        fk_tree_path(t, x, path);
        collect_line(t, x, (const char *const *)path->pdata, path->len, got);
      }
      fk_tree_children(t, x, FK_ORDER_NAME, kids);
      for (guint i = 0; i < kids->len; i++) {
        g_autofree char *part = dump_from(t, g_array_index(kids, FkNodeId, i));
        g_string_append(got, part);
      }
      g_assert_cmpstr(got->str, ==, want);
      g_assert_nonnull(strstr(whole, want));
      g_string_free(got, TRUE);
    }
  }
}

/* A reset tree collects as a new one does, whatever it held before. */
static void
test_reset(void)
{
  g_autoptr(GRand) r = g_rand_new_with_seed(g_test_rand_int());
  g_autoptr(FkTree) t = fk_tree_new(NULL, FK_TREE_DEFAULT);
  for (int round = 0; round < 200; round++) {
    guint32 seed = g_rand_int(r);
    guint n = (guint)g_rand_int_range(r, 0, round % 10 == 0 ? 3000 : 40);
    g_autoptr(GRand) r1 = g_rand_new_with_seed(seed);
    g_autoptr(GRand) r2 = g_rand_new_with_seed(seed);
    g_assert_true(fk_tree_reset(t));
    g_assert_cmpuint(fk_tree_size(t), ==, 1);
    g_assert_cmpint(fk_tree_total(t, 0), ==, 0);
    add_random(t, r1, n);
    fk_tree_finish(t);
    g_autoptr(FkTree) fresh = random_tree(r2, NULL, n);
    g_assert_true(fk_tree_equal(t, fresh));
    g_autofree char *dt = dump(t);
    g_autofree char *df = dump(fresh);
    g_assert_cmpstr(dt, ==, df);
    g_assert_cmpuint(fk_tree_decimals(t), ==, fk_tree_decimals(fresh));
    g_assert_cmpuint(fk_tree_size(t), ==, fk_tree_size(fresh));
  }
  /* A tree whose interner others hold is not emptied. */
  g_autoptr(FkInterner) shared = fk_interner_new();
  g_autoptr(FkTree) u = fk_tree_new(shared, FK_TREE_DEFAULT);
  add(u, "a;b", 1);
  g_assert_false(fk_tree_reset(u));
  g_assert_cmpint(fk_tree_total(u, 0), ==, 1);
}

/* Comparing looks names up: a tree compared with one holding names it never
 * saw keeps its interner as it was (trees share interners, and a compare is
 * a read). */
static void
test_equal_lookup_only(void)
{
  g_autoptr(FkInterner) sa = fk_interner_new();
  g_autoptr(FkInterner) sb = fk_interner_new();
  /* equal weights down to the names the other lacks, so that the compare
   * reaches them */
  const char *la[] = {"main;run 2", "main;never_in_b 2"};
  const char *lb[] = {"main;run 2", "main;never_in_a 2"};
  g_autoptr(FkTree) a = tree_of_lines(sa, la, 2);
  g_autoptr(FkTree) b = tree_of_lines(sb, lb, 2);
  gsize na = fk_interner_count(sa), nb = fk_interner_count(sb);
  g_assert_false(fk_tree_equal(a, b));
  g_assert_false(fk_tree_equal(b, a));
  g_assert_cmpuint(fk_interner_count(sa), ==, na);
  g_assert_cmpuint(fk_interner_count(sb), ==, nb);
  g_assert_null(fk_interner_lookup0(sb, "never_in_b"));
  /* equal trees in other interners still compare equal */
  g_autoptr(FkInterner) sc = fk_interner_new();
  g_autoptr(FkTree) c = tree_of_lines(sc, la, 2);
  g_assert_true(fk_tree_equal(a, c));
  g_assert_true(fk_tree_equal(c, a));
  g_assert_cmpuint(fk_interner_count(sc), ==, na);
}

/* A lookup finds what was interned, by content and length (bytes that are
 * not NUL-terminated too), and never adds. */
static void
test_interner_lookup(void)
{
  g_autoptr(FkInterner) s = fk_interner_new();
  g_assert_null(fk_interner_lookup(s, "a", 1));
  g_assert_null(fk_interner_lookup0(s, NULL));
  g_assert_cmpuint(fk_interner_count(s), ==, 0);
  /* enough names to grow the table several times */
  for (guint i = 0; i < 5000; i++) {
    char b[32];
    g_snprintf(b, sizeof b, "fn_%u", i);
    fk_interner_intern0(s, b);
  }
  const char *e = fk_interner_intern(s, "", 0);
  g_assert_cmpuint(fk_interner_count(s), ==, 5001);
  for (guint i = 0; i < 5000; i++) {
    char b[32];
    g_snprintf(b, sizeof b, "fn_%u", i);
    const char *p = fk_interner_lookup0(s, b);
    g_assert_nonnull(p);
    g_assert_true(p == fk_interner_intern0(s, b));
    g_snprintf(b, sizeof b, "gn_%u", i);
    g_assert_null(fk_interner_lookup0(s, b));
  }
  g_assert_true(fk_interner_lookup(s, "", 0) == e);
  g_assert_true(fk_interner_lookup(s, "fn_12xyz", 5) == fk_interner_lookup0(s, "fn_12"));
  g_assert_null(fk_interner_lookup(s, "fn_1", 3)); /* "fn_": a prefix, not a name */
  g_assert_cmpuint(fk_interner_count(s), ==, 5001);
}

static void
test_merge_properties(void)
{
  g_autoptr(GRand) r = g_rand_new_with_seed(g_test_rand_int());
  for (int round = 0; round < 200; round++) {
    /* Different interners on purpose: merge must re-intern. */
    g_autoptr(FkInterner) s1 = fk_interner_new();
    g_autoptr(FkInterner) s2 = fk_interner_new();
    g_autoptr(FkTree) a = random_tree(r, s1, (guint)g_rand_int_range(r, 0, 40));
    g_autoptr(FkTree) b = random_tree(r, s2, (guint)g_rand_int_range(r, 0, 40));
    g_autoptr(FkTree) c = random_tree(r, s1, (guint)g_rand_int_range(r, 0, 40));
    FkTree *ab_[] = {a, b}, *ba_[] = {b, a};
    g_autoptr(FkTree) ab = fk_tree_merge(ab_, 2, NULL);
    g_autoptr(FkTree) ba = fk_tree_merge(ba_, 2, NULL);
    g_assert_true(fk_tree_equal(ab, ba)); /* commutative */
    FkTree *ab_c_[] = {ab, c};
    g_autoptr(FkTree) ab_c = fk_tree_merge(ab_c_, 2, NULL);
    FkTree *bc_[] = {b, c};
    g_autoptr(FkTree) bc = fk_tree_merge(bc_, 2, NULL);
    FkTree *a_bc_[] = {a, bc};
    g_autoptr(FkTree) a_bc = fk_tree_merge(a_bc_, 2, NULL);
    g_assert_true(fk_tree_equal(ab_c, a_bc)); /* associative */
    /* conserves weight: compare at the common scale */
    guint d = fk_tree_decimals(ab_c);
    gint64 sum = fk_tree_total(a, 0) * fk_pow10(d - fk_tree_decimals(a)) +
                 fk_tree_total(b, 0) * fk_pow10(d - fk_tree_decimals(b)) +
                 fk_tree_total(c, 0) * fk_pow10(d - fk_tree_decimals(c));
    g_assert_cmpint(fk_tree_total(ab_c, 0), ==, sum);
    /* every node's total is its self plus its children's totals */
    for (FkNodeId id = 0; id < fk_tree_size(ab_c); id++) {
      const FkNode *n = fk_tree_node(ab_c, id);
      gint64 t = fk_node_self(ab_c, id, 0);
      for (FkNodeId k = n->first_child; k != 0; k = fk_tree_node(ab_c, k)->next_sibling)
        t += fk_node_total(ab_c, k, 0);
      g_assert_cmpint(t, ==, fk_node_total(ab_c, id, 0));
    }
    /* merging with an empty tree changes nothing */
    g_autoptr(FkTree) e = fk_tree_new(NULL, FK_TREE_DEFAULT);
    fk_tree_finish(e);
    FkTree *ae_[] = {a, e};
    g_autoptr(FkTree) ae = fk_tree_merge(ae_, 2, NULL);
    g_assert_true(fk_tree_equal(ae, a));
  }
}

static void
test_equal_detects_difference(void)
{
  const char *a1[] = {"x;y 1"}, *a2[] = {"x;y 1", "y 1"};
  const char *b1[] = {"x;y 1"}, *b2[] = {"x;y 1", "x;z 0"}, *b3[] = {"x;y 1", "x;z 0", "x 1"};
  g_autoptr(FkTree) a = tree_of_lines(NULL, a1, 1);
  g_autoptr(FkTree) aa = tree_of_lines(NULL, a2, 2);
  g_autoptr(FkTree) b = tree_of_lines(NULL, b1, 1);
  g_autoptr(FkTree) bb = tree_of_lines(NULL, b2, 2);
  g_autoptr(FkTree) bbb = tree_of_lines(NULL, b3, 3);
  g_assert_true(fk_tree_equal(a, b));
  g_assert_true(fk_tree_equal(a, bb)); /* a zero-weight node does not count */
  g_assert_false(fk_tree_equal(a, bbb));
  g_assert_false(fk_tree_equal(aa, bbb));
}

/* Many distinct stacks (gen-folded's SHARE=2 shape): chains of random frames, where most
 * nodes have one child. The tree must find every node again whether its
 * parent has one child or hundreds (the child index takes over past a few),
 * and must not pay an index slot per node: at most 80 bytes per node, nodes
 * (64) included. */
static void
test_distinct_stacks(void)
{
  g_autoptr(FkTree) t = fk_tree_new(NULL, FK_TREE_DEFAULT);
  const char *names[300];
  for (guint i = 0; i < G_N_ELEMENTS(names); i++) {
    char b[32];
    g_snprintf(b, sizeof b, "mod%u::func_%u", i % 7, i);
    names[i] = fk_tree_intern(t, b, strlen(b));
  }
  GRand *r = g_rand_new_with_seed(18);
  enum { STACKS = 20000, DEPTH = 20 };
  const char **frames = g_new(const char *, (gsize)STACKS *DEPTH);
  FkWeight one = fk_weight_int(1);
  for (guint s = 0; s < STACKS; s++) {
    const char **f = frames + (gsize)s * DEPTH;
    for (guint d = 0; d < DEPTH; d++)
      f[d] = names[g_rand_int_range(r, 0, G_N_ELEMENTS(names))];
    g_assert_true(fk_tree_add_stack(t, f, DEPTH, &one, NULL));
  }
  gsize nodes = fk_tree_size(t);
  g_assert_cmpuint(nodes, >, (gsize)STACKS * (DEPTH - 3));
  g_assert_cmpuint(fk_tree_bytes(t) / nodes, <=, 80);
  /* every stack again, walked frame by frame: the same leaf, weight 2 */
  g_autofree FkNodeId *leaf = g_new(FkNodeId, STACKS);
  for (guint s = 0; s < STACKS; s++) {
    const char **f = frames + (gsize)s * DEPTH;
    FkNodeId id = FK_ROOT;
    for (guint d = 0; d < DEPTH; d++) {
      id = fk_tree_find_child(t, id, f[d]);
      g_assert_cmpuint(id, !=, 0);
      g_assert_true(fk_tree_node_name(t, id) == f[d]);
    }
    leaf[s] = id;
    g_assert_true(fk_tree_add_stack(t, f, DEPTH, &one, NULL));
  }
  fk_tree_finish(t);
  for (guint s = 0; s < STACKS; s++)
    g_assert_cmpint(fk_node_self(t, leaf[s], 0), >=, 2);
  g_assert_cmpuint(fk_tree_size(t), ==, nodes);
  g_assert_cmpint(fk_tree_total(t, 0), ==, 2 * STACKS);
  /* the root has all 300 names as children, each found */
  for (guint i = 0; i < G_N_ELEMENTS(names); i++)
    g_assert_cmpuint(fk_tree_find_child(t, FK_ROOT, names[i]), !=, 0);
  g_assert_cmpuint(fk_tree_find_child(t, FK_ROOT, fk_tree_intern(t, "absent", 6)), ==, 0);
  /* a merged copy is equal */
  FkTree *one_tree[] = {t};
  g_autoptr(FkTree) m = fk_tree_merge(one_tree, 1, NULL);
  g_assert_true(fk_tree_equal(t, m));
  g_free(frames);
  g_rand_free(r);
}

/* Every node's total is its self plus its children's totals, per column. */
static void
assert_totals(const FkTree *t)
{
  for (FkNodeId id = 0; id < fk_tree_size(t); id++) {
    const FkNode *n = fk_tree_node(t, id);
    for (guint c = 0; c < FK_MAX_COLUMNS; c++) {
      gint64 sum = fk_node_self(t, id, c);
      for (FkNodeId k = n->first_child; k != 0; k = fk_tree_node(t, k)->next_sibling)
        sum += fk_node_total(t, k, c);
      g_assert_cmpint(sum, ==, fk_node_total(t, id, c));
    }
  }
}

/* The totals are summed once, by fk_tree_finish; before it only the root's
 * is read, after it nothing is added: reading a tree never writes it, and
 * reads between adds (a pass over the tree each) are refused, not slow. */
static void
test_finish(void)
{
  g_autoptr(GRand) r = g_rand_new_with_seed(g_test_rand_int());
  for (int round = 0; round < 100; round++) {
    g_autoptr(FkTree) t = fk_tree_new(NULL, FK_TREE_DEFAULT);
    add_random(t, r, (guint)g_rand_int_range(r, 1, 60));
    FkWeight two = {{3, 4}, 2, 0};
    const char *f[] = {fk_tree_intern(t, "main", 4), fk_tree_intern(t, "b", 1)};
    if (round % 2)
      g_assert_true(fk_tree_add_stack(t, f, 2, &two, NULL));
    gint64 root[FK_MAX_COLUMNS] = {fk_tree_total(t, 0), fk_tree_total(t, 1)};
    fk_tree_finish(t);
    assert_totals(t);
    g_assert_cmpint(fk_tree_total(t, 0), ==, root[0]);
    g_assert_cmpint(fk_tree_total(t, 1), ==, root[1]);
    g_autofree char *once = dump(t);
    fk_tree_finish(t); /* idempotent */
    g_autofree char *twice = dump(t);
    g_assert_cmpstr(once, ==, twice);
    assert_totals(t);
  }

  /* A tree being built: names and the root's total read, weights do not. */
  g_autoptr(FkTree) t = fk_tree_new(NULL, FK_TREE_DEFAULT);
  add(t, "a;b", 2);
  add(t, "a;c", 3);
  FkNodeId a = fk_tree_find_child(t, FK_ROOT, fk_tree_intern(t, "a", 1));
  g_assert_cmpstr(fk_tree_node_name(t, a), ==, "a");
  g_assert_cmpint(fk_tree_total(t, 0), ==, 5);
  g_test_expect_message(NULL, G_LOG_LEVEL_CRITICAL, "*fk_tree_node*finished*");
  g_assert_null(fk_tree_node(t, a));
  g_test_assert_expected_messages();
  g_autoptr(GArray) kids = g_array_new(FALSE, FALSE, sizeof(FkNodeId));
  g_test_expect_message(NULL, G_LOG_LEVEL_CRITICAL, "*fk_tree_children*finished*");
  fk_tree_children(t, a, FK_ORDER_WIDTH, kids);
  g_test_assert_expected_messages();
  fk_tree_children(t, a, FK_ORDER_NAME, kids); /* no weights read */
  g_assert_cmpuint(kids->len, ==, 2);
  g_test_expect_message(NULL, G_LOG_LEVEL_CRITICAL, "*fk_tree_equal*finished*");
  g_assert_false(fk_tree_equal(t, t));
  g_test_assert_expected_messages();

  /* Finished: read, and nothing more is added. */
  fk_tree_finish(t);
  g_assert_cmpint(fk_node_total(t, a, 0), ==, 5);
  g_assert_true(fk_tree_equal(t, t));
  const char *d[] = {fk_tree_intern(t, "a", 1), fk_tree_intern(t, "d", 1)};
  FkWeight one = fk_weight_int(1);
  g_test_expect_message(NULL, G_LOG_LEVEL_CRITICAL, "*finished*");
  g_assert_false(fk_tree_add_stack(t, d, 2, &one, NULL));
  g_test_assert_expected_messages();
  g_test_expect_message(NULL, G_LOG_LEVEL_CRITICAL, "*finished*");
  g_assert_false(fk_tree_add(t, FK_ROOT, &one, NULL));
  g_test_assert_expected_messages();
  g_test_expect_message(NULL, G_LOG_LEVEL_CRITICAL, "*finished*");
  g_assert_false(fk_tree_merge_into(t, t, NULL));
  g_test_assert_expected_messages();
  g_assert_cmpuint(fk_tree_size(t), ==, 4);
  g_assert_cmpint(fk_tree_total(t, 0), ==, 5);
  g_assert_cmpint(fk_node_total(t, a, 0), ==, 5);
  /* what hands a tree out finishes it */
  FkTree *ts[] = {t};
  g_autoptr(FkTree) m = fk_tree_merge(ts, 1, NULL);
  g_assert_cmpint(fk_node_total(m, fk_tree_find_child(m, FK_ROOT, d[0]), 0), ==, 5);
  g_clear_pointer(&m, fk_tree_free); /* its interner is T's */
  /* a reset tree is built again */
  g_assert_true(fk_tree_reset(t));
  add(t, "x", 1);
  fk_tree_finish(t);
  g_assert_cmpint(fk_node_total(t, FK_ROOT, 0), ==, 1);
}

/* Every node is found again under its parent, and parents come first: the
 * child index and the order survived whatever moved the nodes. */
static void
assert_findable(const FkTree *t)
{
  for (FkNodeId id = 1; id < fk_tree_size(t); id++) {
    const FkNode *n = fk_tree_node(t, id);
    g_assert_cmpuint(n->parent, <, id);
    g_assert_cmpuint(n->depth, ==, fk_tree_node(t, n->parent)->depth + 1);
    g_assert_cmpuint(fk_tree_find_child(t, n->parent, n->name), ==, id);
  }
  g_assert_cmpstr(fk_tree_node_name(t, FK_ROOT), ==, "");
}

/* fk_tree_lift is the tree without its one top frame: what `diff` made with a
 * copy (fk_tree_split) before, on random trees with a wide node (the child
 * index) and the group's own weight (an empty stack of the input). */
static void
test_lift(void)
{
  g_autoptr(GRand) r = g_rand_new_with_seed(g_test_rand_int());
  for (int round = 0; round < 50; round++) {
    g_autoptr(FkTree) want = fk_tree_new(NULL, FK_TREE_DEFAULT);
    g_autoptr(FkTree) got = fk_tree_new(NULL, FK_TREE_DEFAULT);
    const char *group = fk_tree_intern(got, "[file=x]", 8);
    for (guint i = 0; i < 40; i++) {
      guint depth = (guint)g_rand_int_range(r, 0, 6);
      char stack[128] = "main";
      for (guint d = 0; d < depth; d++)
        g_strlcat(stack, g_rand_boolean(r) ? ";a" : (d == 0 ? ";w" : ";b"), sizeof stack);
      if (depth > 0 && stack[5] == 'w') /* main;w has up to 40 children */
        g_snprintf(stack + 6, sizeof stack - 6, "%u", i);
      gint64 w = g_rand_int_range(r, 1, 100);
      add(want, stack, w);
      g_autofree char *grouped = g_strconcat("[file=x];", stack, NULL);
      add(got, grouped, w);
    }
    FkWeight own = fk_weight_int(7);
    g_assert_true(fk_tree_add_stack(got, &group, 1, &own, NULL));
    g_assert_true(fk_tree_add(want, FK_ROOT, &own, NULL));
    fk_tree_finish(want);
    fk_tree_finish(got);
    gsize before = fk_tree_size(got);
    g_assert_true(fk_tree_lift(got));
    g_assert_cmpuint(fk_tree_size(got), ==, before - 1);
    g_assert_true(fk_tree_equal(got, want));
    g_autofree char *a = dump(got), *b = dump(want);
    g_assert_cmpstr(a, ==, b);
    assert_totals(got);
    assert_findable(got);
    /* built again (diff's AFTER is): a known frame is found, not added */
    g_assert_true(fk_tree_to_second_column(got, 0, NULL));
    const char *mainf = fk_tree_intern(got, "main", 4), *wf = fk_tree_intern(got, "w3", 2);
    FkNodeId m = fk_tree_child(got, FK_ROOT, mainf, NULL);
    gsize size = fk_tree_size(got);
    fk_tree_child(got, m, wf, NULL);
    if (fk_tree_find_child(want, fk_tree_find_child(want, FK_ROOT, mainf), wf) != 0)
      g_assert_cmpuint(fk_tree_size(got), ==, size);
    fk_tree_finish(got);
  }
  /* two frames under the root: nothing to lift, nothing changed */
  const char *lines[] = {"a;b 1", "c 2"};
  g_autoptr(FkTree) two = tree_of_lines(NULL, lines, 2);
  g_autofree char *was = dump(two);
  g_assert_false(fk_tree_lift(two));
  g_autofree char *is = dump(two);
  g_assert_cmpstr(is, ==, was);
}

typedef struct {
  FkNodeId next;
  /* seen[id]: node ID was seen; made before the drain, so that nothing the
   * test holds grows while the drain's freeing is measured (a hash table
   * of the nodes seen doubled in the middle of it) */
  guint8 *seen;
  gint64 weight;
  gsize full, least; /* bytes resident before the drain, least while it ran */
  FkNodeId stop;
} Drain;

/* Bytes of this process's memory resident (0 when /proc cannot say): the
 * tree's chunks are mapped, so what a drain frees leaves at once. */
static gsize
resident(void)
{
  FILE *f = fopen("/proc/self/statm", "r");
  unsigned long size = 0, res = 0;
  if (f == NULL)
    return 0;
  if (fscanf(f, "%lu %lu", &size, &res) != 2)
    res = 0;
  fclose(f);
  return (gsize)res * (gsize)sysconf(_SC_PAGESIZE);
}

static gboolean
drain_one(const FkTree *tree, FkNodeId id, const FkNode *n, const FkWeights *w, gpointer data)
{
  (void)tree;
  Drain *d = data;
  g_assert_cmpuint(id, ==, d->next);
  d->next++;
  if (id != FK_ROOT)
    g_assert_true(d->seen[n->parent]);
  d->seen[id] = 1;
  g_assert_nonnull(n->name); /* the names live to the end */
  g_assert_cmpuint(strlen(n->name), <, 16);
  d->weight += w[0].self;
  if ((id & 1023) == 0)
    d->least = MIN(d->least, resident());
  return id != d->stop;
}

/* fk_tree_drain visits every node once, parents first, and frees the nodes
 * it has passed: the peak of moving a tree into another is their union. */
static void
test_drain(void)
{
  g_autoptr(GRand) r = g_rand_new_with_seed(g_test_rand_int());
  FkTree *t = fk_tree_new(NULL, FK_TREE_DEFAULT);
  const char *names[64];
  for (guint i = 0; i < G_N_ELEMENTS(names); i++) {
    char b[16];
    g_snprintf(b, sizeof b, "f%u", i);
    names[i] = fk_tree_intern(t, b, strlen(b));
  }
  const char *frames[30];
  for (guint s = 0; s < 12000; s++) {
    for (guint k = 0; k < G_N_ELEMENTS(frames); k++)
      frames[k] = names[g_rand_int_range(r, 0, G_N_ELEMENTS(names))];
    FkWeight w = fk_weight_int(g_rand_int_range(r, 1, 10));
    g_assert_true(fk_tree_add_stack(t, frames, G_N_ELEMENTS(frames), &w, NULL));
  }
  fk_tree_finish(t);
  gsize nodes = fk_tree_size(t);
  g_assert_cmpuint(nodes, >, 300000); /* more than four chunks of nodes */
  gint64 total = fk_tree_total(t, 0);
  g_autofree guint8 *seen = g_new0(guint8, nodes);
  Drain d = {0, seen, 0, resident(), G_MAXSIZE, G_MAXUINT32};
  d.least = d.full;
  g_assert_true(fk_tree_drain(t, drain_one, &d));
  g_assert_cmpuint(d.next, ==, nodes);
  g_assert_cmpint(d.weight, ==, total);
  /* The nodes passed were given back before the last one was seen: at
   * least three of the five chunks. */
  gsize node_bytes = nodes * sizeof(FkNode);
  if (d.full > node_bytes)
    g_assert_cmpuint(d.full - d.least, >=, 3 * (node_bytes / 5));
  else
    g_test_message("no resident memory figure: the freeing is not measured");
  memset(seen, 0, nodes);
  /* stopping early frees the tree all the same (the sanitizers see leaks) */
  const char *lines[] = {"a;b 1", "a;c 2", "d 3"};
  Drain early = {0, d.seen, 0, 0, 0, 2};
  g_assert_false(fk_tree_drain(tree_of_lines(NULL, lines, 3), drain_one, &early));
  g_assert_cmpuint(early.next, ==, 3);
}

/* Children by name are in strcmp order whatever the names share: the sort
 * compares the first 16 bytes as numbers, then the rest. Names here share
 * prefixes of 0 to 24 bytes, end inside or past the 16, and have bytes
 * above 0x7f. */
/* The children of the root's child TOP of T (finished) in name order,
 * checked to be strictly increasing by strcmp. */
static GArray *
children_by_name(const FkTree *t, const char *top)
{
  FkNodeId p = fk_tree_find_child(t, FK_ROOT, top);
  GArray *kids = g_array_new(FALSE, FALSE, sizeof(FkNodeId));
  fk_tree_children(t, p, FK_ORDER_NAME, kids);
  for (guint i = 1; i < kids->len; i++)
    g_assert_cmpint(strcmp(fk_tree_node_name(t, g_array_index(kids, FkNodeId, i - 1)),
                           fk_tree_node_name(t, g_array_index(kids, FkNodeId, i))),
                    <, 0);
  return kids;
}

static void
test_children_by_name(void)
{
  g_autoptr(GRand) r = g_rand_new_with_seed(g_test_rand_int());
  static const char *const stems[] = {"",
                                      "a",
                                      "leaf_",
                                      "abcdefgh",
                                      "abcdefghijklmno",
                                      "abcdefghijklmnop",
                                      "abcdefghijklmnopqrstuvwx",
                                      "\xc3\xa9t"};
  for (int round = 0; round < 20; round++) {
    g_autoptr(FkTree) t = fk_tree_new(NULL, FK_TREE_DEFAULT);
    const char *top = fk_tree_intern(t, "top", 3);
    guint n = (guint)g_rand_int_range(r, 1, 400);
    for (guint i = 0; i < n; i++) {
      char b[64];
      const char *stem = stems[g_rand_int_range(r, 0, G_N_ELEMENTS(stems))];
      gsize len = (gsize)g_snprintf(b, sizeof b, "%s", stem);
      guint tail = (guint)g_rand_int_range(r, 0, 4);
      for (guint k = 0; k < tail; k++)
        b[len++] = (char)g_rand_int_range(r, 1, 256);
      b[len] = '\0';
      if (len == 0)
        continue;
      const char *f[] = {top, fk_tree_intern(t, b, len)};
      FkWeight one = fk_weight_int(1);
      g_assert_true(fk_tree_add_stack(t, f, 2, &one, NULL));
    }
    fk_tree_finish(t);
    g_autoptr(GArray) kids = children_by_name(t, top);
    /* the walk's order is the same */
    g_autofree char *walked = dump(t);
    GString *want = g_string_new(NULL);
    for (guint i = 0; i < kids->len; i++) {
      FkNodeId c = g_array_index(kids, FkNodeId, i);
      g_string_append_printf(want, "top;%s %" G_GINT64_FORMAT "\n", fk_tree_node_name(t, c),
                             fk_node_self(t, c, 0));
    }
    g_autofree char *wanted = g_string_free(want, FALSE);
    g_assert_cmpstr(walked, ==, wanted);
  }
}

/* Children sorted by name whatever order they came in: sorted, reversed,
 * organ pipe, all sharing their first 16 bytes or not, and many of them (the
 * sort partitions past 16 and falls back on a merge sort past its depth). */
static void
test_children_by_name_orders(void)
{
  for (guint pattern = 0; pattern < 4; pattern++)
    for (guint shared = 0; shared < 2; shared++) {
      g_autoptr(FkTree) t = fk_tree_new(NULL, FK_TREE_DEFAULT);
      const char *top = fk_tree_intern(t, "top", 3);
      const guint n = 5000;
      for (guint i = 0; i < n; i++) {
        guint k = pattern == 0   ? i
                  : pattern == 1 ? n - 1 - i
                  : pattern == 2 ? (i % 2 ? i : n - i)
                                 : (i * 7919u) % n;
        char b[64];
        gsize len = (gsize)g_snprintf(b, sizeof b, "%s%06u", shared ? "common_prefix_of_" : "", k);
        const char *f[] = {top, fk_tree_intern(t, b, len)};
        FkWeight one = fk_weight_int(1);
        g_assert_true(fk_tree_add_stack(t, f, 2, &one, NULL));
      }
      fk_tree_finish(t);
      g_autoptr(GArray) kids = children_by_name(t, top);
      g_assert_cmpuint(kids->len, ==, fk_tree_size(t) - 2);
    }
}

/* Weights through the accessors (issue 18): a one-column tree has no second
 * column (it reads zero, and costs nothing), fk_node_weights gives both. */
static void
test_weights_accessors(void)
{
  g_autoptr(FkTree) t = fk_tree_new(NULL, FK_TREE_DEFAULT);
  add(t, "a;b", 3);
  add(t, "a", 2);
  add(t, "c", 5);
  gsize one = fk_tree_bytes(t);
  fk_tree_finish(t);
  FkNodeId a = fk_tree_find_child(t, FK_ROOT, fk_tree_intern(t, "a", 1));
  FkNodeId b = fk_tree_find_child(t, a, fk_tree_intern(t, "b", 1));
  g_assert_cmpint(fk_node_self(t, a, 0), ==, 2);
  g_assert_cmpint(fk_node_total(t, a, 0), ==, 5);
  FkWeights w = fk_node_weights(t, b, 0);
  g_assert_cmpint(w.self, ==, 3);
  g_assert_cmpint(w.total, ==, 3);
  g_assert_cmpint(fk_node_total(t, FK_ROOT, 0), ==, 10);
  g_assert_cmpint(fk_node_total(t, FK_ROOT, 0), ==, fk_tree_total(t, 0));
  for (FkNodeId id = 0; id < fk_tree_size(t); id++) {
    g_assert_cmpint(fk_node_self(t, id, 1), ==, 0);
    g_assert_cmpint(fk_node_total(t, id, 1), ==, 0);
  }
  /* a second column is made when a weight has two */
  FkWeight two = {{1, 4}, 2, 0};
  g_autoptr(FkTree) u = fk_tree_new(NULL, FK_TREE_DEFAULT);
  add(u, "a;b", 3);
  add(u, "a", 2);
  add(u, "c", 5);
  g_assert_true(fk_tree_add(u, FK_ROOT, &two, NULL));
  /* one number a node and column: the self weight, then the total */
  g_assert_cmpuint(fk_tree_bytes(u), ==, one + fk_tree_size(u) * sizeof(gint64));
  fk_tree_finish(u);
  g_assert_cmpint(fk_node_total(u, FK_ROOT, 0), ==, 11);
  g_assert_cmpint(fk_node_total(u, FK_ROOT, 1), ==, 4);
  g_assert_cmpint(fk_node_self(u, FK_ROOT, 1), ==, 4);
  g_assert_cmpint(fk_node_total(u, fk_tree_find_child(u, FK_ROOT, fk_tree_intern(u, "a", 1)), 1),
                  ==, 0);
}

/* A chain of N + 1 nodes under the root ("n0;n1;..."): node I + 1 is the
 * I-th frame, with self weight I + 1. Past FK_NODE_CHUNK nodes the weights
 * span more than one chunk of each column. */
static FkTree *
long_chain(gsize n)
{
  FkTree *t = fk_tree_new(NULL, FK_TREE_DEFAULT);
  FkNodeId at = FK_ROOT;
  for (gsize i = 0; i < n; i++) {
    char name[32];
    int len = g_snprintf(name, sizeof name, "n%" G_GSIZE_FORMAT, i);
    at = fk_tree_child(t, at, fk_tree_intern(t, name, (gsize)len), NULL);
    g_assert_cmpuint(at, ==, i + 1);
    FkWeight w = fk_weight_int((gint64)i + 1);
    g_assert_true(fk_tree_add(t, at, &w, NULL));
  }
  return t;
}

/* The column arrays grow past a chunk boundary: every node's weights, on
 * either side of it, are its own, and totals sum across it. */
static void
test_weights_past_chunk(void)
{
  const gsize n = FK_NODE_CHUNK + 300;
  g_autoptr(FkTree) t = long_chain(n);
  fk_tree_finish(t);
  gint64 below = 0;
  for (gsize i = n; i >= 1; i--) {
    below += (gint64)i;
    g_assert_cmpint(fk_node_self(t, (FkNodeId)i, 0), ==, (gint64)i);
    g_assert_cmpint(fk_node_total(t, (FkNodeId)i, 0), ==, below);
  }
  g_assert_cmpint(fk_tree_total(t, 0), ==, below);
}

/* fk_tree_to_second_column: a tree made differential keeps its first
 * column's weights, in the second, on every chunk; the first starts from
 * zero and takes new weights, new nodes included; its totals are summed by
 * the finish and the second column's stay right. */
static void
test_second_column(void)
{
  const gsize n = FK_NODE_CHUNK + 300;
  g_autoptr(FkTree) t = long_chain(n);
  fk_tree_finish(t);
  g_autofree gint64 *was = g_new(gint64, n + 1);
  for (gsize i = 0; i <= n; i++)
    was[i] = fk_node_total(t, (FkNodeId)i, 0);
  g_assert_true(fk_tree_to_second_column(t, 1, NULL));
  g_assert_cmpuint(fk_tree_columns(t), ==, 2);
  g_assert_cmpuint(fk_tree_decimals(t), ==, 1);
  /* the first column's new weights: node 1 and the last node, on the other
   * chunk, and a new node under the last */
  FkWeight one = fk_weight_int(7);
  g_assert_true(fk_tree_add(t, 1, &one, NULL));
  g_assert_true(fk_tree_add(t, (FkNodeId)n, &one, NULL));
  FkNodeId extra = fk_tree_child(t, (FkNodeId)n, fk_tree_intern(t, "new", 3), NULL);
  g_assert_cmpuint(extra, ==, n + 1);
  g_assert_true(fk_tree_add(t, extra, &one, NULL));
  fk_tree_finish(t);
  for (gsize i = 1; i <= n; i++) {
    g_assert_cmpint(fk_node_self(t, (FkNodeId)i, 1), ==, (gint64)i * 10);
    g_assert_cmpint(fk_node_total(t, (FkNodeId)i, 1), ==, was[i] * 10);
    gint64 self0 = i == 1 || i == n ? 70 : 0;
    g_assert_cmpint(fk_node_self(t, (FkNodeId)i, 0), ==, self0);
    g_assert_cmpint(fk_node_total(t, (FkNodeId)i, 0), ==, i == 1 ? 210 : 140);
  }
  g_assert_cmpint(fk_node_weights(t, extra, 0).total, ==, 70);
  g_assert_cmpint(fk_node_weights(t, extra, 1).total, ==, 0);
  g_assert_cmpint(fk_tree_total(t, 1), ==, was[0] * 10);
  g_assert_cmpint(fk_tree_total(t, 0), ==, 210);
}

/* A column holds totals once finished, and a self weight is the total less
 * the children's (issue 18): a tree made differential and built again
 * takes weights in its second column too, which keep every total of that
 * column right (the node's and its ancestors', new nodes included) and give
 * each node its own self weight back. */
static void
test_second_column_built_again(void)
{
  const gsize n = 10;
  g_autoptr(FkTree) t = long_chain(n);
  fk_tree_finish(t);
  g_assert_true(fk_tree_to_second_column(t, 0, NULL));
  FkWeight both = {{3, 100}, 2, 0};
  g_assert_true(fk_tree_add(t, 4, &both, NULL));
  FkNodeId side = fk_tree_child(t, 2, fk_tree_intern(t, "side", 4), NULL);
  g_assert_cmpuint(side, ==, n + 1);
  g_assert_true(fk_tree_add(t, side, &both, NULL));
  g_assert_true(fk_tree_add(t, FK_ROOT, &both, NULL));
  fk_tree_finish(t);
  gint64 below = 0;
  for (gsize i = n; i >= 1; i--) {
    below += (gint64)i;
    gint64 extra = (i == 4 ? 100 : 0), under = (i <= 4 ? 100 : 0) + (i <= 2 ? 100 : 0);
    g_assert_cmpint(fk_node_self(t, (FkNodeId)i, 1), ==, (gint64)i + extra);
    g_assert_cmpint(fk_node_total(t, (FkNodeId)i, 1), ==, below + under);
    g_assert_cmpint(fk_node_self(t, (FkNodeId)i, 0), ==, i == 4 ? 3 : 0);
    g_assert_cmpint(fk_node_total(t, (FkNodeId)i, 0), ==, (i <= 4 ? 3 : 0) + (i <= 2 ? 3 : 0));
  }
  g_assert_cmpint(fk_node_self(t, side, 1), ==, 100);
  g_assert_cmpint(fk_node_total(t, side, 1), ==, 100);
  g_assert_cmpint(fk_node_self(t, FK_ROOT, 1), ==, 100);
  g_assert_cmpint(fk_node_self(t, FK_ROOT, 0), ==, 3);
  g_assert_cmpint(fk_tree_total(t, 1), ==, below + 300);
  g_assert_cmpint(fk_tree_total(t, 0), ==, 9);
}

typedef struct {
  const FkTree *copy; /* the same tree, not drained */
  gsize seen;
} DrainWeights;

static gboolean
drain_weights(const FkTree *tree, FkNodeId id, const FkNode *n, const FkWeights *w, gpointer data)
{
  (void)tree;
  (void)n;
  DrainWeights *d = data;
  for (guint c = 0; c < FK_MAX_COLUMNS; c++) {
    g_assert_cmpint(w[c].self, ==, fk_node_self(d->copy, id, c));
    g_assert_cmpint(w[c].total, ==, fk_node_total(d->copy, id, c));
  }
  d->seen++;
  return TRUE;
}

/* Draining and merging pass the weights along, both columns, past a chunk
 * boundary; and a lift moves them with their nodes (the place it leaves
 * reads zero for a node made after it). */
static void
test_weights_drain_merge_lift(void)
{
  const gsize n = FK_NODE_CHUNK + 300;
  FkTree *t = long_chain(n);
  fk_tree_finish(t);
  g_assert_true(fk_tree_to_second_column(t, 0, NULL));
  FkWeight w = fk_weight_int(3);
  g_assert_true(fk_tree_add(t, (FkNodeId)n, &w, NULL));
  fk_tree_finish(t);
  FkTree *parts[] = {t};
  g_autoptr(FkTree) m = fk_tree_merge(parts, 1, NULL);
  g_assert_nonnull(m);
  g_assert_true(fk_tree_equal(t, m));
  g_assert_cmpuint(fk_tree_columns(m), ==, 2);
  g_assert_cmpint(fk_tree_total(m, 0), ==, 3);
  DrainWeights d = {m, 0};
  g_assert_true(fk_tree_drain(t, drain_weights, &d));
  g_assert_cmpuint(d.seen, ==, n + 1);

  /* the lift: node 1 becomes the root, node I node I - 1 */
  g_autoptr(FkTree) l = long_chain(n);
  fk_tree_finish(l);
  g_assert_true(fk_tree_lift(l));
  g_assert_cmpuint(fk_tree_size(l), ==, n);
  for (gsize i = 0; i < n; i++)
    g_assert_cmpint(fk_node_self(l, (FkNodeId)i, 0), ==, (gint64)i + 1);
  g_assert_true(fk_tree_to_second_column(l, 0, NULL));
  FkNodeId extra = fk_tree_child(l, (FkNodeId)(n - 1), fk_tree_intern(l, "new", 3), NULL);
  g_assert_cmpuint(extra, ==, n);
  fk_tree_finish(l);
  for (guint c = 0; c < FK_MAX_COLUMNS; c++) {
    g_assert_cmpint(fk_node_self(l, extra, c), ==, 0);
    g_assert_cmpint(fk_node_total(l, extra, c), ==, 0);
  }
  g_assert_cmpint(fk_node_total(l, (FkNodeId)(n - 1), 1), ==, (gint64)n);
}

/* Adds FRAMES[0];FRAMES[1];leaf_I, weight 1, for I below N. */
static void
add_leaves(FkTree *t, const char **frames, guint n)
{
  FkWeight one = fk_weight_int(1);
  for (guint i = 0; i < n; i++) {
    char name[32];
    gsize len = (gsize)g_snprintf(name, sizeof name, "leaf_%u", i);
    frames[2] = fk_tree_intern(t, name, len);
    g_assert_true(fk_tree_add_stack(t, frames, 3, &one, NULL));
  }
}

/* The self weight of a frame with many children is kept when its column is
 * summed, not walked from its children on every read: 20,000 reads of a
 * frame over 100,000 leaves were 2e9 sibling steps (many seconds), and are
 * a lookup each. The kept weights stay right through a rescale, an add to
 * the summed column of a tree built again and a lift. */
static void
test_self_of_wide_frame(void)
{
  const guint leaves = 100000, reads = 20000;
  FkTree *t = fk_tree_new(NULL, FK_TREE_DEFAULT);
  const char *frames[3] = {fk_tree_intern(t, "top", 3), fk_tree_intern(t, "wide", 4), NULL};
  FkWeight seven = fk_weight_int(7);
  g_assert_true(fk_tree_add_stack(t, frames, 2, &seven, NULL));
  add_leaves(t, frames, leaves);
  fk_tree_finish(t);
  FkNodeId wide = fk_tree_find_child(t, fk_tree_find_child(t, FK_ROOT, frames[0]), frames[1]);
  g_assert_cmpuint(wide, !=, 0);
  g_autoptr(GTimer) timer = g_timer_new();
  gint64 sum = 0;
  for (guint i = 0; i < reads; i++)
    sum += fk_node_self(t, wide, 0);
  g_assert_cmpint(sum, ==, (gint64)reads * 7);
  g_assert_cmpfloat(g_timer_elapsed(timer, NULL), <, 1.0);
  g_assert_cmpint(fk_node_total(t, wide, 0), ==, leaves + 7);

  /* a rescale scales the kept weight as every other */
  g_assert_true(fk_tree_to_second_column(t, 0, NULL));
  g_assert_cmpint(fk_node_self(t, wide, 1), ==, 7);
  FkWeight tenth = {{1, 0}, 1, 1}; /* 0.1 */
  g_assert_true(fk_tree_add_stack(t, frames, 2, &tenth, NULL));
  fk_tree_finish(t);
  g_assert_cmpint(fk_tree_decimals(t), ==, 1);
  g_assert_cmpint(fk_node_self(t, wide, 1), ==, 70);
  g_assert_cmpint(fk_node_self(t, wide, 0), ==, 1);

  /* built again over the summed column: an add to the wide frame itself */
  FkTree *b = fk_tree_new(NULL, FK_TREE_DEFAULT);
  const char *bf[3] = {fk_tree_intern(b, "top", 3), fk_tree_intern(b, "wide", 4), NULL};
  add_leaves(b, bf, 10);
  fk_tree_finish(b);
  FkNodeId bw = fk_tree_find_child(b, fk_tree_find_child(b, FK_ROOT, bf[0]), bf[1]);
  g_assert_cmpint(fk_node_self(b, bw, 0), ==, 0);
  FkWeight two = {{0, 2}, 2, 0}; /* after only: the summed column */
  g_assert_true(fk_tree_to_second_column(b, 0, NULL));
  g_assert_true(fk_tree_add_stack(b, bf, 2, &two, NULL));
  fk_tree_finish(b);
  g_assert_cmpint(fk_node_self(b, bw, 1), ==, 2);
  g_assert_cmpint(fk_node_total(b, bw, 1), ==, 12);
  /* lifted: "top" goes, "wide" is node 1 less, its self weight the same */
  g_assert_true(fk_tree_lift(b));
  FkNodeId lw = fk_tree_find_child(b, FK_ROOT, bf[1]);
  g_assert_cmpuint(lw, ==, bw - 1);
  g_assert_cmpint(fk_node_self(b, lw, 1), ==, 2);
  g_assert_cmpint(fk_node_self(b, fk_tree_find_child(b, lw, bf[2]), 1), ==, 1);
  fk_tree_free(b);
  fk_tree_free(t);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/stacktree/add", test_add);
  g_test_add_func("/stacktree/interner-lookup", test_interner_lookup);
  g_test_add_func("/stacktree/equal-lookup-only", test_equal_lookup_only);
  g_test_add_func("/stacktree/decimals", test_decimals);
  g_test_add_func("/stacktree/overflow", test_overflow);
  g_test_add_func("/stacktree/columns", test_columns);
  g_test_add_func("/stacktree/sequential", test_sequential);
  g_test_add_func("/stacktree/sequential-interrupted", test_sequential_interrupted);
  g_test_add_func("/stacktree/empty-and-deep", test_empty_stack_and_deep);
  g_test_add_func("/stacktree/merge-properties", test_merge_properties);
  g_test_add_func("/stacktree/equal", test_equal_detects_difference);
  g_test_add_func("/stacktree/reset", test_reset);
  g_test_add_func("/stacktree/walk-from", test_walk_from);
  g_test_add_func("/stacktree/distinct-stacks", test_distinct_stacks);
  g_test_add_func("/stacktree/finish", test_finish);
  g_test_add_func("/stacktree/lift", test_lift);
  g_test_add_func("/stacktree/drain", test_drain);
  g_test_add_func("/stacktree/weights-accessors", test_weights_accessors);
  g_test_add_func("/stacktree/weights-past-chunk", test_weights_past_chunk);
  g_test_add_func("/stacktree/second-column", test_second_column);
  g_test_add_func("/stacktree/second-column-built-again", test_second_column_built_again);
  g_test_add_func("/stacktree/weights-drain-merge-lift", test_weights_drain_merge_lift);
  g_test_add_func("/stacktree/children-by-name", test_children_by_name);
  g_test_add_func("/stacktree/children-by-name-orders", test_children_by_name_orders);
  g_test_add_func("/stacktree/self-of-wide-frame", test_self_of_wide_frame);
  return g_test_run();
}
