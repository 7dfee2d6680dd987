/* pipeline.c -- the reading pipeline: container -> readers -> sinks, in
 * parallel, merged in input order (see pipeline.h).
 *
 * Each input is read into a part: its own sink (sinks are emptied and
 * reused: a fresh tree per member faults in, and gives back, its pages
 * every time), its messages and its own diag. Parts are merged strictly in
 * input order, their messages given and their reports moved in that order,
 * so the result and every message are the same for every -j. Memory stays
 * bounded: at most 3*j jobs reading at once, and jobs ahead of the merge
 * hold at most HELD_MAX bytes of parts before they wait.
 *
 * Progress (when asked for): a ticker thread calls the progress callback a
 * few times a second, from what the readers publish as they go (bytes and
 * samples of the input being read, every LIVE_EVERY samples), so that one
 * big input moves it too. It is called under the run's lock, as the merges
 * are, so that a message and the progress line never interleave. */
#include "pipeline.h"

#include "bytepipe.h"
#include "lines.h"
#include "names.h"
#include "perf/handover.h"
#include "perf/symfiles.h"

#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define PIPE_CAP (8u << 20)
#define LIVE_EVERY 1024 /* samples between two live progress updates */
#define TICK_US 250000  /* the progress callback runs at most this often */
#define PUMP_BLOCK (64u << 10)
#define PIECE_SIZE ((gsize)8 << 20) /* of a cut input: a few per worker for balance */
/* A worker's tree bigger than this many times the text it came from: few
 * stacks repeat, so every worker would build the nodes of nearly every
 * stack and the join would merge them all again (gen-folded's uniform
 * input: 4.1x after 2 MiB, 4x after 8; with shared prefixes 2.3x after 2
 * MiB, 1.8x after 8, falling). The first piece, SAMPLE_SIZE bytes, is read
 * before any other: past this ratio the worker that read it reads the rest
 * alone, in one piece (the others would only build a copy of its tree),
 * else every worker takes pieces; a worker's tree that grows past it later
 * makes the input be read again whole. (Those ratios were of 56-byte nodes
 * with their weights; since the weights left the node, issue 18, a
 * one-column node and its weights are 40 bytes and every ratio is smaller:
 * at 3 the uniform input was cut again, and -j 2 on it peaked at 369 MB
 * instead of 187. At 2 and at 1.5 it and a 300 MB one are read solo, 187
 * MB, in times within the noise of each other; at 1.5 all-distinct stacks
 * are read solo too, 0.89x the wall time and 74 MB instead of 102, while
 * shared prefixes are still cut.) */
#define CUT_MAX_RATIO 1.5
/* The ratio of the first piece past which its worker reads the rest alone,
 * lower than the guard above: cut, each worker builds most of the other's
 * nodes again and the join merges them. Gen-folded's shared prefixes
 * (1.44 after 2 MiB: 164k distinct stacks, 562k nodes) took 1.6x the CPU
 * of -j 1 cut; read alone (the reader and the thread building the tree
 * about half each) `graph` took 0.75x the CPU and the wall time of the cut
 * in 41 MB instead of 58. With fewer distinct stacks, alone against cut
 * (wall, 5 paired runs): 0.72x at 1.36, 0.88x at 1.26, 0.71x at 1.00,
 * 1.01x at 0.57. */
#define SOLO_MIN_RATIO 0.8
#define SAMPLE_SIZE ((gsize)2 << 20)
/* A piece gives back its mapped pages every this many bytes as it is read:
 * what it read need not stay mapped, and counts in the peak memory. */
#define SPAN_DROP ((gsize)1 << 20)

/* Jobs behind the next to merge hold what they read until it is their
 * turn; past this many bytes of it, walk jobs and the producer wait, so
 * that memory stays bounded whatever the inputs hold. */
#define HELD_MAX ((gsize)64 << 20)

/* One input read: its samples, and its errors to give in order. */
typedef struct {
  gpointer sink;       /* NULL for a container error */
  GPtrArray *messages; /* char* */
  FkDiag *notes;       /* what the container reported on the way to it */
  FkDiag *diag;        /* the reader's reports */
  gboolean failed;
  gsize held; /* counted in Run.held */
  /* Read with the sink on a thread of its own (FkSink.sample_elsewhere):
   * the rest of a cut input that its first piece's worker reads alone. A
   * failure of the sink then fails the cut, which reads the input whole. */
  gboolean handoff;
} Part;

/* Live progress of the input a job is reading, published with atomic stores
 * by the reading thread, read by the ticker. */
typedef struct {
  guint64 bytes;   /* read so far of the current input (when not pumped) */
  guint64 samples; /* read so far of the current input */
  gint64 started;  /* monotonic time the current input's reading began, or 0 */
} Live;

/* A piece of a cut input, and the lines before it once they are counted. */
typedef struct {
  gsize start, end;
  guint64 before;      /* lines of the input before START, when counted (Cut.counted) */
  GArray *marks;       /* gsize offsets of its lines that begin with FkReader.carry_mark */
  gboolean marks_lost; /* past MARKS_MAX: not all of them are in MARKS */
} CutSpan;

/* Mark lines a cut input's pieces keep for cut_check_carry, all pieces
 * together; past it the input is read again whole (a hostile text of
 * nothing but `#` lines must not grow memory, and must still be read). */
#define MARKS_MAX 65536u

/* One big input read in pieces by every worker (FkReader.cut). Workers
 * take pieces in order, each cut at the first line start past PIECE bytes
 * (or the reader's first boundary there, FkReader.boundary) by the worker
 * that takes it, which gives its bytes to FkReader.carry for what the
 * pieces after it must know. The lines before a piece are counted only
 * when it has a message to give (cut_lines_before). */
typedef struct {
  GMutex lock;
  const guint8 *map; /* the file, mapped read-only */
  int fd;            /* the same file, for pread (see span_read) */
  guint marks;       /* mark lines the pieces keep, all together */
  gsize size;
  gsize piece;
  const FkReader *reader;
  gsize pos;          /* where the next piece begins */
  GArray *spans;      /* CutSpan per piece, in input order */
  guint counted;      /* spans[0..counted) know the lines before them */
  GPtrArray *parts;   /* Part* per piece, in input order (no sink): their reports */
  GPtrArray *tallies; /* FkPiece.tally per piece, in input order */
  FkPieceCarry carry; /* what the pieces taken so far tell the next */
  GPtrArray *sinks;   /* the workers' sinks, in the order of their first piece */
  guint jobs;         /* workers */
  guint runners;      /* workers not done */
  gboolean failed;    /* a piece failed: the input is read again whole */
  gboolean decided;   /* the first piece is read: the others may be taken */
  gboolean solo;      /* ... by its worker alone, as one piece */
  GCond decide;       /* decided or failed */
  guint64 deep;       /* stacks cut at max_depth, in every piece */
} Cut;

/* A job is one input (a file, or an archive member pumped through a pipe),
 * or a whole archive detached from the container, whose members a worker
 * reads one after the other. Its parts are merged in order as they come. */
typedef struct {
  FkInput *in;          /* one input, or NULL */
  FkContainer *walk;    /* an archive, or NULL */
  FkDiag *walk_diag;    /* what WALK reports, moved to each part */
  FkDiag *notes;        /* what the container reported on the way to this job */
  guint64 seq;          /* its place in the input order */
  GQueue parts;         /* Part*: read, not merged yet */
  gboolean done;        /* no more parts will come */
  gboolean count_bytes; /* progress: add what the worker read (not pumped) */
  Live live;
  char *live_name; /* a file on disk of known size: named with its share done */
  guint64 live_size;
  Cut *cut; /* IN read in pieces by every worker, or NULL */
} Job;

typedef struct {
  const FkPipelineOptions *opts;
  FkReadOptions ropts; /* strings and diag are set per part */
  FkDiag *diag;
  GRegex *host_from;
  FkBlocks *blocks;
  GMutex lock;
  GCond cond;
  GQueue jobs;      /* Job*, input order; the head is the next to merge */
  guint64 queued;   /* jobs queued so far (the next seq) */
  guint64 merged;   /* jobs merged so far: every seq below is done */
  guint in_flight;  /* jobs not done reading */
  gboolean walks;   /* some jobs are detached archives */
  gsize held;       /* bytes of the parts read ahead of the merge */
  GPtrArray *spare; /* merged parts' sinks, emptied for reuse */
  gboolean ok;
  /* progress */
  gboolean progress;
  gint64 started;
  guint64 members_done;
  guint64 bytes_done;
  guint64 samples_done;
  guint64 disk_done, disk_total; /* the container's progress, as the main thread last saw it */
  FkContainer *container;        /* main thread only: not thread safe */
  GThread *ticker;
  GCond tick;
  gboolean stop;
  gint symbol_files_wanted; /* atomic: a reader that wants symbol files ran */
} Run;

void
fk_pipeline_options_init(FkPipelineOptions *opts)
{
  memset(opts, 0, sizeof *opts);
  fk_container_options_init(&opts->container);
}

static void
message(Run *run, gpointer sink, const char *msg)
{
  if (run->opts->message != NULL)
    run->opts->message(run->opts->data, sink, msg);
}

/* A sink for an input: a merged one emptied for reuse, or a new one. */
static gpointer
sink_take(Run *run)
{
  gpointer sink = NULL;
  g_mutex_lock(&run->lock);
  if (run->spare->len > 0)
    sink = g_ptr_array_steal_index_fast(run->spare, run->spare->len - 1);
  g_mutex_unlock(&run->lock);
  return sink != NULL ? sink : run->opts->sink->open(run->opts->sink_data);
}

/* A part whose notes start with what CONTAINER_DIAG holds. */
static Part *
part_new(Run *run, gboolean read, FkDiag *container_diag)
{
  Part *part = g_new0(Part, 1);
  part->messages = g_ptr_array_new_with_free_func(g_free);
  part->notes = fk_diag_new_like(run->diag);
  part->diag = fk_diag_new_like(run->diag);
  if (container_diag != NULL)
    fk_diag_move(part->notes, container_diag);
  if (read)
    part->sink = sink_take(run);
  return part;
}

static void
sink_free(Run *run, gpointer sink)
{
  if (sink != NULL)
    run->opts->sink->free(sink);
}

/* SINK, done with: emptied for the next input, or freed. Without the lock. */
static void
sink_recycle(Run *run, gpointer sink)
{
  if (run->opts->sink->reset != NULL && run->opts->sink->reset(sink)) {
    g_mutex_lock(&run->lock);
    g_ptr_array_add(run->spare, sink);
    g_mutex_unlock(&run->lock);
  } else {
    sink_free(run, sink);
  }
}

static void
part_free(Run *run, Part *part)
{
  sink_free(run, part->sink);
  g_ptr_array_unref(part->messages);
  fk_diag_free(part->notes);
  fk_diag_free(part->diag);
  g_free(part);
}

static void cut_free(Run *run, Cut *cut);

static void
job_free(Run *run, Job *job)
{
  cut_free(run, job->cut);
  fk_input_free(job->in);
  fk_container_free(job->walk);
  fk_diag_free(job->walk_diag);
  fk_diag_free(job->notes);
  g_free(job->live_name);
  while (!g_queue_is_empty(&job->parts))
    part_free(run, g_queue_pop_head(&job->parts));
  g_free(job);
}

/* The reader for IN: --format's, else the highest bidder on its first
 * bytes. NULL when none claims it, or with ERROR when IN cannot be read. */
static const FkReader *
choose(Run *run, FkInput *in, GError **error)
{
  if (run->opts->format != NULL)
    return run->opts->format;
  const guint8 *head;
  gssize n = fk_input_peek(in, FK_BID_BYTES, &head, error);
  return n < 0 ? NULL : fk_reader_choose(head, (gsize)n);
}

/* --host-from's host for NAME (the regex's first group), interned in
 * STRINGS; NULL when there is no regex or it does not match. */
static const char *
host_from(const GRegex *re, const char *name, FkInterner *strings)
{
  g_autoptr(GMatchInfo) m = NULL;
  if (re == NULL || !g_regex_match(re, name, 0, &m))
    return NULL;
  g_autofree char *h = g_match_info_fetch(m, 1);
  return h != NULL && h[0] != '\0' ? fk_interner_intern0(strings, h) : NULL;
}

/* A reader that wants the symbol files of the `perf archive` tarballs
 * named before its input: when archives are read on other threads, wait
 * until everything before JOB has been read. */
static void
wait_for_earlier(Run *run, Job *job)
{
  g_mutex_lock(&run->lock);
  if (run->walks)
    while (run->merged < job->seq)
      g_cond_wait(&run->cond, &run->lock);
  g_mutex_unlock(&run->lock);
}

static void
fail(Part *part, char *msg)
{
  g_ptr_array_add(part->messages, msg);
  part->failed = TRUE;
}

/* ---- samples handed to the sink's own thread ---- */

/* Samples of one input on their way from the reader's thread to the sink's:
 * copies, with their frames in one array (the reader reuses its own). */
typedef struct {
  FkSample *samples;
  gsize *first; /* per sample: where its frames begin in FRAMES */
  guint n, cap;
  const char **frames;
  gsize n_frames, cap_frames;
} Batch;

/* A batch is handed over at this many samples or frames; at most
 * HANDOFF_DEPTH wait, so the reader runs a bounded way ahead. */
#define BATCH_SAMPLES 2048
#define BATCH_FRAMES 65536
#define HANDOFF_DEPTH 4

static void
batch_free(gpointer p)
{
  Batch *b = p;
  g_free(b->samples);
  g_free(b->first);
  g_free(b->frames);
  g_free(b);
}

static void
batch_add(Batch *b, const FkSample *s)
{
  if (b->n == b->cap) {
    b->cap = MAX(b->cap * 2, 256);
    b->samples = g_renew(FkSample, b->samples, b->cap);
    b->first = g_renew(gsize, b->first, b->cap);
  }
  if (b->n_frames + s->n_frames > b->cap_frames) {
    b->cap_frames = MAX(b->n_frames + s->n_frames, MAX(b->cap_frames * 2, 4096));
    b->frames = g_renew(const char *, b->frames, b->cap_frames);
  }
  b->samples[b->n] = *s;
  b->first[b->n++] = b->n_frames;
  memcpy(b->frames + b->n_frames, s->frames, s->n_frames * sizeof *s->frames);
  b->n_frames += s->n_frames;
}

/* The sink's thread: every batch's samples into SINK, in order, until the
 * sink fails (it then stops the handover: the reader's next push fails). */
typedef struct {
  PdHandover *handover;
  const FkSink *sink;
  gpointer sink_state;
  FkPipelineInput *pi;
  GError *error; /* the sink's, when it failed */
} Handoff;

/* Samples the sink is told of ahead of their turn (FkSink.coming): what
 * adding one to a big tree reads first is a cache miss, which the adds of
 * the samples between hide. */
#define COMING_AHEAD 8

static void
handoff_coming(Handoff *h, const Batch *b, guint i)
{
  FkSample x = b->samples[i];
  x.frames = (const char **)b->frames + b->first[i];
  h->sink->coming(h->sink_state, &x);
}

static gpointer
handoff_run(gpointer data)
{
  /* H lives on the reading thread's stack, in a cache line with that
   * thread's busiest locals: read once a sample (the error, the sink), it
   * came over from the other core each time, 8% of this thread's samples on
   * the wide shape. Copied here, and the error written back at the end. */
  Handoff *h = data, l = *h;
  Batch *b;
  while (l.error == NULL && (b = pd_handover_pop(l.handover)) != NULL) {
    for (guint i = 0; l.sink->coming != NULL && i < MIN(b->n, COMING_AHEAD); i++)
      handoff_coming(&l, b, i);
    for (guint i = 0; i < b->n && l.error == NULL; i++) {
      if (l.sink->coming != NULL && i + COMING_AHEAD < b->n)
        handoff_coming(&l, b, i + COMING_AHEAD);
      FkSample x = b->samples[i];
      x.frames = b->frames + b->first[i];
      if (!l.sink->sample(l.sink_state, l.pi, &x, &l.error))
        pd_handover_stop(l.handover);
    }
    b->n = 0;
    b->n_frames = 0;
    if (!pd_handover_give_back(l.handover, b))
      batch_free(b);
  }
  h->error = l.error; /* read by the reader after the join */
  return NULL;
}

/* Reads the samples of STATE (PI's reader's) into SINK, labelled: --host-from
 * (FORCED) over everything, then the dump's, the path's, --host; the file
 * is the input's name, interned in STRINGS at the first sample that needs
 * them. Failures go to PART, *ERROR says the reader's. PIECE: one of
 * several pieces read at once, whose progress adds up. */
static void
read_samples(Run *run, Job *job, gpointer state, FkPipelineInput *pi, const char *forced,
             FkInterner *strings, gpointer sink_state, Part *part, gboolean piece, GError **error)
{
  const FkSink *sink = run->opts->sink;
  FkInput *in = pi->in;
  const char *host = NULL, *file = NULL;
  /* PART->handoff: the samples go to the sink on a thread of its own. */
  Handoff h = {0};
  GThread *sink_thread = NULL;
  Batch *batch = NULL;
  if (part->handoff) {
    h = (Handoff){pd_handover_new(HANDOFF_DEPTH, HANDOFF_DEPTH), sink, sink_state, pi, NULL};
    sink_thread = g_thread_new("fk-sink", handoff_run, &h);
    batch = g_new0(Batch, 1);
  }
  gboolean live_bytes = run->progress && !piece && (job->walk != NULL || job->count_bytes);
  if (run->progress && !piece)
    __atomic_store_n(&job->live.started, g_get_monotonic_time(), __ATOMIC_RELAXED);
  guint64 n = 0;
  FkSample s;
  for (;;) {
    FkReadStatus st = pi->reader->next(state, &s, error);
    if (st == FK_READ_END)
      break;
    if (st == FK_READ_ERROR) {
      /* Under --strict the skip is already in the diag, with its location. */
      if (!g_error_matches(*error, FK_READER_ERROR, FK_READER_ERROR_STRICT))
        g_ptr_array_add(part->messages, g_strdup((*error)->message));
      part->failed = TRUE;
      break;
    }
    if (forced != NULL) {
      s.host = forced;
    } else if (s.host == NULL && pi->host != NULL) {
      if (host == NULL)
        host = fk_interner_intern0(strings, pi->host);
      s.host = host;
    }
    if (s.file == NULL) {
      if (file == NULL)
        file = fk_interner_intern0(strings, fk_input_name(in));
      s.file = file;
    }
    if (batch != NULL) {
      batch_add(batch, &s);
      if (batch->n >= BATCH_SAMPLES || batch->n_frames >= BATCH_FRAMES) {
        if (!pd_handover_push(h.handover, batch))
          break; /* the sink failed */
        batch = pd_handover_take_empty(h.handover);
        if (batch == NULL)
          batch = g_new0(Batch, 1);
      }
    } else if (!sink->sample(sink_state, pi, &s, error)) {
      fail(part, g_strdup_printf("%s: %s", fk_input_name(in), (*error)->message));
      break;
    }
    if (run->progress && (++n % LIVE_EVERY) == 0) {
      if (piece) {
        __atomic_fetch_add(&job->live.samples, LIVE_EVERY, __ATOMIC_RELAXED);
        continue;
      }
      __atomic_store_n(&job->live.samples, n, __ATOMIC_RELAXED);
      if (live_bytes)
        __atomic_store_n(&job->live.bytes, fk_input_offset(in), __ATOMIC_RELAXED);
    }
  }
  if (run->progress && piece)
    __atomic_fetch_add(&job->live.samples, n % LIVE_EVERY, __ATOMIC_RELAXED);
  else if (run->progress)
    __atomic_store_n(&job->live.samples, n, __ATOMIC_RELAXED);
  if (sink_thread != NULL) {
    if (batch != NULL && (batch->n == 0 || !pd_handover_push(h.handover, batch)))
      batch_free(batch);
    pd_handover_finish(h.handover);
    g_thread_join(sink_thread);
    pd_handover_free(h.handover, batch_free);
    if (h.error != NULL) {
      /* Samples after the failing one were read: the caller reads the input
       * again whole, where the sink fails where it does with -j 1. */
      fail(part, g_strdup_printf("%s: %s", fk_input_name(in), h.error->message));
      g_error_free(h.error);
    }
  }
}

/* Reads IN into PART->sink. Messages go to PART, not to the caller, so
 * that they come out in input order whatever thread reads what. */
static void
read_input(Run *run, Job *job, FkInput *in, Part *part)
{
  g_autoptr(GError) error = NULL;
  const FkSink *sink = run->opts->sink;
  FkReadOptions ropts = run->ropts;
  ropts.strings = sink->strings(part->sink);
  ropts.diag = part->diag;
  FkPipelineInput pi = {.in = in, .diag = part->diag};
  pi.reader = choose(run, in, &error);
  if (error != NULL) {
    fail(part, g_strdup(error->message));
    pi.error = error;
    if (sink->end != NULL)
      sink->end(part->sink, &pi);
    return;
  }
  const guint8 *head;
  pi.empty = fk_input_peek(in, 1, &head, NULL) == 0;
  const char *forced = host_from(run->host_from, fk_input_name(in), ropts.strings);
  pi.host = forced ? forced : fk_input_host(in) ? fk_input_host(in) : run->opts->host;
  if (sink->begin != NULL && !sink->begin(part->sink, &pi))
    return;
  if (pi.empty) {
    /* Not an empty profile: what should have been there is missing. */
    fk_diag_skip(part->diag, fk_input_name(in), NULL, "no recognised input: it is empty");
    return;
  }
  if (pi.reader == NULL) {
    fk_diag_skip(part->diag, fk_input_name(in), NULL, "no reader recognizes this input; skipped");
    return;
  }
  const FkReader *reader = pi.reader;
  if (reader->flags & FK_READER_WANTS_SYMBOL_FILES) {
    g_atomic_int_set(&run->symbol_files_wanted, 1);
    wait_for_earlier(run, job);
  }
  gpointer state = reader->open(in, &ropts, &error);
  if (state == NULL) {
    fail(part, g_strdup(error->message));
    pi.error = error;
    if (sink->end != NULL)
      sink->end(part->sink, &pi);
    return;
  }
  pi.state = state;
  read_samples(run, job, state, &pi, forced, ropts.strings, part->sink, part, FALSE, &error);
  pi.error = error;
  if (sink->end != NULL)
    sink->end(part->sink, &pi);
  reader->close(state);
}

/* Gives PART's messages, moves its reports and merges its sink. */
static gboolean
merge_part(Run *run, Part *part)
{
  gboolean ok = !part->failed;
  g_autoptr(GError) error = NULL;
  if (part->sink != NULL &&
      !run->opts->sink->merge(run->opts->sink_data, part->sink, part->diag, &error))
    ok = FALSE;
  fk_diag_move(run->diag, part->notes);
  fk_diag_move(run->diag, part->diag);
  for (guint i = 0; i < part->messages->len; i++)
    message(run, part->sink, g_ptr_array_index(part->messages, i));
  if (error != NULL)
    message(run, part->sink, error->message);
  return ok;
}

/* Merges every part ready at the head of the queue, in order. Called with
 * run->lock held. */
static void
merge_ready(Run *run)
{
  while (!g_queue_is_empty(&run->jobs)) {
    Job *job = g_queue_peek_head(&run->jobs);
    if (job->notes != NULL)
      fk_diag_move(run->diag, job->notes);
    Part *part = g_queue_pop_head(&job->parts);
    if (part != NULL) {
      run->held -= part->held;
      if (!merge_part(run, part))
        run->ok = FALSE;
      if (part->sink != NULL) {
        run->members_done++;
        gpointer sink = g_steal_pointer(&part->sink);
        if (run->opts->sink->reset != NULL && run->opts->sink->reset(sink))
          g_ptr_array_add(run->spare, sink);
        else
          sink_free(run, sink);
      }
      part_free(run, part);
      g_cond_broadcast(&run->cond); /* less held: the producer, walk jobs */
      continue;
    }
    if (!job->done)
      break;
    g_queue_pop_head(&run->jobs);
    run->merged = job->seq + 1;
    job_free(run, job);
    g_cond_broadcast(&run->cond); /* the producer, walk jobs held back, waiting readers */
  }
}

/* Hands PART (may be NULL) of JOB over for merging; LAST: JOB is done. A
 * walk job ahead of the merge waits there when it has read enough. */
static void
finish_part(Run *run, Job *job, Part *part, gboolean last)
{
  if (part != NULL && part->sink != NULL)
    part->held = run->opts->sink->bytes(part->sink);
  g_mutex_lock(&run->lock);
  if (part != NULL) {
    g_queue_push_tail(&job->parts, part);
    run->held += part->held;
  }
  if (last) {
    job->done = TRUE;
    run->in_flight--;
    g_cond_broadcast(&run->cond);
  }
  merge_ready(run);
  if (!last)
    while (g_queue_peek_head(&run->jobs) != job && run->held > HELD_MAX)
      g_cond_wait(&run->cond, &run->lock);
  g_mutex_unlock(&run->lock);
}

/* Moves what JOB read of IN from its live counts to the run's, at once, so
 * the ticker never counts it twice. BYTES: IN's bytes were not pumped. */
static void
count_read(Run *run, Job *job, FkInput *in, gboolean bytes)
{
  if (!run->progress)
    return;
  g_mutex_lock(&run->lock);
  if (bytes)
    run->bytes_done += fk_input_consumed(in);
  run->samples_done += __atomic_load_n(&job->live.samples, __ATOMIC_RELAXED);
  __atomic_store_n(&job->live.bytes, 0, __ATOMIC_RELAXED);
  __atomic_store_n(&job->live.samples, 0, __ATOMIC_RELAXED);
  __atomic_store_n(&job->live.started, 0, __ATOMIC_RELAXED);
  g_mutex_unlock(&run->lock);
}

/* A detached archive: its members one after the other, on this thread; JOB
 * is done when it returns. */
static void
walk(Run *run, Job *job)
{
  for (;;) {
    g_autoptr(GError) error = NULL;
    FkInput *in = NULL;
    FkContainerStatus st = fk_container_next(job->walk, &in, &error);
    if (st == FK_CONTAINER_END)
      break;
    Part *part = part_new(run, st == FK_CONTAINER_INPUT, job->walk_diag);
    if (st == FK_CONTAINER_INPUT) {
      read_input(run, job, in, part);
      count_read(run, job, in, TRUE);
      fk_input_free(in);
    } else {
      fail(part, g_strdup(error ? error->message : "cannot read archive"));
    }
    finish_part(run, job, part, FALSE);
  }
  /* The last part: what the archive's end reported (symbol files nobody used). */
  g_clear_pointer(&job->walk, fk_container_free);
  finish_part(run, job, part_new(run, FALSE, job->walk_diag), TRUE);
}

/* ---- one big input in pieces ---- */

static void
cut_free(Run *run, Cut *cut)
{
  if (cut == NULL)
    return;
  if (cut->map != NULL)
    munmap((void *)cut->map, cut->size);
  for (guint i = 0; i < cut->spans->len; i++)
    if (g_array_index(cut->spans, CutSpan, i).marks != NULL)
      g_array_unref(g_array_index(cut->spans, CutSpan, i).marks);
  for (guint i = 0; i < cut->parts->len; i++)
    if (g_ptr_array_index(cut->parts, i) != NULL)
      part_free(run, g_ptr_array_index(cut->parts, i));
  g_ptr_array_unref(cut->parts);
  if (cut->reader->note_pieces != NULL)
    cut->reader->note_pieces(cut->tallies->pdata, cut->tallies->len, &run->ropts, NULL, NULL);
  g_ptr_array_unref(cut->tallies);
  g_array_unref(cut->spans);
  g_free(cut->carry.host);
  g_free(cut->carry.event);
  for (guint i = 0; i < cut->sinks->len; i++)
    sink_free(run, g_ptr_array_index(cut->sinks, i));
  g_ptr_array_unref(cut->sinks);
  g_mutex_clear(&cut->lock);
  g_cond_clear(&cut->decide);
  g_free(cut);
}

/* IN cut in pieces, when it is worth it and everything allows it: several
 * workers, a sink that joins, a file on disk of at least two pieces within
 * --max-member-bytes, no --strict (whose first skip ends the input where
 * -j 1 ends it), and a reader that says its input can be cut. NULL: read
 * it whole. Called by the main thread. */
static Cut *
cut_new(Run *run, FkInput *in, guint jobs)
{
  gsize piece = run->opts->piece_size > 0 ? run->opts->piece_size : PIECE_SIZE;
  guint64 limit = run->opts->container.max_member;
  gint64 size = fk_input_size(in);
  if (jobs < 2 || run->opts->sink->join == NULL || run->ropts.strict || fk_input_fd(in) < 0 ||
      size < 0 || (guint64)size < 2 * (guint64)piece || (guint64)size > G_MAXSIZE ||
      (limit != 0 && (guint64)size > limit))
    return NULL;
  g_autoptr(GError) error = NULL;
  const FkReader *reader = choose(run, in, &error);
  const guint8 *head;
  gssize n = fk_input_peek(in, FK_BID_BYTES, &head, NULL);
  if (reader == NULL || reader->cut == NULL || n <= 0 || !reader->cut(head, (gsize)n))
    return NULL;
  void *map = mmap(NULL, (gsize)size, PROT_READ, MAP_PRIVATE, fk_input_fd(in), 0);
  if (map == MAP_FAILED)
    return NULL;
  Cut *cut = g_new0(Cut, 1);
  g_mutex_init(&cut->lock);
  g_cond_init(&cut->decide);
  cut->map = map;
  cut->fd = fk_input_fd(in);
  cut->size = (gsize)size;
  cut->piece = piece;
  cut->reader = reader;
  cut->parts = g_ptr_array_new();
  cut->spans = g_array_new(FALSE, FALSE, sizeof(CutSpan));
  cut->tallies = g_ptr_array_new();
  cut->sinks = g_ptr_array_new();
  cut->jobs = jobs;
  cut->runners = jobs;
  return cut;
}

/* Gives back the pages of MAP[FROM..TO) (the whole ones, and the one FROM
 * is in): read once, they need not stay mapped, and a page that is read
 * again faults in again from the page cache. */
static void
drop_pages(const guint8 *map, gsize from, gsize to)
{
  gsize page = 4096;
  from -= from % page;
  to -= to % page;
  if (to > from)
    (void)madvise((void *)(map + from), to - from, MADV_DONTNEED);
}

/* The lines of MAP[FROM..TO) (the file's bytes: TO is its size or a line
 * start), a MiB at a time, each given back once counted (the reader has
 * its own copy of them): a count of many pieces would otherwise keep their
 * pages mapped, and count in the peak. */
static guint64
count_span(const guint8 *map, gsize from, gsize to)
{
  guint64 lines = 0;
  for (gsize at = from; at < to;) {
    gsize next = MIN(at + SPAN_DROP, to);
    if (next < to && map[next - 1] == '\r')
      next++; /* not between the CR and the LF of a CRLF */
    lines += fk_lines_count((const char *)map + at, next - at);
    drop_pages(map, at, next);
    at = next;
  }
  return lines;
}

/* FkPiece.lines_before of a piece of a cut input: the lines of the pieces
 * before it, those not counted yet counted now (once, whichever piece
 * asks). Only a piece with a message to give asks, so the bytes of an
 * input that has nothing to say are never counted, and no piece waits for
 * the count of the one before it to be taken. */
static guint64
cut_lines_before(const FkPiece *piece)
{
  Cut *cut = piece->lines_data;
  g_mutex_lock(&cut->lock);
  CutSpan *spans = (CutSpan *)(gpointer)cut->spans->data;
  if (cut->counted == 0) {
    spans[0].before = 0;
    cut->counted = 1;
  }
  for (; cut->counted <= piece->lines_index; cut->counted++) {
    const CutSpan *prev = &spans[cut->counted - 1];
    spans[cut->counted].before = prev->before + count_span(cut->map, prev->start, prev->end);
  }
  guint64 before = spans[piece->lines_index].before;
  g_mutex_unlock(&cut->lock);
  return before;
}

/* The next piece into *PIECE (whether it is the first or the last, how to
 * count the lines before it, a copy of what the pieces before it told, to
 * free with piece_close): [*START, *END), its place *INDEX. FALSE when none
 * is left or the cut failed. HOLDER: the worker read the first piece.
 * After the first piece, waits until it is read (cut_decide). */
static gboolean
cut_take(Run *run, Cut *cut, gboolean holder, FkPiece *piece, gsize *start, gsize *end,
         guint *index)
{
  const FkReader *reader = cut->reader;
  g_mutex_lock(&cut->lock);
  while (cut->pos > 0 && !cut->decided && !cut->failed)
    g_cond_wait(&cut->decide, &cut->lock);
  gboolean ok = !cut->failed && cut->pos < cut->size && (holder || !cut->solo);
  gsize e = cut->size;
  if (ok) {
    /* Pieces shrink as the input runs out (a share of what is left, at
     * least an eighth of a piece), so that the workers end together: with
     * whole pieces to the end, one worker read the last piece while the
     * others had nothing left, on average half a piece (4 MiB, about 5 ms
     * of reading perf script text) of one worker alone. No last piece of
     * a few bytes: the one before it takes them. */
    gsize left = cut->size - cut->pos;
    gsize want = cut->pos == 0 ? MIN(cut->piece, SAMPLE_SIZE)
                               : MIN(cut->piece, MAX(left / (2 * cut->jobs), cut->piece / 8));
    want = MAX(want, (gsize)1);
    if (!cut->solo && cut->size - cut->pos > want + want / 4) {
      if (reader->boundary != NULL) {
        e = reader->boundary((const char *)cut->map, cut->size, cut->pos + want);
      } else {
        const guint8 *at = cut->map + cut->pos + want - 1;
        const guint8 *nl = memchr(at, '\n', (gsize)(cut->map + cut->size - at));
        e = nl != NULL ? (gsize)(nl - cut->map) + 1 : cut->size;
      }
    }
    *piece = (FkPiece){
        .lines_before = cut_lines_before,
        .lines_data = cut,
        .lines_index = cut->spans->len,
        .first = cut->pos == 0,
        .last = e == cut->size,
        .carry = {g_strdup(cut->carry.host), g_strdup(cut->carry.event)},
    };
    /* What the pieces after it must know, from the first piece. The lines
     * of the others that begin with the reader's mark are found as their
     * workers read them (span_read), and what they tell is checked at the
     * end (cut_check_carry): every piece after the first is given what the
     * first told. Looked for here, before each piece was given out, they
     * took a pass of their own over every byte (the pages faulted in and
     * given back, or copied again by pread), a sixth of the wall time of
     * a 94 MB perf script collapse, under this lock. */
    gboolean told = TRUE;
    if (e < cut->size && reader->carry != NULL && cut->pos == 0)
      told = reader->carry((const char *)cut->map, e, TRUE, &run->ropts, &cut->carry);
    if (!told) {
      cut->failed = TRUE; /* the input is read whole */
      g_cond_broadcast(&cut->decide);
      g_free(piece->carry.host);
      g_free(piece->carry.event);
      ok = FALSE;
    }
  }
  if (ok) {
    *start = cut->pos;
    *end = e;
    *index = cut->parts->len;
    CutSpan span = {cut->pos, e, 0, NULL, FALSE};
    g_array_append_val(cut->spans, span);
    g_ptr_array_add(cut->parts, NULL);
    g_ptr_array_add(cut->tallies, NULL);
    cut->pos = e;
  }
  g_mutex_unlock(&cut->lock);
  return ok;
}

/* The first piece is read (RATIO: its worker's tree over its bytes, or
 * -1 when it failed): the others may be taken. */
static void
cut_decide(Cut *cut, double ratio)
{
  g_mutex_lock(&cut->lock);
  if (!cut->decided) {
    cut->decided = TRUE;
    cut->solo = ratio > SOLO_MIN_RATIO;
    g_cond_broadcast(&cut->decide);
  }
  g_mutex_unlock(&cut->lock);
}

typedef struct {
  const guint8 *data;
  gsize len, pos;
  const guint8 *map; /* the file's mapping, DATA within it */
  gsize dropped;     /* bytes of DATA given back */
  int fd;            /* the file */
  char mark;         /* FkReader.carry_mark to look for (0: none) */
  char prev;         /* the byte before DATA + POS */
  GArray *marks;     /* gsize file offsets of the lines that begin with MARK */
  guint *kept;       /* Cut.marks, added to atomically */
  gboolean lost;     /* some were not kept */
} Span;

/* The lines beginning with S->mark in BUF[0..N), the bytes just read at
 * S->pos, found while they are in the cache. */
static void
span_marks(Span *s, const char *buf, gsize n)
{
  if (n == 0 || s->lost)
    return;
  gsize base = (gsize)(s->data - s->map) + s->pos;
  for (const char *q = buf; (q = memchr(q, s->mark, (gsize)(buf + n - q))) != NULL; q++) {
    char before = q > buf ? q[-1] : s->prev;
    if (before != '\n' && before != '\r')
      continue;
    if (s->marks == NULL)
      s->marks = g_array_new(FALSE, FALSE, sizeof(gsize));
    if (__atomic_fetch_add(s->kept, 1, __ATOMIC_RELAXED) >= MARKS_MAX) {
      s->lost = TRUE;
      break;
    }
    gsize o = base + (gsize)(q - buf);
    g_array_append_val(s->marks, o);
  }
  s->prev = buf[n - 1];
}

static void
span_free(gpointer data)
{
  Span *s = data;
  if (s->marks != NULL)
    g_array_unref(s->marks);
  g_free(s);
}

/* A piece's bytes by pread where the file reads so, else copied from the
 * mapping. pread copies from the page cache without mapping a page: a
 * copy from the mapping also faulted every page in and gave it back
 * (MADV_DONTNEED, with the other core's TLB flushed), a tenth of a 94 MB
 * perf script collapse's samples. */
static gssize
span_read(gpointer user_data, void *buf, gsize len, GError **error)
{
  (void)error;
  Span *s = user_data;
  gsize n = MIN(len, s->len - s->pos);
  gssize got = n > 0 ? pread(s->fd, buf, n, (off_t)((gsize)(s->data - s->map) + s->pos)) : 0;
  if (got <= 0) {
    /* not readable so (a file that shrank, an interrupted call) */
    memcpy(buf, s->data + s->pos, n);
    got = (gssize)n;
  }
  if (s->mark != 0)
    span_marks(s, buf, (gsize)got);
  s->pos += (gsize)got;
  if (s->pos - s->dropped >= SPAN_DROP) {
    drop_pages(s->map, (gsize)(s->data - s->map) + s->dropped, (gsize)(s->data - s->map) + s->pos);
    s->dropped = s->pos;
  }
  return got;
}

static int
cmp_first_piece(gconstpointer a, gconstpointer b, gpointer data)
{
  (void)data;
  guint x = GPOINTER_TO_UINT(((gconstpointer const *)a)[0]);
  guint y = GPOINTER_TO_UINT(((gconstpointer const *)b)[0]);
  return x < y ? -1 : x > y;
}

/* Hands PARTS (taken) of JOB over for merging, in order; JOB is done. */
static void
finish_parts(Run *run, Job *job, GPtrArray *parts)
{
  for (guint i = 0; i < parts->len; i++) {
    Part *part = g_ptr_array_index(parts, i);
    if (part->sink != NULL)
      part->held = run->opts->sink->bytes(part->sink);
  }
  g_mutex_lock(&run->lock);
  for (guint i = 0; i < parts->len; i++) {
    Part *part = g_ptr_array_index(parts, i);
    g_queue_push_tail(&job->parts, part);
    run->held += part->held;
  }
  job->done = TRUE;
  run->in_flight--;
  g_cond_broadcast(&run->cond);
  merge_ready(run);
  g_mutex_unlock(&run->lock);
}

/* Whether every piece after the first was told what a reading in order
 * would have told it: what the first piece told, then the mark lines of
 * each piece (found by span_read) given to FkReader.carry in input order
 * must leave it unchanged up to the last piece. FALSE also when a mark
 * line says the pieces after it cannot be told, or when not all of them
 * were kept (MARKS_MAX): the input is then read again whole. Perf script
 * text has its `# hostname` header at its start; dumps laid end to end
 * whose hosts differ are read whole. */
static gboolean
cut_check_carry(Run *run, Cut *cut)
{
  if (cut->reader->carry == NULL || cut->spans->len < 3)
    return TRUE; /* the first piece's carry is exact; a second tells none */
  const char *map = (const char *)cut->map, *end = map + cut->size;
  FkPieceCarry c = {g_strdup(cut->carry.host), g_strdup(cut->carry.event)};
  gboolean same = TRUE;
  /* piece 1 was given C; the marks of pieces 1 .. n-2 tell those after */
  for (guint k = 1; same && k + 1 < cut->spans->len; k++) {
    const CutSpan *cs = &g_array_index(cut->spans, CutSpan, k);
    same = !cs->marks_lost;
    for (guint i = 0; same && cs->marks != NULL && i < cs->marks->len; i++) {
      const char *line = map + g_array_index(cs->marks, gsize, i), *le = line;
      while (le < end && *le != '\n' && *le != '\r')
        le++;
      same = cut->reader->carry(line, (gsize)(le - line), FALSE, &run->ropts, &c);
    }
    same = same && g_strcmp0(c.host, cut->carry.host) == 0 &&
           g_strcmp0(c.event, cut->carry.event) == 0;
  }
  g_free(c.host);
  g_free(c.event);
  return same;
}

/* The last worker out: joins the workers' sinks into the first one (its
 * first piece is the input's first) and hands every piece's reports, then
 * the sink, to the merge; or, when a piece failed, reads the input again
 * whole, as -j 1 does, so that what stands and what is said is its. */
static void
cut_finish(Run *run, Job *job)
{
  Cut *cut = job->cut;
  const FkSink *sink = run->opts->sink;
  /* cut->sinks holds (first piece, sink) pairs */
  g_autoptr(GError) error = NULL;
  gpointer base = NULL;
  if (!cut->failed && !cut_check_carry(run, cut))
    cut->failed = TRUE;
  if (!cut->failed && cut->sinks->len > 0) {
    g_qsort_with_data(cut->sinks->pdata, (gint)(cut->sinks->len / 2), 2 * sizeof(gpointer),
                      cmp_first_piece, NULL);
    base = g_steal_pointer(&cut->sinks->pdata[1]);
    for (guint i = 3; i < cut->sinks->len; i += 2) {
      gpointer other = cut->sinks->pdata[i];
      if (!sink->join(base, other, &error)) {
        cut->failed = TRUE;
        break;
      }
      cut->sinks->pdata[i] = NULL;
      sink_recycle(run, other);
    }
    if (cut->failed)
      g_clear_pointer(&base, run->opts->sink->free);
  }
  for (guint i = 1; i < cut->sinks->len; i += 2)
    sink_free(run, cut->sinks->pdata[i]);
  g_ptr_array_set_size(cut->sinks, 0);
  g_autoptr(GPtrArray) parts = g_ptr_array_new();
  if (cut->failed) {
    for (guint i = 0; i < cut->parts->len; i++)
      if (g_ptr_array_index(cut->parts, i) != NULL)
        part_free(run, g_ptr_array_index(cut->parts, i));
    g_ptr_array_set_size(cut->parts, 0);
    /* Forget what the pieces counted. */
    __atomic_store_n(&job->live.bytes, 0, __ATOMIC_RELAXED);
    __atomic_store_n(&job->live.samples, 0, __ATOMIC_RELAXED);
    Part *part = part_new(run, TRUE, NULL);
    read_input(run, job, job->in, part);
    g_ptr_array_add(parts, part);
  } else {
    for (guint i = 0; i < cut->parts->len; i++)
      g_ptr_array_add(parts, g_ptr_array_index(cut->parts, i));
    g_ptr_array_set_size(cut->parts, 0);
    Part *part = part_new(run, FALSE, NULL);
    part->sink = base;
    if (cut->reader->note_pieces != NULL) {
      cut->reader->note_pieces(cut->tallies->pdata, cut->tallies->len, &run->ropts,
                               fk_input_name(job->in), part->diag);
      g_ptr_array_set_size(cut->tallies, 0);
    }
    fk_diag_note_deep(part->diag, fk_input_name(job->in), cut->deep,
                      fk_name_max_depth(&run->ropts));
    g_ptr_array_add(parts, part);
  }
  count_read(run, job, job->in, TRUE);
  g_clear_pointer(&job->in, fk_input_free);
  cut_free(run, g_steal_pointer(&job->cut));
  finish_parts(run, job, parts);
}

/* Closes STATE (NULL: none open) of PIECE, the one at INDEX, keeping what
 * it counted for the input's notes; frees PIECE's copy of the carry. What
 * the reader kept for the thread's next piece (FkPiece.keep) stays. */
static void
piece_close(Cut *cut, gpointer state, FkPiece *piece, guint index)
{
  if (state != NULL) {
    cut->reader->close(state);
    __atomic_fetch_add(&cut->deep, piece->deep_stacks, __ATOMIC_RELAXED);
    g_mutex_lock(&cut->lock);
    cut->tallies->pdata[index] = piece->tally;
    g_mutex_unlock(&cut->lock);
  }
  g_free(piece->carry.host);
  g_free(piece->carry.event);
  *piece = (FkPiece){.keep = piece->keep, .keep_free = piece->keep_free};
}

/* One worker's share of a cut input: pieces taken in order until none is
 * left, into one sink of its own (begun at its first piece, ended after its
 * last), each piece's reports in a part of its own. */
static void
cut_runner(Run *run, Job *job)
{
  Cut *cut = job->cut;
  const FkSink *sink = run->opts->sink;
  gpointer mine = NULL;
  guint first = 0;
  FkReadOptions ropts = run->ropts;
  FkPiece piece = {0}, next;
  FkPipelineInput pi = {0};
  FkInput *in = NULL;
  gpointer state = NULL;
  gboolean failed = FALSE;
  gsize start, end;
  guint index, open_index = 0;
  guint64 read = 0; /* bytes of the pieces MINE holds */
  if (run->progress)
    __atomic_store_n(&job->live.started, g_get_monotonic_time(), __ATOMIC_RELAXED);
  while (!failed && cut_take(run, cut, mine != NULL && first == 0, &next, &start, &end, &index)) {
    piece_close(cut, state, &piece, open_index);
    state = NULL;
    next.keep = piece.keep;
    next.keep_free = piece.keep_free;
    piece = next;
    open_index = index;
    g_clear_pointer(&in, fk_input_free);
    g_autoptr(GError) error = NULL;
    Part *part = part_new(run, FALSE, NULL);
    if (mine == NULL) {
      mine = sink_take(run);
      first = index;
      ropts.strings = sink->strings(mine);
    }
    Span *span = g_new0(Span, 1);
    span->data = cut->map + start;
    span->len = end - start;
    span->map = cut->map;
    span->fd = cut->fd;
    /* the last piece's marks would tell no piece after it */
    span->mark = cut->reader->carry != NULL && !piece.last ? cut->reader->carry_mark : 0;
    span->prev = '\n'; /* a piece begins a line */
    span->kept = &cut->marks;
    in = fk_input_new_like(job->in, span_read, NULL, span, span_free);
    ropts.piece = &piece;
    ropts.diag = part->diag;
    pi = (FkPipelineInput){.in = in, .reader = cut->reader, .diag = part->diag};
    const char *forced = host_from(run->host_from, fk_input_name(in), ropts.strings);
    pi.host = forced ? forced : fk_input_host(in) ? fk_input_host(in) : run->opts->host;
    if (index == first && sink->begin != NULL && !sink->begin(mine, &pi))
      failed = TRUE;
    if (!failed)
      state = cut->reader->open(in, &ropts, &error);
    part->handoff =
        cut->solo && index != 0 && sink->sample_elsewhere != NULL && sink->sample_elsewhere(mine);
    if (state != NULL) {
      pi.state = state;
      read_samples(run, job, state, &pi, forced, ropts.strings, mine, part, TRUE, &error);
    }
    failed |= state == NULL || part->failed;
    read += end - start;
    double ratio = (double)sink->bytes(mine) / (double)read;
    if (index != 0 && !cut->solo)
      failed |= ratio > CUT_MAX_RATIO;
    if (run->progress)
      __atomic_fetch_add(&job->live.bytes, (guint64)(end - start), __ATOMIC_RELAXED);
    drop_pages(cut->map, start, end);
    g_mutex_lock(&cut->lock);
    CutSpan *cs = &g_array_index(cut->spans, CutSpan, index);
    cs->marks = g_steal_pointer(&span->marks);
    cs->marks_lost = span->lost;
    cut->parts->pdata[index] = part;
    cut->failed |= failed;
    g_mutex_unlock(&cut->lock);
    if (index == 0)
      cut_decide(cut, ratio);
  }
  if (mine != NULL && sink->end != NULL) {
    pi.state = state;
    sink->end(mine, &pi);
  }
  piece_close(cut, state, &piece, open_index);
  if (piece.keep != NULL)
    piece.keep_free(piece.keep);
  fk_input_free(in);
  g_mutex_lock(&cut->lock);
  if (mine != NULL) {
    g_ptr_array_add(cut->sinks, GUINT_TO_POINTER(first));
    g_ptr_array_add(cut->sinks, mine);
  }
  gboolean last = --cut->runners == 0;
  g_mutex_unlock(&cut->lock);
  if (last)
    cut_finish(run, job);
}

static void
worker(gpointer data, gpointer user_data)
{
  Run *run = user_data;
  Job *job = data;
  if (job->cut != NULL) {
    cut_runner(run, job);
    return;
  }
  if (job->walk != NULL) {
    walk(run, job);
    return;
  }
  Part *part = part_new(run, TRUE, NULL);
  read_input(run, job, job->in, part);
  count_read(run, job, job->in, job->count_bytes);
  /* Let the producer go on as soon as the reader is done with the pipe. */
  g_clear_pointer(&job->in, fk_input_free);
  finish_part(run, job, part, TRUE);
}

/* Puts a job in line, waiting while too many are in flight. NOTES (may be
 * NULL): the container's reports so far, moved to the job. */
static Job *
enqueue(Run *run, FkInput *in, FkContainer *walk, FkDiag *notes, guint max_in_flight)
{
  Job *job = g_new0(Job, 1);
  job->in = in;
  job->walk = walk;
  if (in != NULL && fk_input_fd(in) >= 0 && fk_input_size(in) > 0) {
    job->live_name = g_strdup(fk_input_name(in));
    job->live_size = (guint64)fk_input_size(in);
  }
  job->notes = fk_diag_new_like(run->diag);
  fk_diag_move(job->notes, notes);
  if (walk != NULL) {
    job->walk_diag = fk_diag_new_like(run->diag);
    fk_container_set_diag(walk, job->walk_diag);
  }
  g_queue_init(&job->parts);
  g_mutex_lock(&run->lock);
  while (run->in_flight >= max_in_flight || run->held > HELD_MAX)
    g_cond_wait(&run->cond, &run->lock);
  run->in_flight++;
  job->seq = run->queued++;
  if (walk != NULL)
    run->walks = TRUE;
  g_queue_push_tail(&run->jobs, job);
  g_mutex_unlock(&run->lock);
  return job;
}

/* Copies the container's progress for the ticker (the container is the main
 * thread's alone). Called by the main thread, without the lock. */
static void
snapshot(Run *run)
{
  if (!run->progress)
    return;
  guint64 done, total;
  fk_container_progress(run->container, &done, &total);
  g_mutex_lock(&run->lock);
  run->disk_done = done;
  run->disk_total = total;
  g_mutex_unlock(&run->lock);
}

/* The next bytes of IN to pump: lent by IN where it can, as a slice of the
 * archive's decoded block they lie in (no copy), else copied into a
 * block of the run's. NULL at the end or with ERROR. */
static GBytes *
pump_next(Run *run, FkInput *in, GError **error)
{
  guint8 *lent;
  gssize n = fk_input_borrow(in, &lent, error);
  if (n > 0) {
    GBytes *slice = fk_container_lent_bytes(in, lent, (gsize)n);
    if (slice != NULL)
      return slice;
    n = MIN(n, (gssize)PUMP_BLOCK); /* lent blocks are at most that */
    guint8 *buf = fk_blocks_get(run->blocks);
    memcpy(buf, lent, (gsize)n);
    return fk_blocks_wrap(run->blocks, buf, (gsize)n);
  }
  if (n != -2)
    return NULL;
  guint8 *buf = fk_blocks_get(run->blocks);
  n = fk_input_read(in, buf, PUMP_BLOCK, error);
  if (n <= 0) {
    fk_blocks_put(run->blocks, buf);
    return NULL;
  }
  return fk_blocks_wrap(run->blocks, buf, (gsize)n);
}

/* Moves IN's bytes into P; the limits are enforced by IN itself. */
static void
pump(Run *run, FkInput *in, FkBytePipe *p)
{
  for (;;) {
    GError *error = NULL;
    GBytes *bytes = pump_next(run, in, &error);
    if (bytes == NULL) {
      fk_byte_pipe_close(p, error);
      return;
    }
    if (run->progress) { /* merges hold the lock: do not wait for them otherwise */
      g_mutex_lock(&run->lock);
      run->bytes_done += (guint64)g_bytes_get_size(bytes);
      g_mutex_unlock(&run->lock);
      snapshot(run);
    }
    if (!fk_byte_pipe_write(p, bytes)) {
      fk_byte_pipe_close(p, NULL);
      return;
    }
  }
}

/* Gives the progress to the callback; with LAST, the final time. Called
 * with run->lock held. */
static void
show_progress(Run *run, gboolean last)
{
  FkPipelineProgress p = {
      .inputs = run->members_done,
      .bytes = run->bytes_done,
      .samples = run->samples_done,
      .disk_done = run->disk_done,
      .disk_total = run->disk_total,
  };
  const Job *single = NULL; /* the one input being read, when there is one of known size */
  guint reading = 0;
  for (GList *l = run->jobs.head; l != NULL; l = l->next) {
    Job *job = l->data;
    p.bytes += __atomic_load_n(&job->live.bytes, __ATOMIC_RELAXED);
    p.samples += __atomic_load_n(&job->live.samples, __ATOMIC_RELAXED);
    if (__atomic_load_n(&job->live.started, __ATOMIC_RELAXED) != 0) {
      reading++;
      single = job->live_size > 0 ? job : NULL;
    }
  }
  if (reading != 1)
    single = NULL;
  gint64 now = g_get_monotonic_time();
  p.elapsed = now - run->started;
  if (single != NULL) {
    p.single = single->live_name;
    p.single_size = single->live_size;
    p.single_bytes = __atomic_load_n(&single->live.bytes, __ATOMIC_RELAXED);
    p.single_elapsed = now - __atomic_load_n(&single->live.started, __ATOMIC_RELAXED);
  }
  run->opts->progress(run->opts->data, &p, last);
}

/* The ticker thread: calls the progress callback every TICK_US until told
 * to stop. */
static gpointer
ticker(gpointer data)
{
  Run *run = data;
  g_mutex_lock(&run->lock);
  while (!run->stop) {
    gint64 until = g_get_monotonic_time() + TICK_US;
    while (!run->stop && g_get_monotonic_time() < until)
      g_cond_wait_until(&run->tick, &run->lock, until);
    if (!run->stop)
      show_progress(run, FALSE);
  }
  g_mutex_unlock(&run->lock);
  return NULL;
}

gboolean
fk_pipeline_run(char *const *paths, const FkPipelineOptions *opts, FkDiag *diag)
{
  static char *stdin_only[] = {(char *)"-", NULL};
  if (paths == NULL || paths[0] == NULL)
    paths = stdin_only;
  g_return_val_if_fail(opts->sink != NULL, FALSE);
  Run run = {0};
  run.opts = opts;
  run.ropts = opts->read;
  run.diag = diag;
  run.ok = TRUE;
  g_mutex_init(&run.lock);
  g_cond_init(&run.cond);
  g_cond_init(&run.tick);
  g_queue_init(&run.jobs);
  run.spare = g_ptr_array_new();
  run.blocks = fk_blocks_new(PUMP_BLOCK);
  if (opts->host_from != NULL)
    run.host_from = g_regex_new(opts->host_from, G_REGEX_OPTIMIZE, 0, NULL);
  run.progress = opts->progress != NULL;
  run.started = g_get_monotonic_time();

  FkContainerOptions copts = opts->container;
  /* The container reports to a diag of its own, moved to the job it was
   * on its way to, so that every report comes out in input order. */
  g_autoptr(FkDiag) cdiag = fk_diag_new_like(diag);
  copts.diag = cdiag;
  /* `perf archive` tarballs among the inputs: their .build-id members serve
   * the readers that want symbol files. A tarball named before its capture
   * is complete when the capture is read: the container walks inputs in
   * order, and such a reader waits for archives read on other threads
   * (wait_for_earlier). */
  g_autoptr(FkSymbolFiles) symbol_files = NULL;
  if (copts.side_file == NULL) {
    symbol_files = fk_symbol_files_new();
    copts.side_file = fk_symbol_files_side_file;
    copts.side_file_data = symbol_files;
    run.ropts.symbol_files = symbol_files;
  }
  guint jobs = opts->jobs > 0 ? opts->jobs : g_get_num_processors();
  /* Several archives are read at once, each on a worker, but only when the
   * order members are counted in cannot change what a run-wide limit
   * leaves out (so the result is the same for every -j). */
  FkContainerOptions defaults;
  fk_container_options_init(&defaults);
  copts.detach_archives = jobs > 1 && symbol_files != NULL &&
                          copts.max_total == defaults.max_total &&
                          copts.max_members == defaults.max_members;
  /* The archive this thread walks hands its members' bytes to the workers
   * as they were decoded, without a copy (one tar.zst of many hosts). */
  copts.lend_members = jobs > 1;
  g_autoptr(FkContainer) container = fk_container_new(paths, &copts);

  guint max_in_flight = 3 * jobs;
  GThreadPool *pool = NULL;
  if (jobs > 1)
    pool = g_thread_pool_new(worker, &run, (gint)jobs, TRUE, NULL);
  run.container = container;
  snapshot(&run);
  if (run.progress)
    run.ticker = g_thread_new("progress", ticker, &run);
  for (;;) {
    g_autoptr(GError) error = NULL;
    FkInput *in = NULL;
    FkContainerStatus st = fk_container_next(container, &in, &error);
    snapshot(&run);
    if (st == FK_CONTAINER_END)
      break;
    if (st == FK_CONTAINER_FAILED) {
      Job *job = enqueue(&run, NULL, NULL, cdiag, G_MAXUINT);
      Part *part = part_new(&run, FALSE, NULL);
      fail(part, g_strdup(error->message));
      finish_part(&run, job, part, TRUE);
      continue;
    }
    if (st == FK_CONTAINER_ARCHIVE) {
      /* Read on a worker, members and all, while this thread goes on. */
      Job *job = enqueue(&run, NULL, fk_container_detach(container), cdiag, max_in_flight);
      g_thread_pool_push(pool, job, NULL);
    } else if (pool == NULL) {
      Job *job = enqueue(&run, in, NULL, cdiag, max_in_flight);
      job->count_bytes = TRUE;
      worker(job, &run);
    } else if (fk_input_fd(in) >= 0) {
      /* A file on disk: the worker reads it directly; one big enough to
       * cut, every worker reads pieces of it. */
      Cut *cut = cut_new(&run, in, jobs);
      Job *job = enqueue(&run, in, NULL, cdiag, max_in_flight);
      job->count_bytes = TRUE;
      job->cut = cut;
      for (guint i = 0; i < (cut != NULL ? jobs : 1); i++)
        g_thread_pool_push(pool, job, NULL);
    } else {
      FkBytePipe *p = fk_byte_pipe_new(PIPE_CAP);
      FkInput *relay = fk_input_new_like(in, fk_byte_pipe_read, fk_byte_pipe_lend,
                                         fk_byte_pipe_ref(p), fk_byte_pipe_unref);
      Job *job = enqueue(&run, relay, NULL, cdiag, max_in_flight);
      g_thread_pool_push(pool, job, NULL);
      pump(&run, in, p);
      fk_byte_pipe_unref(p);
      fk_input_free(in);
    }
  }
  if (pool != NULL)
    g_thread_pool_free(pool, FALSE, TRUE);
  g_mutex_lock(&run.lock);
  merge_ready(&run);
  g_mutex_unlock(&run.lock);
  fk_diag_move(diag, cdiag); /* what the last archive's end reported */
  if (run.ticker != NULL) {
    g_mutex_lock(&run.lock);
    run.stop = TRUE;
    g_cond_signal(&run.tick);
    g_mutex_unlock(&run.lock);
    g_thread_join(run.ticker);
    snapshot(&run);
    g_mutex_lock(&run.lock);
    show_progress(&run, TRUE);
    g_mutex_unlock(&run.lock);
  }
  g_assert(g_queue_is_empty(&run.jobs));
  if (opts->note_unused_symbol_files && symbol_files != NULL &&
      fk_symbol_files_count(symbol_files) > 0 && !g_atomic_int_get(&run.symbol_files_wanted))
    fk_diag_note(diag, "perf archive",
                 "%u symbol files of perf archive tarballs (.build-id) not used: no perf.data "
                 "was read after them",
                 fk_symbol_files_count(symbol_files));
  for (guint i = 0; i < run.spare->len; i++)
    sink_free(&run, g_ptr_array_index(run.spare, i));
  g_ptr_array_unref(run.spare);
  fk_blocks_free(run.blocks);
  if (run.host_from)
    g_regex_unref(run.host_from);
  g_cond_clear(&run.tick);
  g_mutex_clear(&run.lock);
  g_cond_clear(&run.cond);
  return run.ok;
}
