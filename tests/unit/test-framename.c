/* test-framename.c -- the frame-name rule every reader applies: the result
 * never holds ';', a line end, a control character or a byte that is not
 * UTF-8; applying it twice changes nothing (re-read folded output keeps its
 * names); clean names are kept as they are. */
#include "../../analyze/transform.h"
#include "../../formats/framename.h"

#include <string.h>

static void
test_examples(void)
{
  g_autoptr(FkInterner) s = fk_interner_new();
  static const char *cases[][2] = {
      {"main", "main"},
      {"Lfoo;bar Ljava/lang/String;", "Lfoo:bar Ljava/lang/String:"},
      {"[x\nA;B 99999999]", "[x\\x0AA:B 99999999]"},
      {"a\rb\tc\x1b[2Jd\x7f", "a\\x0Db\\x09c\\x1B[2Jd\\x7F"},
      {"caf\xc3\xa9 \xe2\x86\x92 \xf0\x9f\x98\x80", "caf\xc3\xa9 \xe2\x86\x92 \xf0\x9f\x98\x80"},
      {"bad\xff\xfe", "bad\\xFF\\xFE"},
      {"\xc2\x9b"
       "csi \xc2\xa0nbsp",
       "\\xC2\\x9Bcsi \xc2\xa0nbsp"},
      {"cut\xe2\x86", "cut\\xE2\\x86"},
  };
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++)
    g_assert_cmpstr(fk_frame_intern0(s, cases[i][0]), ==, cases[i][1]);
  const char *clean = fk_interner_intern0(s, "std::vector<int>::push_back");
  g_assert_true(fk_frame_intern0(s, "std::vector<int>::push_back") == clean);
}

static void
test_property(void)
{
  g_autoptr(FkInterner) s = fk_interner_new();
  GRand *r = g_rand_new_with_seed(0xf4a3);
  static const guint8 alphabet[] = {'a',  ';',  '\n', '\r', '\t', 0x1b, 0x7f, 0xc2, 0x9b, 0xa0,
                                    0xe2, 0x86, 0x92, 0xff, 0xf0, 0x9f, 0x98, 0x80, ' ',  '\\'};
  for (guint round = 0; round < 20000; round++) {
    char buf[24];
    gsize n = (gsize)g_rand_int_range(r, 0, (gint32)sizeof buf);
    for (gsize i = 0; i < n; i++)
      buf[i] = (char)alphabet[g_rand_int_range(r, 0, G_N_ELEMENTS(alphabet))];
    const char *once = fk_frame_intern(s, buf, n);
    g_assert_true(fk_frame_name_is_clean(once, strlen(once)));
    g_assert_true(g_utf8_validate(once, -1, NULL));
    g_assert_null(strpbrk(once, ";\n\r\t\x1b\x7f"));
    g_assert_true(fk_frame_intern0(s, once) == once);
    if (fk_frame_name_is_clean(buf, n))
      g_assert_true(n == strlen(once) && memcmp(once, buf, n) == 0);
  }
  g_rand_free(r);
}

/* Plain names are checked and hashed in one pass (fk_frame_intern), others
 * by the interner's own hash: the two must agree at every length, or a name
 * read by a reader and the same name interned elsewhere (a merge, --focus)
 * would be two strings. A byte that is not plain anywhere in a word or in
 * the tail must still be caught. */
static void
test_one_pass(void)
{
  g_autoptr(FkInterner) s = fk_interner_new();
  GRand *r = g_rand_new_with_seed(0x51a7);
  for (guint round = 0; round < 4000; round++) {
    char buf[72];
    gsize n = round % sizeof buf;
    for (gsize i = 0; i < n; i++) {
      char c;
      do
        c = (char)g_rand_int_range(r, 0x20, 0x7f);
      while (c == ';');
      buf[i] = c;
    }
    gboolean frame_first = g_rand_boolean(r);
    const char *a = frame_first ? fk_frame_intern(s, buf, n) : fk_interner_intern(s, buf, n);
    const char *b = frame_first ? fk_interner_intern(s, buf, n) : fk_frame_intern(s, buf, n);
    g_assert_true(a == b);
    g_assert_cmpuint(fk_hash_bytes(buf, n), ==, fk_hash_bytes(a, strlen(a)));
    if (n > 0) {
      gsize at = (gsize)g_rand_int_range(r, 0, (gint32)n);
      static const char bad[] = {'\n', ';', 0x1b, 0x7f, (char)0xff};
      buf[at] = bad[round % sizeof bad];
      const char *c = fk_frame_intern(s, buf, n);
      g_assert_true(fk_frame_name_is_clean(c, strlen(c)));
      g_assert_false(strlen(c) == n && memcmp(c, buf, n) == 0);
    }
  }
  g_rand_free(r);
}

/* fk_frame_intern_unoffset finds the offset in its one pass: it must give
 * what stripping first (fk_name_offset_start) and interning after gives, for
 * names with and without offsets of every form, at every length, with a
 * byte that is not plain here and there. */
static void
test_unoffset(void)
{
  g_autoptr(FkInterner) s = fk_interner_new();
  GRand *r = g_rand_new_with_seed(0x0ff5);
  static const char *const ends[] = {"",     "+0x1a", "+0x1a/0x40", "+31", "+",    "+0x",
                                     "0x1a", "/0x40", "+0xzz",      "f+1", "+0X1A"};
  static const char alphabet[] = "abcdefxX0123456789_:+/ ";
  for (guint round = 0; round < 6000; round++) {
    char buf[96];
    gsize n = (gsize)g_rand_int_range(r, 0, 60);
    for (gsize i = 0; i < n; i++)
      buf[i] = alphabet[g_rand_int_range(r, 0, (gint32)sizeof alphabet - 1)];
    const char *end = ends[round % G_N_ELEMENTS(ends)];
    memcpy(buf + n, end, strlen(end));
    n += strlen(end);
    if (round % 7 == 0 && n > 0)
      buf[g_rand_int_range(r, 0, (gint32)n)] = (char)(round % 2 ? 0x1b : 0xc3);
    const char *want = fk_frame_intern(s, buf, fk_name_offset_start(buf, n));
    g_assert_true(fk_frame_intern_unoffset(s, buf, n) == want);
  }
  g_rand_free(r);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/framename/examples", test_examples);
  g_test_add_func("/framename/property", test_property);
  g_test_add_func("/framename/one-pass", test_one_pass);
  g_test_add_func("/framename/unoffset", test_unoffset);
  return g_test_run();
}
