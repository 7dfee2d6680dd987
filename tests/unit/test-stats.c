/* test-stats.c -- the statistics of verdicts against values computed by hand
 * or printed in published tables; each test names its source. */
#include "../../analyze/stats.h"

#include <math.h>

#define near(a, b, tol) g_assert_cmpfloat_with_epsilon((a), (b), (tol))

/* Closed forms for small df, derived by hand: df = 1 is the Cauchy
 * distribution, P(|T| >= t) = 1 - (2/pi) atan(t); df = 2 has
 * P(|T| >= t) = 1 - t / sqrt(2 + t^2). */
static void
test_t_closed_forms(void)
{
  for (double t = 0; t < 30; t += 0.37) {
    near(fk_stats_t_p2(t, 1), 1 - 2 / G_PI * atan(t), 1e-12);
    near(fk_stats_t_p2(-t, 1), 1 - 2 / G_PI * atan(t), 1e-12);
    near(fk_stats_t_p2(t, 2), 1 - t / sqrt(2 + t * t), 1e-12);
  }
  near(fk_stats_t_p2(0, 7.3), 1, 1e-15);
  g_assert_cmpfloat(fk_stats_t_p2(INFINITY, 5), ==, 0);
  g_assert_true(isnan(fk_stats_t_p2(1, 0)));
}

/* Critical values of Student's t, two-sided, from the table in Abramowitz &
 * Stegun, Handbook of Mathematical Functions, table 26.10 (and any
 * statistics textbook): t(0.975; df) and t(0.995; df). */
static void
test_t_table(void)
{
  static const struct {
    double df, t975, t995;
  } table[] = {
      {1, 12.706, 63.657}, {2, 4.303, 9.925},  {3, 3.182, 5.841},
      {5, 2.571, 4.032},   {8, 2.306, 3.355},  {10, 2.228, 3.169},
      {20, 2.086, 2.845},  {30, 2.042, 2.750}, {120, 1.980, 2.617},
  };
  for (gsize i = 0; i < G_N_ELEMENTS(table); i++) {
    near(fk_stats_t_quantile(0.975, table[i].df), table[i].t975, 0.0006);
    near(fk_stats_t_quantile(0.995, table[i].df), table[i].t995, 0.0006);
    near(fk_stats_t_quantile(0.025, table[i].df), -table[i].t975, 0.0006);
    /* and the p-values of the tabulated values */
    near(fk_stats_t_p2(table[i].t975, table[i].df), 0.05, 0.0002);
    near(fk_stats_t_p2(table[i].t995, table[i].df), 0.01, 0.00005);
  }
  /* Large df tends to the normal: 1.959964 */
  near(fk_stats_t_quantile(0.975, 1e7), 1.959964, 1e-5);
}

/* I_x(a, b) by hand: I_x(1, 1) = x; I_x(a, 1) = x^a; I_x(1, b) = 1 - (1-x)^b;
 * I_0.5(a, a) = 1/2 by symmetry. */
static void
test_incbeta(void)
{
  for (double x = 0; x <= 1; x += 0.05) {
    near(fk_stats_incbeta(1, 1, x), x, 1e-13);
    near(fk_stats_incbeta(3, 1, x), x * x * x, 1e-13);
    near(fk_stats_incbeta(1, 4, x), 1 - pow(1 - x, 4), 1e-13);
  }
  near(fk_stats_incbeta(7.5, 7.5, 0.5), 0.5, 1e-13);
}

/* Wikipedia, "Welch's t-test", Examples, example 1 (the two samples of 15
 * below): Welch's t = -2.46 for A1 - A2 (here B - A, so +2.46), nu = 24.99,
 * p = 0.021. The mean and variances checked by hand: 20.82 and 7.8674;
 * 22.9867 and 3.8127. */
static void
test_welch_published(void)
{
  const double a1[] = {27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1,
                       21.9, 22.6, 23.1, 19.6, 19.0, 21.7, 21.4};
  const double a2[] = {27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0,
                       24.8, 20.2, 21.9, 22.1, 22.9, 20.5, 24.4};
  FkWelch w;
  g_assert_true(fk_stats_welch(a1, 15, a2, 15, 0.95, &w));
  near(w.mean_a, 20.82, 1e-9);
  near(w.mean_b, 22.986666666666, 1e-9);
  near(w.t, 2.46, 0.005);
  near(w.df, 24.99, 0.005);
  near(w.p, 0.021, 0.0005);
  /* the interval is diff -+ t(0.975; df) se, and holds the difference */
  near(w.hi - w.diff, fk_stats_t_quantile(0.975, w.df) * w.se, 1e-12);
  g_assert_cmpfloat(w.lo, >, 0); /* p < 0.05: the 95% interval excludes 0 */
}

/* By hand: A = {1, 2, 3}, B = {4, 5, 6, 7}: means 2 and 5.5, variances 1 and
 * 5/3; se^2 = 1/3 + 5/12 = 3/4; t = 3.5 / sqrt(3/4) = 4.0415; df = (3/4)^2 /
 * ((1/3)^2/2 + (5/12)^2/3) = 0.5625 / (0.0555556 + 0.0578704) = 4.9592. */
static void
test_welch_by_hand(void)
{
  const double a[] = {1, 2, 3}, b[] = {4, 5, 6, 7};
  FkWelch w;
  g_assert_true(fk_stats_welch(a, 3, b, 4, 0.95, &w));
  near(w.t, 3.5 / sqrt(0.75), 1e-12);
  near(w.df, 0.5625 / (1.0 / 18 + 25.0 / 432), 1e-12);
  near(w.p, fk_stats_t_p2(3.5 / sqrt(0.75), w.df), 1e-15);
  /* constant samples: decided by the means */
  const double c[] = {5, 5, 5}, d[] = {5, 5}, e[] = {6, 6};
  g_assert_true(fk_stats_welch(c, 3, d, 2, 0.95, &w));
  g_assert_cmpfloat(w.p, ==, 1);
  g_assert_true(fk_stats_welch(c, 3, e, 2, 0.95, &w));
  g_assert_cmpfloat(w.p, ==, 0);
  g_assert_false(fk_stats_welch(c, 1, e, 2, 0.95, &w));
  /* a floor under the variances, by hand: {60, 60, 60} and {62, 62, 62} with
   * variances of at least 1/4: se^2 = 1/12 + 1/12 = 1/6, t = 2 / sqrt(1/6) =
   * 4.89898, df = (1/6)^2 / (2 (1/12)^2 / 2) = 4 */
  const double f60[] = {60, 60, 60}, f62[] = {62, 62, 62};
  g_assert_true(fk_stats_welch_min_var(f60, 3, f62, 3, 0.95, 0.25, 0.25, &w));
  near(w.t, 2 / sqrt(1.0 / 6), 1e-12);
  near(w.df, 4, 1e-12);
  near(w.p, fk_stats_t_p2(2 / sqrt(1.0 / 6), 4), 1e-15);
  g_assert_cmpfloat(w.p, >, 0.005); /* t(0.995; 4) = 4.604 < 4.899 < t(0.9975; 4) = 5.598 */
  g_assert_cmpfloat(w.p, <, 0.01);
}

/* Exact Mann-Whitney for 5 and 5 values: C(10, 5) = 252 orderings, of which
 * U = 0, 1, 2, 3 happen 1, 1, 2, 3 times (counted by hand). Two-sided:
 * U = 0: 2/252; U = 2: 2 * 4/252; U = 3: 2 * 7/252. The table of critical
 * values (e.g. Siegel & Castellan, Nonparametric Statistics, table J) gives
 * U = 2 as the largest significant at 0.05 two-sided for n1 = n2 = 5: 8/252 =
 * 0.0317 <= 0.05 < 14/252 = 0.0556. */
static void
test_mann_whitney_exact(void)
{
  FkMannWhitney mw;
  const double lo[] = {1, 2, 3, 4, 5}, hi[] = {6, 7, 8, 9, 10};
  g_assert_true(fk_stats_mann_whitney(lo, 5, hi, 5, &mw));
  g_assert_true(mw.exact);
  g_assert_cmpfloat(mw.u, ==, 0);
  near(mw.p, 2.0 / 252, 1e-12);
  g_assert_true(fk_stats_mann_whitney(hi, 5, lo, 5, &mw));
  g_assert_cmpfloat(mw.u, ==, 25);
  near(mw.p, 2.0 / 252, 1e-12);
  /* U = 3: A's 7 beats B's 5, 6 and 6.5; P(U <= 3) = 7/252 */
  const double a2[] = {1, 2, 3, 4, 7}, b2[] = {5, 6, 6.5, 8, 9};
  g_assert_true(fk_stats_mann_whitney(a2, 5, b2, 5, &mw));
  g_assert_cmpfloat(mw.u, ==, 3);
  near(mw.p, 14.0 / 252, 1e-12);
  const double a3[] = {1, 2, 3, 5.5, 7}, b3[] = {5, 6, 6.5, 8, 9};
  g_assert_true(fk_stats_mann_whitney(a3, 5, b3, 5, &mw));
  g_assert_cmpfloat(mw.u, ==, 4);
  near(mw.p, 2.0 * 12 / 252, 1e-12); /* U <= 4: 1+1+2+3+5 = 12 */
  const double a4[] = {1, 2, 3, 4, 5.5}, b4[] = {5, 6, 6.5, 8, 9};
  g_assert_true(fk_stats_mann_whitney(a4, 5, b4, 5, &mw));
  g_assert_cmpfloat(mw.u, ==, 1);
  near(mw.p, 2.0 * 2 / 252, 1e-12);
  /* the middle: U = 12.5 cannot happen; U = 12 is one below it, p = 1 */
  const double a5[] = {1, 4, 5, 8, 9.5}, b5[] = {2, 3, 6, 7, 10};
  g_assert_true(fk_stats_mann_whitney(a5, 5, b5, 5, &mw));
  g_assert_cmpfloat(mw.u, ==, 12);
  g_assert_cmpfloat(mw.p, <=, 1);
  g_assert_cmpfloat(mw.p, >, 0.8);
}

/* The normal approximation with ties, by hand: A = {1, 2, 2, 3}, B = {2, 3,
 * 4, 5, 6}. Ranks: 1 -> 1; 2,2,2 -> 3; 3,3 -> 5.5; 4 -> 7; 5 -> 8; 6 -> 9.
 * R_A = 1 + 3 + 3 + 5.5 = 12.5, U = 12.5 - 10 = 2.5; mu = 10; ties: (27-3) +
 * (8-2) = 30; var = 20/12 * (10 - 30/72) = 15.9722; z = -(7.5 - 0.5)/3.99653
 * = -1.75152; p = erfc(1.75152 / sqrt 2) = 0.07985. */
static void
test_mann_whitney_ties(void)
{
  const double a[] = {1, 2, 2, 3}, b[] = {2, 3, 4, 5, 6};
  FkMannWhitney mw;
  g_assert_true(fk_stats_mann_whitney(a, 4, b, 5, &mw));
  g_assert_false(mw.exact);
  g_assert_cmpfloat(mw.u, ==, 2.5);
  near(mw.z, -7.0 / sqrt(20.0 / 12 * (10 - 30.0 / 72)), 1e-12);
  near(mw.p, 0.07985, 0.00005);
  const double c[] = {3, 3}, d[] = {3, 3, 3};
  g_assert_true(fk_stats_mann_whitney(c, 2, d, 3, &mw));
  g_assert_cmpfloat(mw.p, ==, 1);
  /* beyond the exact limit: the normal approximation, no ties: 21 vs 21
   * separated completely: U = 0, z = -(220.5 - 0.5)/sqrt(21*21*43/12) */
  double big_a[21], big_b[21];
  for (int i = 0; i < 21; i++)
    big_a[i] = i, big_b[i] = 100 + i;
  g_assert_true(fk_stats_mann_whitney(big_a, 21, big_b, 21, &mw));
  g_assert_false(mw.exact);
  near(mw.z, -220.0 / sqrt(21.0 * 21 * 43 / 12), 1e-12);
}

/* Benjamini & Hochberg (1995), section 4.2: the 15 p-values of the
 * myocardial infarction study; at q = 0.05 the first four are rejected. The
 * adjusted values by hand: q_(k) = min_{j >= k} 15 p_(j) / j. */
static void
test_bh_published(void)
{
  double p[] = {0.0201, 0.0001, 0.0004, 0.0019, 0.0095, 0.0278, 0.0298, 0.0344,
                0.0459, 0.3240, 0.4262, 0.5719, 0.6528, 0.7590, 1.000};
  double q[15];
  fk_stats_bh(p, 15, q);
  near(q[1], 15 * 0.0001 / 1, 1e-12); /* 0.0015 */
  near(q[2], 15 * 0.0004 / 2, 1e-12); /* 0.003 */
  near(q[3], 15 * 0.0019 / 3, 1e-12); /* 0.0095 */
  near(q[4], 15 * 0.0095 / 4, 1e-12); /* 0.035625 */
  /* p_(5) = 0.0201: 15*0.0201/5 = 0.0603, but p_(9) gives 15*0.0459/9 = 0.0765,
   * p_(6..8): 0.0695, 0.06386, 0.0645: the minimum over j >= 5 is 0.0603 */
  near(q[0], 0.0603, 1e-12);
  guint rejected = 0;
  for (int i = 0; i < 15; i++)
    rejected += q[i] <= 0.05;
  g_assert_cmpuint(rejected, ==, 4);
  near(q[14], 1, 1e-12);
  /* step-up monotone: q of a larger p is never smaller */
  for (int i = 0; i < 15; i++)
    for (int j = 0; j < 15; j++)
      if (p[i] < p[j])
        g_assert_cmpfloat(q[i], <=, q[j]);
  /* NaN is "not tested": out of the count */
  double p2[] = {0.01, NAN, 0.04}, q2[3];
  fk_stats_bh(p2, 3, q2);
  near(q2[0], 0.02, 1e-12);
  g_assert_true(isnan(q2[1]));
  near(q2[2], 0.04, 1e-12);
  /* in place */
  fk_stats_bh(p, 15, p);
  near(p[4], 0.035625, 1e-12);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/stats/t/closed-forms", test_t_closed_forms);
  g_test_add_func("/stats/t/table", test_t_table);
  g_test_add_func("/stats/incbeta", test_incbeta);
  g_test_add_func("/stats/welch/published", test_welch_published);
  g_test_add_func("/stats/welch/by-hand", test_welch_by_hand);
  g_test_add_func("/stats/mann-whitney/exact", test_mann_whitney_exact);
  g_test_add_func("/stats/mann-whitney/ties", test_mann_whitney_ties);
  g_test_add_func("/stats/bh/published", test_bh_published);
  return g_test_run();
}
