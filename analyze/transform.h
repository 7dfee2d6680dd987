/* transform.h -- tree transforms: filters, rewrites, pruning and diff.
 *
 * Every transform takes a const finished tree (stacktree.h) and returns a
 * new finished one sharing its interner; the input is never changed (only
 * the interner they share may gain the names the output needs). The one
 * exception says so in its name: fk_tree_diff_take consumes the tree it
 * takes and returns it changed. A transform either conserves weight
 * (the root totals of input and output are equal) or reports in an
 * FkTransformReport exactly what it removed, so that
 *   input total = output total + report.removed
 * holds in every column. Each runs in time linear in the size of the tree
 * (one pass over the nodes in index order: parents come before children, so a
 * node's image is computed from its parent's image).
 *
 * fk_tree_reverse and fk_tree_rebase live in reshape.h. */
#pragma once

#include "stacktree.h"

#define FK_TRANSFORM_ERROR (fk_transform_error_quark())
GQuark fk_transform_error_quark(void);
typedef enum {
  FK_TRANSFORM_ERROR_INVALID, /* the trees cannot be combined (diff of diff trees) */
} FkTransformError;

/* What a transform removed (filters) or moved (pruning that keeps totals). */
typedef struct {
  gint64 removed[FK_MAX_COLUMNS]; /* weight no longer in the output */
  gint64 moved[FK_MAX_COLUMNS];   /* weight moved into a parent (pruning) */
  guint64 stacks;                 /* weighted nodes (stacks) removed or moved */
  guint64 nodes;                  /* input nodes with no image in the output */
} FkTransformReport;

/* Adds B into A, column by column. */
void fk_transform_report_add(FkTransformReport *a, const FkTransformReport *b);

/* Drops, from every stack that contains one of FUNCS (NULL-terminated, exact
 * names), the frames from the root up to (not including) the first of them,
 * as cargo-flamegraph's and inferno's --skip-after do. Stacks without any of
 * them are kept whole. Conserves weight. */
FkTree *fk_tree_skip_after(const FkTree *tree, const char *const *funcs, GError **error);

typedef enum {
  FK_FILTER_INCLUDE, /* keep whole stacks with a frame matching */
  FK_FILTER_EXCLUDE, /* drop whole stacks with a frame matching */
  FK_FILTER_FOCUS,   /* keep stacks through a matching frame, re-rooted at the first one */
  FK_FILTER_HIDE,    /* remove matching frames from stacks; what remains merges */
} FkFilterKind;

/* Applies one regular-expression filter. Include, exclude and focus remove
 * whole stacks and report them in REPORT (may be NULL); hide conserves weight
 * (a stack made only of hidden frames ends on the root) and counts the frames
 * (nodes) it removed in REPORT's nodes. */
FkTree *fk_tree_filter(const FkTree *tree, FkFilterKind kind, const GRegex *regex,
                       FkTransformReport *report, GError **error);

/* A;B;B;B;C -> A;B;C: runs of one frame name collapse into one frame.
 * Conserves weight. Idempotent. */
FkTree *fk_tree_collapse_recursion(const FkTree *tree, GError **error);

typedef enum {
  FK_STRIP_OFFSETS = 1 << 0, /* "func+0x1f" -> "func", "func+31" -> "func" */
  FK_STRIP_HEX = 1 << 1,     /* "0x7fff12ab" -> "0x..." anywhere in a name */
} FkStripFlags;

/* Rewrites frame names; frames that become equal merge. Conserves weight and
 * is idempotent. */
/* FALSE when fk_tree_strip with FLAGS would change no name: callers skip
 * the rebuild of a big tree that has nothing to strip. TRUE when it would
 * change one, or when another string of the tree's interner (an input's
 * name, a host) would be changed: the strip then rebuilds for nothing. */
gboolean fk_tree_strip_needed(const FkTree *tree, FkStripFlags flags);
FkTree *fk_tree_strip(const FkTree *tree, FkStripFlags flags, GError **error);

/* Rewrites N's name in place of the strip transform; exposed for tests and for
 * readers that want the same rule. Returns a new string. */
char *fk_strip_name(const char *name, FkStripFlags flags);

/* The length of NAME (LEN bytes) without a trailing offset: "+0x1f",
 * "+0x1f/0x40" or "+31" (FK_STRIP_OFFSETS's rule). */
gsize fk_name_offset_start(const char *name, gsize len);

typedef enum {
  FK_PRUNE_DROP,        /* pruned subtrees and their weight are removed (reported) */
  FK_PRUNE_KEEP_TOTALS, /* pruned weight moves into the parent's self: totals and widths stay */
} FkPruneMode;

/* Prunes every node whose total (last column) is below MIN_TOTAL, with its
 * subtree. REPORT (may be NULL) says how much was removed or moved. The root
 * is never pruned. */
FkTree *fk_tree_prune(const FkTree *tree, gint64 min_total, FkPruneMode mode,
                      FkTransformReport *report, GError **error);

/* The smallest total kept by a minimum width: PIXELS of WIDTH pixels
 * (flamegraph.pl's --minwidth, default 0.1 of 1200) or PERCENT of the total
 * when PERCENT >= 0. Never 0 for a non-empty tree, so a zero-weight node never
 * survives a prune. */
gint64 fk_prune_threshold(const FkTree *tree, double pixels, double width, double percent);

/* A differential tree: column 0 holds BEFORE's weights, column 1 AFTER's.
 * Both must have one column. With NORMALIZE, BEFORE's weights are scaled so
 * that its total equals AFTER's exactly: the scaled self weights get extra
 * decimal places (up to FK_MAX_DECIMALS) and the remainders are distributed
 * largest first, so no weight is lost to truncation and the sum is exact. */
FkTree *fk_tree_diff(const FkTree *before, const FkTree *after, gboolean normalize, GError **error);
/* The same, but consuming AFTER (transfer full, finished, not BEFORE): AFTER
 * itself becomes the result instead of a copy of it, one tree less in
 * memory. The caller's pointer to AFTER is dead after the call, whatever it
 * returns: on failure AFTER is freed. BEFORE is only read. */
FkTree *fk_tree_diff_take(const FkTree *before, FkTree *after, gboolean normalize, GError **error);
/* The same, consuming BEFORE too (transfer full, finished): it is freed as
 * it is added (fk_tree_drain), so that the peak is the diff, not the diff
 * and BEFORE. Both pointers are dead after the call, whatever it returns. */
FkTree *fk_tree_diff_take_both(FkTree *before, FkTree *after, gboolean normalize, GError **error);
