/* folded.c -- the folded writer: one `frame;...;leaf COUNT` line per stack
 * with self weight, sorted byte-wise, so equal inputs give equal files;
 * a partial result's header first when the command gives one. */
#include "pieces.h"
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

/* Makes O's line that of the node at DEPTH of PATH, from its parent's. */
static void
line_to(FoldedOut *o, const char *const *path, gsize depth)
{
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
}

static gboolean
write_stack(const FkTree *tree, FkNodeId id, const char *const *path, gsize depth, gpointer data)
{
  FoldedOut *o = data;
  line_to(o, path, depth);
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

/* The tree cut in pieces for several threads (render/pieces.h): the walk's
 * order as a list of units, each a node's own line or a node's whole
 * subtree, in runs of about a 256th of the weight. A subtree heavier than
 * that is cut at its children, its own line a unit of its own; weight
 * stands for the nodes under a node, which are not counted. */
typedef struct {
  FkNodeId node;
  gboolean whole; /* the node and every node under it; else its line only */
} Unit;

typedef struct {
  const FkTree *tree;
  guint columns, decimals;
  GArray *units;  /* Unit, in the walk's order */
  GArray *starts; /* gsize: the first unit of each piece, and the end */
} Cut;

/* Trees smaller than this are written on one thread: cutting is not worth
 * it (the uniform bench profile has 4.5M nodes, 75 MB written). */
#define CUT_MIN_NODES 262144
#define CUT_PIECES 256
/* subtrees cut at their children at most this many times: a deep heavy
 * chain would otherwise be a unit a frame */
#define CUT_MAX_SPLITS 4096

static gint64
unit_weight(const FkTree *tree, FkNodeId id)
{
  return fk_node_total(tree, id, 0) + (fk_tree_columns(tree) > 1 ? fk_node_total(tree, id, 1) : 0);
}

static void
cut_plan(Cut *cut)
{
  const FkTree *tree = cut->tree;
  gint64 limit = MAX(1, unit_weight(tree, FK_ROOT) / CUT_PIECES);
  g_autoptr(GArray) kids = g_array_new(FALSE, FALSE, sizeof(FkNodeId));
  g_autoptr(GArray) todo = g_array_new(FALSE, FALSE, sizeof(FkNodeId)); /* reversed */
  fk_tree_children(tree, FK_ROOT, FK_ORDER_NAME, kids);
  for (guint i = kids->len; i-- > 0;)
    g_array_append_val(todo, g_array_index(kids, FkNodeId, i));
  guint splits = 0;
  while (todo->len > 0) {
    FkNodeId id = g_array_index(todo, FkNodeId, todo->len - 1);
    g_array_set_size(todo, todo->len - 1);
    gboolean split = splits < CUT_MAX_SPLITS && fk_tree_node(tree, id)->first_child != 0 &&
                     unit_weight(tree, id) > limit;
    Unit u = {id, !split};
    g_array_append_val(cut->units, u);
    if (!split)
      continue;
    splits++;
    fk_tree_children(tree, id, FK_ORDER_NAME, kids);
    for (guint i = kids->len; i-- > 0;)
      g_array_append_val(todo, g_array_index(kids, FkNodeId, i));
  }
  /* runs of units: a piece ends past the weight limit or a 256th of them */
  gsize most = MAX(64, cut->units->len / CUT_PIECES), first = 0;
  gint64 w = 0;
  g_array_append_val(cut->starts, first);
  for (gsize i = 0; i < cut->units->len; i++) {
    const Unit *u = &g_array_index(cut->units, Unit, i);
    if (u->whole)
      w += unit_weight(tree, u->node);
    if (w >= limit || i + 1 - first >= most || i + 1 == cut->units->len) {
      first = i + 1;
      g_array_append_val(cut->starts, first);
      w = 0;
    }
  }
}

static gboolean
write_piece(gsize i, FILE *to, gpointer data)
{
  const Cut *cut = data;
  FoldedOut o = {to, cut->columns, cut->decimals, NULL, 0, 0, NULL, 0};
  g_autoptr(GPtrArray) path = g_ptr_array_new();
  gboolean ok = TRUE;
  gsize from = g_array_index(cut->starts, gsize, i),
        to_unit = g_array_index(cut->starts, gsize, i + 1);
  for (gsize k = from; ok && k < to_unit; k++) {
    const Unit *u = &g_array_index(cut->units, Unit, k);
    fk_tree_path(cut->tree, u->node, path);
    const char *const *names = (const char *const *)path->pdata;
    /* the line of the unit's parent, for the walk to go on from */
    for (gsize d = 1; d < path->len; d++)
      line_to(&o, names, d);
    ok = u->whole ? fk_tree_walk_from(cut->tree, u->node, FK_ORDER_NAME, write_stack, &o)
                  : write_stack(cut->tree, u->node, names, path->len, &o);
  }
  g_free(o.line);
  g_free(o.ends);
  return ok;
}

static gboolean
folded_write(const FkTree *tree, const FkRenderOptions *opts, FILE *out, GError **error)
{
  if (opts->folded_header != NULL && fputs(opts->folded_header, out) == EOF) {
    g_set_error_literal(error, FK_RENDER_ERROR, FK_RENDER_ERROR_IO, "write failed");
    return FALSE;
  }
  guint jobs = opts->jobs != 0 ? opts->jobs : g_get_num_processors();
  gboolean ok;
  if (jobs > 1 && fk_tree_size(tree) >= CUT_MIN_NODES) {
    Cut cut = {tree, fk_tree_columns(tree), fk_tree_decimals(tree),
               g_array_new(FALSE, FALSE, sizeof(Unit)), g_array_new(FALSE, FALSE, sizeof(gsize))};
    cut_plan(&cut);
    ok = fk_pieces_write(cut.starts->len - 1, jobs, write_piece, &cut, out);
    g_array_free(cut.units, TRUE);
    g_array_free(cut.starts, TRUE);
  } else {
    FoldedOut o = {out, fk_tree_columns(tree), fk_tree_decimals(tree), NULL, 0, 0, NULL, 0};
    ok = fk_tree_walk(tree, FK_ORDER_NAME, write_stack, &o);
    g_free(o.line);
    g_free(o.ends);
  }
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
