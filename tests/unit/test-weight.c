/* test-weight.c -- weights as text: fk_weight_format writes what
 * fk_weight_parse reads back, at every number of decimals, for the whole
 * 64-bit range (the writers format one count per line, without printf). */
#include "../../analyze/sample.h"

#include <string.h>

static void
test_examples(void)
{
  char buf[32];
  static const struct {
    gint64 v;
    guint d;
    const char *want;
  } cases[] = {
      {0, 0, "0"},
      {7, 0, "7"},
      {-7, 0, "-7"},
      {G_MAXINT64, 0, "9223372036854775807"},
      {G_MININT64, 0, "-9223372036854775808"},
      {4567, 3, "4.567"},
      {4500, 3, "4.5"},
      {4000, 3, "4"},
      {5, 3, "0.005"},
      {-50, 3, "-0.05"},
      {0, 9, "0"},
      {G_MAXINT64, 9, "9223372036.854775807"},
      {G_MININT64, 9, "-9223372036.854775808"},
      {1000000000, 9, "1"},
  };
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++)
    g_assert_cmpstr(fk_weight_format(cases[i].v, cases[i].d, buf), ==, cases[i].want);
}

/* Non-negative weights: parsing the text gives the value back at the
 * decimals the text shows, which scale up to the ones it was written at. */
static void
test_round_trip(void)
{
  GRand *r = g_rand_new_with_seed(0x3e1);
  for (guint i = 0; i < 200000; i++) {
    guint64 raw = ((guint64)g_rand_int(r) << 32) | g_rand_int(r);
    gint64 v = (gint64)((raw & G_MAXINT64) >> g_rand_int_range(r, 0, 63));
    guint d = i % (FK_MAX_DECIMALS + 1);
    char buf[32];
    fk_weight_format(v, d, buf);
    gint64 back;
    guint8 bd;
    g_assert_true(fk_weight_parse(buf, strlen(buf), &back, &bd));
    g_assert_cmpuint(bd, <=, d);
    g_assert_cmpint(back * fk_pow10(d - bd), ==, v);
    char again[32];
    g_assert_cmpstr(fk_weight_format(back, bd, again), ==, buf);
  }
  g_rand_free(r);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/weight/examples", test_examples);
  g_test_add_func("/weight/round-trip", test_round_trip);
  return g_test_run();
}
