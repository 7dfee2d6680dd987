/* report.c -- `flamekit report`'s HTML page: one self-contained file (no
 * request leaves it: style, script and graphs inline, and a
 * Content-Security-Policy that forbids any fetch) with the summary of the
 * run, the function table, the flame graph and icicle, the groups side by
 * side, the caller/callee ("sandwich") view and, with two sides, the
 * verdicts and the differential graph.
 *
 * What the C side writes is text and data: the summary and verdict tables
 * as escaped HTML, and one JSON document (functions, a compact copy of the
 * tree for the caller/callee view, the page's settings) inside a
 * <script type="application/json">. The graphs are fk_writer_svg's output,
 * byte for byte, each as a JSON string: the script (report.js) turns one
 * into a live SVG document in a frame of its own only when it is shown, so
 * the SVG script's globals and ids never meet. Every string from the input
 * goes through report-escape.c. */
#include "report.h"

#include "../analyze/collect.h"
#include "../analyze/functions.h"
#include "verdict.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

extern const char *const fk_report_js[];
extern const char *const fk_report_css[];
extern const char *const fk_svg_js[];

/* The caller/callee view reads a copy of the tree. Frames narrower than
 * this fraction of the total are left out of it (and counted on the page):
 * they are far below a pixel in any view, and a profile of millions of
 * nodes would otherwise make the page too heavy to open. */
#define SANDWICH_MIN_FRACTION 1e-5

static void
html(GString *b, const char *s)
{
  fk_report_html(b, s);
}

static const char *
weight(gint64 v, guint decimals, char *buf)
{
  return fk_weight_format(v, decimals, buf);
}

/* The SVG writer's page for TREE, as a JSON string into B. */
static gboolean
svg_json(GString *b, const FkTree *tree, const FkRenderOptions *base, const char *title,
         gboolean inverted, GError **error)
{
  FkRenderOptions o = *base;
  o.title = title;
  o.inverted = inverted;
  o.width = 0; /* fluid: the frame's width */
  char *text = NULL;
  size_t len = 0;
  FILE *mem = open_memstream(&text, &len);
  if (mem == NULL) {
    g_set_error_literal(error, FK_RENDER_ERROR, FK_RENDER_ERROR_IO, "out of memory");
    return FALSE;
  }
  gboolean ok = fk_writer_svg.write(tree, &o, mem, error);
  if (fclose(mem) != 0 && ok) {
    g_set_error_literal(error, FK_RENDER_ERROR, FK_RENDER_ERROR_IO, "out of memory");
    ok = FALSE;
  }
  if (ok) {
    /* The SVG script, the same in every graph, is carried once (#svg-script):
     * a hundred hosts' graphs would otherwise repeat it a hundred times. */
    static const char open[] = "<script type=\"text/ecmascript\"><![CDATA[\n";
    static const char close[] = "]]></script>\n";
    char *from = strstr(text, open);
    char *to = from ? strstr(from, close) : NULL;
    if (to != NULL)
      memmove(from, to + strlen(close), strlen(to + strlen(close)) + 1);
    fk_report_js_string(b, text);
  }
  free(text);
  return ok;
}

static void
data_script(GString *b, const char *id)
{
  g_string_append_printf(b, "<script type=\"application/json\" id=\"%s\">", id);
}

/* Name indexes, one per interned name: the page's data holds each name once. */
typedef struct {
  GHashTable *index; /* const char* (interned) -> index + 1 */
  GString *json;     /* the names array's elements */
  guint n;
} Names;

static guint
name_index(Names *nm, const char *name)
{
  guint i = GPOINTER_TO_UINT(g_hash_table_lookup(nm->index, name));
  if (i > 0)
    return i - 1;
  g_autofree char *shown = fk_report_display_name(name);
  if (nm->n > 0)
    g_string_append_c(nm->json, ',');
  fk_report_js_string(nm->json, shown);
  g_hash_table_insert(nm->index, (gpointer)name, GUINT_TO_POINTER(nm->n + 1));
  return nm->n++;
}

static void
append_int(GString *b, gint64 v)
{
  g_string_append_printf(b, "%" G_GINT64_FORMAT, v);
}

static void
append_real(GString *b, double v)
{
  if (isnan(v) || isinf(v)) {
    g_string_append(b, "null");
    return;
  }
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  g_string_append(b, g_ascii_formatd(buf, sizeof buf, "%.4f", v));
}

/* The page's data: functions, the tree for the caller/callee view, the
 * groups. */
/* Each group's functions (name and self weight in the last column, in no
 * order), from its own tree or, without one, from its subtree of the
 * grouped tree in one walk over it (no tree per group made). */
static GArray **
group_functions(const FkReport *r)
{
  GArray **out = g_new0(GArray *, r->n_groups + 1);
  if (r->n_groups < 2)
    return out;
  if (r->groups[0].tree != NULL) {
    for (gsize g = 0; g < r->n_groups; g++)
      out[g] = fk_functions_collect(r->groups[g].tree, FALSE);
    return out;
  }
  const FkTree *t = r->grouped;
  guint col = fk_tree_columns(t) - 1;
  gsize n = fk_tree_size(t);
  g_autofree guint32 *gid = g_new(guint32, n);
  g_autoptr(GHashTable) by_node = g_hash_table_new(NULL, NULL);
  GHashTable **index = g_new0(GHashTable *, r->n_groups); /* name -> row + 1 */
  for (gsize g = 0; g < r->n_groups; g++) {
    g_hash_table_insert(by_node, GUINT_TO_POINTER(r->groups[g].node), GUINT_TO_POINTER(g + 1));
    out[g] = g_array_new(FALSE, TRUE, sizeof(FkFunction));
    index[g] = g_hash_table_new(NULL, NULL);
  }
  gid[FK_ROOT] = G_MAXUINT32;
  for (gsize i = 1; i < n; i++) {
    const FkNode *nd = fk_tree_node(t, (FkNodeId)i);
    guint g1 = nd->parent == FK_ROOT
                   ? GPOINTER_TO_UINT(g_hash_table_lookup(by_node, GUINT_TO_POINTER(i)))
                   : 0;
    gid[i] = nd->parent == FK_ROOT ? (g1 ? g1 - 1 : G_MAXUINT32) : gid[nd->parent];
    if (gid[i] == G_MAXUINT32 || nd->parent == FK_ROOT || fk_is_group_frame(nd->name))
      continue;
    GArray *fns = out[gid[i]];
    guint row = GPOINTER_TO_UINT(g_hash_table_lookup(index[gid[i]], nd->name));
    if (row == 0) {
      FkFunction f = {.name = nd->name};
      g_array_append_val(fns, f);
      row = fns->len;
      g_hash_table_insert(index[gid[i]], (gpointer)nd->name, GUINT_TO_POINTER(row));
    }
    g_array_index(fns, FkFunction, row - 1).self[col] += fk_node_self(t, (FkNodeId)i, col);
  }
  for (gsize g = 0; g < r->n_groups; g++)
    g_hash_table_unref(index[g]);
  g_free(index);
  return out;
}

/* A group's total: its tree's, or its frame's in the grouped tree. */
static gint64
group_total(const FkReport *r, gsize g)
{
  const FkTree *t = r->groups[g].tree ? r->groups[g].tree : r->grouped;
  guint col = fk_tree_columns(t) - 1;
  return r->groups[g].tree ? fk_tree_total(t, col) : fk_node_total(t, r->groups[g].node, col);
}

/* Function name (interned) -> the groups it appears in, when the groups
 * are hosts and there are several; else NULL. The trees share the
 * interner, so the names compare as pointers. */
static GHashTable *
hosts_per_function(const FkReport *r, GArray *const *gfns)
{
  if (r->n_groups < 2 || r->group_key == NULL || strcmp(r->group_key, "host") != 0)
    return NULL;
  GHashTable *seen = g_hash_table_new(NULL, NULL);
  for (gsize g = 0; g < r->n_groups; g++) {
    const GArray *fns = gfns[g];
    for (guint i = 0; i < fns->len; i++) {
      const char *name = g_array_index(fns, FkFunction, i).name;
      guint n = GPOINTER_TO_UINT(g_hash_table_lookup(seen, name));
      g_hash_table_insert(seen, (gpointer)name, GUINT_TO_POINTER(n + 1));
    }
  }
  return seen;
}

static void
page_data(GString *b, const FkReport *r, const FkRenderOptions *opts, GArray *const *gfns)
{
  g_autoptr(GHashTable) seen = hosts_per_function(r, gfns);
  const FkTree *t = r->tree;
  guint cols = fk_tree_columns(t), col = cols - 1;
  Names nm = {g_hash_table_new(NULL, NULL), g_string_new(NULL), 0};
  GString *fn = g_string_new(NULL);
  g_autoptr(GArray) rows = fk_functions_collect(t, FALSE);
  for (guint i = 0; i < rows->len; i++) {
    const FkFunction *f = &g_array_index(rows, FkFunction, i);
    if (i > 0)
      g_string_append_c(fn, ',');
    g_string_append_printf(fn, "[%u", name_index(&nm, f->name));
    for (guint c = 0; c < cols; c++) {
      g_string_append_c(fn, ',');
      append_int(fn, f->self[c]);
      g_string_append_c(fn, ',');
      append_int(fn, f->total[c]);
    }
    if (r->two_sided) {
      g_string_append_c(fn, ',');
      append_real(fn, fk_function_change(t, f->total));
      const FkVerdictRow *vr = r->verdicts ? fk_verdicts_lookup(r->verdicts, f->name) : NULL;
      g_string_append(fn, vr ? ",\"" : ",null");
      if (vr)
        g_string_append_printf(fn, "%s\"", fk_verdict_name(vr->verdict));
    } else {
      guint hosts = f->hosts;
      if (seen != NULL)
        hosts = GPOINTER_TO_UINT(g_hash_table_lookup(seen, f->name));
      g_string_append_printf(fn, ",%u", hosts);
    }
    g_string_append_c(fn, ']');
  }
  /* The tree, parents first (a parent's index is always smaller). */
  gsize n = fk_tree_size(t);
  gint64 total = fk_tree_total(t, col);
  gint64 min_total = (gint64)ceil((double)total * SANDWICH_MIN_FRACTION);
  g_autofree guint32 *map = g_new(guint32, n);
  GString *tp = g_string_new(NULL), *tn = g_string_new(NULL), *ts = g_string_new(NULL);
  guint32 kept = 0;
  guint64 left_out = 0;
  for (gsize i = 0; i < n; i++) {
    const FkNode *nd = fk_tree_node(t, (FkNodeId)i);
    map[i] = G_MAXUINT32;
    if (i != FK_ROOT &&
        (map[nd->parent] == G_MAXUINT32 || fk_node_total(t, (FkNodeId)i, col) < min_total ||
         fk_node_total(t, (FkNodeId)i, col) <= 0)) {
      left_out += fk_node_total(t, (FkNodeId)i, col) != 0;
      continue;
    }
    map[i] = kept;
    if (kept > 0) {
      g_string_append_c(tp, ',');
      g_string_append_c(tn, ',');
      g_string_append_c(ts, ',');
    }
    g_string_append_printf(tp, "%d", i == FK_ROOT ? -1 : (int)map[nd->parent]);
    g_string_append_printf(tn, "%d", i == FK_ROOT ? -1 : (int)name_index(&nm, nd->name));
    /* the self weight of a kept node includes its left-out children */
    gint64 self = fk_node_self(t, (FkNodeId)i, col);
    append_int(ts, self);
    kept++;
  }
  /* Left-out children's weight goes to their kept parent's self, so the
   * totals the view sums are the tree's. */
  g_autofree gint64 *extra = g_new0(gint64, kept);
  for (gsize i = 1; i < n; i++) {
    const FkNode *nd = fk_tree_node(t, (FkNodeId)i);
    if (map[i] == G_MAXUINT32 && map[nd->parent] != G_MAXUINT32)
      extra[map[nd->parent]] += fk_node_total(t, (FkNodeId)i, col);
  }
  if (left_out > 0) { /* rewrite the self column with the extra weight */
    g_string_truncate(ts, 0);
    for (guint32 k = 0, i = 0; i < n; i++) {
      if (map[i] == G_MAXUINT32)
        continue;
      if (k > 0)
        g_string_append_c(ts, ',');
      append_int(ts, fk_node_self(t, (FkNodeId)i, col) + extra[k]);
      k++;
    }
  }
  data_script(b, "fk-data");
  g_string_append_printf(b, "{\"version\":1,\"two\":%s,\"decimals\":%u,\"columns\":%u,\"unit\":",
                         r->two_sided ? "true" : "false", fk_tree_decimals(t), cols);
  fk_report_js_string(b, fk_render_unit(opts));
  g_string_append(b, ",\"totals\":[");
  for (guint c = 0; c < cols; c++) {
    if (c > 0)
      g_string_append_c(b, ',');
    append_int(b, fk_tree_total(t, c));
  }
  g_string_append(b, "],\"groupKey\":");
  fk_report_js_string(b, r->group_key ? r->group_key : "group");
  g_string_append(b, ",\"groups\":[");
  for (gsize g = 0; r->n_groups > 1 && g < r->n_groups; g++) {
    g_string_append_printf(b, "%s{\"name\":", g > 0 ? "," : "");
    fk_report_js_string(b, r->groups[g].name);
    g_string_append(b, ",\"total\":");
    append_int(b, group_total(r, g));
    g_autofree char *frame = fk_report_display_name(r->groups[g].frame ? r->groups[g].frame : "");
    g_string_append(b, ",\"frame\":");
    fk_report_js_string(b, frame);
    g_string_append_c(b, '}');
  }
  g_string_append_printf(b, "],\"sandwichLeftOut\":%" G_GUINT64_FORMAT ",\"names\":[", left_out);
  g_string_append_len(b, nm.json->str, (gssize)nm.json->len);
  g_string_append(b, "],\"functions\":[");
  g_string_append_len(b, fn->str, (gssize)fn->len);
  g_string_append(b, "],\"tree\":{\"p\":[");
  g_string_append_len(b, tp->str, (gssize)tp->len);
  g_string_append(b, "],\"n\":[");
  g_string_append_len(b, tn->str, (gssize)tn->len);
  g_string_append(b, "],\"s\":[");
  g_string_append_len(b, ts->str, (gssize)ts->len);
  g_string_append(b, "]}}</script>\n");
  g_hash_table_unref(nm.index);
  g_string_free(nm.json, TRUE);
  g_string_free(fn, TRUE);
  g_string_free(tp, TRUE);
  g_string_free(tn, TRUE);
  g_string_free(ts, TRUE);
}

static void
row2(GString *b, const char *key, const char *value)
{
  g_string_append(b, "<tr><th scope=\"row\">");
  html(b, key);
  g_string_append(b, "</th><td>");
  html(b, value);
  g_string_append(b, "</td></tr>\n");
}

static void
summary_section(GString *b, const FkReport *r, const FkRenderOptions *opts)
{
  const FkRunSummary *s = r->summary;
  const FkTree *t = r->tree;
  char buf[32];
  g_string_append(b, "<section id=\"summary\"><h2>Summary</h2>\n<table class=\"kv\">\n");
  if (r->two_sided) {
    row2(b, "before", r->before_name ? r->before_name : "?");
    row2(b, "after", r->after_name ? r->after_name : "?");
  }
  g_autofree char *verdict = fk_report_verdict(r);
  if (r->two_sided)
    row2(b, "verdict", verdict);
  const char *unit = fk_render_unit(opts);
  for (guint c = 0; c < fk_tree_columns(t); c++) {
    g_autofree char *k = g_strdup_printf("%s%s", unit,
                                         !r->two_sided ? ""
                                         : c == 0      ? " (before)"
                                                       : " (after)");
    row2(b, k, weight(fk_tree_total(t, c), fk_tree_decimals(t), buf));
  }
  if (s != NULL) {
    g_autofree char *hosts = g_strdup_printf("%u", s->hosts);
    row2(b, "hosts", s->hosts > 0 ? hosts : "none named");
  }
  if (r->n_groups > 1 && (r->group_key == NULL || strcmp(r->group_key, "host") != 0)) {
    g_autofree char *k = g_strdup_printf("%ss", r->group_key ? r->group_key : "group");
    g_autofree char *v = g_strdup_printf("%zu", r->n_groups);
    row2(b, k, v);
  }
  if (r->has_time) {
    double first = (double)r->time_first / 1e9, last = (double)r->time_last / 1e9;
    g_autofree char *v = g_strdup_printf("%.6f s .. %.6f s (%.3f s)", first, last, last - first);
    row2(b, "time range", v);
  } else {
    row2(b, "time range", "no sample had a time");
  }
  guint64 skipped = s ? s->skipped : 0;
  g_autofree char *sk = g_strdup_printf("%" G_GUINT64_FORMAT, skipped);
  row2(b, "skipped", skipped == 0 ? "nothing" : sk);
  if (r->command_line)
    row2(b, "command", r->command_line);
  g_string_append(b, "</table>\n");
  if (r->skipped != NULL && r->skipped[0] != NULL) {
    g_string_append(b, "<h3>What was skipped, and why</h3>\n<ul class=\"skipped\">\n");
    for (const char *const *m = r->skipped; *m; m++) {
      g_string_append(b, "<li>");
      html(b, *m);
      g_string_append(b, "</li>\n");
    }
    if (r->skipped_unshown > 0)
      g_string_append_printf(b, "<li>... and %" G_GUINT64_FORMAT " more</li>\n",
                             r->skipped_unshown);
    g_string_append(b, "</ul>\n");
  }
  if (s != NULL && s->n_inputs > 0) {
    g_string_append(b, "<h3>Inputs</h3>\n<table class=\"inputs\"><thead><tr>");
    if (r->two_sided)
      g_string_append(b, "<th>side</th>");
    g_string_append(b, "<th>input</th><th>format</th><th>host</th><th>event</th>"
                       "<th class=\"n\">weight</th><th>unit</th></tr></thead><tbody>\n");
    for (gsize i = 0; i < s->n_inputs; i++) {
      const FkInputSummary *in = &s->inputs[i];
      g_string_append(b, "<tr>");
      if (r->two_sided) {
        g_string_append(b, "<td>");
        html(b, in->role ? in->role : "");
        g_string_append(b, "</td>");
      }
      const char *cells[] = {strcmp(in->path, "-") == 0 ? "standard input" : in->path,
                             in->format ? in->format : "-", in->host ? in->host : "-",
                             in->event ? in->event : "-"};
      for (gsize c = 0; c < G_N_ELEMENTS(cells); c++) {
        g_string_append(b, "<td>");
        html(b, cells[c]);
        g_string_append(b, "</td>");
      }
      g_string_append(b, "<td class=\"n\">");
      html(b, in->has_total ? weight(in->total, in->decimals, buf) : "-");
      g_string_append(b, "</td><td>");
      html(b, in->weight_unit ? in->weight_unit : "-");
      g_string_append(b, "</td></tr>\n");
    }
    g_string_append(b, "</tbody></table>\n");
  }
  g_string_append(b, "</section>\n");
}

static void
verdict_section(GString *b, const FkReport *r)
{
  const FkVerdicts *v = r->verdicts;
  if (v == NULL)
    return;
  g_string_append(b, "<section id=\"verdicts\"><h2>Verdicts</h2>\n<p class=\"note\">");
  g_autofree char *how = g_strdup_printf(
      "%u runs before, %u after; %s on the %s per run; Benjamini-Hochberg q <= %g; floor %g%%",
      v->runs[0], v->runs[1], v->test == FK_TEST_WELCH ? "Welch's t test" : "Mann-Whitney U test",
      v->opts.normalize ? "share of the total" : "weight", v->opts.fdr, v->opts.min_change);
  html(b, how);
  g_string_append(b, "</p>\n<table class=\"verdicts\"><thead><tr><th>verdict</th><th>weight</th>"
                     "<th class=\"n\">before</th><th class=\"n\">after</th><th class=\"n\">change"
                     "</th><th>95% interval</th><th class=\"n\">q</th><th>function</th></tr>"
                     "</thead><tbody>\n");
  guint shown = 0, untested = 0;
  for (gint i = -1; i < (gint)v->rows->len; i++) {
    const FkVerdictRow *row = i < 0 ? &v->total : &g_array_index(v->rows, FkVerdictRow, i);
    const FkMeasure *m[2] = {&row->total, &row->self};
    const char *w[2] = {"total", "self"};
    if (i >= 0 && !isnan(row->self.q) && (isnan(row->total.q) || row->self.q < row->total.q)) {
      m[0] = &row->self, m[1] = &row->total;
      w[0] = "self", w[1] = "total";
    }
    gboolean any = FALSE;
    for (int k = 0; k < (i < 0 ? 1 : 2); k++) {
      if (!m[k]->tested)
        continue;
      any = TRUE;
      if (shown++ >= 500) /* the rest are in the verdict JSON and CSV */
        continue;
      const char *vn = fk_verdict_name(m[k]->verdict);
      g_string_append_printf(b, "<tr class=\"v-%s\"><td>%s</td><td>%s</td>", vn, vn, w[k]);
      char nb[3][64];
      g_snprintf(nb[0], sizeof nb[0], "%.6g", m[k]->before);
      g_snprintf(nb[1], sizeof nb[1], "%.6g", m[k]->after);
      if (isinf(m[k]->change))
        g_strlcpy(nb[2], "new", sizeof nb[2]);
      else
        g_snprintf(nb[2], sizeof nb[2], "%+.2f%%", m[k]->change);
      g_autofree char *iv = fk_verdict_interval(m[k]);
      g_string_append_printf(b,
                             "<td class=\"n\">%s</td><td class=\"n\">%s</td><td class=\"n\">%s"
                             "</td><td>%s</td><td class=\"n\">%.2g</td><td>",
                             nb[0], nb[1], nb[2], iv, m[k]->q);
      if (i < 0) {
        g_string_append(b, "[total]");
      } else {
        g_autofree char *shown_name = fk_report_display_name(row->name);
        g_string_append(b, "<span class=\"fname\">");
        html(b, shown_name);
        g_string_append(b, "</span>");
      }
      g_string_append(b, "</td></tr>\n");
    }
    untested += i >= 0 && !any;
  }
  g_string_append(b, "</tbody></table>\n");
  if (shown > 500)
    g_string_append_printf(b,
                           "<p class=\"note\">%u more tested measures: see the verdict JSON or "
                           "CSV (flamekit diff -o verdicts.json)</p>\n",
                           shown - 500);
  if (untested > 0)
    g_string_append_printf(b,
                           "<p class=\"note\">%u functions had too few samples on both sides to "
                           "be tested</p>\n",
                           untested);
  g_string_append(b, "</section>\n");
}

static void
groups_section(GString *b, const FkReport *r, GArray *const *gfns)
{
  if (r->n_groups < 2)
    return;
  const char *key = r->group_key ? r->group_key : "group";
  g_string_append_printf(b, "<section id=\"groups\"><h2>%ss side by side</h2>\n", key);
  g_string_append(b, "<table class=\"grouplist\"><thead><tr><th>");
  html(b, key);
  g_string_append(b, "</th><th class=\"n\">weight</th><th class=\"n\">share</th><th>top function "
                     "(self)</th></tr></thead><tbody>\n");
  gint64 all = 0;
  for (gsize g = 0; g < r->n_groups; g++)
    all += group_total(r, g);
  const FkTree *any = r->groups[0].tree ? r->groups[0].tree : r->grouped;
  guint col = fk_tree_columns(any) - 1;
  guint dec = fk_tree_decimals(any);
  for (gsize g = 0; g < r->n_groups; g++) {
    gint64 tot = group_total(r, g);
    /* the top function by self weight */
    const GArray *fns = gfns[g];
    const FkFunction *top = NULL;
    for (guint i = 0; i < fns->len; i++) {
      const FkFunction *f = &g_array_index(fns, FkFunction, i);
      if (top == NULL || f->self[col] > top->self[col])
        top = f;
    }
    char buf[32];
    g_string_append_printf(b, "<tr data-group=\"%zu\"><td>", g);
    if (r->groups[g].href) {
      g_string_append(b, "<a href=\"");
      html(b, r->groups[g].href);
      g_string_append(b, "\">");
      html(b, r->groups[g].name);
      g_string_append(b, "</a>");
    } else {
      html(b, r->groups[g].name);
    }
    g_string_append_printf(b, "</td><td class=\"n\">%s</td><td class=\"n\">%.2f%%</td><td>",
                           weight(tot, dec, buf),
                           all > 0 ? 100.0 * (double)tot / (double)all : 0.0);
    if (top != NULL) {
      g_autofree char *tn = fk_report_display_name(top->name);
      g_string_append(b, "<span class=\"fname\">");
      html(b, tn);
      g_string_append_printf(b, "</span> %.2f%%",
                             tot > 0 ? 100.0 * (double)top->self[col] / (double)tot : 0.0);
    }
    g_string_append(b, "</td></tr>\n");
  }
  g_string_append(b, "</tbody></table>\n<div class=\"pair\">"
                     "<div class=\"side\"><select id=\"group-a\" aria-label=\"left\"></select>"
                     "<div class=\"graph\" id=\"pane-a\"></div></div>"
                     "<div class=\"side\"><select id=\"group-b\" aria-label=\"right\"></select>"
                     "<div class=\"graph\" id=\"pane-b\"></div></div></div>\n</section>\n");
}

gboolean
fk_report_write_html(const FkReport *r, const FkRenderOptions *opts, FILE *out, GError **error)
{
  g_autoptr(GString) b = g_string_sized_new(1 << 16);
  const char *title = r->title ? r->title : "flamekit report";
  g_string_append(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                     "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                     /* nothing may be fetched: a report is read offline, from a ticket */
                     "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                     "script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; "
                     "frame-src 'self' about:; child-src 'self' about:\">\n"
                     "<meta name=\"generator\" content=\"flamekit ");
  html(b, r->version ? r->version : "");
  g_string_append(b, "\">\n<title>");
  html(b, title);
  g_string_append(b, "</title>\n<style>\n");
  for (const char *const *l = fk_report_css; *l; l++)
    g_string_append(b, *l);
  g_string_append(b, "</style>\n</head>\n<body>\n<header><h1>");
  html(b, title);
  g_string_append(b, "</h1><p class=\"made\">");
  if (r->index_href) {
    g_string_append(b, "<a href=\"");
    html(b, r->index_href);
    g_string_append(b, "\">&#8592; index</a> &middot; ");
  }
  g_string_append(b, "made by flamekit ");
  html(b, r->version ? r->version : "");
  if (r->date) {
    g_string_append(b, " on ");
    html(b, r->date);
  }
  g_string_append(b, "</p></header>\n<main>\n");
  summary_section(b, r, opts);
  verdict_section(b, r);
  const char *graph_title = r->two_sided ? "Differential Flame Graph" : "Flame Graph";
  g_string_append(b,
                  "<div class=\"split\">\n<section id=\"functions\"><h2>Functions</h2>\n"
                  "<div class=\"tools\"><input id=\"filter\" type=\"search\" placeholder=\"filter "
                  "(regular expression)\" aria-label=\"filter functions\"> <span id=\"count\">"
                  "</span></div>\n<div class=\"scroll\"><table id=\"fn\"><thead></thead><tbody>"
                  "</tbody></table></div>\n<button id=\"more\" class=\"hide\" type=\"button\">"
                  "show more</button>\n</section>\n<section id=\"graph\"><h2>");
  g_string_append(b, graph_title);
  g_string_append(b, "</h2>\n<div class=\"tools\"><button type=\"button\" id=\"show-flame\" "
                     "class=\"on\">flame graph</button><button type=\"button\" id=\"show-icicle\">"
                     "icicle</button> <span class=\"note\">click a function in the table to zoom "
                     "here</span></div>\n<div class=\"graph\" id=\"pane-main\"></div>\n</section>\n"
                     "</div>\n");
  /* each group's functions, once: the table's hosts column and the groups' */
  g_autofree GArray **gfns = group_functions(r);
  groups_section(b, r, gfns);
  g_string_append(b, "<section id=\"sandwich\"><h2>Callers and callees</h2>\n<p class=\"note\" "
                     "id=\"sw-none\">choose a function in the table</p>\n<div id=\"sw\" "
                     "class=\"hide\"><p><span class=\"fname\" id=\"sw-name\"></span> <span "
                     "id=\"sw-total\"></span></p>\n<h3>callers</h3><div class=\"bars\" "
                     "id=\"sw-callers\"></div>\n<h3>callees</h3><div class=\"bars\" "
                     "id=\"sw-callees\"></div><p class=\"note\" id=\"sw-pruned\"></p></div>\n"
                     "</section>\n</main>\n");
  page_data(b, r, opts, gfns);
  for (gsize g = 0; g < r->n_groups; g++)
    if (gfns[g] != NULL)
      g_array_unref(gfns[g]);
  {
    g_autoptr(GString) js = g_string_new(NULL);
    for (const char *const *l = fk_svg_js; *l; l++)
      g_string_append(js, *l);
    data_script(b, "svg-script");
    fk_report_js_string(b, js->str);
    g_string_append(b, "</script>\n");
  }
  /* The graphs: flame and icicle of the whole (a differential one with two
   * sides), then one per group. */
  const char *icicle_title = r->two_sided ? "Differential Icicle Graph" : "Icicle Graph";
  data_script(b, "svg-flame");
  gboolean ok = svg_json(b, r->tree, opts, graph_title, FALSE, error);
  g_string_append(b, "</script>\n");
  if (ok) {
    data_script(b, "svg-icicle");
    ok = svg_json(b, r->tree, opts, icicle_title, TRUE, error);
    g_string_append(b, "</script>\n");
  }
  if (ok && r->n_groups > 1 && r->grouped != NULL) {
    /* The groups side by side: one graph of them all, as `graph --group-by`
     * draws it, that each pane zooms to its group. It leaves out what
     * that graph leaves out (narrower than --minwidth of the whole): a
     * pane zoomed to a small group shows its wide frames, its page in
     * -o DIR/ all of it. Drawing every group to its own detail here cost
     * as much as all their graphs (a 100-host fleet: 14k frames, 2.4 MB,
     * against 2.5k and 0.46 MB). */
    const FkRenderOptions go = *opts;
    data_script(b, "svg-groups");
    g_autofree char *gtitle = g_strdup_printf("%ss", r->group_key ? r->group_key : "group");
    ok = svg_json(b, r->grouped, &go, gtitle, FALSE, error);
    g_string_append(b, "</script>\n");
  }
  if (!ok)
    return FALSE;
  g_string_append(b, "<script>\n");
  for (const char *const *l = fk_report_js; *l; l++)
    g_string_append(b, *l);
  g_string_append(b, "</script>\n</body>\n</html>\n");
  if (fwrite(b->str, 1, b->len, out) != b->len || ferror(out)) {
    g_set_error_literal(error, FK_RENDER_ERROR, FK_RENDER_ERROR_IO, "write failed");
    return FALSE;
  }
  return TRUE;
}
