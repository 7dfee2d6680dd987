/* bytepipe.c -- recycled blocks and a bounded pipe between two threads. */
#include "bytepipe.h"

#include "../analyze/pages.h"

#include <stdlib.h>
#include <string.h>

/* ---- blocks ---- */

/* Blocks are carved from 2 MiB arenas (fk_pages_alloc: aligned, so that a
 * system whose transparent huge pages are always on backs each with one
 * page). */
struct FkBlocks {
  GMutex lock;
  gsize block;
  GSList *free;   /* guint8[block] */
  GSList *arenas; /* what to free at the end */
};

FkBlocks *
fk_blocks_new(gsize block)
{
  g_return_val_if_fail(block > 0 && block <= FK_PAGES_HUGE, NULL);
  FkBlocks *self = g_new0(FkBlocks, 1);
  g_mutex_init(&self->lock);
  self->block = block;
  return self;
}

void
fk_blocks_free(FkBlocks *self)
{
  if (self == NULL)
    return;
  g_slist_free(self->free);
  g_slist_free_full(self->arenas, fk_pages_free);
  g_mutex_clear(&self->lock);
  g_free(self);
}

guint8 *
fk_blocks_get(FkBlocks *self)
{
  g_mutex_lock(&self->lock);
  if (self->free == NULL) {
    guint8 *arena = fk_pages_alloc(FK_PAGES_HUGE);
    self->arenas = g_slist_prepend(self->arenas, arena);
    for (gsize off = 0; off + self->block <= FK_PAGES_HUGE; off += self->block)
      self->free = g_slist_prepend(self->free, arena + off);
  }
  guint8 *b = self->free->data;
  self->free = g_slist_delete_link(self->free, self->free);
  g_mutex_unlock(&self->lock);
  return b;
}

void
fk_blocks_put(FkBlocks *self, guint8 *block)
{
  g_mutex_lock(&self->lock);
  self->free = g_slist_prepend(self->free, block);
  g_mutex_unlock(&self->lock);
}

typedef struct {
  FkBlocks *pool;
  guint8 *block;
} Lent;

static void
lent_free(gpointer data)
{
  Lent *l = data;
  fk_blocks_put(l->pool, l->block);
  g_free(l);
}

GBytes *
fk_blocks_wrap(FkBlocks *self, guint8 *block, gsize len)
{
  Lent *l = g_new(Lent, 1);
  l->pool = self;
  l->block = block;
  return g_bytes_new_with_free_func(block, len, lent_free, l);
}

/* ---- the pipe ---- */

struct FkBytePipe {
  gint refs;
  GMutex lock;
  GCond cond;
  gsize cap;
  GQueue chunks; /* GBytes* */
  gsize queued;
  GBytes *cur;
  gsize cur_pos;
  GBytes *lent; /* lent to the reader until its next read or lend */
  gboolean eof;
  gboolean abandoned; /* the reader stopped: the producer discards */
  GError *error;
};

FkBytePipe *
fk_byte_pipe_new(gsize cap)
{
  FkBytePipe *p = g_new0(FkBytePipe, 1);
  p->refs = 1;
  p->cap = cap;
  g_mutex_init(&p->lock);
  g_cond_init(&p->cond);
  g_queue_init(&p->chunks);
  return p;
}

FkBytePipe *
fk_byte_pipe_ref(FkBytePipe *p)
{
  g_mutex_lock(&p->lock);
  p->refs++;
  g_mutex_unlock(&p->lock);
  return p;
}

void
fk_byte_pipe_unref(gpointer data)
{
  FkBytePipe *p = data;
  /* Either side letting go wakes the other: a producer waiting for room
   * learns that the reader has gone. The side that drops the last
   * reference is the last to touch P. */
  g_mutex_lock(&p->lock);
  p->abandoned = TRUE;
  g_cond_broadcast(&p->cond);
  gboolean last = --p->refs == 0;
  g_mutex_unlock(&p->lock);
  if (!last)
    return;
  g_queue_clear_full(&p->chunks, (GDestroyNotify)g_bytes_unref);
  if (p->cur)
    g_bytes_unref(p->cur);
  if (p->lent)
    g_bytes_unref(p->lent);
  g_clear_error(&p->error);
  g_mutex_clear(&p->lock);
  g_cond_clear(&p->cond);
  g_free(p);
}

/* Waits for bytes: TRUE when p->cur holds some, FALSE at the end (with
 * *RESULT 0) or on an error (-1). Called with the lock held. */
static gboolean
pipe_wait(FkBytePipe *p, gssize *result, GError **error)
{
  g_clear_pointer(&p->lent, g_bytes_unref);
  for (;;) {
    if (p->cur != NULL)
      return TRUE;
    if (!g_queue_is_empty(&p->chunks)) {
      p->cur = g_queue_pop_head(&p->chunks);
      p->cur_pos = 0;
      p->queued -= g_bytes_get_size(p->cur);
      g_cond_broadcast(&p->cond);
      continue;
    }
    if (p->error != NULL) {
      g_set_error_literal(error, p->error->domain, p->error->code, p->error->message);
      *result = -1;
      return FALSE;
    }
    if (p->eof) {
      *result = 0;
      return FALSE;
    }
    g_cond_wait(&p->cond, &p->lock);
  }
}

/* Lends the next chunk as it is: the blocks are the writer's (an FkBlocks
 * pool's), so the reader may write to them. */
gssize
fk_byte_pipe_lend(gpointer data, guint8 **out, GError **error)
{
  FkBytePipe *p = data;
  gssize n = 0;
  g_mutex_lock(&p->lock);
  if (pipe_wait(p, &n, error)) {
    gsize size;
    guint8 *d = (guint8 *)g_bytes_get_data(p->cur, &size);
    *out = d + p->cur_pos;
    n = (gssize)(size - p->cur_pos);
    p->lent = g_steal_pointer(&p->cur);
  }
  g_mutex_unlock(&p->lock);
  return n;
}

gssize
fk_byte_pipe_read(gpointer data, void *buf, gsize len, GError **error)
{
  FkBytePipe *p = data;
  gssize n = 0;
  g_mutex_lock(&p->lock);
  if (pipe_wait(p, &n, error)) {
    gsize size;
    const guint8 *d = g_bytes_get_data(p->cur, &size);
    n = (gssize)MIN(len, size - p->cur_pos);
    memcpy(buf, d + p->cur_pos, (gsize)n);
    p->cur_pos += (gsize)n;
    if (p->cur_pos == size)
      g_clear_pointer(&p->cur, g_bytes_unref);
  }
  g_mutex_unlock(&p->lock);
  return n;
}

gboolean
fk_byte_pipe_write(FkBytePipe *p, GBytes *bytes)
{
  g_mutex_lock(&p->lock);
  while (p->queued >= p->cap && !p->abandoned)
    g_cond_wait(&p->cond, &p->lock);
  gboolean ok = !p->abandoned;
  if (ok) {
    p->queued += g_bytes_get_size(bytes);
    g_queue_push_tail(&p->chunks, bytes);
    g_cond_broadcast(&p->cond);
  } else {
    g_bytes_unref(bytes);
  }
  g_mutex_unlock(&p->lock);
  return ok;
}

void
fk_byte_pipe_close(FkBytePipe *p, GError *error)
{
  g_mutex_lock(&p->lock);
  p->eof = TRUE;
  p->error = error;
  g_cond_broadcast(&p->cond);
  g_mutex_unlock(&p->lock);
}
