/* test-folded.c -- the folded reader through the reader interface: the
 * input forms docs/formats/folded.md describes, and the speedscope folded
 * samples when ../shared is here. */
#include "../../analyze/stacktree.h"
#include "../../analyze/transform.h"
#include "../../formats/reader.h"
#include "../../render/writer.h"

#include <string.h>

typedef struct {
  char *folded; /* what the folded writer makes of the tree */
  guint64 skipped;
  char *first_message;
  gboolean failed;
} Result;

static void
result_clear(Result *r)
{
  g_free(r->folded);
  g_free(r->first_message);
}

static Result
read_with(const void *data, gsize len, const FkReadOptions *base)
{
  Result r = {0};
  g_autoptr(GBytes) bytes = g_bytes_new(data, len);
  g_autoptr(FkInput) in = fk_input_new_bytes("t.txt", bytes);
  g_autoptr(FkDiag) diag = fk_diag_new(5);
  g_autoptr(FkTree) tree = fk_tree_new(NULL, FK_TREE_DEFAULT);
  FkReadOptions opts = {0};
  if (base)
    opts = *base;
  opts.strings = fk_tree_strings(tree);
  opts.diag = diag;
  gpointer st = fk_reader_folded.open(in, &opts, NULL);
  g_assert_nonnull(st);
  FkSample s;
  FkReadStatus rs;
  while ((rs = fk_reader_folded.next(st, &s, NULL)) == FK_READ_SAMPLE)
    g_assert_true(fk_tree_add_sample(tree, &s, NULL));
  r.failed = rs == FK_READ_ERROR;
  fk_reader_folded.close(st);
  fk_tree_finish(tree);
  r.skipped = fk_diag_skipped(diag);
  GPtrArray *m = fk_diag_messages(diag);
  if (m->len > 0)
    r.first_message = g_strdup(g_ptr_array_index(m, 0));
  char *buf = NULL;
  size_t size = 0;
  FILE *f = open_memstream(&buf, &size);
  FkRenderOptions ro;
  fk_render_options_init(&ro);
  g_assert_true(fk_writer_folded.write(tree, &ro, f, NULL));
  fclose(f);
  r.folded = g_strndup(buf, size);
  free(buf);
  return r;
}

static Result
read_str(const char *text)
{
  return read_with(text, strlen(text), NULL);
}

static void
check(const char *input, const char *want, guint64 want_skipped)
{
  Result r = read_str(input);
  g_assert_cmpstr(r.folded, ==, want);
  g_assert_cmpuint(r.skipped, ==, want_skipped);
  result_clear(&r);
}

static void
test_basic(void)
{
  check("a;b;c 1\na;b;c 2\na;b 3\n", "a;b 3\na;b;c 3\n", 0);
  /* merged and sorted, whatever the input order */
  check("z 1\na;b 2\nz 4\n", "a;b 2\nz 5\n", 0);
  /* no trailing newline on the last line */
  check("a 1\nb 2", "a 1\nb 2\n", 0);
  check("", "", 0);
}

static void
test_names_with_spaces(void)
{
  check("main;std::function<int (int, int)>::operator() 7\n",
        "main;std::function<int (int, int)>::operator() 7\n", 0);
  check("rustc;<alloc::vec::Vec<T> as alloc::vec::SpecExtend<T, I>>::from_iter;memcpy 3\n",
        "rustc;<alloc::vec::Vec<T> as alloc::vec::SpecExtend<T, I>>::from_iter;memcpy 3\n", 0);
  /* tabs and several spaces before the count */
  check("a b;c\t\t5\n", "a b;c 5\n", 0);
}

static void
test_decimal_counts(void)
{
  check("a 31.23\nb 6.1\nc 2.567\nd 6.\n", "a 31.23\nb 6.1\nc 2.567\nd 6\n", 0);
  check("a 1.5\na 1.5\n", "a 3\n", 0); /* exact, not truncated */
}

static void
test_two_counts(void)
{
  check("a;b 5 7\na;c 0 3\n", "a;b 5 7\na;c 0 3\n", 0);
  check("a 1.5 2\n", "a 1.5 2\n", 0);
}

static void
test_line_ends_and_bom(void)
{
  check("a;b 1\r\na;c 2\r\n", "a;b 1\na;c 2\n", 0);
  check("\xEF\xBB\xBF"
        "a;b 1\n",
        "a;b 1\n", 0);
}

static GByteArray *
utf16(const char *s, gboolean le)
{
  glong n;
  g_autofree gunichar2 *u = g_utf8_to_utf16(s, -1, NULL, &n, NULL);
  GByteArray *b = g_byte_array_new();
  guint8 bom[2] = {le ? 0xFF : 0xFE, le ? 0xFE : 0xFF};
  g_byte_array_append(b, bom, 2);
  for (glong i = 0; i < n; i++) {
    guint8 p[2] = {le ? (guint8)(u[i] & 0xFF) : (guint8)(u[i] >> 8),
                   le ? (guint8)(u[i] >> 8) : (guint8)(u[i] & 0xFF)};
    g_byte_array_append(b, p, 2);
  }
  return b;
}

static void
test_utf16(void)
{
  const char *text = "a;b;\xC3\xA9 1\r\na;\xF0\x9F\x94\xA5 2\r\n"; /* é and a surrogate pair */
  for (int le = 0; le < 2; le++) {
    g_autoptr(GByteArray) b = utf16(text, le);
    Result r = read_with(b->data, b->len, NULL);
    g_assert_cmpstr(r.folded, ==, "a;b;\xC3\xA9 1\na;\xF0\x9F\x94\xA5 2\n");
    g_assert_cmpuint(r.skipped, ==, 0);
    result_clear(&r);
  }
}

static void
test_bad_lines(void)
{
  Result r = read_str("# comment\n\na;b 1\nTHIS IS A BAD LINE\nx 12V.43\na;b 2\n 5\n");
  g_assert_cmpstr(r.folded, ==, "a;b 3\n");
  g_assert_cmpuint(r.skipped, ==, 3);
  g_assert_cmpstr(r.first_message, ==, "t.txt:4: not a folded stack line");
  g_assert_false(r.failed);
  result_clear(&r);

  FkReadOptions strict = {0};
  strict.strict = TRUE;
  r = read_with("a 1\nbad\nb 2\n", 10, &strict);
  g_assert_true(r.failed);
  g_assert_cmpstr(r.folded, ==, "a 1\n"); /* what came before stands */
  result_clear(&r);
}

static void
test_limits(void)
{
  FkReadOptions o = {0};
  o.max_line = 16;
  const char *in = "a 1\nabcdefghijklmnopqrstuvwxyz;b 2\nc 3\n";
  Result r = read_with(in, strlen(in), &o);
  g_assert_cmpstr(r.folded, ==, "a 1\nc 3\n");
  g_assert_cmpuint(r.skipped, ==, 1);
  g_assert_cmpstr(r.first_message, ==, "t.txt:2: line longer than the limit");
  result_clear(&r);

  o.max_line = 0;
  o.max_depth = 2;
  r = read_with("a;b;c;d 1\n", 10, &o);
  g_assert_cmpstr(r.folded, ==, "a;b 1\n"); /* weight kept at the root side */
  result_clear(&r);
}

static void
test_long_input_buffer_growth(void)
{
  /* Lines longer than the initial buffer and many lines across buffer edges. */
  GString *s = g_string_new(NULL);
  GString *want = g_string_new(NULL);
  GString *big = g_string_new("root");
  for (int i = 0; i < 20000; i++)
    g_string_append_printf(big, ";f%d", i);
  g_string_append_printf(s, "%s 1\n", big->str);
  for (int i = 0; i < 50000; i++)
    g_string_append_printf(s, "x;y%05d 1\n", i);
  g_string_append_printf(want, "%s 1\n", big->str);
  for (int i = 0; i < 50000; i++)
    g_string_append_printf(want, "x;y%05d 1\n", i);
  Result r = read_with(s->str, s->len, NULL);
  g_assert_true(strcmp(r.folded, want->str) == 0);
  result_clear(&r);
  g_string_free(s, TRUE);
  g_string_free(want, TRUE);
  g_string_free(big, TRUE);
}

static void
test_bid(void)
{
  const char *folded = "a;b 1\nc 2\n";
  g_assert_cmpint(fk_reader_folded.bid((const guint8 *)folded, strlen(folded)), ==, 50);
  const char *text = "hello world\nthis is not folded\n";
  g_assert_cmpint(fk_reader_folded.bid((const guint8 *)text, strlen(text)), ==, 1);
  const guint8 bin[] = {'P', 'E', 'R', 'F', 0, 1, 2};
  g_assert_cmpint(fk_reader_folded.bid(bin, sizeof bin), ==, 0);
}

/* The speedscope project's folded samples: CRLF, UTF-16 LE/BE, invalid lines. */
static void
test_speedscope_samples(void)
{
  g_autofree char *dir =
      g_build_filename(g_getenv("FK_SHARED") ? g_getenv("FK_SHARED") : "../shared",
                       "peers/speedscope/stackcollapse", NULL);
  if (!g_file_test(dir, G_FILE_TEST_IS_DIR)) {
    g_test_skip("../shared/peers/speedscope absent");
    return;
  }
  const char *want_simple = "a;b 5\na;b;c 5\na;b;d 4\n";
  const struct {
    const char *file;
    const char *want;
    guint64 skipped;
  } cases[] = {
      {"simple.txt", want_simple, 0},
      {"simple-crlf.txt", want_simple, 0},
      {"simple-utf16-le.txt", want_simple, 0},
      {"simple-utf16-be.txt", want_simple, 0},
      /* "// some other comment" and "invalid line" are reported, not folded */
      {"simple-with-invalids.txt", want_simple, 2},
  };
  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autofree char *path = g_build_filename(dir, cases[i].file, NULL);
    g_autofree char *data = NULL;
    gsize len;
    g_assert_true(g_file_get_contents(path, &data, &len, NULL));
    Result r = read_with(data, len, NULL);
    g_assert_cmpstr(r.folded, ==, cases[i].want);
    g_assert_cmpuint(r.skipped, ==, cases[i].skipped);
    result_clear(&r);
  }
}

/* The folded text of TEXT read as it is and stripped as a tree. */
static char *
read_then_strip(const char *text)
{
  g_autoptr(GBytes) bytes = g_bytes_new(text, strlen(text));
  g_autoptr(FkInput) in = fk_input_new_bytes("t.txt", bytes);
  g_autoptr(FkDiag) diag = fk_diag_new(5);
  g_autoptr(FkTree) tree = fk_tree_new(NULL, FK_TREE_DEFAULT);
  FkReadOptions opts = {0};
  opts.strings = fk_tree_strings(tree);
  opts.diag = diag;
  gpointer st = fk_reader_folded.open(in, &opts, NULL);
  FkSample s;
  while (fk_reader_folded.next(st, &s, NULL) == FK_READ_SAMPLE)
    g_assert_true(fk_tree_add_sample(tree, &s, NULL));
  fk_reader_folded.close(st);
  fk_tree_finish(tree);
  g_autoptr(FkTree) stripped = fk_tree_strip(tree, FK_STRIP_OFFSETS, NULL);
  char *buf = NULL;
  size_t size = 0;
  FILE *f = open_memstream(&buf, &size);
  FkRenderOptions ro;
  fk_render_options_init(&ro);
  g_assert_true(fk_writer_folded.write(stripped, &ro, f, NULL));
  fclose(f);
  char *out = g_strndup(buf, size);
  free(buf);
  return out;
}

/* Stripping offsets while reading gives the tree that stripping the tree
 * read as it is gives. */
static void
test_strip_while_reading(void)
{
  static const char *frames[] = {"main",     "f+0x1a", "f+0x1a/0x40", "f+12",  "f",  "+0x10",
                                 "[host=a]", "0x7fff", "f+0xzz",      "g+0x0", "f+", "k+0x3/0x"};
  GRand *r = g_rand_new_with_seed(0x5717);
  FkReadOptions strip = {0};
  strip.strip_offsets = TRUE;
  for (guint round = 0; round < 300; round++) {
    GString *text = g_string_new(NULL);
    guint lines = (guint)g_rand_int_range(r, 1, 20);
    for (guint i = 0; i < lines; i++) {
      guint depth = (guint)g_rand_int_range(r, 1, 6);
      for (guint k = 0; k < depth; k++)
        g_string_append_printf(text, "%s%s", k ? ";" : "",
                               frames[g_rand_int_range(r, 0, G_N_ELEMENTS(frames))]);
      g_string_append_printf(text, " %d\n", g_rand_int_range(r, 1, 9));
    }
    Result got = read_with(text->str, text->len, &strip);
    g_autofree char *want = read_then_strip(text->str);
    g_assert_cmpstr(got.folded, ==, want);
    result_clear(&got);
    g_string_free(text, TRUE);
  }
  g_rand_free(r);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/folded/basic", test_basic);
  g_test_add_func("/folded/names-with-spaces", test_names_with_spaces);
  g_test_add_func("/folded/decimal-counts", test_decimal_counts);
  g_test_add_func("/folded/two-counts", test_two_counts);
  g_test_add_func("/folded/line-ends-and-bom", test_line_ends_and_bom);
  g_test_add_func("/folded/utf16", test_utf16);
  g_test_add_func("/folded/bad-lines", test_bad_lines);
  g_test_add_func("/folded/limits", test_limits);
  g_test_add_func("/folded/buffer-growth", test_long_input_buffer_growth);
  g_test_add_func("/folded/bid", test_bid);
  g_test_add_func("/folded/speedscope-samples", test_speedscope_samples);
  g_test_add_func("/folded/strip-while-reading", test_strip_while_reading);
  return g_test_run();
}
