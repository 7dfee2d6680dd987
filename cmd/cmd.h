/* cmd.h -- what the subcommands share: messages, exit codes, reading inputs.
 *
 * To add a command: write cmd/NAME.c with `int cmd_NAME(int argc, char **argv)`,
 * declare it here, add a row to the table in cmd/main.c, and write
 * docs/flamekit-NAME.md (its SYNOPSIS must match `flamekit NAME --help`; a
 * test checks). Only cmd/ prints, parses options or decides exit codes. */
#pragma once

#include "../analyze/collect.h"
#include "../analyze/plan.h"
#include "../analyze/transform.h"
#include "../formats/container.h"
#include "../formats/perf/options.h"
#include "../formats/pipeline.h"
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
int cmd_info(int argc, char **argv);
int cmd_graph(int argc, char **argv);
int cmd_record(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_completions(int argc, char **argv);

/* The running command's name, for messages. */
extern const char *fk_cmd_name;

/* main.c's command table (set by main; NULL in other binaries). */
extern const FkCommand *fk_cmd_table;
extern gsize fk_cmd_table_len;
/* Set by `completions`: fk_cmd_parse appends its context's whole --help to
 * it and returns FK_EXIT_USAGE without parsing, so that each command's option
 * table can be listed by running the command. */
extern GString *fk_cmd_options_probe;

/* TRUE while a progress line (drawn by cmd/read.c) is on stderr without its newline:
 * the next message clears it first. */
extern gboolean fk_cmd_progress_shown;

/* S with control characters (C0, DEL, C1) and bytes that are not UTF-8 shown
 * as "\\xNN", so that names from inputs cannot drive the terminal. Every
 * message goes through it (fk_cmd_error); `info` prints names through it. */
char *fk_cmd_printable(const char *s);

/* Prints "flamekit: CMD: MESSAGE" to stderr, MESSAGE through fk_cmd_printable. */
void fk_cmd_error(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
/* Prints a usage error and the hint to --help; returns FK_EXIT_USAGE. */
int fk_cmd_usage(const char *fmt, ...) G_GNUC_PRINTF(1, 2);

/* Parses ARGV with CONTEXT; prints usage errors. Returns FK_EXIT_OK or the exit
 * code to return. */
int fk_cmd_parse(GOptionContext *context, int *argc, char ***argv);

/* Options every command that reads inputs takes. */
typedef struct {
  char *format;     /* --format: force a reader */
  gboolean strict;  /* --strict */
  gint64 max_line;  /* --max-line-bytes */
  gint64 max_depth; /* --max-stack-depth */
  char *weight;     /* --weight samples|period */
  /* The container layer and the reading pipeline (formats/pipeline.h). */
  gint jobs;          /* -j: reader threads (0: the number of cores) */
  char *host;         /* --host: label for inputs no other rule names */
  char *host_from;    /* --host-from: regex; group 1 of the input name is the host */
  gboolean quiet;     /* -q: no progress line */
  gint64 max_total;   /* --max-total-bytes: decompressed bytes in all */
  gint64 max_member;  /* --max-member-bytes: bytes per member or file */
  gint max_nesting;   /* --max-nesting: archives inside archives */
  gint64 max_members; /* --max-members: members and files in all */
  gint64 max_ratio;   /* --max-ratio: expansion of an archive (0: no limit) */
  /* Symbol files of `perf archive` tarballs met among the inputs (members
   * under .build-id/, [kernel.kallsyms]/, ...): set by a command that
   * symbolizes, e.g. to fk_symbolizer_add_file; NULL: they are noted. */
  FkSideFileFunc side_file;
  gpointer side_file_data;
  gboolean pid;           /* --pid */
  gboolean tid;           /* --tid */
  gboolean kernel;        /* --kernel */
  gboolean jit;           /* --jit */
  gboolean all;           /* --all: --kernel and --jit */
  gboolean addrs;         /* --addrs */
  char *event_filter;     /* --event-filter */
  gboolean includeoffset; /* --includeoffset */
  gboolean strip_offsets; /* set from the transform options: strip while reading */
  /* perf-data: --symfs, --debug-dir, --kallsyms, --no-inline, --srcline,
   * --no-demangle, --demangle-params bind straight into this; the readers
   * get a pointer to it (FkReadOptions.symbolize). */
  FkSymbolizeOptions symbolize;
  gboolean dso_only; /* --dso-only */
  gint64 max_buffer; /* --max-buffer-bytes */
  /* What was read, one FkInputFacts per input (file or member) in input
   * order, appended by fk_cmd_read_inputs (made by fk_input_options_init;
   * NULL: not kept; freed by fk_input_options_clear). Outputs name their units and
   * inputs from it (fk_cmd_weight_unit, fk_cmd_summary_init). */
  GArray *facts;
  /* Long names fk_input_options_add leaves out because the command defines
   * them itself (record: "pid"); NULL: none. Set before adding. */
  const char *const *own_options;
} FkInputOptions;

/* What one input turned out to hold. */
typedef struct {
  char *path;         /* FkInput.path: the file on disk (the archive for a member), "-" */
  char *name;         /* FkInput.name: the path, or ARCHIVE:MEMBER */
  const char *reader; /* the reader's name, or NULL when no reader read it */
  char *host, *event; /* of its first sample, or NULL */
  gboolean hosts_differ, events_differ; /* a later sample had another one */
  gboolean period, counts;              /* some weights were periods / counts of samples */
  guint64 samples;
  gint64 total; /* the last weight column, scaled by 10^decimals */
  guint decimals;
} FkInputFacts;

/* The unit of the weights FACTS describe (FkInputFacts, NULL or empty:
 * nothing read), decided in this one place for every output: "samples"
 * when they are counts; for periods "nanoseconds" when every event is
 * cpu-clock or task-clock (with or without a ":ppp" modifier), "cycles" for
 * cycles, else "events"; "weight" when counts and periods mix. */
const char *fk_cmd_weight_unit(const FkInputFacts *facts, gsize n);
/* An array for FkInputOptions.facts, freeing its elements' strings. */
GArray *fk_input_facts_new(void);
void fk_input_facts_clear(FkInputFacts *facts);
/* TRUE when FACTS came from PATH as the command line gave it: the file
 * itself, an archive's member, or a file under the directory PATH. */
gboolean fk_input_facts_of(const FkInputFacts *facts, const char *path);
/* Adds W (its last column) to FACTS' total, exactly while it fits. */
void fk_input_facts_add(FkInputFacts *facts, const FkWeight *w);

void fk_input_options_init(FkInputOptions *opts);
void fk_input_options_clear(FkInputOptions *opts);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(FkInputOptions, fk_input_options_clear)
/* Adds the input options, bound to OPTS, to CONTEXT's main group. */
void fk_input_options_add(GOptionContext *context, FkInputOptions *opts);
/* Validates the values after parsing; prints and returns FK_EXIT_USAGE when wrong. */
int fk_input_options_check(const FkInputOptions *opts);

/* Fills POPTS (initialized here) from OPTS: the container's limits, the
 * readers' options (the perf-data reader's own in PERF_DATA, which must
 * outlive the run), --format, -j and the host options. The caller sets the
 * sink and the callbacks. cmd/read.c */
void fk_cmd_pipeline_options(const FkInputOptions *opts, FkPipelineOptions *popts,
                             FkPerfDataOptions *perf_data);
/* Parses a size option's value ("1048576", "64K", "2G", "1GiB", "1GB"). */
gboolean fk_input_parse_size(const char *text, gint64 *out);

/* Reads every input (paths, directories, archives; "-" or none means stdin)
 * into COLLECTOR through the reading pipeline (formats/pipeline.h),
 * reporting what was skipped into DIAG. Members are read by
 * opts->jobs threads, each into its own collector, merged into COLLECTOR in
 * input order: the result is the same for every -j. Every sample gets a host
 * (--host-from when it matches, else the dump's, the path rules, --host) and
 * a file label.
 * Returns FALSE when some input failed to be read (each failure already
 * printed, in input order); the others are still read. */
gboolean fk_cmd_read_inputs(char **paths, const FkInputOptions *opts, FkCollector *collector,
                            FkDiag *diag);

/* Says on stderr that standard input is being read, when it is among PATHS
 * (or PATHS is empty) and is a terminal: a command waiting for typed input
 * looks hung otherwise. Not with -q. */
void fk_cmd_stdin_hint(char **paths, const FkInputOptions *opts);

/* Prints DIAG's messages and totals. Returns FK_EXIT_FAILURE when something was
 * skipped under --strict, else FK_EXIT_OK. */
int fk_cmd_report_diag(FkDiag *diag, const FkInputOptions *opts);

/* Writes PATH (`-`: stdout) through FkOutput, a regular file by temporary
 * file and rename, a device in place (docs/outputs.md), with WRITE(out,
 * DATA); prints what failed. fk_cmd_write and report's pages write through it. */
typedef gboolean (*FkCmdWriteFunc)(FILE *out, gconstpointer data, GError **error);
gboolean fk_cmd_write_file(const char *path, FkCmdWriteFunc write, gconstpointer data);
/* Writes TREE with WRITER (NULL: chosen by PATH's extension, else folded) to
 * PATH ("-" or NULL: stdout), through a temporary file. */
gboolean fk_cmd_write(const FkTree *tree, const FkWriter *writer, const FkRenderOptions *ropts,
                      const char *path);

/* The transform and collect options (--skip-after, --include, --exclude,
 * --focus, --hide, --collapse-recursion, --[no-]strip-offsets, --strip-hex,
 * --base, --reverse, --minwidth, --group-by, --time-range), in
 * cmd/transformopts.c; analyze/plan.h fixes the order of the transforms.
 * Every command that reads stacks calls fk_transform_options_add before
 * parsing, fk_transform_options_check after (it fills the collector's options
 * and builds the plan), and fk_transform_options_finish in place of
 * fk_collector_finish. */
typedef struct {
  char **skip_after;
  char **include, **exclude, **focus, **hide; /* repeated: any of them matches */
  gboolean collapse_recursion;
  gboolean strip_offsets; /* default TRUE; --no-strip-offsets */
  gboolean strip_hex;
  char *minwidth;   /* "0.1" pixels or "0.5%" */
  char **group_by;  /* host|file|pid|tid|comm|event */
  char *time_range; /* "FROM,TO" seconds */
  char **base;      /* --base: re-root at the last of these frames */
  gboolean reverse; /* --reverse: leaf first */
  /* Set by the command before check: */
  gboolean writer_prunes; /* graph: --minwidth is the writer's, not a transform */
  double image_width;     /* pixels --minwidth is relative to (default 1200) */
  FkPruneMode prune_mode; /* the default FK_PRUNE_DROP: a folded file invents no self time */
  /* Set by the command before finish: */
  const char *side; /* diff: the side's input, named in the reports; else NULL */
  /* private, filled by check */
  FkPlan *plan;
  gboolean no_strip_offsets;
} FkTransformOptions;

void fk_transform_options_init(FkTransformOptions *opts);
void fk_transform_options_clear(FkTransformOptions *opts);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(FkTransformOptions, fk_transform_options_clear)
/* Adds the options, bound to OPTS, to CONTEXT's main group. */
void fk_transform_options_add(GOptionContext *context, FkTransformOptions *opts);
/* Validates and compiles after parsing and fills COPTS (initialized by the
 * caller; its tree_flags are kept). Prints and returns FK_EXIT_USAGE when wrong. */
int fk_transform_options_check(FkTransformOptions *opts, FkCollectOptions *copts);
/* Finishes COLLECTOR, reports what the collector left out (time range), and
 * applies the transforms in their documented order, each reporting what it
 * dropped. Inputs without samples, or none left after the transforms, are
 * the same failure for every command: printed as "WHERE: no samples ...",
 * *OK set to FALSE, and the (empty) tree still returned so that the outputs
 * say so. NULL after printing an error (and *OK FALSE). */
FkTree *fk_transform_options_finish(const FkTransformOptions *opts, FkCollector *collector,
                                    const char *where, gboolean *ok);
/* Applies the plan to TREE (consumed) and says what each step left out.
 * NULL after printing an error. */
FkTree *fk_transform_options_apply(const FkTransformOptions *opts, FkTree *tree);

/* Writes TREE once per path of OUTPUTS (NULL or empty: stdout), each with the
 * writer FORMAT names (NULL: by the path's extension, else DEFAULT_WRITER), so
 * several -o write several outputs from one read. Returns FALSE when any
 * failed (each failure printed). cmd/outputs.c */
gboolean fk_cmd_write_outputs(const FkTree *tree, char **outputs, const char *format,
                              const FkWriter *default_writer, const FkRenderOptions *ropts);
/* Validates --output-format; prints and returns FK_EXIT_USAGE when unknown. */
int fk_cmd_check_output_format(const char *format);
/* Validates --output-format and, without it, that every path of OUTPUTS
 * has no extension or one a writer owns (`-o report.html` is a usage error
 * that lists the known ones). Prints and returns FK_EXIT_USAGE when wrong. */
int fk_cmd_check_outputs(char **outputs, const char *format);

int cmd_diff(int argc, char **argv);

/* Partial results (cmd/partials.c, formats/partial.h). After reading:
 * the inputs a summary should name, PATHS with each path that held only
 * partials replaced by the command-line inputs of the runs that made them
 * (a path with other inputs too is kept, after them), and IOPTS->facts with
 * each partial's facts replaced by the facts it carried, so that a merge
 * describes its inputs as one run over the original inputs does. NULL when
 * no partial was read (PATHS stands). Only the facts from FIRST_FACT on and
 * the diag's origins from FIRST_ORIGIN on are PATHS' (0, 0 but for `diff`,
 * which reads and expands its two sides one after the other). */
char **fk_cmd_partials_expand(char **paths, FkInputOptions *iopts, FkDiag *diag, guint first_fact,
                              guint first_origin);
/* The header of a partial of this run (`fold --partial`): the unit and
 * event, PATHS, the facts and what DIAG holds of skips. */
char *fk_cmd_partial_header(char **paths, const FkInputOptions *iopts, FkDiag *diag);
/* Fills SUMMARY (its inputs array is g_new'd: free with g_free) with one entry
 * per path of PATHS as the command line gave them (stdin when none). */
void fk_cmd_summary_init(FkRunSummary *summary, const char *command, char **paths,
                         const FkInputOptions *iopts, FkDiag *diag);

/* The inputs PATHS as messages name them: the paths as given, joined by
 * ", ", or "standard input" for none or "-". */
char *fk_cmd_inputs_name(char **paths);

/* Parses ARGV for a command that reads inputs and transforms them (fold,
 * graph, diff): fk_cmd_parse, then the input and transform checks (which fill
 * COPTS; set its tree flags first). Returns FK_EXIT_OK or the exit code. */
int fk_cmd_parse_reading(GOptionContext *context, int *argc, char ***argv, FkInputOptions *iopts,
                         FkTransformOptions *topts, FkCollectOptions *copts);
/* fk_cmd_parse_reading's checks alone, for a command that parses by itself
 * (graph and record, which set defaults between parsing and checking). */
int fk_cmd_check_reading(FkInputOptions *iopts, FkTransformOptions *topts, FkCollectOptions *copts);
