/* collect.h -- from samples to a finished tree.
 *
 * A collector receives the samples of one run (or, with parallel readers, of
 * one worker: worker collectors are merged) and applies what must be decided
 * per sample before the tree exists: grouping by labels, time ranges, keeping
 * time order for flame charts. Everything after that is a tree transform. */
#pragma once

#include "stacktree.h"

typedef struct {
  FkTreeFlags tree_flags; /* FK_TREE_SEQUENTIAL for flame charts */
} FkCollectOptions;

void fk_collect_options_init(FkCollectOptions *opts);

typedef struct FkCollector FkCollector;

/* A collector whose tree interns in STRINGS (NULL: a new interner). OPTS is
 * copied. */
FkCollector *fk_collector_new(FkInterner *strings, const FkCollectOptions *opts);
void fk_collector_free(FkCollector *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(FkCollector, fk_collector_free)

/* The interner readers feeding this collector must intern into. */
FkInterner *fk_collector_strings(FkCollector *self);

gboolean fk_collector_add(FkCollector *self, const FkSample *s, GError **error);

/* Moves everything FROM holds into SELF (FROM may use another interner). */
gboolean fk_collector_merge(FkCollector *self, FkCollector *from, GError **error);

/* The finished tree (transfer full); SELF is then empty. NULL with ERROR on
 * overflow. */
FkTree *fk_collector_finish(FkCollector *self, GError **error);

/* The options SELF was made with, so that worker collectors can be made alike. */
const FkCollectOptions *fk_collector_options(const FkCollector *self);
