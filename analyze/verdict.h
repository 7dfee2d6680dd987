/* verdict.h -- regression verdicts from repeated runs: per function, per run,
 * its self and inclusive weight; a two-sample test across the runs of each
 * side; the Benjamini-Hochberg procedure across functions; a verdict.
 *
 * The runs of a side are separate trees (one per capture). Values are the
 * absolute weights by default (the same work on both sides: a function that
 * did not change is not flagged because another one grew) or, normalized,
 * the function's share of its run's total. docs/statistics.md gives the
 * rules and the reasons for them. */
#pragma once

#include "stacktree.h"

typedef enum {
  FK_VERDICT_UNCHANGED,    /* the interval lies within the floor */
  FK_VERDICT_INCONCLUSIVE, /* the runs cannot decide at the floor */
  FK_VERDICT_FASTER,       /* significant (q <= fdr) and at least the floor smaller */
  FK_VERDICT_SLOWER,       /* significant and at least the floor larger */
} FkVerdictKind;

typedef enum {
  FK_TEST_AUTO,         /* Mann-Whitney from FK_VERDICT_RANK_RUNS runs a side, else Welch */
  FK_TEST_WELCH,        /* Welch's t on the per-run values */
  FK_TEST_MANN_WHITNEY, /* the rank test */
} FkTestKind;

/* The runs per side from which the automatic choice is the rank test. */
#define FK_VERDICT_RANK_RUNS 8

typedef struct {
  double fdr;         /* --fdr: the false discovery rate, 0.05 */
  double min_change;  /* --min-change: the materiality floor in percent, 2 */
  double min_samples; /* --min-samples: mean samples per run on the larger side, 10 */
  gboolean normalize; /* -n: compare shares of each run's total */
  FkTestKind test;    /* --test */
  double level;       /* confidence level of the intervals, 0.95 */
} FkVerdictOptions;

void fk_verdict_options_init(FkVerdictOptions *opts);

/* One measure (self or inclusive) of one function. */
typedef struct {
  double before, after; /* mean per run: weight, or percent of the run's total */
  double change;        /* (after - before) / before in percent; +INFINITY when new */
  double lo, hi;        /* the interval of CHANGE (percent), NaN when not tested */
  double p, q;          /* the test's p and its BH-adjusted q; NaN when not tested */
  gboolean tested;      /* FALSE: too few samples on both sides */
  FkVerdictKind verdict;
  guint runs_needed; /* inconclusive: about how many runs a side would decide (0: unknown) */
} FkMeasure;

typedef struct {
  const char *name; /* the function; "" for the total */
  FkMeasure self, total;
  FkVerdictKind verdict; /* slower when either is, else faster when either is, else unchanged
                          * when every tested one is, else inconclusive */
  double *values;        /* per run: self then total, each BEFORE's runs then AFTER's */
} FkVerdictRow;

typedef struct {
  FkVerdictOptions opts;
  guint runs[2];      /* BEFORE's and AFTER's */
  FkTestKind test;    /* the test used (never AUTO) */
  guint tests;        /* measures tested: the size of the BH family */
  FkVerdictRow total; /* the whole profile (its self is unused) */
  GArray *rows;       /* FkVerdictRow: the functions, most significant first */
  GStringChunk *names;
  GHashTable *by_name; /* name -> FkVerdictRow* of rows */
  char **run_names[2]; /* what each run was read from, or NULL (fk_verdicts_set_run_names) */
} FkVerdicts;

/* The verdicts of AFTER's NA runs against BEFORE's NB (both at least 2).
 * WEIGHT_PER_SAMPLE[side] converts a side's weights to samples for the
 * minimum (1 when the weights are counts; the mean period otherwise). */
FkVerdicts *fk_verdicts_new(FkTree *const *before, gsize nb, FkTree *const *after, gsize na,
                            const double weight_per_sample[2], const FkVerdictOptions *opts);
void fk_verdicts_free(FkVerdicts *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(FkVerdicts, fk_verdicts_free)

/* Names the runs of SIDE (0 BEFORE, 1 AFTER) for the outputs: N names,
 * copied, in the order the runs were given to fk_verdicts_new. */
void fk_verdicts_set_run_names(FkVerdicts *self, guint side, const char *const *names, gsize n);

/* The row of function NAME, or NULL. */
const FkVerdictRow *fk_verdicts_lookup(const FkVerdicts *self, const char *name);

/* "slower", "faster", "unchanged", "inconclusive". */
const char *fk_verdict_name(FkVerdictKind kind);
/* "welch", "mann-whitney" (AUTO: "auto"). */
const char *fk_test_name(FkTestKind kind);
gboolean fk_test_parse(const char *name, FkTestKind *kind);
