/* functions.h -- per-function weights of a tree: the rows of functions.csv,
 * of the diff table and of the JSON report's top functions.
 *
 * A function's self weight is the sum of the self weights of its nodes; its
 * total counts each stack once even when the function recurses (a node's
 * total is added only when no ancestor has the same name). Group frames
 * ("[host=a]") are not functions; the hosts a function was seen on are
 * counted from "[host=...]" group frames. */
#pragma once

#include "stacktree.h"

typedef struct {
  const char *name; /* interned in the tree's interner */
  gint64 self[FK_MAX_COLUMNS];
  gint64 total[FK_MAX_COLUMNS];
  guint hosts; /* distinct [host=...] groups it appears under (0: not grouped by host) */
} FkFunction;

/* The functions of TREE, in ORDER: by descending total of the last column (ties
 * by name) or, with BY_CHANGE on a two-column tree, by descending absolute
 * change in share of the total. Element type FkFunction. */
GArray *fk_functions_collect(const FkTree *tree, gboolean by_change);

/* "module" of "module`func" (DTrace) or of "func [module]"; "" when none.
 * Returns a new string. */
char *fk_function_module(const char *name);

/* F's share of COLUMN's total in TREE, in percent (0 when the total is 0). */
double fk_function_share(const FkTree *tree, const gint64 *values, guint column);

/* The change of VALUES (self or total weights of a function or a node of a
 * two-column tree) from BEFORE to AFTER: its share of AFTER's total minus its
 * share of BEFORE's total, in percentage points. The one definition of "the
 * change" that every writer of a differential profile (graph colours and
 * tooltips, tables, JSON) and the regression verdict use. Scaling BEFORE to
 * AFTER's total (--normalize) keeps shares, so it is the same with or without
 * it, and equals flamegraph.pl's delta on normalized input. */
double fk_function_change(const FkTree *tree, const gint64 *values);
