/* intern.h -- a string interner: equal strings become one pointer.
 *
 * Frame names, hosts, comms and events are interned so that the engine compares
 * them by pointer. An interner is reference counted because several trees (the
 * per-group trees of one run) share it. It is not thread safe: each reader
 * thread owns one, and merging trees re-interns across interners. */
#pragma once

#include <glib.h>

typedef struct FkInterner FkInterner;

/* A new empty interner with one reference. Never NULL. */
FkInterner *fk_interner_new(void);
FkInterner *fk_interner_ref(FkInterner *self);
void fk_interner_unref(FkInterner *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(FkInterner, fk_interner_unref)

/* The interned NUL-terminated copy of the LEN bytes at S (which need not be
 * NUL-terminated and may contain any bytes but NUL). The pointer stays valid
 * until the last reference to SELF goes. */
const char *fk_interner_intern(FkInterner *self, const char *s, gsize len);

/* Shorthand for a NUL-terminated string; NULL gives NULL. */
const char *fk_interner_intern0(FkInterner *self, const char *s);

/* The interned copy of the LEN bytes at S if SELF holds one, else NULL;
 * SELF never changes. For comparing against a tree whose interner others
 * read: a string SELF never saw is on none of its trees' nodes, and
 * interning it would grow SELF for nothing. */
const char *fk_interner_lookup(const FkInterner *self, const char *s, gsize len);

/* Shorthand for a NUL-terminated string; NULL gives NULL. */
const char *fk_interner_lookup0(const FkInterner *self, const char *s);

/* Calls FUNC on every string held, once each, in the order they were first
 * interned (the arena's order: a pass over memory, not over a hash table),
 * until FUNC returns FALSE; returns FALSE then, else TRUE. The interner of
 * a tree holds its names but may hold other strings too (input names,
 * hosts, and the names of other trees sharing it). */
typedef gboolean (*FkInternFunc)(const char *s, gsize len, gpointer user_data);
gboolean fk_interner_foreach(const FkInterner *self, FkInternFunc func, gpointer user_data);

/* Number of distinct strings held. */
gsize fk_interner_count(const FkInterner *self);

/* TRUE when more than one owner holds SELF. */
gboolean fk_interner_shared(const FkInterner *self);

/* Empties SELF for reuse, keeping its tables: FALSE (and SELF unchanged)
 * when it is shared or its index has grown past MAX_SLOTS. */
gboolean fk_interner_reset(FkInterner *self, gsize max_slots);

/* Bytes of string storage held (for memory reports). */
gsize fk_interner_bytes(const FkInterner *self);

/* Starts loading the slot where fk_interner_intern_hashed looks first for
 * a string whose fk_hash_bytes is HASH: for a reader that knows names a
 * little before it interns them (the next line's), so that the intern does
 * not wait for a table bigger than the caches. Only a hint: changes
 * nothing. */
void fk_interner_prefetch(const FkInterner *self, guint64 hash);

/* TRUE when SELF's table is bigger than a core's cache (1 MiB of L2 here),
 * so that fk_interner_prefetch can pay for the hashing it needs: with a few
 * thousand names (the shared and all-distinct shapes: 6,000) every slot is
 * in the cache already, and hashing each frame a second time for it was 5%
 * more instructions for nothing. */
gboolean fk_interner_outgrows_cache(const FkInterner *self);

/* The hash the interner uses, exposed for callers that cache by content. */
guint64 fk_hash_bytes(const void *data, gsize len);

/* fk_hash_bytes in steps, for a caller that reads the bytes anyway (a
 * reader checking a frame name) and so hashes them in the same pass:
 * fk_hash_start(LEN), then fk_hash_word for each whole 8 bytes in order
 * (read with memcpy, host order), then fk_hash_end with the last LEN % 8
 * bytes in the low bytes of a zeroed word (0 when none). */
static inline guint64
fk_hash_start(gsize len)
{
  return 0x9e3779b97f4a7c15ULL ^ (len * 0xff51afd7ed558ccdULL);
}

static inline guint64
fk_hash_word(guint64 h, guint64 v)
{
  h = (h ^ v) * 0xbf58476d1ce4e5b9ULL;
  return h ^ (h >> 31);
}

static inline guint64
fk_hash_end(guint64 h, guint64 tail, gsize len)
{
  if (len % 8 != 0) {
    h = (h ^ tail) * 0x94d049bb133111ebULL;
    h ^= h >> 29;
  }
  h ^= h >> 32;
  return h ? h : 1;
}

/* fk_interner_intern of S[0..LEN) whose fk_hash_bytes is HASH. */
const char *fk_interner_intern_hashed(FkInterner *self, const char *s, gsize len, guint64 hash);
