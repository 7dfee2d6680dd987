/* test-folded-cut.c -- the folded writer on several threads (render/folded.c
 * cuts the tree in pieces, render/pieces.c writes them in order): byte for
 * byte the one-thread file on every shape the cut treats apart, and a write
 * that fails says so on every thread count. The trees are past the size the
 * writer cuts at (262,144 nodes). */
#include "../../analyze/stacktree.h"
#include "../../render/pieces.h"
#include "../../render/writer.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *
folded(const FkTree *tree, guint jobs, gsize *len)
{
  char *buf = NULL;
  size_t size = 0;
  FILE *f = open_memstream(&buf, &size);
  FkRenderOptions ro;
  fk_render_options_init(&ro);
  ro.jobs = jobs;
  ro.folded_header = "# header\n";
  g_assert_true(fk_writer_folded.write(tree, &ro, f, NULL));
  g_assert_cmpint(fclose(f), ==, 0);
  *len = size;
  return buf;
}

/* Every thread count writes what one thread writes. */
static void
check_same(FkTree *tree)
{
  fk_tree_finish(tree);
  g_assert_cmpuint(fk_tree_size(tree), >=, 262144);
  gsize want_len;
  char *want = folded(tree, 1, &want_len);
  g_assert_cmpuint(want_len, >, 0);
  for (guint jobs = 2; jobs <= 8; jobs += 3) {
    gsize len;
    char *got = folded(tree, jobs, &len);
    g_assert_cmpuint(len, ==, want_len);
    g_assert_true(memcmp(got, want, len) == 0);
    free(got);
  }
  free(want);
}

static const char *
name(FkTree *t, guint i)
{
  char buf[32];
  int n = g_snprintf(buf, sizeof buf, "mod%u::f", i);
  return fk_tree_intern(t, buf, (gsize)n);
}

/* Stacks of 1 to 12 frames drawn from 40 names: a bushy tree, the cut at
 * the root's children and below. */
static void
test_uniform(void)
{
  g_autoptr(FkTree) t = fk_tree_new(NULL, FK_TREE_DEFAULT);
  GRand *r = g_rand_new_with_seed(18);
  const char *f[12];
  for (guint s = 0; s < 120000; s++) {
    gsize n = (gsize)g_rand_int_range(r, 1, 13);
    for (gsize d = 0; d < n; d++)
      f[d] = name(t, (guint)g_rand_int_range(r, 0, 40));
    FkWeight w = {{g_rand_int_range(r, 1, 100), 0}, 1, 0};
    g_assert_true(fk_tree_add_stack(t, f, n, &w, NULL));
  }
  g_rand_free(r);
  check_same(t);
}

/* One frame under the root and every stack under it: the cut descends. */
static void
test_one_root(void)
{
  g_autoptr(FkTree) t = fk_tree_new(NULL, FK_TREE_DEFAULT);
  const char *f[3] = {fk_tree_intern(t, "_start", 6), fk_tree_intern(t, "main", 4), NULL};
  for (guint s = 0; s < 340000; s++) {
    f[2] = name(t, s);
    FkWeight w = {{s % 7 + 1, 0}, 1, 0};
    g_assert_true(fk_tree_add_stack(t, f, s % 5 ? 3 : 2, &w, NULL));
  }
  check_same(t);
}

/* A chain of 6,000 heavy frames with light leaves off it, two columns: more
 * subtrees over the weight limit than the cut splits (4,096), and self
 * weight on the chain's frames. */
static void
test_deep_chain_two_columns(void)
{
  g_autoptr(FkTree) t = fk_tree_new(NULL, FK_TREE_DEFAULT);
  const gsize depth = 6000;
  const char **f = g_new(const char *, depth + 1);
  for (gsize d = 0; d < depth; d++)
    f[d] = name(t, (guint)d);
  FkWeight heavy = {{1000000, 2000000}, 2, 0};
  g_assert_true(fk_tree_add_stack(t, f, depth, &heavy, NULL));
  for (guint s = 0; s < 260000; s++) {
    /* near the root mostly: the lines of the deep ones are long */
    gsize at = s % 1000 ? s % 16 : (gsize)(s * 7919u) % depth;
    f[at] = name(t, depth + s);
    FkWeight w = {{s % 3, s % 2}, 2, 0};
    g_assert_true(fk_tree_add_stack(t, f, at + 1, &w, NULL));
    f[at] = name(t, (guint)at);
  }
  g_free(f);
  check_same(t);
}

/* A write that fails fails on every thread count. */
static void
test_write_fails(void)
{
  g_autoptr(FkTree) t = fk_tree_new(NULL, FK_TREE_DEFAULT);
  const char *f[1];
  for (guint s = 0; s < 270000; s++) {
    f[0] = name(t, s);
    FkWeight w = {{1, 0}, 1, 0};
    g_assert_true(fk_tree_add_stack(t, f, 1, &w, NULL));
  }
  fk_tree_finish(t);
  g_autofree char *dir = g_dir_make_tmp("fk-cut-XXXXXX", NULL);
  g_autofree char *path = g_build_filename(dir, "ro", NULL);
  g_assert_true(g_file_set_contents(path, "", 0, NULL));
  for (guint jobs = 1; jobs <= 3; jobs++) {
    FILE *ro = fopen(path, "r"); /* every write to it fails */
    g_assert_nonnull(ro);
    setvbuf(ro, NULL, _IONBF, 0);
    FkRenderOptions opts;
    fk_render_options_init(&opts);
    opts.jobs = jobs;
    g_autoptr(GError) error = NULL;
    g_assert_false(fk_writer_folded.write(t, &opts, ro, &error));
    g_assert_error(error, FK_RENDER_ERROR, FK_RENDER_ERROR_IO);
    fclose(ro);
  }
  g_unlink(path);
  g_rmdir(dir);
}

/* The pieces come out in order whatever thread rendered them, and a piece
 * that fails stops the write. */
static gboolean
piece(gsize i, FILE *to, gpointer data)
{
  if (data != NULL && i == GPOINTER_TO_SIZE(data))
    return FALSE;
  for (gsize k = 0; k < (i * 37) % 500; k++)
    fprintf(to, "%zu.%zu ", i, k);
  return fprintf(to, "piece %zu\n", i) > 0;
}

static void
test_pieces_in_order(void)
{
  GString *want = g_string_new(NULL);
  for (gsize i = 0; i < 1000; i++) {
    for (gsize k = 0; k < (i * 37) % 500; k++)
      g_string_append_printf(want, "%zu.%zu ", i, k);
    g_string_append_printf(want, "piece %zu\n", i);
  }
  for (guint jobs = 1; jobs <= 5; jobs++) {
    char *buf = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&buf, &size);
    g_assert_true(fk_pieces_write(1000, jobs, piece, NULL, f));
    fclose(f);
    g_assert_cmpuint(size, ==, want->len);
    g_assert_true(memcmp(buf, want->str, size) == 0);
    free(buf);
    f = open_memstream(&buf, &size);
    g_assert_false(fk_pieces_write(1000, jobs, piece, GSIZE_TO_POINTER(500), f));
    fclose(f);
    /* what came before the failing piece was written, in order */
    g_assert_cmpuint(size, <=, want->len);
    g_assert_true(memcmp(buf, want->str, size) == 0);
    g_assert_nonnull(strstr(buf, "piece 499\n"));
    g_assert_null(strstr(buf, "piece 500\n"));
    free(buf);
  }
  g_string_free(want, TRUE);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/folded-cut/uniform", test_uniform);
  g_test_add_func("/folded-cut/one-root", test_one_root);
  g_test_add_func("/folded-cut/deep-chain-two-columns", test_deep_chain_two_columns);
  g_test_add_func("/folded-cut/write-fails", test_write_fails);
  g_test_add_func("/folded-cut/pieces-in-order", test_pieces_in_order);
  return g_test_run();
}
