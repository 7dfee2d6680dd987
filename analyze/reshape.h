/* reshape.h -- transforms that move frames within stacks: reverse, rebase,
 * split.
 *
 * Each takes a const finished tree and returns a new finished one (or
 * several) sharing its interner, with its flags, columns and decimals; each
 * keeps a sequential (flame chart) tree's order. */
#pragma once

#include "stacktree.h"
#include "transform.h"

/* Every stack turned around, leaf first, as flamegraph.pl --reverse draws
 * it: the self weight of each node becomes a stack from that node up to the
 * root's child. Conserves every weight. NULL with ERROR on overflow. */
FkTree *fk_tree_reverse(const FkTree *tree, GError **error);

/* Every stack re-rooted at its last (closest to the leaf) frame named one of
 * SYMBOLS[0..N): the frames above it are cut off, so all the time spent
 * under a symbol, from wherever it was called, is drawn from one root, as
 * inferno's --base does. A stack that holds none of SYMBOLS is left out,
 * and added to REPORT (may be NULL): its stacks and removed weight, per
 * column. The weight kept plus REPORT's removed equals the input's. NULL
 * with ERROR on overflow. */
FkTree *fk_tree_rebase(const FkTree *tree, const char *const *symbols, gsize n,
                       FkTransformReport *report, GError **error);

/* TREE cut into one tree per group: each stack goes to the tree of its first
 * frame starting with PREFIX (e.g. "[file=": `diff`'s runs, one per input),
 * that frame removed, wherever it is (at the top, or at the bottom after
 * --reverse). Stacks without such a frame go to a group of their own, named
 * NULL. The trees come in insertion order, each sharing TREE's interner, the
 * names of their frames into NAMES (interned; may be NULL). The root's own
 * self weight (the empty stack) is left out. NULL with ERROR on overflow.
 * Element type FkTree*, freed with the array. */
GPtrArray *fk_tree_split(const FkTree *tree, const char *prefix, GPtrArray *names, GError **error);

/* TREE with each stack's first frame starting with PREFIX removed: the
 * merge of fk_tree_split's trees, made as one tree (a report of a hundred
 * hosts needs the whole, not a hundred trees). NULL with ERROR on overflow. */
FkTree *fk_tree_ungroup(const FkTree *tree, const char *prefix, GError **error);
