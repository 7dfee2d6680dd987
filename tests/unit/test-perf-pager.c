/* test-perf-pager.c -- the perf-data reader's pager (formats/perf/pager.h):
 * pages of a mapped file are mapped in ahead of the reported position
 * without the caller touching them, pages below the reported low mark are
 * given back, and the bytes read through the mapping stay the file's. The
 * resident size is the kernel's own count of the mapping's pages (its Rss
 * in /proc/self/smaps), not the page cache's. */
#include <fcntl.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../../formats/perf/pager.h"

#define MIB (G_GUINT64_CONSTANT(1) << 20)
#define FILE_MIB 48

/* The mapping at MAP's resident size in bytes. */
static guint64
mapping_rss(const void *map)
{
  g_autofree char *smaps = NULL;
  g_assert_true(g_file_get_contents("/proc/self/smaps", &smaps, NULL, NULL));
  char want[32];
  g_snprintf(want, sizeof want, "%" G_GINT64_MODIFIER "x-", (guint64)(guintptr)map);
  const char *at = strstr(smaps, want);
  g_assert_nonnull(at);
  const char *rss = strstr(at, "\nRss:");
  g_assert_nonnull(rss);
  return g_ascii_strtoull(rss + 5, NULL, 10) * 1024;
}

/* Waits up to 5 s for the mapping's resident size to satisfy CMP against
 * LIMIT ('<' or '>'); the final size. */
static guint64
wait_rss(const void *map, char cmp, guint64 limit)
{
  guint64 r = 0;
  for (guint i = 0; i < 500; i++) {
    r = mapping_rss(map);
    if (cmp == '<' ? r < limit : r > limit)
      break;
    g_usleep(10000);
  }
  return r;
}

static guint8
byte_at(guint64 off)
{
  return (guint8)(off * 2654435761u >> 13);
}

static void
check_bytes(const guint8 *map, guint64 from, guint64 to)
{
  for (guint64 o = from; o < to; o += 4093)
    g_assert_cmpuint(map[o], ==, byte_at(o));
}

static void
test_ahead_and_behind(void)
{
  g_autofree char *path = NULL;
  int fd = g_file_open_tmp("fk-pager-XXXXXX", &path, NULL);
  g_assert_cmpint(fd, >=, 0);
  gsize len = FILE_MIB * MIB;
  g_autofree guint8 *data = g_malloc(len);
  for (gsize i = 0; i < len; i++)
    data[i] = byte_at(i);
  g_assert_cmpint(write(fd, data, len), ==, (gssize)len);
  const guint8 *map = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
  g_assert_true(map != MAP_FAILED);
  g_assert_cmpuint(mapping_rss(map), <, MIB); /* nothing touched yet */

  PdPager *p = pd_pager_new(map, len);
  g_assert_nonnull(p);
  g_assert_true(pd_pager_due(p, 0));
  pd_pager_progress(p, 0, 0);
  g_assert_false(pd_pager_due(p, PD_PAGER_STEP - 1));
  g_assert_true(pd_pager_due(p, PD_PAGER_STEP));
  /* mapped in ahead, untouched by this thread: PD_PAGER_AHEAD of it */
  guint64 r = wait_rss(map, '>', PD_PAGER_AHEAD - MIB);
  g_assert_cmpuint(r, >, PD_PAGER_AHEAD - MIB);
  g_assert_cmpuint(r, <=, PD_PAGER_AHEAD + PD_PAGER_STEP);

  /* the caller reads up to 40 MiB, needs nothing below 36 MiB any more */
  check_bytes(map, 0, 40 * MIB);
  g_assert_cmpuint(mapping_rss(map), >=, 40 * MIB - MIB);
  /* 12 MiB behind: the thread gives them back (at least PD_PAGER_DROP) */
  pd_pager_progress(p, 40 * MIB, 12 * MIB);
  r = wait_rss(map, '<', 28 * MIB + PD_PAGER_AHEAD + MIB);
  g_assert_cmpuint(r, <, 28 * MIB + PD_PAGER_AHEAD + MIB);
  g_assert_cmpuint(r, >=, 28 * MIB - MIB);
  /* 24 MiB more behind, more than twice PD_PAGER_DROP: given back at once
   * by the caller, whether or not the thread gets to run */
  pd_pager_progress(p, 40 * MIB, 36 * MIB);
  g_assert_cmpuint(mapping_rss(map), <, 4 * MIB + PD_PAGER_AHEAD + MIB);
  r = wait_rss(map, '<', 4 * MIB + PD_PAGER_AHEAD + MIB);
  g_assert_cmpuint(r, <, 4 * MIB + PD_PAGER_AHEAD + MIB);
  /* what was given back reads back as the file's bytes */
  check_bytes(map, 0, len);

  pd_pager_free(p);
  pd_pager_free(NULL);
  munmap((void *)map, len);
  close(fd);
  g_unlink(path);
}

/* A file of zero bytes, mapped, with a pager over the mapping. */
typedef struct {
  char *path;
  int fd;
  gsize len;
  const guint8 *map;
  PdPager *p;
} Zeros;

static void
zeros_open(Zeros *z, gsize len)
{
  z->fd = g_file_open_tmp("fk-pager-XXXXXX", &z->path, NULL);
  g_assert_cmpint(z->fd, >=, 0);
  g_assert_cmpint(ftruncate(z->fd, (off_t)len), ==, 0);
  z->len = len;
  z->map = mmap(NULL, len, PROT_READ, MAP_PRIVATE, z->fd, 0);
  g_assert_true(z->map != MAP_FAILED);
  z->p = pd_pager_new(z->map, len);
  g_assert_nonnull(z->p);
}

static void
zeros_close(Zeros *z)
{
  pd_pager_free(z->p);
  munmap((void *)z->map, z->len);
  close(z->fd);
  g_unlink(z->path);
  g_free(z->path);
}

/* Positions are record offsets, not page aligned: pages are still mapped
 * in ahead of every later position (a range ending off a page once made
 * the next madvise fail, which turned the pager's mapping-in off). */
static void
test_unaligned_positions(void)
{
  Zeros z;
  zeros_open(&z, 24 * MIB);
  const guint8 *map = z.map;
  PdPager *p = z.p;
  pd_pager_progress(p, 264, 0);
  guint64 r = wait_rss(map, '>', PD_PAGER_AHEAD - MIB);
  g_assert_cmpuint(r, >, PD_PAGER_AHEAD - MIB);
  /* PD_PAGER_STEP on, as the decoder reports: mapped in from where the
   * last range ended, up to PD_PAGER_AHEAD past the new position */
  guint64 at = 264;
  for (guint i = 0; i < 3; i++) {
    at += PD_PAGER_STEP + 4096;
    g_assert_true(pd_pager_due(p, at));
    pd_pager_progress(p, at, 0);
    r = wait_rss(map, '>', at + PD_PAGER_AHEAD - MIB);
    g_assert_cmpuint(r, >, at + PD_PAGER_AHEAD - MIB);
  }
  zeros_close(&z);
}

/* Low marks closer together than PD_PAGER_DROP give nothing back: the
 * pages are given back in large ranges, not a few at a time. */
static void
test_drop_batches(void)
{
  Zeros z;
  zeros_open(&z, 24 * MIB);
  const guint8 *map = z.map;
  gsize len = z.len;
  PdPager *p = z.p;
  volatile guint8 sum = 0;
  for (gsize o = 0; o < len; o += 4096)
    sum += map[o];
  (void)sum;
  pd_pager_progress(p, len, PD_PAGER_DROP - 4096);
  g_usleep(200000);
  g_assert_cmpuint(mapping_rss(map), >=, len - MIB);
  zeros_close(&z);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/perf-pager/ahead-and-behind", test_ahead_and_behind);
  g_test_add_func("/perf-pager/drop-batches", test_drop_batches);
  g_test_add_func("/perf-pager/unaligned-positions", test_unaligned_positions);
  return g_test_run();
}
