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
};

FkDiag *
fk_diag_new(guint max_shown)
{
  FkDiag *self = g_new0(FkDiag, 1);
  g_mutex_init(&self->lock);
  self->max_shown = max_shown;
  self->messages = g_ptr_array_new_with_free_func(g_free);
  return self;
}

void
fk_diag_free(FkDiag *self)
{
  if (self == NULL)
    return;
  g_mutex_clear(&self->lock);
  g_ptr_array_free(self->messages, TRUE);
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
    g_ptr_array_add(self->messages, g_strdup_printf("%s: %s", where, what));
    self->shown_skips++;
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
  g_ptr_array_add(self->messages, g_strdup_printf("%s: %s", where, what));
  g_mutex_unlock(&self->lock);
}

void
fk_diag_note_deep(FkDiag *self, const char *where, guint64 count, gsize max_depth)
{
  if (count > 0)
    fk_diag_note(self, where,
                 "%" G_GUINT64_FORMAT " stacks deeper than %" G_GSIZE_FORMAT
                 " frames were cut to their root-side frames (weight kept)",
                 count, max_depth ? max_depth : 65536);
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
