/* read.c -- the reading pipeline: container -> readers -> collectors, in parallel.
 *
 * The main thread walks the container and hands out jobs, in input order,
 * to a GThreadPool of -j workers:
 *   - a file on disk: the worker reads it directly;
 *   - an archive file on disk that is not the last thing to read: detached
 *     from the container, a worker reads it whole (decompression and all),
 *     member after member, while the main thread goes on: several archives
 *     are decompressed at once;
 *   - a member of the last archive (or of stdin): the main thread
 *     decompresses it into a bounded pipe of recycled blocks, which the
 *     worker's reader borrows without copying, so decompression overlaps
 *     parsing.
 * Each input is read into a part: its own collector (with its own interner:
 * the interner is not thread safe; collectors are emptied and reused), its
 * errors and its own diag. Parts are merged into the caller's collector
 * strictly in input order, their messages printed and their reports moved
 * in that order, so the tree, stdout and stderr are the same for every -j.
 * Memory stays bounded: at most 3*j jobs reading at once, and jobs ahead of
 * the merge hold at most HELD_MAX bytes of parts before they wait.
 *
 * Progress (stderr a terminal, no -q): a ticker thread redraws one line a
 * few times a second, from what the readers publish as they go (bytes and
 * samples of the input being read, every LIVE_EVERY samples), so that one
 * big input moves the line too. It prints under the run's lock, as the
 * merges do, and messages clear the line before they print. */
#include "cmd.h"

#include "../formats/perf/symfiles.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define PIPE_CAP (8u << 20)
#define LIVE_EVERY 1024 /* samples between two live progress updates */
#define TICK_US 250000  /* the progress line is redrawn at most this often */
#define PUMP_BLOCK (64u << 10)

/* ---- blocks: recycled, so that pumping does not fault in fresh pages ---- */

/* Blocks are carved from 2 MiB arenas, in huge pages where the kernel gives
 * them on request: one page fault per arena instead of one per 4 KiB (on a
 * VM, the faults of the first few megabytes in flight cost more than a
 * small archive's decompression). */
#define ARENA_SIZE ((gsize)2 << 20)

typedef struct {
  GMutex lock;
  GSList *free;   /* guint8[PUMP_BLOCK] */
  GSList *arenas; /* what to free at the end */
} Blocks;

static Blocks blocks; /* one reading at a time: commands read their inputs (or a diff's two
                       * sides) one after the other */

static guint8 *
block_get(void)
{
  g_mutex_lock(&blocks.lock);
  if (blocks.free == NULL) {
    void *arena = NULL;
    if (posix_memalign(&arena, ARENA_SIZE, ARENA_SIZE) != 0)
      g_error("out of memory for %zu bytes", (size_t)ARENA_SIZE);
#ifdef MADV_HUGEPAGE
    (void)madvise(arena, ARENA_SIZE, MADV_HUGEPAGE);
#endif
    blocks.arenas = g_slist_prepend(blocks.arenas, arena);
    for (gsize off = 0; off + PUMP_BLOCK <= ARENA_SIZE; off += PUMP_BLOCK)
      blocks.free = g_slist_prepend(blocks.free, (guint8 *)arena + off);
  }
  guint8 *b = blocks.free->data;
  blocks.free = g_slist_delete_link(blocks.free, blocks.free);
  g_mutex_unlock(&blocks.lock);
  return b;
}

static void
block_put(gpointer b)
{
  g_mutex_lock(&blocks.lock);
  blocks.free = g_slist_prepend(blocks.free, b);
  g_mutex_unlock(&blocks.lock);
}

static void
blocks_clear(void)
{
  g_mutex_lock(&blocks.lock);
  g_slist_free(g_steal_pointer(&blocks.free));
  g_slist_free_full(g_steal_pointer(&blocks.arenas), free);
  g_mutex_unlock(&blocks.lock);
}

/* ---- a bounded byte pipe from the main thread to one worker ---- */

typedef struct {
  gint refs;
  GMutex lock;
  GCond cond;
  GQueue chunks; /* GBytes* */
  gsize queued;
  GBytes *cur;
  gsize cur_pos;
  GBytes *lent; /* lent to the reader until its next read or lend */
  gboolean eof;
  gboolean abandoned; /* the reader stopped: the producer discards */
  GError *error;
} Pipe;

static Pipe *
pipe_new(void)
{
  Pipe *p = g_new0(Pipe, 1);
  p->refs = 1;
  g_mutex_init(&p->lock);
  g_cond_init(&p->cond);
  g_queue_init(&p->chunks);
  return p;
}

static void
pipe_unref(gpointer data)
{
  Pipe *p = data;
  /* Either side letting go wakes the other: a producer waiting for room
   * learns that the reader has gone. The side that drops the last
   * reference is the last to touch P. */
  g_mutex_lock(&p->lock);
  p->abandoned = TRUE;
  g_cond_broadcast(&p->cond);
  gboolean last = --p->refs == 0;
  g_mutex_unlock(&p->lock);
  if (!last)
    return;
  g_queue_clear_full(&p->chunks, (GDestroyNotify)g_bytes_unref);
  if (p->cur)
    g_bytes_unref(p->cur);
  if (p->lent)
    g_bytes_unref(p->lent);
  g_clear_error(&p->error);
  g_mutex_clear(&p->lock);
  g_cond_clear(&p->cond);
  g_free(p);
}

/* Waits for bytes: TRUE when p->cur holds some, FALSE at the end (with
 * *RESULT 0) or on an error (-1). Called with the lock held. */
static gboolean
pipe_wait(Pipe *p, gssize *result, GError **error)
{
  g_clear_pointer(&p->lent, g_bytes_unref);
  for (;;) {
    if (p->cur != NULL)
      return TRUE;
    if (!g_queue_is_empty(&p->chunks)) {
      p->cur = g_queue_pop_head(&p->chunks);
      p->cur_pos = 0;
      p->queued -= g_bytes_get_size(p->cur);
      g_cond_broadcast(&p->cond);
      continue;
    }
    if (p->error != NULL) {
      g_set_error_literal(error, p->error->domain, p->error->code, p->error->message);
      *result = -1;
      return FALSE;
    }
    if (p->eof) {
      *result = 0;
      return FALSE;
    }
    g_cond_wait(&p->cond, &p->lock);
  }
}

/* Lends the next chunk as it is: the blocks are ours (block_get), so the
 * reader may write to them. */
static gssize
pipe_lend(gpointer data, guint8 **out, GError **error)
{
  Pipe *p = data;
  gssize n = 0;
  g_mutex_lock(&p->lock);
  if (pipe_wait(p, &n, error)) {
    gsize size;
    guint8 *d = (guint8 *)g_bytes_get_data(p->cur, &size);
    *out = d + p->cur_pos;
    n = (gssize)(size - p->cur_pos);
    p->lent = g_steal_pointer(&p->cur);
  }
  g_mutex_unlock(&p->lock);
  return n;
}

static gssize
pipe_read(gpointer data, void *buf, gsize len, GError **error)
{
  Pipe *p = data;
  gssize n = 0;
  g_mutex_lock(&p->lock);
  if (pipe_wait(p, &n, error)) {
    gsize size;
    const guint8 *d = g_bytes_get_data(p->cur, &size);
    n = (gssize)MIN(len, size - p->cur_pos);
    memcpy(buf, d + p->cur_pos, (gsize)n);
    p->cur_pos += (gsize)n;
    if (p->cur_pos == size)
      g_clear_pointer(&p->cur, g_bytes_unref);
  }
  g_mutex_unlock(&p->lock);
  return n;
}

/* Queues BYTES (taken); FALSE when the reader has gone. */
static gboolean
pipe_write(Pipe *p, GBytes *bytes)
{
  g_mutex_lock(&p->lock);
  while (p->queued >= PIPE_CAP && !p->abandoned)
    g_cond_wait(&p->cond, &p->lock);
  gboolean ok = !p->abandoned;
  if (ok) {
    p->queued += g_bytes_get_size(bytes);
    g_queue_push_tail(&p->chunks, bytes);
    g_cond_broadcast(&p->cond);
  } else {
    g_bytes_unref(bytes);
  }
  g_mutex_unlock(&p->lock);
  return ok;
}

static void
pipe_close(Pipe *p, GError *error)
{
  g_mutex_lock(&p->lock);
  p->eof = TRUE;
  p->error = error;
  g_cond_broadcast(&p->cond);
  g_mutex_unlock(&p->lock);
}

/* ---- jobs: what is read in order ---- */

/* One input read: its samples, and its errors to print in order. */
typedef struct {
  FkCollector *result;  /* NULL for a container error */
  GPtrArray *messages;  /* char* */
  FkDiag *diag;         /* the container's and the reader's reports */
  gboolean failed;
  gsize held;           /* counted in Run.held */
  FkInputFacts facts;   /* what its input held, when the command keeps facts */
  gboolean has_facts;
} Part;

/* Live progress of the input a job is reading, published with atomic stores
 * by the reading thread, read by the ticker. */
typedef struct {
  guint64 bytes;   /* read so far of the current input (when not pumped) */
  guint64 samples; /* read so far of the current input */
  gint64 started;  /* monotonic time the current input's reading began, or 0 */
} Live;

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
  char *live_name;      /* a file on disk of known size: named with its share done */
  guint64 live_size;
} Job;

/* Jobs behind the next to merge hold what they read until it is their
 * turn; past this many bytes of it, walk jobs and the producer wait, so
 * that memory stays bounded whatever the inputs hold. */
#define HELD_MAX ((gsize)64 << 20)

typedef struct {
  const FkInputOptions *opts;
  FkReadOptions ropts; /* strings is set per part */
  FkCollector *collector;
  FkDiag *diag;
  GRegex *host_from;
  GMutex lock;
  GCond cond;
  GQueue jobs; /* Job*, input order; the head is the next to merge */
  guint64 queued;      /* jobs queued so far (the next seq) */
  guint64 merged;      /* jobs merged so far: every seq below is done */
  guint in_flight;     /* jobs not done reading */
  gboolean walks;      /* some jobs are detached archives */
  gsize held;          /* bytes of the parts read ahead of the merge */
  GPtrArray *spare; /* FkCollector*: merged parts' collectors, emptied for reuse */
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
  gint perf_data_read; /* atomic: a perf.data reader ran (perf archive files used) */
} Run;

/* A part whose diag starts with what CONTAINER_DIAG holds. */
static Part *
part_new(Run *run, gboolean collect, FkDiag *container_diag)
{
  Part *part = g_new0(Part, 1);
  part->messages = g_ptr_array_new_with_free_func(g_free);
  part->diag = fk_diag_new_like(run->diag);
  if (container_diag != NULL)
    fk_diag_move(part->diag, container_diag);
  if (collect) {
    g_mutex_lock(&run->lock);
    if (run->spare->len > 0)
      part->result = g_ptr_array_steal_index_fast(run->spare, run->spare->len - 1);
    g_mutex_unlock(&run->lock);
    if (part->result == NULL)
      part->result = fk_collector_new(NULL, fk_collector_options(run->collector));
  }
  return part;
}

static void
part_free(Part *part)
{
  if (part->has_facts)
    fk_input_facts_clear(&part->facts);
  fk_collector_free(part->result);
  g_ptr_array_unref(part->messages);
  fk_diag_free(part->diag);
  g_free(part);
}

static void
job_free(Job *job)
{
  fk_input_free(job->in);
  fk_container_free(job->walk);
  fk_diag_free(job->walk_diag);
  fk_diag_free(job->notes);
  g_free(job->live_name);
  g_queue_clear_full(&job->parts, (GDestroyNotify)part_free);
  g_free(job);
}

/* Fills in the labels a reader left unknown, and applies --host-from. */
static void
label(Run *run, FkInput *in, FkInterner *strings, const char **host_from, FkSample *s)
{
  if (*host_from != NULL)
    s->host = *host_from;
  else if (s->host == NULL && in->host != NULL)
    s->host = fk_interner_intern0(strings, in->host);
  else if (s->host == NULL && run->opts->host != NULL)
    s->host = fk_interner_intern0(strings, run->opts->host);
  if (s->file == NULL)
    s->file = fk_interner_intern0(strings, in->name);
}

/* A perf.data capture uses the symbol files of the `perf archive` tarballs
 * named before it: when archives are read on other threads, wait until
 * everything before JOB has been read. */
static void
wait_for_earlier(Run *run, Job *job)
{
  g_mutex_lock(&run->lock);
  if (run->walks)
    while (run->merged < job->seq)
      g_cond_wait(&run->cond, &run->lock);
  g_mutex_unlock(&run->lock);
}

/* Reads IN into PART->result. Messages go to PART, not to stderr, so that
 * they come out in input order whatever thread reads what. */
static void
read_input(Run *run, Job *job, FkInput *in, Part *part)
{
  g_autoptr(GError) error = NULL;
  FkReadOptions ropts = run->ropts;
  ropts.strings = fk_collector_strings(part->result);
  ropts.diag = part->diag;
  const FkReader *reader = fk_input_options_reader(run->opts, in, &error);
  if (error != NULL) {
    g_ptr_array_add(part->messages, g_strdup(error->message));
    part->failed = TRUE;
    return;
  }
  const guint8 *head;
  if (fk_input_peek(in, 1, &head, NULL) == 0) {
    /* Not an empty profile: what should have been there is missing. */
    fk_diag_skip(part->diag, in->name, NULL, "no recognised input: it is empty");
    return;
  }
  if (reader == NULL) {
    fk_diag_skip(part->diag, in->name, NULL, "no reader recognizes this input; skipped");
    return;
  }
  const char *host_from = fk_input_options_host_from(run->host_from, in->name, ropts.strings);
  /* The facts outputs name units and inputs by; the labels are compared as
   * interned pointers while reading and copied at the end. */
  FkInputFacts *facts = run->opts->facts != NULL ? &part->facts : NULL;
  const char *first_host = NULL, *first_event = NULL;
  if (facts != NULL) {
    part->has_facts = TRUE;
    facts->path = g_strdup(in->path ? in->path : in->name);
    facts->name = g_strdup(in->name);
    facts->reader = reader->name;
  }
  if (reader == &fk_reader_perf_data) {
    g_atomic_int_set(&run->perf_data_read, 1);
    wait_for_earlier(run, job);
  }
  gpointer state = reader->open(in, &ropts, &error);
  if (state == NULL) {
    g_ptr_array_add(part->messages, g_strdup(error->message));
    part->failed = TRUE;
    return;
  }
  gboolean live_bytes = run->progress && (job->walk != NULL || job->count_bytes);
  if (run->progress)
    __atomic_store_n(&job->live.started, g_get_monotonic_time(), __ATOMIC_RELAXED);
  guint64 n = 0;
  FkSample s;
  for (;;) {
    FkReadStatus st = reader->next(state, &s, &error);
    if (st == FK_READ_END)
      break;
    if (st == FK_READ_ERROR) {
      /* Under --strict the skip is already in the diag, with its location. */
      if (!g_error_matches(error, FK_READER_ERROR, FK_READER_ERROR_STRICT))
        g_ptr_array_add(part->messages, g_strdup(error->message));
      part->failed = TRUE;
      break;
    }
    label(run, in, ropts.strings, &host_from, &s);
    if (facts != NULL) {
      if (facts->samples++ == 0) {
        first_host = s.host;
        first_event = s.event;
      }
      facts->hosts_differ |= s.host != first_host;
      facts->events_differ |= s.event != first_event;
      facts->period |= s.period;
      facts->counts |= !s.period;
      fk_input_facts_add(facts, &s.weight);
    }
    if (!fk_collector_add(part->result, &s, &error)) {
      g_ptr_array_add(part->messages, g_strdup_printf("%s: %s", in->name, error->message));
      part->failed = TRUE;
      break;
    }
    if (run->progress && (++n % LIVE_EVERY) == 0) {
      __atomic_store_n(&job->live.samples, n, __ATOMIC_RELAXED);
      if (live_bytes)
        __atomic_store_n(&job->live.bytes, fk_input_offset(in), __ATOMIC_RELAXED);
    }
  }
  if (run->progress)
    __atomic_store_n(&job->live.samples, n, __ATOMIC_RELAXED);
  reader->close(state);
  if (facts != NULL) {
    facts->host = g_strdup(first_host);
    facts->event = g_strdup(first_event);
  }
}

/* Bytes of IN read: a reader that maps the file (perf.data) consumes
 * nothing through IN, and has read all of it. */
static guint64
input_bytes(FkInput *in)
{
  guint64 off = fk_input_offset(in);
  if (in->fd >= 0 && in->size > 0 && (guint64)in->size > off)
    off = (guint64)in->size;
  return off;
}

/* Prints PART's messages, moves its reports and merges its samples. */
static gboolean
merge_part(Run *run, Part *part)
{
  gboolean ok = !part->failed;
  fk_diag_move(run->diag, part->diag);
  if (part->has_facts) { /* moved: the array owns the strings now */
    g_array_append_val(run->opts->facts, part->facts);
    part->has_facts = FALSE;
  }
  for (guint i = 0; i < part->messages->len; i++)
    fk_cmd_error("%s", (const char *)g_ptr_array_index(part->messages, i));
  if (part->result != NULL) {
    g_autoptr(GError) error = NULL;
    if (!fk_collector_merge(run->collector, part->result, &error)) {
      fk_cmd_error("%s", error->message);
      ok = FALSE;
    }
    /* Reused: a fresh tree per member faults in (and gives back) its
     * pages every time, which costs the most with several threads. */
    if (!fk_collector_reset(part->result))
      g_clear_pointer(&part->result, fk_collector_free);
  }
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
      gboolean member = part->result != NULL;
      if (!merge_part(run, part))
        run->ok = FALSE;
      if (member)
        run->members_done++;
      if (part->result != NULL)
        g_ptr_array_add(run->spare, g_steal_pointer(&part->result));
      part_free(part);
      g_cond_broadcast(&run->cond); /* less held: the producer, walk jobs */
      continue;
    }
    if (!job->done)
      break;
    g_queue_pop_head(&run->jobs);
    run->merged = job->seq + 1;
    job_free(job);
    g_cond_broadcast(&run->cond); /* the producer, walk jobs held back, perf.data */
  }
}

/* Hands PART (may be NULL) of JOB over for merging; LAST: JOB is done. A
 * walk job ahead of the merge waits there when it has read enough. */
static void
finish_part(Run *run, Job *job, Part *part, gboolean last)
{
  if (part != NULL && part->result != NULL)
    part->held = fk_collector_bytes(part->result);
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
    run->bytes_done += input_bytes(in);
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
      g_ptr_array_add(part->messages, g_strdup(error ? error->message : "cannot read archive"));
      part->failed = TRUE;
    }
    finish_part(run, job, part, FALSE);
  }
  /* The last part: what the archive's end reported (symbol files nobody used). */
  g_clear_pointer(&job->walk, fk_container_free);
  finish_part(run, job, part_new(run, FALSE, job->walk_diag), TRUE);
}

static void
worker(gpointer data, gpointer user_data)
{
  Run *run = user_data;
  Job *job = data;
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
  if (in != NULL && in->fd >= 0 && in->size > 0) {
    job->live_name = g_strdup(in->name);
    job->live_size = (guint64)in->size;
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

/* A copy of IN's description reading from PIPE. */
static FkInput *
pipe_input(FkInput *in, Pipe *p)
{
  g_mutex_lock(&p->lock);
  p->refs++;
  g_mutex_unlock(&p->lock);
  FkInput *out = fk_input_new_stream(in->name, pipe_read, p, pipe_unref);
  out->lend = pipe_lend;
  g_free(out->path);
  out->path = g_strdup(in->path);
  out->member = g_strdup(in->member);
  out->host = g_strdup(in->host);
  out->size = in->size;
  return out;
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

/* Moves IN's bytes into P; the limits are enforced by IN itself. */
static void
pump(Run *run, FkInput *in, Pipe *p)
{
  for (;;) {
    guint8 *buf = block_get();
    GError *error = NULL;
    gssize n = fk_input_read(in, buf, PUMP_BLOCK, &error);
    if (n <= 0) {
      block_put(buf);
      pipe_close(p, error);
      return;
    }
    if (run->progress) { /* merges hold the lock: do not wait for them otherwise */
      g_mutex_lock(&run->lock);
      run->bytes_done += (guint64)n;
      g_mutex_unlock(&run->lock);
      snapshot(run);
    }
    if (!pipe_write(p, g_bytes_new_with_free_func(buf, (gsize)n, block_put, buf))) {
      pipe_close(p, NULL);
      return;
    }
  }
}

/* BYTES in KiB, MiB or GiB with one decimal, into BUF. */
static const char *
size_text(guint64 bytes, char *buf, gsize size)
{
  if (bytes < ((guint64)1 << 20))
    g_snprintf(buf, size, "%.1f KiB", (double)bytes / 1024);
  else if (bytes < ((guint64)1 << 30))
    g_snprintf(buf, size, "%.1f MiB", (double)bytes / (1 << 20));
  else
    g_snprintf(buf, size, "%.2f GiB", (double)bytes / (1 << 30));
  return buf;
}

/* Draws the progress line; with LAST, the final one and its newline. Called
 * with run->lock held. */
static void
show_progress(Run *run, gboolean last)
{
  guint64 members = run->members_done, bytes = run->bytes_done, samples = run->samples_done;
  const Job *single = NULL; /* the one input being read, when there is one of known size */
  guint reading = 0;
  for (GList *l = run->jobs.head; l != NULL; l = l->next) {
    Job *job = l->data;
    guint64 b = __atomic_load_n(&job->live.bytes, __ATOMIC_RELAXED);
    bytes += b;
    samples += __atomic_load_n(&job->live.samples, __ATOMIC_RELAXED);
    if (__atomic_load_n(&job->live.started, __ATOMIC_RELAXED) != 0) {
      reading++;
      single = job->live_size > 0 ? job : NULL;
    }
  }
  if (reading != 1)
    single = NULL;
  guint64 done = run->disk_done, total = run->disk_total;
  gint64 now = g_get_monotonic_time();
  double secs = (double)(now - run->started) / 1e6;
  double rate = secs > 0 ? (double)bytes / secs / (1 << 20) : 0;
  g_autofree char *where = NULL;
  if (!last && single != NULL) {
    /* Within one big file: its share read, and what is left of it. */
    guint64 b = MIN(__atomic_load_n(&single->live.bytes, __ATOMIC_RELAXED), single->live_size);
    double in_secs = (double)(now - __atomic_load_n(&single->live.started, __ATOMIC_RELAXED)) / 1e6;
    g_autofree char *eta = NULL;
    if (b > 0 && in_secs > 0.5)
      eta = g_strdup_printf(", %.0f s left", in_secs * (double)(single->live_size - b) / (double)b);
    g_autofree char *name = fk_cmd_printable(single->live_name); /* names come from inputs */
    where = g_strdup_printf(", %.0f%% of %s%s", 100.0 * (double)b / (double)single->live_size,
                            name, eta ? eta : "");
  } else if (!last && done > 0 && total > done && secs > 0.5) {
    where = g_strdup_printf(", %.0f s left", secs * (double)(total - done) / (double)done);
  }
  char sbuf[32];
  fprintf(stderr,
          "\r\033[Kflamekit: %s: %" G_GUINT64_FORMAT " %s, %" G_GUINT64_FORMAT
          " %s, %s, %.1f MiB/s%s%s",
          fk_cmd_name ? fk_cmd_name : "read", members, members == 1 ? "input" : "inputs", samples,
          samples == 1 ? "sample" : "samples", size_text(bytes, sbuf, sizeof sbuf), rate,
          where ? where : "", last ? "\n" : "");
  fflush(stderr);
  fk_cmd_progress_shown = !last;
}

/* The ticker thread: redraws the line every TICK_US until told to stop. */
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
fk_cmd_read_inputs(char **paths, const FkInputOptions *opts, FkCollector *collector,
                   FkDiag *diag)
{
  static char *stdin_only[] = {(char *)"-", NULL};
  if (paths == NULL || paths[0] == NULL)
    paths = stdin_only;
  Run run = {0};
  run.opts = opts;
  fk_input_options_to_read(opts, &run.ropts);
  run.ropts.diag = diag;
  run.collector = collector;
  run.diag = diag;
  run.ok = TRUE;
  g_mutex_init(&run.lock);
  g_cond_init(&run.cond);
  g_queue_init(&run.jobs);
  run.spare = g_ptr_array_new_with_free_func((GDestroyNotify)fk_collector_free);
  if (opts->host_from != NULL)
    run.host_from = g_regex_new(opts->host_from, G_REGEX_OPTIMIZE, 0, NULL);
  run.progress = !opts->quiet && isatty(STDERR_FILENO);
  run.started = g_get_monotonic_time();

  FkContainerOptions copts;
  fk_input_options_to_container(opts, &copts);
  /* The container reports to a diag of its own, moved to the job it was
   * on its way to, so that every report comes out in input order. */
  g_autoptr(FkDiag) cdiag = fk_diag_new_like(diag);
  copts.diag = cdiag;
  copts.side_file = opts->side_file;
  copts.side_file_data = opts->side_file_data;
  /* `perf archive` tarballs among the inputs: their .build-id members serve
   * the perf.data readers' symbolizers. A tarball named before its capture
   * is complete when the capture is read: the container walks inputs in
   * order, and a perf.data reader waits for archives read on other threads
   * (wait_for_earlier). */
  g_autoptr(FkSymbolFiles) symbol_files = NULL;
  if (copts.side_file == NULL) {
    symbol_files = fk_symbol_files_new();
    copts.side_file = fk_symbol_files_side_file;
    copts.side_file_data = symbol_files;
    run.ropts.symbol_files = symbol_files;
  }
  guint jobs = opts->jobs > 0 ? (guint)opts->jobs : g_get_num_processors();
  /* Several archives are read at once, each on a worker, but only when the
   * order members are counted in cannot change what a run-wide limit
   * leaves out (so the result is the same for every -j). */
  FkContainerOptions defaults;
  fk_container_options_init(&defaults);
  copts.detach_archives = jobs > 1 && symbol_files != NULL &&
                          copts.max_total == defaults.max_total &&
                          copts.max_members == defaults.max_members;
  g_autoptr(FkContainer) container = fk_container_new(paths, &copts);

  guint max_in_flight = 3 * jobs;
  GThreadPool *pool = NULL;
  if (jobs > 1)
    pool = g_thread_pool_new(worker, &run, (gint)jobs, TRUE, NULL);
  fk_cmd_stdin_hint(paths, opts);
  run.container = container;
  g_cond_init(&run.tick);
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
      g_ptr_array_add(part->messages, g_strdup(error->message));
      part->failed = TRUE;
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
    } else if (in->fd >= 0) {
      /* A file on disk: the worker reads it directly. */
      Job *job = enqueue(&run, in, NULL, cdiag, max_in_flight);
      job->count_bytes = TRUE;
      g_thread_pool_push(pool, job, NULL);
    } else {
      Pipe *p = pipe_new();
      Job *job = enqueue(&run, pipe_input(in, p), NULL, cdiag, max_in_flight);
      g_thread_pool_push(pool, job, NULL);
      pump(&run, in, p);
      pipe_unref(p);
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
  g_cond_clear(&run.tick);
  g_assert(g_queue_is_empty(&run.jobs));
  if (symbol_files != NULL && fk_symbol_files_count(symbol_files) > 0 &&
      !g_atomic_int_get(&run.perf_data_read))
    fk_diag_note(diag, "perf archive",
                 "%u symbol files of perf archive tarballs (.build-id) not used: no perf.data "
                 "was read after them",
                 fk_symbol_files_count(symbol_files));
  blocks_clear();
  g_ptr_array_unref(run.spare);
  if (run.host_from)
    g_regex_unref(run.host_from);
  g_mutex_clear(&run.lock);
  g_cond_clear(&run.cond);
  return run.ok;
}
