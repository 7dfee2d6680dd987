/* diag.c -- a mutex-guarded list of messages and counters. */
#include "diag.h"

#include <stdarg.h>

struct FkDiag {
  GMutex lock;
  guint max_shown;
  guint shown_skips;
  guint64 skipped;
  guint64 unshown;
  double weight;
  GPtrArray *messages;
  GArray *is_skip;    /* gboolean per message: a skip report (else a note) */
  GPtrArray *origins; /* FkPartialOrigin*: partials read, in report order */
};

FkDiag *
fk_diag_new(guint max_shown)
{
  FkDiag *self = g_new0(FkDiag, 1);
  g_mutex_init(&self->lock);
  self->max_shown = max_shown;
  self->messages = g_ptr_array_new_with_free_func(g_free);
  self->is_skip = g_array_new(FALSE, FALSE, sizeof(gboolean));
  self->origins = g_ptr_array_new_with_free_func((GDestroyNotify)fk_partial_origin_free);
  return self;
}

FkDiag *
fk_diag_new_like(FkDiag *other)
{
  return fk_diag_new(other->max_shown);
}

/* Appends MESSAGE (taken) as a skip or a note; called with the lock held. */
static void
add_message(FkDiag *self, char *message, gboolean skip)
{
  if (skip && self->shown_skips >= self->max_shown) {
    self->unshown++;
    g_free(message);
    return;
  }
  if (skip)
    self->shown_skips++;
  g_ptr_array_add(self->messages, message);
  g_array_append_val(self->is_skip, skip);
}

void
fk_diag_move(FkDiag *self, FkDiag *from)
{
  g_mutex_lock(&from->lock);
  g_mutex_lock(&self->lock);
  for (guint i = 0; i < from->messages->len; i++) {
    char *m = g_ptr_array_index(from->messages, i);
    from->messages->pdata[i] = NULL; /* taken */
    add_message(self, m, g_array_index(from->is_skip, gboolean, i));
  }
  g_ptr_array_set_size(from->messages, 0);
  g_array_set_size(from->is_skip, 0);
  for (guint i = 0; i < from->origins->len; i++)
    g_ptr_array_add(self->origins, g_steal_pointer(&from->origins->pdata[i]));
  g_ptr_array_set_size(from->origins, 0);
  self->skipped += from->skipped;
  self->unshown += from->unshown;
  self->weight += from->weight;
  from->skipped = from->unshown = 0;
  from->shown_skips = 0;
  from->weight = 0;
  g_mutex_unlock(&self->lock);
  g_mutex_unlock(&from->lock);
}

void
fk_diag_free(FkDiag *self)
{
  if (self == NULL)
    return;
  g_mutex_clear(&self->lock);
  g_ptr_array_free(self->messages, TRUE);
  g_array_free(self->is_skip, TRUE);
  g_ptr_array_free(self->origins, TRUE);
  g_free(self);
}

void
fk_diag_skip(FkDiag *self, const char *where, const FkWeight *w, const char *fmt, ...)
{
  g_mutex_lock(&self->lock);
  self->skipped++;
  if (w != NULL)
    self->weight += (double)w->v[w->columns > 1 ? 1 : 0] / (double)fk_pow10(w->decimals);
  if (self->shown_skips < self->max_shown) {
    va_list ap;
    va_start(ap, fmt);
    g_autofree char *what = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    add_message(self, g_strdup_printf("%s: %s", where, what), TRUE);
  } else {
    self->unshown++;
  }
  g_mutex_unlock(&self->lock);
}

void
fk_diag_note(FkDiag *self, const char *where, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  g_autofree char *what = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  g_mutex_lock(&self->lock);
  add_message(self, g_strdup_printf("%s: %s", where, what), FALSE);
  g_mutex_unlock(&self->lock);
}

void
fk_diag_note_deep(FkDiag *self, const char *where, guint64 count, gsize max_depth)
{
  if (count > 0)
    fk_diag_note(self, where,
                 "%" G_GUINT64_FORMAT " stacks deeper than %" G_GSIZE_FORMAT
                 " frames were cut to their root-side frames (weight kept)",
                 count, max_depth);
}

void
fk_diag_replay(FkDiag *self, const char *message, gboolean skip)
{
  g_mutex_lock(&self->lock);
  if (skip)
    self->skipped++;
  add_message(self, g_strdup(message), skip);
  g_mutex_unlock(&self->lock);
}

void
fk_diag_add_skips(FkDiag *self, guint64 count, double weight)
{
  g_mutex_lock(&self->lock);
  self->skipped += count;
  self->unshown += count;
  self->weight += weight;
  g_mutex_unlock(&self->lock);
}

void
fk_diag_add_origin(FkDiag *self, FkPartialOrigin *origin)
{
  g_mutex_lock(&self->lock);
  g_ptr_array_add(self->origins, origin);
  g_mutex_unlock(&self->lock);
}

GPtrArray *
fk_diag_origins(FkDiag *self)
{
  return self->origins;
}

gboolean
fk_diag_message_is_skip(FkDiag *self, guint i)
{
  return g_array_index(self->is_skip, gboolean, i);
}

guint64
fk_diag_skipped(FkDiag *self)
{
  g_mutex_lock(&self->lock);
  guint64 n = self->skipped;
  g_mutex_unlock(&self->lock);
  return n;
}

double
fk_diag_skipped_weight(FkDiag *self)
{
  g_mutex_lock(&self->lock);
  double w = self->weight;
  g_mutex_unlock(&self->lock);
  return w;
}

GPtrArray *
fk_diag_messages(FkDiag *self)
{
  return self->messages;
}

guint64
fk_diag_unshown(FkDiag *self)
{
  return self->unshown;
}
