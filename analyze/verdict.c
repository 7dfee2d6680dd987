/* verdict.c -- the functions x runs table and the verdict rules (verdict.h).
 *
 * The table is built from fk_functions_collect of every run (the one
 * definition of a function's self and inclusive weight), names matched by
 * content because the two sides are read into their own interners. A
 * function missing from a run weighs 0 there. */
#include "verdict.h"

#include "functions.h"
#include "stats.h"

#include <math.h>
#include <string.h>

void
fk_verdict_options_init(FkVerdictOptions *opts)
{
  memset(opts, 0, sizeof *opts);
  opts->fdr = 0.05;
  opts->min_change = 2;
  opts->min_samples = 10;
  opts->test = FK_TEST_AUTO;
  opts->level = 0.95;
}

const char *
fk_verdict_name(FkVerdictKind kind)
{
  switch (kind) {
  case FK_VERDICT_UNCHANGED:
    return "unchanged";
  case FK_VERDICT_INCONCLUSIVE:
    return "inconclusive";
  case FK_VERDICT_FASTER:
    return "faster";
  case FK_VERDICT_SLOWER:
    return "slower";
  }
  return "?";
}

const char *
fk_test_name(FkTestKind kind)
{
  switch (kind) {
  case FK_TEST_AUTO:
    return "auto";
  case FK_TEST_WELCH:
    return "welch";
  case FK_TEST_MANN_WHITNEY:
    return "mann-whitney";
  }
  return "?";
}

gboolean
fk_test_parse(const char *name, FkTestKind *kind)
{
  for (int k = FK_TEST_AUTO; k <= FK_TEST_MANN_WHITNEY; k++)
    if (strcmp(name, fk_test_name((FkTestKind)k)) == 0) {
      *kind = (FkTestKind)k;
      return TRUE;
    }
  return FALSE;
}

typedef struct {
  const FkVerdictOptions *opts;
  FkTestKind test;
  gsize nb, na;
  const double *wps; /* weight per sample, per side */
  double quantum[2]; /* one sample in the units compared, per side */
} Ctx;

/* Tests one measure: VALUES (BEFORE's NB then AFTER's NA) as compared,
 * ABS the same in weights (for the sample minimum). Leaves q and the
 * verdict to decide once every p is known. */
static void
measure(const Ctx *c, const double *values, const double *abs, FkMeasure *m)
{
  memset(m, 0, sizeof *m);
  m->lo = m->hi = m->p = m->q = NAN;
  /* A count of timer samples is known to one sample: depending on where the
   * ticks fall, a phase of fixed length gets k or k + 1 of them, a variance
   * of up to 1/4 sample^2 that a few runs agreeing exactly would hide. */
  double q0 = c->quantum[0], q1 = c->quantum[1];
  FkWelch w;
  fk_stats_welch_min_var(values, c->nb, values + c->nb, c->na, c->opts->level, q0 * q0 / 4,
                         q1 * q1 / 4, &w);
  m->before = w.mean_a;
  m->after = w.mean_b;
  m->change =
      w.mean_a != 0 ? 100 * w.diff / w.mean_a : (w.diff == 0 ? 0 : copysign(INFINITY, w.diff));
  double sb, sa, var;
  fk_stats_mean_var(abs, c->nb, &sb, &var);
  fk_stats_mean_var(abs + c->nb, c->na, &sa, &var);
  sb /= c->wps[0] > 0 ? c->wps[0] : 1;
  sa /= c->wps[1] > 0 ? c->wps[1] : 1;
  if (MAX(sb, sa) < c->opts->min_samples)
    return;
  m->tested = TRUE;
  if (c->test == FK_TEST_MANN_WHITNEY) {
    FkMannWhitney mw;
    fk_stats_mann_whitney(values, c->nb, values + c->nb, c->na, &mw);
    m->p = mw.p;
  } else {
    m->p = w.p;
  }
  /* The interval of the difference of the means relative to BEFORE's mean
   * (its own uncertainty neglected: docs/statistics.md). */
  if (w.mean_a != 0) {
    m->lo = 100 * w.lo / w.mean_a;
    m->hi = 100 * w.hi / w.mean_a;
  }
  /* For the estimate of the runs needed: the interval's half width now. */
}

/* The verdict of M once its q is known, and for an inconclusive one the runs
 * per side that would make the interval narrow enough to decide: the half
 * width shrinks as 1/sqrt(n), so n' = n (h / gap)^2, where gap is what lies
 * between the change and the floor (to show it unchanged) or between the
 * change and zero (to show it significant). An estimate, not a promise. */
static void
decide(const Ctx *c, FkMeasure *m)
{
  double floor_pct = c->opts->min_change;
  if (!m->tested) {
    m->verdict = FK_VERDICT_INCONCLUSIVE;
    return;
  }
  gboolean significant = m->q <= c->opts->fdr;
  gboolean material = fabs(m->change) >= floor_pct;
  gboolean within = !isnan(m->lo) && m->lo > -floor_pct && m->hi < floor_pct;
  if (significant && material)
    m->verdict = m->change > 0 ? FK_VERDICT_SLOWER : FK_VERDICT_FASTER;
  else if (within)
    m->verdict = FK_VERDICT_UNCHANGED;
  else
    m->verdict = FK_VERDICT_INCONCLUSIVE;
  if (m->verdict != FK_VERDICT_INCONCLUSIVE || isnan(m->lo))
    return;
  double half = (m->hi - m->lo) / 2, ch = fabs(m->change);
  double gap = ch < floor_pct ? floor_pct - ch : ch;
  gap = MAX(gap, floor_pct / 10);
  double n = (double)MIN(c->nb, c->na) * (half / gap) * (half / gap);
  n = ceil(MIN(n, 10000));
  m->runs_needed = (guint)MAX(n, (double)MIN(c->nb, c->na) + 1);
}

static FkVerdictKind
combine(const FkVerdictRow *r)
{
  const FkMeasure *m[] = {&r->self, &r->total};
  gboolean any_tested = FALSE, all_unchanged = TRUE;
  for (int i = 0; i < 2; i++)
    if (m[i]->verdict == FK_VERDICT_SLOWER)
      return FK_VERDICT_SLOWER;
  for (int i = 0; i < 2; i++)
    if (m[i]->verdict == FK_VERDICT_FASTER)
      return FK_VERDICT_FASTER;
  for (int i = 0; i < 2; i++)
    if (m[i]->tested) {
      any_tested = TRUE;
      all_unchanged &= m[i]->verdict == FK_VERDICT_UNCHANGED;
    }
  return any_tested && all_unchanged ? FK_VERDICT_UNCHANGED : FK_VERDICT_INCONCLUSIVE;
}

static double
min_q(const FkVerdictRow *r)
{
  double a = isnan(r->self.q) ? INFINITY : r->self.q, b = isnan(r->total.q) ? INFINITY : r->total.q;
  return MIN(a, b);
}

/* Most significant first: the smallest q, then the largest change of the
 * inclusive weight, then by name. */
static int
cmp_rows(gconstpointer x, gconstpointer y)
{
  const FkVerdictRow *a = x, *b = y;
  double qa = min_q(a), qb = min_q(b);
  if (qa != qb)
    return qa < qb ? -1 : 1;
  double ca = fabs(a->total.after - a->total.before), cb = fabs(b->total.after - b->total.before);
  if (ca != cb)
    return ca > cb ? -1 : 1;
  return strcmp(a->name, b->name);
}

FkVerdicts *
fk_verdicts_new(FkTree *const *before, gsize nb, FkTree *const *after, gsize na,
                const double weight_per_sample[2], const FkVerdictOptions *opts)
{
  g_return_val_if_fail(nb >= 2 && na >= 2, NULL);
  FkVerdicts *v = g_new0(FkVerdicts, 1);
  v->opts = *opts;
  v->runs[0] = (guint)nb;
  v->runs[1] = (guint)na;
  v->test = opts->test;
  if (v->test == FK_TEST_AUTO)
    v->test = MIN(nb, na) >= FK_VERDICT_RANK_RUNS ? FK_TEST_MANN_WHITNEY : FK_TEST_WELCH;
  v->names = g_string_chunk_new(4096);
  v->by_name = g_hash_table_new(g_str_hash, g_str_equal);
  gsize n = nb + na;
  /* The table: name -> index; abs[(f * 2 + measure) * n + run]. */
  GHashTable *index = g_hash_table_new(g_str_hash, g_str_equal);
  GArray *abs = g_array_new(FALSE, TRUE, sizeof(double));
  double *run_total = g_new0(double, n);
  GPtrArray *names = g_ptr_array_new();
  for (gsize r = 0; r < n; r++) {
    const FkTree *t = r < nb ? before[r] : after[r - nb];
    double scale = (double)fk_pow10(fk_tree_decimals(t));
    guint col = fk_tree_columns(t) - 1; /* a two-count input: its AFTER, as everywhere */
    run_total[r] = (double)fk_tree_total(t, col) / scale;
    g_autoptr(GArray) fs = fk_functions_collect(t, FALSE);
    for (guint i = 0; i < fs->len; i++) {
      const FkFunction *f = &g_array_index(fs, FkFunction, i);
      gpointer idx;
      if (!g_hash_table_lookup_extended(index, f->name, NULL, &idx)) {
        const char *name = g_string_chunk_insert_const(v->names, f->name);
        idx = GUINT_TO_POINTER(names->len);
        g_ptr_array_add(names, (gpointer)name);
        g_hash_table_insert(index, (gpointer)name, idx);
        g_array_set_size(abs, abs->len + 2 * n);
      }
      gsize base = GPOINTER_TO_UINT(idx) * 2 * n;
      g_array_index(abs, double, base + r) += (double)f->self[col] / scale;
      g_array_index(abs, double, base + n + r) += (double)f->total[col] / scale;
    }
  }
  Ctx c = {opts, v->test, nb, na, weight_per_sample, {1, 1}};
  for (guint side = 0; side < 2; side++) {
    double mean_total = 0;
    gsize from = side == 0 ? 0 : nb, count = side == 0 ? nb : na;
    for (gsize r = from; r < from + count; r++)
      mean_total += run_total[r] / (double)count;
    double wps = weight_per_sample[side] > 0 ? weight_per_sample[side] : 1;
    c.quantum[side] = opts->normalize ? (mean_total > 0 ? 100 * wps / mean_total : 0) : wps;
  }
  double *vals = g_new(double, 2 * n);
  v->rows = g_array_sized_new(FALSE, TRUE, sizeof(FkVerdictRow), names->len);
  for (guint f = 0; f < names->len; f++) {
    FkVerdictRow row = {0};
    row.name = names->pdata[f];
    const double *a = &g_array_index(abs, double, (gsize)f * 2 * n);
    for (gsize i = 0; i < 2 * n; i++)
      vals[i] = opts->normalize ? (run_total[i % n] > 0 ? 100 * a[i] / run_total[i % n] : 0) : a[i];
    row.values = g_memdup2(vals, 2 * n * sizeof(double));
    measure(&c, vals, a, &row.self);
    measure(&c, vals + n, a + n, &row.total);
    g_array_append_val(v->rows, row);
  }
  /* The total: its share is always 100%, so normalized it is not tested. */
  v->total.name = "";
  v->total.values = g_new0(double, 2 * n);
  for (gsize r = 0; r < n; r++)
    v->total.values[n + r] = opts->normalize ? 100 : run_total[r];
  measure(&c, v->total.values + n, run_total, &v->total.total);
  v->total.self.tested = FALSE;
  if (opts->normalize)
    v->total.total.tested = FALSE, v->total.total.p = NAN;
  /* Benjamini-Hochberg over every measure tested: both measures of every
   * function and the total. */
  gsize m = 2 * (gsize)v->rows->len + 1;
  double *p = g_new(double, m);
  for (guint f = 0; f < v->rows->len; f++) {
    FkVerdictRow *r = &g_array_index(v->rows, FkVerdictRow, f);
    p[2 * f] = r->self.tested ? r->self.p : NAN;
    p[2 * f + 1] = r->total.tested ? r->total.p : NAN;
  }
  p[m - 1] = v->total.total.tested ? v->total.total.p : NAN;
  fk_stats_bh(p, m, p);
  for (gsize i = 0; i < m; i++)
    v->tests += !isnan(p[i]);
  for (guint f = 0; f < v->rows->len; f++) {
    FkVerdictRow *r = &g_array_index(v->rows, FkVerdictRow, f);
    r->self.q = p[2 * f];
    r->total.q = p[2 * f + 1];
    decide(&c, &r->self);
    decide(&c, &r->total);
    r->verdict = combine(r);
  }
  v->total.total.q = p[m - 1];
  decide(&c, &v->total.total);
  v->total.verdict = v->total.total.tested ? v->total.total.verdict : FK_VERDICT_INCONCLUSIVE;
  g_array_sort(v->rows, cmp_rows);
  for (guint f = 0; f < v->rows->len; f++) {
    FkVerdictRow *r = &g_array_index(v->rows, FkVerdictRow, f);
    g_hash_table_insert(v->by_name, (gpointer)r->name, r);
  }
  g_free(p);
  g_free(vals);
  g_free(run_total);
  g_ptr_array_free(names, TRUE);
  g_array_free(abs, TRUE);
  g_hash_table_destroy(index);
  return v;
}

void
fk_verdicts_free(FkVerdicts *self)
{
  if (self == NULL)
    return;
  for (guint f = 0; f < self->rows->len; f++)
    g_free(g_array_index(self->rows, FkVerdictRow, f).values);
  g_free(self->total.values);
  g_array_free(self->rows, TRUE);
  g_hash_table_destroy(self->by_name);
  g_string_chunk_free(self->names);
  g_strfreev(self->run_names[0]);
  g_strfreev(self->run_names[1]);
  g_free(self);
}

const FkVerdictRow *
fk_verdicts_lookup(const FkVerdicts *self, const char *name)
{
  return g_hash_table_lookup(self->by_name, name);
}

void
fk_verdicts_set_run_names(FkVerdicts *self, guint side, const char *const *names, gsize n)
{
  g_return_if_fail(side < 2 && n == self->runs[side]);
  g_strfreev(self->run_names[side]);
  self->run_names[side] = g_new0(char *, n + 1);
  for (gsize i = 0; i < n; i++)
    self->run_names[side][i] = g_strdup(names[i]);
}
