/* test-stacktree-weak.c -- the stack tree built with hashes weakened to a
 * few bits (FK_STACKTREE_WEAK_HASH), so that child index tags and whole-stack
 * cache hashes collide all the time: no collision may ever find a wrong
 * child or add to a wrong leaf. Checked against a model (a hash table of
 * folded lines) on random trees past 2^16 nodes (the node array's chunk),
 * with nodes of many children (indexed) and of few (sibling lists). Also the
 * layout's own rules: insertion order of children while built and once
 * finished, and memory per node. */
#define FK_STACKTREE_WEAK_HASH 1
#include "../../analyze/stacktree.c"

#include <stdio.h>

static gboolean
collect_line(const FkTree *tree, FkNodeId id, const char *const *path, gsize depth, gpointer data)
{
  if (fk_node_self(tree, id, 0) == 0)
    return TRUE;
  GPtrArray *lines = data;
  GString *s = g_string_new(NULL);
  for (gsize i = 0; i < depth; i++)
    g_string_append_printf(s, "%s%s", i ? ";" : "", path[i]);
  g_string_append_printf(s, " %" G_GINT64_FORMAT, fk_node_self(tree, id, 0));
  g_ptr_array_add(lines, g_string_free(s, FALSE));
  return TRUE;
}

static int
cmp_str(gconstpointer a, gconstpointer b)
{
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Adds random stacks to a tree and to a model, then compares them line by
 * line. Names come from a small pool at the top (nodes of many children,
 * found through the index) and a big one below (chains of one child). Every
 * stack is added twice or more, so the stack cache answers most adds. */
static void
test_model(void)
{
  g_autoptr(FkTree) t = fk_tree_new(NULL, FK_TREE_DEFAULT);
  g_autoptr(GHashTable) model = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  GRand *r = g_rand_new_with_seed(18);
  g_autoptr(GPtrArray) stacks = g_ptr_array_new_with_free_func(g_free);
  for (guint i = 0; i < 80000; i++) {
    GString *s = g_string_new(NULL);
    guint depth = (guint)g_rand_int_range(r, 1, 9);
    for (guint d = 0; d < depth; d++) {
      guint pool = d < 2 ? 40 : 3000;
      g_string_append_printf(s, "%sf%u_%u", d ? ";" : "", d,
                             (guint)g_rand_int_range(r, 0, (gint32)pool));
    }
    g_ptr_array_add(stacks, g_string_free(s, FALSE));
  }
  /* same depth, same leaf, other middle frames: what a weak hash confuses */
  for (guint i = 0; i < 2000; i++)
    g_ptr_array_add(stacks, g_strdup_printf("top;mid_%u;leaf", i));
  for (guint round = 0; round < 3; round++)
    for (guint i = 0; i < stacks->len; i++) {
      guint k = round == 0 ? i : (guint)g_rand_int_range(r, 0, (gint32)stacks->len);
      const char *stack = g_ptr_array_index(stacks, k);
      g_auto(GStrv) parts = g_strsplit(stack, ";", -1);
      guint n = g_strv_length(parts);
      g_autofree const char **frames = g_new(const char *, n);
      for (guint f = 0; f < n; f++)
        frames[f] = fk_tree_intern(t, parts[f], strlen(parts[f]));
      gint64 w = g_rand_int_range(r, 1, 100);
      FkWeight fw = fk_weight_int(w);
      fk_tree_coming(t, frames, n); /* a hint: the model says it changes nothing */
      fk_tree_coming(t, frames, 0);
      g_assert_true(fk_tree_add_stack(t, frames, n, &fw, NULL));
      gint64 *have = g_hash_table_lookup(model, stack);
      if (have == NULL) {
        have = g_new0(gint64, 1);
        g_hash_table_insert(model, g_strdup(stack), have);
      }
      *have += w;
    }
  g_rand_free(r);
  fk_tree_finish(t);
  g_assert_cmpuint(fk_tree_size(t), >, 2 * CHUNK_SIZE);
  g_assert_cmpuint(t->indexed, >, 1000); /* the index was used, and grew */

  g_autoptr(GPtrArray) got = g_ptr_array_new_with_free_func(g_free);
  fk_tree_walk(t, FK_ORDER_NAME, collect_line, got);
  g_autoptr(GPtrArray) want = g_ptr_array_new_with_free_func(g_free);
  GHashTableIter it;
  gpointer key, value;
  g_hash_table_iter_init(&it, model);
  while (g_hash_table_iter_next(&it, &key, &value))
    g_ptr_array_add(
        want, g_strdup_printf("%s %" G_GINT64_FORMAT, (const char *)key, *(const gint64 *)value));
  g_ptr_array_sort(want, cmp_str);
  g_ptr_array_sort(got, cmp_str);
  g_assert_cmpuint(got->len, ==, want->len);
  for (guint i = 0; i < got->len; i++)
    g_assert_cmpstr(g_ptr_array_index(got, i), ==, g_ptr_array_index(want, i));

  /* every node is found as its parent's child, by the index or the list */
  for (FkNodeId id = 1; id < fk_tree_size(t); id++) {
    const FkNode *n = fk_tree_node(t, id);
    g_assert_cmpuint(fk_tree_find_child(t, n->parent, n->name), ==, id);
  }
}

/* One node with 100,000 children (the index grows many times, tags collide)
 * and a chain past two chunks: found again, in insertion order. */
static void
test_wide_and_long(void)
{
  g_autoptr(FkTree) t = fk_tree_new(NULL, FK_TREE_DEFAULT);
  const guint wide = 100000, chain = 3 * CHUNK_SIZE;
  g_autofree FkNodeId *ids = g_new(FkNodeId, wide);
  for (guint i = 0; i < wide; i++) {
    char name[32];
    int len = snprintf(name, sizeof name, "c%u", (i * 7919u) % wide);
    ids[i] = fk_tree_child(t, FK_ROOT, fk_tree_intern(t, name, (gsize)len), NULL);
    g_assert_cmpuint(ids[i], ==, i + 1);
  }
  FkNodeId at = ids[0];
  for (guint i = 0; i < chain; i++)
    at = fk_tree_child(t, at, fk_tree_intern(t, "x", 1), NULL);
  FkWeight one = fk_weight_int(1);
  g_assert_true(fk_tree_add(t, at, &one, NULL));
  /* while built: found again, and listed in insertion order */
  for (guint i = 0; i < wide; i++)
    g_assert_cmpuint(fk_tree_find_child(t, FK_ROOT, fk_tree_node_name(t, ids[i])), ==, ids[i]);
  g_autoptr(GArray) kids = g_array_new(FALSE, FALSE, sizeof(FkNodeId));
  fk_tree_children(t, FK_ROOT, FK_ORDER_INSERTION, kids);
  g_assert_cmpuint(kids->len, ==, wide);
  for (guint i = 0; i < wide; i++)
    g_assert_cmpuint(g_array_index(kids, FkNodeId, i), ==, ids[i]);
  fk_tree_finish(t);
  g_assert_cmpuint(fk_tree_size(t), ==, 1 + wide + chain);
  g_assert_cmpint(fk_node_total(t, ids[0], 0), ==, 1);
  g_assert_cmpuint(fk_tree_node(t, at)->depth, ==, chain + 1);
  /* finished: the lists themselves are in insertion order */
  FkNodeId c = fk_tree_node(t, FK_ROOT)->first_child;
  for (guint i = 0; i < wide; i++, c = fk_tree_node(t, c)->next_sibling)
    g_assert_cmpuint(c, ==, ids[i]);
  g_assert_cmpuint(c, ==, 0);
  for (guint i = 0; i < wide; i++)
    g_assert_cmpuint(fk_tree_find_child(t, FK_ROOT, fk_tree_node_name(t, ids[i])), ==, ids[i]);
}

/* A finished tree opened again (fk_tree_to_second_column, as diff does):
 * new children go after the old ones, in the order they came. */
static void
test_reopen_order(void)
{
  g_autoptr(FkTree) t = fk_tree_new(NULL, FK_TREE_DEFAULT);
  const char *names[] = {"b", "a", "d", "c", "f", "e", "h", "g"};
  FkWeight one = fk_weight_int(1);
  for (guint i = 0; i < 6; i++)
    g_assert_true(fk_tree_add(t, fk_tree_child(t, FK_ROOT, fk_tree_intern(t, names[i], 1), NULL),
                              &one, NULL));
  fk_tree_finish(t);
  g_assert_true(fk_tree_to_second_column(t, 0, NULL));
  for (guint i = 4; i < 8; i++) /* two old, two new */
    g_assert_true(fk_tree_add(t, fk_tree_child(t, FK_ROOT, fk_tree_intern(t, names[i], 1), NULL),
                              &one, NULL));
  fk_tree_finish(t);
  g_autoptr(GArray) kids = g_array_new(FALSE, FALSE, sizeof(FkNodeId));
  fk_tree_children(t, FK_ROOT, FK_ORDER_INSERTION, kids);
  g_assert_cmpuint(kids->len, ==, 8);
  for (guint i = 0; i < 8; i++) {
    FkNodeId k = g_array_index(kids, FkNodeId, i);
    g_assert_cmpstr(fk_tree_node_name(t, k), ==, names[i]);
    g_assert_cmpint(fk_node_self(t, k, 0), ==, i >= 4);
    g_assert_cmpint(fk_node_self(t, k, 1), ==, i < 6);
  }
}

/* Memory per node of a wide profile (one frame with 200,000 leaves): the
 * node, its index slot at worst half full, and its name's interner slot. */
static void
test_bytes_per_node(void)
{
  /* the weights are the tree's, per column (issue 18) */
  g_assert_cmpuint(sizeof(FkNode), <=, 24);
  g_autoptr(FkTree) t = fk_tree_new(NULL, FK_TREE_DEFAULT);
  const guint n = 200000;
  FkNodeId top = fk_tree_child(t, FK_ROOT, fk_tree_intern(t, "main", 4), NULL);
  for (guint i = 0; i < n; i++) {
    char name[32];
    int len = snprintf(name, sizeof name, "leaf_%u", i);
    fk_tree_child(t, top, fk_tree_intern(t, name, (gsize)len), NULL);
  }
  fk_tree_finish(t);
  /* 24 bytes of node, 16 of one column's weights and at most 4 x 8 of
   * index (a table at a quarter to a half full): 64 + 64 before, 16-byte
   * slots; 56 + 32 with the weights in the node */
  g_assert_cmpuint(fk_tree_bytes(t) / n, <=, 24 + 16 + 32 + 1);
  /* 32-byte interner slots (2^19 of them, 2.6 a name) and the name (12
   * bytes): 95 bytes a name. A slot holds the name's first 16 bytes, so
   * that a short name is found without reading its copy (graph -q on wide
   * flat: 0.86x the wall, for a peak of 177 MiB instead of 145, inferno's
   * 198); 16-byte slots without them were 61, 24-byte ones 63. */
  g_assert_cmpuint(fk_interner_bytes(fk_tree_strings(t)) / n, <=, 3 * 32 + 13);
}

/* Adds the ';'-separated STACK with weight W. */
static void
add_line(FkTree *t, const char *stack, gint64 w)
{
  g_auto(GStrv) parts = g_strsplit(stack, ";", -1);
  guint n = g_strv_length(parts);
  g_autofree const char **frames = g_new(const char *, n);
  for (guint f = 0; f < n; f++)
    frames[f] = fk_tree_intern(t, parts[f], strlen(parts[f]));
  FkWeight fw = fk_weight_int(w);
  g_assert_true(fk_tree_add_stack(t, frames, n, &fw, NULL));
}

/* fk_tree_coming of the ';'-separated STACK. */
static void
coming_line(FkTree *t, const char *stack)
{
  g_auto(GStrv) parts = g_strsplit(stack, ";", -1);
  guint n = g_strv_length(parts);
  g_autofree const char **frames = g_new(const char *, n);
  for (guint f = 0; f < n; f++)
    frames[f] = fk_tree_intern(t, parts[f], strlen(parts[f]));
  fk_tree_coming(t, frames, n);
}

/* The self weight of the leaf of the ';'-separated STACK, or -1. */
static gint64
leaf_self(const FkTree *t, const char *stack)
{
  g_auto(GStrv) parts = g_strsplit(stack, ";", -1);
  FkNodeId at = FK_ROOT;
  for (guint f = 0; parts[f] != NULL; f++) {
    const char *name = fk_interner_lookup0(fk_tree_strings(t), parts[f]);
    at = name != NULL ? fk_tree_find_child(t, at, name) : 0;
    if (at == 0)
      return -1;
  }
  return fk_node_self(t, at, 0);
}

/* Stacks whose walks are short (a wide flat profile: the last stack's path
 * gives all but a frame or two) stop using the stack cache, and long walks
 * make it used again; a stack added twice either way reaches its leaf. */
static void
test_stack_skip(void)
{
  g_autoptr(FkTree) t = fk_tree_new(NULL, FK_TREE_DEFAULT);
  const guint wide = 4 * STACK_WINDOW;
  for (guint round = 0; round < 2; round++)
    for (guint i = 0; i < wide; i++) {
      g_autofree char *s = g_strdup_printf("main;w_%u;leaf_%u", i % 8, i);
      g_autofree char *next = g_strdup_printf("main;w_%u;leaf_%u", (i + 1) % 8, i + 1);
      coming_line(t, next); /* a hint: the leaves' weights say it changes nothing */
      add_line(t, s, 1 + round);
    }
  g_assert_true(t->stack_skip);
  /* long stacks that share only their first frame, each added twice */
  for (guint i = 0; i < 2 * STACK_WINDOW; i++) {
    GString *s = g_string_new("main");
    for (guint d = 0; d < 12; d++)
      g_string_append_printf(s, ";deep_%u_%u", i, d);
    add_line(t, s->str, 5);
    add_line(t, s->str, 5);
    g_string_free(s, TRUE);
  }
  g_assert_false(t->stack_skip);
  /* in use again: it holds a long stack's leaf */
  gboolean deep = FALSE;
  for (gsize k = 0; k <= t->stack_mask; k++)
    deep |= t->stack_cache[k].leaf != 0 && node_at(t, t->stack_cache[k].leaf)->depth == 13;
  g_assert_true(deep);
  fk_tree_finish(t);
  for (guint i = 0; i < wide; i += 997) {
    g_autofree char *s = g_strdup_printf("main;w_%u;leaf_%u", i % 8, i);
    g_assert_cmpint(leaf_self(t, s), ==, 3);
  }
  g_assert_cmpint(leaf_self(t, "main;deep_7_0;deep_7_1;deep_7_2;deep_7_3;deep_7_4;deep_7_5;"
                               "deep_7_6;deep_7_7;deep_7_8;deep_7_9;deep_7_10;deep_7_11"),
                  ==, 10);
  g_assert_cmpint(fk_tree_total(t, 0), ==, 3 * wide + 20 * STACK_WINDOW);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/stacktree-weak/model", test_model);
  g_test_add_func("/stacktree-weak/wide-and-long", test_wide_and_long);
  g_test_add_func("/stacktree-weak/reopen-order", test_reopen_order);
  g_test_add_func("/stacktree-weak/bytes-per-node", test_bytes_per_node);
  g_test_add_func("/stacktree-weak/stack-skip", test_stack_skip);
  return g_test_run();
}
