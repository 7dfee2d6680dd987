/* stats.c -- Welch's t, Mann-Whitney U, Benjamini-Hochberg (see stats.h).
 *
 * The formulas are the textbook ones; the references are named where each
 * is used so that a reader can check them: Welch (1947) and Satterthwaite
 * (1946) for the test and its degrees of freedom; Abramowitz & Stegun 26.5.27
 * and 26.7.1 for the t distribution as an incomplete beta function; Press
 * et al., Numerical Recipes, 6.4 for the continued fraction; Mann & Whitney
 * (1947) for U and its exact distribution; Benjamini & Hochberg (1995). */
#include "stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void
fk_stats_mean_var(const double *x, gsize n, double *mean, double *var)
{
  double m = 0;
  for (gsize i = 0; i < n; i++)
    m += x[i];
  m = n > 0 ? m / (double)n : 0;
  double ss = 0;
  for (gsize i = 0; i < n; i++)
    ss += (x[i] - m) * (x[i] - m);
  *mean = m;
  *var = n > 1 ? ss / (double)(n - 1) : 0;
}

/* The continued fraction of I_x(a, b) (Numerical Recipes 6.4, betacf),
 * evaluated by the modified Lentz method; it converges fast for
 * x < (a + 1) / (a + b + 2). */
static double
betacf(double a, double b, double x)
{
  const double tiny = 1e-300, eps = 1e-15;
  double qab = a + b, qap = a + 1, qam = a - 1;
  double c = 1, d = 1 - qab * x / qap;
  if (fabs(d) < tiny)
    d = tiny;
  d = 1 / d;
  double h = d;
  for (int m = 1; m <= 1000; m++) {
    double m2 = 2.0 * m;
    double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (fabs(d) < tiny)
      d = tiny;
    c = 1 + aa / c;
    if (fabs(c) < tiny)
      c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (fabs(d) < tiny)
      d = tiny;
    c = 1 + aa / c;
    if (fabs(c) < tiny)
      c = tiny;
    d = 1 / d;
    double del = d * c;
    h *= del;
    if (fabs(del - 1) < eps)
      break;
  }
  return h;
}

double
fk_stats_incbeta(double a, double b, double x)
{
  if (x <= 0)
    return 0;
  if (x >= 1)
    return 1;
  /* x^a (1-x)^b / (a B(a, b)), through logarithms of the gamma function. */
  double front = exp(lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x));
  /* The symmetry I_x(a, b) = 1 - I_{1-x}(b, a) keeps the fraction where it
   * converges. */
  if (x < (a + 1) / (a + b + 2))
    return front * betacf(a, b, x) / a;
  return 1 - front * betacf(b, a, 1 - x) / b;
}

double
fk_stats_t_p2(double t, double df)
{
  if (isnan(t) || df <= 0)
    return NAN;
  if (isinf(t))
    return 0;
  /* A&S 26.7.1 with 26.5.27: P(|T| >= t) = I_{df/(df+t^2)}(df/2, 1/2). */
  return fk_stats_incbeta(df / 2, 0.5, df / (df + t * t));
}

double
fk_stats_t_quantile(double p, double df)
{
  if (p <= 0 || p >= 1 || df <= 0)
    return NAN;
  if (p == 0.5)
    return 0;
  /* Bisection on the cdf, P(T <= t) = 1 - p2(t)/2 for t > 0: slow next to
   * the published approximations but exact to the last bits that matter,
   * and it is called once per test. */
  double target = p > 0.5 ? 2 * (1 - p) : 2 * p; /* the two-sided p of |t| */
  double lo = 0, hi = 1;
  while (fk_stats_t_p2(hi, df) > target && hi < 1e300)
    hi *= 2;
  for (int i = 0; i < 200 && hi - lo > 1e-12 * hi; i++) {
    double mid = (lo + hi) / 2;
    if (fk_stats_t_p2(mid, df) > target)
      lo = mid;
    else
      hi = mid;
  }
  double t = (lo + hi) / 2;
  return p > 0.5 ? t : -t;
}

gboolean
fk_stats_welch(const double *a, gsize na, const double *b, gsize nb, double level, FkWelch *out)
{
  return fk_stats_welch_min_var(a, na, b, nb, level, 0, 0, out);
}

gboolean
fk_stats_welch_min_var(const double *a, gsize na, const double *b, gsize nb, double level,
                       double min_var_a, double min_var_b, FkWelch *out)
{
  memset(out, 0, sizeof *out);
  if (na < 2 || nb < 2)
    return FALSE;
  double va, vb;
  fk_stats_mean_var(a, na, &out->mean_a, &va);
  fk_stats_mean_var(b, nb, &out->mean_b, &vb);
  va = MAX(va, min_var_a);
  vb = MAX(vb, min_var_b);
  out->diff = out->mean_b - out->mean_a;
  double sa = va / (double)na, sb = vb / (double)nb; /* squared standard errors */
  out->se = sqrt(sa + sb);
  if (sa + sb == 0) {
    /* Constant samples: nothing to estimate; the means decide. */
    out->df = (double)(na + nb - 2);
    out->t = out->diff == 0 ? 0 : copysign(INFINITY, out->diff);
    out->p = out->diff == 0 ? 1 : 0;
    out->lo = out->hi = out->diff;
    return TRUE;
  }
  out->t = out->diff / out->se;
  /* Welch-Satterthwaite: the df of a chi-square matching the variance of
   * sa + sb. One variance 0 gives the other side's n - 1. */
  out->df = (sa + sb) * (sa + sb) / (sa * sa / (double)(na - 1) + sb * sb / (double)(nb - 1));
  out->p = fk_stats_t_p2(out->t, out->df);
  double half = fk_stats_t_quantile(0.5 + level / 2, out->df) * out->se;
  out->lo = out->diff - half;
  out->hi = out->diff + half;
  return TRUE;
}

typedef struct {
  double v;
  guint side; /* 0: A, 1: B */
} Ranked;

static int
cmp_ranked(const void *x, const void *y)
{
  double a = ((const Ranked *)x)->v, b = ((const Ranked *)y)->v;
  return a < b ? -1 : a > b;
}

/* P(U <= u) for samples of M and N values without ties: the number of
 * orderings with U = k follows f(m, n, k) = f(m - 1, n, k - n) + f(m, n - 1, k)
 * (Mann & Whitney 1947), built up one value of A at a time over n in [0, N]. */
static double
mw_exact_cdf(guint m, guint n, double u)
{
  guint kmax = m * n;
  /* f[j][k]: orderings of i values of A and j of B with U = k, for the current
   * i. */
  double *f = g_new0(double, (gsize)(n + 1) * (kmax + 1));
#define F(j, k) f[(gsize)(j) * (kmax + 1) + (k)]
  for (guint j = 0; j <= n; j++)
    F(j, 0) = 1; /* i = 0 */
  for (guint i = 1; i <= m; i++) {
    /* f(i, j, k) = f(i-1, j, k-j) + f(i, j-1, k): the largest value is
     * A's (it beats all j of B) or B's. In place, j ascending, k descending
     * for the first term (it reads row j of the previous i). */
    for (guint j = 0; j <= n; j++)
      for (guint k = kmax + 1; k-- > 0;) {
        double prev = k >= j ? F(j, k - j) : 0; /* f(i-1, j, k-j) */
        double left = j > 0 ? F(j - 1, k) : 0;  /* f(i, j-1, k), already row i */
        F(j, k) = prev + left;
      }
  }
  double total = 0, below = 0;
  for (guint k = 0; k <= kmax; k++) {
    total += F(n, k);
    if ((double)k <= u + 1e-9)
      below += F(n, k);
  }
#undef F
  g_free(f);
  return below / total;
}

gboolean
fk_stats_mann_whitney(const double *a, gsize na, const double *b, gsize nb, FkMannWhitney *out)
{
  memset(out, 0, sizeof *out);
  if (na == 0 || nb == 0)
    return FALSE;
  gsize n = na + nb;
  Ranked *r = g_new(Ranked, n);
  for (gsize i = 0; i < na; i++)
    r[i] = (Ranked){a[i], 0};
  for (gsize i = 0; i < nb; i++)
    r[na + i] = (Ranked){b[i], 1};
  qsort(r, n, sizeof *r, cmp_ranked);
  /* Mid-ranks for ties; sum of t^3 - t over tie groups for the correction. */
  double rank_a = 0, ties = 0;
  for (gsize i = 0; i < n;) {
    gsize j = i;
    while (j < n && r[j].v == r[i].v)
      j++;
    double mid = ((double)i + 1 + (double)j) / 2, t = (double)(j - i);
    for (gsize k = i; k < j; k++)
      if (r[k].side == 0)
        rank_a += mid;
    ties += t * t * t - t;
    i = j;
  }
  g_free(r);
  double m1 = (double)na, m2 = (double)nb;
  out->u = rank_a - m1 * (m1 + 1) / 2;
  if (ties == 0 && na <= FK_STATS_MW_EXACT_MAX && nb <= FK_STATS_MW_EXACT_MAX) {
    out->exact = TRUE;
    /* Two-sided: twice the smaller tail; U is symmetric about m1 m2 / 2. */
    double lo = mw_exact_cdf((guint)na, (guint)nb, out->u);
    double hi = 1 - mw_exact_cdf((guint)na, (guint)nb, out->u - 1);
    out->p = MIN(1.0, 2 * MIN(lo, hi));
    return TRUE;
  }
  double mu = m1 * m2 / 2;
  double var = m1 * m2 / 12 * ((double)(n + 1) - ties / ((double)n * (double)(n - 1)));
  if (var <= 0) { /* every value the same */
    out->p = 1;
    return TRUE;
  }
  double dev = fabs(out->u - mu) - 0.5; /* continuity correction */
  out->z = dev <= 0 ? 0 : copysign(dev / sqrt(var), out->u - mu);
  out->p = MIN(1.0, erfc(fabs(out->z) / M_SQRT2));
  return TRUE;
}

typedef struct {
  double p;
  gsize i;
} Indexed;

static int
cmp_indexed(const void *x, const void *y)
{
  const Indexed *a = x, *b = y;
  if (a->p != b->p)
    return a->p < b->p ? -1 : 1;
  return a->i < b->i ? -1 : a->i > b->i;
}

void
fk_stats_bh(const double *p, gsize n, double *q)
{
  Indexed *s = g_new(Indexed, n + 1);
  gsize m = 0;
  for (gsize i = 0; i < n; i++)
    if (!isnan(p[i]))
      s[m++] = (Indexed){p[i], i};
  for (gsize i = 0; i < n; i++)
    if (isnan(p[i]))
      q[i] = NAN;
  qsort(s, m, sizeof *s, cmp_indexed);
  /* q_(k) = min over j >= k of m p_(j) / j: step up from the largest. */
  double run = 1;
  for (gsize k = m; k > 0; k--) {
    double v = (double)m * s[k - 1].p / (double)k;
    run = MIN(run, v);
    q[s[k - 1].i] = run;
  }
  g_free(s);
}
