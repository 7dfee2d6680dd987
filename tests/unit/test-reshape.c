/* test-reshape.c -- reverse and rebase: weights conserved, stacks moved as
 * documented, on hand-made and random trees. */
#include "../../analyze/reshape.h"

#include <string.h>

/* Adds "a;b;c" with COUNT (and AFTER as a second column when >= 0). */
static void
add(FkTree *t, const char *stack, gint64 count, gint64 after)
{
  g_auto(GStrv) parts = g_strsplit(stack, ";", -1);
  guint n = g_strv_length(parts);
  const char **frames = g_new(const char *, n + 1);
  for (guint i = 0; i < n; i++)
    frames[i] = fk_tree_intern(t, parts[i], strlen(parts[i]));
  FkWeight w = fk_weight_int(count);
  if (after >= 0) {
    w.columns = 2;
    w.v[1] = after;
  }
  g_assert_true(fk_tree_add_stack(t, frames, stack[0] ? n : 0, &w, NULL));
  g_free(frames);
}

/* The self weight of the node at STACK, or -1 when absent. */
static gint64
self_at(const FkTree *t, const char *stack, guint col)
{
  g_auto(GStrv) parts = g_strsplit(stack, ";", -1);
  FkNodeId id = FK_ROOT;
  for (guint i = 0; parts[i]; i++) {
    const char *name = fk_interner_lookup0(fk_tree_strings(t), parts[i]);
    id = name != NULL ? fk_tree_find_child(t, id, name) : 0;
    if (id == 0)
      return -1;
  }
  return fk_node_self(t, id, col);
}

static FkTree *
random_tree(GRand *r, gboolean two)
{
  static const char *const names[] = {"a", "b", "c", "d", "main", "x"};
  FkTree *t = fk_tree_new(NULL, FK_TREE_DEFAULT);
  guint stacks = g_rand_int_range(r, 1, 40);
  for (guint s = 0; s < stacks; s++) {
    guint depth = g_rand_int_range(r, 1, 8);
    GString *st = g_string_new(NULL);
    for (guint d = 0; d < depth; d++)
      g_string_append_printf(st, "%s%s", d ? ";" : "", names[g_rand_int_range(r, 0, 6)]);
    add(t, st->str, g_rand_int_range(r, 0, 1000), two ? g_rand_int_range(r, 0, 1000) : -1);
    g_string_free(st, TRUE);
  }
  fk_tree_finish(t);
  return t;
}

static void
test_reverse_simple(void)
{
  g_autoptr(FkTree) t = fk_tree_new(NULL, FK_TREE_DEFAULT);
  add(t, "main;f;g", 3, -1);
  add(t, "main;f", 2, -1);
  add(t, "main;h;g", 5, -1);
  fk_tree_finish(t);
  g_autoptr(FkTree) r = fk_tree_reverse(t, NULL);
  g_assert_nonnull(r);
  g_assert_cmpint(self_at(r, "g;f;main", 0), ==, 3);
  g_assert_cmpint(self_at(r, "g;h;main", 0), ==, 5);
  g_assert_cmpint(self_at(r, "f;main", 0), ==, 2);
  g_assert_cmpint(
      fk_node_total(r, fk_tree_find_child(r, FK_ROOT, fk_interner_intern0(fk_tree_strings(r), "g")),
                    0),
      ==, 8);
  g_assert_cmpint(fk_tree_total(r, 0), ==, 10);
}

static void
test_reverse_properties(void)
{
  GRand *r = g_rand_new_with_seed(42);
  for (int i = 0; i < 200; i++) {
    g_autoptr(FkTree) t = random_tree(r, i % 2 == 1);
    g_autoptr(FkTree) rev = fk_tree_reverse(t, NULL);
    g_assert_cmpint(fk_tree_total(rev, 0), ==, fk_tree_total(t, 0));
    g_assert_cmpint(fk_tree_total(rev, 1), ==, fk_tree_total(t, 1));
    g_assert_cmpuint(fk_tree_columns(rev), ==, fk_tree_columns(t));
    g_autoptr(FkTree) back = fk_tree_reverse(rev, NULL);
    g_assert_true(fk_tree_equal(back, t)); /* an involution */
  }
  g_rand_free(r);
}

static void
test_reverse_keeps_decimals_and_root(void)
{
  g_autoptr(FkTree) t = fk_tree_new(NULL, FK_TREE_DEFAULT);
  FkWeight w = {{2567, 0}, 1, 3};
  const char *f[] = {fk_tree_intern(t, "a", 1), fk_tree_intern(t, "b", 1)};
  g_assert_true(fk_tree_add_stack(t, f, 2, &w, NULL));
  add(t, "", 4, -1); /* an empty stack weighs on the root */
  fk_tree_finish(t);
  g_autoptr(FkTree) r = fk_tree_reverse(t, NULL);
  g_assert_cmpuint(fk_tree_decimals(r), ==, 3);
  g_assert_cmpint(self_at(r, "b;a", 0), ==, 2567);
  g_assert_cmpint(fk_node_self(r, FK_ROOT, 0), ==, 4000);
  g_assert_cmpint(fk_tree_total(r, 0), ==, fk_tree_total(t, 0));
}

static void
test_rebase_simple(void)
{
  g_autoptr(FkTree) t = fk_tree_new(NULL, FK_TREE_DEFAULT);
  add(t, "main;run;Final;work", 7, -1);
  add(t, "main;other;Final", 2, -1);
  add(t, "main;Final;x;Final;y", 4, -1); /* the last Final wins */
  add(t, "main;idle", 5, -1);
  add(t, "Samples;z", 1, -1);
  fk_tree_finish(t);
  const char *base[] = {"Final", "Samples"};
  FkTransformReport rep = {0};
  g_autoptr(FkTree) r = fk_tree_rebase(t, base, 2, &rep, NULL);
  g_assert_nonnull(r);
  g_assert_cmpint(self_at(r, "Final;work", 0), ==, 7);
  g_assert_cmpint(self_at(r, "Final", 0), ==, 2);
  g_assert_cmpint(self_at(r, "Final;y", 0), ==, 4);
  g_assert_cmpint(self_at(r, "Samples;z", 0), ==, 1);
  g_assert_cmpint(self_at(r, "main", 0), ==, -1);
  g_assert_cmpint(rep.removed[0], ==, 5);
  g_assert_cmpuint(rep.stacks, ==, 1);
  g_assert_cmpint(fk_tree_total(r, 0) + rep.removed[0], ==, fk_tree_total(t, 0));
}

static void
test_rebase_properties(void)
{
  GRand *r = g_rand_new_with_seed(7);
  for (int i = 0; i < 200; i++) {
    g_autoptr(FkTree) t = random_tree(r, i % 2 == 1);
    const char *base[] = {i % 3 ? "b" : "main", "x"};
    FkTransformReport rep = {0};
    g_autoptr(FkTree) rb = fk_tree_rebase(t, base, 1 + i % 2, &rep, NULL);
    for (guint c = 0; c < FK_MAX_COLUMNS; c++)
      g_assert_cmpint(fk_tree_total(rb, c) + rep.removed[c], ==, fk_tree_total(t, c));
    /* Every root frame of the result is a base symbol, and none occurs below. */
    for (gsize n = 1; n < fk_tree_size(rb); n++) {
      const FkNode *nd = fk_tree_node(rb, (FkNodeId)n);
      gboolean is_base = strcmp(nd->name, base[0]) == 0 || (i % 2 && strcmp(nd->name, "x") == 0);
      if (nd->parent == FK_ROOT)
        g_assert_true(is_base);
      else
        g_assert_false(is_base); /* the stack was cut at its LAST base frame */
    }
    /* Re-basing again at the same symbols changes nothing. */
    FkTransformReport again = {0};
    g_autoptr(FkTree) rb2 = fk_tree_rebase(rb, base, 1 + i % 2, &again, NULL);
    g_assert_true(fk_tree_equal(rb2, rb));
    g_assert_cmpint(again.removed[0] + again.removed[1], ==, 0);
    g_assert_cmpuint(again.stacks, ==, 0);
  }
  g_rand_free(r);
}

static void
test_sequential_order_kept(void)
{
  g_autoptr(FkTree) t = fk_tree_new(NULL, FK_TREE_SEQUENTIAL);
  add(t, "m;a", 1, -1);
  add(t, "m;b", 1, -1);
  add(t, "m;a", 1, -1);
  fk_tree_finish(t);
  g_autoptr(FkTree) r = fk_tree_reverse(t, NULL);
  g_assert_true(fk_tree_flags(r) & FK_TREE_SEQUENTIAL);
  g_autoptr(GArray) kids = g_array_new(FALSE, FALSE, sizeof(FkNodeId));
  fk_tree_children(r, FK_ROOT, FK_ORDER_INSERTION, kids);
  g_assert_cmpuint(kids->len, ==, 3); /* a, b, a: not merged, in input order */
  g_assert_cmpstr(fk_tree_node(r, g_array_index(kids, FkNodeId, 0))->name, ==, "a");
  g_assert_cmpstr(fk_tree_node(r, g_array_index(kids, FkNodeId, 1))->name, ==, "b");
  g_assert_cmpstr(fk_tree_node(r, g_array_index(kids, FkNodeId, 2))->name, ==, "a");
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/reshape/reverse/simple", test_reverse_simple);
  g_test_add_func("/reshape/reverse/properties", test_reverse_properties);
  g_test_add_func("/reshape/reverse/decimals-root", test_reverse_keeps_decimals_and_root);
  g_test_add_func("/reshape/rebase/simple", test_rebase_simple);
  g_test_add_func("/reshape/rebase/properties", test_rebase_properties);
  g_test_add_func("/reshape/sequential", test_sequential_order_kept);
  return g_test_run();
}
