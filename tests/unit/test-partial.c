/* test-partial.c -- the header of a partial result: what is written is read
 * back byte for byte, and skips reported by runs over consecutive parts of
 * the inputs, carried in their partials and replayed into one diag, come out
 * as if one run had met them all. */
#include "../../formats/diag.h"
#include "../../formats/partial.h"

#include <string.h>

/* Feeds the lines of TEXT to a partial reader of input NAME reporting to D. */
static void
read_header(const char *text, const char *name, FkDiag *d)
{
  FkPartialReader *r = fk_partial_reader_new(name, d);
  g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (lines[i][0] == '#')
      g_assert_true(fk_partial_reader_line(r, lines[i], strlen(lines[i]), "hdr"));
  fk_partial_reader_free(r);
}

/* A string of 0-20 random bytes but NUL: spaces, '%', controls, bytes
 * that are not UTF-8, digits at the end. */
static char *
random_bytes(GRand *r)
{
  static const char pool[] = " %\t\r\x1b\x7f\xc3\xa9\xff\xfe"
                             "09;=#[]ab/";
  guint n = (guint)g_rand_int_range(r, 0, 21);
  char *s = g_malloc(n + 1);
  for (guint i = 0; i < n; i++)
    s[i] = pool[g_rand_int_range(r, 0, sizeof pool - 1)];
  s[n] = '\0';
  return s;
}

static void
test_round_trip(void)
{
  GRand *r = g_rand_new_with_seed(0x9a47);
  for (guint round = 0; round < 300; round++) {
    guint n_args = (guint)g_rand_int_range(r, 0, 4);
    char **args = g_new0(char *, n_args + 1);
    for (guint i = 0; i < n_args; i++)
      args[i] = random_bytes(r);
    FkPartialInput in = {0};
    in.name = random_bytes(r);
    in.path = random_bytes(r);
    in.host = g_rand_boolean(r) ? random_bytes(r) : NULL;
    in.event = g_strdup("cpu-clock");
    in.reader = g_strdup("perf-script");
    in.period = g_rand_boolean(r);
    in.hosts_differ = g_rand_boolean(r);
    in.samples = g_rand_int(r);
    in.decimals = (guint)g_rand_int_range(r, 0, 4);
    in.total = (gint64)g_rand_int(r) * 1000 + 7;
    FkPartialHeader h = {"nanoseconds", "cpu-clock", args, &in, 1, NULL};
    GString *text = g_string_new(NULL);
    fk_partial_header_append(text, &h);
    /* No line a peer could take for a stack: none ends in a space and digits.
     */
    g_auto(GStrv) lines = g_strsplit(text->str, "\n", -1);
    for (guint i = 0; lines[i] != NULL && lines[i][0] != '\0'; i++) {
      g_assert_true(g_str_has_prefix(lines[i], "# flamekit-"));
      g_assert_false(g_regex_match_simple("\\s\\d+(\\.\\d*)?$", lines[i], 0, 0));
    }
    g_autoptr(FkDiag) d = fk_diag_new(5);
    read_header(text->str, "p.folded", d);
    g_assert_cmpuint(fk_diag_skipped(d), ==, 0);
    GPtrArray *origins = fk_diag_origins(d);
    g_assert_cmpuint(origins->len, ==, 1);
    const FkPartialOrigin *o = g_ptr_array_index(origins, 0);
    g_assert_cmpstr(o->name, ==, "p.folded");
    g_assert_cmpuint(o->args->len, ==, n_args);
    for (guint i = 0; i < n_args; i++)
      g_assert_cmpstr(g_ptr_array_index(o->args, i), ==, args[i]);
    g_assert_cmpuint(o->inputs->len, ==, 1);
    const FkPartialInput *got = &g_array_index(o->inputs, FkPartialInput, 0);
    g_assert_cmpstr(got->name, ==, in.name);
    g_assert_cmpstr(got->path, ==, in.path);
    g_assert_cmpstr(got->host, ==, in.host);
    g_assert_cmpstr(got->event, ==, in.event);
    g_assert_cmpstr(got->reader, ==, in.reader);
    g_assert_cmpint(got->period, ==, in.period);
    g_assert_cmpint(got->hosts_differ, ==, in.hosts_differ);
    g_assert_cmpuint(got->samples, ==, in.samples);
    /* The total is exact, with as many decimals as it needs. */
    g_assert_cmpint(got->total * fk_pow10(in.decimals), ==, in.total * fk_pow10(got->decimals));
    g_string_free(text, TRUE);
    g_strfreev(args);
    g_free(in.name);
    g_free(in.path);
    g_free(in.host);
    g_free(in.event);
    g_free(in.reader);
  }
  g_rand_free(r);
}

static void
report(FkDiag *d, GRand *r, guint i)
{
  if (g_rand_int_range(r, 0, 3) == 0) {
    fk_diag_note(d, "f", "note %u", i);
  } else {
    FkWeight w = fk_weight_int(g_rand_int_range(r, 0, 100));
    fk_diag_skip(d, "f 12", g_rand_boolean(r) ? &w : NULL, "skip %u", i);
  }
}

static void
test_skips_travel(void)
{
  GRand *r = g_rand_new_with_seed(0x5419);
  for (guint round = 0; round < 500; round++) {
    guint n = (guint)g_rand_int_range(r, 0, 40);
    guint32 seed = g_rand_int(r);
    g_autoptr(FkDiag) direct = fk_diag_new(5);
    GRand *a = g_rand_new_with_seed(seed), *b = g_rand_new_with_seed(seed);
    for (guint i = 0; i < n; i++)
      report(direct, a, i);
    /* The same reports, in runs of consecutive ones, each run's diag
     * written into a partial and replayed into MERGED in order. */
    g_autoptr(FkDiag) merged = fk_diag_new(5);
    guint i = 0;
    while (i < n || i == 0) {
      guint run = (guint)g_rand_int_range(r, 0, 12);
      g_autoptr(FkDiag) part = fk_diag_new(5);
      for (guint k = 0; k < run && i < n; k++)
        report(part, b, i++);
      FkPartialHeader h = {"samples", NULL, NULL, NULL, 0, part};
      GString *text = g_string_new(NULL);
      fk_partial_header_append(text, &h);
      read_header(text->str, "p", merged);
      g_string_free(text, TRUE);
      if (n == 0)
        break;
    }
    GPtrArray *dm = fk_diag_messages(direct), *mm = fk_diag_messages(merged);
    g_assert_cmpuint(mm->len, ==, dm->len);
    for (guint k = 0; k < dm->len; k++) {
      g_assert_cmpstr(g_ptr_array_index(mm, k), ==, g_ptr_array_index(dm, k));
      g_assert_cmpint(fk_diag_message_is_skip(merged, k), ==, fk_diag_message_is_skip(direct, k));
    }
    g_assert_cmpuint(fk_diag_skipped(merged), ==, fk_diag_skipped(direct));
    g_assert_cmpuint(fk_diag_unshown(merged), ==, fk_diag_unshown(direct));
    g_assert_cmpfloat(fk_diag_skipped_weight(merged), ==, fk_diag_skipped_weight(direct));
    g_rand_free(a);
    g_rand_free(b);
  }
  g_rand_free(r);
}

static void
test_damage(void)
{
  static const char *const bad[] = {
      "# flamekit-arg path=a%2",
      "# flamekit-arg path=a%zz",
      "# flamekit-arg path=a%00b",
      "# flamekit-arg",
      "# flamekit-input name=x total=1",
      "# flamekit-input name=x samples=-1 total=1",
      "# flamekit-input name=x samples=1 total=1.2.3",
      "# flamekit-skipped items=x",
      "# flamekit-skipped items=1 weight=-3",
      "# flamekit-skipped items=1 weight=nan",
      "# flamekit-arg =x",
      "# flamekit-arg noequals",
  };
  for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
    g_autoptr(FkDiag) d = fk_diag_new(5);
    g_autofree char *text = g_strdup_printf("# flamekit-partial version=1\n%s\n", bad[i]);
    read_header(text, "p", d);
    g_assert_cmpuint(fk_diag_skipped(d), ==, 1);
    g_assert_true(g_str_has_prefix(g_ptr_array_index(fk_diag_messages(d), 0),
                                   "hdr: not a partial header line"));
  }
  /* Outside a partial, flamekit- lines are ordinary comments. */
  g_autoptr(FkDiag) d = fk_diag_new(5);
  FkPartialReader *r = fk_partial_reader_new("p", d);
  g_assert_false(fk_partial_reader_line(r, "# flamekit-arg path=x", 21, "hdr"));
  g_assert_false(fk_partial_reader_line(r, "# a comment", 11, "hdr"));
  g_assert_null(fk_partial_reader_unit(r));
  fk_partial_reader_free(r);
  g_assert_cmpuint(fk_diag_skipped(d), ==, 0);
  g_assert_cmpuint(fk_diag_origins(d)->len, ==, 0);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/partial/round-trip", test_round_trip);
  g_test_add_func("/partial/skips-travel", test_skips_travel);
  g_test_add_func("/partial/damage", test_damage);
  return g_test_run();
}
