/* transform.c -- one pass over the nodes in index order per transform.
 *
 * Parents have smaller indexes than their children, so every transform is a
 * map from input node to output node (or to "none") computed from the
 * parent's image: map[i] = f(map[parent(i)], name(i)). Self weights follow the
 * map; what has no image is reported. */
#include "transform.h"

#include "collect.h"

#include <string.h>

/* clang-format off: it would space the dashes of the quark name */
G_DEFINE_QUARK(fk - transform - error - quark, fk_transform_error)
/* clang-format on */

#define NONE G_MAXUINT32

/* 128-bit products keep normalization exact (gcc and clang have them). */
__extension__ typedef __int128 fk_i128;

void
fk_transform_report_add(FkTransformReport *a, const FkTransformReport *b)
{
  for (guint c = 0; c < FK_MAX_COLUMNS; c++) {
    a->removed[c] += b->removed[c];
    a->moved[c] += b->moved[c];
  }
  a->stacks += b->stacks;
  a->nodes += b->nodes;
}

static gboolean
has_self(const FkTree *tree, FkNodeId id)
{
  return fk_node_self(tree, id, 0) != 0 || fk_node_self(tree, id, 1) != 0;
}

/* Group frames ("[host=a]") at the top of stacks stay out of the rules. A
 * pass keeps one Groups: fixed[i] says node I is such a frame, base[i] is the
 * output node under which I's stack really starts (the root, or the image of
 * the innermost group frame above I). */
typedef struct {
  guint8 *fixed;
  FkNodeId *base;
  GHashTable *cache; /* name -> 1 group frame, 2 not */
} Groups;

static void
groups_init(Groups *g, gsize n)
{
  g->fixed = g_new0(guint8, n);
  g->base = g_new0(FkNodeId, n);
  g->cache = g_hash_table_new(NULL, NULL);
}

static void
groups_clear(Groups *g)
{
  g_free(g->fixed);
  g_free(g->base);
  g_hash_table_unref(g->cache);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(Groups, groups_clear)

/* For node I (not the root): when it is a group frame, maps it verbatim and
 * returns 1 (or -1 on error); else sets its base and returns 0. */
static int
groups_step(Groups *g, FkTree *out, gsize i, const FkNode *x, FkNodeId *map, GError **error)
{
  if (x->parent == FK_ROOT || g->fixed[x->parent]) {
    gpointer v = g_hash_table_lookup(g->cache, x->name);
    if (v == NULL) {
      v = GINT_TO_POINTER(fk_is_group_frame(x->name) ? 1 : 2);
      g_hash_table_insert(g->cache, (gpointer)x->name, v);
    }
    if (GPOINTER_TO_INT(v) == 1) {
      g->fixed[i] = 1;
      map[i] = fk_tree_child(out, map[x->parent], x->name, error);
      g->base[i] = map[i];
      return map[i] == 0 ? -1 : 1;
    }
  }
  g->base[i] = g->base[x->parent];
  return 0;
}

/* Adds node ID's self weight (in TREE's columns and decimals) to OUT's node
 * TO. */
static gboolean
add_self(FkTree *out, FkNodeId to, const FkTree *tree, FkNodeId id, GError **error)
{
  if (!has_self(tree, id))
    return TRUE;
  FkWeight w = {{fk_node_self(tree, id, 0), fk_node_self(tree, id, 1)},
                (guint8)fk_tree_columns(tree),
                (guint8)fk_tree_decimals(tree)};
  return fk_tree_add(out, to, &w, error);
}

static void
report_removed(FkTransformReport *r, const FkTree *tree, FkNodeId id)
{
  if (r == NULL)
    return;
  r->nodes++;
  if (!has_self(tree, id))
    return;
  r->stacks++;
  for (guint c = 0; c < FK_MAX_COLUMNS; c++)
    r->removed[c] += fk_node_self(tree, id, c);
}

/* A new empty tree like TREE: same interner, flags, columns and decimals. */
static FkTree *
tree_like(const FkTree *tree)
{
  FkTree *out = fk_tree_new(fk_tree_strings(tree), fk_tree_flags(tree));
  FkWeight w = {{0, 0}, (guint8)fk_tree_columns(tree), (guint8)fk_tree_decimals(tree)};
  fk_tree_add(out, FK_ROOT, &w, NULL); /* widens columns and decimals; adds nothing */
  return out;
}

/* Finishes a transform's output (see stacktree.h). Transforms may leave
 * nodes whose total is zero (a prefix all of whose stacks moved elsewhere).
 * Writers must not see them: copy the weighted part. */
static FkTree *
compact(FkTree *tree, GError **error)
{
  fk_tree_finish(tree);
  gsize n = fk_tree_size(tree);
  gboolean empty_nodes = FALSE;
  for (gsize i = 1; i < n && !empty_nodes; i++) {
    empty_nodes =
        fk_node_total(tree, (FkNodeId)i, 0) == 0 && fk_node_total(tree, (FkNodeId)i, 1) == 0;
  }
  if (!empty_nodes)
    return tree;
  g_autoptr(FkTree) in = tree;
  g_autoptr(FkTree) out = tree_like(in);
  g_autofree FkNodeId *map = g_new(FkNodeId, n);
  map[FK_ROOT] = FK_ROOT;
  for (gsize i = 1; i < n; i++) {
    const FkNode *x = fk_tree_node(in, (FkNodeId)i);
    if (fk_node_total(in, (FkNodeId)i, 0) == 0 && fk_node_total(in, (FkNodeId)i, 1) == 0)
      continue;
    map[i] = fk_tree_child(out, map[x->parent], x->name, error);
    if (map[i] == 0 || !add_self(out, map[i], in, (FkNodeId)i, error))
      return NULL;
  }
  if (!add_self(out, FK_ROOT, in, FK_ROOT, error))
    return NULL;
  fk_tree_finish(out);
  return g_steal_pointer(&out);
}

/* The walk most transforms are: every node of TREE, parents first, is placed
 * in a new tree by PLACE (which returns the output node its self weight goes
 * to, or 0 with ERROR); group frames and the root are copied as they are. */
typedef struct {
  const FkTree *tree;
  FkTree *out;
  FkNodeId *map; /* input node -> output node */
  Groups g;
} Walk;

typedef FkNodeId (*PlaceFunc)(Walk *w, gsize i, const FkNode *x, gpointer data, GError **error);

static FkTree *
remap(const FkTree *tree, PlaceFunc place, gpointer data, GError **error)
{
  gsize n = fk_tree_size(tree);
  g_autoptr(FkTree) out = tree_like(tree);
  g_autofree FkNodeId *map = g_new(FkNodeId, n);
  Walk w = {tree, out, map, {0}};
  groups_init(&w.g, n);
  map[FK_ROOT] = FK_ROOT;
  gboolean ok = add_self(out, FK_ROOT, tree, FK_ROOT, error);
  for (gsize i = 1; ok && i < n; i++) {
    const FkNode *x = fk_tree_node(tree, (FkNodeId)i);
    int gs = groups_step(&w.g, out, i, x, map, error);
    if (gs == 0)
      map[i] = place(&w, i, x, data, error);
    ok = gs >= 0 && map[i] != 0 && add_self(out, map[i], tree, (FkNodeId)i, error);
  }
  groups_clear(&w.g);
  return ok ? compact(g_steal_pointer(&out), error) : NULL;
}

typedef struct {
  GHashTable *set;
  guint8 *found; /* a FUNC is on the path from the root to this node */
} SkipAfter;

static FkNodeId
place_skip_after(Walk *w, gsize i, const FkNode *x, gpointer data, GError **error)
{
  SkipAfter *sa = data;
  FkNodeId parent = w->map[x->parent];
  if (!sa->found[x->parent] && g_hash_table_contains(sa->set, x->name)) {
    parent = w->g.base[i];
    sa->found[i] = 1;
  } else {
    sa->found[i] = sa->found[x->parent];
  }
  return fk_tree_child(w->out, parent, x->name, error);
}

FkTree *
fk_tree_skip_after(const FkTree *tree, const char *const *funcs, GError **error)
{
  const FkInterner *strings = fk_tree_strings(tree);
  g_autoptr(GHashTable) set = g_hash_table_new(NULL, NULL);
  /* Looked up, not interned: a name the interner lacks is on no node, and
   * interning it would grow an interner other trees share. */
  for (const char *const *f = funcs; f && *f; f++) {
    const char *name = fk_interner_lookup0(strings, *f);
    if (name != NULL)
      g_hash_table_add(set, (gpointer)name);
  }
  g_autofree guint8 *found = g_new0(guint8, fk_tree_size(tree));
  SkipAfter sa = {set, found};
  return remap(tree, place_skip_after, &sa, error);
}

/* Caches a regex result per interned name: names repeat across the tree. */
static gboolean
name_matches(GHashTable *cache, const GRegex *regex, const char *name)
{
  gpointer v = g_hash_table_lookup(cache, name);
  if (v != NULL)
    return GPOINTER_TO_INT(v) == 2;
  gboolean m = g_regex_match(regex, name, 0, NULL);
  g_hash_table_insert(cache, (gpointer)name, GINT_TO_POINTER(m ? 2 : 1));
  return m;
}

FkTree *
fk_tree_filter(const FkTree *tree, FkFilterKind kind, const GRegex *regex,
               FkTransformReport *report, GError **error)
{
  gsize n = fk_tree_size(tree);
  g_autoptr(FkTree) out = tree_like(tree);
  g_autoptr(GHashTable) cache = g_hash_table_new(NULL, NULL);
  g_autofree FkNodeId *map = g_new(FkNodeId, n);
  /* matched: some frame from the root down to this node matches */
  g_autofree guint8 *matched = g_new0(guint8, n);
  g_auto(Groups) g;
  groups_init(&g, n);
  map[FK_ROOT] = FK_ROOT;
  /* The root's own self weight is the empty stack: it has no frame to match. */
  if (kind == FK_FILTER_EXCLUDE || kind == FK_FILTER_HIDE) {
    if (!add_self(out, FK_ROOT, tree, FK_ROOT, error))
      return NULL;
  } else if (report != NULL && has_self(tree, FK_ROOT)) {
    report->stacks++;
    for (guint c = 0; c < FK_MAX_COLUMNS; c++)
      report->removed[c] += fk_node_self(tree, FK_ROOT, c);
  }
  for (gsize i = 1; i < n; i++) {
    const FkNode *x = fk_tree_node(tree, (FkNodeId)i);
    int gs = groups_step(&g, out, i, x, map, error);
    if (gs < 0)
      return NULL;
    if (gs > 0) {
      /* A group's own self weight is an empty stack, as the root's. */
      if (kind == FK_FILTER_INCLUDE || kind == FK_FILTER_FOCUS) {
        if (report != NULL && has_self(tree, (FkNodeId)i)) {
          report->stacks++;
          for (guint c = 0; c < FK_MAX_COLUMNS; c++)
            report->removed[c] += fk_node_self(tree, (FkNodeId)i, c);
        }
      } else if (!add_self(out, map[i], tree, (FkNodeId)i, error))
        return NULL;
      continue;
    }
    gboolean m = name_matches(cache, regex, x->name);
    matched[i] = matched[x->parent] || m;
    FkNodeId p = map[x->parent];
    switch (kind) {
    case FK_FILTER_INCLUDE:
    case FK_FILTER_EXCLUDE:
      /* Build every path; drop the self weight of stacks on the wrong side. */
      map[i] = fk_tree_child(out, p, x->name, error);
      if (map[i] == 0)
        return NULL;
      if ((kind == FK_FILTER_INCLUDE) != (matched[i] != 0)) {
        report_removed(report, tree, (FkNodeId)i);
        continue;
      }
      break;
    case FK_FILTER_FOCUS:
      if (matched[x->parent]) {
        map[i] = fk_tree_child(out, p, x->name, error);
      } else if (m) {
        map[i] = fk_tree_child(out, g.base[i], x->name, error);
      } else {
        map[i] = NONE;
        report_removed(report, tree, (FkNodeId)i);
        continue;
      }
      if (map[i] == 0)
        return NULL;
      break;
    case FK_FILTER_HIDE:
      if (m && report != NULL)
        report->nodes++; /* a frame with no image: what --hide says it removed */
      map[i] = m ? p : fk_tree_child(out, p, x->name, error);
      if (map[i] == 0 && !m)
        return NULL;
      break;
    }
    if (!add_self(out, map[i], tree, (FkNodeId)i, error))
      return NULL;
  }
  return compact(g_steal_pointer(&out), error);
}

static FkNodeId
place_collapse(Walk *w, gsize i, const FkNode *x, gpointer data, GError **error)
{
  (void)data;
  FkNodeId p = w->map[x->parent];
  if (p != w->g.base[i] && fk_tree_node_name(w->out, p) == x->name)
    return p;
  return fk_tree_child(w->out, p, x->name, error);
}

FkTree *
fk_tree_collapse_recursion(const FkTree *tree, GError **error)
{
  return remap(tree, place_collapse, NULL, error);
}

static gboolean
is_hex(char c)
{
  return g_ascii_isxdigit(c);
}

gsize
fk_name_offset_start(const char *name, gsize len)
{
  gsize e = len;
  /* an optional "/0xSIZE" (kernel symbols print func+off/size) */
  gsize s = e;
  while (s > 0 && is_hex(name[s - 1]))
    s--;
  /* most names: no offset, as the run of hex digits ending them (which
   * holds any decimal one) follows neither "0x" nor '+' */
  if (s == e || s == 0 || (name[s - 1] != 'x' && name[s - 1] != '+'))
    return len;
  if (s >= 3 && s < e && name[s - 1] == 'x' && name[s - 2] == '0' && name[s - 3] == '/') {
    gsize t = s - 3;
    gsize u = t;
    while (u > 0 && is_hex(name[u - 1]))
      u--;
    if (u >= 3 && u < t && name[u - 1] == 'x' && name[u - 2] == '0' && name[u - 3] == '+')
      return u - 3 > 0 ? u - 3 : len;
    return len;
  }
  if (s >= 3 && s < e && name[s - 1] == 'x' && name[s - 2] == '0' && name[s - 3] == '+')
    return s - 3 > 0 ? s - 3 : len;
  /* decimal "+31" (bpftrace) */
  s = e;
  while (s > 0 && g_ascii_isdigit(name[s - 1]))
    s--;
  if (s >= 2 && s < e && name[s - 1] == '+')
    return s - 1;
  return len;
}

/* TRUE when "0x" followed by a hex digit starts at I, not inside a word. */
static gboolean
hex_at(const char *name, gsize i, gsize len)
{
  return name[i] == '0' && i + 2 < len && (name[i + 1] == 'x' || name[i + 1] == 'X') &&
         is_hex(name[i + 2]) && (i == 0 || !g_ascii_isalnum(name[i - 1]));
}

char *
fk_strip_name(const char *name, FkStripFlags flags)
{
  gsize len = strlen(name);
  if (flags & FK_STRIP_OFFSETS)
    len = fk_name_offset_start(name, len);
  if (!(flags & FK_STRIP_HEX))
    return g_strndup(name, len);
  GString *s = g_string_sized_new(len);
  for (gsize i = 0; i < len;) {
    /* "0x" followed by hex digits, not in the middle of a word */
    if (hex_at(name, i, len)) {
      gsize j = i + 2;
      while (j < len && is_hex(name[j]))
        j++;
      g_string_append(s, "0x...");
      i = j;
      continue;
    }
    g_string_append_c(s, name[i++]);
  }
  return g_string_free(s, FALSE);
}

/* FALSE (stop) at the first name that FLAGS (a FkStripFlags) would change. */
static gboolean
keeps_name(const char *name, gsize len, gpointer flags)
{
  FkStripFlags f = (FkStripFlags)GPOINTER_TO_UINT(flags);
  if ((f & FK_STRIP_OFFSETS) && fk_name_offset_start(name, len) != len)
    return FALSE;
  if (f & FK_STRIP_HEX)
    for (gsize k = 0; k < len; k++)
      if (hex_at(name, k, len))
        return FALSE;
  return TRUE;
}

gboolean
fk_tree_strip_needed(const FkTree *tree, FkStripFlags flags)
{
  /* Each distinct name once, from the interner's arena, in one pass over
   * memory: the names of the nodes, deduplicated in a hash table, were a
   * random access per node and a table of every name (a wide profile's
   * million leaves: 4% of `graph`). The interner may hold strings that are
   * no node's (input names, hosts): one of those that has an offset only
   * makes the strip run and find nothing to change. */
  return !fk_interner_foreach(fk_tree_strings(tree), keeps_name, GUINT_TO_POINTER(flags));
}

typedef struct {
  FkStripFlags flags;
  GHashTable *cache; /* input name -> stripped, interned name */
} Strip;

static FkNodeId
place_strip(Walk *w, gsize i, const FkNode *x, gpointer data, GError **error)
{
  (void)i;
  Strip *st = data;
  const char *name = g_hash_table_lookup(st->cache, x->name);
  if (name == NULL) {
    g_autofree char *s = fk_strip_name(x->name, st->flags);
    name = fk_interner_intern0(fk_tree_strings(w->tree), s);
    g_hash_table_insert(st->cache, (gpointer)x->name, (gpointer)name);
  }
  return fk_tree_child(w->out, w->map[x->parent], name, error);
}

FkTree *
fk_tree_strip(const FkTree *tree, FkStripFlags flags, GError **error)
{
  g_autoptr(GHashTable) cache = g_hash_table_new(NULL, NULL);
  Strip st = {flags, cache};
  return remap(tree, place_strip, &st, error);
}

gint64
fk_prune_threshold(const FkTree *tree, double pixels, double width, double percent)
{
  guint c = fk_tree_columns(tree) - 1;
  double total = (double)fk_tree_total(tree, c);
  double t = percent >= 0 ? total * percent / 100.0 : (width > 0 ? total * pixels / width : 0);
  /* A node narrower than the threshold is pruned: round the bound up, and
   * never below 1 so that empty nodes go too. */
  gint64 min = (gint64)t;
  if ((double)min < t)
    min++;
  return MAX(min, 1);
}

FkTree *
fk_tree_prune(const FkTree *tree, gint64 min_total, FkPruneMode mode, FkTransformReport *report,
              GError **error)
{
  gsize n = fk_tree_size(tree);
  guint last = fk_tree_columns(tree) - 1;
  g_autoptr(FkTree) out = tree_like(tree);
  /* map[i]: the output node of I, or of its nearest kept ancestor when pruned */
  g_autofree FkNodeId *map = g_new(FkNodeId, n);
  g_autofree guint8 *pruned = g_new0(guint8, n);
  map[FK_ROOT] = FK_ROOT;
  if (!add_self(out, FK_ROOT, tree, FK_ROOT, error))
    return NULL;
  for (gsize i = 1; i < n; i++) {
    const FkNode *x = fk_tree_node(tree, (FkNodeId)i);
    if (pruned[x->parent] || fk_node_total(tree, (FkNodeId)i, last) < min_total) {
      pruned[i] = 1;
      map[i] = map[x->parent];
      if (mode == FK_PRUNE_DROP) {
        report_removed(report, tree, (FkNodeId)i);
        continue;
      }
      if (report != NULL) {
        report->nodes++;
        if (has_self(tree, (FkNodeId)i)) {
          report->stacks++;
          for (guint c = 0; c < FK_MAX_COLUMNS; c++)
            report->moved[c] += fk_node_self(tree, (FkNodeId)i, c);
        }
      }
    } else if ((map[i] = fk_tree_child(out, map[x->parent], x->name, error)) == 0) {
      return NULL;
    }
    if (!add_self(out, map[i], tree, (FkNodeId)i, error))
      return NULL;
  }
  fk_tree_finish(out);
  return g_steal_pointer(&out);
}

/* Adding IN's self weights into column COLUMN of OUT, node by node. */
typedef struct {
  FkTree *out;
  guint column, decimals;
  const gint64 *scaled;
  gboolean same;
  FkNodeId *map; /* IN's node -> OUT's */
  GError **error;
} DiffAdd;

static gboolean
diff_add_node(const FkTree *in, FkNodeId i, const FkNode *x, const FkWeights *xw, gpointer data)
{
  (void)in;
  DiffAdd *d = data;
  if (xw[0].total == 0)
    return TRUE;
  if (i != FK_ROOT) {
    const char *name = d->same ? x->name : fk_tree_intern(d->out, x->name, strlen(x->name));
    d->map[i] = fk_tree_child(d->out, d->map[x->parent], name, d->error);
    if (d->map[i] == 0)
      return FALSE;
  }
  gint64 v = d->scaled ? d->scaled[i] : xw[0].self;
  if (v == 0)
    return TRUE;
  FkWeight w = {{0, 0}, 2, (guint8)d->decimals};
  w.v[d->column] = v;
  return fk_tree_add(d->out, d->map[i], &w, d->error);
}

/* Adds every self weight of IN into column COLUMN of OUT. OWNED (IN
 * itself, or NULL) is freed as it is read (fk_tree_drain), whatever happens. */
static gboolean
diff_add(FkTree *out, const FkTree *in, FkTree *owned, guint column, const gint64 *scaled,
         guint decimals, GError **error)
{
  gsize n = fk_tree_size(in);
  g_autofree FkNodeId *map = g_new(FkNodeId, n);
  map[FK_ROOT] = FK_ROOT;
  DiffAdd d = {out, column, decimals, scaled, fk_tree_strings(in) == fk_tree_strings(out),
               map, error};
  if (owned != NULL)
    return fk_tree_drain(owned, diff_add_node, &d);
  for (gsize i = 0; i < n; i++) {
    FkWeights w[FK_MAX_COLUMNS];
    for (guint c = 0; c < FK_MAX_COLUMNS; c++)
      w[c] = fk_node_weights(in, (FkNodeId)i, c);
    if (!diff_add_node(in, (FkNodeId)i, fk_tree_node(in, (FkNodeId)i), w, &d))
      return FALSE;
  }
  return TRUE;
}

typedef struct {
  gsize index;
  guint64 rem;
} Remainder;

static int
cmp_remainder(gconstpointer a, gconstpointer b)
{
  const Remainder *x = a, *y = b;
  if (x->rem != y->rem)
    return x->rem > y->rem ? -1 : 1;
  return x->index < y->index ? -1 : x->index > y->index;
}

/* BEFORE's self weights scaled to sum exactly to TARGET (in units of
 * 10^-DECIMALS): floor of the exact quotient, then the largest remainders get
 * one unit each until the sum is right (Hamilton's method). */
static gint64 *
normalize_weights(const FkTree *before, gint64 target, GError **error)
{
  gsize n = fk_tree_size(before);
  gint64 tb = fk_tree_total(before, 0);
  gint64 *out = g_new0(gint64, n);
  if (tb == 0)
    return out;
  g_autoptr(GArray) rems = g_array_new(FALSE, FALSE, sizeof(Remainder));
  fk_i128 sum = 0;
  fk_i128 scale = (fk_i128)target;
  for (gsize i = 0; i < n; i++) {
    gint64 s = fk_node_self(before, (FkNodeId)i, 0);
    if (s == 0)
      continue;
    fk_i128 num = (fk_i128)s * scale;
    fk_i128 q = num / tb;
    out[i] = (gint64)q;
    sum += q;
    Remainder r = {i, (guint64)(num % tb)};
    g_array_append_val(rems, r);
  }
  g_array_sort(rems, cmp_remainder);
  gint64 deficit = (gint64)(scale - sum);
  if (deficit < 0 || (guint64)deficit > rems->len) {
    g_free(out);
    g_set_error(error, FK_TRANSFORM_ERROR, FK_TRANSFORM_ERROR_INVALID,
                "normalization went wrong (deficit %" G_GINT64_FORMAT ")", deficit);
    return NULL;
  }
  for (gint64 k = 0; k < deficit; k++)
    out[g_array_index(rems, Remainder, k).index]++;
  return out;
}

/* The diff with OUT (being built) already holding AFTER in column 1:
 * TOTAL_AFTER is its total at DA decimals. OUT finished, or NULL (OUT freed).
 * OWNED (BEFORE itself, or NULL) is freed as it is added. */
static FkTree *
diff_before(FkTree *out_, const FkTree *before, FkTree *owned, gint64 total_after,
            gboolean normalize, guint db, guint da, GError **error)
{
  g_autoptr(FkTree) out = out_;
  if (!normalize) {
    if (!diff_add(out, before, owned, 0, NULL, db, error))
      return NULL;
    fk_tree_finish(out);
    return g_steal_pointer(&out);
  }
  /* Scale BEFORE into units of 10^-d with a few extra places: the exact
   * quotients rarely are integers, and no weight is truncated away. */
  guint d = MIN(MAX(db, da) + 3, FK_MAX_DECIMALS);
  gint64 target;
  if (__builtin_mul_overflow(total_after, fk_pow10(d - da), &target)) {
    d = MAX(db, da);
    target = total_after * fk_pow10(d - da);
  }
  /* self_b * TA / TB, with self_b and TB in BEFORE's decimals and TA in d. */
  g_autofree gint64 *scaled = normalize_weights(before, target, error);
  if (scaled == NULL) {
    fk_tree_free(owned);
    return NULL;
  }
  if (!diff_add(out, before, owned, 0, scaled, d, error))
    return NULL;
  fk_tree_finish(out);
  return g_steal_pointer(&out);
}

static gboolean
diff_check(const FkTree *before, const FkTree *after, GError **error)
{
  if (fk_tree_columns(before) != 1 || fk_tree_columns(after) != 1) {
    g_set_error(error, FK_TRANSFORM_ERROR, FK_TRANSFORM_ERROR_INVALID,
                "cannot diff a tree that already has two columns");
    return FALSE;
  }
  return TRUE;
}

/* fk_tree_diff, OWNED (BEFORE itself, or NULL) freed as
 * it is added. */
static FkTree *
diff_copy(const FkTree *before, FkTree *owned, const FkTree *after, gboolean normalize,
          GError **error)
{
  guint db = fk_tree_decimals(before), da = fk_tree_decimals(after);
  g_autoptr(FkTree) out = fk_tree_new(fk_tree_strings(after), fk_tree_flags(after));
  FkWeight zero = {{0, 0}, 2, (guint8)MAX(db, da)};
  if (!fk_tree_add(out, FK_ROOT, &zero, error) || !diff_add(out, after, NULL, 1, NULL, da, error)) {
    fk_tree_free(owned);
    return NULL;
  }
  return diff_before(g_steal_pointer(&out), before, owned, fk_tree_total(after, 0), normalize, db,
                     da, error);
}

FkTree *
fk_tree_diff(const FkTree *before, const FkTree *after, gboolean normalize, GError **error)
{
  if (!diff_check(before, after, error))
    return NULL;
  return diff_copy(before, NULL, after, normalize, error);
}

/* fk_tree_diff_take, OWNED (BEFORE itself, or NULL) freed as
 * it is added. */
static FkTree *
diff_take(const FkTree *before, FkTree *owned, FkTree *after_, gboolean normalize, GError **error)
{
  g_autoptr(FkTree) after = after_;
  if (!diff_check(before, after, error)) {
    fk_tree_free(owned);
    return NULL;
  }
  /* A node without weight would not be copied into a new tree: keep the
   * copy then, so that the result is the same. */
  for (gsize i = 1; i < fk_tree_size(after); i++)
    if (fk_node_total(after, (FkNodeId)i, 0) == 0)
      return diff_copy(before, owned, after, normalize, error);
  guint db = fk_tree_decimals(before), da = fk_tree_decimals(after);
  gint64 total_after = fk_tree_total(after, 0);
  if (!fk_tree_to_second_column(after, MAX(db, da), error)) {
    fk_tree_free(owned);
    return NULL;
  }
  return diff_before(g_steal_pointer(&after), before, owned, total_after, normalize, db, da, error);
}

FkTree *
fk_tree_diff_take(const FkTree *before, FkTree *after, gboolean normalize, GError **error)
{
  /* BEFORE is read while AFTER is rewritten: they cannot be one tree (a
   * programmer error, which leaves the tree to the caller). */
  g_return_val_if_fail(before != after, NULL);
  return diff_take(before, NULL, after, normalize, error);
}

FkTree *
fk_tree_diff_take_both(FkTree *before, FkTree *after, gboolean normalize, GError **error)
{
  g_return_val_if_fail(before != after, NULL);
  return diff_take(before, before, after, normalize, error);
}
