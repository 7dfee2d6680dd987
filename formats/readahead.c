/* readahead.c -- a source read on a thread of its own into a bounded ring.
 *
 * The ring holds SLOTS blocks. The thread fills them in order, one read of
 * the source each; the reader takes them in the same order and gives each
 * back when it moves to the next. FILLED counts the blocks from HEAD that
 * are the reader's or ready for it, so the thread never touches those and
 * the reader never touches the rest: only the counts are under the lock,
 * never the bytes. A block is a GBytes: a slice of it handed on
 * (fk_read_ahead_slice) keeps its memory until the slice is freed, and a
 * block no one refers to any more is filled again.
 *
 * Each side sleeps on the one condition (it cannot be that both do: the
 * ring would be full and empty at once), and is woken in batches: a reader
 * that waits for bytes when WAKE blocks are ready, a thread that waits for
 * room once half of the ring is free, so that two threads of different
 * speeds do not pay a switch for every block. */
#include "readahead.h"

#include "bytepipe.h"

#include <string.h>

typedef struct {
  GBytes *bytes; /* the bytes read (the ring's reference), or NULL */
  gssize n;      /* what the read returned: bytes, 0 the end, -1 a failure */
  GError *error; /* with n == -1 */
  guint64 mark;  /* MARK after the read */
} Slot;

typedef struct {
  GMutex lock;
  GCond cond;
  gint users; /* the reader and the thread: the source is theirs */
  gint refs;  /* the users and every block's bytes alive: the rest */
  FkInput *source;
  FkReadAheadMarkFunc mark;
  gsize block;
  guint slots;
  guint wake;       /* blocks ready before a waiting reader is woken */
  FkBlocks *blocks; /* their memory, recycled (huge-page arenas: few faults) */
  Slot *ring;
  guint head;              /* the reader's block, or the next it takes */
  guint filled;            /* blocks from HEAD read by the thread and not given back */
  gboolean stop;           /* the reader has gone */
  gboolean reader_waiting; /* for bytes */
  gboolean thread_waiting; /* for room */
  /* the reader's alone */
  gboolean holding; /* ring[head] is being handed out */
  gsize pos;        /* bytes of ring[head] handed out */
  gboolean done;    /* the end or the failure was handed out */
  guint64 last_mark;
} ReadAhead;

/* The memory behind a block's GBytes, given back when the last slice of
 * it is freed (on whichever thread that is). */
typedef struct {
  ReadAhead *ra;
  guint8 *data;
} Block;

static void
destroy(ReadAhead *ra)
{
  for (guint i = 0; i < ra->slots; i++)
    g_clear_error(&ra->ring[i].error);
  g_free(ra->ring);
  fk_blocks_free(ra->blocks);
  g_mutex_clear(&ra->lock);
  g_cond_clear(&ra->cond);
  g_free(ra);
}

/* Drops a reference; called with the lock held, which it lets go. */
static void
release(ReadAhead *ra)
{
  gboolean last = --ra->refs == 0;
  g_mutex_unlock(&ra->lock);
  if (last)
    destroy(ra);
}

/* The reader or the thread is done; with the lock held, which it lets go.
 * The last of the two frees the source (a decoder holds megabytes) even
 * while slices of blocks live on. */
static void
leave(ReadAhead *ra)
{
  FkInput *source = --ra->users == 0 ? g_steal_pointer(&ra->source) : NULL;
  release(ra);
  fk_input_free(source);
}

static void
block_done(gpointer data)
{
  Block *b = data;
  ReadAhead *ra = b->ra;
  fk_blocks_put(ra->blocks, b->data);
  g_free(b);
  g_mutex_lock(&ra->lock);
  release(ra);
}

static gpointer
run(gpointer data)
{
  ReadAhead *ra = data;
  g_mutex_lock(&ra->lock);
  for (;;) {
    while (ra->filled == ra->slots && !ra->stop) {
      ra->thread_waiting = TRUE;
      g_cond_wait(&ra->cond, &ra->lock);
    }
    ra->thread_waiting = FALSE;
    if (ra->stop)
      break;
    Slot *s = &ra->ring[(ra->head + ra->filled) % ra->slots];
    g_mutex_unlock(&ra->lock);
    /* Blocks come back when the last slice of them is freed: those still
     * in the readers' pipes are memory the pipes would have held anyway. */
    guint8 *mem = fk_blocks_get(ra->blocks);
    GError *error = NULL;
    gssize n = fk_input_read(ra->source, mem, ra->block, &error);
    guint64 mark = ra->mark != NULL ? ra->mark(ra->source) : 0;
    g_mutex_lock(&ra->lock);
    GBytes *bytes = NULL;
    if (n > 0) {
      Block *b = g_new(Block, 1);
      b->ra = ra;
      b->data = mem;
      bytes = g_bytes_new_with_free_func(mem, (gsize)n, block_done, b);
      ra->refs++;
    } else {
      fk_blocks_put(ra->blocks, mem);
    }
    if (ra->stop) { /* the reader has gone while this was read */
      g_clear_error(&error);
      g_mutex_unlock(&ra->lock);
      if (bytes != NULL)
        g_bytes_unref(bytes);
      g_mutex_lock(&ra->lock);
      break;
    }
    s->bytes = bytes;
    s->n = n;
    s->error = error;
    s->mark = mark;
    ra->filled++;
    if (ra->reader_waiting && (n <= 0 || ra->filled >= ra->wake))
      g_cond_signal(&ra->cond);
    if (n <= 0)
      break; /* the reader takes what is left, this last block included */
  }
  leave(ra);
  return NULL;
}

/* Gives back the block being handed out and waits for the next. The
 * reader sees it with NULL. */
static Slot *
take(ReadAhead *ra)
{
  GBytes *drop = NULL;
  g_mutex_lock(&ra->lock);
  if (ra->holding) {
    Slot *old = &ra->ring[ra->head];
    drop = g_steal_pointer(&old->bytes);
    g_clear_error(&old->error);
    ra->head = (ra->head + 1) % ra->slots;
    ra->filled--;
    ra->holding = FALSE;
    if (ra->thread_waiting && ra->slots - ra->filled >= MAX(ra->slots / 2, 1u))
      g_cond_signal(&ra->cond);
  }
  while (ra->filled == 0) {
    ra->reader_waiting = TRUE;
    g_cond_wait(&ra->cond, &ra->lock);
  }
  ra->reader_waiting = FALSE;
  ra->holding = TRUE;
  ra->pos = 0;
  Slot *s = &ra->ring[ra->head];
  ra->last_mark = s->mark;
  g_mutex_unlock(&ra->lock);
  if (drop != NULL) /* not under the lock: its block comes back through it */
    g_bytes_unref(drop);
  return s;
}

/* The block with bytes left to hand out, or NULL after the end or the
 * failure, which *RESULT then is (once; 0 after). */
static Slot *
current(ReadAhead *ra, gssize *result, GError **error)
{
  *result = 0;
  if (ra->done)
    return NULL;
  Slot *s = ra->holding ? &ra->ring[ra->head] : NULL;
  if (s == NULL || (s->n > 0 && ra->pos == (gsize)s->n))
    s = take(ra);
  if (s->n > 0)
    return s;
  ra->done = TRUE;
  if (s->n < 0) {
    g_propagate_error(error, g_steal_pointer(&s->error));
    *result = -1;
  }
  return NULL;
}

static gssize
ra_read(gpointer data, void *buf, gsize len, GError **error)
{
  ReadAhead *ra = data;
  gssize result;
  Slot *s = current(ra, &result, error);
  if (s == NULL)
    return result;
  gsize n = MIN(len, (gsize)s->n - ra->pos);
  memcpy(buf, (const guint8 *)g_bytes_get_data(s->bytes, NULL) + ra->pos, n);
  ra->pos += n;
  return (gssize)n;
}

static gssize
ra_lend(gpointer data, guint8 **out, GError **error)
{
  ReadAhead *ra = data;
  gssize result;
  Slot *s = current(ra, &result, error);
  if (s == NULL)
    return result;
  *out = (guint8 *)g_bytes_get_data(s->bytes, NULL) + ra->pos;
  gsize n = (gsize)s->n - ra->pos;
  ra->pos = (gsize)s->n;
  return (gssize)n;
}

static void
ra_free(gpointer data)
{
  ReadAhead *ra = data;
  g_autoptr(GPtrArray) drop = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
  g_mutex_lock(&ra->lock);
  ra->stop = TRUE;
  if (ra->thread_waiting)
    g_cond_signal(&ra->cond);
  for (guint i = 0; i < ra->filled; i++) {
    Slot *s = &ra->ring[(ra->head + i) % ra->slots];
    if (s->bytes != NULL)
      g_ptr_array_add(drop, g_steal_pointer(&s->bytes));
  }
  g_mutex_unlock(&ra->lock);
  g_clear_pointer(&drop, g_ptr_array_unref); /* the reader's user reference keeps RA */
  g_mutex_lock(&ra->lock);
  leave(ra);
}

FkInput *
fk_read_ahead_new(FkInput *source, gsize block, guint slots, guint wake, FkReadAheadMarkFunc mark)
{
  g_return_val_if_fail(block > 0 && block <= ((gsize)2 << 20) && slots > 0, NULL);
  ReadAhead *ra = g_new0(ReadAhead, 1);
  g_mutex_init(&ra->lock);
  g_cond_init(&ra->cond);
  ra->users = 2;
  ra->refs = 2;
  ra->source = source;
  ra->mark = mark;
  ra->block = block;
  ra->slots = slots;
  ra->wake = CLAMP(wake, 1u, slots);
  ra->ring = g_new0(Slot, slots);
  ra->blocks = fk_blocks_new(block);
  FkInput *in = fk_input_new_like(source, ra_read, ra_lend, ra, ra_free);
  g_thread_unref(g_thread_new("read-ahead", run, ra));
  return in;
}

/* The block being handed out when DATA..DATA+LEN lies in it, else NULL. */
static GBytes *
holding(const FkInput *self, const guint8 *data, gsize len)
{
  const ReadAhead *ra = self != NULL ? fk_input_source(self, ra_read) : NULL;
  if (ra == NULL || !ra->holding || ra->ring[ra->head].bytes == NULL || len == 0)
    return NULL;
  GBytes *bytes = ra->ring[ra->head].bytes;
  gsize size;
  const guint8 *base = g_bytes_get_data(bytes, &size);
  if (data < base || data >= base + size || len > (gsize)(base + size - data))
    return NULL;
  return bytes;
}

gboolean
fk_read_ahead_holds(const FkInput *self, const guint8 *data, gsize len)
{
  return holding(self, data, len) != NULL;
}

GBytes *
fk_read_ahead_slice(const FkInput *self, const guint8 *data, gsize len)
{
  GBytes *bytes = holding(self, data, len);
  if (bytes == NULL)
    return NULL;
  return g_bytes_new_from_bytes(bytes,
                                (gsize)(data - (const guint8 *)g_bytes_get_data(bytes, NULL)), len);
}

gboolean
fk_read_ahead_is(const FkInput *self)
{
  return fk_input_source(self, ra_read) != NULL;
}

guint64
fk_read_ahead_mark(const FkInput *self)
{
  const ReadAhead *ra = fk_input_source(self, ra_read);
  g_return_val_if_fail(ra != NULL, 0);
  return ra->last_mark;
}
