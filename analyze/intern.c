/* intern.c -- open-addressing string interner over a GStringChunk. */
#include "intern.h"
#include "pages.h"

#include <string.h>

/* 32 bytes: the string, 32 bits of its hash (the low ones, which place it:
 * enough to grow the table without hashing again, up to 2^32 slots), its
 * length (a name is at most one line, far below 4 GiB), and its first
 * INLINE bytes, zero-padded (a name has no NUL): a name of at most INLINE
 * bytes is found by its slot alone, its copy in the arena never read, and
 * a longer one reads only its bytes past INLINE there. With a million
 * short names (wide flat's leaves) and their slots loaded ahead
 * (fk_interner_prefetch), the copy was the interner's one miss left, 64%
 * of its samples. The table of those names is 64 MiB instead of 32 (a
 * whole hash and a gsize length, 24 bytes, were 48). */
typedef struct {
  const char *str; /* NULL marks an empty slot */
  guint32 hash;
  guint32 len;
  guint64 inl[2];
} Slot;

#define INLINE 16

/* The strings: blocks that never move, 64 KiB while the interner is small
 * (one per archive member), then 4 MiB (fk_pages_alloc). With a million
 * names the table and the strings are each a cache miss per intern that
 * finds its name. */
#define ARENA_SMALL ((gsize)64 << 10)
#define ARENA_BIG ((gsize)4 << 20)
/* Tables from fk_pages_alloc0 from this size on. */
#define TABLE_HUGE ((gsize)4 << 20)

struct FkInterner {
  gint refcount;
  GPtrArray *blocks; /* of the arena, the current one last */
  GArray *used;      /* gsize: bytes of strings in each block but the current */
  char *at;          /* the current block's free bytes */
  gsize left;
  gsize arena_bytes; /* all blocks' sizes */
  Slot *slots;
  gsize mask;  /* capacity - 1, capacity a power of two */
  gsize count; /* occupied slots */
  gsize bytes;
};

/* A simple multiply-xorshift hash that reads 8 bytes at a time: frame names are
 * short and this is the hot path of every reader. */
guint64
fk_hash_bytes(const void *data, gsize len)
{
  const guint8 *p = data;
  guint64 h = fk_hash_start(len);
  gsize n = len;
  for (; n >= 8; n -= 8, p += 8) {
    guint64 v;
    memcpy(&v, p, 8);
    h = fk_hash_word(h, v);
  }
  guint64 v = 0;
  memcpy(&v, p, n);
  return fk_hash_end(h, v, len);
}

/* memcmp(A, B, LEN) == 0 without a call: names are short, and a hit is
 * compared on every intern. */
static inline gboolean
same_bytes(const char *a, const char *b, gsize len)
{
  if (len >= 8) {
    /* whole words, then the last 8 bytes (overlapping the last word read):
     * a byte loop over the tail was a fifth of a hit's instructions */
    guint64 x, y;
    for (gsize i = 0; i + 8 <= len; i += 8) {
      memcpy(&x, a + i, 8);
      memcpy(&y, b + i, 8);
      if (x != y)
        return FALSE;
    }
    memcpy(&x, a + len - 8, 8);
    memcpy(&y, b + len - 8, 8);
    return x == y;
  }
  while (len > 0) {
    if (*a++ != *b++)
      return FALSE;
    len--;
  }
  return TRUE;
}

FkInterner *
fk_interner_new(void)
{
  FkInterner *self = g_new0(FkInterner, 1);
  self->refcount = 1;
  self->blocks = g_ptr_array_new_with_free_func(fk_pages_free);
  self->used = g_array_new(FALSE, FALSE, sizeof(gsize));
  self->mask = 1023;
  self->slots = fk_pages_alloc0(sizeof(Slot) * (self->mask + 1), TABLE_HUGE);
  return self;
}

FkInterner *
fk_interner_ref(FkInterner *self)
{
  g_atomic_int_inc(&self->refcount);
  return self;
}

void
fk_interner_unref(FkInterner *self)
{
  if (self == NULL || !g_atomic_int_dec_and_test(&self->refcount))
    return;
  g_ptr_array_unref(self->blocks);
  g_array_unref(self->used);
  fk_pages_free(self->slots);
  g_free(self);
}

gboolean
fk_interner_shared(const FkInterner *self)
{
  return g_atomic_int_get(&self->refcount) != 1;
}

gboolean
fk_interner_reset(FkInterner *self, gsize max_slots)
{
  if (g_atomic_int_get(&self->refcount) != 1 || self->mask + 1 > max_slots)
    return FALSE;
  g_ptr_array_set_size(self->blocks, 0);
  g_array_set_size(self->used, 0);
  self->at = NULL;
  self->left = 0;
  self->arena_bytes = 0;
  memset(self->slots, 0, (self->mask + 1) * sizeof(Slot));
  self->count = 0;
  self->bytes = 0;
  return TRUE;
}

static void
grow(FkInterner *self)
{
  gsize cap = (self->mask + 1) * 2;
  Slot *slots = fk_pages_alloc0(sizeof(Slot) * cap, TABLE_HUGE);
  for (gsize i = 0; i <= self->mask; i++) {
    Slot *s = &self->slots[i];
    if (s->str == NULL)
      continue;
    gsize j = s->hash & (cap - 1);
    while (slots[j].str != NULL)
      j = (j + 1) & (cap - 1);
    slots[j] = *s;
  }
  fk_pages_free(self->slots);
  self->slots = slots;
  self->mask = cap - 1;
}

/* A NUL-terminated copy of the LEN bytes at S in the arena. */
static const char *
arena_copy(FkInterner *self, const char *s, gsize len)
{
  if (self->left < len + 1) {
    gsize size = self->arena_bytes < ARENA_BIG ? ARENA_SMALL : ARENA_BIG;
    size = MAX(size, len + 1);
    char *block = size >= ARENA_BIG ? fk_pages_alloc(size) : g_malloc(size);
    if (self->blocks->len > 0) {
      gsize used =
          (gsize)(self->at - (char *)g_ptr_array_index(self->blocks, self->blocks->len - 1));
      g_array_append_val(self->used, used);
    }
    g_ptr_array_add(self->blocks, block);
    self->at = block;
    self->left = size;
    self->arena_bytes += size;
  }
  char *copy = self->at;
  memcpy(copy, s, len);
  copy[len] = '\0';
  self->at += len + 1;
  self->left -= len + 1;
  return copy;
}

const char *
fk_interner_intern(FkInterner *self, const char *s, gsize len)
{
  return fk_interner_intern_hashed(self, s, len, fk_hash_bytes(s, len));
}

/* The zero-padded first INLINE bytes of the LEN bytes at S, as a slot
 * keeps them. */
static inline void
inline_key(const char *s, gsize len, guint64 key[2])
{
  /* Whole words where the name has them (a copy of a variable length
   * into a zeroed buffer was 30 instructions a call, 4.5% more for
   * reading the all-distinct shape, whose names are longer than 16). */
  if (len >= INLINE) {
    memcpy(&key[0], s, 8);
    memcpy(&key[1], s + 8, 8);
    return;
  }
#if G_BYTE_ORDER == G_LITTLE_ENDIAN
  if (len > 8) {
    /* the second word: the last 8 bytes, shifted past those of the first */
    memcpy(&key[0], s, 8);
    memcpy(&key[1], s + len - 8, 8);
    key[1] >>= 8 * (INLINE - len);
    return;
  }
#endif
  char b[INLINE] = {0};
  memcpy(b, s, len);
  memcpy(key, b, INLINE);
}

/* TRUE when SLOT holds the LEN bytes at S, whose hash is H and whose
 * inline_key is KEY. */
static inline gboolean
slot_holds(const Slot *slot, guint32 h, const char *s, gsize len, const guint64 key[2])
{
  if (slot->hash != h || slot->len != len || slot->inl[0] != key[0] || slot->inl[1] != key[1])
    return FALSE;
  return len <= INLINE || same_bytes(slot->str + INLINE, s + INLINE, len - INLINE);
}

const char *
fk_interner_intern_hashed(FkInterner *self, const char *s, gsize len, guint64 hash)
{
  g_return_val_if_fail(len <= G_MAXUINT32, NULL);
  guint32 h = (guint32)hash;
  guint64 key[2];
  inline_key(s, len, key);
  gsize i = h & self->mask;
  for (;;) {
    Slot *slot = &self->slots[i];
    if (slot->str == NULL)
      break;
    if (slot_holds(slot, h, s, len, key))
      return slot->str;
    i = (i + 1) & self->mask;
  }
  if ((self->count + 1) * 2 > self->mask + 1) {
    grow(self);
    i = h & self->mask;
    while (self->slots[i].str != NULL)
      i = (i + 1) & self->mask;
  }
  const char *copy = arena_copy(self, s, len);
  self->slots[i] = (Slot){copy, h, (guint32)len, {key[0], key[1]}};
  self->count++;
  self->bytes += len + 1;
  return copy;
}

void
fk_interner_prefetch(const FkInterner *self, guint64 hash)
{
  __builtin_prefetch(&self->slots[(guint32)hash & self->mask]);
}

gboolean
fk_interner_outgrows_cache(const FkInterner *self)
{
  return (self->mask + 1) * sizeof(Slot) > ((gsize)1 << 20);
}

const char *
fk_interner_lookup(const FkInterner *self, const char *s, gsize len)
{
  if (len > G_MAXUINT32)
    return NULL;
  guint32 h = (guint32)fk_hash_bytes(s, len);
  guint64 key[2];
  inline_key(s, len, key);
  for (gsize i = h & self->mask;; i = (i + 1) & self->mask) {
    const Slot *slot = &self->slots[i];
    if (slot->str == NULL)
      return NULL;
    if (slot_holds(slot, h, s, len, key))
      return slot->str;
  }
}

const char *
fk_interner_lookup0(const FkInterner *self, const char *s)
{
  return s ? fk_interner_lookup(self, s, strlen(s)) : NULL;
}

const char *
fk_interner_intern0(FkInterner *self, const char *s)
{
  return s ? fk_interner_intern(self, s, strlen(s)) : NULL;
}

gboolean
fk_interner_foreach(const FkInterner *self, FkInternFunc func, gpointer user_data)
{
  for (guint b = 0; b < self->blocks->len; b++) {
    const char *p = g_ptr_array_index(self->blocks, b);
    const char *end = p + (b + 1 < self->blocks->len ? g_array_index(self->used, gsize, b)
                                                     : (gsize)(self->at - p));
    while (p < end) {
      gsize len = strlen(p);
      if (!func(p, len, user_data))
        return FALSE;
      p += len + 1;
    }
  }
  return TRUE;
}

gsize
fk_interner_count(const FkInterner *self)
{
  return self->count;
}

gsize
fk_interner_bytes(const FkInterner *self)
{
  return self->bytes + (self->mask + 1) * sizeof(Slot);
}
