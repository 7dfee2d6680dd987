/* read.c -- what commands do around the reading pipeline (formats/pipeline.h):
 * the input options mapped to the pipeline's, a sink that collects samples
 * into a collector (and the facts outputs name units by), the messages
 * printed as they come, and the progress line drawn. The reading itself
 * (threads, pipes, order) is the pipeline's. */
#include "cmd.h"

#include "../formats/pipeline.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

void
fk_cmd_pipeline_options(const FkInputOptions *opts, FkPipelineOptions *popts,
                        FkPerfDataOptions *perf_data)
{
  fk_pipeline_options_init(popts);
  FkContainerOptions *copts = &popts->container;
  copts->max_total = (guint64)opts->max_total;
  copts->max_member = (guint64)opts->max_member;
  copts->max_nesting = (guint)opts->max_nesting;
  copts->max_members = (guint64)opts->max_members;
  copts->max_ratio = (guint64)opts->max_ratio;
  copts->max_buffer = (guint64)opts->max_buffer;
  copts->side_file = opts->side_file;
  copts->side_file_data = opts->side_file_data;

  FkReadOptions *ropts = &popts->read;
  ropts->strict = opts->strict;
  ropts->max_line = (gsize)opts->max_line;
  ropts->max_depth = (gsize)opts->max_depth;
  ropts->weight = opts->weight == NULL                   ? FK_WEIGHT_DEFAULT
                  : strcmp(opts->weight, "samples") == 0 ? FK_WEIGHT_SAMPLES
                                                         : FK_WEIGHT_PERIOD;
  ropts->include_pid = opts->pid;
  ropts->include_tid = opts->tid;
  ropts->annotate_kernel = opts->kernel || opts->all;
  ropts->annotate_jit = opts->jit || opts->all;
  ropts->include_addrs = opts->addrs;
  ropts->event_filter = opts->event_filter;
  ropts->include_offset = opts->includeoffset;
  ropts->strip_offsets = opts->strip_offsets;
  ropts->symbolize = &opts->symbolize;
  memset(perf_data, 0, sizeof *perf_data);
  perf_data->dso_only = opts->dso_only;
  perf_data->max_buffer = (guint64)opts->max_buffer;
  perf_data->threads = opts->jobs == 1 ? 1 : 0;
  ropts->own[FK_READER_SLOT_PERF_DATA] = perf_data;

  popts->format = opts->format != NULL ? fk_reader_lookup(opts->format) : NULL;
  popts->jobs = opts->jobs > 0 ? (guint)opts->jobs : 0;
  popts->host = opts->host;
  popts->host_from = opts->host_from;
}

/* ---- the sink: samples into collectors, merged into the command's ---- */

typedef struct {
  const FkInputOptions *opts;
  FkCollector *collector;
} Reading;

/* One input's samples, and its facts when the command keeps them. */
typedef struct {
  const FkInputOptions *opts;
  FkCollector *collector;
  FkInputFacts facts;
  gboolean has_facts;
  /* compared as interned pointers while reading, copied at the end */
  const char *first_host, *first_event;
} Part;

static gpointer
part_open(gpointer data)
{
  Reading *r = data;
  Part *part = g_new0(Part, 1);
  part->opts = r->opts;
  part->collector = fk_collector_new(NULL, fk_collector_options(r->collector));
  return part;
}

static FkInterner *
part_strings(gpointer sink)
{
  return fk_collector_strings(((Part *)sink)->collector);
}

static gboolean
part_begin(gpointer sink, const FkPipelineInput *pi)
{
  Part *part = sink;
  if (pi->empty || pi->reader == NULL || part->opts->facts == NULL)
    return TRUE;
  part->has_facts = TRUE;
  part->facts.path =
      g_strdup(fk_input_path(pi->in) ? fk_input_path(pi->in) : fk_input_name(pi->in));
  part->facts.name = g_strdup(fk_input_name(pi->in));
  part->facts.reader = pi->reader->name;
  part->first_host = part->first_event = NULL;
  return TRUE;
}

static gboolean
part_sample(gpointer sink, const FkPipelineInput *pi, const FkSample *s, GError **error)
{
  (void)pi;
  Part *part = sink;
  if (part->has_facts) {
    FkInputFacts *facts = &part->facts;
    if (facts->samples++ == 0) {
      part->first_host = s->host;
      part->first_event = s->event;
    }
    facts->hosts_differ |= s->host != part->first_host;
    facts->events_differ |= s->event != part->first_event;
    facts->period |= s->period;
    facts->counts |= !s->period;
    fk_input_facts_add(facts, &s->weight);
  }
  return fk_collector_add(part->collector, s, error);
}

static void
part_coming(gpointer sink, const FkSample *s)
{
  fk_collector_coming(((Part *)sink)->collector, s);
}

static void
part_end(gpointer sink, const FkPipelineInput *pi)
{
  Part *part = sink;
  if (part->has_facts && pi->state != NULL) {
    part->facts.host = g_strdup(part->first_host);
    part->facts.event = g_strdup(part->first_event);
  }
}

static gsize
part_bytes(gpointer sink)
{
  return fk_collector_bytes(((Part *)sink)->collector);
}

static gboolean
part_merge(gpointer data, gpointer sink, FkDiag *diag, GError **error)
{
  (void)diag; /* the pipeline moves it to the run's */
  Reading *r = data;
  Part *part = sink;
  if (part->has_facts) { /* moved: the array owns the strings now */
    g_array_append_val(r->opts->facts, part->facts);
    memset(&part->facts, 0, sizeof part->facts);
    part->has_facts = FALSE;
  }
  return fk_collector_merge(r->collector, part->collector, error);
}

static void
part_free(gpointer sink)
{
  Part *part = sink;
  if (part->has_facts)
    fk_input_facts_clear(&part->facts);
  fk_collector_free(part->collector);
  g_free(part);
}

static gboolean
part_reset(gpointer sink)
{
  Part *part = sink;
  if (part->has_facts) {
    fk_input_facts_clear(&part->facts);
    memset(&part->facts, 0, sizeof part->facts);
    part->has_facts = FALSE;
  }
  /* Reused: a fresh tree per member faults in (and gives back) its pages
   * every time, which costs the most with several threads. */
  return fk_collector_reset(part->collector);
}

/* OTHER read later pieces of SINK's input (one big file read by every
 * worker): its samples and facts are SINK's too. */
static gboolean
part_join(gpointer sink, gpointer other, GError **error)
{
  Part *part = sink, *o = other;
  if (part->has_facts && o->has_facts && o->facts.samples > 0) {
    FkInputFacts *f = &part->facts;
    const FkInputFacts *g = &o->facts;
    if (f->samples == 0) {
      g_free(f->host);
      g_free(f->event);
      f->host = g_strdup(g->host);
      f->event = g_strdup(g->event);
    }
    f->hosts_differ |= g->hosts_differ || g_strcmp0(f->host, g->host) != 0;
    f->events_differ |= g->events_differ || g_strcmp0(f->event, g->event) != 0;
    f->period |= g->period;
    f->counts |= g->counts;
    f->samples += g->samples;
    FkWeight w = {{g->total, 0}, 1, (guint8)g->decimals};
    fk_input_facts_add(f, &w);
  }
  return fk_collector_merge(part->collector, o->collector, error);
}

static gboolean
part_sample_elsewhere(gpointer sink)
{
  return !fk_collector_interns(((Part *)sink)->collector);
}

static const FkSink collect_sink = {
    .open = part_open,
    .strings = part_strings,
    .begin = part_begin,
    .sample = part_sample,
    .end = part_end,
    .bytes = part_bytes,
    .merge = part_merge,
    .reset = part_reset,
    .free = part_free,
    .join = part_join,
    .sample_elsewhere = part_sample_elsewhere,
    .coming = part_coming,
};

/* ---- messages and the progress line ---- */

static void
print_message(gpointer data, gpointer sink, const char *msg)
{
  (void)data;
  (void)sink;
  fk_cmd_error("%s", msg);
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

/* Draws the progress line; with LAST, the final one and its newline. */
static void
print_progress(gpointer data, const FkPipelineProgress *p, gboolean last)
{
  (void)data;
  guint64 members = p->inputs, bytes = p->bytes, samples = p->samples;
  guint64 done = p->disk_done, total = p->disk_total;
  double secs = (double)p->elapsed / 1e6;
  double rate = secs > 0 ? (double)bytes / secs / (1 << 20) : 0;
  g_autofree char *where = NULL;
  if (!last && p->single != NULL) {
    /* Within one big file: its share read, and what is left of it. */
    guint64 b = MIN(p->single_bytes, p->single_size);
    double in_secs = (double)p->single_elapsed / 1e6;
    g_autofree char *eta = NULL;
    if (b > 0 && in_secs > 0.5)
      eta = g_strdup_printf(", %.0f s left", in_secs * (double)(p->single_size - b) / (double)b);
    g_autofree char *name = fk_cmd_printable(p->single); /* names come from inputs */
    where = g_strdup_printf(", %.0f%% of %s%s", 100.0 * (double)b / (double)p->single_size, name,
                            eta ? eta : "");
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

gboolean
fk_cmd_read_inputs(char **paths, const FkInputOptions *opts, FkCollector *collector, FkDiag *diag)
{
  FkPipelineOptions popts;
  FkPerfDataOptions perf_data;
  fk_cmd_pipeline_options(opts, &popts, &perf_data);
  Reading reading = {.opts = opts, .collector = collector};
  /* A flame chart's collector keeps input order: its inputs are never cut,
   * so its sink does not join. The copy lives until fk_pipeline_run returns. */
  FkSink sink = collect_sink;
  if (fk_collector_options(collector)->tree_flags & FK_TREE_SEQUENTIAL)
    sink.join = NULL;
  popts.sink = &sink;
  popts.sink_data = &reading;
  popts.message = print_message;
  if (!opts->quiet && isatty(STDERR_FILENO))
    popts.progress = print_progress;
  popts.note_unused_symbol_files = TRUE;
  fk_cmd_stdin_hint(paths, opts);
  return fk_pipeline_run(paths, &popts, diag);
}
