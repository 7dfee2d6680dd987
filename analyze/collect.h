/* collect.h -- from samples to a finished tree.
 *
 * A collector receives the samples of one run (or, with parallel readers, of
 * one worker: worker collectors are merged) and applies what must be decided
 * per sample before the tree exists: grouping by labels, time ranges, keeping
 * time order for flame charts. Everything after that is a tree transform.
 *
 * Flame charts (FK_TREE_SEQUENTIAL): samples with times are kept aside and
 * added at finish ordered by (pid, tid, time), each thread under a root frame
 * "[tid=N]" (a lane) unless the caller groups by something; samples without
 * times are added in input order as they come. */
#pragma once

#include "stacktree.h"

/* The labels samples can be grouped by. A group becomes a root frame named
 * "[KEY=VALUE]" (see fk_group_frame_name), so groups sit side by side. */
typedef enum {
  FK_GROUP_HOST,
  FK_GROUP_FILE,
  FK_GROUP_PID,
  FK_GROUP_TID,
  FK_GROUP_COMM,
  FK_GROUP_EVENT,
} FkGroupKey;
#define FK_MAX_GROUP_KEYS 8

typedef struct {
  FkTreeFlags tree_flags; /* FK_TREE_SEQUENTIAL for flame charts */
  /* --group-by, outermost first; one root frame per key. */
  FkGroupKey group_by[FK_MAX_GROUP_KEYS];
  guint n_group_by;
  /* --time-range: keep samples with FROM <= time < TO (ns); samples without a
   * time are then dropped and counted. */
  gboolean time_range;
  guint64 time_from, time_to;
} FkCollectOptions;

/* "host", "file", ... or NULL for an unknown name. */
const char *fk_group_key_name(FkGroupKey key);
gboolean fk_group_key_parse(const char *name, FkGroupKey *key);

/* The root frame of a group: "[KEY=VALUE]", VALUE "?" when unknown. A frame
 * name of that form never comes from a profiler (function names do not contain
 * "[" ... "=" ... "]" in that shape at the root), and it has no ';' nor line
 * end nor other control character (those are written %3B, %0A, %1B, ..., and
 * % itself %25), so it survives a round trip through folded text, cannot drive
 * a terminal, and partial results merge by group. */
char *fk_group_frame_name(FkGroupKey key, const char *value);

/* TRUE when NAME has the form of a group frame, "[KEY=VALUE]" with a known
 * KEY. Transforms keep group frames at the top of a stack (directly under the
 * root or under another group frame) out of their rules: skip-after and focus
 * re-root below them, filters do not match them. */
gboolean fk_is_group_frame(const char *name);

/* What the collector left out, for cmd/ to report. */
typedef struct {
  guint64 untimed;       /* samples without a time under a time range */
  guint64 out_of_range;  /* samples outside the time range */
  double untimed_weight; /* their weights, as decimal numbers */
  double out_of_range_weight;
  guint64 timed; /* samples that had a time */
  /* The time range of the samples kept (report's summary): valid when
   * kept_timed > 0. */
  guint64 kept_timed, time_first, time_last;
} FkCollectStats;

void fk_collect_options_init(FkCollectOptions *opts);

typedef struct FkCollector FkCollector;

/* A collector whose tree interns in STRINGS (NULL: a new interner). OPTS is
 * copied. */
FkCollector *fk_collector_new(FkInterner *strings, const FkCollectOptions *opts);
void fk_collector_free(FkCollector *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(FkCollector, fk_collector_free)

/* Empties SELF for the next input, keeping its memory (see fk_tree_reset):
 * FALSE when it is better freed. */
gboolean fk_collector_reset(FkCollector *self);

/* The interner readers feeding this collector must intern into. */
FkInterner *fk_collector_strings(FkCollector *self);

gboolean fk_collector_add(FkCollector *self, const FkSample *s, GError **error);

/* S is given to fk_collector_add soon: the tree it goes to may start
 * loading what adding it reads (fk_tree_coming). Only a hint. */
void fk_collector_coming(FkCollector *self, const FkSample *s);

/* TRUE when fk_collector_add interns names (its group frames, a flame
 * chart's thread frames): it must then run on the thread that owns the
 * tree's interner, the reader's. */
gboolean fk_collector_interns(const FkCollector *self);

/* Moves everything FROM holds into SELF (FROM may use another interner). */
gboolean fk_collector_merge(FkCollector *self, FkCollector *from, GError **error);

/* Counts of what was dropped so far (merged collectors included). */
void fk_collector_stats(const FkCollector *self, FkCollectStats *stats);

/* Bytes of memory its samples take (tree, names, time-ordered samples). */
gsize fk_collector_bytes(const FkCollector *self);

/* The finished tree (fk_tree_finish: read only from now on; transfer
 * full); SELF is then empty. NULL with ERROR on
 * overflow. */
FkTree *fk_collector_finish(FkCollector *self, GError **error);

/* The options SELF was made with, so that worker collectors can be made alike. */
const FkCollectOptions *fk_collector_options(const FkCollector *self);
