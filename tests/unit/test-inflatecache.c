/* test-inflatecache.c -- inflated sections kept on disk between runs: a job
 * writes its entry and the next job of the same key inflates nothing; an
 * entry that does not check (truncated, another layout, a symlink, another
 * user's) is not used and is written again; the limit keeps the most
 * recently used entries; the key follows the file and its bytes. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utime.h>
#include <zlib.h>

#include "../../formats/symbols/inflatecache.h"
#include "../../formats/symbols/inflatejob.h"

typedef struct {
  guint8 *plain, *z;
  gsize n, zl;
  FkInflateSection sec;
} Stream;

static void
stream_init(Stream *s, gsize n, guint seed, guint64 offset)
{
  s->n = n;
  s->plain = g_malloc(n);
  for (gsize i = 0; i < n; i++)
    s->plain[i] = (guint8)((i / 64) % 3 == 0 ? (i + seed) & 7 : ((i + seed) * 2654435761u) >> 26);
  uLongf z = compressBound(n);
  s->z = g_malloc(z);
  g_assert_cmpint(compress2(s->z, &z, s->plain, n, 6), ==, Z_OK);
  s->zl = z;
  s->sec = (FkInflateSection){offset, s->z, s->zl, n};
}

static void
stream_clear(Stream *s)
{
  g_free(s->plain);
  g_free(s->z);
}

static char *
cache_dir_new(void)
{
  char *d = g_dir_make_tmp("fk-inflatecache-XXXXXX", NULL);
  g_assert_nonnull(d);
  g_setenv("FLAMEKIT_CACHE_DIR", d, TRUE);
  g_unsetenv("FLAMEKIT_CACHE_MAX_MB");
  return d;
}

static void
rm_rf(const char *dir)
{
  GDir *d = g_dir_open(dir, 0, NULL);
  for (const char *n; d != NULL && (n = g_dir_read_name(d)) != NULL;) {
    g_autofree char *p = g_build_filename(dir, n, NULL);
    g_assert_cmpint(unlink(p), ==, 0);
  }
  if (d != NULL)
    g_dir_close(d);
  g_assert_cmpint(rmdir(dir), ==, 0);
}

/* the size of DIR/KEY, -1 when there is none */
static goffset
entry_size(const char *dir, const char *key)
{
  g_autofree char *p = g_build_filename(dir, key, NULL);
  struct stat st;
  return lstat(p, &st) == 0 ? st.st_size : -1;
}

/* A job of SECS under CACHE_KEY, waited for: whether each output is the
 * plain bytes of its stream. */
static gboolean
job_gives(const char *cache_key, const FkInflateSection *secs, const Stream *const *plain, guint n)
{
  FkInflateJob *j = fk_inflate_job_get(NULL, cache_key, secs, n, NULL, NULL);
  fk_inflate_job_wait(j);
  gboolean all = TRUE;
  for (guint i = 0; i < n; i++) {
    gboolean known = FALSE;
    const guint8 *out =
        fk_inflate_job_output(j, secs[i].offset, secs[i].src_len, secs[i].size, &known);
    g_assert_true(known);
    all = all && out != NULL && memcmp(out, plain[i]->plain, plain[i]->n) == 0;
  }
  fk_inflate_job_unref(j); /* joins the threads: the entry is written */
  return all;
}

static void
test_round_trip(void)
{
  g_autofree char *dir = cache_dir_new();
  Stream a, b;
  stream_init(&a, (gsize)1 << 20, 1, 0x1000);
  stream_init(&b, 4096, 2, 0x9000);
  FkInflateSection secs[2] = {a.sec, b.sec};
  const Stream *plain[2] = {&a, &b};
  static const guint8 id[4] = {0xde, 0xad, 0xbe, 0xef};
  g_autofree char *key = fk_inflate_cache_key("1:2:3", id, sizeof id, secs, 2);
  g_assert_true(g_str_has_prefix(key, "dwarf-deadbeef-"));
  g_assert_cmpint(entry_size(dir, key), ==, -1);
  g_assert_true(job_gives(key, secs, plain, 2));
  g_assert_cmpint(entry_size(dir, key), >, (goffset)(a.n + b.n));

  /* the next job of the key reads the entry: streams that no longer
   * inflate still give the bytes (the cache's, not an inflate's) */
  g_autofree guint8 *bad = g_memdup2(a.z, a.zl);
  memset(bad + a.zl / 2, 'X', 64);
  FkInflateSection damaged[2] = {a.sec, b.sec};
  damaged[0].src = bad;
  g_assert_true(job_gives(key, damaged, plain, 2));

  /* without the key, the damage shows: nothing was hidden */
  g_assert_false(job_gives(NULL, damaged, plain, 2));

  /* an entry of a layout other than the job's is not used */
  FkInflateSection other[2] = {a.sec, b.sec};
  other[1].offset = 0xA000;
  g_assert_null(fk_inflate_cache_open(key, other, 2));
  FkInflateCacheHit *hit = fk_inflate_cache_open(key, secs, 2);
  g_assert_nonnull(hit);
  g_assert_cmpmem(fk_inflate_cache_bytes(hit, &secs[1]), b.n, b.plain, b.n);
  g_assert_null(fk_inflate_cache_bytes(hit, &other[1]));
  fk_inflate_cache_close(hit);

  /* the cache off: no entry read, none written */
  g_setenv("FLAMEKIT_CACHE_DIR", "", TRUE);
  g_assert_null(fk_inflate_cache_open(key, secs, 2));
  g_assert_false(job_gives(key, damaged, plain, 2));
  g_setenv("FLAMEKIT_CACHE_DIR", dir, TRUE);
  g_setenv("FLAMEKIT_CACHE_MAX_MB", "0", TRUE);
  g_assert_null(fk_inflate_cache_open(key, secs, 2));
  g_unsetenv("FLAMEKIT_CACHE_MAX_MB");

  rm_rf(dir);
  stream_clear(&a);
  stream_clear(&b);
}

static void
test_entry_checked(void)
{
  g_autofree char *dir = cache_dir_new();
  Stream a;
  stream_init(&a, 200000, 3, 0x2000);
  const Stream *plain[1] = {&a};
  static const guint8 id[2] = {0x12, 0x34};
  g_autofree char *key = fk_inflate_cache_key("4:5:6", id, sizeof id, &a.sec, 1);
  g_assert_true(job_gives(key, &a.sec, plain, 1));
  goffset full = entry_size(dir, key);
  g_assert_cmpint(full, >, (goffset)a.n);
  g_autofree char *path = g_build_filename(dir, key, NULL);

  /* truncated (a disk that filled, a crash): not used, written again */
  g_assert_cmpint(truncate(path, full - 1), ==, 0);
  g_assert_null(fk_inflate_cache_open(key, &a.sec, 1));
  g_assert_true(job_gives(key, &a.sec, plain, 1));
  g_assert_cmpint(entry_size(dir, key), ==, full);

  /* a header that is not the cache's */
  g_assert_cmpint(truncate(path, 8), ==, 0);
  g_assert_null(fk_inflate_cache_open(key, &a.sec, 1));
  g_assert_true(job_gives(key, &a.sec, plain, 1));

  /* a symlink in its place is not followed */
  g_autofree char *real = g_strconcat(path, ".real", NULL);
  g_assert_cmpint(rename(path, real), ==, 0);
  g_assert_cmpint(symlink(real, path), ==, 0);
  g_assert_null(fk_inflate_cache_open(key, &a.sec, 1));
  g_assert_cmpint(unlink(path), ==, 0);
  g_assert_cmpint(rename(real, path), ==, 0);
  FkInflateCacheHit *hit = fk_inflate_cache_open(key, &a.sec, 1);
  g_assert_nonnull(hit);
  fk_inflate_cache_close(hit);

  /* another user's file says nothing to this one */
  if (geteuid() == 0) {
    g_assert_cmpint(chown(path, 65534, 65534), ==, 0);
    g_assert_null(fk_inflate_cache_open(key, &a.sec, 1));
  }
  rm_rf(dir);
  stream_clear(&a);
}

static void
test_limit(void)
{
  g_autofree char *dir = cache_dir_new();
  g_setenv("FLAMEKIT_CACHE_MAX_MB", "1", TRUE);
  Stream s[4];
  char *keys[4];
  for (guint i = 0; i < 4; i++) {
    stream_init(&s[i], 400000, 10 + i, 0x3000);
    const Stream *plain[1] = {&s[i]};
    guint8 id[1] = {(guint8)i};
    keys[i] = fk_inflate_cache_key("7:8:9", id, sizeof id, &s[i].sec, 1);
    g_assert_true(job_gives(keys[i], &s[i].sec, plain, 1));
    /* written a minute apart, the first used last */
    g_autofree char *p = g_build_filename(dir, keys[i], NULL);
    struct utimbuf t = {1000000 + 60 * i, 1000000 + 60 * i};
    if (i == 0)
      t.actime = t.modtime = 2000000;
    if (entry_size(dir, keys[i]) >= 0)
      g_assert_cmpint(utime(p, &t), ==, 0);
  }
  /* 1 MiB holds two: the last written and the first, used most recently */
  g_assert_cmpint(entry_size(dir, keys[3]), >, 0);
  g_assert_cmpint(entry_size(dir, keys[0]), >, 0);
  g_assert_cmpint(entry_size(dir, keys[1]), ==, -1);
  g_assert_cmpint(entry_size(dir, keys[2]), ==, -1);

  /* an entry larger than the limit is not written at all */
  Stream big;
  stream_init(&big, (gsize)3 << 19, 20, 0x4000);
  const Stream *plain[1] = {&big};
  static const guint8 id[1] = {9};
  g_autofree char *bk = fk_inflate_cache_key("7:8:9", id, sizeof id, &big.sec, 1);
  g_assert_true(job_gives(bk, &big.sec, plain, 1));
  g_assert_cmpint(entry_size(dir, bk), ==, -1);
  g_assert_cmpint(entry_size(dir, keys[3]), >, 0);

  /* not a number: the default limit, not none */
  g_setenv("FLAMEKIT_CACHE_MAX_MB", "lots", TRUE);
  g_assert_true(job_gives(bk, &big.sec, plain, 1));
  g_assert_cmpint(entry_size(dir, bk), >, 0);
  g_unsetenv("FLAMEKIT_CACHE_MAX_MB");

  for (guint i = 0; i < 4; i++) {
    g_free(keys[i]);
    stream_clear(&s[i]);
  }
  stream_clear(&big);
  rm_rf(dir);
}

static void
test_key(void)
{
  Stream a;
  stream_init(&a, 100000, 4, 0x5000);
  static const guint8 id[3] = {1, 2, 3};
  g_autofree char *k = fk_inflate_cache_key("1:1:1", id, sizeof id, &a.sec, 1);
  g_autofree char *same = fk_inflate_cache_key("1:1:1", id, sizeof id, &a.sec, 1);
  g_assert_cmpstr(k, ==, same);
  /* another file with that build id: another entry */
  g_autofree char *file = fk_inflate_cache_key("1:1:2", id, sizeof id, &a.sec, 1);
  g_assert_cmpstr(k, !=, file);
  /* a changed byte in the sampled start of the stream */
  a.z[10] ^= 1;
  g_autofree char *byte = fk_inflate_cache_key("1:1:1", id, sizeof id, &a.sec, 1);
  g_assert_cmpstr(k, !=, byte);
  g_assert_null(fk_inflate_cache_key("1:1:1", NULL, 0, &a.sec, 1));
  g_assert_null(fk_inflate_cache_key(NULL, id, sizeof id, &a.sec, 1));
  stream_clear(&a);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/inflatecache/round-trip", test_round_trip);
  g_test_add_func("/inflatecache/entry-checked", test_entry_checked);
  g_test_add_func("/inflatecache/limit", test_limit);
  g_test_add_func("/inflatecache/key", test_key);
  return g_test_run();
}
