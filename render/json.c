/* json.c -- the flamekit JSON document and the d3-flame-graph tree.
 *
 * The document (schema: docs/flamekit-json.schema.json, "format_version" 1)
 * holds the inputs of the run, the totals, the tree and the top functions; a
 * diff tree (two columns) also gets the functions ordered by change. The tree
 * is written iteratively (deep stacks must not overflow the C stack) in name
 * order, so equal profiles give equal files. */
#include "writer.h"

#include "../analyze/functions.h"
#include "jsonout.h"
#include "verdict.h"

#include <string.h>

#define FK_JSON_FORMAT_VERSION 1

typedef struct {
  FILE *out;
  GString *s;
  guint columns, decimals;
  gboolean d3;
  guint open;        /* depth of the innermost node whose children are open */
  GArray *has_child; /* gboolean per open depth */
  gboolean ok;
} Json;

static void
flush(Json *j)
{
  if (j->s->len > 65536 || j->s->len == 0) {
    if (j->s->len > 0 && fwrite(j->s->str, 1, j->s->len, j->out) != j->s->len)
      j->ok = FALSE;
    g_string_truncate(j->s, 0);
  }
}

static void
weights(Json *j, const gint64 *v)
{
  char buf[32];
  g_string_append_c(j->s, '[');
  for (guint c = 0; c < j->columns; c++) {
    if (c > 0)
      g_string_append_c(j->s, ',');
    g_string_append(j->s, fk_weight_format(v[c], j->decimals, buf));
  }
  g_string_append_c(j->s, ']');
}

static void
open_node(Json *j, const FkTree *tree, FkNodeId id)
{
  const FkNode *n = fk_tree_node(tree, id);
  gint64 self[FK_MAX_COLUMNS], total[FK_MAX_COLUMNS];
  for (guint c = 0; c < FK_MAX_COLUMNS; c++) {
    self[c] = fk_node_self(tree, id, c);
    total[c] = fk_node_total(tree, id, c);
  }
  char buf[32];
  g_string_append(j->s, "{\"name\":");
  fk_json_string(j->s, n->name);
  if (j->d3) {
    g_string_append(j->s, ",\"value\":");
    g_string_append(j->s, fk_weight_format(total[j->columns - 1], j->decimals, buf));
    if (j->columns == 2) {
      g_string_append(j->s, ",\"delta\":");
      g_string_append(j->s, fk_weight_format(self[1] - self[0], j->decimals, buf));
    }
  } else {
    g_string_append(j->s, ",\"self\":");
    weights(j, self);
    g_string_append(j->s, ",\"total\":");
    weights(j, total);
  }
  g_string_append(j->s, ",\"children\":[");
  gboolean f = FALSE;
  g_array_append_val(j->has_child, f);
}

static void
close_to(Json *j, guint depth)
{
  while (j->open > depth) {
    g_string_append(j->s, "]}");
    g_array_set_size(j->has_child, j->has_child->len - 1);
    j->open--;
  }
}

static gboolean
visit(const FkTree *tree, FkNodeId id, const char *const *path, gsize depth, gpointer data)
{
  (void)path;
  Json *j = data;
  if (fk_node_total(tree, id, 0) == 0 && fk_node_total(tree, id, 1) == 0)
    return TRUE;
  close_to(j, (guint)depth - 1);
  gboolean *hc = &g_array_index(j->has_child, gboolean, j->has_child->len - 1);
  if (*hc)
    g_string_append_c(j->s, ',');
  *hc = TRUE;
  open_node(j, tree, id);
  j->open = (guint)depth;
  flush(j);
  return j->ok;
}

static gboolean
write_tree(Json *j, const FkTree *tree)
{
  j->open = 0;
  j->has_child = g_array_new(FALSE, FALSE, sizeof(gboolean));
  open_node(j, tree, FK_ROOT);
  fk_tree_walk(tree, FK_ORDER_NAME, visit, j);
  close_to(j, 0);
  g_string_append(j->s, "]}");
  g_array_free(j->has_child, TRUE);
  flush(j);
  return j->ok;
}

static void
pcts(Json *j, const FkTree *tree, const gint64 *v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  g_string_append_c(j->s, '[');
  for (guint c = 0; c < j->columns; c++) {
    if (c > 0)
      g_string_append_c(j->s, ',');
    g_string_append(j->s, g_ascii_formatd(buf, sizeof buf, "%.4f", fk_function_share(tree, v, c)));
  }
  g_string_append_c(j->s, ']');
}

static void
functions(Json *j, const FkTree *tree, const FkRunSummary *summary, GArray *rows, guint max,
          gboolean with_change)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  g_string_append_c(j->s, '[');
  for (guint i = 0; i < rows->len && i < max; i++) {
    const FkFunction *f = &g_array_index(rows, FkFunction, i);
    g_autofree char *module = fk_function_module(f->name);
    g_string_append(j->s, i ? ",\n{" : "\n{");
    g_string_append(j->s, "\"name\":");
    fk_json_string(j->s, f->name);
    g_string_append(j->s, ",\"module\":");
    fk_json_string(j->s, module);
    g_string_append(j->s, ",\"self\":");
    weights(j, f->self);
    g_string_append(j->s, ",\"total\":");
    weights(j, f->total);
    g_string_append(j->s, ",\"self_pct\":");
    pcts(j, tree, f->self);
    g_string_append(j->s, ",\"total_pct\":");
    pcts(j, tree, f->total);
    gint hosts = fk_summary_hosts(summary, f->hosts);
    if (hosts < 0)
      g_string_append(j->s, ",\"hosts\":null");
    else
      g_string_append_printf(j->s, ",\"hosts\":%d", hosts);
    if (with_change) {
      /* fk_function_change: the one definition of a diff's change. */
      g_string_append(j->s, ",\"change_pp\":");
      g_string_append(j->s,
                      g_ascii_formatd(buf, sizeof buf, "%.4f", fk_function_change(tree, f->total)));
      g_string_append(j->s, ",\"self_change_pp\":");
      g_string_append(j->s,
                      g_ascii_formatd(buf, sizeof buf, "%.4f", fk_function_change(tree, f->self)));
      g_string_append(j->s, ",\"relative_change\":");
      if (f->total[0] != 0)
        g_string_append(j->s, g_ascii_formatd(buf, sizeof buf, "%.6f",
                                              ((double)f->total[1] - (double)f->total[0]) /
                                                  (double)f->total[0]));
      else
        g_string_append(j->s, "null");
    }
    g_string_append_c(j->s, '}');
    flush(j);
  }
  g_string_append(j->s, "]");
}

static void
input(Json *j, const FkInputSummary *in)
{
  char buf[32];
  g_string_append(j->s, "{\"path\":");
  fk_json_string_or_null(j->s, in->path);
  g_string_append(j->s, ",\"member\":");
  fk_json_string_or_null(j->s, in->member);
  g_string_append(j->s, ",\"host\":");
  fk_json_string_or_null(j->s, in->host);
  g_string_append(j->s, ",\"format\":");
  fk_json_string_or_null(j->s, in->format);
  g_string_append(j->s, ",\"event\":");
  fk_json_string_or_null(j->s, in->event);
  g_string_append(j->s, ",\"weight_unit\":");
  fk_json_string_or_null(j->s, in->weight_unit);
  g_string_append(j->s, ",\"role\":");
  fk_json_string_or_null(j->s, in->role);
  g_string_append(j->s, ",\"total\":");
  g_string_append(j->s, in->has_total ? fk_weight_format(in->total, in->decimals, buf) : "null");
  g_string_append_printf(j->s, ",\"skipped\":%" G_GUINT64_FORMAT "}", in->skipped);
}

static gboolean
json_write(const FkTree *tree, const FkRenderOptions *opts, FILE *out, GError **error)
{
  if (opts->verdicts != NULL) /* diff over repeated runs: the verdict document */
    return fk_verdicts_write_json(opts->verdicts, opts, out, error);
  Json j = {out, g_string_new(NULL), fk_tree_columns(tree), fk_tree_decimals(tree), FALSE, 0, NULL,
            TRUE};
  gboolean diff = j.columns == 2;
  g_string_append_printf(j.s, "{\"format\":\"flamekit\",\"format_version\":%d,\"kind\":\"%s\",",
                         FK_JSON_FORMAT_VERSION, diff ? "diff" : "profile");
  g_string_append(j.s, "\n\"title\":");
  fk_json_string_or_null(j.s, opts->title);
  g_string_append(j.s, ",\"unit\":");
  fk_json_string_or_null(j.s, fk_render_unit(opts));
  g_string_append(j.s, diff ? ",\"columns\":[\"before\",\"after\"]" : ",\"columns\":[\"weight\"]");
  g_string_append(j.s, ",\n\"inputs\":[");
  const FkRunSummary *sum = opts->summary;
  for (gsize i = 0; sum && i < sum->n_inputs; i++) {
    if (i > 0)
      g_string_append_c(j.s, ',');
    g_string_append_c(j.s, '\n');
    input(&j, &sum->inputs[i]);
  }
  g_string_append(j.s, "],\n\"totals\":");
  gint64 totals[FK_MAX_COLUMNS] = {fk_tree_total(tree, 0), fk_tree_total(tree, 1)};
  weights(&j, totals);
  g_string_append_printf(j.s, ",\"skipped\":%" G_GUINT64_FORMAT, sum ? sum->skipped : 0);
  g_string_append(j.s, ",\n\"top_functions\":");
  g_autoptr(GArray) rows = fk_functions_collect(tree, FALSE);
  guint max = opts->top_functions ? opts->top_functions : 20;
  functions(&j, tree, sum, rows, max, diff);
  if (diff) {
    g_autoptr(GArray) changed = fk_functions_collect(tree, TRUE);
    g_string_append(j.s, ",\n\"changes\":");
    functions(&j, tree, sum, changed, max, TRUE);
  }
  g_string_append(j.s, ",\n\"tree\":");
  gboolean ok = write_tree(&j, tree);
  g_string_append(j.s, "}\n");
  if (fwrite(j.s->str, 1, j.s->len, out) != j.s->len)
    ok = FALSE;
  g_string_free(j.s, TRUE);
  if (!ok || !j.ok) {
    g_set_error_literal(error, FK_RENDER_ERROR, FK_RENDER_ERROR_IO, "write failed");
    return FALSE;
  }
  return TRUE;
}

/* d3-flame-graph's input: {name, value, children}, value the total (AFTER's
 * for a diff, with "delta" = the change of self weight, as its differential
 * mode reads). */
static gboolean
d3_write(const FkTree *tree, const FkRenderOptions *opts, FILE *out, GError **error)
{
  (void)opts;
  Json j = {out, g_string_new(NULL), fk_tree_columns(tree), fk_tree_decimals(tree), TRUE, 0, NULL,
            TRUE};
  gboolean ok = write_tree(&j, tree);
  g_string_append_c(j.s, '\n');
  if (fwrite(j.s->str, 1, j.s->len, out) != j.s->len)
    ok = FALSE;
  g_string_free(j.s, TRUE);
  if (!ok) {
    g_set_error_literal(error, FK_RENDER_ERROR, FK_RENDER_ERROR_IO, "write failed");
    return FALSE;
  }
  return TRUE;
}

const FkWriter fk_writer_json = {
    .name = "json",
    .extension = ".json",
    .summary = "flamekit JSON report: inputs, totals, top functions, tree (versioned schema)",
    .write = json_write,
};

const FkWriter fk_writer_d3 = {
    .name = "d3",
    .extension = ".d3.json",
    .summary = "d3-flame-graph tree: {name, value, children}",
    .write = d3_write,
};
