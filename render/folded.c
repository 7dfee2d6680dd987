/* folded.c -- the folded writer: one `frame;...;leaf COUNT` line per stack
 * with self weight, sorted byte-wise, so equal inputs give equal files;
 * a partial result's header first when the command gives one. */
#include "writer.h"

typedef struct {
  FILE *out;
  guint columns, decimals;
  GString *line;
} FoldedOut;

static gboolean
write_stack(const FkTree *tree, FkNodeId id, const char *const *path, gsize depth, gpointer data)
{
  FoldedOut *o = data;
  const FkNode *n = fk_tree_node(tree, id);
  if (n->self[0] == 0 && (o->columns < 2 || n->self[1] == 0))
    return TRUE;
  g_string_truncate(o->line, 0);
  for (gsize i = 0; i < depth; i++) {
    if (i > 0)
      g_string_append_c(o->line, ';');
    g_string_append(o->line, path[i]);
  }
  char buf[32];
  for (guint c = 0; c < o->columns; c++) {
    g_string_append_c(o->line, ' ');
    g_string_append(o->line, fk_weight_format(n->self[c], o->decimals, buf));
  }
  g_string_append_c(o->line, '\n');
  return fwrite(o->line->str, 1, o->line->len, o->out) == o->line->len;
}

static gboolean
folded_write(const FkTree *tree, const FkRenderOptions *opts, FILE *out, GError **error)
{
  if (opts->folded_header != NULL && fputs(opts->folded_header, out) == EOF) {
    g_set_error_literal(error, FK_RENDER_ERROR, FK_RENDER_ERROR_IO, "write failed");
    return FALSE;
  }
  FoldedOut o = {out, fk_tree_columns(tree), fk_tree_decimals(tree), g_string_new(NULL)};
  gboolean ok = fk_tree_walk(tree, FK_ORDER_NAME, write_stack, &o);
  g_string_free(o.line, TRUE);
  if (!ok)
    g_set_error_literal(error, FK_RENDER_ERROR, FK_RENDER_ERROR_IO, "write failed");
  return ok;
}

const FkWriter fk_writer_folded = {
    .name = "folded",
    .extension = ".folded",
    .summary = "folded stacks, one `frame;...;leaf COUNT` line each, sorted",
    .write = folded_write,
};
