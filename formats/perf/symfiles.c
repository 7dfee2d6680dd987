/* symfiles.c -- symbol files met among a run's inputs. */
#include "symfiles.h"

struct FkSymbolFiles {
  GMutex lock;
  GPtrArray *paths; /* char* */
  GPtrArray *data;  /* GBytes* */
};

FkSymbolFiles *
fk_symbol_files_new(void)
{
  FkSymbolFiles *self = g_new0(FkSymbolFiles, 1);
  g_mutex_init(&self->lock);
  self->paths = g_ptr_array_new_with_free_func(g_free);
  self->data = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
  return self;
}

void
fk_symbol_files_free(FkSymbolFiles *self)
{
  if (self == NULL)
    return;
  g_ptr_array_unref(self->paths);
  g_ptr_array_unref(self->data);
  g_mutex_clear(&self->lock);
  g_free(self);
}

void
fk_symbol_files_add(FkSymbolFiles *self, const char *path, GBytes *data)
{
  g_mutex_lock(&self->lock);
  g_ptr_array_add(self->paths, g_strdup(path));
  g_ptr_array_add(self->data, g_bytes_ref(data));
  g_mutex_unlock(&self->lock);
}

void
fk_symbol_files_side_file(const char *archive, const char *member, GBytes *data,
                          const char *link_target, gpointer user_data)
{
  (void)archive;
  (void)link_target;
  if (data != NULL && member != NULL)
    fk_symbol_files_add(user_data, member, data);
}

void
fk_symbol_files_apply(FkSymbolFiles *self, FkSymbolizer *sym)
{
  g_mutex_lock(&self->lock);
  for (guint i = 0; i < self->paths->len; i++)
    fk_symbolizer_add_file(sym, g_ptr_array_index(self->paths, i),
                           g_ptr_array_index(self->data, i));
  g_mutex_unlock(&self->lock);
}

guint
fk_symbol_files_count(FkSymbolFiles *self)
{
  g_mutex_lock(&self->lock);
  guint n = self->paths->len;
  g_mutex_unlock(&self->lock);
  return n;
}
