/* readahead.c -- a source read on a thread of its own into a bounded ring.
 *
 * The ring holds SLOTS blocks. The thread fills them in order, one read of
 * the source each; the reader takes them in the same order and gives each
 * back when it moves to the next. FILLED counts the blocks from HEAD that
 * are the reader's or ready for it, so the thread never touches those and
 * the reader never touches the rest: only the counts are under the lock,
 * never the bytes. Each side sleeps on the one condition (it cannot be
 * that both do: the ring would be full and empty at once), and is woken
 * in batches: a reader that waits for bytes when WAKE blocks are ready, a
 * thread that waits for room once half of the ring is free, so that two
 * threads of different speeds do not pay a switch for every block. */
#include "readahead.h"

#include <string.h>

typedef struct {
  guint8 *data;
  gssize n;      /* what the read returned: bytes, 0 the end, -1 a failure */
  GError *error; /* with n == -1 */
  guint64 mark;  /* MARK after the read */
} Slot;

typedef struct {
  GMutex lock;
  GCond cond;
  gint refs; /* the reader and the thread */
  FkInput *source;
  FkReadAheadMarkFunc mark;
  gsize block;
  guint slots;
  guint wake; /* blocks ready before a waiting reader is woken */
  guint8 *memory;
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

static void
destroy(ReadAhead *ra)
{
  for (guint i = 0; i < ra->slots; i++)
    g_clear_error(&ra->ring[i].error);
  fk_input_free(ra->source);
  g_free(ra->ring);
  g_free(ra->memory);
  g_mutex_clear(&ra->lock);
  g_cond_clear(&ra->cond);
  g_free(ra);
}

/* Drops one side's reference; called with the lock held, which it lets go. */
static void
release(ReadAhead *ra)
{
  gboolean last = --ra->refs == 0;
  g_mutex_unlock(&ra->lock);
  if (last)
    destroy(ra);
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
    GError *error = NULL;
    gssize n = fk_input_read(ra->source, s->data, ra->block, &error);
    guint64 mark = ra->mark != NULL ? ra->mark(ra->source) : 0;
    g_mutex_lock(&ra->lock);
    s->n = n;
    s->error = error;
    s->mark = mark;
    ra->filled++;
    if (ra->reader_waiting && (n <= 0 || ra->filled >= ra->wake))
      g_cond_signal(&ra->cond);
    if (n <= 0)
      break; /* the reader takes what is left, this last block included */
  }
  release(ra);
  return NULL;
}

/* Gives back the block being handed out and waits for the next; with the
 * lock held. The reader sees it with NULL. */
static Slot *
take(ReadAhead *ra)
{
  if (ra->holding) {
    g_clear_error(&ra->ring[ra->head].error);
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
  if (s == NULL || (s->n > 0 && ra->pos == (gsize)s->n)) {
    g_mutex_lock(&ra->lock);
    s = take(ra);
    g_mutex_unlock(&ra->lock);
  }
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
  memcpy(buf, s->data + ra->pos, n);
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
  *out = s->data + ra->pos;
  gsize n = (gsize)s->n - ra->pos;
  ra->pos = (gsize)s->n;
  return (gssize)n;
}

static void
ra_free(gpointer data)
{
  ReadAhead *ra = data;
  g_mutex_lock(&ra->lock);
  ra->stop = TRUE;
  if (ra->thread_waiting)
    g_cond_signal(&ra->cond);
  release(ra);
}

FkInput *
fk_read_ahead_new(FkInput *source, gsize block, guint slots, guint wake, FkReadAheadMarkFunc mark)
{
  g_return_val_if_fail(block > 0 && slots > 0, NULL);
  ReadAhead *ra = g_new0(ReadAhead, 1);
  g_mutex_init(&ra->lock);
  g_cond_init(&ra->cond);
  ra->refs = 2;
  ra->source = source;
  ra->mark = mark;
  ra->block = block;
  ra->slots = slots;
  ra->wake = CLAMP(wake, 1u, slots);
  ra->memory = g_malloc(block * slots);
  ra->ring = g_new0(Slot, slots);
  for (guint i = 0; i < slots; i++)
    ra->ring[i].data = ra->memory + (gsize)i * block;
  FkInput *in = fk_input_new_like(source, ra_read, ra_lend, ra, ra_free);
  g_thread_unref(g_thread_new("read-ahead", run, ra));
  return in;
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
