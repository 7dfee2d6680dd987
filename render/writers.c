/* writers.c -- the table of writers, lookup by name or by extension. */
#include "writer.h"

#include <string.h>

/* clang-format off: it would space the dashes of the quark name */
G_DEFINE_QUARK(fk - render - error - quark, fk_render_error)
/* clang-format on */

static const FkWriter *const writers[] = {
    &fk_writer_folded, &fk_writer_json, &fk_writer_d3, &fk_writer_speedscope,
    &fk_writer_csv,    &fk_writer_svg,  NULL,
};

void
fk_render_options_init(FkRenderOptions *opts)
{
  memset(opts, 0, sizeof *opts);
  opts->title = "Flame Graph";
  opts->top_functions = 20;
  opts->frame_height = 16;
  opts->min_width = 0.1;
  opts->font_type = "Verdana";
  opts->font_size = 12;
  opts->font_width = 0.59;
  opts->name_type = "Function:";
  opts->palette = "hot";
  opts->factor = 1.0;
  opts->ui_color = "#000000";
  opts->search_color = "rgb(230,0,230)";
  opts->order = FK_ORDER_NAME;
  opts->jobs = 1;
}

const char *
fk_render_unit(const FkRenderOptions *opts)
{
  if (opts->countname != NULL)
    return opts->countname;
  if (opts->summary != NULL && opts->summary->weight_unit != NULL)
    return opts->summary->weight_unit;
  return "samples";
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
