/* handover.c -- batches from one producer thread to one consumer (see the
 * header). One mutex and two conditions: batches are big (hundreds of
 * samples), so a handover costs one lock per batch, not per sample. */
#include "handover.h"

struct PdHandover {
  GMutex lock;
  GCond not_full, not_empty;
  GQueue full;      /* waiting batches, oldest first */
  GPtrArray *empty; /* given back, for reuse */
  guint depth, first_depth, max_waiting;
  guint popped; /* by the consumer: FIRST_DEPTH applies while it is <= 1 */
  gboolean finished, stopped;
};

PdHandover *
pd_handover_new(guint depth, guint first_depth)
{
  PdHandover *self = g_new0(PdHandover, 1);
  g_mutex_init(&self->lock);
  g_cond_init(&self->not_full);
  g_cond_init(&self->not_empty);
  g_queue_init(&self->full);
  self->empty = g_ptr_array_new();
  self->depth = MAX(depth, 1);
  self->first_depth = MAX(first_depth, self->depth);
  return self;
}

void
pd_handover_free(PdHandover *self, GDestroyNotify free_batch)
{
  if (self == NULL)
    return;
  gpointer b;
  while ((b = g_queue_pop_head(&self->full)) != NULL)
    if (free_batch != NULL)
      free_batch(b);
  for (guint i = 0; i < self->empty->len; i++)
    if (free_batch != NULL)
      free_batch(g_ptr_array_index(self->empty, i));
  g_ptr_array_free(self->empty, TRUE);
  g_cond_clear(&self->not_full);
  g_cond_clear(&self->not_empty);
  g_mutex_clear(&self->lock);
  g_free(self);
}

gboolean
pd_handover_push(PdHandover *self, gpointer batch)
{
  g_mutex_lock(&self->lock);
  while (!self->stopped &&
         self->full.length >= (self->popped <= 1 ? self->first_depth : self->depth))
    g_cond_wait(&self->not_full, &self->lock);
  gboolean ok = !self->stopped;
  if (ok) {
    g_queue_push_tail(&self->full, batch);
    self->max_waiting = MAX(self->max_waiting, self->full.length);
    g_cond_signal(&self->not_empty);
  }
  g_mutex_unlock(&self->lock);
  return ok;
}

void
pd_handover_finish(PdHandover *self)
{
  g_mutex_lock(&self->lock);
  self->finished = TRUE;
  g_cond_signal(&self->not_empty);
  g_mutex_unlock(&self->lock);
}

gpointer
pd_handover_take_empty(PdHandover *self)
{
  g_mutex_lock(&self->lock);
  gpointer b =
      self->empty->len > 0 ? g_ptr_array_steal_index_fast(self->empty, self->empty->len - 1) : NULL;
  g_mutex_unlock(&self->lock);
  return b;
}

gpointer
pd_handover_pop(PdHandover *self)
{
  g_mutex_lock(&self->lock);
  while (self->full.length == 0 && !self->finished)
    g_cond_wait(&self->not_empty, &self->lock);
  gpointer b = g_queue_pop_head(&self->full);
  if (b != NULL) {
    self->popped++;
    g_cond_signal(&self->not_full);
  }
  g_mutex_unlock(&self->lock);
  return b;
}

gboolean
pd_handover_give_back(PdHandover *self, gpointer batch)
{
  g_mutex_lock(&self->lock);
  gboolean keep = self->empty->len < self->depth;
  if (keep)
    g_ptr_array_add(self->empty, batch);
  g_mutex_unlock(&self->lock);
  return keep;
}

void
pd_handover_stop(PdHandover *self)
{
  g_mutex_lock(&self->lock);
  self->stopped = TRUE;
  g_cond_broadcast(&self->not_full);
  g_mutex_unlock(&self->lock);
}

guint
pd_handover_max_waiting(const PdHandover *self)
{
  return self->max_waiting;
}
