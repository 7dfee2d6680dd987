/* verdict.h -- the regression verdicts of `diff` over repeated runs, as a
 * text table (stdout) and as the verdict JSON document (schema:
 * docs/flamekit-verdict.schema.json). The CSV table is csv.c's, the graph
 * svg.c's: both read FkRenderOptions.verdicts. */
#pragma once

#include "../analyze/verdict.h"
#include "writer.h"

#define FK_VERDICT_FORMAT_VERSION 1

/* The table, most significant first: one line per tested measure (self or
 * inclusive weight) of a function, after a header saying what was compared
 * and how. */
gboolean fk_verdicts_write_text(const FkVerdicts *v, const FkRenderOptions *opts, FILE *out,
                                GError **error);
/* The JSON document: every function an object with its name and verdict. */
gboolean fk_verdicts_write_json(const FkVerdicts *v, const FkRenderOptions *opts, FILE *out,
                                GError **error);

/* The interval of a measure as text: "[+13.10%, +16.90%]", "-" when none. */
char *fk_verdict_interval(const FkMeasure *m);
