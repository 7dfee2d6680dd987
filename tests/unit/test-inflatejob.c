/* test-inflatejob.c -- compressed sections inflated once a file and shared:
 * one job a key while it lives, its own for NULL, a new one after the last
 * reference; a damaged stream fails alone; what the caller keeps alive is
 * freed once, whoever's job it was. */
#include <string.h>
#include <zlib.h>

#include "../../formats/symbols/inflatejob.h"

typedef struct {
  guint8 *plain[2], *z[2];
  gsize n[2], zl[2];
  FkInflateSection secs[2];
} Streams;

static void
streams_init(Streams *s)
{
  for (guint k = 0; k < 2; k++) {
    s->n[k] = k == 0 ? (gsize)1 << 20 : 4096;
    s->plain[k] = g_malloc(s->n[k]);
    for (gsize i = 0; i < s->n[k]; i++)
      s->plain[k][i] = (guint8)((i / 64) % 3 == 0 ? i & 7 : (i * 2654435761u) >> 26);
    uLongf z = compressBound(s->n[k]);
    s->z[k] = g_malloc(z);
    g_assert_cmpint(compress2(s->z[k], &z, s->plain[k], s->n[k], 6), ==, Z_OK);
    s->zl[k] = z;
    s->secs[k] = (FkInflateSection){0x1000 * (k + 1), s->z[k], s->zl[k], s->n[k]};
  }
}

static void
streams_clear(Streams *s)
{
  for (guint k = 0; k < 2; k++) {
    g_free(s->plain[k]);
    g_free(s->z[k]);
  }
}

static guint freed;

static void
count_free(gpointer p)
{
  g_assert_cmpuint(GPOINTER_TO_UINT(p), ==, 7);
  freed++;
}

static void
check_outputs(FkInflateJob *job, const Streams *s)
{
  for (guint k = 0; k < 2; k++) {
    gboolean known = FALSE;
    const guint8 *out = fk_inflate_job_output(job, s->secs[k].offset, s->zl[k], s->n[k], &known);
    g_assert_true(known);
    g_assert_nonnull(out);
    g_assert_cmpmem(out, s->n[k], s->plain[k], s->n[k]);
  }
}

static void
test_shared(void)
{
  Streams s;
  streams_init(&s);
  freed = 0;
  FkInflateJob *a = fk_inflate_job_get("file-a", NULL, s.secs, 2, GUINT_TO_POINTER(7), count_free);
  /* the second caller of the key gets the first's job; its own list (none
   * here) and what it keeps are not used */
  FkInflateJob *b = fk_inflate_job_get("file-a", NULL, NULL, 0, GUINT_TO_POINTER(7), count_free);
  g_assert_true(a == b);
  g_assert_cmpuint(freed, ==, 1);
  FkInflateJob *other = fk_inflate_job_get("file-b", NULL, s.secs, 1, NULL, NULL);
  g_assert_true(other != a);
  fk_inflate_job_wait(b);
  check_outputs(b, &s);
  /* the first owner goes first: the other's bytes stay */
  fk_inflate_job_unref(a);
  g_assert_cmpuint(freed, ==, 1);
  check_outputs(b, &s);
  fk_inflate_job_unref(b);
  g_assert_cmpuint(freed, ==, 2);
  /* gone from the registry with its last reference: the key starts anew */
  FkInflateJob *c = fk_inflate_job_get("file-a", NULL, s.secs + 1, 1, NULL, NULL);
  fk_inflate_job_wait(c);
  gboolean known = TRUE;
  g_assert_null(fk_inflate_job_output(c, s.secs[0].offset, s.zl[0], s.n[0], &known));
  g_assert_false(known);
  fk_inflate_job_unref(c);
  fk_inflate_job_wait(other);
  fk_inflate_job_unref(other);
  fk_inflate_job_unref(NULL);
  streams_clear(&s);
}

static void
test_private(void)
{
  Streams s;
  streams_init(&s);
  FkInflateJob *a = fk_inflate_job_get(NULL, NULL, s.secs, 2, NULL, NULL);
  FkInflateJob *b = fk_inflate_job_get(NULL, NULL, s.secs, 2, NULL, NULL);
  g_assert_true(a != b);
  /* freed without a wait: the last reference joins the threads */
  fk_inflate_job_unref(a);
  fk_inflate_job_wait(b);
  check_outputs(b, &s);
  fk_inflate_job_unref(b);
  streams_clear(&s);
}

static void
test_damaged(void)
{
  Streams s;
  streams_init(&s);
  g_autofree guint8 *bad = g_memdup2(s.z[0], s.zl[0]);
  memset(bad + s.zl[0] / 2, 'X', 16);
  FkInflateSection secs[2] = {s.secs[0], s.secs[1]};
  secs[0].src = bad;
  FkInflateJob *j = fk_inflate_job_get("file-damaged", NULL, secs, 2, NULL, NULL);
  fk_inflate_job_wait(j);
  gboolean known = FALSE;
  g_assert_null(fk_inflate_job_output(j, secs[0].offset, s.zl[0], s.n[0], &known));
  g_assert_true(known);
  const guint8 *ok = fk_inflate_job_output(j, secs[1].offset, s.zl[1], s.n[1], &known);
  g_assert_nonnull(ok);
  g_assert_cmpmem(ok, s.n[1], s.plain[1], s.n[1]);
  /* a section asked for by another size is not the job's */
  g_assert_null(fk_inflate_job_output(j, secs[1].offset, s.zl[1], s.n[1] + 1, &known));
  g_assert_false(known);
  fk_inflate_job_unref(j);
  streams_clear(&s);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/inflatejob/shared", test_shared);
  g_test_add_func("/inflatejob/private", test_private);
  g_test_add_func("/inflatejob/damaged", test_damaged);
  return g_test_run();
}
