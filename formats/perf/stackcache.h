/* stackcache.h -- the frames of a sample's addresses, symbolized once.
 *
 * A 200,000-sample capture holds a few thousand distinct stacks: symbolizing
 * each address of each sample (its process's mapping found, the dso, the
 * per-address cache probed) was most of the reader's time. The reader keys
 * each sample by everything its frames depend on (the process, the versions
 * of that process's maps and of the kernel's, the naming flags, and the
 * addresses with their modes) and keeps the frames made the first time.
 * The perf-data reader's decoder, which has no frames (they are made on the
 * other thread, data.c), stores one word instead: the stack's number, under
 * which the symbolizing side keeps the frames until the generation changes.
 * The cache knows nothing of what the words mean: a key is the whole
 * identity, compared word for word, never by its hash alone. */
#pragma once

#include <glib.h>

typedef struct PdStackCache PdStackCache;

/* A cache holding at most about MAX_BYTES of keys and frames; past that it
 * starts over empty (the stacks of a long capture drift: what was hot an
 * hour ago need not stay). */
PdStackCache *pd_stack_cache_new(gsize max_bytes);
void pd_stack_cache_free(PdStackCache *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PdStackCache, pd_stack_cache_free)

/* The hash of the N words at KEY, for find and put. */
guint64 pd_stack_cache_hash(const guint64 *key, guint n);

/* The frames stored under the N words at KEY (HASH its pd_stack_cache_hash),
 * *N_FRAMES of them, valid until the next put; NULL when there are none. */
const char *const *pd_stack_cache_find(PdStackCache *self, const guint64 *key, guint n,
                                       guint64 hash, guint *n_frames);

/* Stores N_FRAMES frame pointers (interned elsewhere; only the pointers are
 * kept) under KEY, which must not be stored yet. */
void pd_stack_cache_put(PdStackCache *self, const guint64 *key, guint n, guint64 hash,
                        const char *const *frames, guint n_frames);

/* How many times the cache started over empty: a caller keeping data of its
 * own per entry drops it when this changes. */
guint64 pd_stack_cache_generation(const PdStackCache *self);

/* Lookups that found frames, and entries stored, since the start. */
guint64 pd_stack_cache_hits(const PdStackCache *self);
guint64 pd_stack_cache_entries(const PdStackCache *self);
