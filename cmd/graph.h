/* graph.h -- `flamekit graph`'s options and its read-transform-draw path,
 * shared with the commands that end in a graph (`record`) so that they take
 * every graph option and draw the same way. */
#pragma once

#include "cmd.h"

typedef struct {
  char *output, *output_format;
  char *title, *subtitle, *fonttype, *countname, *nametype, *colors, *bgcolors;
  char *notes, *nameattr, *palette_file, *total, *uicolor, *search_color, *stroke_color, *sort;
  double width, fontsize, fontwidth, factor;
  gint height;
  gboolean hash, deterministic, cp, inverted, flamechart, negate, colordiffusion;
  gboolean truncate_right;
  char **outputs; /* every -o; output is the first */
} FkGraphOptions;

/* Everything one graph run is parsed into. */
typedef struct {
  FkInputOptions iopts;
  FkTransformOptions topts;
  FkGraphOptions g;
  FkRenderOptions ropts;
  FkCollectOptions copts;
  const FkWriter *writer;
} FkGraph;

void fk_graph_init(FkGraph *graph);
void fk_graph_clear(FkGraph *graph);
/* Adds graph's own options, then the input and transform options, bound to
 * GRAPH, to CONTEXT's main group. */
void fk_graph_add_options(FkGraph *graph, GOptionContext *context);
/* Validates everything after fk_cmd_parse (a caller may set defaults in
 * between, as record does for -o). Prints and returns FK_EXIT_USAGE when
 * wrong, else FK_EXIT_OK. */
int fk_graph_check(FkGraph *graph);
/* Reads PATHS (NULL-terminated; empty: standard input), transforms, and
 * writes every output. COMMAND names the run in the outputs' summaries.
 * Returns the exit code; every failure already printed. */
int fk_graph_run(FkGraph *graph, char **paths, const char *command);
