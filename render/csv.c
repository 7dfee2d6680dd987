/* csv.c -- the per-function table as CSV (RFC 4180, formula-safe).
 *
 * One column: functions.csv (rank, function, module, self, self %, total,
 * total %, hosts). Two columns (a diff tree): the diff table (before and after
 * self and total, both totals as % of their own totals, the change in
 * percentage points and the relative change of the total). Cells are quoted
 * when they hold a comma, a quote or a line end (C++ names have commas); a
 * text cell that a spreadsheet would run as a formula (starting with = + - @,
 * TAB or CR) gets a leading apostrophe. Lines end in CRLF as RFC 4180 says.
 * A diff over repeated runs writes its verdict table instead. */
#include "writer.h"

#include "../analyze/functions.h"
#include "../analyze/verdict.h"

#include <math.h>
#include <string.h>

static void
cell(GString *s, const char *text)
{
  gboolean formula = strchr("=+-@\t\r", text[0]) != NULL && text[0] != '\0';
  gboolean quote = formula || strpbrk(text, ",\"\r\n") != NULL;
  if (quote)
    g_string_append_c(s, '"');
  if (formula)
    g_string_append_c(s, '\'');
  for (const char *p = text; *p; p++) {
    if (*p == '"')
      g_string_append_c(s, '"');
    g_string_append_c(s, *p);
  }
  if (quote)
    g_string_append_c(s, '"');
}

static void
num(GString *s, gint64 v, guint decimals)
{
  char buf[32];
  g_string_append_c(s, ',');
  g_string_append(s, fk_weight_format(v, decimals, buf));
}

static void
pct(GString *s, double v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  g_string_append_c(s, ',');
  g_string_append(s, g_ascii_formatd(buf, sizeof buf, "%.4f", v));
}

static void
real(GString *s, double v, const char *fmt)
{
  g_string_append_c(s, ',');
  if (!isnan(v) && !isinf(v)) { /* else empty: the value does not exist */
    char buf[G_ASCII_DTOSTR_BUF_SIZE];
    g_string_append(s, g_ascii_formatd(buf, sizeof buf, fmt, v));
  }
}

static void
measure(GString *s, const FkMeasure *m)
{
  g_string_append_c(s, ',');
  cell(s, fk_verdict_name(m->verdict));
  real(s, m->before, "%.6g");
  real(s, m->after, "%.6g");
  real(s, m->change, "%.4f");
  real(s, m->lo, "%.4f");
  real(s, m->hi, "%.4f");
  real(s, m->tested ? m->p : NAN, "%.6g");
  real(s, m->q, "%.6g");
  if (m->runs_needed > 0)
    g_string_append_printf(s, ",%u", m->runs_needed);
  else
    g_string_append_c(s, ',');
}

/* The verdicts of a diff over repeated runs (docs/statistics.md): the total first,
 * then the functions most significant first; the self and the inclusive
 * measure side by side. */
static gboolean
verdicts_csv(const FkVerdicts *v, const FkRenderOptions *opts, FILE *out, GError **error)
{
  g_autoptr(GString) s = g_string_new(NULL);
  const char *what = v->opts.normalize ? "pct" : "mean";
  g_autofree char *u = g_ascii_strdown(fk_render_unit(opts), -1);
  for (char *p = u; *p; p++)
    if (!g_ascii_isalnum(*p))
      *p = '_';
  g_string_append(s, "rank,kind,function,verdict");
  const char *ms[] = {"self", "total"};
  for (int k = 0; k < 2; k++)
    g_string_append_printf(s,
                           ",%s_verdict,%s_before_%s,%s_after_%s,%s_change_pct,%s_low_pct,"
                           "%s_high_pct,%s_p,%s_q,%s_runs_needed",
                           ms[k], ms[k], v->opts.normalize ? what : u, ms[k],
                           v->opts.normalize ? what : u, ms[k], ms[k], ms[k], ms[k], ms[k], ms[k]);
  g_string_append(s, "\r\n");
  gboolean ok = TRUE;
  for (guint i = 0; i <= v->rows->len && ok; i++) {
    const FkVerdictRow *r = i == 0 ? &v->total : &g_array_index(v->rows, FkVerdictRow, i - 1);
    g_string_append_printf(s, "%u,%s,", i, i == 0 ? "total" : "function");
    cell(s, r->name);
    g_string_append_c(s, ',');
    cell(s, fk_verdict_name(r->verdict));
    measure(s, &r->self);
    measure(s, &r->total);
    g_string_append(s, "\r\n");
    if (s->len > 65536) {
      ok = fwrite(s->str, 1, s->len, out) == s->len;
      g_string_truncate(s, 0);
    }
  }
  if (!ok || fwrite(s->str, 1, s->len, out) != s->len) {
    g_set_error_literal(error, FK_RENDER_ERROR, FK_RENDER_ERROR_IO, "write failed");
    return FALSE;
  }
  return TRUE;
}

static gboolean
csv_write(const FkTree *tree, const FkRenderOptions *opts, FILE *out, GError **error)
{
  if (opts->verdicts != NULL)
    return verdicts_csv(opts->verdicts, opts, out, error);
  gboolean diff = fk_tree_columns(tree) == 2;
  guint dec = fk_tree_decimals(tree);
  g_autoptr(GArray) rows = fk_functions_collect(tree, diff);
  g_autoptr(GString) s = g_string_new(NULL);
  /* The unit in the weight columns' names: "self_nanoseconds". */
  g_autofree char *u = g_ascii_strdown(fk_render_unit(opts), -1);
  for (char *p = u; *p; p++)
    if (!g_ascii_isalnum(*p))
      *p = '_';
  if (diff)
    g_string_append_printf(s,
                           "rank,function,module,before_self_%s,after_self_%s,before_total_%s,"
                           "after_total_%s,before_total_pct,after_total_pct,total_change_pp,"
                           "relative_change,before_self_pct,after_self_pct,self_change_pp\r\n",
                           u, u, u, u);
  else
    g_string_append_printf(s, "rank,function,module,self_%s,self_pct,total_%s,total_pct,hosts\r\n",
                           u, u);
  gboolean ok = fwrite(s->str, 1, s->len, out) == s->len;
  for (guint i = 0; i < rows->len && ok; i++) {
    const FkFunction *f = &g_array_index(rows, FkFunction, i);
    g_autofree char *module = fk_function_module(f->name);
    g_string_printf(s, "%u,", i + 1);
    cell(s, f->name);
    g_string_append_c(s, ',');
    cell(s, module);
    if (diff) {
      num(s, f->self[0], dec);
      num(s, f->self[1], dec);
      num(s, f->total[0], dec);
      num(s, f->total[1], dec);
      /* Shares of each side's own total and their change (fk_function_change:
       * what the graph colours and the verdict use). */
      pct(s, fk_function_share(tree, f->total, 0));
      pct(s, fk_function_share(tree, f->total, 1));
      pct(s, fk_function_change(tree, f->total));
      if (f->total[0] != 0)
        pct(s, ((double)f->total[1] - (double)f->total[0]) / (double)f->total[0]);
      else
        g_string_append_c(s, ','); /* new in AFTER: no relative change */
      pct(s, fk_function_share(tree, f->self, 0));
      pct(s, fk_function_share(tree, f->self, 1));
      pct(s, fk_function_change(tree, f->self));
    } else {
      num(s, f->self[0], dec);
      pct(s, fk_function_share(tree, f->self, 0));
      num(s, f->total[0], dec);
      pct(s, fk_function_share(tree, f->total, 0));
      gint hosts = fk_summary_hosts(opts->summary, f->hosts);
      if (hosts < 0)
        g_string_append_c(s, ','); /* several hosts, not grouped: unknown per function */
      else
        g_string_append_printf(s, ",%d", hosts);
    }
    g_string_append(s, "\r\n");
    ok = fwrite(s->str, 1, s->len, out) == s->len;
  }
  if (!ok)
    g_set_error_literal(error, FK_RENDER_ERROR, FK_RENDER_ERROR_IO, "write failed");
  return ok;
}

const FkWriter fk_writer_csv = {
    .name = "csv",
    .extension = ".csv",
    .summary = "per-function table (functions.csv; the diff table for two profiles)",
    .write = csv_write,
};
