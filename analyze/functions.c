/* functions.c -- one walk over the tree, a hash from name to row.
 *
 * Whether a node's function recurses (an ancestor has its name) is kept
 * as a count per name of the functions on the current path, updated as
 * the depth-first walk goes down and back up: linear in the tree's size
 * whatever its depth (rescanning the path made a 128k-deep stack cost
 * 21 s). */
#include "functions.h"

#include "collect.h"

#include <math.h>
#include <string.h>

typedef struct {
  const FkTree *tree;
  GHashTable *index; /* name -> row index + 1 */
  GArray *rows;
  GHashTable *seen_hosts; /* "name\x01host" -> 1 */
  GHashTable *on_path;    /* name -> functions of that name on the path (not group frames) */
  GPtrArray *path;        /* the path of the previous node: name, or NULL for a group frame */
} Walk;

/* Makes W's path the first DEPTH - 1 names of PATH, the ancestors of the
 * node now visited: a depth-first walk only ever pops back up to them. */
static void
pop_to(Walk *w, gsize len)
{
  while (w->path->len > len) {
    const char *name = g_ptr_array_steal_index(w->path, w->path->len - 1);
    if (name == NULL)
      continue;
    guint c = GPOINTER_TO_UINT(g_hash_table_lookup(w->on_path, name));
    if (c <= 1)
      g_hash_table_remove(w->on_path, name);
    else
      g_hash_table_insert(w->on_path, (gpointer)name, GUINT_TO_POINTER(c - 1));
  }
}

static void
push(Walk *w, const char *name, gboolean function)
{
  g_ptr_array_add(w->path, function ? (gpointer)name : NULL);
  if (function)
    g_hash_table_insert(
        w->on_path, (gpointer)name,
        GUINT_TO_POINTER(GPOINTER_TO_UINT(g_hash_table_lookup(w->on_path, name)) + 1));
}

static gboolean
visit(const FkTree *tree, FkNodeId id, const char *const *path, gsize depth, gpointer data)
{
  Walk *w = data;
  const FkNode *n = fk_tree_node(tree, id);
  const char *name = n->name;
  /* leading group frames are not functions */
  gsize top = 0;
  while (top < depth && fk_is_group_frame(path[top]))
    top++;
  pop_to(w, depth - 1);
  if (depth - 1 < top) {
    push(w, name, FALSE);
    return TRUE;
  }
  gboolean recursive = g_hash_table_contains(w->on_path, name);
  push(w, name, TRUE);
  const char *host = NULL;
  for (gsize i = 0; i < top; i++)
    if (strncmp(path[i], "[host=", 6) == 0)
      host = path[i];
  guint idx = GPOINTER_TO_UINT(g_hash_table_lookup(w->index, name));
  if (idx == 0) {
    FkFunction f = {0};
    f.name = name;
    g_array_append_val(w->rows, f);
    idx = w->rows->len;
    g_hash_table_insert(w->index, (gpointer)name, GUINT_TO_POINTER(idx));
  }
  FkFunction *f = &g_array_index(w->rows, FkFunction, idx - 1);
  for (guint c = 0; c < FK_MAX_COLUMNS; c++) {
    FkWeights nw = fk_node_weights(tree, id, c);
    f->self[c] += nw.self;
    if (!recursive)
      f->total[c] += nw.total;
  }
  if (host != NULL) {
    char *key = g_strdup_printf("%p\x01%p", (const void *)name, (const void *)host);
    if (!g_hash_table_contains(w->seen_hosts, key)) {
      g_hash_table_add(w->seen_hosts, key);
      f->hosts++;
    } else {
      g_free(key);
    }
  }
  return TRUE;
}

typedef struct {
  const FkTree *tree;
  gboolean by_change;
} Order;

static double
change(const FkTree *tree, const FkFunction *f)
{
  return fk_function_change(tree, f->total);
}

static int
cmp_rows(gconstpointer a, gconstpointer b, gpointer data)
{
  const Order *o = data;
  const FkFunction *x = a, *y = b;
  if (o->by_change) {
    double cx = fabs(change(o->tree, x)), cy = fabs(change(o->tree, y));
    if (cx != cy)
      return cx > cy ? -1 : 1;
  }
  guint c = fk_tree_columns(o->tree) - 1;
  if (x->total[c] != y->total[c])
    return x->total[c] > y->total[c] ? -1 : 1;
  return strcmp(x->name, y->name);
}

GArray *
fk_functions_collect(const FkTree *tree, gboolean by_change)
{
  Walk w = {tree,
            g_hash_table_new(NULL, NULL),
            g_array_new(FALSE, FALSE, sizeof(FkFunction)),
            g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL),
            g_hash_table_new(NULL, NULL),
            g_ptr_array_new()};
  fk_tree_walk(tree, FK_ORDER_INSERTION, visit, &w);
  g_hash_table_unref(w.index);
  g_hash_table_unref(w.seen_hosts);
  g_hash_table_unref(w.on_path);
  g_ptr_array_unref(w.path);
  Order o = {tree, by_change && fk_tree_columns(tree) == 2};
  g_array_sort_with_data(w.rows, cmp_rows, &o);
  return w.rows;
}

char *
fk_function_module(const char *name)
{
  const char *tick = strchr(name, '`');
  if (tick != NULL)
    return g_strndup(name, (gsize)(tick - name));
  gsize len = strlen(name);
  if (len > 2 && name[len - 1] == ']') {
    const char *open = strrchr(name, '[');
    if (open != NULL && open > name && open[-1] == ' ')
      return g_strndup(open + 1, (gsize)(name + len - 1 - open - 1));
  }
  return g_strdup("");
}

double
fk_function_share(const FkTree *tree, const gint64 *values, guint column)
{
  gint64 t = fk_tree_total(tree, column);
  return t == 0 ? 0.0 : 100.0 * (double)values[column] / (double)t;
}

double
fk_function_change(const FkTree *tree, const gint64 *values)
{
  return fk_function_share(tree, values, 1) - fk_function_share(tree, values, 0);
}
