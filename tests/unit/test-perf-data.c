/* test-perf-data.c -- the perf.data reader against real perf 6.1 captures
 * (corpora/perf-*; README.md there says how each was made and what perf
 * itself counts in it), synthetic captures in both byte orders, and mutated
 * captures that must never crash. Run from the repository top (make check). */
#include "../../analyze/stacktree.h"
#include "../../formats/perf/options.h"
#include "../../formats/perf/stackcache.h"
#include "../../formats/perf/symfiles.h"
#include "../../formats/reader.h"

#include <math.h>
#include <string.h>
#include <unistd.h>

typedef struct {
  guint64 samples;
  gint64 weight;
  GPtrArray *lines;   /* "tid time event: frame;frame" per sample, in read order */
  GHashTable *events; /* event -> count (GUINT_TO_POINTER) */
  GPtrArray *messages;
  GPtrArray *describe;
  const char *host;
  gboolean error;
  guint64 skipped; /* skips counted in the diag */
  GArray *marks;   /* guint64: the diag's reports when each sample came */
} Read;

static void
read_clear(Read *r)
{
  g_ptr_array_unref(r->lines);
  g_hash_table_unref(r->events);
  g_ptr_array_unref(r->messages);
  g_ptr_array_unref(r->describe);
  g_array_unref(r->marks);
}

static const char *event_filter;
static gboolean annotate_kernel, include_pid, include_tid;
/* FkPerfDataOptions.threads and batch_samples, and --strict, for the next reads */
static guint read_threads, read_batch;
static gboolean read_strict;

/* Symbol options for the next reads; NULL: the defaults. A DWARF capture
 * needs the CFI of its binary and of libc, found by the paths recorded in
 * it: a --symfs tree made by the test (the corpus binary, this host's /usr,
 * as t0730 does), so that neither where the capture was made nor a ~/.debug
 * cache of this host is assumed. */
static const FkSymbolizeOptions *read_symbolize;

static void
read_input(FkInput *in, FkWeightMode weight, Read *r)
{
  g_autoptr(FkInterner) strings = fk_interner_new();
  g_autoptr(FkDiag) diag = fk_diag_new(100);
  FkReadOptions opts = {0};
  opts.strings = strings;
  opts.diag = diag;
  opts.weight = weight;
  /* dso_only: independent of the symbolizer */
  FkPerfDataOptions own = {.dso_only = TRUE, .threads = read_threads, .batch_samples = read_batch};
  opts.own[FK_READER_SLOT_PERF_DATA] = &own;
  opts.strict = read_strict;
  opts.symbolize = read_symbolize; /* NULL but for the unwinding checks */
  opts.event_filter = event_filter;
  opts.annotate_kernel = annotate_kernel;
  opts.include_pid = include_pid;
  opts.include_tid = include_tid;
  memset(r, 0, sizeof *r);
  r->lines = g_ptr_array_new_with_free_func(g_free);
  r->events = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  r->messages = g_ptr_array_new_with_free_func(g_free);
  r->describe = g_ptr_array_new_with_free_func(g_free);
  r->marks = g_array_new(FALSE, FALSE, sizeof(guint64));
  g_autoptr(GError) error = NULL;
  gpointer st = fk_reader_perf_data.open(in, &opts, &error);
  if (st == NULL) {
    r->error = TRUE;
    g_ptr_array_add(r->messages, g_strdup(error->message));
    return;
  }
  FkSample s;
  FkReadStatus rc;
  while ((rc = fk_reader_perf_data.next(st, &s, &error)) == FK_READ_SAMPLE) {
    r->samples++;
    guint64 mark = fk_diag_messages(diag)->len + fk_diag_unshown(diag);
    g_array_append_val(r->marks, mark);
    /* mutated captures have absurd periods: saturate */
    if (__builtin_add_overflow(r->weight, s.weight.v[0], &r->weight))
      r->weight = G_MAXINT64;
    GString *l = g_string_new(NULL);
    g_string_append_printf(l, "%" G_GINT64_FORMAT " %" G_GUINT64_FORMAT " %s %s:", s.tid, s.time,
                           s.comm ? s.comm : "-", s.event ? s.event : "-");
    for (gsize i = 0; i < s.n_frames; i++)
      g_string_append_printf(l, "%s%s", i ? ";" : " ", s.frames[i]);
    g_ptr_array_add(r->lines, g_string_free(l, FALSE));
    if (s.event) {
      gpointer old = g_hash_table_lookup(r->events, s.event);
      g_hash_table_replace(r->events, g_strdup(s.event),
                           GUINT_TO_POINTER(GPOINTER_TO_UINT(old) + 1));
    }
    r->host = s.host ? g_intern_string(s.host) : NULL;
  }
  if (rc == FK_READ_ERROR)
    r->error = TRUE;
  fk_reader_perf_data.describe(st, r->describe);
  fk_reader_perf_data.close(st);
  GPtrArray *m = fk_diag_messages(diag);
  for (guint i = 0; i < m->len; i++)
    g_ptr_array_add(r->messages, g_strdup(g_ptr_array_index(m, i)));
  r->skipped = fk_diag_skipped(diag);
}

static void
read_path(const char *path, FkWeightMode weight, Read *r)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FkInput) in = fk_input_new_file(path, &error);
  g_assert_no_error(error);
  read_input(in, weight, r);
}

static gboolean
messages_match(const Read *r, const char *pattern)
{
  for (guint i = 0; i < r->messages->len; i++)
    if (g_regex_match_simple(pattern, g_ptr_array_index(r->messages, i), 0, 0))
      return TRUE;
  return FALSE;
}

static const char *
describe_get(const Read *r, const char *key, guint nth)
{
  for (guint i = 0; i + 1 < r->describe->len; i += 2)
    if (strcmp(g_ptr_array_index(r->describe, i), key) == 0 && nth-- == 0)
      return g_ptr_array_index(r->describe, i + 1);
  return NULL;
}

static void
test_bid(void)
{
  guint8 head[16] = "PERFILE2";
  g_assert_cmpint(fk_reader_perf_data.bid(head, 16), ==, 100);
  memcpy(head, "2ELIFREP", 8);
  g_assert_cmpint(fk_reader_perf_data.bid(head, 16), ==, 100);
  memcpy(head, "PERFILE1", 8);
  g_assert_cmpint(fk_reader_perf_data.bid(head, 16), ==, 0);
  g_assert_cmpint(fk_reader_perf_data.bid(head, 4), ==, 0);
  const FkReader *r = fk_reader_choose((const guint8 *)"PERFILE2\x68\0\0\0\0\0\0\0", 16);
  g_assert_nonnull(r);
  g_assert_cmpstr(r->name, ==, "perf-data");
}

/* Sample counts perf 6.1 reports for the corpora (`perf report --stats`,
 * recorded in their README.md files); for inl.2ev.data those of its first
 * event, the one read by default. */
static const struct {
  const char *path;
  guint64 samples;
} counts[] = {
    {"corpora/perf-c/inl.data", 254},
    {"corpora/perf-c/inl.pipe.data", 276},
    {"corpora/perf-c/inl.z.data", 204},
    {"corpora/perf-c/inl.2ev.data", 206},
    {"corpora/perf-c/inl.inject.pipe.data", 254},
    {"corpora/perf-cxx/tmpl.data", 542},
    {"corpora/perf-rust/rs.data", 72},
    {"corpora/perf-threads/thr.data", 795},
    {"corpora/perf-system/system.data", 1077},
};

static void
test_counts(void)
{
  for (guint i = 0; i < G_N_ELEMENTS(counts); i++) {
    Read r;
    read_path(counts[i].path, FK_WEIGHT_DEFAULT, &r);
    g_test_message("%s: %" G_GUINT64_FORMAT " samples", counts[i].path, r.samples);
    g_assert_false(r.error);
    g_assert_cmpuint(r.samples, ==, counts[i].samples);
    /* The default weight is the period: cpu-clock at -F 999 has a period
     * of 1001001 ns per sample here. */
    g_assert_cmpint(r.weight, ==, (gint64)counts[i].samples * 1001001);
    g_assert_cmpstr(r.host, ==, "vm");
    read_clear(&r);
    read_path(counts[i].path, FK_WEIGHT_SAMPLES, &r);
    g_assert_cmpint(r.weight, ==, (gint64)counts[i].samples);
    read_clear(&r);
  }
}

static void
test_two_events(void)
{
  Read r;
  read_path("corpora/perf-c/inl.2ev.data", FK_WEIGHT_DEFAULT, &r);
  /* the first event only, as stackcollapse-perf; the other is counted */
  g_assert_cmpuint(g_hash_table_size(r.events), ==, 1);
  g_assert_cmpuint(GPOINTER_TO_UINT(g_hash_table_lookup(r.events, "cpu-clock")), ==, 206);
  g_assert_true(messages_match(&r, "206 samples of events other than cpu-clock were not read"));
  g_assert_cmpstr(describe_get(&r, "event", 0), ==, "cpu-clock: 206 samples, period 206206206");
  g_assert_cmpstr(describe_get(&r, "event", 1), ==, "task-clock: 206 samples, period 206206206");
  g_assert_cmpstr(describe_get(&r, "hostname", 0), ==, "vm");
  g_assert_cmpstr(describe_get(&r, "arch", 0), ==, "x86_64");
  g_assert_cmpstr(describe_get(&r, "nr-cpus", 0), ==, "2 online, 2 available");
  g_assert_true(g_str_has_suffix(describe_get(&r, "cmdline", 0), "-o inl.2ev.data ./inl"));
  g_assert_true(
      g_str_has_suffix(describe_get(&r, "build-id", 1), " /work/wt-perfdata/corpora/perf-c/inl"));
  read_clear(&r);

  event_filter = "task-clock";
  read_path("corpora/perf-c/inl.2ev.data", FK_WEIGHT_DEFAULT, &r);
  event_filter = NULL;
  g_assert_cmpuint(g_hash_table_size(r.events), ==, 1);
  g_assert_cmpuint(GPOINTER_TO_UINT(g_hash_table_lookup(r.events, "task-clock")), ==, 206);
  read_clear(&r);
}

/* Samples are in time order, as perf replays them. */
static void
test_time_order(void)
{
  for (guint i = 0; i < G_N_ELEMENTS(counts); i++) {
    Read r;
    read_path(counts[i].path, FK_WEIGHT_DEFAULT, &r);
    guint64 prev = 0;
    for (guint k = 0; k < r.lines->len; k++) {
      const char *l = g_ptr_array_index(r.lines, k);
      guint64 t = g_ascii_strtoull(strchr(l, ' ') + 1, NULL, 10);
      g_assert_cmpuint(t, >=, prev);
      prev = t;
    }
    read_clear(&r);
  }
}

/* `perf inject -i inl.data -o -` rewrites the same capture in pipe mode: every
 * sample must read the same. */
static void
test_pipe_equals_file(void)
{
  Read a, b;
  read_path("corpora/perf-c/inl.data", FK_WEIGHT_DEFAULT, &a);
  read_path("corpora/perf-c/inl.inject.pipe.data", FK_WEIGHT_DEFAULT, &b);
  g_assert_cmpuint(a.lines->len, ==, b.lines->len);
  for (guint i = 0; i < a.lines->len; i++)
    g_assert_cmpstr(g_ptr_array_index(a.lines, i), ==, g_ptr_array_index(b.lines, i));
  g_assert_cmpstr(describe_get(&b, "mode", 0), ==, "perf.data, pipe mode, little-endian");
  read_clear(&a);
  read_clear(&b);
}

/* Pipe mode read from a stream (no fd, no size): the same again. */
static void
test_pipe_stream(void)
{
  g_autofree char *data = NULL;
  gsize len;
  g_assert_true(g_file_get_contents("corpora/perf-c/inl.pipe.data", &data, &len, NULL));
  g_autoptr(GBytes) bytes = g_bytes_new(data, len);
  g_autoptr(FkInput) in = fk_input_new_bytes("stream", bytes);
  Read a, b;
  read_input(in, FK_WEIGHT_DEFAULT, &a);
  read_path("corpora/perf-c/inl.pipe.data", FK_WEIGHT_DEFAULT, &b);
  g_assert_cmpuint(a.samples, ==, 276);
  for (guint i = 0; i < a.lines->len; i++)
    g_assert_cmpstr(g_ptr_array_index(a.lines, i), ==, g_ptr_array_index(b.lines, i));
  read_clear(&a);
  read_clear(&b);
}

/* Share of the samples whose leaf frame is NAME. */
static double
leaf_share(const Read *r, const char *name)
{
  guint n = 0;
  for (guint i = 0; i < r->lines->len; i++) {
    const char *l = g_ptr_array_index(r->lines, i);
    const char *leaf = strrchr(l, ';');
    leaf = leaf ? leaf + 1 : strrchr(l, ' ') + 1;
    n += strcmp(leaf, name) == 0;
  }
  return r->lines->len ? (double)n / r->lines->len : 0;
}

/* Separate runs of one program recorded plainly, in pipe mode and with -z:
 * the same stacks dominate in the same proportions. */
static void
test_variants_consistent(void)
{
  const char *paths[] = {"corpora/perf-c/inl.data", "corpora/perf-c/inl.pipe.data",
                         "corpora/perf-c/inl.z.data"};
  double share[3];
  for (guint i = 0; i < 3; i++) {
    Read r;
    read_path(paths[i], FK_WEIGHT_DEFAULT, &r);
    share[i] = leaf_share(&r, "[inl]");
    g_test_message("%s: %.3f of samples in [inl]", paths[i], share[i]);
    g_assert_cmpfloat(share[i], >, 0.9);
    read_clear(&r);
  }
  g_assert_cmpfloat(fabs(share[0] - share[1]), <, 0.05);
  g_assert_cmpfloat(fabs(share[0] - share[2]), <, 0.05);
}

/* inl.cut.data is the first 60% of inl.data's bytes: its samples are those of
 * inl.data, identical, and the user is told where the capture was cut. */
static void
test_truncated(void)
{
  Read full, cut;
  read_path("corpora/perf-c/inl.data", FK_WEIGHT_DEFAULT, &full);
  read_path("corpora/perf-c/inl.cut.data", FK_WEIGHT_DEFAULT, &cut);
  g_assert_false(cut.error);
  g_assert_cmpuint(cut.samples, ==, 164);
  g_autoptr(GHashTable) in_full = g_hash_table_new(g_str_hash, g_str_equal);
  for (guint i = 0; i < full.lines->len; i++)
    g_hash_table_add(in_full, g_ptr_array_index(full.lines, i));
  for (guint i = 0; i < cut.lines->len; i++)
    g_assert_true(g_hash_table_contains(in_full, g_ptr_array_index(cut.lines, i)));
  g_assert_true(messages_match(&cut, "inl.cut.data:0x3844: the capture is cut"));
  g_assert_true(messages_match(
      &cut, "inl.cut.data:0x3820: record: the capture ends inside a record \\(36 bytes"));
  read_clear(&full);
  read_clear(&cut);

  Read killed;
  read_path("corpora/perf-c/inl.killed.data", FK_WEIGHT_DEFAULT, &killed);
  g_assert_false(killed.error);
  g_assert_cmpuint(killed.samples, ==, 501);
  g_assert_true(messages_match(&killed, "data size is 0"));
  /* no EVENT_DESC feature: the name comes from the attr */
  g_assert_cmpuint(GPOINTER_TO_UINT(g_hash_table_lookup(killed.events, "cpu-clock")), ==, 501);
  read_clear(&killed);

  Read dw;
  /* recorded as /work/wt-perfdata/corpora/perf-c/inl (corpora/perf-c/README.md) */
  g_autofree char *symfs = g_dir_make_tmp("fk-symfs-XXXXXX", NULL);
  g_assert_nonnull(symfs);
  g_autofree char *dir = g_build_filename(symfs, "work/wt-perfdata/corpora/perf-c", NULL);
  g_assert_cmpint(g_mkdir_with_parents(dir, 0755), ==, 0);
  g_autofree char *link = g_build_filename(dir, "inl", NULL);
  g_autofree char *cwd = g_get_current_dir();
  g_autofree char *bin = g_build_filename(cwd, "corpora/perf-c/inl", NULL);
  g_assert_cmpint(symlink(bin, link), ==, 0);
  g_autofree char *usr = g_build_filename(symfs, "usr", NULL); /* libc, ld.so: this host's */
  g_assert_cmpint(symlink("/usr", usr), ==, 0);
  FkSymbolizeOptions so;
  fk_symbolize_options_init(&so);
  so.symfs = symfs;
  read_symbolize = &so;
  read_path("corpora/perf-c/inl.dwarf.data", FK_WEIGHT_DEFAULT, &dw);
  read_symbolize = NULL;
  unlink(link);
  unlink(usr);
  for (int up = 0; up < 4; up++) { /* perf-c, corpora, wt-perfdata, work */
    rmdir(dir);
    char *parent = g_path_get_dirname(dir);
    g_free(dir);
    dir = parent;
  }
  rmdir(symfs);
  g_assert_cmpuint(dw.samples, ==, 21); /* perf report --stats */
  /* dwarf,1024: a 1 KiB stack copy is enough for this program */
  g_assert_true(messages_match(&dw, "21 samples unwound with DWARF: 21 to a root, 0 cut"));
  read_clear(&dw);
}

/* Every prefix of a capture reads without error into a subset of its samples. */
static void
test_every_cut(void)
{
  g_autofree char *data = NULL;
  gsize len;
  g_assert_true(g_file_get_contents("corpora/perf-c/inl.z.data", &data, &len, NULL));
  for (gsize cut = 0; cut <= len; cut += (cut < 200 ? 1 : 97)) {
    g_autoptr(GBytes) bytes = g_bytes_new(data, cut);
    g_autoptr(FkInput) in = fk_input_new_bytes("cut", bytes);
    Read r;
    read_input(in, FK_WEIGHT_DEFAULT, &r);
    g_assert_cmpuint(r.samples, <=, 204);
    read_clear(&r);
  }
}

/* Whether R has a message FULL, the whole capture's read, has not. */
static gboolean
new_message(const Read *r, GHashTable *full)
{
  for (guint i = 0; i < r->messages->len; i++)
    if (!g_hash_table_contains(full, g_ptr_array_index(r->messages, i)))
      return TRUE;
  return FALSE;
}

/* Every corpus capture cut at every record boundary and inside every
 * record: the samples never decrease as the cut moves later, and every cut
 * is reported (a message the whole capture does not give, or an error),
 * except a cut on a record boundary of a capture without an end marker:
 * pipe mode, and a file whose header says data size 0 (a killed
 * recording), where the end of the records is the end of the file. */
static void
test_record_boundaries(void)
{
  const char *const paths[] = {
      "corpora/perf-c/inl.z.data",
      "corpora/perf-rust/rs.data",
      "corpora/perf-c/inl.cut.data",
      "corpora/perf-c/inl.inject.pipe.data",
      "corpora/perf-c/inl.data",
      "corpora/symbolize/tmpl.perf.data",
      "corpora/perf-c/inl.pipe.data",
      "corpora/perf-c/inl.dwarf.data",
      "corpora/perf-c/inl.2ev.data",
      "corpora/perf-c/inl.killed.data",
      "corpora/perf-threads/thr.data",
      "corpora/symbolize/inl.perf.data",
      "corpora/perf-cxx/tmpl.data",
      "corpora/symbolize/rs-v0.perf.data",
      "corpora/symbolize/rs-legacy.perf.data",
      "corpora/perf-system/system.data",
  };
  guint64 cuts = 0;
  g_autoptr(GTimer) timer = g_timer_new();
  for (gsize p = 0; p < G_N_ELEMENTS(paths); p++) {
    g_autofree char *data = NULL;
    gsize len;
    g_assert_true(g_file_get_contents(paths[p], &data, &len, NULL));
    guint64 hsize, start, end;
    memcpy(&hsize, data + 8, 8);
    gboolean pipe = hsize == 16, no_end = pipe;
    if (pipe) {
      start = 16;
      end = len;
    } else {
      guint64 size;
      memcpy(&start, data + 40, 8);
      memcpy(&size, data + 48, 8);
      no_end = size == 0;
      end = size == 0 ? len : MIN(len, start + size);
    }
    Read full;
    g_autoptr(GBytes) all = g_bytes_new_static(data, len);
    g_autoptr(FkInput) in_all = fk_input_new_bytes(paths[p], all);
    read_input(in_all, FK_WEIGHT_DEFAULT, &full);
    g_autoptr(GHashTable) full_messages = g_hash_table_new(g_str_hash, g_str_equal);
    for (guint i = 0; i < full.messages->len; i++)
      g_hash_table_add(full_messages, g_ptr_array_index(full.messages, i));
    /* the cuts, in order: each record's start, then one inside it */
    g_autoptr(GArray) at = g_array_new(FALSE, FALSE, sizeof(guint64));
    g_autoptr(GArray) boundary = g_array_new(FALSE, FALSE, sizeof(gboolean));
    guint64 pos = start, records = 0;
    while (pos + 8 <= end) {
      guint16 size;
      memcpy(&size, data + pos + 6, 2);
      if (size < 8 || pos + size > end)
        break;
      guint64 inside = pos + (size > 8 ? size / 2 : 4);
      gboolean yes = TRUE, no = FALSE;
      g_array_append_val(at, pos);
      g_array_append_val(boundary, yes);
      /* inside every record of the small captures; every 16th of the two
       * large ones, so that the test takes seconds (each cut is a read) */
      if (len < 100000 || records % 16 == 0) {
        g_array_append_val(at, inside);
        g_array_append_val(boundary, no);
      }
      records++;
      pos += size;
    }
    g_assert_cmpuint(at->len, >, 10);
    guint64 last = 0;
    for (guint i = 0; i < at->len; i++) {
      guint64 cut = g_array_index(at, guint64, i);
      if (cut >= len)
        continue;
      g_autoptr(GBytes) bytes = g_bytes_new_static(data, cut);
      g_autoptr(FkInput) in = fk_input_new_bytes(paths[p], bytes);
      Read r;
      read_input(in, FK_WEIGHT_DEFAULT, &r);
      cuts++;
      if (r.samples < last)
        g_error("%s cut at %" G_GUINT64_FORMAT ": %" G_GUINT64_FORMAT
                " samples, fewer than an earlier cut's %" G_GUINT64_FORMAT,
                paths[p], cut, r.samples, last);
      last = r.samples;
      g_assert_cmpuint(r.samples, <=, full.samples);
      gboolean exempt = no_end && g_array_index(boundary, gboolean, i);
      if (!exempt && !r.error && !new_message(&r, full_messages))
        g_error("%s cut at %" G_GUINT64_FORMAT " (%s a record): not reported", paths[p], cut,
                g_array_index(boundary, gboolean, i) ? "at the start of" : "inside");
      /* the torn record is lost: a counted skip (--strict fails) */
      if (!g_array_index(boundary, gboolean, i) && !r.error && r.skipped == 0)
        g_error("%s cut at %" G_GUINT64_FORMAT " (inside a record): the torn record is not "
                "counted as skipped",
                paths[p], cut);
      read_clear(&r);
    }
    read_clear(&full);
  }
  g_test_message("%" G_GUINT64_FORMAT " cuts in %.1f s", cuts, g_timer_elapsed(timer, NULL));
}

/* Records that cannot be read past an invalid header are a counted skip;
 * zero-filled space after the records is not (nothing is lost). */
static void
test_invalid_header(void)
{
  g_autofree char *data = NULL;
  gsize len;
  g_assert_true(g_file_get_contents("corpora/perf-c/inl.data", &data, &len, NULL));
  guint64 pos, size;
  memcpy(&pos, data + 40, 8);
  memcpy(&size, data + 48, 8);
  guint64 end = pos + size;
  for (int r = 0; r < 50; r++) {
    guint16 sz;
    memcpy(&sz, data + pos + 6, 2);
    pos += sz;
  }
  g_assert_cmpuint(pos, <, end);
  g_autofree char *zeroed = g_memdup2(data, len);
  memset(zeroed + pos, 0, end - pos);
  g_autoptr(GBytes) zb = g_bytes_new_static(zeroed, len);
  g_autoptr(FkInput) zin = fk_input_new_bytes("zeroed", zb);
  Read z;
  read_input(zin, FK_WEIGHT_DEFAULT, &z);
  g_assert_cmpuint(z.skipped, ==, 0);
  g_assert_true(messages_match(&z, "bytes of the data section are zeros; ignored"));
  read_clear(&z);
  g_autofree char *bad = g_memdup2(data, len);
  guint32 type = 1234;
  guint16 sz = 3;
  memcpy(bad + pos, &type, 4);
  memcpy(bad + pos + 6, &sz, 2);
  g_autoptr(GBytes) bb = g_bytes_new_static(bad, len);
  g_autoptr(FkInput) bin = fk_input_new_bytes("bad", bb);
  Read b;
  read_input(bin, FK_WEIGHT_DEFAULT, &b);
  g_assert_cmpuint(b.skipped, ==, 1);
  g_assert_true(messages_match(&b, "invalid record header \\(type 1234, size 3\\)"));
  read_clear(&b);
}

/* Bit flips, byte smears and cuts at random places never crash (ASan runs
 * this in make check-asan) nor hang. Deterministic seed. */
static void
test_mutations(void)
{
  const char *paths[] = {"corpora/perf-c/inl.data", "corpora/perf-c/inl.pipe.data",
                         "corpora/perf-c/inl.z.data", "corpora/perf-c/inl.2ev.data",
                         "corpora/perf-rust/rs.data"};
  g_autoptr(GRand) rand = g_rand_new_with_seed(7);
  guint runs = g_test_slow() ? 2000 : 150;
  for (guint p = 0; p < G_N_ELEMENTS(paths); p++) {
    g_autofree guint8 *orig = NULL;
    gsize len;
    g_assert_true(g_file_get_contents(paths[p], (char **)&orig, &len, NULL));
    for (guint run = 0; run < runs; run++) {
      g_autofree guint8 *m = g_memdup2(orig, len);
      gsize mlen = len;
      guint flips = g_rand_int_range(rand, 1, 9);
      for (guint k = 0; k < flips; k++) {
        gsize at = g_rand_int_range(rand, 0, (gint32)len);
        switch (g_rand_int_range(rand, 0, 3)) {
        case 0:
          m[at] ^= (guint8)(1u << g_rand_int_range(rand, 0, 8));
          break;
        case 1:
          m[at] = (guint8)g_rand_int_range(rand, 0, 256);
          break;
        default:
          memset(m + at, 0xff, MIN(8, len - at));
          break;
        }
      }
      if (g_rand_boolean(rand))
        mlen = g_rand_int_range(rand, 0, (gint32)len + 1);
      g_autoptr(GBytes) bytes = g_bytes_new(m, mlen);
      g_autoptr(FkInput) in = fk_input_new_bytes("mutant", bytes);
      Read r;
      read_input(in, FK_WEIGHT_DEFAULT, &r);
      read_clear(&r);
    }
  }
}

/* ---- synthetic captures in both byte orders ---- */

typedef struct {
  GByteArray *b;
  gboolean be;
} W;

static void
w64(W *w, guint64 v)
{
  v = w->be ? GUINT64_TO_BE(v) : GUINT64_TO_LE(v);
  g_byte_array_append(w->b, (guint8 *)&v, 8);
}

static void
w32(W *w, guint32 v)
{
  v = w->be ? GUINT32_TO_BE(v) : GUINT32_TO_LE(v);
  g_byte_array_append(w->b, (guint8 *)&v, 4);
}

static void
w16(W *w, guint16 v)
{
  v = w->be ? GUINT16_TO_BE(v) : GUINT16_TO_LE(v);
  g_byte_array_append(w->b, (guint8 *)&v, 2);
}

static void
wbytes(W *w, const void *p, gsize n)
{
  g_byte_array_append(w->b, p, (guint)n);
}

static void
set64(W *w, gsize at, guint64 v)
{
  v = w->be ? GUINT64_TO_BE(v) : GUINT64_TO_LE(v);
  memcpy(w->b->data + at, &v, 8);
}

/* A file-mode capture written the way a big- or little-endian perf would:
 * one cpu-clock attr (IP|TID|TIME|PERIOD|CALLCHAIN, sample_id_all), a COMM,
 * an MMAP2 of /bin/prog, a kernel MMAP, three samples, the second and
 * third out of time order within one round, and a LOST record. */
static GBytes *
synth(gboolean be)
{
  W w = {g_byte_array_new(), be};
  wbytes(&w, "PERFILE2", 8);
  if (be)
    memcpy(w.b->data, "2ELIFREP", 8);
  w64(&w, 104);
  w64(&w, 64 + 16); /* attr_size */
  gsize hdr_attrs = w.b->len;
  w64(&w, 0);
  w64(&w, 0); /* attrs */
  w64(&w, 0);
  w64(&w, 0); /* data */
  w64(&w, 0);
  w64(&w, 0); /* event_types */
  for (int i = 0; i < 4; i++)
    w64(&w, 0); /* no features */
  /* attr: type 1 (software), size 64, config 0 (cpu-clock) */
  gsize attrs = w.b->len;
  w32(&w, 1);
  w32(&w, 64);
  w64(&w, 0);
  w64(&w, 1001001);
  w64(&w, 0x1 | 0x2 | 0x4 | 0x20 | 0x100);
  w64(&w, 0);
  /* flags: sample_id_all (bit 18); a big-endian compiler puts bit N of the
   * bitfield at bit 7-(N%8) of byte N/8 */
  guint8 flags[8] = {0};
  if (be)
    flags[2] = 0x80 >> 2;
  else
    flags[2] = 1 << 2;
  wbytes(&w, flags, 8);
  while (w.b->len < attrs + 64)
    w64(&w, 0);
  w64(&w, 0);
  w64(&w, 0); /* no ids */
  gsize data = w.b->len;
  /* COMM pid 10 tid 10 "prog" + trailer (tid, time) */
  w32(&w, 3);
  w16(&w, 0);
  w16(&w, 8 + 8 + 8 + 16);
  w32(&w, 10);
  w32(&w, 10);
  wbytes(&w, "prog\0\0\0\0", 8);
  w32(&w, 10);
  w32(&w, 10);
  w64(&w, 100);
  /* kernel MMAP pid -1 */
  w32(&w, 1);
  w16(&w, 1);
  w16(&w, 8 + 32 + 24 + 16);
  w32(&w, 0xffffffff);
  w32(&w, 0);
  w64(&w, 0xffffffff81000000);
  w64(&w, 0x1000000);
  w64(&w, 0xffffffff81000000);
  wbytes(&w, "[kernel.kallsyms]_text\0\0", 24);
  w32(&w, 0xffffffff);
  w32(&w, 0);
  w64(&w, 50);
  /* MMAP2 of /bin/prog at 0x400000 */
  w32(&w, 10);
  w16(&w, 2);
  w16(&w, 8 + 64 + 16 + 16);
  w32(&w, 10);
  w32(&w, 10);
  w64(&w, 0x400000);
  w64(&w, 0x1000);
  w64(&w, 0);
  for (int i = 0; i < 3; i++)
    w64(&w, 0); /* maj, min, ino, ino_generation */
  w32(&w, 5);
  w32(&w, 2);
  wbytes(&w, "/bin/prog\0\0\0\0\0\0\0", 16);
  w32(&w, 10);
  w32(&w, 10);
  w64(&w, 150);
  /* samples: ip, pid/tid, time, period, callchain */
  const guint64 times[3] = {300, 500, 400};
  for (int s = 0; s < 3; s++) {
    w32(&w, 9);
    w16(&w, s == 1 ? 1 : 2);
    guint64 chain[6];
    guint n = 0;
    if (s == 1) {
      chain[n++] = (guint64)-128;
      chain[n++] = 0xffffffff81000100;
      chain[n++] = 0xffffffff81000200;
    }
    chain[n++] = (guint64)-512;
    chain[n++] = 0x400100 + s;
    chain[n++] = 0x400200;
    w16(&w, (guint16)(8 + 8 * 4 + 8 + 8 * n));
    w64(&w, s == 1 ? 0xffffffff81000100 : 0x400100 + (guint64)s);
    w32(&w, 10);
    w32(&w, 10);
    w64(&w, times[s]);
    w64(&w, 1000 + s);
    w64(&w, n);
    for (guint k = 0; k < n; k++)
      w64(&w, chain[k]);
  }
  /* LOST: 7 events of id 0 */
  w32(&w, 2);
  w16(&w, 0);
  w16(&w, 8 + 16 + 16);
  w64(&w, 0);
  w64(&w, 7);
  w32(&w, 10);
  w32(&w, 10);
  w64(&w, 450);
  /* FINISHED_ROUND */
  w32(&w, 68);
  w16(&w, 0);
  w16(&w, 8);
  set64(&w, hdr_attrs, attrs);
  set64(&w, hdr_attrs + 8, 64 + 16);
  set64(&w, hdr_attrs + 16, data);
  set64(&w, hdr_attrs + 24, w.b->len - data);
  return g_byte_array_free_to_bytes(w.b);
}

static void
test_byte_orders(void)
{
  const char *want[] = {
      "10 300 prog cpu-clock: prog;[prog];[prog]",
      "10 400 prog cpu-clock: prog;[prog];[prog]",
      "10 500 prog cpu-clock: prog;[prog];[prog];[kernel.kallsyms];[kernel.kallsyms]",
  };
  for (int be = 0; be < 2; be++) {
    g_autoptr(GBytes) bytes = synth(be);
    g_autoptr(FkInput) in = fk_input_new_bytes(be ? "be" : "le", bytes);
    Read r;
    read_input(in, FK_WEIGHT_PERIOD, &r);
    for (guint i = 0; i < r.messages->len; i++)
      g_test_message("%s", (char *)g_ptr_array_index(r.messages, i));
    g_assert_false(r.error);
    g_assert_cmpuint(r.lines->len, ==, 3);
    for (guint i = 0; i < 3; i++)
      g_assert_cmpstr(g_ptr_array_index(r.lines, i), ==, want[i]);
    g_assert_cmpint(r.weight, ==, 1000 + 1001 + 1002);
    g_assert_true(messages_match(&r, "perf lost 7 events and 0 samples"));
    g_assert_cmpstr(describe_get(&r, "lost", 0), ==, "7 events, 0 samples");
    g_assert_cmpstr(describe_get(&r, "mode", 0), ==,
                    be ? "perf.data, file mode, big-endian"
                       : "perf.data, file mode, little-endian");
    read_clear(&r);
  }
}

/* The stackcollapse-perf options: --kernel, --pid, --tid. */
static void
test_collapse_options(void)
{
  g_autoptr(GBytes) bytes = synth(FALSE);
  annotate_kernel = include_pid = TRUE;
  g_autoptr(FkInput) in = fk_input_new_bytes("le", bytes);
  Read r;
  read_input(in, FK_WEIGHT_DEFAULT, &r);
  g_assert_cmpstr(
      g_ptr_array_index(r.lines, 2), ==,
      "10 500 prog cpu-clock: prog-10;[prog];[prog];[kernel.kallsyms]_[k];[kernel.kallsyms]_[k]");
  read_clear(&r);
  annotate_kernel = include_pid = FALSE;
  include_tid = TRUE;
  g_autoptr(FkInput) in2 = fk_input_new_bytes("le", bytes);
  read_input(in2, FK_WEIGHT_DEFAULT, &r);
  g_assert_cmpstr(g_ptr_array_index(r.lines, 0), ==,
                  "10 300 prog cpu-clock: prog-10/10;[prog];[prog]");
  read_clear(&r);
  include_tid = FALSE;
}

/* ---- records for the stack cache's captures (little-endian, the attr of
 * synth: IP|TID|TIME|PERIOD|CALLCHAIN with a TID, TIME trailer) ---- */

static void
w_trailer(W *w, guint32 pid, guint64 time)
{
  w32(w, pid);
  w32(w, pid);
  w64(w, time);
}

static void
w_comm(W *w, guint32 pid, const char *comm, guint64 time)
{
  w32(w, 3);
  w16(w, 0);
  w16(w, 8 + 8 + 8 + 16);
  w32(w, pid);
  w32(w, pid);
  char name[8] = {0};
  g_strlcpy(name, comm, sizeof name);
  wbytes(w, name, 8);
  w_trailer(w, pid, time);
}

static void
w_mmap2(W *w, guint32 pid, guint64 start, const char *path, guint64 time)
{
  char name[16] = {0};
  g_strlcpy(name, path, sizeof name);
  w32(w, 10);
  w16(w, 2);
  w16(w, 8 + 64 + 16 + 16);
  w32(w, pid);
  w32(w, pid);
  w64(w, start);
  w64(w, 0x1000);
  w64(w, 0);
  for (int i = 0; i < 3; i++)
    w64(w, 0); /* maj, min, ino, ino_generation */
  w32(w, 5);
  w32(w, 2);
  wbytes(w, name, 16);
  w_trailer(w, pid, time);
}

/* A FORK (7) or EXIT (4) record: both have the same body. */
static void
w_task(W *w, guint32 type, guint32 pid, guint32 ppid, guint64 time)
{
  w32(w, type);
  w16(w, 0);
  w16(w, 8 + 16 + 8 + 16);
  w32(w, pid);
  w32(w, ppid);
  w32(w, pid);
  w32(w, ppid);
  w64(w, time);
  w_trailer(w, pid, time);
}

static void
w_fork(W *w, guint32 pid, guint32 ppid, guint64 time)
{
  w_task(w, 7, pid, ppid, time);
}

/* A user sample of PID at TIME whose chain is N return addresses from
 * 0x400100 on, 0x100 apart. */
static void
w_sample(W *w, guint32 pid, guint64 time, guint n)
{
  w32(w, 9);
  w16(w, 2);
  w16(w, (guint16)(8 + 8 * 4 + 8 + 8 * (n + 1)));
  w64(w, 0x400100);
  w32(w, pid);
  w32(w, pid);
  w64(w, time);
  w64(w, 1);
  w64(w, n + 1);
  w64(w, (guint64)-512);
  for (guint k = 0; k < n; k++)
    w64(w, 0x400100 + 0x100 * (guint64)k);
}

/* The capture of test_stack_cache: the same addresses in processes whose
 * maps differ, and in one process before and after its maps change. */
static GBytes *
synth_same_addresses(guint n)
{
  W w = {g_byte_array_new(), FALSE};
  g_autoptr(GBytes) base = synth(FALSE);
  gsize blen;
  const guint8 *b = g_bytes_get_data(base, &blen);
  /* synth's header and attr, its data section replaced */
  guint64 data;
  memcpy(&data, b + 40, 8);
  g_byte_array_append(w.b, b, (guint)data);
  guint64 t = 100;
  w_comm(&w, 10, "prog", t++);
  w_comm(&w, 11, "other", t++);
  w_mmap2(&w, 10, 0x400000, "/bin/prog", t++);
  w_mmap2(&w, 11, 0x400000, "/bin/other", t++);
  for (int i = 0; i < 3; i++) {
    w_sample(&w, 10, t++, n);
    w_sample(&w, 11, t++, n);
  }
  /* pid 12 forks from 10 and maps something else there; 10 then too */
  w_fork(&w, 12, 10, t++);
  w_sample(&w, 12, t++, n);
  w_mmap2(&w, 12, 0x400000, "/bin/child", t++);
  w_sample(&w, 12, t++, n);
  w_sample(&w, 10, t++, n);
  w_mmap2(&w, 10, 0x400000, "/bin/new", t++);
  w_sample(&w, 10, t++, n);
  w_sample(&w, 12, t++, n);
  w_sample(&w, 11, t++, n);
  w32(&w, 68); /* FINISHED_ROUND */
  w16(&w, 0);
  w16(&w, 8);
  set64(&w, 48, w.b->len - data);
  return g_byte_array_free_to_bytes(w.b);
}

/* The stack cache (formats/perf/stackcache.c) never answers for the wrong
 * maps: the same addresses are named after each process's own mapping, and
 * after a fork or a new mapping after the new one, whether the stacks are
 * long enough to be cached or not. */
static void
test_stack_cache(void)
{
  for (guint n = 1; n <= 8; n += 7) {
    g_autoptr(GBytes) bytes = synth_same_addresses(n);
    g_autoptr(FkInput) in = fk_input_new_bytes("same", bytes);
    Read r;
    read_input(in, FK_WEIGHT_SAMPLES, &r);
    for (guint i = 0; i < r.messages->len; i++)
      g_test_message("%s", (char *)g_ptr_array_index(r.messages, i));
    g_assert_false(r.error);
    const char *want[] = {"prog", "other", "prog", "other", "prog",  "other",
                          "prog", "child", "prog", "new",   "child", "other"};
    const guint tids[] = {10, 11, 10, 11, 10, 11, 12, 12, 10, 10, 12, 11};
    g_assert_cmpuint(r.lines->len, ==, G_N_ELEMENTS(want));
    for (guint i = 0; i < G_N_ELEMENTS(want); i++) {
      /* the root is the comm: pid 12 was forked from prog */
      g_autoptr(GString) l = g_string_new(NULL);
      g_string_append_printf(l, "%u %s cpu-clock: %s", tids[i], tids[i] == 11 ? "other" : "prog",
                             tids[i] == 11 ? "other" : "prog");
      for (guint k = 0; k < n; k++)
        g_string_append_printf(l, ";[%s]", want[i]);
      const char *line = g_ptr_array_index(r.lines, i);
      const char *rest = strchr(strchr(line, ' ') + 1, ' '); /* after the time */
      g_autofree char *got = g_strdup_printf("%.*s%s", (int)(strchr(line, ' ') - line), line, rest);
      g_assert_cmpstr(got, ==, l->str);
    }
    read_clear(&r);
  }
}

/* A round's records are replayed in time order whatever order it holds
 * them in: runs in order (as perf's per-CPU buffers give them), reversed,
 * shuffled, equal times (kept in file order), one to 400 records. */
static void
test_time_order_many(void)
{
  GRand *rand = g_rand_new_with_seed(18);
  for (int round = 0; round < 40; round++) {
    W w = {g_byte_array_new(), FALSE};
    g_autoptr(GBytes) base = synth(FALSE);
    const guint8 *b = g_bytes_get_data(base, NULL);
    guint64 data;
    memcpy(&data, b + 40, 8);
    g_byte_array_append(w.b, b, (guint)data);
    guint n = (guint)g_rand_int_range(rand, 1, 400), kind = (guint)round % 4;
    for (guint i = 0; i < n; i++) {
      guint64 t = kind == 0   ? 100 + i % 97 * 5 + i / 97                    /* runs in order */
                  : kind == 1 ? 1000 - i                                     /* reversed */
                  : kind == 2 ? 100 + (guint64)g_rand_int_range(rand, 0, 50) /* ties */
                              : 100 + (guint64)g_rand_int_range(rand, 0, 100000);
      w_sample(&w, 1000 + i, t, 1); /* the tid says where it was in the file */
    }
    w32(&w, 68); /* FINISHED_ROUND */
    w16(&w, 0);
    w16(&w, 8);
    set64(&w, 48, w.b->len - data);
    g_autoptr(GBytes) bytes = g_byte_array_free_to_bytes(w.b);
    g_autoptr(FkInput) in = fk_input_new_bytes("order", bytes);
    Read r;
    read_input(in, FK_WEIGHT_SAMPLES, &r);
    g_assert_cmpuint(r.lines->len, ==, n);
    guint64 last_t = 0, last_tid = 0;
    gboolean *seen = g_new0(gboolean, n);
    for (guint i = 0; i < r.lines->len; i++) {
      char *end;
      guint64 tid = g_ascii_strtoull(g_ptr_array_index(r.lines, i), &end, 10);
      guint64 t = g_ascii_strtoull(end + 1, NULL, 10);
      g_assert_true(t > last_t || (t == last_t && tid > last_tid));
      g_assert_cmpuint(tid - 1000, <, n);
      g_assert_false(seen[tid - 1000]);
      seen[tid - 1000] = TRUE;
      last_t = t;
      last_tid = tid;
    }
    g_free(seen);
    read_clear(&r);
  }
  g_rand_free(rand);
}

/* The cache alone: a key is its whole words, never its hash (keys forced
 * to one hash stay apart), a prefix or a longer key is another key, and a
 * full cache starts over rather than grow past its bound. */
static void
test_stack_cache_table(void)
{
  g_autoptr(PdStackCache) c = pd_stack_cache_new(64 << 10);
  const char *fa[] = {"a", "b"}, *fb[] = {"c"};
  const guint64 k1[] = {1, 2, 3}, k2[] = {1, 2, 4}, k3[] = {1, 2};
  guint n = 99;
  g_assert_null(pd_stack_cache_find(c, k1, 3, 7, &n));
  pd_stack_cache_put(c, k1, 3, 7, fa, 2);
  pd_stack_cache_put(c, k2, 3, 7, fb, 1); /* the same hash, on purpose */
  const char *const *got = pd_stack_cache_find(c, k1, 3, 7, &n);
  g_assert_nonnull(got);
  g_assert_cmpuint(n, ==, 2);
  g_assert_true(got[0] == fa[0] && got[1] == fa[1]);
  got = pd_stack_cache_find(c, k2, 3, 7, &n);
  g_assert_nonnull(got);
  g_assert_cmpuint(n, ==, 1);
  g_assert_true(got[0] == fb[0]);
  g_assert_null(pd_stack_cache_find(c, k3, 2, 7, &n));
  g_assert_null(pd_stack_cache_find(c, k1, 3, 8, &n));
  /* thousands of keys: found while they fit, then the cache starts over */
  guint64 found = 0;
  for (guint64 i = 0; i < 20000; i++) {
    guint64 k[4] = {i, i * 3, 5, 9};
    pd_stack_cache_put(c, k, 4, pd_stack_cache_hash(k, 4), fb, 1);
    guint64 j = i / 2, kj[4] = {j, j * 3, 5, 9};
    const char *const *f = pd_stack_cache_find(c, kj, 4, pd_stack_cache_hash(kj, 4), &n);
    if (f != NULL) {
      g_assert_cmpuint(n, ==, 1);
      g_assert_true(f[0] == fb[0]);
      found++;
    }
  }
  g_assert_cmpuint(found, >, 0);
  g_assert_cmpuint(found, <, 20000);
  g_assert_null(pd_stack_cache_find(c, k1, 3, 7, &n)); /* gone with the first fill */
}

/* The store of perf-archive members: links dropped, files kept and readers
 * given the store still read (their symbolizer gets the files). */
static void
test_symbol_files(void)
{
  g_autoptr(FkSymbolFiles) files = fk_symbol_files_new();
  g_autoptr(GBytes) b = g_bytes_new_static("\x7f"
                                           "ELF",
                                           4);
  fk_symbol_files_side_file("a.tar", ".build-id/ab/cdef", NULL, "../../x/elf", files);
  fk_symbol_files_side_file("a.tar", "[kernel.kallsyms]/abcd/kallsyms", b, NULL, files);
  g_assert_cmpuint(fk_symbol_files_count(files), ==, 1);
  g_autoptr(FkInterner) strings = fk_interner_new();
  g_autoptr(FkDiag) diag = fk_diag_new(10);
  FkReadOptions opts = {0};
  opts.strings = strings;
  opts.diag = diag;
  opts.symbol_files = files;
  g_autoptr(GError) error = NULL;
  g_autoptr(FkInput) in = fk_input_new_file("corpora/perf-c/inl.data", &error);
  gpointer st = fk_reader_perf_data.open(in, &opts, &error);
  g_assert_nonnull(st);
  FkSample s;
  guint n = 0;
  while (fk_reader_perf_data.next(st, &s, &error) == FK_READ_SAMPLE)
    n++;
  g_assert_no_error(error);
  g_assert_cmpuint(n, ==, 254);
  fk_reader_perf_data.close(st);
}

static void
assert_same_read(const Read *a, const Read *b)
{
  g_assert_cmpuint(a->samples, ==, b->samples);
  g_assert_cmpint(a->weight, ==, b->weight);
  g_assert_cmpint(a->error, ==, b->error);
  g_assert_cmpuint(a->skipped, ==, b->skipped);
  g_assert_cmpuint(a->lines->len, ==, b->lines->len);
  for (guint i = 0; i < a->lines->len; i++) {
    g_assert_cmpstr(g_ptr_array_index(a->lines, i), ==, g_ptr_array_index(b->lines, i));
    /* each message reported between the same two samples */
    g_assert_cmpuint(g_array_index(a->marks, guint64, i), ==, g_array_index(b->marks, guint64, i));
  }
  g_assert_cmpuint(a->messages->len, ==, b->messages->len);
  for (guint i = 0; i < a->messages->len; i++)
    g_assert_cmpstr(g_ptr_array_index(a->messages, i), ==, g_ptr_array_index(b->messages, i));
  g_assert_cmpuint(a->describe->len, ==, b->describe->len);
  for (guint i = 0; i < a->describe->len; i++)
    g_assert_cmpstr(g_ptr_array_index(a->describe, i), ==, g_ptr_array_index(b->describe, i));
}

/* The reader decodes on a thread of its own and symbolizes on the reading
 * one, handing samples over in batches: every sample, message (the skips
 * of rejected callchains among the samples, in place), `info` fact and
 * --strict stop is the same as on one thread, whatever the batch size,
 * on captures with FORK/COMM/EXIT churn and remapped libraries (perf-procs,
 * perf-system), pipe mode, -z and dwarf stacks. */
static void
test_threads_same(void)
{
  static const char *const paths[] = {
      "corpora/perf-procs/procs.data", "corpora/perf-system/system.data",
      "corpora/perf-c/inl.z.data",     "corpora/perf-c/inl.pipe.data",
      "corpora/perf-c/inl.cut.data",   "corpora/perf-dwarf/thr.16k.data",
      "corpora/perf-threads/thr.data",
  };
  for (guint strict = 0; strict < 2; strict++)
    for (guint i = 0; i < G_N_ELEMENTS(paths); i++) {
      read_strict = strict;
      read_threads = 1;
      read_batch = 0;
      Read one;
      read_path(paths[i], FK_WEIGHT_DEFAULT, &one);
      if (!strict)
        g_assert_cmpuint(one.samples, >, 0);
      static const guint batches[] = {1, 3, 64, 0};
      for (guint b = 0; b < G_N_ELEMENTS(batches); b++)
        for (guint threads = 0; threads < 2; threads++) {
          read_threads = threads;
          read_batch = batches[b];
          Read two;
          read_path(paths[i], FK_WEIGHT_DEFAULT, &two);
          g_test_message("%s: %u threads, batches of %u%s: %" G_GUINT64_FORMAT " samples", paths[i],
                         threads ? threads : 2, batches[b], strict ? ", strict" : "", two.samples);
          assert_same_read(&one, &two);
          read_clear(&two);
        }
      read_clear(&one);
    }
  read_strict = FALSE;
  read_threads = read_batch = 0;
}

/* ---- the kernel's maps, one set for every process ---- */

/* A kernel MMAP (pid -1) of [kernel.kallsyms]_text at 0xffffffff81000000. */
static void
w_kmmap(W *w, guint64 time)
{
  w32(w, 1);
  w16(w, 1);
  w16(w, 8 + 32 + 24 + 16);
  w32(w, 0xffffffff);
  w32(w, 0);
  w64(w, 0xffffffff81000000);
  w64(w, 0x1000000);
  w64(w, 0xffffffff81000000);
  wbytes(w, "[kernel.kallsyms]_text\0\0", 24);
  w32(w, 0xffffffff);
  w32(w, 0);
  w64(w, time);
}

/* A kernel-mode sample of PID at TIME: a kernel address, then the user
 * return address 0x400100. */
static void
w_ksample(W *w, guint32 pid, guint64 time)
{
  w32(w, 9);
  w16(w, 1);
  w16(w, 8 + 8 * 4 + 8 + 8 * 4);
  w64(w, 0xffffffff81000100);
  w32(w, pid);
  w32(w, pid);
  w64(w, time);
  w64(w, 1);
  w64(w, 4);
  w64(w, (guint64)-128);
  w64(w, 0xffffffff81000100);
  w64(w, (guint64)-512);
  w64(w, 0x400100);
}

static void
w_exit(W *w, guint32 pid, guint32 ppid, guint64 time)
{
  w_task(w, 4, pid, ppid, time);
}

/* W with synth's header and attr, its data section begun at *DATA. */
static W
w_begin(guint64 *data)
{
  W w = {g_byte_array_new(), FALSE};
  g_autoptr(GBytes) base = synth(FALSE);
  const guint8 *b = g_bytes_get_data(base, NULL);
  memcpy(data, b + 40, 8);
  g_byte_array_append(w.b, b, (guint)*data);
  return w;
}

static GBytes *
w_end(W *w, guint64 data)
{
  w32(w, 68); /* FINISHED_ROUND */
  w16(w, 0);
  w16(w, 8);
  set64(w, 48, w->b->len - data);
  return g_byte_array_free_to_bytes(w->b);
}

/* The kernel's mappings are kept once, apart from every process's own: a
 * kernel address resolves the same in two processes, in a child forked
 * before or after them, after a process's exec (a new COMM and new maps)
 * and after another process exits. */
static void
test_kernel_maps_shared(void)
{
  guint64 data;
  W w = w_begin(&data);
  guint64 t = 100;
  w_kmmap(&w, t++);
  w_comm(&w, 10, "prog", t++);
  w_comm(&w, 11, "other", t++);
  w_mmap2(&w, 10, 0x400000, "/bin/prog", t++);
  w_mmap2(&w, 11, 0x400000, "/bin/other", t++);
  w_ksample(&w, 10, t++);
  w_ksample(&w, 11, t++);
  w_fork(&w, 12, 10, t++);
  w_ksample(&w, 12, t++);
  /* 12 execs: a new comm, a new binary over the old one */
  w_comm(&w, 12, "child", t++);
  w_mmap2(&w, 12, 0x400000, "/bin/child", t++);
  w_ksample(&w, 12, t++);
  w_exit(&w, 10, 1, t++);
  w_ksample(&w, 11, t++);
  w_ksample(&w, 12, t++);
  g_autoptr(GBytes) bytes = w_end(&w, data);
  g_autoptr(FkInput) in = fk_input_new_bytes("kernel", bytes);
  Read r;
  read_input(in, FK_WEIGHT_SAMPLES, &r);
  for (guint i = 0; i < r.messages->len; i++)
    g_test_message("%s", (char *)g_ptr_array_index(r.messages, i));
  g_assert_false(r.error);
  g_assert_cmpuint(r.skipped, ==, 0);
  const char *user[] = {"prog", "other", "prog", "child", "other", "child"};
  g_assert_cmpuint(r.lines->len, ==, G_N_ELEMENTS(user));
  for (guint i = 0; i < G_N_ELEMENTS(user); i++) {
    const char *line = g_ptr_array_index(r.lines, i);
    g_autofree char *tail = g_strdup_printf(";[%s];[kernel.kallsyms]", user[i]);
    g_assert_true(g_str_has_suffix(line, tail));
  }
  read_clear(&r);
}

/* The time-order queue takes a sample's time alone (sample_time), yet
 * queues exactly what parse_sample accepts: samples out of order in a round
 * come out in time order, and one whose callchain runs past its record is
 * skipped (and told), not queued. */
static void
test_queue_sample_time(void)
{
  guint64 data;
  W w = w_begin(&data);
  guint64 t = 100;
  w_comm(&w, 10, "prog", t++);
  w_mmap2(&w, 10, 0x400000, "/bin/prog", t++);
  w_sample(&w, 10, 500, 1);
  w_sample(&w, 10, 300, 2);
  /* a chain of 1000 in a record that holds one */
  gsize at = w.b->len;
  w_sample(&w, 10, 200, 1);
  set64(&w, at + 8 + 8 + 8 + 8 + 8, 1000);
  w_sample(&w, 10, 400, 3);
  g_autoptr(GBytes) bytes = w_end(&w, data);
  g_autoptr(FkInput) in = fk_input_new_bytes("queue", bytes);
  Read r;
  read_input(in, FK_WEIGHT_SAMPLES, &r);
  g_assert_false(r.error);
  g_assert_cmpuint(r.lines->len, ==, 3);
  const char *times[] = {" 300 ", " 400 ", " 500 "};
  for (guint i = 0; i < 3; i++)
    g_assert_nonnull(strstr(g_ptr_array_index(r.lines, i), times[i]));
  g_assert_cmpuint(r.skipped, ==, 1);
  gboolean told = FALSE;
  for (guint i = 0; i < r.messages->len; i++)
    told |= strstr(g_ptr_array_index(r.messages, i), "shorter than its fields") != NULL;
  g_assert_true(told);
  read_clear(&r);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  if (!g_file_test("corpora/perf-c/inl.data", G_FILE_TEST_EXISTS)) {
    g_test_skip("run from the repository top: corpora/ not found");
    return 0;
  }
  g_test_add_func("/perf-data/bid", test_bid);
  g_test_add_func("/perf-data/counts", test_counts);
  g_test_add_func("/perf-data/threads-same", test_threads_same);
  g_test_add_func("/perf-data/two-events", test_two_events);
  g_test_add_func("/perf-data/time-order", test_time_order);
  g_test_add_func("/perf-data/pipe-equals-file", test_pipe_equals_file);
  g_test_add_func("/perf-data/pipe-stream", test_pipe_stream);
  g_test_add_func("/perf-data/variants-consistent", test_variants_consistent);
  g_test_add_func("/perf-data/truncated", test_truncated);
  g_test_add_func("/perf-data/every-cut", test_every_cut);
  g_test_add_func("/perf-data/record-boundaries", test_record_boundaries);
  g_test_add_func("/perf-data/invalid-header", test_invalid_header);
  g_test_add_func("/perf-data/mutations", test_mutations);
  g_test_add_func("/perf-data/byte-orders", test_byte_orders);
  g_test_add_func("/perf-data/symbol-files", test_symbol_files);
  g_test_add_func("/perf-data/collapse-options", test_collapse_options);
  g_test_add_func("/perf-data/stack-cache", test_stack_cache);
  g_test_add_func("/perf-data/time-order-many", test_time_order_many);
  g_test_add_func("/perf-data/stack-cache-table", test_stack_cache_table);
  g_test_add_func("/perf-data/kernel-maps-shared", test_kernel_maps_shared);
  g_test_add_func("/perf-data/queue-sample-time", test_queue_sample_time);
  return g_test_run();
}
