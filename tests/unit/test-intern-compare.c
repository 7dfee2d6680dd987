/* test-intern-compare.c -- the interner's byte compare (same_bytes), which a
 * hit runs on every intern: equal strings of every length up to 72 compare
 * equal, and one differing byte at any position, the overlapping last word
 * included, makes them differ. Through the interner alone a hash collision
 * would be needed to reach the compare with unequal bytes. */
#include "../../analyze/intern.c"

static void
test_every_length_and_position(void)
{
  char a[80], b[80];
  for (gsize len = 0; len <= 72; len++) {
    for (gsize i = 0; i < len; i++)
      a[i] = (char)('a' + (i * 7) % 26);
    memcpy(b, a, len);
    g_assert_true(same_bytes(a, b, len));
    for (gsize at = 0; at < len; at++) {
      b[at] ^= 0x20;
      g_assert_false(same_bytes(a, b, len));
      b[at] ^= 0x20;
    }
    /* bytes past LEN are not looked at */
    a[len] = 'x';
    b[len] = 'y';
    g_assert_true(same_bytes(a, b, len));
  }
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/intern/compare/every-length-and-position", test_every_length_and_position);
  return g_test_run();
}
