/* writer.h -- the writer interface: one vtable per output format.
 *
 * To add a writer: write render/NAME.c defining `const FkWriter fk_writer_NAME`,
 * declare it below and add it to the table in render/writers.c. A writer only
 * reads a finished tree; it never changes it. */
#pragma once

#include "../analyze/stacktree.h"
#include "../analyze/verdict.h"
#include "summary.h"

#include <stdio.h>

#define FK_RENDER_ERROR (fk_render_error_quark())
GQuark fk_render_error_quark(void);
typedef enum {
  FK_RENDER_ERROR_IO,
  FK_RENDER_ERROR_UNSUPPORTED, /* this writer cannot draw this tree */
} FkRenderError;

/* Everything a writer may be told. Writers ignore what does not concern them. */
typedef struct {
  const char *title;
  const char *countname; /* the unit; NULL: the summary's weight_unit, else "samples" */
  /* json, csv, speedscope and diff's outputs: */
  const FkRunSummary *summary; /* inputs of the run, or NULL */
  guint top_functions;         /* json: rows of the top-functions list (default 20) */
  gboolean negate;             /* differential graphs: swap the hues */
  gboolean normalized;         /* differential: BEFORE was scaled to AFTER's total (diff -n) */
  /* diff over repeated runs: json and csv write the verdicts, svg
   * colours only the functions whose self weight changed significantly. */
  const FkVerdicts *verdicts;
  /* folded: lines written before the stacks (a partial's header, `fold
   * --partial`; formats/partial.h); NULL: none. */
  const char *folded_header;
  /* folded: threads it may write with (the cut of render/pieces.h; the
   * output is the same for every number); 0: one a core. */
  guint jobs;
  /* svg (render/svg.c); the names of flamegraph.pl's options. */
  const char *subtitle;     /* NULL: none */
  double width;             /* image width in px; 0: fluid (laid out at 1200, follows the window) */
  guint frame_height;       /* 16 */
  double min_width;         /* 0.1: frames narrower are not drawn (counted in the title) */
  gboolean min_width_pct;   /* min_width is a percentage of the total, not pixels */
  const char *font_type;    /* "Verdana" */
  double font_size;         /* 12 */
  double font_width;        /* 0.59: average glyph width / font size, to fit labels */
  const char *name_type;    /* "Function:" */
  const char *palette;      /* "hot"; see fk_svg_palettes */
  const char *bgcolors;     /* NULL: by palette; yellow, blue, green, grey or #rrggbb */
  gboolean hash;            /* colours from flamegraph.pl's name hash */
  gboolean deterministic;   /* colours from a full hash of the name: same across files */
  GHashTable *palette_map;  /* name -> "rgb(r,g,b)"; looked up and ADDED TO; NULL: none */
  gboolean inverted;        /* icicle: root at the top */
  gboolean flamechart;      /* frames in the tree's insertion order */
  const char *notes;        /* put in an XML comment */
  GHashTable *name_attrs;   /* name -> NULL-terminated strv "key=value" of a g/a */
  double total;             /* > the tree's total: widths and percentages against it */
  double factor;            /* 1: counts shown are multiplied by it */
  gboolean color_diffusion; /* colour by width: wider is redder */
  const char *ui_color;     /* text colour, "#000000" */
  const char *search_color; /* "rgb(230,0,230)" */
  const char *stroke_color; /* NULL: none */
  gboolean truncate_right;  /* "..." on the right of cut labels instead of the left */
  FkOrder order;            /* siblings: FK_ORDER_NAME; WIDTH; INSERTION (flame charts) */
} FkRenderOptions;

/* Sets the defaults. */
void fk_render_options_init(FkRenderOptions *opts);
/* The unit weights are shown in: --countname, else what the run read
 * (FkRunSummary.weight_unit), else "samples". Every writer names it so. */
const char *fk_render_unit(const FkRenderOptions *opts);

typedef struct {
  const char *name;      /* as --output-format takes it */
  const char *extension; /* with the dot: ".folded"; longest match wins */
  const char *summary;
  gboolean (*write)(const FkTree *tree, const FkRenderOptions *opts, FILE *out, GError **error);
} FkWriter;

extern const FkWriter fk_writer_folded;
extern const FkWriter fk_writer_json;
extern const FkWriter fk_writer_d3;
extern const FkWriter fk_writer_speedscope;
extern const FkWriter fk_writer_csv;
extern const FkWriter fk_writer_svg;

const FkWriter *const *fk_writers(void);
const FkWriter *fk_writer_lookup(const char *name);
/* The writer whose extension ends PATH (longest match), or NULL. */
const FkWriter *fk_writer_for_path(const char *path);

/* An output: a regular file (or a symlink to one, or a new name) is written to
 * a temporary file beside it and renamed into place on commit, so readers never
 * see half a file, keeping its mode and links; a device, FIFO or socket is
 * written in place and never replaced; /dev/stdout and /dev/fd/N write to that
 * descriptor; "-" is stdout. Fails (FK_RENDER_ERROR_IO, "PATH: why") for a
 * directory or a file the user could not write. */
typedef struct FkOutput FkOutput;
FkOutput *fk_output_open(const char *path, GError **error);
/* Unlinks the temporary files of outputs still open. Async-signal-safe: for
 * the handler of SIGINT and the like, so an interrupted write leaves nothing. */
void fk_output_remove_pending(void);
FILE *fk_output_file(FkOutput *self);
/* Flushes, checks for write errors, renames into place, frees SELF. */
gboolean fk_output_commit(FkOutput *self, GError **error);
/* Removes the temporary file and frees SELF. NULL is fine. */
void fk_output_abort(FkOutput *self);
