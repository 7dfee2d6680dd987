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

/* A name of at most 16 bytes is found by its slot alone, its copy never
 * read (wide flat's million leaves: the copy was a second cache miss a
 * line); a longer one is told apart by its first 16 bytes in the slot and
 * its rest in the copy. Shown by spoiling copies: they are not what is
 * compared where the slot decides. Names that share 16 bytes, differ in
 * length by a byte, or end at the 16th stay distinct. */
static void
test_short_names_in_slot(void)
{
  g_autoptr(FkInterner) in = fk_interner_new();
  const char *names[] = {"leaf_123456",
                         "0123456789abcdef",
                         "0123456789abcde",
                         "0123456789abcdefg",
                         "0123456789abcdefh",
                         "",
                         "0123456789abcdef_tail",
                         "0123456789abcdef_tai",
                         "01234567",
                         "012345678",
                         "0123456"};
  const char *got[G_N_ELEMENTS(names)];
  for (guint i = 0; i < G_N_ELEMENTS(names); i++)
    got[i] = fk_interner_intern0(in, names[i]);
  for (guint i = 0; i < G_N_ELEMENTS(names); i++)
    for (guint j = 0; j < G_N_ELEMENTS(names); j++)
      g_assert_true((got[i] == got[j]) == (i == j));
  /* spoil the first byte of a short copy: still found, by its slot */
  char *copy = (char *)got[0];
  copy[0] = 'X';
  g_assert_true(fk_interner_lookup0(in, "leaf_123456") == got[0]);
  g_assert_true(fk_interner_intern0(in, "leaf_123456") == got[0]);
  copy[0] = 'l';
  /* a long copy: its first 16 bytes are the slot's, the rest its own */
  copy = (char *)got[6];
  copy[3] = 'X';
  g_assert_true(fk_interner_lookup0(in, "0123456789abcdef_tail") == got[6]);
  copy[3] = '3';
  copy[18] = 'X';
  g_assert_null(fk_interner_lookup0(in, "0123456789abcdef_tail"));
  copy[18] = 'a';
  g_assert_true(fk_interner_lookup0(in, "0123456789abcdef_tail") == got[6]);
  /* and through a grown table */
  for (guint i = 0; i < 5000; i++) {
    char b[32];
    g_snprintf(b, sizeof b, "n%u", i);
    fk_interner_intern0(in, b);
  }
  for (guint i = 0; i < G_N_ELEMENTS(names); i++)
    g_assert_true(fk_interner_lookup0(in, names[i]) == got[i]);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/intern/foreach", test_foreach);
  g_test_add_func("/intern/outgrows-cache", test_outgrows_cache);
  g_test_add_func("/intern/foreach-after-reset", test_foreach_after_reset);
  g_test_add_func("/intern/short-names-in-slot", test_short_names_in_slot);
  return g_test_run();
}
