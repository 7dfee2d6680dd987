/* writers.c -- the table of writers, lookup by name or by extension. */
#include "writer.h"

#include <string.h>

G_DEFINE_QUARK(fk-render-error-quark, fk_render_error)

static const FkWriter *const writers[] = {
    &fk_writer_folded,
    &fk_writer_json,
    &fk_writer_d3,
    &fk_writer_speedscope,
    &fk_writer_csv,
    NULL,
};

void
fk_render_options_init(FkRenderOptions *opts)
{
  memset(opts, 0, sizeof *opts);
  opts->title = "Flame Graph";
  opts->countname = "samples";
  opts->top_functions = 20;
}

const FkWriter *const *
fk_writers(void)
{
  return writers;
}

const FkWriter *
fk_writer_lookup(const char *name)
{
  for (const FkWriter *const *w = writers; *w; w++)
    if (strcmp((*w)->name, name) == 0)
      return *w;
  return NULL;
}

const FkWriter *
fk_writer_for_path(const char *path)
{
  const FkWriter *best = NULL;
  gsize best_len = 0, plen = strlen(path);
  for (const FkWriter *const *w = writers; *w; w++) {
    gsize el = strlen((*w)->extension);
    if (el > best_len && el <= plen && g_ascii_strcasecmp(path + plen - el, (*w)->extension) == 0) {
      best = *w;
      best_len = el;
    }
  }
  return best;
}
