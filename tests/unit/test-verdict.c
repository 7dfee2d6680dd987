/* test-verdict.c -- the runs of a side (fk_tree_split) and the verdict rules
 * (analyze/verdict.c) on runs built by hand, the expected numbers worked out
 * in the comments. */
#include "../../analyze/reshape.h"
#include "../../analyze/verdict.h"

#include <math.h>
#include <string.h>

static void
add(FkTree *t, const char *stack, gint64 count)
{
  g_auto(GStrv) parts = g_strsplit(stack, ";", -1);
  guint n = g_strv_length(parts);
  const char **frames = g_new(const char *, n + 1);
  for (guint i = 0; i < n; i++)
    frames[i] = fk_tree_intern(t, parts[i], strlen(parts[i]));
  FkWeight w = fk_weight_int(count);
  g_assert_true(fk_tree_add_stack(t, frames, n, &w, NULL));
  g_free(frames);
}

/* A tree grouped by file, at the top or (reversed) at the bottom, splits
 * into one tree per file without that frame; weights are conserved. */
static void
test_split(void)
{
  g_autoptr(FkTree) t = fk_tree_new(NULL, FK_TREE_DEFAULT);
  add(t, "[file=r1];main;a", 3);
  add(t, "[file=r2];main;a", 5);
  add(t, "[file=r1];main;b", 2);
  add(t, "main;b;[file=r3]", 7); /* reversed: the group frame is the leaf */
  add(t, "main;c", 1);           /* no group frame */
  fk_tree_finish(t);
  g_autoptr(GPtrArray) names = g_ptr_array_new();
  g_autoptr(GPtrArray) runs = fk_tree_split(t, "[file=", names, NULL);
  g_assert_nonnull(runs);
  g_assert_cmpuint(runs->len, ==, 4);
  g_assert_cmpstr(names->pdata[0], ==, "[file=r1]");
  g_assert_cmpstr(names->pdata[1], ==, "[file=r2]");
  g_assert_cmpstr(names->pdata[2], ==, "[file=r3]");
  g_assert_null(names->pdata[3]);
  g_autoptr(FkTree) r1 = fk_tree_new(fk_tree_strings(t), FK_TREE_DEFAULT);
  add(r1, "main;a", 3);
  add(r1, "main;b", 2);
  fk_tree_finish(r1);
  g_assert_true(fk_tree_equal(runs->pdata[0], r1));
  g_autoptr(FkTree) r3 = fk_tree_new(fk_tree_strings(t), FK_TREE_DEFAULT);
  add(r3, "main;b", 7);
  fk_tree_finish(r3);
  g_assert_true(fk_tree_equal(runs->pdata[2], r3));
  gint64 sum = 0;
  for (guint i = 0; i < runs->len; i++)
    sum += fk_tree_total(runs->pdata[i], 0);
  g_assert_cmpint(sum, ==, fk_tree_total(t, 0));
}

/* Runs of "main;a A" and "main;b B". */
static GPtrArray *
runs_of(const gint64 *a, const gint64 *b, gsize n)
{
  GPtrArray *runs = g_ptr_array_new_with_free_func((GDestroyNotify)fk_tree_free);
  for (gsize i = 0; i < n; i++) {
    FkTree *t = fk_tree_new(NULL, FK_TREE_DEFAULT);
    add(t, "main;a", a[i]);
    add(t, "main;b", b[i]);
    fk_tree_finish(t);
    g_ptr_array_add(runs, t);
  }
  return runs;
}

/* a: 100 +- 2 -> 115 (Welch: t 15, df 8, change +15%, interval 15 -+ 2.306);
 * b: 500 -> 500 +- 1 (interval -+ 0.21%: unchanged); main grows by 15
 * (+2.5%). With -n, b's share falls from 83.3% to 81.3%: faster. */
static void
test_verdicts(void)
{
  const gint64 a0[] = {100, 102, 98, 101, 99}, b0[] = {500, 501, 499, 500, 500};
  const gint64 a1[] = {115, 117, 113, 116, 114}, b1[] = {500, 499, 501, 500, 500};
  g_autoptr(GPtrArray) before = runs_of(a0, b0, 5), after = runs_of(a1, b1, 5);
  FkVerdictOptions o;
  fk_verdict_options_init(&o);
  const double wps[2] = {1, 1};
  g_autoptr(FkVerdicts) v =
      fk_verdicts_new((FkTree *const *)before->pdata, 5, (FkTree *const *)after->pdata, 5, wps, &o);
  g_assert_cmpint(v->test, ==, FK_TEST_WELCH);
  const FkVerdictRow *a = fk_verdicts_lookup(v, "a"), *b = fk_verdicts_lookup(v, "b");
  const FkVerdictRow *m = fk_verdicts_lookup(v, "main");
  g_assert_nonnull(a);
  g_assert_cmpint(a->verdict, ==, FK_VERDICT_SLOWER);
  g_assert_cmpint(a->self.verdict, ==, FK_VERDICT_SLOWER);
  g_assert_cmpfloat_with_epsilon(a->self.change, 15, 1e-9);
  g_assert_cmpfloat_with_epsilon(a->self.hi - 15, 2.306, 0.001);
  g_assert_cmpint(b->verdict, ==, FK_VERDICT_UNCHANGED);
  g_assert_cmpint(m->total.verdict, ==, FK_VERDICT_SLOWER);
  g_assert_false(m->self.tested); /* no self weight */
  g_assert_cmpint(m->verdict, ==, FK_VERDICT_SLOWER);
  g_assert_cmpint(v->total.verdict, ==, FK_VERDICT_SLOWER);
  /* most significant first: a (t 15) before main and b */
  g_assert_cmpstr(g_array_index(v->rows, FkVerdictRow, 0).name, ==, "a");
  /* 6 measures: a's and b's two, main's total, the total (main's self untested) */
  g_assert_cmpuint(v->tests, ==, 6);
  /* the per-run values as given */
  g_assert_cmpfloat(a->values[0], ==, 100);
  g_assert_cmpfloat(a->values[5 + 5 + 9], ==, 114);

  /* a floor of 20%: a's 15% is significant but not material, and its
   * interval [12.7, 17.3] lies within -+20: unchanged */
  o.min_change = 20;
  g_autoptr(FkVerdicts) v20 =
      fk_verdicts_new((FkTree *const *)before->pdata, 5, (FkTree *const *)after->pdata, 5, wps, &o);
  g_assert_cmpint(fk_verdicts_lookup(v20, "a")->verdict, ==, FK_VERDICT_UNCHANGED);
  /* a floor of 16%: significant, below the floor, but the interval reaches
   * past it: inconclusive, with runs needed */
  o.min_change = 16;
  g_autoptr(FkVerdicts) v16 =
      fk_verdicts_new((FkTree *const *)before->pdata, 5, (FkTree *const *)after->pdata, 5, wps, &o);
  const FkVerdictRow *a16 = fk_verdicts_lookup(v16, "a");
  g_assert_cmpint(a16->verdict, ==, FK_VERDICT_INCONCLUSIVE);
  g_assert_cmpuint(a16->self.runs_needed, >, 5);

  /* shares */
  o.min_change = 2;
  o.normalize = TRUE;
  g_autoptr(FkVerdicts) vn =
      fk_verdicts_new((FkTree *const *)before->pdata, 5, (FkTree *const *)after->pdata, 5, wps, &o);
  g_assert_cmpint(fk_verdicts_lookup(vn, "b")->verdict, ==, FK_VERDICT_FASTER);
  g_assert_false(vn->total.total.tested); /* the total's share is always 100% */

  /* the rank test: 5 against 5 apart, p = 2/252 for a */
  o.normalize = FALSE;
  o.test = FK_TEST_MANN_WHITNEY;
  g_autoptr(FkVerdicts) vm =
      fk_verdicts_new((FkTree *const *)before->pdata, 5, (FkTree *const *)after->pdata, 5, wps, &o);
  g_assert_cmpfloat_with_epsilon(fk_verdicts_lookup(vm, "a")->self.p, 2.0 / 252, 1e-12);

  /* too few samples: with 200 weight units a sample, a has 0.5 a run */
  o.test = FK_TEST_AUTO;
  const double coarse[2] = {200, 200};
  g_autoptr(FkVerdicts) vc = fk_verdicts_new((FkTree *const *)before->pdata, 5,
                                             (FkTree *const *)after->pdata, 5, coarse, &o);
  g_assert_false(fk_verdicts_lookup(vc, "a")->self.tested);
  g_assert_cmpint(fk_verdicts_lookup(vc, "a")->verdict, ==, FK_VERDICT_INCONCLUSIVE);
}

/* A/A on identical runs: nothing flagged, everything unchanged. */
static void
test_same(void)
{
  const gint64 a[] = {100, 101, 99, 100}, b[] = {50, 50, 51, 49};
  g_autoptr(GPtrArray) x = runs_of(a, b, 4), y = runs_of(a, b, 4);
  FkVerdictOptions o;
  fk_verdict_options_init(&o);
  o.min_change = 5;
  const double wps[2] = {1, 1};
  g_autoptr(FkVerdicts) v =
      fk_verdicts_new((FkTree *const *)x->pdata, 4, (FkTree *const *)y->pdata, 4, wps, &o);
  for (guint i = 0; i < v->rows->len; i++) {
    const FkVerdictRow *r = &g_array_index(v->rows, FkVerdictRow, i);
    g_assert_cmpint(r->verdict, ==, FK_VERDICT_UNCHANGED);
    g_assert_cmpfloat(r->total.p, ==, 1);
  }
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/verdict/split", test_split);
  g_test_add_func("/verdict/rules", test_verdicts);
  g_test_add_func("/verdict/same", test_same);
  return g_test_run();
}
