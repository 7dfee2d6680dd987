/* stackcache.c -- the frames of a sample's addresses, symbolized once.
 *
 * Entries sit one after another in one array of words: the hash, the key's
 * and the frames' lengths, the key, the frame pointers. The table holds the
 * word offset of each entry (+1; 0 is empty), open addressing with linear
 * probing at most half full, so a probe reads one slot and, on a match of
 * the full hash, the entry it names. */
#include "stackcache.h"

#include <string.h>

struct PdStackCache {
  guint64 *words; /* the entries */
  gsize n_words, cap_words, max_words;
  guint64 *slots; /* offset + 1 in the low half, the hash's high half above */
  guint32 mask;   /* slots - 1; slots a power of two */
  guint64 entries, hits, stored;
  guint64 generation; /* clears so far */
};

PdStackCache *
pd_stack_cache_new(gsize max_bytes)
{
  PdStackCache *self = g_new0(PdStackCache, 1);
  /* offsets are 32-bit words: at most 16 GiB of entries */
  self->max_words = MIN(MAX(max_bytes / 8, 1024), (gsize)G_MAXUINT32 - 1);
  self->mask = 1023;
  self->slots = g_new0(guint64, self->mask + 1);
  return self;
}

void
pd_stack_cache_free(PdStackCache *self)
{
  if (self == NULL)
    return;
  g_free(self->words);
  g_free(self->slots);
  g_free(self);
}

guint64
pd_stack_cache_hash(const guint64 *key, guint n)
{
  guint64 h = 0x9e3779b97f4a7c15ull ^ n;
  for (guint i = 0; i < n; i++) {
    h = (h ^ key[i]) * 0xbf58476d1ce4e5b9ull;
    h ^= h >> 31;
  }
  return h;
}

static gboolean
entry_is(const guint64 *e, const guint64 *key, guint n, guint64 hash)
{
  return e[0] == hash && (guint32)e[1] == n && memcmp(e + 2, key, n * sizeof *key) == 0;
}

const char *const *
pd_stack_cache_find(PdStackCache *self, const guint64 *key, guint n, guint64 hash, guint *n_frames)
{
  guint64 tag = hash >> 32 << 32;
  for (guint32 i = (guint32)hash & self->mask;; i = (i + 1) & self->mask) {
    guint64 s = self->slots[i];
    if (s == 0)
      return NULL;
    if ((s & ~(guint64)G_MAXUINT32) != tag)
      continue;
    const guint64 *e = self->words + ((guint32)s - 1);
    if (entry_is(e, key, n, hash)) {
      self->hits++;
      *n_frames = (guint)(e[1] >> 32);
      return (const char *const *)(gconstpointer)(e + 2 + n);
    }
  }
}

static void
insert_slot(PdStackCache *self, guint64 hash, gsize at)
{
  guint32 i = (guint32)hash & self->mask;
  while (self->slots[i] != 0)
    i = (i + 1) & self->mask;
  self->slots[i] = (hash >> 32 << 32) | (guint64)(at + 1);
}

static void
clear(PdStackCache *self)
{
  self->n_words = 0;
  self->entries = 0;
  self->generation++;
  memset(self->slots, 0, ((gsize)self->mask + 1) * sizeof *self->slots);
}

static void
grow_table(PdStackCache *self)
{
  g_free(self->slots);
  self->mask = self->mask * 2 + 1;
  self->slots = g_new0(guint64, (gsize)self->mask + 1);
  for (gsize at = 0; at < self->n_words;) {
    const guint64 *e = self->words + at;
    insert_slot(self, e[0], at);
    at += 2 + (guint32)e[1] + (e[1] >> 32);
  }
}

void
pd_stack_cache_put(PdStackCache *self, const guint64 *key, guint n, guint64 hash,
                   const char *const *frames, guint n_frames)
{
  gsize need = 2 + (gsize)n + n_frames;
  if (need > self->max_words)
    return; /* one stack larger than the whole cache: not kept */
  if (self->n_words + need > self->max_words)
    clear(self);
  if ((self->entries + 1) * 2 > (guint64)self->mask + 1)
    grow_table(self);
  if (self->n_words + need > self->cap_words) {
    self->cap_words = MIN(MAX(self->cap_words * 2, self->n_words + need), self->max_words);
    self->cap_words = MAX(self->cap_words, MIN((gsize)4096, self->max_words));
    self->words = g_renew(guint64, self->words, self->cap_words);
  }
  guint64 *e = self->words + self->n_words;
  e[0] = hash;
  e[1] = (guint64)n | (guint64)n_frames << 32;
  memcpy(e + 2, key, n * sizeof *key);
  /* frame pointers are stored as words, handed back as they are */
  G_STATIC_ASSERT(sizeof(const char *) == sizeof(guint64));
  memcpy(e + 2 + n, frames, n_frames * sizeof *frames);
  insert_slot(self, hash, self->n_words);
  self->n_words += need;
  self->entries++;
  self->stored++;
}

guint64
pd_stack_cache_hits(const PdStackCache *self)
{
  return self->hits;
}

guint64
pd_stack_cache_entries(const PdStackCache *self)
{
  return self->stored;
}

guint64
pd_stack_cache_generation(const PdStackCache *self)
{
  return self->generation;
}
