/* test-linetable.c -- fk_linetable_sort against a plain sort of every row:
 * line tables made of shuffled address-ordered sequences (the shape real
 * tables have, sorted by laying runs end to end), sequences that touch at
 * an end row, overlapping ones and random rows (merged run by run). */
#include "../../formats/symbols/linetable.h"

#include <string.h>

static void
check_same(GArray *rows)
{
  g_autoptr(GArray) want = g_array_copy(rows);
  g_array_sort(want, fk_linetable_row_cmp);
  fk_linetable_sort(rows);
  g_assert_cmpuint(rows->len, ==, want->len);
  g_assert_cmpmem(rows->data, rows->len * sizeof(FkLineTableRow), want->data,
                  want->len * sizeof(FkLineTableRow));
}

/* N sequences of up to 40 rows each, over disjoint address ranges (touching
 * when TOUCH: a sequence starts where the previous ended), in shuffled
 * order; OVERLAP shifts some of them into their neighbours. */
static GArray *
make_table(GRand *rng, guint n, gboolean touch, gboolean overlap)
{
  g_autoptr(GArray) seqs = g_array_new(FALSE, FALSE, sizeof(guint64));
  guint64 addr = 0x1000;
  for (guint i = 0; i < n; i++) {
    g_array_append_val(seqs, addr);
    addr += 0x1000 + (touch ? 0 : 0x10);
  }
  for (guint i = n; i > 1; i--) { /* Fisher-Yates */
    guint j = (guint)g_rand_int_range(rng, 0, (gint32)i);
    guint64 t = g_array_index(seqs, guint64, i - 1);
    g_array_index(seqs, guint64, i - 1) = g_array_index(seqs, guint64, j);
    g_array_index(seqs, guint64, j) = t;
  }
  GArray *rows = g_array_new(FALSE, FALSE, sizeof(FkLineTableRow));
  for (guint i = 0; i < n; i++) {
    guint64 a = g_array_index(seqs, guint64, i);
    if (overlap && g_rand_int_range(rng, 0, 4) == 0)
      a += 0x800;
    guint k = (guint)g_rand_int_range(rng, 1, 40);
    for (guint r = 0; r < k; r++) {
      FkLineTableRow row = {a, 1, (guint32)g_rand_int_range(rng, 1, 500), rows->len, FALSE};
      g_array_append_val(rows, row);
      a += (guint64)g_rand_int_range(rng, 0, 3) * 8; /* rows may share an address */
    }
    FkLineTableRow end = {g_array_index(seqs, guint64, i) + 0x1000, 1, 0, rows->len, TRUE};
    g_array_append_val(rows, end);
  }
  return rows;
}

static void
test_sequences(void)
{
  g_autoptr(GRand) rng = g_rand_new_with_seed(14);
  for (guint round = 0; round < 200; round++) {
    guint n = (guint)g_rand_int_range(rng, 1, 60);
    g_autoptr(GArray) a = make_table(rng, n, FALSE, FALSE);
    check_same(a);
    g_autoptr(GArray) b = make_table(rng, n, TRUE, FALSE);
    check_same(b);
    g_autoptr(GArray) c = make_table(rng, n, round % 2 == 0, TRUE);
    check_same(c);
  }
}

static void
test_random_rows(void)
{
  g_autoptr(GRand) rng = g_rand_new_with_seed(41);
  for (guint round = 0; round < 200; round++) {
    g_autoptr(GArray) rows = g_array_new(FALSE, FALSE, sizeof(FkLineTableRow));
    guint n = (guint)g_rand_int_range(rng, 0, 300);
    for (guint i = 0; i < n; i++) {
      FkLineTableRow r = {(guint64)g_rand_int_range(rng, 0, 64), 1, i, i,
                          g_rand_int_range(rng, 0, 5) == 0};
      g_array_append_val(rows, r);
    }
    check_same(rows);
  }
}

static void
test_sorted(void)
{
  g_autoptr(GArray) rows = g_array_new(FALSE, FALSE, sizeof(FkLineTableRow));
  check_same(rows); /* empty */
  for (guint i = 0; i < 100; i++) {
    FkLineTableRow r = {0x400000 + 4 * (guint64)i, 1, i, i, i == 99};
    g_array_append_val(rows, r);
  }
  check_same(rows);
  g_array_set_size(rows, 1);
  check_same(rows);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/linetable/sort/sequences", test_sequences);
  g_test_add_func("/linetable/sort/random-rows", test_random_rows);
  g_test_add_func("/linetable/sort/sorted", test_sorted);
  return g_test_run();
}
