/* test-intern.c -- the interner: fk_interner_foreach visits every string
 * once, in the order first interned, across the arena's blocks (small ones,
 * then huge-page ones, and a block of its own for a string bigger than a
 * block), and again after a reset; and when its table outgrows the cache. */
#include "../../analyze/intern.h"

#include <string.h>

typedef struct {
  GPtrArray *want; /* char*, in interning order */
  guint at;
  guint stop_after; /* 0: never stop */
} Visit;

static gboolean
visit(const char *s, gsize len, gpointer data)
{
  Visit *v = data;
  g_assert_cmpuint(v->at, <, v->want->len);
  g_assert_cmpstr(s, ==, g_ptr_array_index(v->want, v->at));
  g_assert_cmpuint(len, ==, strlen(s));
  v->at++;
  return v->stop_after == 0 || v->at < v->stop_after;
}

static void
fill(FkInterner *in, GPtrArray *want, guint n, guint seed)
{
  GRand *r = g_rand_new_with_seed(seed);
  for (guint i = 0; i < n; i++) {
    char *s;
    if (i % 5000 == 4999) { /* bigger than a small block */
      g_autofree char *fillc = g_strnfill(70 << 10, (char)('a' + i % 26));
      s = g_strdup_printf("%u%s", i, fillc);
    } else
      s = g_strdup_printf("name_%u_%u", i, g_rand_int(r));
    const char *got = fk_interner_intern0(in, s);
    g_assert_true(fk_interner_intern0(in, s) == got); /* a repeat adds nothing */
    g_ptr_array_add(want, s);
  }
  g_rand_free(r);
}

static void
test_foreach(void)
{
  g_autoptr(FkInterner) in = fk_interner_new();
  g_autoptr(GPtrArray) want = g_ptr_array_new_with_free_func(g_free);
  Visit v = {want, 0, 0};
  g_assert_true(fk_interner_foreach(in, visit, &v));
  g_assert_cmpuint(v.at, ==, 0);
  fill(in, want, 400000, 7); /* past 4 MiB of strings: huge-page blocks too */
  g_assert_cmpuint(fk_interner_count(in), ==, want->len);
  g_assert_true(fk_interner_foreach(in, visit, &v));
  g_assert_cmpuint(v.at, ==, want->len);
  Visit stop = {want, 0, 1234};
  g_assert_false(fk_interner_foreach(in, visit, &stop));
  g_assert_cmpuint(stop.at, ==, 1234);
}

static void
test_foreach_after_reset(void)
{
  g_autoptr(FkInterner) in = fk_interner_new();
  g_autoptr(GPtrArray) want = g_ptr_array_new_with_free_func(g_free);
  fill(in, want, 3000, 1);
  g_assert_true(fk_interner_reset(in, G_MAXSIZE));
  g_ptr_array_set_size(want, 0);
  fill(in, want, 20000, 2);
  Visit v = {want, 0, 0};
  g_assert_true(fk_interner_foreach(in, visit, &v));
  g_assert_cmpuint(v.at, ==, want->len);
}

/* The table outgrows a core's cache (1 MiB of slots) only once it holds
 * tens of thousands of names: a few thousand, as most profiles have, never
 * make the reader hash frames ahead for a prefetch. */
static void
test_outgrows_cache(void)
{
  g_autoptr(FkInterner) in = fk_interner_new();
  g_assert_false(fk_interner_outgrows_cache(in));
  char buf[32];
  for (guint i = 0; i < 6000; i++) {
    g_snprintf(buf, sizeof buf, "fn_%u", i);
    fk_interner_intern0(in, buf);
  }
  g_assert_false(fk_interner_outgrows_cache(in));
  for (guint i = 6000; i < 200000; i++) {
    g_snprintf(buf, sizeof buf, "fn_%u", i);
    fk_interner_intern0(in, buf);
  }
  g_assert_true(fk_interner_outgrows_cache(in));
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/intern/foreach", test_foreach);
  g_test_add_func("/intern/outgrows-cache", test_outgrows_cache);
  g_test_add_func("/intern/foreach-after-reset", test_foreach_after_reset);
  return g_test_run();
}
