/* reshape.c -- reverse, rebase and split, all as "re-add every self weight
 * along a new path": the self weights of a tree are exactly its stacks. */
#include "reshape.h"

#include <string.h>

typedef struct {
  FkTree *out;
  guint columns, decimals;
  GPtrArray *path; /* scratch */
  GHashTable *symbols;
  FkTransformReport *report; /* rebase: the stacks left out */
  GError **error;
  gboolean failed;
} Reshape;

static FkWeight
self_weight(const Reshape *r, const FkTree *tree, FkNodeId id)
{
  FkWeight w = {{fk_node_self(tree, id, 0), fk_node_self(tree, id, 1)},
                (guint8)r->columns,
                (guint8)r->decimals};
  return w;
}

static gboolean
has_self(const FkTree *tree, FkNodeId id)
{
  return fk_node_self(tree, id, 0) != 0 || fk_node_self(tree, id, 1) != 0;
}

static gboolean
reverse_one(const FkTree *tree, FkNodeId id, const char *const *path, gsize depth, gpointer data)
{
  Reshape *r = data;
  if (!has_self(tree, id))
    return TRUE;
  g_ptr_array_set_size(r->path, 0);
  for (gsize i = depth; i > 0; i--)
    g_ptr_array_add(r->path, (gpointer)path[i - 1]);
  FkWeight w = self_weight(r, tree, id);
  if (!fk_tree_add_stack(r->out, (const char *const *)r->path->pdata, depth, &w, r->error)) {
    r->failed = TRUE;
    return FALSE;
  }
  return TRUE;
}

static gboolean
rebase_one(const FkTree *tree, FkNodeId id, const char *const *path, gsize depth, gpointer data)
{
  Reshape *r = data;
  if (!has_self(tree, id))
    return TRUE;
  gsize i = depth;
  while (i > 0 && !g_hash_table_contains(r->symbols, path[i - 1]))
    i--;
  if (i == 0) {
    if (r->report != NULL) {
      r->report->stacks++;
      for (guint c = 0; c < FK_MAX_COLUMNS; c++)
        r->report->removed[c] += fk_node_self(tree, id, c);
    }
    return TRUE;
  }
  FkWeight w = self_weight(r, tree, id);
  if (!fk_tree_add_stack(r->out, path + (i - 1), depth - (i - 1), &w, r->error)) {
    r->failed = TRUE;
    return FALSE;
  }
  return TRUE;
}

/* Walks in insertion order so that a flame chart's order survives. */
static FkTree *
reshape(const FkTree *tree, FkTreeWalkFunc func, Reshape *r)
{
  r->out = fk_tree_new(fk_tree_strings(tree), fk_tree_flags(tree));
  r->columns = fk_tree_columns(tree);
  r->decimals = fk_tree_decimals(tree);
  r->path = g_ptr_array_new();
  /* A zero weight of the input's columns and decimals: a tree widens to the
   * weights added to it, so one that every stack left (a --base that matches
   * nothing) would otherwise come out as one column of integers, a diff no
   * longer. */
  FkWeight zero = {{0, 0}, (guint8)r->columns, (guint8)r->decimals};
  gboolean ok = fk_tree_add(r->out, FK_ROOT, &zero, r->error);
  /* The root's own self weight (empty stacks) stays at the root. */
  if (ok && has_self(tree, FK_ROOT) && func == (FkTreeWalkFunc)reverse_one) {
    FkWeight w = self_weight(r, tree, FK_ROOT);
    ok = fk_tree_add(r->out, FK_ROOT, &w, r->error);
  } else if (ok && has_self(tree, FK_ROOT) && r->report != NULL) {
    r->report->stacks++;
    for (guint c = 0; c < FK_MAX_COLUMNS; c++)
      r->report->removed[c] += fk_node_self(tree, FK_ROOT, c);
  }
  if (ok)
    fk_tree_walk(tree, FK_ORDER_INSERTION, func, r);
  g_ptr_array_free(r->path, TRUE);
  if (!ok || r->failed) {
    fk_tree_free(r->out);
    return NULL;
  }
  fk_tree_finish(r->out);
  return r->out;
}

FkTree *
fk_tree_reverse(const FkTree *tree, GError **error)
{
  Reshape r = {0};
  r.error = error;
  return reshape(tree, reverse_one, &r);
}

FkTree *
fk_tree_rebase(const FkTree *tree, const char *const *symbols, gsize n, FkTransformReport *report,
               GError **error)
{
  Reshape r = {0};
  r.error = error;
  r.report = report;
  /* Names are interned, but SYMBOLS need not be: compare by content. */
  r.symbols = g_hash_table_new(g_str_hash, g_str_equal);
  for (gsize i = 0; i < n; i++)
    g_hash_table_add(r.symbols, (gpointer)symbols[i]);
  FkTree *out = reshape(tree, rebase_one, &r);
  g_hash_table_destroy(r.symbols);
  return out;
}

typedef struct {
  const FkTree *tree;
  GPtrArray *trees, *names;
  GHashTable *by_group; /* group frame -> index + 1 */
  const char *prefix;
  gsize prefix_len;
  GPtrArray *stack; /* scratch */
  GError **error;
  gboolean failed;
  gboolean one; /* fk_tree_ungroup: every group into one tree */
} Split;

static gboolean
split_one(const FkTree *tree, FkNodeId id, const char *const *path, gsize depth, gpointer data)
{
  Split *sp = data;
  if (!has_self(tree, id))
    return TRUE;
  gsize at = 0;
  while (at < depth && strncmp(path[at], sp->prefix, sp->prefix_len) != 0)
    at++;
  const char *group = at < depth ? path[at] : NULL;
  guint idx = sp->one ? sp->trees->len : GPOINTER_TO_UINT(g_hash_table_lookup(sp->by_group, group));
  if (idx == 0) {
    g_ptr_array_add(sp->trees, fk_tree_new(fk_tree_strings(tree), fk_tree_flags(tree)));
    g_ptr_array_add(sp->names, (gpointer)group);
    idx = sp->trees->len;
    g_hash_table_insert(sp->by_group, (gpointer)group, GUINT_TO_POINTER(idx));
  }
  g_ptr_array_set_size(sp->stack, 0);
  for (gsize i = 0; i < depth; i++)
    if (i != at)
      g_ptr_array_add(sp->stack, (gpointer)path[i]);
  Reshape r = {0};
  r.columns = fk_tree_columns(tree);
  r.decimals = fk_tree_decimals(tree);
  FkWeight w = self_weight(&r, tree, id);
  if (!fk_tree_add_stack(sp->trees->pdata[idx - 1], (const char *const *)sp->stack->pdata,
                         sp->stack->len, &w, sp->error)) {
    sp->failed = TRUE;
    return FALSE;
  }
  return TRUE;
}

GPtrArray *
fk_tree_split(const FkTree *tree, const char *prefix, GPtrArray *names, GError **error)
{
  g_autoptr(GPtrArray) own = g_ptr_array_new();
  Split sp = {tree,
              g_ptr_array_new_with_free_func((GDestroyNotify)fk_tree_free),
              names ? names : own,
              g_hash_table_new(NULL, NULL),
              prefix,
              strlen(prefix),
              g_ptr_array_new(),
              error,
              FALSE,
              FALSE};
  fk_tree_walk(tree, FK_ORDER_INSERTION, split_one, &sp);
  g_hash_table_destroy(sp.by_group);
  g_ptr_array_free(sp.stack, TRUE);
  if (sp.failed) {
    g_ptr_array_free(sp.trees, TRUE);
    return NULL;
  }
  for (guint i = 0; i < sp.trees->len; i++)
    fk_tree_finish(sp.trees->pdata[i]);
  return sp.trees;
}

FkTree *
fk_tree_ungroup(const FkTree *tree, const char *prefix, GError **error)
{
  Split sp = {tree,
              g_ptr_array_new_with_free_func((GDestroyNotify)fk_tree_free),
              g_ptr_array_new(),
              g_hash_table_new(NULL, NULL),
              prefix,
              strlen(prefix),
              g_ptr_array_new(),
              error,
              FALSE,
              TRUE};
  gboolean ok = fk_tree_walk(tree, FK_ORDER_INSERTION, split_one, &sp) && !sp.failed;
  g_hash_table_destroy(sp.by_group);
  g_ptr_array_free(sp.stack, TRUE);
  g_ptr_array_free(sp.names, TRUE);
  FkTree *out = NULL;
  if (ok) {
    out = sp.trees->len > 0 ? g_ptr_array_steal_index(sp.trees, 0)
                            : fk_tree_new(fk_tree_strings(tree), fk_tree_flags(tree));
    fk_tree_finish(out); /* a transform's result is finished, as every other */
  }
  g_ptr_array_free(sp.trees, TRUE);
  return out;
}
