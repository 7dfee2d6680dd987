/* verdict.c -- the verdicts as a text table and as JSON (see verdict.h).
 *
 * Numbers: means per run in the profile's unit (or percent of the run's
 * total when normalized), changes and intervals in percent of BEFORE's mean,
 * p and q as computed. A value that does not exist (the change of a new
 * function, the interval of an untested measure) is null in JSON, "-" in
 * the table: never a made-up number. */
#include "verdict.h"

#include "jsonout.h"

#include <math.h>
#include <string.h>

char *
fk_verdict_interval(const FkMeasure *m)
{
  if (isnan(m->lo) || isnan(m->hi))
    return g_strdup("-");
  return g_strdup_printf("[%+.2f%%, %+.2f%%]", m->lo, m->hi);
}

static void
value(GString *s, double v, gboolean normalized)
{
  /* 62.896M nanoseconds: four significant digits or more, the unit in the header */
  if (normalized)
    g_string_append_printf(s, "%13.4f%%", v);
  else if (fabs(v) >= 1e9)
    g_string_append_printf(s, "%13.3fG", v / 1e9);
  else if (fabs(v) >= 1e6)
    g_string_append_printf(s, "%13.3fM", v / 1e6);
  else if (fabs(v) >= 1e4)
    g_string_append_printf(s, "%13.3fk", v / 1e3);
  else
    g_string_append_printf(s, "%14.2f", v);
}

static void
change(GString *s, double c)
{
  char buf[32];
  if (isinf(c))
    g_strlcpy(buf, c > 0 ? "new" : "gone", sizeof buf);
  else
    g_snprintf(buf, sizeof buf, "%+.2f%%", c);
  g_string_append_printf(s, " %9s", buf);
}

static void
qtext(GString *s, double q)
{
  if (isnan(q))
    g_string_append_printf(s, "%9s", "-");
  else if (q < 0.0001)
    g_string_append_printf(s, "%9s", "<0.0001");
  else
    g_string_append_printf(s, "%9.4f", q);
}

static void
verdict_text(GString *s, const FkMeasure *m)
{
  if (m->verdict == FK_VERDICT_INCONCLUSIVE && m->runs_needed > 0) {
    g_autofree char *t = g_strdup_printf("inconclusive (~%u runs)", m->runs_needed);
    g_string_append_printf(s, "%-24s", t);
  } else {
    g_string_append_printf(s, "%-24s", fk_verdict_name(m->verdict));
  }
}

static void
line(GString *s, const char *what, const FkMeasure *m, const char *name, gboolean normalized)
{
  verdict_text(s, m);
  g_string_append_printf(s, " %-6s", what);
  value(s, m->before, normalized);
  value(s, m->after, normalized);
  change(s, m->change);
  g_autofree char *iv = fk_verdict_interval(m);
  g_string_append_printf(s, " %-22s", iv);
  qtext(s, m->q);
  g_string_append_c(s, ' ');
  g_string_append(s, name);
  g_string_append_c(s, '\n');
}

gboolean
fk_verdicts_write_text(const FkVerdicts *v, const FkRenderOptions *opts, FILE *out, GError **error)
{
  g_autoptr(GString) s = g_string_new(NULL);
  const char *unit = fk_render_unit(opts);
  g_string_append_printf(
      s,
      "# %u runs before, %u after; %s of the %s per run (%s); Benjamini-Hochberg q <= %g; "
      "floor %g%%\n",
      v->runs[0], v->runs[1], v->test == FK_TEST_WELCH ? "Welch's t test" : "Mann-Whitney U test",
      v->opts.normalize ? "share of the total" : "weight", unit, v->opts.fdr, v->opts.min_change);
  g_string_append_printf(s, "%-24s %-6s%14s%14s %9s %-22s%9s %s\n", "verdict", "weight",
                         v->opts.normalize ? "before %" : "before",
                         v->opts.normalize ? "after %" : "after", "change", "95% interval", "q",
                         "function");
  g_autofree char *total_name = g_strdup_printf("[total] (%s)", unit);
  if (v->total.total.tested)
    line(s, "total", &v->total.total, total_name, v->opts.normalize);
  guint untested = 0;
  for (guint i = 0; i < v->rows->len; i++) {
    const FkVerdictRow *r = &g_array_index(v->rows, FkVerdictRow, i);
    /* self first when it is the more significant */
    const FkMeasure *m[2] = {&r->total, &r->self};
    const char *w[2] = {"total", "self"};
    if (!isnan(r->self.q) && (isnan(r->total.q) || r->self.q < r->total.q)) {
      m[0] = &r->self, m[1] = &r->total;
      w[0] = "self", w[1] = "total";
    }
    for (int k = 0; k < 2; k++)
      if (m[k]->tested)
        line(s, w[k], m[k], r->name, v->opts.normalize);
    untested += !r->self.tested && !r->total.tested;
  }
  if (untested > 0)
    g_string_append_printf(s,
                           "# %u functions below %g samples a run (--min-samples) not tested: "
                           "inconclusive\n",
                           untested, v->opts.min_samples);
  if (fwrite(s->str, 1, s->len, out) != s->len) {
    g_set_error_literal(error, FK_RENDER_ERROR, FK_RENDER_ERROR_IO, "write failed");
    return FALSE;
  }
  return TRUE;
}

static void
number(GString *s, double v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  if (isnan(v) || isinf(v))
    g_string_append(s, "null");
  else
    g_string_append(s, g_ascii_formatd(buf, sizeof buf, "%.6g", v));
}

static void
numbers(GString *s, const double *v, gsize n)
{
  g_string_append_c(s, '[');
  for (gsize i = 0; i < n; i++) {
    if (i > 0)
      g_string_append_c(s, ',');
    number(s, v[i]);
  }
  g_string_append_c(s, ']');
}

static void
json_measure(GString *s, const FkVerdicts *v, const FkMeasure *m, const double *runs)
{
  g_string_append(s, "{\"verdict\":");
  fk_json_string(s, fk_verdict_name(m->verdict));
  g_string_append_printf(s, ",\"tested\":%s,\"before\":", m->tested ? "true" : "false");
  number(s, m->before);
  g_string_append(s, ",\"after\":");
  number(s, m->after);
  g_string_append(s, ",\"change_pct\":");
  number(s, m->change);
  g_string_append(s, ",\"interval_pct\":");
  if (isnan(m->lo))
    g_string_append(s, "null");
  else {
    double iv[2] = {m->lo, m->hi};
    numbers(s, iv, 2);
  }
  g_string_append(s, ",\"p\":");
  number(s, m->tested ? m->p : NAN);
  g_string_append(s, ",\"q\":");
  number(s, m->q);
  g_string_append(s, ",\"runs_needed\":");
  if (m->runs_needed > 0)
    g_string_append_printf(s, "%u", m->runs_needed);
  else
    g_string_append(s, "null");
  g_string_append(s, ",\"runs\":{\"before\":");
  numbers(s, runs, v->runs[0]);
  g_string_append(s, ",\"after\":");
  numbers(s, runs + v->runs[0], v->runs[1]);
  g_string_append(s, "}}");
}

static void
run_names(GString *s, const FkVerdicts *v, guint side)
{
  g_string_append_printf(s, "{\"runs\":%u,\"inputs\":[", v->runs[side]);
  for (guint i = 0; v->run_names[side] != NULL && v->run_names[side][i] != NULL; i++) {
    if (i > 0)
      g_string_append_c(s, ',');
    fk_json_string(s, v->run_names[side][i]);
  }
  g_string_append(s, "]}");
}

gboolean
fk_verdicts_write_json(const FkVerdicts *v, const FkRenderOptions *opts, FILE *out, GError **error)
{
  g_autoptr(GString) s = g_string_new(NULL);
  gsize n = v->runs[0] + v->runs[1];
  g_string_append_printf(s, "{\"format\":\"flamekit-verdict\",\"format_version\":%d,\n\"unit\":",
                         FK_VERDICT_FORMAT_VERSION);
  fk_json_string_or_null(s, fk_render_unit(opts));
  g_string_append(s, ",\"compared\":");
  fk_json_string(s, v->opts.normalize ? "share" : "weight");
  g_string_append(s, ",\"test\":");
  fk_json_string(s, fk_test_name(v->test));
  g_string_append(s, ",\"fdr\":");
  number(s, v->opts.fdr);
  g_string_append(s, ",\"min_change_pct\":");
  number(s, v->opts.min_change);
  g_string_append(s, ",\"min_samples\":");
  number(s, v->opts.min_samples);
  g_string_append(s, ",\"level\":");
  number(s, v->opts.level);
  g_string_append_printf(s, ",\"tests\":%u,\n\"before\":", v->tests);
  run_names(s, v, 0);
  g_string_append(s, ",\n\"after\":");
  run_names(s, v, 1);
  g_string_append(s, ",\n\"total\":");
  json_measure(s, v, &v->total.total, v->total.values + n);
  g_string_append(s, ",\n\"functions\":[");
  gboolean ok = TRUE;
  for (guint i = 0; i < v->rows->len && ok; i++) {
    const FkVerdictRow *r = &g_array_index(v->rows, FkVerdictRow, i);
    g_string_append(s, i > 0 ? ",\n{\"name\":" : "\n{\"name\":");
    fk_json_string(s, r->name);
    g_string_append(s, ",\"verdict\":");
    fk_json_string(s, fk_verdict_name(r->verdict));
    g_string_append(s, ",\"self\":");
    json_measure(s, v, &r->self, r->values);
    g_string_append(s, ",\"total\":");
    json_measure(s, v, &r->total, r->values + n);
    g_string_append_c(s, '}');
    if (s->len > 65536) {
      ok = fwrite(s->str, 1, s->len, out) == s->len;
      g_string_truncate(s, 0);
    }
  }
  g_string_append(s, "]}\n");
  if (!ok || fwrite(s->str, 1, s->len, out) != s->len) {
    g_set_error_literal(error, FK_RENDER_ERROR, FK_RENDER_ERROR_IO, "write failed");
    return FALSE;
  }
  return TRUE;
}
