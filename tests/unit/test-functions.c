/* test-functions.c -- the per-function table against its definition.
 *
 * The rule (functions.h): a function's self weight is the self weight of its
 * nodes; its total counts each stack once however often the function recurses
 * in it; leading group frames are not functions and give the hosts. Checked
 * on random trees against a reference computed stack by stack, and on one
 * very deep stack, which must cost time linear in its depth. */
#include "../../analyze/collect.h"
#include "../../analyze/functions.h"

#include <string.h>
#include <time.h>

static const char *const alphabet[] = {"main", "a", "b", "c", "d", "[host=h1]", "[host=h2]"};

typedef struct {
  gint64 self, total;
  GHashTable *hosts;
} Ref;

static void
ref_free(gpointer p)
{
  Ref *r = p;
  g_hash_table_unref(r->hosts);
  g_free(r);
}

static Ref *
ref_get(GHashTable *refs, const char *name)
{
  Ref *r = g_hash_table_lookup(refs, name);
  if (r == NULL) {
    r = g_new0(Ref, 1);
    r->hosts = g_hash_table_new(NULL, NULL);
    g_hash_table_insert(refs, (gpointer)name, r);
  }
  return r;
}

/* The rule applied to one stack of weight W. */
static void
ref_add(GHashTable *refs, const char *const *frames, gsize n, gint64 w)
{
  gsize top = 0;
  const char *host = NULL;
  while (top < n && fk_is_group_frame(frames[top])) {
    if (strncmp(frames[top], "[host=", 6) == 0)
      host = frames[top];
    top++;
  }
  if (top == n)
    return;
  g_autoptr(GHashTable) seen = g_hash_table_new(NULL, NULL);
  for (gsize i = top; i < n; i++) {
    Ref *r = ref_get(refs, frames[i]);
    if (host != NULL)
      g_hash_table_add(r->hosts, (gpointer)host);
    if (g_hash_table_add(seen, (gpointer)frames[i]))
      r->total += w;
  }
  ref_get(refs, frames[n - 1])->self += w;
}

static void
test_random(void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed(12);
  for (guint t = 0; t < 300; t++) {
    g_autoptr(FkInterner) strings = fk_interner_new();
    g_autoptr(FkTree) tree = fk_tree_new(strings, FK_TREE_DEFAULT);
    g_autoptr(GHashTable) refs = g_hash_table_new_full(NULL, NULL, NULL, ref_free);
    guint stacks = (guint)g_rand_int_range(rand, 0, 60);
    for (guint s = 0; s < stacks; s++) {
      const char *frames[24];
      guint depth = (guint)g_rand_int_range(rand, 0, 24);
      /* group frames mostly lead, but may appear anywhere (then they are
       * ordinary names) */
      for (guint d = 0; d < depth; d++)
        frames[d] = fk_interner_intern0(
            strings, alphabet[g_rand_int_range(rand, 0, d < 2 ? G_N_ELEMENTS(alphabet) : 5)]);
      gint64 w = g_rand_int_range(rand, 1, 100);
      FkWeight fw = fk_weight_int(w);
      g_assert_true(fk_tree_add_stack(tree, frames, depth, &fw, NULL));
      ref_add(refs, frames, depth, w);
    }
    fk_tree_finish(tree);
    g_autoptr(GArray) rows = fk_functions_collect(tree, FALSE);
    g_assert_cmpuint(rows->len, ==, g_hash_table_size(refs));
    for (guint i = 0; i < rows->len; i++) {
      const FkFunction *f = &g_array_index(rows, FkFunction, i);
      Ref *r = g_hash_table_lookup(refs, f->name);
      g_assert_nonnull(r);
      g_assert_cmpint(f->self[0], ==, r->self);
      g_assert_cmpint(f->total[0], ==, r->total);
      g_assert_cmpuint(f->hosts, ==, g_hash_table_size(r->hosts));
    }
  }
}

/* CPU seconds of the calling thread. */
static double
thread_cpu_seconds(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* 131072 frames of distinct functions, the leaf recursing into the root's:
 * rescanning the path for recursion made this quadratic (21 s). */
static void
test_deep(void)
{
  g_autoptr(FkInterner) strings = fk_interner_new();
  g_autoptr(FkTree) tree = fk_tree_new(strings, FK_TREE_DEFAULT);
  gsize n = 131072;
  g_autofree const char **frames = g_new(const char *, n);
  for (gsize i = 0; i + 1 < n; i++) {
    char name[32];
    g_snprintf(name, sizeof name, "f%" G_GSIZE_FORMAT, i);
    frames[i] = fk_interner_intern0(strings, name);
  }
  frames[n - 1] = frames[0];
  FkWeight w = fk_weight_int(7);
  g_assert_true(fk_tree_add_stack(tree, frames, n, &w, NULL));
  fk_tree_finish(tree);
  double start = thread_cpu_seconds();
  g_autoptr(GArray) rows = fk_functions_collect(tree, FALSE);
  double secs = thread_cpu_seconds() - start;
  g_assert_cmpuint(rows->len, ==, n - 1);
  for (guint i = 0; i < rows->len; i++) {
    const FkFunction *f = &g_array_index(rows, FkFunction, i);
    g_assert_cmpint(f->total[0], ==, 7);
    g_assert_cmpint(f->self[0], ==, f->name == frames[0] ? 7 : 0);
  }
  /* linear: milliseconds of CPU (under ASan too); quadratic was 21 s. CPU
   * time, not wall time: at a load of 20 on two cores the wall clock of a
   * linear run passed a second under ASan. */
  g_test_message("%" G_GSIZE_FORMAT " frames: %.3f s of CPU", n, secs);
  g_assert_cmpfloat(secs, <, 4.0);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/functions/random", test_random);
  g_test_add_func("/functions/deep", test_deep);
  return g_test_run();
}
