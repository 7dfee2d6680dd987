/* test-pipeline.c -- the reading pipeline: the same sink calls, in the same
 * order, for every number of threads; a sink or an input that fails stops
 * only its own input; limits reached mid-run are reported and what came
 * before them stands.
 *
 * Every input is made here, in a temporary directory: folded files, an
 * empty one, one no reader claims, and tar archives (written with
 * libarchive) among them and last, so that files read by workers,
 * archives detached to workers and members pumped through byte pipes are
 * all exercised. */
#include "../../formats/perf/symfiles.h"
#include "../../formats/pipeline.h"

#include <archive.h>
#include <archive_entry.h>
#include <glib/gstdio.h>
#include <string.h>

/* ---- inputs ---- */

static char *
write_file(const char *dir, const char *name, const char *text, gssize len)
{
  char *path = g_build_filename(dir, name, NULL);
  g_assert_true(g_file_set_contents(path, text, len, NULL));
  return path;
}

/* Folded text for input I: enough distinct lines that a reader takes a
 * while, with I in every frame so that inputs can be told apart. */
static char *
folded(guint i, guint lines)
{
  GString *s = g_string_new(NULL);
  for (guint k = 0; k < lines; k++)
    g_string_append_printf(s, "main;in%u;f%u %u\n", i, k % 7, k + 1);
  return g_string_free(s, FALSE);
}

/* A tar at PATH with N members named m00..., each folded(BASE + k); with
 * SIDE, members of a `perf archive` tarball instead (.build-id/...). */
static void
write_tar_of(const char *path, guint base, guint n, gboolean side)
{
  struct archive *a = archive_write_new();
  archive_write_set_format_pax_restricted(a);
  g_assert_cmpint(archive_write_open_filename(a, path), ==, ARCHIVE_OK);
  for (guint k = 0; k < n; k++) {
    g_autofree char *name = side ? g_strdup_printf(".build-id/%02x/%038u", base + k, k)
                                 : g_strdup_printf("m%02u.folded", k);
    g_autofree char *text = folded(base + k, 50 + k);
    struct archive_entry *e = archive_entry_new();
    archive_entry_set_pathname(e, name);
    archive_entry_set_size(e, (la_int64_t)strlen(text));
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    g_assert_cmpint(archive_write_header(a, e), ==, ARCHIVE_OK);
    g_assert_cmpint(archive_write_data(a, text, strlen(text)), ==, (la_ssize_t)strlen(text));
    archive_entry_free(e);
  }
  archive_write_close(a);
  archive_write_free(a);
}

static void
write_tar(const char *path, guint base, guint n)
{
  write_tar_of(path, base, n, FALSE);
}

typedef struct {
  char *dir;
  GPtrArray *paths; /* char*, NULL-terminated: the inputs in order */
} Inputs;

static void
inputs_free(Inputs *in)
{
  for (guint i = 0; i + 1 < in->paths->len; i++)
    g_unlink(g_ptr_array_index(in->paths, i));
  g_ptr_array_unref(in->paths);
  g_rmdir(in->dir);
  g_free(in->dir);
}

/* 24 folded files, an empty one and an unclaimed one among them, two
 * archives in the middle and one last. */
static void
inputs_many(Inputs *in)
{
  in->dir = g_dir_make_tmp("fk-pipeline-XXXXXX", NULL);
  g_assert_nonnull(in->dir);
  in->paths = g_ptr_array_new_with_free_func(g_free);
  for (guint i = 0; i < 24; i++) {
    g_autofree char *name = g_strdup_printf("f%02u.folded", i);
    static const char binary[] = "\x00\x01\x02\x03 no reader claims this \x00\xff";
    g_autofree char *text = i == 5 || i == 9 ? g_strdup("") : folded(i, 100 + 37 * i);
    g_ptr_array_add(in->paths, i == 9 ? write_file(in->dir, name, binary, sizeof binary)
                                      : write_file(in->dir, name, text, -1));
    if (i == 10 || i == 17) {
      char *tar = g_strdup_printf("%s/a%02u.tar", in->dir, i);
      write_tar(tar, 100 * i, 6);
      g_ptr_array_add(in->paths, tar);
    }
  }
  char *tar = g_strdup_printf("%s/last.tar", in->dir);
  write_tar(tar, 900, 12);
  g_ptr_array_add(in->paths, tar);
  g_ptr_array_add(in->paths, NULL);
}

/* ---- a sink that writes down every call that reaches the caller ---- */

typedef struct {
  GString *log;        /* merges, messages and the diag, in the order they came */
  const char *stop_in; /* sample() fails in the input whose name ends so */
  guint stop_after;    /* ... after this many samples */
  guint merged;
} Log;

typedef struct {
  Log *log;
  FkInterner *strings;
  GString *text; /* this input's calls */
  guint samples;
} Rec;

static gpointer
rec_open(gpointer data)
{
  Rec *r = g_new0(Rec, 1);
  r->log = data;
  r->strings = fk_interner_new();
  r->text = g_string_new(NULL);
  return r;
}

static FkInterner *
rec_strings(gpointer sink)
{
  return ((Rec *)sink)->strings;
}

static gboolean
rec_begin(gpointer sink, const FkPipelineInput *pi)
{
  Rec *r = sink;
  g_string_append_printf(r->text, "begin %s reader=%s empty=%d host=%s\n", fk_input_name(pi->in),
                         pi->reader ? pi->reader->name : "-", pi->empty, pi->host ? pi->host : "-");
  return TRUE;
}

static gboolean
rec_sample(gpointer sink, const FkPipelineInput *pi, const FkSample *s, GError **error)
{
  Rec *r = sink;
  if (r->log->stop_in != NULL && g_str_has_suffix(fk_input_name(pi->in), r->log->stop_in) &&
      r->samples == r->log->stop_after) {
    g_set_error_literal(error, G_FILE_ERROR, G_FILE_ERROR_INTR, "the sink asked to stop");
    return FALSE;
  }
  r->samples++;
  g_string_append_printf(r->text, "  %s", s->file);
  for (gsize i = 0; i < s->n_frames; i++)
    g_string_append_printf(r->text, "%s%s", i ? ";" : " ", s->frames[i]);
  g_string_append_printf(r->text, " %" G_GINT64_FORMAT "\n", s->weight.v[0]);
  return TRUE;
}

static void
rec_end(gpointer sink, const FkPipelineInput *pi)
{
  Rec *r = sink;
  g_string_append_printf(r->text, "end %s open=%d error=%s\n", fk_input_name(pi->in),
                         pi->state != NULL, pi->error ? pi->error->message : "-");
}

static gsize
rec_bytes(gpointer sink)
{
  return ((Rec *)sink)->text->len;
}

static gboolean
rec_merge(gpointer data, gpointer sink, FkDiag *diag, GError **error)
{
  (void)diag;
  (void)error;
  Log *log = data;
  Rec *r = sink;
  log->merged++;
  g_string_append(log->log, r->text->str);
  return TRUE;
}

static gboolean
rec_reset(gpointer sink)
{
  Rec *r = sink;
  g_string_truncate(r->text, 0);
  r->samples = 0;
  return TRUE;
}

static void
rec_free(gpointer sink)
{
  Rec *r = sink;
  fk_interner_unref(r->strings);
  g_string_free(r->text, TRUE);
  g_free(r);
}

static const FkSink rec_sink = {
    .open = rec_open,
    .strings = rec_strings,
    .begin = rec_begin,
    .sample = rec_sample,
    .end = rec_end,
    .bytes = rec_bytes,
    .merge = rec_merge,
    .reset = rec_reset,
    .free = rec_free,
};

static void
rec_message(gpointer data, gpointer sink, const char *msg)
{
  Log *log = data;
  g_string_append_printf(log->log, "message%s %s\n", sink ? "" : " (container)", msg);
}

/* What a run with JOBS threads gave, every call in order; *OK its result. */
static char *
run(char **paths, guint jobs, Log *log, void (*tune)(FkPipelineOptions *), gboolean *ok)
{
  log->log = g_string_new(NULL);
  log->merged = 0;
  FkPipelineOptions opts;
  fk_pipeline_options_init(&opts);
  opts.jobs = jobs;
  opts.sink = &rec_sink;
  opts.sink_data = log;
  opts.message = rec_message;
  opts.data = log;
  opts.host = "fallback";
  if (tune != NULL)
    tune(&opts);
  g_autoptr(FkDiag) diag = fk_diag_new(100);
  *ok = fk_pipeline_run(paths, &opts, diag);
  GPtrArray *msgs = fk_diag_messages(diag);
  for (guint i = 0; i < msgs->len; i++)
    g_string_append_printf(log->log, "diag %s\n", (const char *)g_ptr_array_index(msgs, i));
  g_string_append_printf(log->log, "skipped %" G_GUINT64_FORMAT "\n", fk_diag_skipped(diag));
  return g_string_free(g_steal_pointer(&log->log), FALSE);
}

/* ---- ordering ---- */

static void
test_order(void)
{
  Inputs in;
  inputs_many(&in);
  char **paths = (char **)in.paths->pdata;
  Log log = {0};
  gboolean ok1, ok2, ok4;
  g_autofree char *one = run(paths, 1, &log, NULL, &ok1);
  guint merged = log.merged;
  g_autofree char *two = run(paths, 2, &log, NULL, &ok2);
  g_autofree char *four = run(paths, 4, &log, NULL, &ok4);
  g_assert_cmpstr(two, ==, one);
  g_assert_cmpstr(four, ==, one);
  g_assert_true(ok1 && ok2 && ok4);
  /* 24 files, 2 x 6 members and 12 more: every one reached the sink */
  g_assert_cmpuint(merged, ==, 24 + 12 + 12);
  /* in input order: f09 before the first archive's members, those before f11 */
  const char *a10 = strstr(one, "a10.tar:m00.folded reader=folded");
  const char *a10_last = strstr(one, "a10.tar:m05.folded reader=folded");
  const char *f11 = strstr(one, "f11.folded reader=folded");
  const char *last = strstr(one, "last.tar:m11.folded reader=folded");
  g_assert_true(a10 != NULL && a10_last != NULL && f11 != NULL && last != NULL);
  g_assert_true(strstr(one, "f09.folded reader=") < a10);
  g_assert_true(a10 < a10_last && a10_last < f11 && f11 < last);
  /* the empty and the unclaimed input are skips, not sink failures */
  g_assert_nonnull(strstr(one, "f05.folded reader=folded empty=1"));
  g_assert_nonnull(strstr(one, "f09.folded reader=- empty=0"));
  g_assert_nonnull(strstr(one, "f05.folded: no recognised input: it is empty"));
  g_assert_nonnull(strstr(one, "f09.folded: no reader recognizes this input; skipped"));
  g_assert_nonnull(strstr(one, "skipped 2\n"));
  /* samples are labelled: the file, and --host for inputs without a host */
  g_assert_nonnull(strstr(one, "f23.folded main;in23;f0 1\n"));
  g_assert_nonnull(strstr(one, "f23.folded reader=folded empty=0 host=fallback"));
  /* members are named after their archive, which names their host */
  g_assert_nonnull(strstr(one, "last.tar:m11.folded reader=folded empty=0 host=last"));
  inputs_free(&in);
}

/* ---- cancellation ---- */

static void
test_stop(void)
{
  Inputs in;
  inputs_many(&in);
  char **paths = (char **)in.paths->pdata;
  /* a path that cannot be opened, among the others */
  g_autofree char *missing = g_build_filename(in.dir, "missing.folded", NULL);
  g_ptr_array_insert(in.paths, 3, g_strdup(missing));
  paths = (char **)in.paths->pdata;
  Log log = {.stop_in = "f12.folded", .stop_after = 3};
  gboolean ok1, ok2;
  g_autofree char *one = run(paths, 1, &log, NULL, &ok1);
  g_autofree char *two = run(paths, 2, &log, NULL, &ok2);
  g_assert_cmpstr(two, ==, one);
  g_assert_false(ok1);
  g_assert_false(ok2);
  /* the sink's stop ends f12 after 3 samples, with its message, */
  g_autofree char *stopped =
      g_strdup_printf("message %s/f12.folded: the sink asked to stop\n", in.dir);
  g_assert_nonnull(strstr(one, stopped));
  g_assert_nonnull(strstr(one, "f12.folded main;in12;f2 3\nend "));
  g_assert_null(strstr(one, "f12.folded main;in12;f3 4\n"));
  g_assert_nonnull(strstr(one, "f12.folded open=1 error=the sink asked to stop\n"));
  /* the missing path is the container's failure, */
  g_assert_nonnull(strstr(one, "message (container) "));
  g_assert_nonnull(strstr(one, "missing.folded"));
  /* and every other input is read whole: the last line of the last one */
  g_assert_nonnull(strstr(one, "f13.folded main;in13;f6 581\n")); /* k = 580 */
  g_assert_nonnull(strstr(one, "last.tar:m11.folded main;in911;f4 61\n"));
  inputs_free(&in);
}

/* ---- limits ---- */

static void
members_10(FkPipelineOptions *opts)
{
  opts->container.max_members = 10;
}

static void
member_bytes(FkPipelineOptions *opts)
{
  opts->container.max_member = 2000;
}

static void
total_bytes(FkPipelineOptions *opts)
{
  opts->container.max_total = 2500;
}

static void
test_limits(void)
{
  Inputs in;
  inputs_many(&in);
  char **paths = (char **)in.paths->pdata;
  Log log = {0};
  gboolean ok1, ok2;
  /* the run stops at the 11th input: reported once, the first 10 kept */
  g_autofree char *one = run(paths, 1, &log, members_10, &ok1);
  guint merged = log.merged;
  g_autofree char *two = run(paths, 2, &log, members_10, &ok2);
  g_assert_cmpstr(two, ==, one);
  g_assert_false(ok1 || ok2);
  g_assert_cmpuint(merged, ==, 10);
  g_assert_nonnull(strstr(one, "f09.folded reader=-"));
  g_assert_nonnull(strstr(one, "f09.folded reader=- empty=0"));
  g_assert_null(strstr(one, "f10.folded reader="));
  g_assert_nonnull(strstr(one, "the limit of 10 members and files was reached (--max-members)"));
  /* a member past 2000 bytes stops there, reported; the others are whole */
  g_autofree char *cut1 = run(paths, 1, &log, member_bytes, &ok1);
  merged = log.merged;
  g_autofree char *cut2 = run(paths, 2, &log, member_bytes, &ok2);
  g_assert_cmpstr(cut2, ==, cut1);
  g_assert_false(ok1 || ok2);
  g_assert_cmpuint(merged, ==, 24 + 12 + 12);
  g_assert_nonnull(strstr(cut1, "f23.folded: larger than the limit of 2000 bytes "
                                "(--max-member-bytes); the first 2000 bytes were read"));
  g_assert_nonnull(strstr(cut1, "f00.folded main;in0;f1 100\n")); /* smaller: whole */
  g_assert_nonnull(strstr(cut1, "last.tar:m11.folded main;in911;f4 61\n"));
  /* the run stops in the first archive's third member: what came before
   * stands, with the message, the same for every -j */
  g_autofree char *total1 = run(paths, 1, &log, total_bytes, &ok1);
  g_autofree char *total2 = run(paths, 2, &log, total_bytes, &ok2);
  g_assert_cmpstr(total2, ==, total1);
  g_assert_false(ok1 || ok2);
  g_assert_nonnull(strstr(total1, "a10.tar:m01.folded open=1 error=-\n"));
  g_assert_nonnull(strstr(total1,
                          "a10.tar:m02.folded: the limit of 2500 decompressed bytes in all "
                          "was reached (--max-total-bytes); this and the rest are skipped"));
  g_assert_nonnull(strstr(total1, "f10.folded main;in10;f0 470\n"));
  g_assert_null(strstr(total1, "f11.folded"));
  g_assert_null(strstr(total1, "last.tar"));
  inputs_free(&in);
}

/* ---- what readers ask for ---- */

/* A reader that wants symbol files: it notes how many it was given when
 * it opened, and yields one sample. */
static guint wants_seen[8];
static guint wants_opened;

static int
wants_bid(const guint8 *head, gsize len)
{
  (void)head;
  (void)len;
  return 0;
}

static gpointer
wants_open(FkInput *in, const FkReadOptions *opts, GError **error)
{
  (void)in;
  (void)error;
  g_assert_nonnull(opts->symbol_files);
  wants_seen[wants_opened++ % G_N_ELEMENTS(wants_seen)] = fk_symbol_files_count(opts->symbol_files);
  static int state;
  state = 1;
  return &state;
}

static FkReadStatus
wants_next(gpointer state, FkSample *s, GError **error)
{
  (void)error;
  int *left = state;
  if (*left == 0)
    return FK_READ_END;
  (*left)--;
  static const char *frames[] = {"main"};
  fk_sample_init(s);
  s->frames = frames;
  s->n_frames = 1;
  return FK_READ_SAMPLE;
}

static void
wants_close(gpointer state)
{
  (void)state;
}

static const FkReader wants_reader = {
    .name = "wants",
    .bid = wants_bid,
    .open = wants_open,
    .next = wants_next,
    .close = wants_close,
    .flags = FK_READER_WANTS_SYMBOL_FILES,
};

static void
use_wants(FkPipelineOptions *opts)
{
  opts->format = &wants_reader;
}

/* `perf archive` tarballs before a capture are read whole before it, even
 * when workers read them: the reader that wants symbol files gets them
 * all, whichever reader it is. */
static void
test_symbol_files(void)
{
  Inputs in;
  in.dir = g_dir_make_tmp("fk-pipeline-XXXXXX", NULL);
  in.paths = g_ptr_array_new_with_free_func(g_free);
  for (guint t = 0; t < 3; t++) {
    char *tar = g_strdup_printf("%s/perf%u.data.tar", in.dir, t);
    write_tar_of(tar, 16 * t, 40 + 20 * t, TRUE);
    g_ptr_array_add(in.paths, tar);
  }
  g_ptr_array_add(in.paths, write_file(in.dir, "capture", "x", -1));
  g_ptr_array_add(in.paths, NULL);
  for (guint jobs = 1; jobs <= 4; jobs++) {
    Log log = {0};
    gboolean ok;
    wants_opened = 0;
    g_autofree char *out = run((char **)in.paths->pdata, jobs, &log, use_wants, &ok);
    g_assert_true(ok);
    g_assert_cmpuint(wants_opened, ==, 1);
    g_assert_cmpuint(wants_seen[0], ==, 40 + 60 + 80);
    g_assert_nonnull(strstr(out, "capture main 1\n"));
  }
  inputs_free(&in);
}

/* ---- one big input cut in pieces ---- */

/* A sink that adds up the weight of every stack (so that the order the
 * pieces' samples arrive in does not show) and joins. */
typedef struct {
  GHashTable *stacks; /* "FILE HOST STACK" -> gint64* weight */
  GString *log;
  guint joins, begins;
  guint64 samples;
  gsize per_stack; /* what a sink says each of its stacks costs (FkSink.bytes); 0: 8 */
} Tally;

typedef struct {
  Tally *run;
  FkInterner *strings;
  GHashTable *stacks;
  guint begins;
  guint64 samples;
  char *name;
  GThread *reader; /* the thread begin ran on: the reader's */
  GQueue coming;   /* leaves of the samples told of (FkSink.coming), not given yet */
} TallySink;

/* FkSink.sample_elsewhere's answer (test_cut_solo_handoff); samples that
 * came on another thread than the reader's; the stack whose sample the sink
 * refuses (NULL: none). */
static gboolean tally_elsewhere;
static gint samples_elsewhere;
static gint samples_told; /* FkSink.coming's calls */
static const char *tally_refuse;

static gboolean
tally_sample_elsewhere(gpointer sink)
{
  (void)sink;
  return tally_elsewhere;
}

static GHashTable *
stacks_new(void)
{
  return g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
}

static void
stacks_add(GHashTable *to, const char *key, gint64 w)
{
  gint64 *v = g_hash_table_lookup(to, key);
  if (v == NULL) {
    v = g_new0(gint64, 1);
    g_hash_table_insert(to, g_strdup(key), v);
  }
  *v += w;
}

static void
stacks_move(GHashTable *to, GHashTable *from)
{
  GHashTableIter it;
  gpointer k, v;
  g_hash_table_iter_init(&it, from);
  while (g_hash_table_iter_next(&it, &k, &v))
    stacks_add(to, k, *(gint64 *)v);
  g_hash_table_remove_all(from);
}

static gpointer
tally_open(gpointer data)
{
  TallySink *t = g_new0(TallySink, 1);
  t->run = data;
  t->strings = fk_interner_new();
  t->stacks = stacks_new();
  return t;
}

static FkInterner *
tally_strings(gpointer sink)
{
  return ((TallySink *)sink)->strings;
}

static gboolean
tally_begin(gpointer sink, const FkPipelineInput *pi)
{
  TallySink *t = sink;
  t->begins++;
  t->reader = g_thread_self();
  g_free(t->name);
  t->name = g_strdup(fk_input_name(pi->in));
  return TRUE;
}

static gboolean
tally_sample(gpointer sink, const FkPipelineInput *pi, const FkSample *s, GError **error)
{
  (void)pi;
  TallySink *t = sink;
  if (g_thread_self() != t->reader) {
    g_atomic_int_inc(&samples_elsewhere);
    /* told of first, in order */
    g_assert_false(g_queue_is_empty(&t->coming));
    g_assert_true(g_queue_pop_head(&t->coming) ==
                  (s->n_frames > 0 ? s->frames[s->n_frames - 1] : NULL));
  }
  GString *k = g_string_new(NULL);
  g_string_append_printf(k, "%s %s ", s->file, s->host ? s->host : "-");
  for (gsize i = 0; i < s->n_frames; i++)
    g_string_append_printf(k, "%s%s", i ? ";" : "", s->frames[i]);
  if (tally_refuse != NULL && s->n_frames > 0 &&
      strcmp(s->frames[s->n_frames - 1], tally_refuse) == 0) {
    g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "refused %s", tally_refuse);
    g_string_free(k, TRUE);
    return FALSE;
  }
  stacks_add(t->stacks, k->str, s->weight.v[0]);
  g_string_free(k, TRUE);
  t->samples++;
  return TRUE;
}

static gsize
tally_bytes(gpointer sink)
{
  TallySink *t = sink;
  return g_hash_table_size(t->stacks) * (t->run->per_stack ? t->run->per_stack : 8);
}

static gboolean
tally_join(gpointer sink, gpointer other, GError **error)
{
  (void)error;
  TallySink *t = sink, *o = other;
  t->run->joins++;
  stacks_move(t->stacks, o->stacks);
  t->samples += o->samples;
  return TRUE;
}

static gboolean
tally_merge(gpointer data, gpointer sink, FkDiag *diag, GError **error)
{
  (void)diag;
  (void)error;
  Tally *run = data;
  TallySink *t = sink;
  g_string_append_printf(run->log, "merge %s samples=%" G_GUINT64_FORMAT "\n", t->name, t->samples);
  run->begins += t->begins;
  run->samples += t->samples;
  stacks_move(run->stacks, t->stacks);
  return TRUE;
}

static void
tally_free(gpointer sink)
{
  TallySink *t = sink;
  fk_interner_unref(t->strings);
  g_hash_table_unref(t->stacks);
  g_queue_clear(&t->coming);
  g_free(t->name);
  g_free(t);
}

/* Only on the sink's own thread, ahead of the sample. */
static void
tally_coming(gpointer sink, const FkSample *s)
{
  TallySink *t = sink;
  g_assert_true(g_thread_self() != t->reader);
  g_atomic_int_inc(&samples_told);
  g_queue_push_tail(&t->coming, (gpointer)(s->n_frames > 0 ? s->frames[s->n_frames - 1] : NULL));
}

static const FkSink tally_sink = {
    .open = tally_open,
    .strings = tally_strings,
    .begin = tally_begin,
    .sample = tally_sample,
    .bytes = tally_bytes,
    .merge = tally_merge,
    .free = tally_free,
    .join = tally_join,
    .sample_elsewhere = tally_sample_elsewhere,
    .coming = tally_coming,
};

static void
tally_message(gpointer data, gpointer sink, const char *msg)
{
  (void)sink;
  g_string_append_printf(((Tally *)data)->log, "message %s\n", msg);
}

static int
cmp_strp(gconstpointer a, gconstpointer b)
{
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

typedef struct {
  gsize piece;
  gsize max_depth;
  gboolean strict;
  const FkReader *reader; /* NULL: folded */
  gsize per_stack;        /* Tally.per_stack */
  const char *event;      /* --event-filter */
  gsize max_line;         /* --max-line-bytes */
} CutTune;

/* The reader, counting the pieces it is opened on, and the whole inputs. */
static gint pieces_opened, wholes_opened;
static const FkReader *counted;

static gpointer
counting_open(FkInput *in, const FkReadOptions *opts, GError **error)
{
  g_atomic_int_inc(opts->piece != NULL ? &pieces_opened : &wholes_opened);
  return counted->open(in, opts, error);
}

static FkReader counting_reader;

/* What reading PATHS with JOBS threads in pieces of TUNE->piece bytes
 * gave: the merges, messages, the diag and the stacks' weights, sorted;
 * *PIECES how many pieces were read. */
static char *
run_cut(char **paths, guint jobs, const CutTune *tune, guint *pieces)
{
  counted = tune->reader != NULL ? tune->reader : &fk_reader_folded;
  counting_reader = *counted;
  counting_reader.open = counting_open;
  g_atomic_int_set(&pieces_opened, 0);
  g_atomic_int_set(&wholes_opened, 0);
  Tally t = {stacks_new(), g_string_new(NULL), 0, 0, 0, tune->per_stack};
  FkPipelineOptions opts;
  fk_pipeline_options_init(&opts);
  opts.jobs = jobs;
  opts.piece_size = tune->piece;
  opts.read.max_depth = tune->max_depth;
  opts.read.strict = tune->strict;
  opts.read.event_filter = tune->event;
  opts.read.max_line = tune->max_line;
  opts.format = &counting_reader;
  opts.sink = &tally_sink;
  opts.sink_data = &t;
  opts.message = tally_message;
  opts.data = &t;
  g_autoptr(FkDiag) diag = fk_diag_new(20);
  gboolean ok = fk_pipeline_run(paths, &opts, diag);
  GPtrArray *msgs = fk_diag_messages(diag);
  for (guint i = 0; i < msgs->len; i++)
    g_string_append_printf(t.log, "diag %s\n", (const char *)g_ptr_array_index(msgs, i));
  g_string_append_printf(t.log,
                         "ok %d skipped %" G_GUINT64_FORMAT " unshown %" G_GUINT64_FORMAT
                         " samples %" G_GUINT64_FORMAT "\n",
                         ok, fk_diag_skipped(diag), fk_diag_unshown(diag), t.samples);
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func(g_free);
  GHashTableIter it;
  gpointer k, v;
  g_hash_table_iter_init(&it, t.stacks);
  while (g_hash_table_iter_next(&it, &k, &v))
    g_ptr_array_add(lines, g_strdup_printf("%s %" G_GINT64_FORMAT, (char *)k, *(gint64 *)v));
  g_ptr_array_sort(lines, cmp_strp);
  for (guint i = 0; i < lines->len; i++)
    g_string_append_printf(t.log, "%s\n", (char *)g_ptr_array_index(lines, i));
  g_hash_table_unref(t.stacks);
  *pieces = (guint)g_atomic_int_get(&pieces_opened);
  return g_string_free(t.log, FALSE);
}

/* A folded file with what a cut must keep right: bad lines (their numbers
 * and order), CRLF and lone CR line ends, blank and comment lines, stacks
 * deeper than the limit, a line longer than a piece, and, unless ENDED, a
 * last line without its line end. */
static char *
awkward_folded(guint lines, gboolean ended)
{
  GString *s = g_string_new(NULL);
  for (guint k = 1; k <= lines; k++) {
    if (k % 17 == 0)
      g_string_append_printf(s, "line %u has no count\n", k);
    else if (k % 13 == 0)
      g_string_append_printf(s, "main;crlf%u;leaf %u\r\n", k % 5, k);
    else if (k % 11 == 0)
      g_string_append_printf(s, "main;cr%u %u\r", k % 3, k);
    else if (k % 29 == 0)
      g_string_append(s, "\n# a comment\n");
    else if (k % 31 == 0)
      g_string_append_printf(s, "main;a;b;c;d;e;deep%u %u\n", k % 4, k);
    else if (k == lines / 2) {
      g_string_append(s, "main;long");
      for (guint i = 0; i < 300; i++)
        g_string_append_printf(s, ";frame_%u", i % 9);
      g_string_append(s, " 5\n");
    } else
      g_string_append_printf(s, "main;f%u;g%u %u\n", k % 7, k % 23, k);
  }
  if (!ended)
    g_string_append(s, "main;last;unended 3");
  return g_string_free(s, FALSE);
}

static void
test_cut(void)
{
  g_autofree char *dir = g_dir_make_tmp("fk-pipeline-cut-XXXXXX", NULL);
  g_autofree char *text = awkward_folded(2000, FALSE);
  g_autofree char *big = write_file(dir, "big.folded", text, -1);
  g_autofree char *small = write_file(dir, "small.folded", "main;a 1\nmain;b 2\n", -1);
  g_autofree char *ended_text = awkward_folded(500, TRUE);
  g_autofree char *ended = write_file(dir, "ended.folded", ended_text, -1);
  char *paths[] = {small, big, ended, small, NULL};
  /* pieces of 100 bytes: hundreds of them, cut in the middle of the long
   * line and of CRLF runs; pieces of 4 KiB: a few, each with bad lines */
  const CutTune tunes[] = {{100, 4, FALSE, NULL, 0, NULL, 0},
                           {4096, 0, FALSE, NULL, 0, NULL, 0},
                           {1 << 20, 0, FALSE, NULL, 0, NULL, 0}};
  for (guint t = 0; t < G_N_ELEMENTS(tunes); t++) {
    guint joins1, joins2, joins4;
    g_autofree char *one = run_cut(paths, 1, &tunes[t], &joins1);
    g_autofree char *two = run_cut(paths, 2, &tunes[t], &joins2);
    g_autofree char *four = run_cut(paths, 4, &tunes[t], &joins4);
    g_assert_cmpstr(two, ==, one);
    g_assert_cmpstr(four, ==, one);
    g_assert_cmpuint(joins1, ==, 0);
    if (t == 0) { /* the big file in hundreds of pieces, the other in dozens */
      g_assert_cmpuint(joins2, >, 100);
      g_assert_cmpuint(joins4, >=, joins2); /* its last pieces a share of what is left */
    } else if (t == 1) { /* a few pieces of the big file only (the last ones smaller) */
      g_assert_cmpuint(joins2, >=, 2);
      g_assert_cmpuint(joins2, <, 40);
    } else { /* inputs smaller than two pieces are read whole */
      g_assert_cmpuint(joins2, ==, 0);
      g_assert_cmpuint(joins4, ==, 0);
    }
    /* the messages name the lines of the whole file, in its order */
    g_autofree char *bad17 = g_strdup_printf("diag %s:17: not a folded stack line\n", big);
    g_autofree char *bad34 = g_strdup_printf("diag %s:35: not a folded stack line\n", big);
    g_assert_nonnull(strstr(one, bad17));
    g_assert_true(strstr(one, bad17) < strstr(one, bad34));
    /* one merge per input, every line's weight there */
    g_autofree char *merge = g_strdup_printf("merge %s samples=", big);
    g_assert_nonnull(strstr(one, merge));
    g_assert_null(strstr(strstr(one, merge) + 1, merge));
    g_assert_nonnull(strstr(one, " main;last;unended 3\n"));
    if (t == 0) {
      g_autofree char *deep = g_strdup_printf("%s: 51 stacks deeper than 4 frames", big);
      g_assert_nonnull(strstr(one, deep));
    }
  }
  /* --strict: never cut, so the input ends at the first skip as at -j 1 */
  const CutTune strict = {100, 0, TRUE, NULL, 0, NULL, 0};
  guint j1, j2;
  g_autofree char *one = run_cut(paths, 1, &strict, &j1);
  g_autofree char *two = run_cut(paths, 2, &strict, &j2);
  g_assert_cmpstr(two, ==, one);
  g_assert_cmpuint(j2, ==, 0);
  g_unlink(big);
  g_unlink(small);
  g_unlink(ended);
  g_rmdir(dir);
}

/* A partial's header past the first piece: the pieces after it would not
 * know its unit and labels, so the input is read again whole. */
static void
test_cut_partial(void)
{
  g_autofree char *dir = g_dir_make_tmp("fk-pipeline-cut-XXXXXX", NULL);
  g_autofree char *head = folded(1, 400);
  GString *s = g_string_new(head);
  g_string_append(s, "# flamekit-partial version=1 unit=samples\n");
  g_string_append(s, "[host=web01];main;x 7\n");
  g_autofree char *tail = folded(2, 400);
  g_string_append(s, tail);
  g_autofree char *path = write_file(dir, "cat.folded", s->str, (gssize)s->len);
  g_string_free(s, TRUE);
  char *paths[] = {path, NULL};
  const CutTune tune = {256, 0, FALSE, NULL, 0, NULL, 0};
  guint j1, j2;
  g_autofree char *one = run_cut(paths, 1, &tune, &j1);
  g_autofree char *two = run_cut(paths, 2, &tune, &j2);
  g_assert_cmpstr(two, ==, one);
  g_assert_cmpuint(j2, >, 1); /* cut, then read again whole */
  g_assert_nonnull(strstr(one, " web01 [host=web01];main;x 7\n"));
  g_unlink(path);
  g_rmdir(dir);
}

/* ---- one perf script dump in pieces ---- */

static void add_line(GString *s, gboolean crlf, const char *fmt, ...) G_GNUC_PRINTF(3, 4);

static void
add_line(GString *s, gboolean crlf, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  g_string_append_vprintf(s, fmt, ap);
  va_end(ap);
  g_string_append(s, crlf ? "\r\n" : "\n");
}

/* A `perf script` dump of SAMPLES samples with what a cut must keep right:
 * bad event lines and bad frame lines all through it (skips with their line
 * numbers, in order), samples of another event (one note, summed), CRLF
 * samples, samples without a blank line after them, stacks deeper than 4
 * frames, one of 300 frames, a second `# hostname` header halfway (a `cat`
 * of two dumps) and, unless ENDED, a last sample without the blank line
 * after it and its last line without its line end. */
static char *
awkward_script(guint samples, gboolean ended)
{
  GString *s = g_string_new(NULL);
  add_line(s, FALSE, "# ========");
  add_line(s, FALSE, "# hostname : first-host");
  add_line(s, FALSE, "# ========");
  add_line(s, FALSE, "#");
  for (guint k = 1; k <= samples; k++) {
    gboolean crlf = k % 13 == 0;
    if (k == samples / 2) {
      add_line(s, FALSE, "# ========");
      add_line(s, FALSE, "# hostname : second-host");
      add_line(s, FALSE, "%s", "");
    }
    if (k % 17 == 0)
      add_line(s, crlf, "no event line here");
    else
      add_line(s, crlf, "app%u %u/%u [00%u] 100.%06u: %u %s: ", k % 3, 100 + k % 5, 100 + k % 5,
               k % 4, k, k, k % 23 == 0 ? "page-faults:u" : "cpu-clock:pppH");
    guint frames = k == samples / 3 ? 300 : k % 31 == 0 ? 8 : 1 + k % 4;
    for (guint f = 0; f < frames; f++) {
      if (k % 29 == 0 && f == 1)
        add_line(s, crlf, "\t    zz this is no frame line");
      add_line(s, crlf, "\t    %012x f%u_%u+0x%x (/usr/bin/app%u)", 0x400000 + f, f, k % 7, f + 1,
               k % 2);
    }
    if (k == samples) {
      if (!ended)
        g_string_truncate(s, s->len - 2); /* cut inside its last line */
      else
        add_line(s, crlf, " \t");
    } else if (k % 19 != 0) {
      add_line(s, crlf, "%s", k % 11 == 0 ? "  " : "");
    }
  }
  return g_string_free(s, FALSE);
}

/* A dump whose blank lines are far apart: one sample of many frames
 * between small ones. */
static char *
sparse_script(void)
{
  GString *s = g_string_new(NULL);
  for (guint k = 1; k <= 40; k++) {
    add_line(s, FALSE, "app %u [000] 1.%06u: 1 cpu-clock: ", k, k);
    guint frames = k == 3 ? 3000 : 2;
    for (guint f = 0; f < frames; f++)
      add_line(s, FALSE, "\t    %012x g%u+0x1 (/lib/x.so)", 0x1000 + f, f % 50);
    add_line(s, FALSE, "%s", "");
  }
  return g_string_free(s, FALSE);
}

static const char *
nth_line_start(const char *text, guint line)
{
  const char *p = text;
  for (guint i = 1; i < line && p != NULL; i++) {
    p = strchr(p, '\n');
    if (p != NULL)
      p++;
  }
  return p;
}

static void
test_cut_perf_script(void)
{
  g_autofree char *dir = g_dir_make_tmp("fk-pipeline-cut-XXXXXX", NULL);
  g_autofree char *text = awkward_script(400, FALSE);
  g_autofree char *big = write_file(dir, "big.perf", text, -1);
  g_autofree char *ended_text = awkward_script(150, TRUE);
  g_autofree char *ended = write_file(dir, "ended.perf", ended_text, -1);
  g_autofree char *sparse_text = sparse_script();
  g_autofree char *sparse = write_file(dir, "sparse.perf", sparse_text, -1);
  g_autofree char *small =
      write_file(dir, "small.perf", "app 1 [000] 1.0: 1 cpu-clock: \n\t    1 a+0x1 (/x)\n\n", -1);
  char *paths[] = {small, big, ended, sparse, small, NULL};
  g_assert_cmpuint(strlen(sparse_text), >, 100000);
  /* pieces of 100 bytes: a cut asked for inside nearly every line, each
   * sample its own piece, the skips on both sides of every cut; of 4 KiB:
   * several samples and skips each; of 1 MiB: every input is smaller than
   * two pieces, and read whole */
  for (guint t = 0; t < 3; t++) {
    static const gsize sizes[] = {100, 4096, 1 << 20};
    for (guint ev = 0; ev < 2; ev++) {
      CutTune tune = {sizes[t], 4, FALSE, &fk_reader_perf_script, 0, ev ? "page-faults" : NULL, 0};
      guint p1, p2, p4;
      g_autofree char *one = run_cut(paths, 1, &tune, &p1);
      g_autofree char *two = run_cut(paths, 2, &tune, &p2);
      g_autofree char *four = run_cut(paths, 4, &tune, &p4);
      g_assert_cmpstr(two, ==, one);
      g_assert_cmpstr(four, ==, one);
      g_assert_cmpuint(p1, ==, 0);
      if (t == 0)
        g_assert_cmpuint(p2, >, 300);
      else if (t == 1)
        g_assert_cmpuint(p2, >=, 4);
      else
        g_assert_cmpuint(p2, ==, 0);
      /* the skips name the lines of the whole dump, in its order */
      const char *bad = strstr(text, "no event line here\n");
      guint bad_line = 1;
      for (const char *q = text; q < bad; q++)
        bad_line += *q == '\n';
      g_assert_true(nth_line_start(text, bad_line) == bad);
      g_autofree char *first_bad =
          g_strdup_printf("diag %s:%u: not a perf script event line (its sample of", big, bad_line);
      g_assert_nonnull(strstr(one, first_bad));
      g_autofree char *bad_frame = g_strdup_printf("diag %s:132: not a stack frame line\n", big);
      g_assert_nonnull(strstr(one, bad_frame));
      g_assert_true(strstr(one, first_bad) < strstr(one, bad_frame));
      if (ev == 0) {
        /* the other event's samples: one note for the dump, summed */
        g_autofree char *note = g_strdup_printf(
            "diag %s: read only event 'cpu-clock'; 16 samples of other events (page-faults "
            "(16), weight ",
            big);
        g_assert_nonnull(strstr(one, note));
        g_assert_null(strstr(strstr(one, note) + 1, note));
        /* the second header's host labels the samples after it only */
        g_assert_nonnull(strstr(one, " first-host app1;f0_1 "));
        g_assert_nonnull(strstr(one, " second-host app"));
        g_autofree char *deep = g_strdup_printf("diag %s: ", big);
        g_assert_nonnull(strstr(one, "stacks deeper than 4 frames"));
        g_assert_nonnull(strstr(strstr(one, deep), "stacks deeper than 4 frames"));
      } else {
        g_autofree char *none = g_strdup_printf("diag %s: no samples of event page-faults", big);
        g_assert_null(strstr(one, none));
        g_autofree char *note =
            g_strdup_printf("diag %s: read only event 'page-faults'; 360 samples of other", big);
        g_assert_nonnull(strstr(one, note));
      }
    }
  }
  /* the sparse dump in pieces of 4 KiB: fewer pieces than 4 KiB slices, as
   * its long sample cannot be cut */
  char *sparse_only[] = {sparse, NULL};
  CutTune tune = {4096, 0, FALSE, &fk_reader_perf_script, 0, NULL, 0};
  guint p1, p2;
  g_autofree char *one = run_cut(sparse_only, 1, &tune, &p1);
  g_autofree char *two = run_cut(sparse_only, 2, &tune, &p2);
  g_assert_cmpstr(two, ==, one);
  g_assert_cmpuint(p2, >=, 2);
  g_assert_cmpuint(p2, <, strlen(sparse_text) / 4096 - 10);
  g_unlink(big);
  g_unlink(ended);
  g_unlink(sparse);
  g_unlink(small);
  g_rmdir(dir);
}

/* The corpus dumps (captures of perf 6.1), and each with CRLF line ends,
 * in pieces of 64 bytes and 1 KiB: what -j 1 gives. */
static void
test_cut_perf_script_corpus(void)
{
  const char *names[] = {"default.txt", "pidtid.txt",      "header-ns.txt",
                         "nodso.txt",   "multi-event.txt", "system-wide-cpu.txt"};
  g_autofree char *dir = g_dir_make_tmp("fk-pipeline-cut-XXXXXX", NULL);
  for (gsize i = 0; i < G_N_ELEMENTS(names); i++) {
    g_autofree char *path = g_build_filename("corpora", "perf-script", names[i], NULL);
    g_autofree char *text = NULL;
    gsize len;
    g_assert_true(g_file_get_contents(path, &text, &len, NULL));
    GString *crlf = g_string_new(NULL);
    for (gsize k = 0; k < len; k++) {
      if (text[k] == '\n')
        g_string_append_c(crlf, '\r');
      g_string_append_c(crlf, text[k]);
    }
    g_autofree char *crlf_path = write_file(dir, "crlf.txt", crlf->str, (gssize)crlf->len);
    g_string_free(crlf, TRUE);
    char *paths[] = {path, crlf_path, NULL};
    for (guint t = 0; t < 2; t++) {
      CutTune tune = {t ? 1024 : 64, 0, FALSE, &fk_reader_perf_script, 0, NULL, 0};
      guint p1, p2;
      g_autofree char *one = run_cut(paths, 1, &tune, &p1);
      g_autofree char *two = run_cut(paths, 2, &tune, &p2);
      g_assert_cmpstr(two, ==, one);
      /* a dump without events (-F without event) is read whole: its first
       * piece cannot tell the others which event they read */
      if (strcmp(names[i], "nodso.txt") == 0)
        g_assert_cmpuint(p2, ==, 0);
      else
        g_assert_cmpuint(p2, >=, 2);
    }
    g_unlink(crlf_path);
  }
  g_rmdir(dir);
}

/* A blank line longer than --max-line-bytes: a boundary for the cut, but
 * the reader skips it and its sample goes on past it, so the piece before
 * it fails and the dump is read again whole, as -j 1 reads it (the piece
 * after it would take the frame after it for a frame without its event
 * line). */
static void
test_cut_perf_script_uncut(void)
{
  g_autofree char *dir = g_dir_make_tmp("fk-pipeline-cut-XXXXXX", NULL);
  GString *s = g_string_new(NULL);
  for (guint k = 1; k <= 200; k++) {
    add_line(s, FALSE, "a %u 1.0: 1 c:", k % 10);
    add_line(s, FALSE, "\t%u f%u (/x)", k % 10, k % 7);
    if (k == 100) /* the sample goes on after it, -j 1 says */
      add_line(s, FALSE, "%s\n\t9 late (/x)", "                                        ");
    add_line(s, FALSE, "%s", "");
  }
  g_autofree char *path = write_file(dir, "long-blank.perf", s->str, (gssize)s->len);
  g_string_free(s, TRUE);
  char *paths[] = {path, NULL};
  CutTune tune = {64, 0, FALSE, &fk_reader_perf_script, 0, NULL, 16};
  guint p1, p2;
  g_autofree char *one = run_cut(paths, 1, &tune, &p1);
  g_autofree char *two = run_cut(paths, 2, &tune, &p2);
  g_assert_cmpstr(two, ==, one);
  g_assert_cmpuint(p2, >, 0);
  g_assert_cmpint(g_atomic_int_get(&wholes_opened), ==, 1);
  g_assert_nonnull(strstr(one, "long-blank.perf:300: line longer than the limit\n"));
  g_assert_nonnull(strstr(one, " a;late;f2 1\n"));
  g_unlink(path);
  g_rmdir(dir);
}

/* COPIES perf script dumps laid end to end (a `cat`), each with its
 * header naming HOSTS[i] (the same host each time, or another), and,
 * when MARKS, that many `#` lines in the middle of the second. */
static char *
catted_script(guint copies, const char *const *hosts, guint marks)
{
  GString *s = g_string_new(NULL);
  for (guint c = 0; c < copies; c++) {
    add_line(s, FALSE, "# ========");
    add_line(s, FALSE, "# hostname : %s", hosts[c]);
    add_line(s, FALSE, "# ========");
    add_line(s, FALSE, "#");
    for (guint k = 1; k <= 300; k++) {
      if (c == 1 && k == 150)
        for (guint m = 0; m < marks; m++)
          add_line(s, FALSE, "# %u", m);
      add_line(s, FALSE, "app%u %u [000] 1.%06u: 1 cpu-clock: ", k % 3, 100 + k % 5, k);
      for (guint f = 0; f < 1 + k % 4; f++)
        add_line(s, FALSE, "\t    %012x f%u_%u+0x1 (/usr/bin/app)", 0x400000 + f, f, k % 7);
      add_line(s, FALSE, "%s", "");
    }
  }
  return g_string_free(s, FALSE);
}

/* The `# hostname` headers of pieces after the first are found as their
 * workers read them and checked at the end: the same host again keeps the
 * cut; another host, or more mark lines than are kept, has the input read
 * again whole; the stacks and messages are -j 1's every time. */
static void
test_cut_perf_script_hosts(void)
{
  g_autofree char *dir = g_dir_make_tmp("fk-pipeline-cut-XXXXXX", NULL);
  static const char *const same[] = {"web1", "web1", "web1"};
  static const char *const other[] = {"web1", "web2", "web1"};
  struct {
    const char *const *hosts;
    guint marks;
    gint wholes; /* at -j 2 */
  } cases[] = {{same, 0, 0}, {other, 0, 1}, {same, 100, 0}, {same, 70000, 1}};
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autofree char *text = catted_script(3, cases[i].hosts, cases[i].marks);
    g_autofree char *path = write_file(dir, "catted.perf", text, -1);
    char *paths[] = {path, NULL};
    CutTune tune = {4096, 0, FALSE, &fk_reader_perf_script, 0, NULL, 0};
    guint p1, p2;
    g_autofree char *one = run_cut(paths, 1, &tune, &p1);
    g_assert_cmpint(g_atomic_int_get(&wholes_opened), ==, 1);
    g_autofree char *two = run_cut(paths, 2, &tune, &p2);
    g_assert_cmpstr(two, ==, one);
    g_assert_cmpuint(p2, >, 10);
    g_assert_cmpint(g_atomic_int_get(&wholes_opened), ==, cases[i].wholes);
    g_unlink(path);
  }
  g_rmdir(dir);
}

/* Stacks that hardly repeat: the first piece's tree is big for its bytes,
 * so the worker that read it reads the rest alone, in one piece, and no
 * other worker builds a copy of its tree; stacks that repeat are cut. */
static void
test_cut_solo(void)
{
  g_autofree char *dir = g_dir_make_tmp("fk-pipeline-cut-XXXXXX", NULL);
  GString *s = g_string_new(NULL);
  for (guint k = 0; k < 4000; k++)
    g_string_append_printf(s, "main;distinct%u %u\n", k, k % 9 + 1);
  g_autofree char *path = write_file(dir, "distinct.folded", s->str, (gssize)s->len);
  g_string_free(s, TRUE);
  char *paths[] = {path, NULL};
  /* 64 bytes a stack: about 3.5 times the 18 bytes of a line */
  CutTune tune = {4096, 0, FALSE, NULL, 64, NULL, 0};
  guint p1, p2, p4;
  g_autofree char *one = run_cut(paths, 1, &tune, &p1);
  g_autofree char *two = run_cut(paths, 2, &tune, &p2);
  g_autofree char *four = run_cut(paths, 4, &tune, &p4);
  g_assert_cmpstr(two, ==, one);
  g_assert_cmpstr(four, ==, one);
  g_assert_cmpuint(p4, ==, 2);                              /* the first piece, then the rest */
  g_assert_cmpint(g_atomic_int_get(&wholes_opened), ==, 0); /* not read again whole */
  g_autofree char *again = run_cut(paths, 2, &tune, &p2);
  g_assert_cmpstr(again, ==, one);
  g_assert_cmpuint(p2, ==, 2);
  g_assert_cmpint(g_atomic_int_get(&wholes_opened), ==, 0);
  /* 16 bytes a stack, 0.9 of the line: alone too (a cut's workers would
   * build most of each other's trees) */
  tune.per_stack = 16;
  g_autofree char *near = run_cut(paths, 2, &tune, &p2);
  g_assert_cmpstr(near, ==, one);
  g_assert_cmpuint(p2, ==, 2);
  /* 8 bytes a stack, under half the line: cut in many pieces */
  tune.per_stack = 8;
  g_autofree char *cut = run_cut(paths, 2, &tune, &p2);
  g_assert_cmpstr(cut, ==, one);
  g_assert_cmpuint(p2, >, 10);
  g_unlink(path);
  g_rmdir(dir);
}

/* The rest of an input read alone goes to the sink on a thread of its
 * own when the sink allows it: the same stacks, merges and messages as
 * -j 1. A sink that fails there makes the input be read again whole, so
 * that it fails where -j 1 fails and says what -j 1 says. */
static void
test_cut_solo_handoff(void)
{
  g_autofree char *dir = g_dir_make_tmp("fk-pipeline-cut-XXXXXX", NULL);
  GString *s = g_string_new(NULL);
  for (guint k = 0; k < 40000; k++) {
    g_string_append_printf(s, "main;distinct%u %u\n", k, k % 9 + 1);
    if (k == 30000)
      g_string_append(s, "not a folded line\n");
  }
  g_autofree char *path = write_file(dir, "distinct.folded", s->str, (gssize)s->len);
  g_string_free(s, TRUE);
  char *paths[] = {path, NULL};
  CutTune tune = {4096, 0, FALSE, NULL, 64, NULL, 0};
  guint p1, p2;
  tally_elsewhere = TRUE;
  g_atomic_int_set(&samples_elsewhere, 0);
  g_atomic_int_set(&samples_told, 0);
  g_autofree char *one = run_cut(paths, 1, &tune, &p1);
  g_assert_cmpint(g_atomic_int_get(&samples_elsewhere), ==, 0);
  g_assert_cmpint(g_atomic_int_get(&samples_told), ==, 0);
  g_autofree char *two = run_cut(paths, 2, &tune, &p2);
  g_assert_cmpstr(two, ==, one);
  g_assert_cmpuint(p2, ==, 2);
  g_assert_cmpint(g_atomic_int_get(&wholes_opened), ==, 0);
  /* all but the first piece's samples (and the first of the rest's batch) */
  g_assert_cmpint(g_atomic_int_get(&samples_elsewhere), >, 30000);
  /* each told of before it came (tally_sample checks the order) */
  g_assert_cmpint(g_atomic_int_get(&samples_told), ==, g_atomic_int_get(&samples_elsewhere));
  g_assert_nonnull(strstr(one, "not a folded stack line"));
  /* the sink refuses a sample of the rest: read again whole, as -j 1 */
  tally_refuse = "distinct35000";
  g_autofree char *fail1 = run_cut(paths, 1, &tune, &p1);
  g_autofree char *fail2 = run_cut(paths, 2, &tune, &p2);
  g_assert_cmpstr(fail2, ==, fail1);
  g_assert_cmpint(g_atomic_int_get(&wholes_opened), ==, 1);
  g_assert_nonnull(strstr(fail1, "refused distinct35000"));
  tally_refuse = NULL;
  /* a sink that does not allow it: the reader's thread only */
  tally_elsewhere = FALSE;
  g_atomic_int_set(&samples_elsewhere, 0);
  g_autofree char *kept = run_cut(paths, 2, &tune, &p2);
  g_assert_cmpstr(kept, ==, one);
  g_assert_cmpint(g_atomic_int_get(&samples_elsewhere), ==, 0);
  g_unlink(path);
  g_rmdir(dir);
}

/* The pieces shrink as the input runs out (a share of what is left, down
 * to an eighth of a piece), so that the workers end together: more pieces
 * than whole ones would make, the same stacks. */
static void
test_cut_ends_together(void)
{
  g_autofree char *dir = g_dir_make_tmp("fk-pipeline-cut-XXXXXX", NULL);
  GString *s = g_string_new(NULL);
  for (guint k = 0; k < 20000; k++)
    g_string_append_printf(s, "main;f%u;g%u %u\n", k % 7, k % 5, k % 9 + 1);
  gsize size = s->len;
  g_autofree char *path = write_file(dir, "even.folded", s->str, (gssize)s->len);
  g_string_free(s, TRUE);
  char *paths[] = {path, NULL};
  CutTune tune = {4096, 0, FALSE, NULL, 0, NULL, 0};
  guint p1, p2;
  g_autofree char *one = run_cut(paths, 1, &tune, &p1);
  g_autofree char *two = run_cut(paths, 2, &tune, &p2);
  g_assert_cmpstr(two, ==, one);
  /* whole pieces: size / 4096 of them (the first is smaller, the last
   * takes a few bytes more) */
  g_assert_cmpuint(p2, >=, size / 4096 + 4);
  g_assert_cmpuint(p2, <=, size / 4096 + 40);
  g_unlink(path);
  g_rmdir(dir);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/pipeline/order", test_order);
  g_test_add_func("/pipeline/stop", test_stop);
  g_test_add_func("/pipeline/limits", test_limits);
  g_test_add_func("/pipeline/symbol-files", test_symbol_files);
  g_test_add_func("/pipeline/cut", test_cut);
  g_test_add_func("/pipeline/cut-partial", test_cut_partial);
  g_test_add_func("/pipeline/cut-perf-script", test_cut_perf_script);
  g_test_add_func("/pipeline/cut-perf-script-corpus", test_cut_perf_script_corpus);
  g_test_add_func("/pipeline/cut-perf-script-uncut", test_cut_perf_script_uncut);
  g_test_add_func("/pipeline/cut-perf-script-hosts", test_cut_perf_script_hosts);
  g_test_add_func("/pipeline/cut-solo", test_cut_solo);
  g_test_add_func("/pipeline/cut-solo-handoff", test_cut_solo_handoff);
  g_test_add_func("/pipeline/cut-ends-together", test_cut_ends_together);
  return g_test_run();
}
