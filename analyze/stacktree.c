/* stacktree.c -- nodes in a GArray, a child index keyed by (parent, name). */
#include "stacktree.h"
#include "pages.h"

#include <stdlib.h>
#include <string.h>

/* clang-format off: it would space the dashes of the quark name */
G_DEFINE_QUARK(fk - tree - error - quark, fk_tree_error)
/* clang-format on */

/* Self weights kept at a column's sum (FkTree.kept): N ids and their
 * self weights. */
typedef struct {
  FkNodeId *ids;
  gint64 *self;
  gsize n;
} KeptSelf;

struct FkTree {
  /* Per column, the weights in chunks as the nodes are (one per node
   * chunk); NULL for a column the tree never had. First: the accessor of
   * stacktree.h reads it. Zeroed memory: a node's weights start at zero
   * without a write. */
  FkTreeHead head;
  /* summed[c]: column C holds totals (it was finished), not self weights.
   * A self weight is then the total less the children's. */
  gboolean summed[FK_MAX_COLUMNS];
  /* The root's self weights: its slot holds its total, always. */
  gint64 root_self[FK_MAX_COLUMNS];
  /* Per summed column, the self weights of the nodes with a child index
   * (has_many) when the column was summed, ascending by id: a self weight
   * is otherwise a walk over the node's children, and under a wide frame
   * (a million leaves under 8 workers) that was a cache miss a child on
   * every read of it, 6% of graph's time on the wide flat shape, all of it
   * after the reading. A node made a many one later (a tree built again)
   * is not in it and is walked; anything that changes a kept self weight
   * (fk_tree_add to a summed column, lift's renumbering) drops the
   * column's. */
  KeptSelf kept[FK_MAX_COLUMNS];
  FkInterner *strings;
  FkTreeFlags flags;
  guint columns;
  guint decimals;
  /* Nodes in fixed chunks, so that growing never copies what is there. */
  FkNode **chunks;
  guint n_chunks;
  guint32 len;
  /* Child index: open addressing (id 0 = empty slot). A slot holds the
   * child's id and 32 bits of the hash of its key (parent, name): a probe
   * that misses touches only the table, and one whose tag matches is
   * confirmed on the node, which the caller reads next anyway (the walk goes
   * on from it). Slots of 8 bytes instead of 16 (the key in the slot): the
   * index of a wide profile was a quarter of its memory, and on this VM
   * memory costs its page faults. It holds only the children of nodes with
   * more than SCAN_CHILDREN children: the others are found on the parent's
   * sibling list. In profiles with many distinct stacks most nodes have one
   * child, and indexing every node was a cache miss per frame and 32 to 64
   * bytes per node. */
  struct Slot {
    guint32 tag;
    FkNodeId id;
  } * slots;
  gsize mask;
  gsize indexed; /* occupied slots */
  /* Adds update self weights and the root's total only; the other totals are
   * summed in one pass over the array by fk_tree_finish (when totals_dirty:
   * a node but the root was added to in a column not summed yet). Writing
   * every ancestor on every add was most of the cost of reading big
   * inputs. Summing when a total is first read instead made every read of a
   * const tree a write, and reads between adds a pass each: quadratic. */
  gboolean totals_dirty;
  /* Set by fk_tree_finish: every total is right and nothing is added any
   * more, so the tree is read through const pointers without a write. */
  gboolean finished;
  /* Whole stacks seen before: hash of the frame pointers -> leaf, direct
   * mapped. Real inputs repeat stacks, and one probe here replaces a probe of
   * the child index per frame. A hit is confirmed on the leaf's whole path
   * (is_path), so 32 bits of hash (which also place the entry: the table
   * grows to at most 2^31 entries) are a filter, not a proof: 8 bytes an
   * entry, not 16. */
  struct StackHit {
    guint32 hash;
    FkNodeId leaf;
  } * stack_cache;
  gsize stack_mask;
  gsize stack_used; /* occupied entries: the cache grows with distinct stacks */
  /* Whether the cache is used, judged every STACK_WINDOW stacks that miss
   * it (or skip it): a probe costs about a cache miss, and a hit saves at
   * most the frames a miss walks. When those are fewer than STACK_MIN_WALK
   * a stack on average (a wide flat profile: a million leaves under a few
   * frames whose prefix the last stack's path gives; the probes that
   * missed were a quarter of the time of the thread building the tree),
   * the stacks skip the cache until the walks grow longer again. Judged by
   * the walks, not the hits, so that stacks that do not repeat yet (the
   * first pass over a block of distinct ones) keep the cache when they are
   * long. A hit gives the leaf the walk would: skipping changes no node. */
  gboolean stack_skip;
  guint32 stack_missed; /* stacks walked in this window */
  guint64 stack_walked; /* the frames they walked */
  /* Bit ID is set when node ID has more than SCAN_CHILDREN children, which
   * are then in the child index (a bit per node instead of a count in each
   * node: FkNode shrank from 64 to 56 bytes). */
  guint8 *many;
  gsize many_bytes;
  /* TRUE while child lists are newest first (the tree is being built):
   * fk_tree_finish puts them in insertion order, which is id order. */
  gboolean newest_first;
  /* Flame charts (FK_TREE_SEQUENTIAL): closed[id] is set when a sample ended
   * at node ID, so its current last child cannot be continued: A;B, A, A;B
   * gives A with two B frames, as flamegraph.pl --flamechart draws it. */
  GByteArray *closed;
  /* The path of the last fk_tree_add_stack, for prefix reuse. */
  const char **last_frames; /* LAST_N of them, and their nodes, in arrays of LAST_CAP */
  FkNodeId *last_nodes;
  gsize last_n, last_cap;
};

/* FK_STACKTREE_WEAK_HASH (tests/unit/test-stacktree-weak.c only) keeps a
 * few bits of each hash, so that index tags and whole-stack hashes collide
 * all the time and every confirmation is put to work. */
#ifdef FK_STACKTREE_WEAK_HASH
#define WEAKEN(h) (((h)&0xfffffULL) | (((h)&1) << 32))
#else
#define WEAKEN(h) (h)
#endif

static inline guint64
child_hash(FkNodeId parent, const char *name)
{
  guint64 h = ((guint64)(guintptr)name) ^ ((guint64)parent * 0x9e3779b97f4a7c15ULL);
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  return WEAKEN(h);
}

static inline guint64
stack_hash(const char *const *frames, gsize n)
{
  guint64 h = fk_hash_bytes(frames, n * sizeof *frames);
#ifdef FK_STACKTREE_WEAK_HASH
  h &= 7;
#endif
  return h ? h : 1;
}

/* The 32 bits of a child hash kept in its index slot: the high ones, as the
 * low ones choose the slot. */
static inline guint32
slot_tag(guint64 h)
{
  return (guint32)(h >> 32);
}

#define STACK_CACHE_SIZE (1u << 12)
#define STACK_WINDOW 4096
#define STACK_MIN_WALK 3
/* Children of a node found by walking its sibling list, before they are put
 * in the child index: a walk of up to this many nodes costs about what one
 * probe of a big index does. */
#define SCAN_CHILDREN 4
#define CHUNK_BITS FK_NODE_CHUNK_BITS
#define CHUNK_SIZE FK_NODE_CHUNK

static inline FkNode *
node_at(const FkTree *self, FkNodeId id)
{
  return &self->chunks[id >> CHUNK_BITS][id & (CHUNK_SIZE - 1)];
}

/* Node ID's slot in column C, which the tree has (see summed). */
static inline gint64 *
wat(const FkTree *self, FkNodeId id, guint c)
{
  return &self->head.weights[c][id >> CHUNK_BITS][id & (CHUNK_SIZE - 1)];
}

/* *P += V, as one instruction that writes memory. A weight's page that was
 * never written is not there yet (fresh mmap or calloc memory): a load
 * first maps the shared zero page, and the store after it copies that page
 * and flushes the TLB of every other core running this process, an
 * interrupt each (on the all-distinct shape 20% of the time of the thread
 * building the tree, while the reader ran on the other core). x86-64's add
 * to memory faults as a write, which maps a fresh zeroed page at once;
 * elsewhere it is the load and the store. */
static inline void
add_to(gint64 *p, gint64 v)
{
#if defined(__x86_64__) && defined(__GNUC__)
  __asm__("addq %1, %0" : "+m"(*p) : "er"(v));
#else
  *p += v;
#endif
}

static gboolean rescale(FkTree *self, guint decimals, GError **error);
static inline void relink(FkTree *self, FkNodeId i, FkNode *x);

/* Zeroed memory for the index and the stack cache (fk_pages_alloc0 when
 * big). */
static void *
table_alloc0(gsize bytes)
{
  return fk_pages_alloc0(bytes, (gsize)4 << 20);
}

/* A node chunk (4 MiB): the first from malloc, so that a small tree (one
 * per archive member) stays small; the later ones fresh mapped pages. */
static FkNode *
chunk_alloc(guint index)
{
  gsize bytes = sizeof(FkNode) * CHUNK_SIZE;
  if (index == 0)
    return g_malloc(bytes);
  /* Mapped, not malloc'd: a freed chunk goes back to the system at once.
   * From malloc's heap the chunks a drain freed stayed resident as holes
   * the new tree's aligned chunks did not fit in, one run in two. */
  return fk_pages_map0(bytes);
}

static void
chunk_free(guint index, FkNode *chunk)
{
  if (index == 0)
    g_free(chunk);
  else
    fk_pages_unmap(chunk, sizeof(FkNode) * CHUNK_SIZE);
}

/* A chunk of weights of one column (512 KiB), zeroed: the first of a small
 * tree from calloc (whose big blocks are fresh zero pages), the later ones
 * fresh zero pages too, which cost nothing until written: a diff's column
 * of BEFORE is zero over AFTER's own nodes, and stays unwritten there. */
static gint64 *
wchunk_alloc(guint index)
{
  gsize bytes = sizeof(gint64) * CHUNK_SIZE;
  if (index == 0)
    return g_malloc0(bytes);
  return fk_pages_map0(bytes);
}

static void
wchunk_free(guint index, gint64 *w)
{
  if (index == 0)
    g_free(w);
  else if (w != NULL)
    fk_pages_unmap(w, sizeof(gint64) * CHUNK_SIZE);
}

/* Column C's chunks of zeroed weights, one per node chunk. */
static gint64 **
column_alloc(const FkTree *self)
{
  gint64 **w = g_new(gint64 *, self->n_chunks);
  for (guint i = 0; i < self->n_chunks; i++)
    w[i] = wchunk_alloc(i);
  return w;
}

/* Forgets column C's kept self weights (FkTree.kept). */
static void
kept_clear(FkTree *self, guint c)
{
  g_clear_pointer(&self->kept[c].ids, g_free);
  g_clear_pointer(&self->kept[c].self, g_free);
  self->kept[c].n = 0;
}

static void
column_free(FkTree *self, guint c)
{
  gint64 **w = self->head.weights[c];
  if (w == NULL)
    return;
  for (guint i = 0; i < self->n_chunks; i++)
    wchunk_free(i, w[i]);
  g_free(w);
  self->head.weights[c] = NULL;
  kept_clear(self, c);
  self->summed[c] = FALSE;
  self->root_self[c] = 0;
}

/* Makes the columns up to COLUMNS that SELF has not had yet, zero. */
static void
columns_alloc(FkTree *self, guint columns)
{
  for (guint c = 0; c < columns; c++)
    if (self->head.weights[c] == NULL)
      self->head.weights[c] = column_alloc(self);
}

FkTree *
fk_tree_new(FkInterner *strings, FkTreeFlags flags)
{
  FkTree *self = g_new0(FkTree, 1);
  self->strings = strings ? fk_interner_ref(strings) : fk_interner_new();
  self->flags = flags;
  self->columns = 1;
  self->chunks = g_new0(FkNode *, 1);
  self->n_chunks = 1;
  /* Chunks are not zeroed: a node is cleared when it is made, so the pages of
   * a small tree (one per archive member) are never touched. */
  self->chunks[0] = chunk_alloc(0);
  memset(&self->chunks[0][0], 0, sizeof(FkNode));
  self->len = 1;
  self->chunks[0][0].name = fk_interner_intern(self->strings, "", 0);
  columns_alloc(self, 1);
  self->mask = 1023;
  self->slots = table_alloc0(sizeof(struct Slot) * (self->mask + 1));
  self->stack_mask = STACK_CACHE_SIZE - 1;
  self->closed = g_byte_array_new();
  self->newest_first = TRUE;
  self->stack_cache = table_alloc0(sizeof(struct StackHit) * STACK_CACHE_SIZE);
  return self;
}

void
fk_tree_free(FkTree *self)
{
  if (self == NULL)
    return;
  fk_interner_unref(self->strings);
  for (guint i = 0; i < self->n_chunks; i++)
    chunk_free(i, self->chunks[i]);
  g_free(self->chunks);
  for (guint c = 0; c < FK_MAX_COLUMNS; c++)
    column_free(self, c);
  fk_pages_free(self->slots);
  fk_pages_free(self->stack_cache);
  g_byte_array_unref(self->closed);
  g_free(self->many);
  g_free(self->last_frames);
  g_free(self->last_nodes);
  g_free(self);
}

gboolean
fk_tree_reset(FkTree *self)
{
  /* Only small trees: a big one would pin its memory for the next user. */
  const gsize max_slots = (gsize)2 * CHUNK_SIZE;
  if (self->n_chunks != 1 || self->mask + 1 > max_slots || fk_interner_shared(self->strings))
    return FALSE;
  /* With no node but the root and no name but its own, the tables are
   * still empty: only the root's weights may need clearing. */
  if (self->len > 1 || fk_interner_count(self->strings) > 1) {
    if (!fk_interner_reset(self->strings, max_slots))
      return FALSE;
    memset(self->slots, 0, sizeof(struct Slot) * (self->mask + 1));
    memset(self->stack_cache, 0, sizeof(struct StackHit) * (self->stack_mask + 1));
    self->indexed = 0;
    self->stack_used = 0;
  }
  self->stack_skip = FALSE;
  self->stack_missed = 0;
  self->stack_walked = 0;
  memset(self->head.weights[0][0], 0, sizeof(gint64) * self->len);
  kept_clear(self, 0);
  self->summed[0] = FALSE;
  self->root_self[0] = 0;
  for (guint c = 1; c < FK_MAX_COLUMNS; c++)
    column_free(self, c);
  self->columns = 1;
  self->decimals = 0;
  self->totals_dirty = FALSE;
  self->finished = FALSE;
  self->newest_first = TRUE;
  if (self->many != NULL)
    memset(self->many, 0, self->many_bytes);
  self->len = 1;
  memset(&self->chunks[0][0], 0, sizeof(FkNode));
  self->chunks[0][0].name = fk_interner_intern(self->strings, "", 0);
  g_byte_array_set_size(self->closed, 0);
  self->last_n = 0;
  return TRUE;
}

gboolean
fk_tree_to_second_column(FkTree *self, guint decimals, GError **error)
{
  g_return_val_if_fail(self->columns == 1, FALSE);
  if (decimals > self->decimals && !rescale(self, decimals, error))
    return FALSE;
  /* The weights move as a whole: column 0's chunks become column 1's, and
   * column 0 starts again from zero pages. */
  column_free(self, 1);
  self->head.weights[1] = self->head.weights[0];
  self->summed[1] = self->summed[0];
  self->root_self[1] = self->root_self[0];
  self->kept[1] = self->kept[0];
  self->kept[0] = (KeptSelf){0};
  self->head.weights[0] = column_alloc(self);
  self->summed[0] = FALSE;
  self->root_self[0] = 0;
  self->columns = 2;
  /* Open again for the first column's weights; its totals stay right. The
   * child lists go back to newest first, as a tree being built keeps them. */
  if (self->finished && !self->newest_first) {
    for (gsize i = 1; i < self->len; i++)
      relink(self, (FkNodeId)i, node_at(self, (FkNodeId)i));
    self->newest_first = TRUE;
  }
  self->finished = FALSE;
  return TRUE;
}

FkInterner *
fk_tree_strings(const FkTree *self)
{
  return self->strings;
}

FkTreeFlags
fk_tree_flags(const FkTree *self)
{
  return self->flags;
}

guint
fk_tree_columns(const FkTree *self)
{
  return self->columns;
}

guint
fk_tree_decimals(const FkTree *self)
{
  return self->decimals;
}

gsize
fk_tree_size(const FkTree *self)
{
  return self->len;
}

const FkNode *
fk_tree_node(const FkTree *self, FkNodeId id)
{
  g_return_val_if_fail(id < self->len, NULL);
  g_return_val_if_fail(self->finished, NULL);
  return node_at(self, id);
}

const char *
fk_tree_node_name(const FkTree *self, FkNodeId id)
{
  g_return_val_if_fail(id < self->len, NULL);
  return node_at(self, id)->name;
}

gint64
fk_tree_total(const FkTree *self, guint column)
{
  return column < FK_MAX_COLUMNS ? fk_node_total(self, FK_ROOT, column) : 0;
}

const char *
fk_tree_intern(FkTree *self, const char *s, gsize len)
{
  return fk_interner_intern(self->strings, s, len);
}

gsize
fk_tree_bytes(const FkTree *self)
{
  gsize weights = 0;
  for (guint c = 0; c < FK_MAX_COLUMNS; c++)
    weights += self->head.weights[c] != NULL ? self->len * sizeof(gint64) : 0;
  return sizeof *self + self->len * sizeof(FkNode) + weights +
         (self->mask + 1) * sizeof(struct Slot) + (self->stack_mask + 1) * sizeof(struct StackHit) +
         self->many_bytes;
}

static inline gboolean
has_many(const FkTree *self, FkNodeId id)
{
  gsize b = id >> 3;
  return b < self->many_bytes && ((self->many[b] >> (id & 7)) & 1);
}

/* Where column C keeps node ID's self weight (FkTree.kept), or NULL. */
static gint64 *
kept_find(const FkTree *self, FkNodeId id, guint c)
{
  const KeptSelf *k = &self->kept[c];
  gsize lo = 0, hi = k->n;
  while (lo < hi) {
    gsize mid = lo + (hi - lo) / 2;
    if (k->ids[mid] < id)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo < k->n && k->ids[lo] == id ? &k->self[lo] : NULL;
}

/* Keeps column C's self weights of the nodes with a child index, which
 * the column holds now: just before it is summed. */
static void
kept_record(FkTree *self, guint c)
{
  kept_clear(self, c);
  gsize n = 0, bytes = MIN(self->many_bytes, ((gsize)self->len + 7) / 8);
  for (gsize b = 0; b < bytes; b++)
    n += (gsize)__builtin_popcount(self->many[b]);
  if (n == 0)
    return;
  KeptSelf *k = &self->kept[c];
  k->ids = g_new(FkNodeId, n);
  k->self = g_new(gint64, n);
  for (gsize b = 0; b < bytes; b++)
    for (guint8 m = self->many[b]; m != 0; m &= (guint8)(m - 1)) {
      FkNodeId id = (FkNodeId)(b * 8 + (gsize)__builtin_ctz(m));
      if (id == FK_ROOT || id >= self->len)
        continue; /* the root's is root_self */
      k->ids[k->n] = id;
      k->self[k->n++] = *wat(self, id, c);
    }
}

static void
set_many(FkTree *self, FkNodeId id)
{
  gsize b = id >> 3;
  if (b >= self->many_bytes) {
    gsize n = MAX(b + 1, MAX(self->many_bytes * 2, 64));
    self->many = g_realloc(self->many, n);
    memset(self->many + self->many_bytes, 0, n - self->many_bytes);
    self->many_bytes = n;
  }
  self->many[b] |= (guint8)(1u << (id & 7));
}

static void index_insert(FkTree *self, FkNodeId id);

/* Makes room in the child index for EXTRA more children, before they are
 * made: a bigger table is filled again from the nodes (the slots keep no
 * key), in index order, which reads the node array straight through. */
static void
index_reserve(FkTree *self, gsize extra)
{
  if ((self->indexed + extra) * 2 <= self->mask + 1)
    return;
  gsize cap = self->mask + 1;
  while ((self->indexed + extra) * 2 > cap)
    cap *= 2;
  fk_pages_free(self->slots);
  self->mask = cap - 1;
  self->slots = table_alloc0(sizeof(struct Slot) * cap);
  self->indexed = 0;
  for (gsize i = 1; i < self->len; i++)
    if (has_many(self, node_at(self, (FkNodeId)i)->parent))
      index_insert(self, (FkNodeId)i);
}

/* Puts ID in the child index, which has room (index_reserve). */
static void
index_insert(FkTree *self, FkNodeId id)
{
  const FkNode *n = node_at(self, id);
  guint64 h = child_hash(n->parent, n->name);
  gsize i = h & self->mask;
  while (self->slots[i].id != 0)
    i = (i + 1) & self->mask;
  self->slots[i] = (struct Slot){slot_tag(h), id};
  self->indexed++;
}

/* The stack cache grows with the distinct stacks it holds (to at most half
 * as many entries as the tree has nodes) and keeps what it holds. */
static void
stack_cache_grow(FkTree *self)
{
  struct StackHit *oc = self->stack_cache;
  gsize on = self->stack_mask + 1;
  self->stack_mask = on * 2 - 1;
  self->stack_cache = table_alloc0(sizeof(struct StackHit) * (self->stack_mask + 1));
  self->stack_used = 0;
  for (gsize k = 0; k < on; k++)
    if (oc[k].leaf != 0) {
      struct StackHit *a = &self->stack_cache[oc[k].hash & self->stack_mask];
      struct StackHit *b = &self->stack_cache[(oc[k].hash ^ 1) & self->stack_mask];
      struct StackHit *to = a->leaf == 0 ? a : b->leaf == 0 ? b : NULL;
      if (to != NULL) {
        *to = oc[k];
        self->stack_used++;
      }
    }
  fk_pages_free(oc);
}

/* Sums the totals bottom-up: children have larger indexes than parents, so
 * walking the array backwards reaches a node after all its children have
 * added their totals to it. The root's total is kept exact on every add, so
 * it is left as it is. */
/* Reverses the child lists of node X's parent P as X is met, in one pass
 * over the nodes in id order, upwards or downwards: each list's head must
 * be the first of its children that pass meets (newest first, met going
 * down; insertion order, met going up), so meeting the head starts its
 * list over. */
static inline void
relink(FkTree *self, FkNodeId i, FkNode *x)
{
  FkNode *p = node_at(self, x->parent);
  if (p->first_child == i) {
    x->next_sibling = 0;
  } else {
    x->next_sibling = p->first_child;
    p->first_child = i;
  }
}

/* Sums the totals bottom-up, in place of the self weights: children have
 * larger indexes than parents, so walking the array backwards reaches a node
 * after all its children have added their totals to its slot, which then
 * holds its total. The root's total is kept exact on every add, so it is
 * left as it is. A zero is not added: the pages of a column that stayed zero
 * (a diff's BEFORE over AFTER's own nodes) are read, never written, and so
 * never take memory. The same pass puts the child lists in insertion
 * order. */
void
fk_tree_finish(FkTree *self)
{
  self->finished = TRUE;
  gboolean relist = self->newest_first;
  self->newest_first = FALSE;
  gsize n = self->len;
  /* The columns to sum: those not summed yet, unless no node but the root
   * was added to (their other slots are all zero, totals as they are). */
  guint sum[FK_MAX_COLUMNS], k = 0;
  for (guint c = 0; c < FK_MAX_COLUMNS; c++)
    if (self->head.weights[c] != NULL && !self->summed[c]) {
      if (self->totals_dirty)
        sum[k++] = c;
      self->summed[c] = TRUE;
    }
  self->totals_dirty = FALSE;
  if (k == 0 && !relist)
    return;
  for (guint j = 0; j < k; j++)
    kept_record(self, sum[j]);
  for (gsize i = n - 1; i >= 1; i--) {
    FkNode *x = node_at(self, (FkNodeId)i);
    if (x->parent != FK_ROOT)
      for (guint j = 0; j < k; j++) {
        gint64 v = *wat(self, (FkNodeId)i, sum[j]);
        if (v != 0)
          add_to(wat(self, x->parent, sum[j]), v);
      }
    if (relist)
      relink(self, (FkNodeId)i, x);
  }
}

gint64
fk_node_self(const FkTree *tree, FkNodeId id, guint col)
{
  if (tree->head.weights[col] == NULL)
    return 0;
  if (id == FK_ROOT)
    return tree->root_self[col];
  gint64 v = *wat(tree, id, col);
  if (!tree->summed[col])
    return v;
  const gint64 *kept = has_many(tree, id) ? kept_find(tree, id, col) : NULL;
  if (kept != NULL)
    return *kept;
  for (FkNodeId c = node_at(tree, id)->first_child; c != 0; c = node_at(tree, c)->next_sibling)
    v -= *wat(tree, c, col);
  return v;
}

FkWeights
fk_node_weights(const FkTree *tree, FkNodeId id, guint col)
{
  return (FkWeights){fk_node_self(tree, id, col), fk_node_total(tree, id, col)};
}

/* fk_tree_find_child, also saying in *SCANNED how many children PARENT has
 * when they are on its sibling list only (it is then read to its end). */
static FkNodeId
find_child(const FkTree *self, FkNodeId parent, const char *name, guint *scanned)
{
  *scanned = 0;
  if (self->flags & FK_TREE_SEQUENTIAL) {
    if (parent < self->closed->len && self->closed->data[parent])
      return 0;
    /* the newest child: the head while the tree is built */
    FkNodeId last = node_at(self, parent)->first_child;
    if (!self->newest_first)
      for (FkNodeId c = last; c != 0; c = node_at(self, c)->next_sibling)
        last = c;
    return last != 0 && node_at(self, last)->name == name ? last : 0;
  }
  if (!has_many(self, parent)) {
    guint k = 0;
    for (FkNodeId c = node_at(self, parent)->first_child; c != 0; k++) {
      const FkNode *x = node_at(self, c);
      if (x->name == name)
        return c;
      c = x->next_sibling;
    }
    *scanned = k;
    return 0;
  }
  guint64 h = child_hash(parent, name);
  guint32 tag = slot_tag(h);
  gsize i = h & self->mask;
  for (const struct Slot *sl; (sl = &self->slots[i])->id != 0; i = (i + 1) & self->mask)
    if (sl->tag == tag) {
      const FkNode *k = node_at(self, sl->id);
      if (k->name == name && k->parent == parent)
        return sl->id;
    }
  return 0;
}

FkNodeId
fk_tree_find_child(const FkTree *self, FkNodeId parent, const char *name)
{
  guint scanned;
  return find_child(self, parent, name, &scanned);
}

FkNodeId
fk_tree_child(FkTree *self, FkNodeId parent, const char *name, GError **error)
{
  g_return_val_if_fail(!self->finished, 0);
  guint had;
  FkNodeId id = find_child(self, parent, name, &had);
  if (id != 0)
    return id;
  if (self->len >= G_MAXUINT32) {
    g_set_error(error, FK_TREE_ERROR, FK_TREE_ERROR_TOO_BIG, "more than %u distinct frames",
                G_MAXUINT32 - 1);
    return 0;
  }
  id = self->len;
  if ((id >> CHUNK_BITS) >= self->n_chunks) {
    self->chunks = g_renew(FkNode *, self->chunks, self->n_chunks + 1);
    self->chunks[self->n_chunks] = chunk_alloc(self->n_chunks);
    for (guint c = 0; c < FK_MAX_COLUMNS; c++)
      if (self->head.weights[c] != NULL) {
        self->head.weights[c] = g_renew(gint64 *, self->head.weights[c], self->n_chunks + 1);
        self->head.weights[c][self->n_chunks] = wchunk_alloc(self->n_chunks);
      }
    self->n_chunks++;
  }
  /* Room in the index before the node exists: a growing index is filled
   * again from the nodes. */
  gboolean indexed = !(self->flags & FK_TREE_SEQUENTIAL) && has_many(self, parent);
  gboolean overflows = !(self->flags & FK_TREE_SEQUENTIAL) && !indexed && had >= SCAN_CHILDREN;
  if (indexed || overflows)
    index_reserve(self, indexed ? 1 : had + 1);
  self->len++;
  FkNode *n = node_at(self, id);
  memset(n, 0, sizeof *n);
  n->name = name;
  n->parent = parent;
  FkNode *p = node_at(self, parent);
  n->depth = p->depth + 1;
  n->next_sibling = p->first_child;
  p->first_child = id;
  if (parent < self->closed->len)
    self->closed->data[parent] = 0;
  if (indexed) {
    index_insert(self, id);
  } else if (overflows) {
    /* Past the sibling walk: index all of them from now on. */
    set_many(self, parent);
    for (FkNodeId c = p->first_child; c != 0; c = node_at(self, c)->next_sibling)
      index_insert(self, c);
  }
  return id;
}

/* Multiplies every weight by 10^(DECIMALS - self->decimals). */
static gboolean
rescale(FkTree *self, guint decimals, GError **error)
{
  gint64 f = fk_pow10(decimals - self->decimals);
  for (guint c = 0; c < FK_MAX_COLUMNS; c++) {
    gint64 r;
    if (__builtin_mul_overflow(fk_node_total(self, FK_ROOT, c), f, &r)) {
      g_set_error(error, FK_TREE_ERROR, FK_TREE_ERROR_OVERFLOW,
                  "weights overflow 64 bits at %u decimal places", decimals);
      return FALSE;
    }
  }
  /* Totals bound every self and total, so nothing below overflows. A zero
   * is left unwritten (see fk_tree_finish). */
  for (guint c = 0; c < FK_MAX_COLUMNS; c++)
    if (self->head.weights[c] != NULL) {
      for (gsize i = 0; i < self->len; i++) {
        gint64 *w = wat(self, (FkNodeId)i, c);
        if (*w != 0)
          *w *= f;
      }
      self->root_self[c] *= f;
      for (gsize i = 0; i < self->kept[c].n; i++)
        self->kept[c].self[i] *= f;
    }
  self->decimals = decimals;
  return TRUE;
}

gboolean
fk_tree_add(FkTree *self, FkNodeId node, const FkWeight *w, GError **error)
{
  g_return_val_if_fail(!self->finished, FALSE);
  guint decimals = MIN(w->decimals, FK_MAX_DECIMALS);
  if (decimals > self->decimals && !rescale(self, decimals, error))
    return FALSE;
  gint64 v[FK_MAX_COLUMNS] = {0, 0};
  guint columns = CLAMP(w->columns, 1, FK_MAX_COLUMNS);
  gint64 f = fk_pow10(self->decimals - decimals);
  for (guint c = 0; c < columns; c++) {
    gint64 t;
    if (__builtin_mul_overflow(w->v[c], f, &v[c]) ||
        __builtin_add_overflow(fk_node_total(self, FK_ROOT, c), v[c], &t) || v[c] < 0) {
      g_set_error(error, FK_TREE_ERROR, FK_TREE_ERROR_OVERFLOW,
                  "weight %" G_GINT64_FORMAT " is negative or overflows the total", w->v[c]);
      return FALSE;
    }
  }
  /* Every total is at most the root's, so checking the root suffices. */
  if (columns > self->columns) {
    self->columns = columns;
    columns_alloc(self, columns);
  }
  for (guint c = 0; c < columns; c++) {
    if (v[c] == 0)
      continue;
    if (node == FK_ROOT)
      self->root_self[c] += v[c];
    else if (!self->summed[c])
      add_to(wat(self, node, c), v[c]);
    else { /* a tree built again (fk_tree_to_second_column): totals to keep */
      for (FkNodeId a = node; a != FK_ROOT; a = node_at(self, a)->parent)
        add_to(wat(self, a, c), v[c]);
      gint64 *kept = has_many(self, node) ? kept_find(self, node, c) : NULL;
      if (kept != NULL)
        *kept += v[c]; /* its ancestors' self weights stay as they were */
    }
    add_to(wat(self, FK_ROOT, c), v[c]);
  }
  if (node != FK_ROOT)
    self->totals_dirty = TRUE;
  return TRUE;
}

/* TRUE when LEAF's path from the root is FRAMES[0..N): a stack cache hit is
 * confirmed frame by frame, so that no hash collision ever adds to the wrong
 * leaf. The path of a stack is mostly nodes made one after the other, so the
 * walk up reads memory backwards, not at random. */
static gboolean
is_path(const FkTree *self, FkNodeId leaf, const char *const *frames, gsize n)
{
  FkNodeId id = leaf;
  const FkNode *x = node_at(self, id);
  if (x->depth != n)
    return FALSE;
  for (gsize i = n; i-- > 0;) {
    if (x->name != frames[i])
      return FALSE;
    /* A stack's nodes made in one go are consecutive: guessing the parent
     * is ID - 1 (a branch, not a data dependency) lets the next node's load
     * start before this one's parent field arrives. Chasing the parent
     * pointer alone cost 1.19x the user time of graph on the uniform
     * shape. */
    FkNodeId p = x->parent;
    if (__builtin_expect(p == id - 1, 1)) {
      id--;
      x--;
      if (((id + 1) & (CHUNK_SIZE - 1)) == 0)
        x = node_at(self, id);
    } else {
      id = p;
      x = node_at(self, id);
    }
  }
  return TRUE;
}

gboolean
fk_tree_add_stack(FkTree *self, const char *const *frames, gsize n, const FkWeight *w,
                  GError **error)
{
  guint32 h = 0;
  struct StackHit *hit = NULL;
  if (n > 0 && !(self->flags & FK_TREE_SEQUENTIAL) && !self->stack_skip) {
    h = (guint32)stack_hash(frames, n);
    /* two ways: the slot and its neighbour */
    for (gsize way = 0; way < 2; way++) {
      hit = &self->stack_cache[(h ^ way) & self->stack_mask];
      if (hit->hash == h && hit->leaf != 0 && is_path(self, hit->leaf, frames, n))
        return fk_tree_add(self, hit->leaf, w, error);
    }
  }
  gsize keep = 0;
  while (keep < n && keep < self->last_n && self->last_frames[keep] == frames[keep])
    keep++;
  self->last_n = keep;
  if (n > self->last_cap) {
    /* plain arrays: GLib's resizes and appends were a call or two a frame */
    self->last_cap = MAX(n, MAX(64, self->last_cap * 2));
    self->last_frames = g_renew(const char *, self->last_frames, self->last_cap);
    self->last_nodes = g_renew(FkNodeId, self->last_nodes, self->last_cap);
  }
  FkNodeId node = keep > 0 ? self->last_nodes[keep - 1] : FK_ROOT;
  if (n > 0 && !(self->flags & FK_TREE_SEQUENTIAL)) {
    self->stack_walked += n - keep;
    if (++self->stack_missed == STACK_WINDOW) {
      self->stack_skip = self->stack_walked < (guint64)STACK_MIN_WALK * STACK_WINDOW;
      self->stack_missed = 0;
      self->stack_walked = 0;
    }
  }
  for (gsize i = keep; i < n; i++) {
    node = fk_tree_child(self, node, frames[i], error);
    if (node == 0) {
      self->last_n = 0;
      return FALSE;
    }
    self->last_frames[i] = frames[i];
    self->last_nodes[i] = node;
    self->last_n = i + 1;
  }
  /* Indexed after the walk, which may make the tree big enough to grow the cache. */
  if (hit != NULL) {
    /* the empty way, else the first (the newest stack replaces an older one) */
    if ((self->stack_used + 1) * 2 > self->stack_mask + 1 &&
        self->stack_mask + 1 < (gsize)self->len / 2)
      stack_cache_grow(self);
    struct StackHit *a = &self->stack_cache[h & self->stack_mask];
    struct StackHit *b = &self->stack_cache[(h ^ 1) & self->stack_mask];
    struct StackHit *to = a->leaf != 0 && b->leaf == 0 ? b : a;
    self->stack_used += to->leaf == 0;
    *to = (struct StackHit){h, node};
  }
  if (self->flags & FK_TREE_SEQUENTIAL) {
    if (self->closed->len <= node) {
      guint old = self->closed->len;
      g_byte_array_set_size(self->closed, MAX(node + 1, old * 2));
      memset(self->closed->data + old, 0, self->closed->len - old);
    }
    self->closed->data[node] = 1;
  }
  return fk_tree_add(self, node, w, error);
}

void
fk_tree_coming(const FkTree *self, const char *const *frames, gsize n)
{
  if (n == 0 || (self->flags & FK_TREE_SEQUENTIAL) || !self->stack_skip)
    return;
  /* The path to the leaf's parent, found as the add will (its nodes are
   * few and read often), then the child index slot the leaf is looked for
   * in: the cache miss of a frame with a million children, most of the
   * time of the thread building a wide flat tree (graph on it: 0.86x the
   * user time, 0.81x the wall, 10 paired runs). Loading the stack cache
   * entry instead, for stacks that use it, was no faster (1.01x, 20 pairs
   * on shared prefixes): the walks' misses took its place. */
  FkNodeId parent = FK_ROOT;
  for (gsize i = 0; i + 1 < n; i++) {
    guint scanned;
    parent = find_child(self, parent, frames[i], &scanned);
    if (parent == 0)
      return;
  }
  if (has_many(self, parent))
    __builtin_prefetch(&self->slots[child_hash(parent, frames[n - 1]) & self->mask]);
}

gboolean
fk_tree_add_sample(FkTree *self, const FkSample *s, GError **error)
{
  return fk_tree_add_stack(self, (const char *const *)s->frames, s->n_frames, &s->weight, error);
}

gboolean
fk_tree_merge_into(FkTree *self, const FkTree *other, GError **error)
{
  g_return_val_if_fail(!self->finished, FALSE);
  gboolean same = self->strings == other->strings;
  FkWeight w = {{0, 0}, (guint8)other->columns, (guint8)other->decimals};
  /* The scale and columns carry over even when OTHER's weights are all zero,
   * so that the merge's decimals are the largest of its parts'. */
  if (other->decimals > self->decimals && !rescale(self, other->decimals, error))
    return FALSE;
  self->columns = MAX(self->columns, other->columns);
  columns_alloc(self, self->columns);
  g_autofree FkNodeId *map = g_new(FkNodeId, other->len);
  map[FK_ROOT] = FK_ROOT;
  /* OTHER's names, interned in SELF's interner, by OTHER's pointer: a name
   * recurs at many nodes, and interning it again at each (strlen, hash,
   * probe, compare) was most of the cost of merging an archive member's
   * tree. Direct mapped; a miss interns. */
  enum { MEMO = 1 << 11 };
  g_autofree const char **memo = same ? NULL : g_new0(const char *, 2 * MEMO);
  /* Parents come before children, so one pass in index order suffices. */
  for (gsize i = 0; i < other->len; i++) {
    const FkNode *o = node_at(other, (FkNodeId)i);
    if (i != FK_ROOT) {
      const char *name = o->name;
      if (!same) {
        gsize k = (((guintptr)name >> 3) * 0x9e3779b97f4a7c15ULL >> 53) * 2;
        if (memo[k] != name) {
          memo[k] = name;
          memo[k + 1] = fk_interner_intern0(self->strings, name);
        }
        name = memo[k + 1];
      }
      map[i] = fk_tree_child(self, map[o->parent], name, error);
      if (map[i] == 0)
        return FALSE;
    }
    w.v[0] = fk_node_self(other, (FkNodeId)i, 0);
    w.v[1] = fk_node_self(other, (FkNodeId)i, 1);
    if (w.v[0] != 0 || w.v[1] != 0) {
      if (!fk_tree_add(self, map[i], &w, error))
        return FALSE;
    }
  }
  return TRUE;
}

FkTree *
fk_tree_merge(FkTree *const *trees, gsize n, GError **error)
{
  g_autoptr(FkTree) out =
      fk_tree_new(n > 0 ? trees[0]->strings : NULL, n > 0 ? trees[0]->flags : FK_TREE_DEFAULT);
  for (gsize i = 0; i < n; i++)
    if (!fk_tree_merge_into(out, trees[i], error))
      return NULL;
  fk_tree_finish(out);
  return g_steal_pointer(&out);
}

/* A child to sort by name: the name's first 16 bytes as two big-endian
 * numbers (zero after its end), so that most comparisons are two integer
 * compares on the array itself. Sorting node ids with strcmp was a cache
 * miss on the node and another on the string per comparison: 35 s of
 * `fold` on 240k leaves under each of 8 frames. */
typedef struct {
  guint64 k0, k1;
  const char *name;
  FkNodeId id;
} NameKey;

static guint64
name_word(const char *s, gsize *i)
{
  guint64 v = 0;
  for (int b = 0; b < 8; b++) {
    guint64 c = (guchar)s[*i];
    if (c != 0)
      (*i)++;
    v = (v << 8) | c;
  }
  return v;
}

static inline int
name_key_cmp(const NameKey *x, const NameKey *y)
{
  if (x->k0 != y->k0)
    return x->k0 < y->k0 ? -1 : 1;
  if (x->k1 != y->k1)
    return x->k1 < y->k1 ? -1 : 1;
  /* equal 16 bytes: equal names if one ends in them (siblings' names are
   * distinct, but be exact), else the rest decides */
  if ((x->k1 & 0xff) == 0)
    return 0;
  return strcmp(x->name + 16, y->name + 16);
}

static int
cmp_name_key(gconstpointer a, gconstpointer b, gpointer unused)
{
  (void)unused;
  return name_key_cmp(a, b);
}

static inline void
swap_keys(NameKey *a, NameKey *b)
{
  NameKey t = *a;
  *a = *b;
  *b = t;
}

/* Sorts KEYS[0..N) (distinct names): quicksort with the comparison inline,
 * insertion sort for short runs. g_qsort_with_data (a merge sort calling
 * the comparison through a pointer and copying keys through a buffer) was
 * a fifth of writing a folded file whose nodes have 250,000 children. Past
 * DEPTH levels of partitions (names chosen to defeat the pivot: input is
 * hostile) the rest goes to g_qsort_with_data, so the worst case stays
 * n log n. */
static void
sort_keys(NameKey *a, gsize n, guint depth)
{
  while (n > 16) {
    if (depth-- == 0) {
      g_qsort_with_data(a, (gint)n, sizeof *a, cmp_name_key, NULL);
      return;
    }
    /* median of three at the ends: the pivot is then a key of the range,
     * and both scans stop inside it */
    NameKey *l = a, *m = a + n / 2, *r = a + n - 1;
    if (name_key_cmp(m, l) < 0)
      swap_keys(m, l);
    if (name_key_cmp(r, m) < 0) {
      swap_keys(r, m);
      if (name_key_cmp(m, l) < 0)
        swap_keys(m, l);
    }
    NameKey pivot = *m;
    gsize i = 0, j = n - 1;
    for (;;) {
      while (name_key_cmp(&a[i], &pivot) < 0)
        i++;
      while (name_key_cmp(&pivot, &a[j]) < 0)
        j--;
      if (i >= j)
        break;
      swap_keys(&a[i], &a[j]);
      i++;
      j--;
    }
    /* [0, j] and [j + 1, n): the smaller one by recursion, so the stack
     * holds at most log2(n) levels */
    gsize left = j + 1;
    if (left < n - left) {
      sort_keys(a, left, depth);
      a += left;
      n -= left;
    } else {
      sort_keys(a + left, n - left, depth);
      n = left;
    }
  }
  for (gsize i = 1; i < n; i++) {
    NameKey k = a[i];
    gsize j = i;
    for (; j > 0 && name_key_cmp(&k, &a[j - 1]) < 0; j--)
      a[j] = a[j - 1];
    a[j] = k;
  }
}

/* Sorts the N node ids at IDS by name, as strcmp orders them. */
static void
sort_by_name(const FkTree *self, FkNodeId *ids, gsize n)
{
  if (n < 2)
    return;
  g_autofree NameKey *keys = g_new(NameKey, n);
  for (gsize i = 0; i < n; i++) {
    const char *name = node_at(self, ids[i])->name;
    gsize at = 0;
    keys[i].k0 = name_word(name, &at);
    keys[i].k1 = name_word(name, &at);
    keys[i].name = name;
    keys[i].id = ids[i];
  }
  sort_keys(keys, n, 2 * g_bit_storage(n));
  for (gsize i = 0; i < n; i++)
    ids[i] = keys[i].id;
}

static int
cmp_width_r(gconstpointer a, gconstpointer b, gpointer tree)
{
  const FkTree *t = tree;
  FkNodeId x = *(const FkNodeId *)a, y = *(const FkNodeId *)b;
  guint c = t->columns - 1;
  gint64 tx = fk_node_total(t, x, c), ty = fk_node_total(t, y, c);
  if (tx != ty)
    return tx > ty ? -1 : 1;
  return strcmp(node_at(t, x)->name, node_at(t, y)->name);
}

/* Sets the length of IDS (no clear function, not zero-terminated) to N.
 * Shrinking is an assignment: g_array_set_size shrinks by
 * g_array_remove_range, a call chain and a memmove per call, and the walk
 * shrinks its list at every node (a sixth of writing a folded file). */
static inline void
ids_set_len(GArray *ids, guint n)
{
  if (n > ids->len)
    g_array_set_size(ids, n);
  else
    ids->len = n;
}

/* Appends NODE's children to IDS in insertion order. The array is grown by
 * doubling and written directly: an append call per child was a tenth of
 * writing the folded file of a profile with a million leaves. */
static void
append_inserted(const FkTree *self, FkNodeId node, GArray *ids)
{
  guint from = ids->len, len = from, cap = from;
  for (FkNodeId c = node_at(self, node)->first_child; c != 0; c = node_at(self, c)->next_sibling) {
    if (len == cap) {
      g_array_set_size(ids, MAX(64, cap * 2));
      cap = ids->len;
    }
    ((FkNodeId *)(void *)ids->data)[len++] = c;
  }
  ids_set_len(ids, len);
  if (self->newest_first) {
    FkNodeId *a = &g_array_index(ids, FkNodeId, 0);
    for (guint i = from, j = ids->len ? ids->len - 1 : 0; i < j; i++, j--) {
      FkNodeId t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }
}

void
fk_tree_children(const FkTree *self, FkNodeId node, FkOrder order, GArray *out)
{
  g_return_if_fail(order != FK_ORDER_WIDTH || self->finished);
  g_array_set_size(out, 0);
  append_inserted(self, node, out);
  if (order == FK_ORDER_NAME)
    sort_by_name(self, (FkNodeId *)(void *)out->data, out->len);
  else if (order == FK_ORDER_WIDTH)
    g_array_sort_with_data(out, cmp_width_r, (gpointer)self);
}

void
fk_tree_path(const FkTree *self, FkNodeId node, GPtrArray *out)
{
  g_ptr_array_set_size(out, 0);
  for (; node != FK_ROOT; node = node_at(self, node)->parent)
    g_ptr_array_add(out, (gpointer)node_at(self, node)->name);
  /* reverse in place */
  for (guint i = 0, j = out->len ? out->len - 1 : 0; i < j; i++, j--) {
    gpointer t = out->pdata[i];
    out->pdata[i] = out->pdata[j];
    out->pdata[j] = t;
  }
}

/* Appends NODE's children in ORDER to IDS (the pending lists of every level
 * of a walk, one after the other). */
static void
append_children(const FkTree *self, FkNodeId node, FkOrder order, GArray *ids)
{
  guint from = ids->len;
  append_inserted(self, node, ids);
  guint n = ids->len - from;
  if (n < 2 || order == FK_ORDER_INSERTION)
    return;
  FkNodeId *a = &g_array_index(ids, FkNodeId, from);
  if (order == FK_ORDER_NAME)
    sort_by_name(self, a, n);
  else
    g_qsort_with_data(a, (gint)n, sizeof *a, cmp_width_r, (gpointer)self);
}

gboolean
fk_tree_walk(const FkTree *self, FkOrder order, FkTreeWalkFunc func, gpointer user_data)
{
  return fk_tree_walk_from(self, FK_ROOT, order, func, user_data);
}

gboolean
fk_tree_walk_from(const FkTree *self, FkNodeId from, FkOrder order, FkTreeWalkFunc func,
                  gpointer user_data)
{
  /* An explicit stack: deep stacks must not overflow the C stack. The child
   * lists of all open levels share one array (LEVELS holds where each level's
   * next child is and where its list starts): a list per node was an
   * allocation per node, a tenth of writing a big folded file. The path and
   * the levels are plain arrays, as deep as the tree: GLib's appends and
   * resizes were several calls per node. */
  g_return_val_if_fail(order != FK_ORDER_WIDTH || self->finished, FALSE);
  g_autoptr(GArray) ids = g_array_new(FALSE, FALSE, sizeof(FkNodeId));
  struct Level {
    guint start, next;
  };
  gsize cap = 64, depth = 0;
  if (from != FK_ROOT) {
    /* FROM's ancestors first: PATH is always from the root's child */
    for (FkNodeId a = node_at(self, from)->parent; a != FK_ROOT; a = node_at(self, a)->parent)
      depth++;
    cap = MAX(cap, 2 * (depth + 1));
  }
  g_autofree const char **path = g_new(const char *, cap);
  g_autofree struct Level *levels = g_new(struct Level, cap + 1);
  if (from == FK_ROOT) {
    append_children(self, FK_ROOT, order, ids);
  } else {
    gsize d = depth;
    for (FkNodeId a = node_at(self, from)->parent; a != FK_ROOT; a = node_at(self, a)->parent)
      path[--d] = node_at(self, a)->name;
    g_array_append_val(ids, from);
  }
  levels[0] = (struct Level){0, 0};
  gsize n_levels = 1; /* always DEPTH + 1 */
  while (n_levels > 0) {
    struct Level *l = &levels[n_levels - 1];
    /* a level's list ends where the next level's starts, or at the end */
    if (l->next >= ids->len) {
      ids_set_len(ids, l->start);
      n_levels--;
      if (depth > 0)
        depth--;
      continue;
    }
    FkNodeId id = g_array_index(ids, FkNodeId, l->next++);
    const FkNode *n = node_at(self, id);
    if (depth == cap) {
      cap *= 2;
      path = g_renew(const char *, path, cap);
      levels = g_renew(struct Level, levels, cap + 1);
    }
    path[depth++] = n->name;
    if (!func(self, id, path, depth, user_data))
      return FALSE;
    levels[n_levels++] = (struct Level){ids->len, ids->len};
    append_children(self, id, order, ids);
  }
  return TRUE;
}

static gboolean
node_equal(const FkTree *a, FkNodeId x, const FkTree *b, FkNodeId y, guint decimals)
{
  gint64 fa = fk_pow10(decimals - a->decimals), fb = fk_pow10(decimals - b->decimals);
  for (guint c = 0; c < FK_MAX_COLUMNS; c++) {
    FkWeights wx = fk_node_weights(a, x, c), wy = fk_node_weights(b, y, c);
    if (wx.self * fa != wy.self * fb || wx.total * fa != wy.total * fb)
      return FALSE;
  }
  return TRUE;
}

gboolean
fk_tree_equal(const FkTree *a, const FkTree *b)
{
  g_return_val_if_fail(a->finished && b->finished, FALSE);
  guint decimals = MAX(a->decimals, b->decimals);
  if (!node_equal(a, FK_ROOT, b, FK_ROOT, decimals))
    return FALSE;
  /* Every node of A must have a twin in B with equal weights, and B no more
   * nodes with weight than A: compare counts of weighted nodes both ways. */
  g_autofree FkNodeId *map = g_new0(FkNodeId, a->len);
  gsize matched = 0, b_nonzero = 0, a_nonzero = 0;
  for (gsize i = 1; i < a->len; i++) {
    const FkNode *n = node_at(a, (FkNodeId)i);
    if (fk_node_total(a, (FkNodeId)i, 0) == 0 && fk_node_total(a, (FkNodeId)i, 1) == 0)
      continue;
    a_nonzero++;
    FkNodeId bp = map[n->parent];
    if (n->parent != FK_ROOT && bp == 0)
      return FALSE;
    /* Looked up, not interned: a name B's interner lacks is on no node of
     * B, and comparing must not grow an interner other trees share. */
    const char *name =
        b->strings == a->strings ? n->name : fk_interner_lookup0(b->strings, n->name);
    FkNodeId y = name != NULL ? fk_tree_find_child(b, bp, name) : 0;
    if (y == 0 || !node_equal(a, (FkNodeId)i, b, y, decimals))
      return FALSE;
    map[i] = y;
    matched++;
  }
  for (gsize i = 1; i < b->len; i++) {
    if (fk_node_total(b, (FkNodeId)i, 0) != 0 || fk_node_total(b, (FkNodeId)i, 1) != 0)
      b_nonzero++;
  }
  return matched == a_nonzero && a_nonzero == b_nonzero;
}

/* ---- consuming trees: `diff` without a copy of either side ---- */

gboolean
fk_tree_lift(FkTree *self)
{
  g_return_val_if_fail(self->finished, FALSE);
  const FkNode *root = node_at(self, FK_ROOT);
  if (root->first_child == 0 || node_at(self, root->first_child)->next_sibling != 0)
    return FALSE;
  const char *empty = root->name;
  /* the child's self weight becomes the root's */
  for (guint c = 0; c < FK_MAX_COLUMNS; c++)
    if (self->head.weights[c] != NULL)
      self->root_self[c] = fk_node_self(self, root->first_child, c);
  /* kept by the ids that move: self weights are walked from now on */
  for (guint c = 0; c < FK_MAX_COLUMNS; c++)
    kept_clear(self, c);
  /* Node I becomes node I - 1: parents keep smaller indexes than their
   * children, and node 1, the only child, lands on the root's place. */
  for (gsize i = 1; i < self->len; i++) {
    FkNode n = *node_at(self, (FkNodeId)i);
    n.parent = n.parent > 0 ? n.parent - 1 : 0;
    n.first_child = n.first_child ? n.first_child - 1 : 0;
    n.next_sibling = n.next_sibling ? n.next_sibling - 1 : 0;
    n.depth--;
    *node_at(self, (FkNodeId)(i - 1)) = n;
    for (guint c = 0; c < FK_MAX_COLUMNS; c++)
      if (self->head.weights[c] != NULL)
        *wat(self, (FkNodeId)(i - 1), c) = *wat(self, (FkNodeId)i, c);
  }
  self->len--;
  /* the place the last node left reads zero, as a new node's must */
  for (guint c = 0; c < FK_MAX_COLUMNS; c++)
    if (self->head.weights[c] != NULL)
      *wat(self, (FkNodeId)self->len, c) = 0;
  FkNode *top = node_at(self, FK_ROOT);
  top->name = empty;
  top->parent = FK_ROOT;
  top->next_sibling = 0;
  /* The index and the stack cache are keyed by ids and frames that moved. */
  memset(self->slots, 0, sizeof(struct Slot) * (self->mask + 1));
  self->indexed = 0;
  if (self->many != NULL)
    memset(self->many, 0, self->many_bytes);
  if (!(self->flags & FK_TREE_SEQUENTIAL))
    for (gsize i = 0; i < self->len; i++) {
      guint k = 0;
      for (FkNodeId c = node_at(self, (FkNodeId)i)->first_child; c != 0 && k <= SCAN_CHILDREN;
           c = node_at(self, c)->next_sibling)
        k++;
      if (k <= SCAN_CHILDREN)
        continue;
      /* the index had room for them all before, and holds no more now */
      set_many(self, (FkNodeId)i);
      for (FkNodeId c = node_at(self, (FkNodeId)i)->first_child; c != 0;
           c = node_at(self, c)->next_sibling)
        index_insert(self, c);
    }
  memset(self->stack_cache, 0, sizeof(struct StackHit) * (self->stack_mask + 1));
  self->stack_used = 0;
  if (self->closed->len > 0)
    g_byte_array_remove_index(self->closed, 0);
  self->last_n = 0;
  return TRUE;
}

gboolean
fk_tree_drain(FkTree *self, FkTreeDrainFunc func, gpointer user_data)
{
  g_return_val_if_fail(self->finished, FALSE);
  /* Nothing is looked up in a tree being consumed: its tables go first. */
  g_clear_pointer(&self->slots, fk_pages_free);
  g_clear_pointer(&self->stack_cache, fk_pages_free);
  gboolean ok = TRUE;
  for (gsize i = 0; ok && i < self->len; i++) {
    FkWeights w[FK_MAX_COLUMNS];
    for (guint c = 0; c < FK_MAX_COLUMNS; c++)
      w[c] = fk_node_weights(self, (FkNodeId)i, c);
    ok = func(self, (FkNodeId)i, node_at(self, (FkNodeId)i), w, user_data);
    if ((i & (CHUNK_SIZE - 1)) == CHUNK_SIZE - 1) {
      guint c = (guint)(i >> CHUNK_BITS);
      chunk_free(c, self->chunks[c]);
      self->chunks[c] = NULL;
      for (guint k = 0; k < FK_MAX_COLUMNS; k++)
        if (self->head.weights[k] != NULL) {
          wchunk_free(c, self->head.weights[k][c]);
          self->head.weights[k][c] = NULL;
        }
    }
  }
  fk_tree_free(self);
  return ok;
}
