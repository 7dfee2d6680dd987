/* symbolize.c -- PLACEHOLDER until the real symbolizer lands: every address
 * becomes its dso's basename in brackets, or [unknown]. */
#include "symbolize.h"

#include <string.h>

struct FkSymbolizer {
  FkSymbolizeOptions opts;
};

void
fk_symbolize_options_init(FkSymbolizeOptions *opts)
{
  memset(opts, 0, sizeof *opts);
  opts->inline_frames = TRUE;
  opts->demangle = TRUE;
}

FkSymbolizer *
fk_symbolizer_new(const FkSymbolizeOptions *opts)
{
  FkSymbolizer *self = g_new0(FkSymbolizer, 1);
  self->opts = *opts;
  return self;
}

void
fk_symbolizer_free(FkSymbolizer *self)
{
  g_free(self);
}

void
fk_symbolizer_add_file(FkSymbolizer *self, const char *path, GBytes *data)
{
  (void)self;
  (void)path;
  (void)data;
}

void
fk_symbolizer_lookup(FkSymbolizer *self, const FkMapping *map, guint64 ip, gboolean kernel,
                     GPtrArray *out)
{
  (void)ip;
  (void)kernel;
  char buf[256];
  if (map == NULL || map->path == NULL)
    g_strlcpy(buf, "[unknown]", sizeof buf);
  else
    g_snprintf(buf, sizeof buf, "[%s]", strrchr(map->path, '/') ? strrchr(map->path, '/') + 1 : map->path);
  g_ptr_array_add(out, (gpointer)fk_interner_intern0(self->opts.strings, buf));
}
