/* test-zinflate.c -- fk_zlib_inflate against streams zlib itself made:
 * exact sizes only, and every kind of damage refused. */
#include <string.h>
#include <zlib.h>

#include "../../formats/symbols/zinflate.h"

/* N bytes that compress, but not to nothing: DWARF-like runs and noise. */
static guint8 *
sample(gsize n)
{
  guint8 *p = g_malloc(n);
  guint32 x = 2463534242u;
  for (gsize i = 0; i < n; i++) {
    x ^= x << 13, x ^= x >> 17, x ^= x << 5;
    p[i] = (i / 64) % 3 == 0 ? (guint8)(i & 7) : (guint8)(x & 0x3f);
  }
  return p;
}

static guint8 *
zlib_stream(const guint8 *plain, gsize n, gsize *len)
{
  uLongf z = compressBound(n);
  guint8 *out = g_malloc(z);
  g_assert_cmpint(compress2(out, &z, plain, n, 9), ==, Z_OK);
  *len = z;
  return out;
}

static void
test_exact(void)
{
  const gsize sizes[] = {1, 100, 65536, 1 << 20};
  for (guint i = 0; i < G_N_ELEMENTS(sizes); i++) {
    gsize n = sizes[i], zl;
    g_autofree guint8 *plain = sample(n);
    g_autofree guint8 *z = zlib_stream(plain, n, &zl);
    g_autofree guint8 *out = g_malloc(n + 1);
    g_assert_true(fk_zlib_inflate(z, zl, out, n));
    g_assert_cmpmem(out, n, plain, n);
    /* bytes after the stream's end (section padding) are ignored */
    g_autofree guint8 *padded = g_malloc0(zl + 16);
    memcpy(padded, z, zl);
    memset(out, 0, n);
    g_assert_true(fk_zlib_inflate(padded, zl + 16, out, n));
    g_assert_cmpmem(out, n, plain, n);
    /* a size that is not the stream's is refused either way */
    g_assert_false(fk_zlib_inflate(z, zl, out, n + 1));
    if (n > 1)
      g_assert_false(fk_zlib_inflate(z, zl, out, n - 1));
  }
}

static void
test_damaged(void)
{
  gsize n = 1 << 16, zl;
  g_autofree guint8 *plain = sample(n);
  g_autofree guint8 *z = zlib_stream(plain, n, &zl);
  g_autofree guint8 *out = g_malloc(n);
  /* cut anywhere: never TRUE, never a read past the cut (valgrind, ASan) */
  for (gsize cut = 0; cut < zl; cut += 1 + cut / 8) {
    g_autofree guint8 *t = g_memdup2(z, cut > 0 ? cut : 1);
    g_assert_false(fk_zlib_inflate(t, cut, out, n));
  }
  /* the adler32 at the end */
  g_autofree guint8 *a = g_memdup2(z, zl);
  a[zl - 1] ^= 1;
  g_assert_false(fk_zlib_inflate(a, zl, out, n));
  /* not a zlib header (a raw deflate stream or garbage) */
  g_autofree guint8 *h = g_memdup2(z, zl);
  h[0] = 0x00;
  g_assert_false(fk_zlib_inflate(h, zl, out, n));
  /* garbage in the middle of the stream */
  g_autofree guint8 *m = g_memdup2(z, zl);
  memset(m + zl / 2, 0xff, 16);
  g_assert_false(fk_zlib_inflate(m, zl, out, n));
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/zinflate/exact", test_exact);
  g_test_add_func("/zinflate/damaged", test_damaged);
  return g_test_run();
}
