/* folded.c -- the folded writer: one `frame;...;leaf COUNT` line per stack
 * with self weight, sorted byte-wise, so equal inputs give equal files;
 * a partial result's header first when the command gives one. */
#include "writer.h"

#include <string.h>

typedef struct {
  FILE *out;
  guint columns, decimals;
  /* The line of the node visited last, LEN bytes in a buffer of CAP, and
   * where each of its frames ends: the walk is depth first, so a node's
   * line is its parent's plus one frame. Building every line from its whole
   * path was quadratic in the depth (a 1000-frame stack copied 1000 names
   * per node), and GString's appends a call per piece. */
  char *line;
  gsize len, cap;
  gsize *ends; /* line length after the frame at each depth, ENDS_CAP of them */
  gsize ends_cap;
} FoldedOut;

/* Room for EXTRA more bytes of O's line. */
static void
reserve(FoldedOut *o, gsize extra)
{
  if (o->len + extra <= o->cap)
    return;
  o->cap = MAX(o->len + extra, MAX(256, o->cap * 2));
  o->line = g_realloc(o->line, o->cap);
}

static gboolean
write_stack(const FkTree *tree, FkNodeId id, const char *const *path, gsize depth, gpointer data)
{
  FoldedOut *o = data;
  o->len = depth > 1 ? o->ends[depth - 2] : 0;
  const char *name = path[depth - 1];
  gsize n = strlen(name);
  reserve(o, n + 1);
  if (depth > 1)
    o->line[o->len++] = ';';
  memcpy(o->line + o->len, name, n);
  o->len += n;
  if (depth > o->ends_cap) {
    /* a plain array: g_array_set_size at every node, shrinking by a call
     * chain and a memmove, was a tenth of writing a folded file */
    o->ends_cap = MAX(depth, MAX(64, o->ends_cap * 2));
    o->ends = g_renew(gsize, o->ends, o->ends_cap);
  }
  o->ends[depth - 1] = o->len;
  if (fk_node_self(tree, id, 0) == 0 && (o->columns < 2 || fk_node_self(tree, id, 1) == 0))
    return TRUE;
  gsize at = o->len;
  reserve(o, o->columns * 33 + 1);
  for (guint c = 0; c < o->columns; c++) {
    o->line[at++] = ' ';
    fk_weight_format(fk_node_self(tree, id, c), o->decimals, o->line + at);
    at += strlen(o->line + at);
  }
  o->line[at++] = '\n';
  return fwrite(o->line, 1, at, o->out) == at;
}

static gboolean
folded_write(const FkTree *tree, const FkRenderOptions *opts, FILE *out, GError **error)
{
  if (opts->folded_header != NULL && fputs(opts->folded_header, out) == EOF) {
    g_set_error_literal(error, FK_RENDER_ERROR, FK_RENDER_ERROR_IO, "write failed");
    return FALSE;
  }
  FoldedOut o = {out, fk_tree_columns(tree), fk_tree_decimals(tree), NULL, 0, 0, NULL, 0};
  gboolean ok = fk_tree_walk(tree, FK_ORDER_NAME, write_stack, &o);
  g_free(o.line);
  g_free(o.ends);
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
