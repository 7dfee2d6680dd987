/* partial.h -- the header of a partial result (`flamekit fold --partial`).
 *
 * A partial is a folded file whose first lines say what a merge needs to give
 * what one run over all the inputs gives: the unit and event of the weights,
 * the command-line inputs and per-input facts of the run that made it, and
 * what that run skipped (its shown messages, notes and totals). The lines are
 * `# flamekit-KIND key=value ...` comments: inferno ignores `# ` lines,
 * flamegraph.pl ignores any line not ending in a count (with one warning),
 * and flamekit before partials ignored every `#` line. No line ends in a
 * space and digits, so no peer mistakes one for a stack. Values are
 * percent-encoded (`%`, space, controls, bytes that are not UTF-8), so they
 * come back byte for byte. docs/formats/folded.md describes the lines.
 *
 * This module writes the header and parses it; formats/folded.c reads it
 * through FkPartialReader, which replays the skips into the run's FkDiag
 * and hands each partial's origin (FkPartialOrigin) to the diag, so that
 * cmd/ can name the original inputs in input order for every -j. */
#pragma once

#include <glib.h>

typedef struct FkDiag FkDiag;

#define FK_PARTIAL_VERSION 1

/* What one input of the run that made the partial held (cmd/'s
 * FkInputFacts, carried). Strings owned by the array's clear func. */
typedef struct {
  char *name;         /* the input's name: path, or ARCHIVE:MEMBER */
  char *path;         /* the file on disk (the archive for a member) */
  char *reader;       /* or NULL */
  char *host, *event; /* of its first sample, or NULL */
  gboolean hosts_differ, events_differ, period, counts;
  guint64 samples;
  gint64 total; /* the last weight column, scaled by 10^decimals */
  guint decimals;
} FkPartialInput;

/* One partial met while reading: where, and what it carried. */
typedef struct {
  char *name;      /* the input the header was read from */
  GPtrArray *args; /* char*: the command-line inputs of the run that made it */
  GArray *inputs;  /* FkPartialInput, in that run's input order */
} FkPartialOrigin;

/* An array for FkPartialInput elements, clearing their strings. */
GArray *fk_partial_inputs_new(void);
void fk_partial_origin_free(FkPartialOrigin *self);

/* What a header says, for fk_partial_header_append. */
typedef struct {
  const char *unit;  /* "samples", "nanoseconds", ... */
  const char *event; /* the one event of every weight, or NULL */
  char **args;       /* the command-line inputs */
  const FkPartialInput *inputs;
  gsize n_inputs;
  FkDiag *diag; /* what was skipped: its messages, notes and totals */
} FkPartialHeader;

/* Appends the header lines of H to OUT. */
void fk_partial_header_append(GString *out, const FkPartialHeader *h);

/* TRUE when HEAD (the first bytes of an input) starts a partial. */
gboolean fk_partial_starts(const guint8 *head, gsize len);

/* Reads the header lines of one input (several partials concatenated
 * with `cat` are several headers in one input; each applies to the stacks
 * after it). */
typedef struct FkPartialReader FkPartialReader;
/* NAME: the input's name, which origins and messages carry. */
FkPartialReader *fk_partial_reader_new(const char *name, FkDiag *diag);
/* Gives the diag the last origin; frees SELF. */
void fk_partial_reader_free(FkPartialReader *self);
/* Takes one comment line (starting with '#'). Returns FALSE when it is no
 * partial line (an ordinary comment). A partial line that cannot be parsed
 * is skipped and reported at WHERE. */
gboolean fk_partial_reader_line(FkPartialReader *self, const char *line, gsize len,
                                const char *where);
/* Inside a partial: the unit of its weights (NULL: not in a partial) and
 * its one event (or NULL). */
const char *fk_partial_reader_unit(const FkPartialReader *self);
const char *fk_partial_reader_event(const FkPartialReader *self);
