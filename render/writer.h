/* writer.h -- the writer interface: one vtable per output format.
 *
 * To add a writer: write render/NAME.c defining `const FkWriter fk_writer_NAME`,
 * declare it below and add it to the table in render/writers.c. A writer only
 * reads a finished tree; it never changes it. */
#pragma once

#include "../analyze/stacktree.h"
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
  const char *countname; /* "samples" */
  /* issue 5 (json, csv, speedscope, diff): */
  const FkRunSummary *summary; /* inputs of the run, or NULL */
  guint top_functions;         /* json: rows of the top-functions list (default 20) */
  gboolean negate;             /* differential graphs: draw BEFORE's widths */
} FkRenderOptions;

/* Sets the defaults. */
void fk_render_options_init(FkRenderOptions *opts);

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

const FkWriter *const *fk_writers(void);
const FkWriter *fk_writer_lookup(const char *name);
/* The writer whose extension ends PATH (longest match), or NULL. */
const FkWriter *fk_writer_for_path(const char *path);

/* An output file written to a temporary file beside it and renamed into place
 * on commit, so readers never see half a file; "-" is stdout. */
typedef struct FkOutput FkOutput;
FkOutput *fk_output_open(const char *path, GError **error);
FILE *fk_output_file(FkOutput *self);
/* Flushes, checks for write errors, renames into place, frees SELF. */
gboolean fk_output_commit(FkOutput *self, GError **error);
/* Removes the temporary file and frees SELF. NULL is fine. */
void fk_output_abort(FkOutput *self);
