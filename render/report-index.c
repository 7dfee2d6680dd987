/* report-index.c -- the nightly index over report folders, and what a
 * folder says of itself for it (report.json: the index reads only that,
 * never the pages).
 *
 * report.json: {"flamekit_report": 1, "date", "title", "command",
 * "inputs": [...], "hosts": [...], "unit", "totals": [...], "verdict"}. */
#include "jsonout.h"
#include "report.h"

#include <string.h>

extern const char *const fk_report_css[];

char *
fk_report_verdict(const FkReport *r)
{
  if (!r->two_sided)
    return g_strdup("one side");
  const FkVerdicts *v = r->verdicts;
  if (v == NULL)
    return g_strdup("no verdict: fewer than 2 runs a side");
  guint slower = 0, faster = 0;
  for (guint i = 0; i < v->rows->len; i++) {
    FkVerdictKind k = g_array_index(v->rows, FkVerdictRow, i).verdict;
    slower += k == FK_VERDICT_SLOWER;
    faster += k == FK_VERDICT_FASTER;
  }
  gboolean total_slower = v->total.verdict == FK_VERDICT_SLOWER;
  if (slower > 0 || total_slower)
    return g_strdup_printf("regression: %s%u function%s slower, %u faster",
                           total_slower ? "the total and " : "", slower, slower == 1 ? "" : "s",
                           faster);
  return g_strdup_printf("no regression: %u function%s faster", faster, faster == 1 ? "" : "s");
}

gboolean
fk_report_write_meta(const FkReport *r, const FkRenderOptions *opts, FILE *out, GError **error)
{
  g_autoptr(GString) b = g_string_new("{\"flamekit_report\": 1, \"date\": ");
  fk_json_string_or_null(b, r->date);
  g_string_append(b, ", \"title\": ");
  fk_json_string_or_null(b, r->title);
  g_string_append(b, ", \"command\": ");
  fk_json_string_or_null(b, r->command_line);
  g_string_append(b, ", \"inputs\": [");
  const FkRunSummary *s = r->summary;
  for (gsize i = 0; s != NULL && i < s->n_inputs; i++) {
    if (i > 0)
      g_string_append(b, ", ");
    fk_json_string(b, s->inputs[i].path);
  }
  g_string_append(b, "], \"hosts\": [");
  /* the groups when they are hosts, else the hosts the inputs named */
  g_autoptr(GPtrArray) hosts = g_ptr_array_new();
  if (r->group_key && strcmp(r->group_key, "host") == 0)
    for (gsize g = 0; g < r->n_groups; g++)
      g_ptr_array_add(hosts, (gpointer)r->groups[g].name);
  for (gsize i = 0; hosts->len == 0 && s != NULL && i < s->n_inputs; i++)
    if (s->inputs[i].host != NULL &&
        !g_ptr_array_find_with_equal_func(hosts, s->inputs[i].host, g_str_equal, NULL))
      g_ptr_array_add(hosts, (gpointer)s->inputs[i].host);
  for (guint i = 0; i < hosts->len; i++) {
    if (i > 0)
      g_string_append(b, ", ");
    fk_json_string(b, hosts->pdata[i]);
  }
  g_string_append(b, "], \"unit\": ");
  fk_json_string(b, fk_render_unit(opts));
  g_string_append(b, ", \"totals\": [");
  char buf[32];
  for (guint c = 0; c < fk_tree_columns(r->tree); c++)
    g_string_append_printf(
        b, "%s\"%s\"", c ? ", " : "",
        fk_weight_format(fk_tree_total(r->tree, c), fk_tree_decimals(r->tree), buf));
  g_autofree char *v = fk_report_verdict(r);
  g_string_append(b, "], \"verdict\": ");
  fk_json_string(b, v);
  g_string_append(b, "}\n");
  if (fwrite(b->str, 1, b->len, out) != b->len || ferror(out)) {
    g_set_error_literal(error, FK_RENDER_ERROR, FK_RENDER_ERROR_IO, "write failed");
    return FALSE;
  }
  return TRUE;
}

static void
cell(GString *b, const char *s)
{
  g_string_append(b, "<td>");
  fk_report_html(b, s ? s : "-");
  g_string_append(b, "</td>");
}

gboolean
fk_report_write_index(const FkReportIndexEntry *e, gsize n, const char *version, FILE *out,
                      GError **error)
{
  g_autoptr(GString) b = g_string_new(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src "
      "'unsafe-inline'\">\n<title>flamekit reports</title>\n<style>\n");
  for (const char *const *l = fk_report_css; *l; l++)
    g_string_append(b, *l);
  g_string_append(b, "</style>\n</head>\n<body>\n<header><h1>flamekit reports</h1><p "
                     "class=\"made\">made by flamekit ");
  fk_report_html(b, version ? version : "");
  g_string_append_printf(b,
                         "; %zu report%s</p></header>\n<main>\n<table class=\"index\"><thead><tr>"
                         "<th>date</th><th>report</th><th>inputs</th><th>hosts</th>"
                         "<th>total</th><th>verdict</th></tr></thead><tbody>\n",
                         n, n == 1 ? "" : "s");
  for (gsize i = 0; i < n; i++) {
    const FkReportIndexEntry *x = &e[i];
    const char *cls = x->problem                                                 ? "problem"
                      : x->verdict && g_str_has_prefix(x->verdict, "regression") ? "v-slower"
                                                                                 : "";
    g_string_append_printf(b, "<tr class=\"%s\">", cls);
    cell(b, x->date);
    g_string_append(b, "<td><a href=\"");
    fk_report_html(b, x->href);
    g_string_append(b, "\">");
    fk_report_html(b, x->title ? x->title : x->href);
    g_string_append(b, "</a></td>");
    if (x->problem) {
      g_string_append(b, "<td colspan=\"4\">");
      fk_report_html(b, x->problem);
      g_string_append(b, "</td>");
    } else {
      cell(b, x->inputs);
      cell(b, x->hosts);
      cell(b, x->samples);
      cell(b, x->verdict);
    }
    g_string_append(b, "</tr>\n");
  }
  g_string_append(b, "</tbody></table>\n</main>\n</body>\n</html>\n");
  if (fwrite(b->str, 1, b->len, out) != b->len || ferror(out)) {
    g_set_error_literal(error, FK_RENDER_ERROR, FK_RENDER_ERROR_IO, "write failed");
    return FALSE;
  }
  return TRUE;
}
