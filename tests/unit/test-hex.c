/* test-hex.c -- fk_hex8 against a digit-by-digit reading: every byte value
 * at every one of the eight places, and random digit strings of both cases. */
#include "../../formats/symbols/hex.h"

static int
digit(char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/* What fk_hex8 must say of the 8 bytes at P. */
static gboolean
hex8_slow(const char *p, guint32 *v)
{
  guint32 a = 0;
  for (int i = 0; i < 8; i++) {
    int d = digit(p[i]);
    if (d < 0)
      return FALSE;
    a = a << 4 | (guint32)d;
  }
  *v = a;
  return TRUE;
}

static void
check(const char *p)
{
  guint32 want = 0, got = 0;
  gboolean ok = hex8_slow(p, &want);
  g_assert_cmpint(fk_hex8(p, &got), ==, ok);
  if (ok)
    g_assert_cmphex(got, ==, want);
}

static void
test_every_byte(void)
{
  const char *base = "9aF0b1E7";
  char buf[9];
  for (int at = 0; at < 8; at++)
    for (int c = 0; c < 256; c++) {
      memcpy(buf, base, 9);
      buf[at] = (char)c;
      check(buf);
    }
}

static void
test_random(void)
{
  const char digits[] = "0123456789abcdefABCDEF";
  char buf[9] = {0};
  GRand *r = g_rand_new_with_seed(18);
  for (int k = 0; k < 100000; k++) {
    for (int i = 0; i < 8; i++)
      buf[i] = digits[g_rand_int_range(r, 0, (gint32)sizeof digits - 1)];
    check(buf);
  }
  g_rand_free(r);
  guint32 v = 0;
  g_assert_true(fk_hex8("ffffffff", &v));
  g_assert_cmphex(v, ==, 0xffffffffu);
  g_assert_true(fk_hex8("81000000", &v));
  g_assert_cmphex(v, ==, 0x81000000u);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/hex/every-byte", test_every_byte);
  g_test_add_func("/hex/random", test_random);
  return g_test_run();
}
