/* test-lentblocks.c -- a source read in lent blocks: the same reads, in the
 * same blocks, then the same failure; slices that outlive the block being
 * handed out and the input; freed at any moment. */
#include "../../formats/lentblocks.h"

#include <string.h>

/* What a source did, kept by the test after the source is freed. */
typedef struct {
  gint reads;
  gboolean destroyed;
} Probe;

/* A source of LIMIT bytes (G_MAXUINT64: without end) whose byte at offset o
 * is o * 7 % 251, in reads of the sizes of SIZES in turn (never more than
 * asked), failing after FAIL_AFTER bytes when that is set. */
typedef struct {
  guint64 limit;
  guint64 fail_after; /* 0: never */
  const gsize *sizes;
  gsize n_sizes;
  guint64 offset;
  gboolean failed;
  Probe *probe;
} Source;

static gssize
source_read(gpointer data, void *buf, gsize len, GError **error)
{
  Source *s = data;
  gsize want = s->sizes[(gsize)s->probe->reads % s->n_sizes];
  s->probe->reads++;
  if (s->failed)
    return 0;
  if (s->fail_after != 0 && s->offset >= s->fail_after) {
    s->failed = TRUE;
    g_set_error(error, FK_INPUT_ERROR, FK_INPUT_ERROR_IO, "src: broken at byte %" G_GUINT64_FORMAT,
                s->offset);
    return -1;
  }
  gsize n = MIN(len, want);
  if (s->limit != G_MAXUINT64)
    n = (gsize)MIN((guint64)n, s->limit - s->offset);
  if (s->fail_after != 0)
    n = (gsize)MIN((guint64)n, s->fail_after - s->offset);
  for (gsize i = 0; i < n; i++)
    ((guint8 *)buf)[i] = (guint8)((s->offset + i) * 7 % 251);
  s->offset += n;
  return (gssize)n;
}

static void
source_free(gpointer data)
{
  Source *s = data;
  s->probe->destroyed = TRUE;
  g_free(s);
}

/* The source as an input; PROBE says what it did. */
static FkInput *
source_new(Probe *probe, guint64 limit, guint64 fail_after, const gsize *sizes, gsize n_sizes)
{
  Source *s = g_new0(Source, 1);
  s->limit = limit;
  s->fail_after = fail_after;
  s->sizes = sizes;
  s->n_sizes = n_sizes;
  s->probe = probe;
  return fk_input_new_stream("src", source_read, s, source_free);
}

/* What the source has done: its reads. */
static guint64
source_mark(const FkInput *in)
{
  Source *s = fk_input_source(in, source_read);
  return (guint64)s->probe->reads;
}

/* The source was freed with the input. */
static void
assert_destroyed(Probe *probe)
{
  g_assert_true(probe->destroyed);
}

/* One record per call: the count and a hash of the bytes, or the error. */
static void
record(GString *log, gssize n, const guint8 *data, const GError *error)
{
  guint32 h = 2166136261u;
  for (gssize i = 0; i < n; i++)
    h = (h ^ data[i]) * 16777619u;
  g_string_append_printf(log, "%" G_GSSIZE_FORMAT ":%08x:%s;", n, h, error ? error->message : "");
}

static const gsize uneven[] = {1, 100, 65536, 7, 4096, 65535, 3000};

/* Every block the source gives, lent as it is: the same counts and bytes,
 * call for call, as reading the source directly with blocks of that size,
 * then its end, then nothing more. */
static void
test_same_blocks(void)
{
  const gsize block = 65536;
  for (int failing = 0; failing <= 1; failing++) {
    guint64 limit = 1000003, fail = failing ? 700001 : 0;
    Probe dp = {0}, ap = {0};
    g_autoptr(FkInput) din = source_new(&dp, limit, fail, uneven, G_N_ELEMENTS(uneven));
    g_autoptr(GString) want = g_string_new(NULL);
    guint8 *buf = g_malloc(block);
    for (int calls = 0;; calls++) {
      g_autoptr(GError) e = NULL;
      gssize n = fk_input_read(din, buf, block, &e);
      record(want, n, buf, e);
      if (n <= 0)
        break;
    }
    g_autoptr(FkInput) ain = fk_lent_blocks_new(
        source_new(&ap, limit, fail, uneven, G_N_ELEMENTS(uneven)), block, source_mark);
    g_assert_true(fk_lent_blocks_is(ain));
    g_assert_false(fk_lent_blocks_is(din));
    g_autoptr(GString) got = g_string_new(NULL);
    guint64 blocks = 0;
    for (;;) {
      g_autoptr(GError) e = NULL;
      guint8 *d = NULL;
      gssize n = fk_input_borrow(ain, &d, &e);
      g_assert_cmpint(n, !=, -2);
      record(got, n, d, e);
      if (n <= 0)
        break;
      blocks++;
      /* what the source had done when this block was read: its own reads */
      g_assert_cmpuint(fk_lent_blocks_mark(ain), ==, blocks);
      d[0] ^= 0xff; /* lent bytes are the reader's to write to */
      d[0] ^= 0xff;
    }
    g_assert_cmpstr(got->str, ==, want->str);
    /* the end or the failure was a read of its own, and nothing after it */
    g_assert_cmpint(ap.reads, ==, dp.reads);
    /* after the end or the failure: the end, again */
    guint8 *d;
    g_assert_cmpint(fk_input_borrow(ain, &d, NULL), ==, 0);
    g_free(buf);
    g_clear_pointer(&ain, fk_input_free);
    assert_destroyed(&ap);
  }
}

/* fk_input_read through the blocks gives the bytes in order whatever the
 * sizes asked, and the failure after the last byte before it. */
static void
test_read_any_size(void)
{
  const guint64 limit = 300000;
  Probe p = {0};
  g_autoptr(FkInput) in = fk_lent_blocks_new(
      source_new(&p, G_MAXUINT64, limit, uneven, G_N_ELEMENTS(uneven)), 8192, NULL);
  guint64 off = 0;
  gsize asks[] = {1, 5000, 8192, 20000, 3};
  g_autoptr(GError) e = NULL;
  for (gsize k = 0;; k++) {
    guint8 buf[20000];
    gssize n = fk_input_read(in, buf, asks[k % G_N_ELEMENTS(asks)], &e);
    if (n <= 0) {
      g_assert_cmpint(n, ==, -1);
      break;
    }
    for (gssize i = 0; i < n; i++)
      g_assert_cmpuint(buf[i], ==, (guint8)((off + (guint64)i) * 7 % 251));
    off += (guint64)n;
  }
  g_assert_cmpuint(off, ==, limit);
  g_assert_error(e, FK_INPUT_ERROR, FK_INPUT_ERROR_IO);
  g_assert_cmpstr(e->message, ==, "src: broken at byte 300000");
  g_clear_pointer(&in, fk_input_free);
  assert_destroyed(&p);
}

/* Freed before any read, or with the block being handed out and a slice
 * of it alive: the source goes with the input, the slice stays readable
 * and frees the last of it (the sanitizer builds see no leak, no use after
 * free). */
static void
test_free_early(void)
{
  const gsize sizes[] = {1000};
  for (int read = 0; read <= 1; read++) {
    Probe p = {0};
    FkInput *in = fk_lent_blocks_new(source_new(&p, G_MAXUINT64, 0, sizes, 1), 1000, NULL);
    GBytes *kept = NULL;
    if (read) {
      guint8 *d;
      g_assert_cmpint(fk_input_borrow(in, &d, NULL), ==, 1000);
      kept = fk_lent_blocks_slice(in, d + 1, 10);
      g_assert_nonnull(kept);
    }
    fk_input_free(in);
    assert_destroyed(&p);
    g_assert_cmpint(p.reads, ==, read);
    if (kept != NULL) {
      g_assert_cmpuint(((const guint8 *)g_bytes_get_data(kept, NULL))[0], ==, 7);
      g_bytes_unref(kept);
    }
  }
}

/* The bytes of a lent block handed on as a slice stay as they were while
 * the reader goes on through many blocks: the block is not used again
 * until the slice is freed. Bytes elsewhere are no slice. */
static void
test_slices(void)
{
  const gsize sizes[] = {4096};
  Probe p = {0};
  g_autoptr(FkInput) in = fk_lent_blocks_new(source_new(&p, 4096 * 64, 0, sizes, 1), 4096, NULL);
  g_autoptr(GPtrArray) kept = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
  guint64 off = 0;
  for (;;) {
    guint8 *d;
    gssize n = fk_input_borrow(in, &d, NULL);
    if (n <= 0)
      break;
    g_assert_true(fk_lent_blocks_holds(in, d + 10, 20));
    g_assert_false(fk_lent_blocks_holds(in, d + 10, (gsize)n));
    guint8 other[8];
    g_assert_null(fk_lent_blocks_slice(in, other, sizeof other));
    if ((off / 4096) % 3 == 0) /* every third block, its middle */
      g_ptr_array_add(kept, fk_lent_blocks_slice(in, d + 100, 1000));
    g_assert_null(fk_lent_blocks_slice(in, d, (gsize)n + 1));
    off += (guint64)n;
  }
  g_assert_cmpuint(off, ==, 4096 * 64);
  g_assert_cmpuint(kept->len, ==, 22);
  for (guint i = 0; i < kept->len; i++) {
    gsize len;
    const guint8 *b = g_bytes_get_data(g_ptr_array_index(kept, i), &len);
    g_assert_cmpuint(len, ==, 1000);
    guint64 at = (guint64)i * 3 * 4096 + 100;
    for (gsize k = 0; k < len; k++)
      g_assert_cmpuint(b[k], ==, (guint8)((at + k) * 7 % 251));
  }
  /* the slices outlive the input, and the source is freed with it */
  g_clear_pointer(&in, fk_input_free);
  assert_destroyed(&p);
  g_assert_cmpuint(((const guint8 *)g_bytes_get_data(g_ptr_array_index(kept, 1), NULL))[0], ==,
                   (guint8)((3 * 4096 + 100) * 7 % 251));
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/lentblocks/same-blocks", test_same_blocks);
  g_test_add_func("/lentblocks/read-any-size", test_read_any_size);
  g_test_add_func("/lentblocks/free-early", test_free_early);
  g_test_add_func("/lentblocks/slices", test_slices);
  return g_test_run();
}
