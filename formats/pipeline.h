/* pipeline.h -- reading many inputs in parallel, with the same result for
 * every number of threads.
 *
 * paths -> container (files, directories, archives) -> one reader per input
 * (--format's, or the highest bidder) -> labelled samples -> a sink the
 * caller gives. Each input is read into a sink of its own, on one of
 * FkPipelineOptions.jobs threads; the sinks are then merged into the
 * caller's, their messages given and their reports moved to the run's
 * FkDiag strictly in input order, so that what comes out is the same for
 * every -j (docs/inputs.md, "Parallel reading"). Nothing here prints: a
 * failure reaches the caller through the message callback, what was
 * skipped through the diag, the progress through the progress callback.
 *
 * How the work is spread (the main thread walks the container):
 *   - a file on disk: a worker reads it directly;
 *   - an archive file on disk that is not the last input: detached from the
 *     container, a worker reads it whole, member after member, so several
 *     archives are decompressed at once (not when a run-wide limit is set:
 *     then the members counted towards it would depend on -j);
 *   - a member of the last archive (or of stdin): the main thread
 *     decompresses it into a bounded byte pipe (bytepipe.h) that a worker's
 *     reader borrows from without copying.
 *   - one big file that a reader can cut (FkReader.cut, a sink that joins):
 *     every worker reads pieces of it (cut at a line start or at the
 *     reader's boundary, about piece_size bytes each, less towards the
 *     end, taken in order) into a sink of its own, one per worker whatever
 *     the number of pieces; the sinks are joined at its end. The pieces'
 *     reports are moved in order, what the pieces after them must know
 *     (FkReader.carry) is taken by the worker that cuts the piece, and the
 *     lines before a piece are counted when it has a message to give
 *     (FkPiece.lines_before), so that every message is -j 1's; a piece
 *     that fails makes the input be read again whole. The first piece
 *     (2 MiB) is read first: when its tree is big for its bytes (stacks
 *     that hardly repeat), its worker reads the rest alone, handing the
 *     samples to a thread of their own that puts them in the sink
 *     (FkSink.sample_elsewhere); if the sink fails there, the input is
 *     read again whole, so that what is said is -j 1's.
 * At most 3 * jobs inputs are read at once, and sinks read ahead of their
 * turn hold at most 64 MiB (FkSink.bytes) before their readers wait.
 * A reader that wants symbol files (FK_READER_WANTS_SYMBOL_FILES) waits
 * for every input before it, so that a `perf archive` tarball read on
 * another thread is complete when the capture after it is symbolized. */
#pragma once

#include "container.h"
#include "reader.h"

/* One input as a sink sees it, valid during the callback. */
typedef struct {
  FkInput *in;
  const FkReader *reader; /* the reader chosen; NULL: none claims it */
  gboolean empty;         /* the input holds no byte at all */
  /* The host of a sample that names none, by the rules of docs/inputs.md
   * without the dump's own: --host-from's match, the path's, --host; NULL:
   * none. (A sample's own host comes before all but --host-from.) */
  const char *host;
  FkDiag *diag;        /* what the reader reports about this input */
  gpointer state;      /* the reader's state while it is open, else NULL */
  const GError *error; /* at end: why the input failed (reader, sink), or NULL */
} FkPipelineInput;

/* Where samples go. Every callback but merge runs on the thread reading
 * the input, for one sink at a time; merge runs for one sink at a time, in
 * input order, on whichever thread is merging. DATA is the caller's
 * FkPipelineOptions.sink_data. */
typedef struct {
  /* A sink for one input (the pipeline reuses sinks that reset). */
  gpointer (*open)(gpointer data);
  /* Where labels are interned (the readers intern there too). */
  FkInterner *(*strings)(gpointer sink);
  /* Optional. The reader for PI is chosen (or none is, or PI is empty):
   * TRUE to go on. FALSE: do not read it; the sink has recorded why.
   * Without this callback, or when it returns TRUE for an input without a
   * reader or empty, the pipeline reports that as a skip to PI->diag. */
  gboolean (*begin)(gpointer sink, const FkPipelineInput *pi);
  /* One sample, labelled (host, file); FALSE with ERROR stops the input
   * (it fails, the message "INPUT: ERROR" is given). */
  gboolean (*sample)(gpointer sink, const FkPipelineInput *pi, const FkSample *s, GError **error);
  /* Optional. The input is done, PI->state still open (describe it),
   * PI->error why it failed. Also called when no reader could be chosen or
   * opened (state NULL, error set), but not after begin returned FALSE. */
  void (*end)(gpointer sink, const FkPipelineInput *pi);
  /* Bytes SINK holds now, to bound what is read ahead of the merge. */
  gsize (*bytes)(gpointer sink);
  /* Adds SINK to DATA's result. DIAG: what the input reported; what the
   * sink leaves in it is moved to the run's diag. FALSE with ERROR: the run
   * fails, ERROR's message is given after the input's. */
  gboolean (*merge)(gpointer data, gpointer sink, FkDiag *diag, GError **error);
  /* Empties a merged SINK for the next input: FALSE when it cannot be
   * reused (it is freed). NULL: never reused. */
  gboolean (*reset)(gpointer sink);
  void (*free)(gpointer sink);
  /* Optional: adds OTHER into SINK, both of one input that was cut in
   * pieces (FkReader.cut; both have seen begin, samples and end, neither is
   * merged): OTHER read pieces after SINK's first, so SINK holds the
   * input's first sample. OTHER is reset or freed after. FALSE with ERROR:
   * the input is read again whole. NULL: inputs are never cut (a sink that
   * keeps input order, such as a flame chart's, must not have it). */
  gboolean (*join)(gpointer sink, gpointer other, GError **error);
  /* Optional: TRUE when SINK's sample callback interns nothing (it only
   * adds to what SINK holds), so it may run on a thread of its own while
   * the reader goes on: one big input that only one worker reads (a cut
   * input read alone, see above) is then read on two threads, the reader's
   * and the sink's. NULL or FALSE: samples go to the sink on the reader's
   * thread. */
  gboolean (*sample_elsewhere)(gpointer sink);
  /* Optional: S is given to sample soon, on this thread (the sink's
   * thread, above, gives each sample to it a few samples ahead): SINK may
   * start loading the memory that sample will read first. Only a hint:
   * what SINK holds does not change. */
  void (*coming)(gpointer sink, const FkSample *s);
} FkSink;

/* What the progress line shows, at one moment. */
typedef struct {
  guint64 inputs;                /* inputs merged */
  guint64 samples;               /* read so far, the inputs being read included */
  guint64 bytes;                 /* read so far (a perf.data file counts whole when it is done) */
  gint64 elapsed;                /* microseconds since the run began */
  guint64 disk_done, disk_total; /* bytes of the named files consumed / in all (0: unknown) */
  /* When one input of known size is being read, and only one: its name,
   * size, bytes read and microseconds since it began; else NULL. */
  const char *single;
  guint64 single_size, single_bytes;
  gint64 single_elapsed;
} FkPipelineProgress;

typedef struct {
  /* Limits and side files; its diag and detach_archives are the
   * pipeline's. side_file NULL: `perf archive` members become symbol
   * files for the readers that want them. */
  FkContainerOptions container;
  /* What every reader is told; strings, diag and symbol_files are set per
   * input. Its own[] slots point to what outlives the run. */
  FkReadOptions read;
  const FkReader *format; /* every input read by this one; NULL: by bidding */
  guint jobs;             /* reading threads; 0: the number of cores */
  gsize piece_size;       /* bytes of a piece of a cut input; 0: the default (8 MiB) */
  const char *host;       /* --host */
  const char *host_from;  /* --host-from, a valid regex with a group, or NULL */
  /* A note when symbol files were found but no reader wanting them ran. */
  gboolean note_unused_symbol_files;
  const FkSink *sink;
  gpointer sink_data;
  /* An input (or a path) failed: MSG, in input order, one at a time.
   * SINK: the input's sink, NULL for a failure of the container. */
  void (*message)(gpointer data, gpointer sink, const char *msg);
  /* Optional: called about four times a second while reading, and once
   * more at the end with LAST, one call at a time. */
  void (*progress)(gpointer data, const FkPipelineProgress *p, gboolean last);
  gpointer data; /* for message and progress */
} FkPipelineOptions;

/* FkPipelineOptions with the container defaults, no sink. */
void fk_pipeline_options_init(FkPipelineOptions *opts);

/* Reads PATHS (NULL-terminated; "-" is stdin; NULL or empty: stdin) into
 * OPTS->sink, reporting what was skipped to DIAG. FALSE when some input or
 * path failed (each failure given to OPTS->message, in input order) or a
 * merge failed; the other inputs are still read. */
gboolean fk_pipeline_run(char *const *paths, const FkPipelineOptions *opts, FkDiag *diag);
