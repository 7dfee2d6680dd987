/* report-md.c -- `flamekit report -o summary.md`: the Markdown summary to
 * paste into a ticket: what was read, the verdict, the top functions, and
 * the command that made it (so whoever reads the ticket can make it again).
 * GitHub-flavoured tables; every name through fk_report_md. */
#include "../analyze/functions.h"
#include "report.h"
#include "verdict.h"

#include <math.h>
#include <string.h>

static void
md(GString *b, const char *s)
{
  fk_report_md(b, s);
}

static int
cmp_self(gconstpointer a, gconstpointer b, gpointer data)
{
  guint col = GPOINTER_TO_UINT(data);
  const FkFunction *x = a, *y = b;
  if (x->self[col] != y->self[col])
    return x->self[col] > y->self[col] ? -1 : 1;
  return strcmp(x->name, y->name);
}

static int
cmp_change(gconstpointer a, gconstpointer b, gpointer data)
{
  const FkTree *t = data;
  const FkFunction *x = a, *y = b;
  double cx = fabs(fk_function_change(t, x->self)), cy = fabs(fk_function_change(t, y->self));
  if (cx != cy)
    return cx > cy ? -1 : 1;
  return strcmp(x->name, y->name);
}

static double
share(gint64 v, gint64 of)
{
  return of > 0 ? 100.0 * (double)v / (double)of : 0.0;
}

gboolean
fk_report_write_markdown(const FkReport *r, const FkRenderOptions *opts, guint top, FILE *out,
                         GError **error)
{
  g_autoptr(GString) b = g_string_new(NULL);
  const FkTree *t = r->tree;
  guint cols = fk_tree_columns(t), col = cols - 1;
  guint dec = fk_tree_decimals(t);
  const char *unit = fk_render_unit(opts);
  char buf[32], buf2[32];
  g_string_append(b, "## ");
  md(b, r->title ? r->title : "flamekit report");
  g_string_append(b, "\n\n");
  const FkRunSummary *s = r->summary;
  if (r->two_sided) {
    g_string_append(b, "- before: ");
    md(b, r->before_name ? r->before_name : "?");
    g_string_append_printf(
        b, " (%s %s)\n- after: ", fk_weight_format(fk_tree_total(t, 0), dec, buf), unit);
    md(b, r->after_name ? r->after_name : "?");
    g_string_append_printf(b, " (%s %s)\n", fk_weight_format(fk_tree_total(t, 1), dec, buf), unit);
    g_autofree char *v = fk_report_verdict(r);
    g_string_append(b, "- verdict: **");
    md(b, v);
    g_string_append(b, "**\n");
  } else {
    g_string_append(b, "- inputs: ");
    for (gsize i = 0; s != NULL && i < s->n_inputs; i++) {
      if (i > 0)
        g_string_append(b, ", ");
      md(b, strcmp(s->inputs[i].path, "-") == 0 ? "standard input" : s->inputs[i].path);
    }
    g_string_append_printf(b, "\n- %s: %s\n", unit,
                           fk_weight_format(fk_tree_total(t, col), dec, buf));
  }
  if (s != NULL && s->hosts > 0)
    g_string_append_printf(b, "- hosts: %u\n", s->hosts);
  if (r->has_time)
    g_string_append_printf(b, "- time range: %.3f s\n",
                           (double)(r->time_last - r->time_first) / 1e9);
  g_string_append_printf(b, "- skipped: %" G_GUINT64_FORMAT "\n", s ? s->skipped : 0);
  if (r->date) {
    g_string_append(b, "- made: ");
    md(b, r->date);
    g_string_append(b, "\n");
  }

  if (r->verdicts != NULL) {
    const FkVerdicts *v = r->verdicts;
    guint n = 0;
    for (guint i = 0; i < v->rows->len; i++)
      n += g_array_index(v->rows, FkVerdictRow, i).verdict == FK_VERDICT_SLOWER ||
           g_array_index(v->rows, FkVerdictRow, i).verdict == FK_VERDICT_FASTER;
    g_string_append_printf(b, "\n### Significant changes (%u runs before, %u after, q <= %g)\n\n",
                           v->runs[0], v->runs[1], v->opts.fdr);
    if (n == 0)
      g_string_append(b, "none\n");
    else
      g_string_append(b, "| verdict | weight | change | 95% interval | q | function |\n"
                         "| --- | --- | ---: | --- | ---: | --- |\n");
    guint shown = 0;
    for (guint i = 0; i < v->rows->len && shown < top; i++) {
      const FkVerdictRow *row = &g_array_index(v->rows, FkVerdictRow, i);
      if (row->verdict != FK_VERDICT_SLOWER && row->verdict != FK_VERDICT_FASTER)
        continue;
      const FkMeasure *m = row->self.verdict == row->verdict ? &row->self : &row->total;
      g_autofree char *iv = fk_verdict_interval(m);
      if (isinf(m->change))
        g_strlcpy(buf, "new", sizeof buf);
      else
        g_snprintf(buf, sizeof buf, "%+.2f%%", m->change);
      g_string_append_printf(b, "| %s | %s | %s | %s | %.2g | ", fk_verdict_name(row->verdict),
                             m == &row->self ? "self" : "total", buf, iv, m->q);
      md(b, row->name);
      g_string_append(b, " |\n");
      shown++;
    }
    if (n > shown)
      g_string_append_printf(b, "\n%u more in the HTML report\n", n - shown);
  }

  g_autoptr(GArray) fns = fk_functions_collect(t, FALSE);
  if (r->two_sided) {
    g_array_sort_with_data(fns, cmp_change, (gpointer)t);
    g_string_append_printf(b, "\n### Top %u changes in self share\n\n", MIN(top, fns->len));
    g_string_append(
        b, "| before % | after % | change (pp) | function |\n| ---: | ---: | ---: | --- |\n");
  } else {
    g_array_sort_with_data(fns, cmp_self, GUINT_TO_POINTER(col));
    g_string_append_printf(b, "\n### Top %u functions by self weight\n\n", MIN(top, fns->len));
    g_string_append_printf(b, "| self | self %% | total | total %% | function |\n"
                              "| ---: | ---: | ---: | ---: | --- |\n");
  }
  for (guint i = 0; i < fns->len && i < top; i++) {
    const FkFunction *f = &g_array_index(fns, FkFunction, i);
    if (r->two_sided) {
      g_string_append_printf(b, "| %.2f | %.2f | %+.2f | ", share(f->self[0], fk_tree_total(t, 0)),
                             share(f->self[1], fk_tree_total(t, 1)),
                             fk_function_change(t, f->self));
    } else {
      gint64 tot = fk_tree_total(t, col);
      g_string_append_printf(b, "| %s | %.2f | %s | %.2f | ",
                             fk_weight_format(f->self[col], dec, buf), share(f->self[col], tot),
                             fk_weight_format(f->total[col], dec, buf2), share(f->total[col], tot));
    }
    md(b, f->name);
    g_string_append(b, " |\n");
  }
  if (fns->len > top)
    g_string_append_printf(b, "\n%u more functions in the HTML report\n", fns->len - top);
  if (r->command_line) {
    /* A fence longer than any run of backticks in the command. */
    guint run = 0, longest = 0;
    for (const char *p = r->command_line; *p; p++) {
      run = *p == '`' ? run + 1 : 0;
      longest = MAX(longest, run);
    }
    g_autofree char *fence = g_strnfill(MAX(3, longest + 1), '`');
    g_autofree char *shown = fk_report_display_name(r->command_line);
    g_string_append_printf(b, "\nmade by flamekit %s with\n\n%s\n%s\n%s\n",
                           r->version ? r->version : "", fence, shown, fence);
  }
  if (fwrite(b->str, 1, b->len, out) != b->len || ferror(out)) {
    g_set_error_literal(error, FK_RENDER_ERROR, FK_RENDER_ERROR_IO, "write failed");
    return FALSE;
  }
  return TRUE;
}
