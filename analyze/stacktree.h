/* stacktree.h -- the stack tree: the one data structure of the engine.
 *
 * Nodes live in one array and are addressed by index (FkNodeId); node 0 is the
 * root, whose name is "". Every node has a `self` weight (samples whose leaf is
 * this node) and a `total` (self plus all descendants), per column: one column
 * normally, two for a differential (BEFORE AFTER) tree. Weights are integers
 * scaled by 10^decimals; adding a weight with more decimals rescales the tree,
 * so decimal counts stay exact.
 *
 * A parent always has a smaller index than its children, so a walk over the
 * array in index order visits parents first.
 *
 * The weights are not in the node: the tree keeps them per column, in arrays
 * indexed by FkNodeId (read with fk_node_self, fk_node_total or
 * fk_node_weights), so that a one-column tree, almost every tree, pays for
 * one column only, and the second is made when a tree becomes differential.
 * A column holds one number a node: its self weight while the tree is built,
 * its total once finished; a self weight is then the total less the
 * children's (fk_node_self). Storing both was 16 bytes a node and column, a
 * third of a big one-column tree and more than half of a diff's (issue 18).
 *
 * Names are interned in the tree's FkInterner; two trees that share one compare
 * names by pointer. Transforms (see transform.h) take a const tree and return a
 * new one.
 *
 * A tree is built, then finished (fk_tree_finish), then only read. While it
 * is built, adds keep the self weights and the root's total; the other totals
 * are summed once, by the finish: writing every ancestor on every add was most
 * of the cost of reading big inputs. So the weights of a node
 * (fk_node_self, fk_node_total, fk_node_weights), orders by width, fk_tree_equal and every
 * transform read finished trees only, and nothing is added to a finished tree: a const FkTree is
 * never written, and no read between adds costs a pass over the tree. Names, shape and the root's
 * total (fk_tree_node_name, fk_tree_find_child, fk_tree_size, fk_tree_total) read either. Whatever
 * hands a tree out finishes it: fk_collector_finish, fk_tree_merge, the transforms. Breaking these
 * rules is a programmer error (g_return_if_fail). */
#pragma once

#include "intern.h"
#include "sample.h"

typedef guint32 FkNodeId;
#define FK_ROOT ((FkNodeId)0)

/* 24 bytes (the weights are the tree's: see fk_node_total). A finished tree's children are in
 * insertion order; while a tree is built they are newest first (a child is added at the head of its
 * parent's list, so a node needs no last child), and fk_tree_finish puts
 * them back in its pass over the nodes. How many children a node has is the
 * tree's business (its child index), not the node's. */
typedef struct {
  const char *name;      /* interned; "" for the root */
  FkNodeId parent;       /* the root is its own parent */
  FkNodeId first_child;  /* 0 when none: the root is nobody's child */
  FkNodeId next_sibling; /* 0 when none; see above for the order */
  guint32 depth;         /* 0 for the root */
} FkNode;

/* A node's weights in one column. */
typedef struct {
  gint64 self;
  gint64 total;
} FkWeights;

typedef enum {
  FK_TREE_DEFAULT = 0,
  /* Flame chart: a frame merges only with its parent's last child, so input
   * order is kept and only adjacent identical frames are merged. */
  FK_TREE_SEQUENTIAL = 1 << 0,
} FkTreeFlags;

typedef enum {
  FK_ORDER_NAME,      /* byte-wise by name: deterministic, as folded output */
  FK_ORDER_INSERTION, /* as added (flame charts) */
  FK_ORDER_WIDTH,     /* widest total first (last column), then by name */
} FkOrder;

#define FK_TREE_ERROR (fk_tree_error_quark())
GQuark fk_tree_error_quark(void);
typedef enum {
  FK_TREE_ERROR_OVERFLOW, /* a weight would not fit in 64 bits */
  FK_TREE_ERROR_TOO_BIG,  /* more than 2^32-1 nodes */
} FkTreeError;

typedef struct FkTree FkTree;

/* A new tree holding only the root. STRINGS is referenced; NULL makes a new
 * interner. Never NULL. */
FkTree *fk_tree_new(FkInterner *strings, FkTreeFlags flags);
void fk_tree_free(FkTree *self);

/* Empties SELF for reuse (an archive member's tree after its merge),
 * keeping the memory it has, to be built again: FALSE, SELF unchanged, when
 * it is too big to keep or its interner is shared. */
gboolean fk_tree_reset(FkTree *self);

/* Moves a one-column tree's weights to the second column (the first becomes
 * zero), at DECIMALS places if that is more than it has: how
 * fk_tree_diff_take turns the AFTER it owns into the diff in place. SELF,
 * finished or not, is then being built again (its totals stay right), for
 * the first column's weights; finish it when they are in. */
gboolean fk_tree_to_second_column(FkTree *self, guint decimals, GError **error);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(FkTree, fk_tree_free)

/* Weights are kept per column in chunks of FK_NODE_CHUNK nodes (so growing
 * never copies them); a column a tree never had is NULL and reads as zero.
 * Every FkTree begins with this head, for the inline accessor below. */
#define FK_NODE_CHUNK_BITS 16
#define FK_NODE_CHUNK ((FkNodeId)1 << FK_NODE_CHUNK_BITS)
typedef struct {
  /* a node's total in a finished tree (see above); the root's always */
  gint64 **weights[FK_MAX_COLUMNS];
} FkTreeHead;

/* Node ID's self weight plus all its descendants', in column COL (of a
 * finished tree; the root's also while it is built). Zero for a column the
 * tree does not have. */
static inline gint64
fk_node_total(const FkTree *tree, FkNodeId id, guint col)
{
  gint64 *const *w = ((const FkTreeHead *)(const void *)tree)->weights[col];
  return w != NULL ? w[id >> FK_NODE_CHUNK_BITS][id & (FK_NODE_CHUNK - 1)] : 0;
}

/* Samples whose leaf is node ID, in column COL (of a finished tree): its
 * total less its children's, so a walk over the children, which a reader
 * of every node reads anyway; a node with a child index (a wide frame) has
 * its self weight kept when the column is summed, a lookup instead. */
gint64 fk_node_self(const FkTree *tree, FkNodeId id, guint col);

/* Both weights of node ID in column COL (of a finished tree), for a reader
 * of both or a copy. */
FkWeights fk_node_weights(const FkTree *tree, FkNodeId id, guint col);

/* Ends the building of SELF: sums every node's total, one pass over the
 * nodes (none when only the root was added to), and makes SELF read-only.
 * Idempotent. */
void fk_tree_finish(FkTree *self);

FkInterner *fk_tree_strings(const FkTree *self); /* not referenced */
FkTreeFlags fk_tree_flags(const FkTree *self);
guint fk_tree_columns(const FkTree *self);
guint fk_tree_decimals(const FkTree *self);
gsize fk_tree_size(const FkTree *self); /* nodes, the root included */
/* Node ID of a finished tree (its weights: fk_node_weights). */
const FkNode *fk_tree_node(const FkTree *self, FkNodeId id);
/* Node ID's name, in a finished tree or one being built. */
const char *fk_tree_node_name(const FkTree *self, FkNodeId id);
/* The root's total in COLUMN, right while the tree is built too. */
gint64 fk_tree_total(const FkTree *self, guint column);

/* Interns in the tree's interner. */
const char *fk_tree_intern(FkTree *self, const char *s, gsize len);

/* The child of PARENT named NAME (interned in this tree), added if missing
 * (SELF is being built). Returns 0 on the (reported) overflow of 2^32-1
 * nodes. */
FkNodeId fk_tree_child(FkTree *self, FkNodeId parent, const char *name, GError **error);
/* The child of PARENT named NAME, or 0. */
FkNodeId fk_tree_find_child(const FkTree *self, FkNodeId parent, const char *name);

/* Adds W to the self weight of NODE (SELF is being built; the totals of
 * NODE's ancestors follow at fk_tree_finish, the root's at once). W's
 * columns and decimals widen the tree's as needed. Fails, changing nothing,
 * if a weight would overflow. */
gboolean fk_tree_add(FkTree *self, FkNodeId node, const FkWeight *w, GError **error);

/* Adds the stack FRAMES[0..N) (root first, names interned in this tree's
 * interner) with weight W. Consecutive stacks that share a prefix are cheap:
 * the path of the previous call is remembered. An empty stack adds to the root. */
gboolean fk_tree_add_stack(FkTree *self, const char *const *frames, gsize n, const FkWeight *w,
                           GError **error);

/* Says that the stack FRAMES[0..N) (as fk_tree_add_stack takes it) is
 * added soon: while stacks skip the stack cache (short walks: a wide flat
 * profile), finds the leaf's parent as the add will and starts loading the
 * child index slot the leaf is looked for in, so that the add does not wait
 * for it then. Only a hint: changes nothing, and costs a lookup of the
 * frames above the leaf. */
void fk_tree_coming(const FkTree *self, const char *const *frames, gsize n);

/* Adds a sample's stack and weight; its names must be interned in this tree's
 * interner (readers are handed it through their options). Labels are ignored
 * here: grouping is the collector's job. */
gboolean fk_tree_add_sample(FkTree *self, const FkSample *s, GError **error);

/* Adds every stack of OTHER (finished or not) into SELF (being built),
 * weights rescaled as needed. */
gboolean fk_tree_merge_into(FkTree *self, const FkTree *other, GError **error);

/* A new finished tree, sharing the first tree's interner, holding the sum of
 * N trees (finished or not). Associative and commutative up to node order;
 * conserves every weight. NULL (with ERROR) on overflow. N may be 0 (an empty
 * tree with a new interner). */
FkTree *fk_tree_merge(FkTree *const *trees, gsize n, GError **error);

/* Fills OUT (a GArray of FkNodeId) with the children of NODE in ORDER
 * (FK_ORDER_WIDTH: of a finished tree). */
void fk_tree_children(const FkTree *self, FkNodeId node, FkOrder order, GArray *out);

/* The names from the root's child down to NODE, into OUT (a GPtrArray, cleared
 * first). */
void fk_tree_path(const FkTree *self, FkNodeId node, GPtrArray *out);

/* Calls FUNC for every node but the root, depth first, children in ORDER.
 * PATH holds the names from the root's child down to the node. Returning FALSE
 * from FUNC stops the walk; fk_tree_walk then returns FALSE. FK_ORDER_WIDTH
 * needs a finished tree. */
typedef gboolean (*FkTreeWalkFunc)(const FkTree *tree, FkNodeId node, const char *const *path,
                                   gsize depth, gpointer user_data);
gboolean fk_tree_walk(const FkTree *self, FkOrder order, FkTreeWalkFunc func, gpointer user_data);
/* The same for FROM and the nodes under it (FK_ROOT: fk_tree_walk), PATH
 * still from the root's child: a writer walks a tree in pieces, one a
 * thread. The tree is only read, so walks of one tree may run at once. */
gboolean fk_tree_walk_from(const FkTree *self, FkNodeId from, FkOrder order, FkTreeWalkFunc func,
                           gpointer user_data);

/* TRUE when both (finished) trees hold the same stacks with the same weights
 * (after scaling to the same decimals), whatever their node order and
 * interners. Neither interner changes. */
gboolean fk_tree_equal(const FkTree *a, const FkTree *b);

/* Approximate bytes held (nodes and index; strings are the interner's). */
gsize fk_tree_bytes(const FkTree *self);

/* Consuming trees: how `diff` turns its two sides into one tree without
 * holding a copy of either (transform.h, fk_tree_diff_take_both). */

/* Makes the only child of the root of SELF (finished) the root, in place:
 * every stack loses its first frame, which `diff` uses for the input it came
 * from ("[file=...]") when a side is one run. The child's own self weight
 * becomes the root's; the root's own is dropped. Node ids shift down by one
 * (order kept). FALSE, SELF unchanged, when the root has not exactly one
 * child. */
gboolean fk_tree_lift(FkTree *self);

/* Calls FUNC on every node of SELF (finished; transfer full) in index order,
 * parents first, freeing SELF as it goes: the child index and stack cache at
 * once, each chunk of nodes once FUNC has seen its last node, the rest at the
 * end. So moving a big tree into another one holds their union, not their
 * sum. FUNC may read NODE only (the nodes before it may be gone), its name
 * included (the interner lives until the end), and W, NODE's weights,
 * W[c] for each column c < FK_MAX_COLUMNS (zero in the columns SELF lacks). Returning FALSE from
 * FUNC stops; SELF is freed either way, and fk_tree_drain then returns FALSE. */
typedef gboolean (*FkTreeDrainFunc)(const FkTree *tree, FkNodeId id, const FkNode *node,
                                    const FkWeights *w, gpointer user_data);
gboolean fk_tree_drain(FkTree *self, FkTreeDrainFunc func, gpointer user_data);
