/* stats.h -- the statistics of regression verdicts: two-sample tests over
 * per-run values, the false discovery rate across many tests, intervals.
 *
 * Small and self-contained (libm only): Welch's t test with the
 * Welch-Satterthwaite degrees of freedom and the t distribution's p-value
 * from the regularized incomplete beta function; the Mann-Whitney U test,
 * exact for small samples without ties, else the normal approximation with
 * the tie correction; the Benjamini-Hochberg adjustment. docs/statistics.md
 * says which test `diff` uses when and why. Nothing here allocates more than
 * scratch, reads files or prints. */
#pragma once

#include <glib.h>

/* Mean and sample variance (divisor N-1; 0 when N < 2) of X[0..N). */
void fk_stats_mean_var(const double *x, gsize n, double *mean, double *var);

/* The regularized incomplete beta function I_x(a, b), a, b > 0, 0 <= x <= 1,
 * by its continued fraction (modified Lentz), to about 1e-14. */
double fk_stats_incbeta(double a, double b, double x);

/* Two-sided p-value of Student's t distribution with DF (> 0, not
 * necessarily whole) degrees of freedom: P(|T| >= |t|) = I_{df/(df+t^2)}(df/2,
 * 1/2). */
double fk_stats_t_p2(double t, double df);

/* The quantile of the t distribution: the t with P(T <= t) = P, 0 < P < 1. */
double fk_stats_t_quantile(double p, double df);

typedef struct {
  double mean_a, mean_b; /* of the two samples */
  double diff;           /* mean_b - mean_a */
  double se;             /* standard error of diff */
  double t;              /* diff / se; 0 when both samples are constant and equal */
  double df;             /* Welch-Satterthwaite */
  double p;              /* two-sided */
  double lo, hi;         /* confidence interval of diff at the level asked */
} FkWelch;

/* Welch's unequal-variance t test of B against A (each at least 2 values),
 * and the LEVEL (0.95) confidence interval of mean(B) - mean(A). When both
 * variances are 0 the test is decided by the means alone: p 1 when they are
 * equal, else 0 (and df n_a + n_b - 2). FALSE when a sample has fewer than 2
 * values. */
gboolean fk_stats_welch(const double *a, gsize na, const double *b, gsize nb, double level,
                        FkWelch *out);
/* The same with each sample's variance taken as at least MIN_VAR_A and
 * MIN_VAR_B: what is known of the values' resolution whatever the samples
 * show (a count of timer samples is known to about one sample, so a few runs
 * that happen to agree exactly do not make a variance of 0). */
gboolean fk_stats_welch_min_var(const double *a, gsize na, const double *b, gsize nb, double level,
                                double min_var_a, double min_var_b, FkWelch *out);

typedef struct {
  double u;       /* U of sample A: pairs (a, b) with a > b, ties counting one half */
  double z;       /* the normal approximation's z (0 when exact) */
  double p;       /* two-sided */
  gboolean exact; /* p from the exact distribution of U (no ties, small samples) */
} FkMannWhitney;

/* The largest samples whose exact U distribution is computed; beyond, or
 * with ties, the normal approximation (continuity and tie corrected). */
#define FK_STATS_MW_EXACT_MAX 20

/* The Mann-Whitney U (Wilcoxon rank-sum) test of A against B (each at least
 * 1 value). FALSE when a sample is empty. */
gboolean fk_stats_mann_whitney(const double *a, gsize na, const double *b, gsize nb,
                               FkMannWhitney *out);

/* Benjamini-Hochberg adjusted p-values ("q-values") of P[0..N) into Q: the
 * smallest false discovery rate at which each test is a discovery. NaN
 * entries (tests not made) are left out of the count and get NaN. P and Q
 * may be the same array. */
void fk_stats_bh(const double *p, gsize n, double *q);
