/* test-diag.c -- reports made to several diags and moved, in order, to one
 * come out exactly as if they had been made to that one. */
#include "../../formats/diag.h"

static void
report(FkDiag *d, GRand *r, guint i)
{
  if (g_rand_int_range(r, 0, 3) == 0) {
    fk_diag_note(d, "f", "note %u", i);
  } else {
    FkWeight w = fk_weight_int(g_rand_int_range(r, 0, 100));
    fk_diag_skip(d, "f", g_rand_boolean(r) ? &w : NULL, "skip %u", i);
  }
}

static void
test_move_equals_direct(void)
{
  GRand *r = g_rand_new_with_seed(0xd1a6);
  for (guint round = 0; round < 500; round++) {
    guint max_shown = (guint)g_rand_int_range(r, 0, 8);
    guint n = (guint)g_rand_int_range(r, 0, 40);
    guint32 seed = g_rand_int(r);
    g_autoptr(FkDiag) direct = fk_diag_new(max_shown);
    g_autoptr(FkDiag) moved = fk_diag_new(max_shown);
    GRand *a = g_rand_new_with_seed(seed), *b = g_rand_new_with_seed(seed);
    for (guint i = 0; i < n; i++)
      report(direct, a, i);
    g_autoptr(FkDiag) part = fk_diag_new_like(moved);
    for (guint i = 0; i < n; i++) {
      report(part, b, i);
      if (g_rand_int_range(r, 0, 4) == 0)
        fk_diag_move(moved, part); /* the next part starts empty */
    }
    fk_diag_move(moved, part);
    GPtrArray *dm = fk_diag_messages(direct), *mm = fk_diag_messages(moved);
    g_assert_cmpuint(mm->len, ==, dm->len);
    for (guint i = 0; i < dm->len; i++)
      g_assert_cmpstr(g_ptr_array_index(mm, i), ==, g_ptr_array_index(dm, i));
    g_assert_cmpuint(fk_diag_skipped(moved), ==, fk_diag_skipped(direct));
    g_assert_cmpuint(fk_diag_unshown(moved), ==, fk_diag_unshown(direct));
    g_assert_cmpfloat(fk_diag_skipped_weight(moved), ==, fk_diag_skipped_weight(direct));
    g_assert_cmpuint(fk_diag_messages(part)->len, ==, 0);
    g_assert_cmpuint(fk_diag_skipped(part), ==, 0);
    g_rand_free(a);
    g_rand_free(b);
  }
  g_rand_free(r);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/diag/move-equals-direct", test_move_equals_direct);
  return g_test_run();
}
