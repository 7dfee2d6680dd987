/* cmd.h -- what the subcommands share: messages, exit codes, reading inputs.
 *
 * To add a command: write cmd/NAME.c with `int cmd_NAME(int argc, char **argv)`,
 * declare it here, add a row to the table in cmd/main.c, and write
 * docs/flamekit-NAME.md (its SYNOPSIS must match `flamekit NAME --help`; a
 * test checks). Only cmd/ prints, parses options or decides exit codes. */
#pragma once

#include "../analyze/collect.h"
#include "../formats/reader.h"
#include "../render/writer.h"

enum {
  FK_EXIT_OK = 0,
  FK_EXIT_FAILURE = 1, /* bad input, I/O */
  FK_EXIT_USAGE = 2,
  FK_EXIT_REGRESSION = 3, /* `diff` found a regression */
};

typedef struct {
  const char *name;
  int (*run)(int argc, char **argv);
  const char *summary;
} FkCommand;

int cmd_fold(int argc, char **argv);

/* The running command's name, for messages. */
extern const char *fk_cmd_name;

/* Prints "flamekit: CMD: MESSAGE" to stderr. */
void fk_cmd_error(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
/* Prints a usage error and the hint to --help; returns FK_EXIT_USAGE. */
int fk_cmd_usage(const char *fmt, ...) G_GNUC_PRINTF(1, 2);

/* Parses ARGV with CONTEXT; prints usage errors. Returns FK_EXIT_OK or the exit
 * code to return. */
int fk_cmd_parse(GOptionContext *context, int *argc, char ***argv);

/* Options every command that reads inputs takes. */
typedef struct {
  char *format;      /* --format: force a reader */
  gboolean strict;   /* --strict */
  gint64 max_line;   /* --max-line-bytes */
  gint64 max_depth;  /* --max-stack-depth */
  char *weight;      /* --weight samples|period */
  /* perf-data: --symfs, --debug-dir, --kallsyms, --no-inline, --srcline,
   * --no-demangle, --demangle-params bind straight into this; the readers
   * get a pointer to it (FkReadOptions.symbolize). */
  FkSymbolizeOptions symbolize;
  gboolean dso_only;   /* --dso-only */
  gint64 max_buffer;   /* --max-buffer-bytes */
} FkInputOptions;

void fk_input_options_init(FkInputOptions *opts);
void fk_input_options_clear(FkInputOptions *opts);
/* Adds the input options, bound to OPTS, to CONTEXT's main group. */
void fk_input_options_add(GOptionContext *context, FkInputOptions *opts);
/* Validates the values after parsing; prints and returns FK_EXIT_USAGE when wrong. */
int fk_input_options_check(const FkInputOptions *opts);

/* Fills ROPTS from OPTS; the caller sets ROPTS->strings and ->diag. */
void fk_input_options_to_read(const FkInputOptions *opts, FkReadOptions *ropts);

/* Reads every input (paths; "-" or none means stdin) into COLLECTOR, reporting
 * what was skipped into DIAG. Returns FALSE when some input failed to be read
 * (each failure already printed); the others are still read. */
gboolean fk_cmd_read_inputs(char **paths, const FkInputOptions *opts, FkCollector *collector,
                            FkDiag *diag);

/* Prints DIAG's messages and totals. Returns FK_EXIT_FAILURE when something was
 * skipped under --strict, else FK_EXIT_OK. */
int fk_cmd_report_diag(FkDiag *diag, const FkInputOptions *opts);

/* Writes TREE with WRITER (NULL: chosen by PATH's extension, else folded) to
 * PATH ("-" or NULL: stdout), through a temporary file. */
gboolean fk_cmd_write(const FkTree *tree, const FkWriter *writer, const FkRenderOptions *ropts,
                      const char *path);
