/* test-lines.c -- FkLines over a source that lends its bytes gives the same
 * lines, numbers and statuses as over one that is read, wherever the chunks
 * cut the text; whole lines are returned in place. */
#include "../../formats/lines.h"

#include <string.h>

/* A source cut into chunks of random sizes: read copies, lend hands out a
 * fresh allocation that is freed at the next call (so that ASan sees any
 * use of a chunk after its time). */
typedef struct {
  GBytes *bytes;
  gsize pos;
  GRand *rand;
  gsize max_chunk;
  guint8 *lent;
  gsize lent_len;
  guint lends;
} Chunked;

static gsize
next_size(Chunked *c)
{
  gsize size = g_bytes_get_size(c->bytes);
  gsize n = (gsize)g_rand_int_range(c->rand, 1, (gint32)c->max_chunk + 1);
  return MIN(n, size - c->pos);
}

static gssize
chunked_read(gpointer data, void *buf, gsize len, GError **error)
{
  (void)error;
  Chunked *c = data;
  g_clear_pointer(&c->lent, g_free);
  gsize n = next_size(c); /* not inside MIN: it draws a number */
  n = MIN(n, len);
  memcpy(buf, (const guint8 *)g_bytes_get_data(c->bytes, NULL) + c->pos, n);
  c->pos += n;
  return (gssize)n;
}

static gssize
chunked_lend(gpointer data, guint8 **out, GError **error)
{
  (void)error;
  Chunked *c = data;
  g_clear_pointer(&c->lent, g_free);
  gsize n = next_size(c);
  if (n == 0)
    return 0;
  c->lent = g_memdup2((const guint8 *)g_bytes_get_data(c->bytes, NULL) + c->pos, n);
  c->lent_len = n;
  c->pos += n;
  c->lends++;
  *out = c->lent;
  return (gssize)n;
}

static void
chunked_free(gpointer data)
{
  Chunked *c = data;
  g_free(c->lent);
  g_bytes_unref(c->bytes);
  g_rand_free(c->rand);
  g_free(c);
}

static FkInput *
chunked_input(GBytes *bytes, guint32 seed, gsize max_chunk, gboolean lend, Chunked **out)
{
  Chunked *c = g_new0(Chunked, 1);
  c->bytes = g_bytes_ref(bytes);
  c->rand = g_rand_new_with_seed(seed);
  c->max_chunk = max_chunk;
  FkInput *in = fk_input_new_stream("t.txt", chunked_read, c, chunked_free);
  if (lend)
    fk_input_set_lend(in, chunked_lend);
  *out = c;
  return in;
}

/* Every line as "status number text\n". */
static char *
all_lines(FkInput *in, gsize max_line)
{
  g_autoptr(FkLines) lines = fk_lines_new(in, max_line);
  GString *out = g_string_new(NULL);
  for (;;) {
    char *line;
    gsize len;
    g_autoptr(GError) error = NULL;
    FkLineStatus st = fk_lines_next(lines, &line, &len, &error);
    g_assert_no_error(error);
    if (st == FK_LINE_END)
      break;
    g_string_append_printf(out, "%d %" G_GUINT64_FORMAT " ", st, fk_lines_number(lines));
    if (st == FK_LINE_OK) {
      g_assert_cmpuint(strlen(line), ==, len); /* NUL-terminated at LEN */
      g_string_append_len(out, line, (gssize)len);
    }
    g_string_append_c(out, '\n');
  }
  return g_string_free(out, FALSE);
}

/* Text with short, empty, long and over-long lines, CRLF and CR at chunk
 * edges, and sometimes no final newline. */
static GBytes *
random_text(GRand *r)
{
  GString *s = g_string_new(NULL);
  if (g_rand_int_range(r, 0, 4) == 0)
    g_string_append(s, "\xEF\xBB\xBF");
  guint n = (guint)g_rand_int_range(r, 0, 60);
  for (guint i = 0; i < n; i++) {
    guint len = (guint)g_rand_int_range(r, 0, 4) == 0 ? (guint)g_rand_int_range(r, 0, 300)
                                                      : (guint)g_rand_int_range(r, 0, 20);
    for (guint k = 0; k < len; k++)
      g_string_append_c(s, (char)("ab;c \r\t"[g_rand_int_range(r, 0, 7)]));
    if (i + 1 < n || g_rand_boolean(r))
      g_string_append(s, g_rand_boolean(r) ? "\n" : "\r\n");
  }
  return g_string_free_to_bytes(s);
}

static void
test_lent_equals_read(void)
{
  GRand *r = g_rand_new_with_seed(0x11e5);
  guint lends = 0;
  for (guint round = 0; round < 2000; round++) {
    g_autoptr(GBytes) text = random_text(r);
    guint32 seed = g_rand_int(r);
    gsize max_chunk = (gsize)g_rand_int_range(r, 1, 200);
    gsize max_line = (gsize)g_rand_int_range(r, 1, 4) == 1 ? 64 : 0;
    Chunked *c;
    g_autoptr(FkInput) a = chunked_input(text, seed, max_chunk, FALSE, &c);
    g_autoptr(FkInput) b = chunked_input(text, seed, max_chunk, TRUE, &c);
    g_autofree char *read = all_lines(a, max_line);
    g_autofree char *lent = all_lines(b, max_line);
    g_assert_cmpstr(lent, ==, read);
    lends += c->lends;
  }
  g_assert_cmpuint(lends, >, 10000); /* the lending path did run */
  g_rand_free(r);
}

static void
test_lines_in_place(void)
{
  static const char text[] = "a;b 1\nc;d 2\r\ntail";
  g_autoptr(GBytes) bytes = g_bytes_new_static(text, sizeof text - 1);
  Chunked *c;
  g_autoptr(FkInput) in = chunked_input(bytes, 1, 1000, TRUE, &c);
  g_autoptr(FkLines) lines = fk_lines_new(in, 0);
  char *line;
  gsize len;
  g_assert_cmpint(fk_lines_next(lines, &line, &len, NULL), ==, FK_LINE_OK);
  g_assert_cmpstr(line, ==, "a;b 1"); /* cut by the peeked head: copied */
  g_assert_cmpint(fk_lines_next(lines, &line, &len, NULL), ==, FK_LINE_OK);
  g_assert_cmpstr(line, ==, "c;d 2");
  /* In the lent chunk itself, not a copy. */
  g_assert_true((guint8 *)line >= c->lent && (guint8 *)line < c->lent + c->lent_len);
  g_assert_cmpint(fk_lines_next(lines, &line, &len, NULL), ==, FK_LINE_OK);
  g_assert_cmpstr(line, ==, "tail");
  g_assert_cmpint(fk_lines_next(lines, &line, &len, NULL), ==, FK_LINE_END);
  g_assert_cmpuint(fk_lines_number(lines), ==, 3);
}

/* 300 folded lines, their starts (and the end) appended to STARTS. */
static GBytes *
numbered_lines(GArray *starts)
{
  GString *s = g_string_new(NULL);
  for (guint k = 0; k < 300; k++) {
    g_array_append_val(starts, s->len);
    g_string_append_printf(s, "main;f%u %u\n", k * 7919 % 1000, k);
  }
  g_array_append_val(starts, s->len);
  return g_string_free_to_bytes(s);
}

/* fk_lines_ahead_line's K-th line (1 to 5) after line K_READ is that line
 * of the text (STARTS), whole, or none, and never one that ends past MAX
 * bytes; TRUE when it gave the fourth. */
static gboolean
check_ahead_lines(FkLines *lines, GArray *starts, const char *t, guint k_read)
{
  gboolean fourth = FALSE;
  for (guint a = 1; a <= 5; a++) {
    const char *p = NULL;
    gsize n = 0;
    if (!fk_lines_ahead_line(lines, a, 1 << 20, &p, &n))
      continue;
    g_assert_cmpuint(k_read + a, <, starts->len);
    gsize from = g_array_index(starts, gsize, k_read + a - 1);
    gsize to = g_array_index(starts, gsize, k_read + a) - 1; /* its LF */
    g_assert_cmpuint(n, ==, to - from);
    g_assert_true(memcmp(p, t + from, n) == 0);
    fourth |= a == 4;
    /* within MAX bytes of the next line's start only */
    gsize reach = to - g_array_index(starts, gsize, k_read);
    g_assert_false(fk_lines_ahead_line(lines, a, reach, &p, &n));
    g_assert_true(fk_lines_ahead_line(lines, a, reach + 1, &p, &n));
  }
  return fourth;
}

/* What fk_lines_ahead gives after each line is the text right after that
 * line's end, read or lent in chunks of any size; mostly some of it. And
 * fk_lines_ahead_line's lines are the text's (check_ahead_lines): in
 * chunks of more than a few lines, most lines see the fourth after them. */
static void
test_ahead(void)
{
  g_autoptr(GArray) starts = g_array_new(FALSE, FALSE, sizeof(gsize));
  g_autoptr(GBytes) text = numbered_lines(starts);
  gsize size;
  const char *t = g_bytes_get_data(text, &size);
  for (guint round = 0; round < 40; round++) {
    Chunked *c;
    g_autoptr(FkInput) in = chunked_input(text, round, 1 + round * 37, round % 2 == 0, &c);
    g_autoptr(FkLines) lines = fk_lines_new(in, 0);
    guint k = 0, seen = 0, fourth = 0;
    char *line;
    gsize len;
    while (fk_lines_next(lines, &line, &len, NULL) == FK_LINE_OK) {
      gsize from = g_array_index(starts, gsize, ++k);
      const char *p = NULL;
      gsize n = fk_lines_ahead(lines, &p);
      g_assert_cmpuint(n, <=, size - from);
      if (n > 0)
        g_assert_true(memcmp(p, t + from, n) == 0);
      seen += n > 0;
      fourth += check_ahead_lines(lines, starts, t, k);
    }
    g_assert_cmpuint(k, ==, 300);
    if (round > 0)
      g_assert_cmpuint(seen, >, 150); /* chunks of more than a line hold the next */
    if (1 + round * 37 > 200)
      g_assert_cmpuint(fourth, >, 150);
  }
}

/* The lines of TEXT as a reference splits them: at LF, CRLF and lone CR. */
static char *
model_lines(const char *t, gsize n, gboolean *unterminated)
{
  GString *out = g_string_new(NULL);
  gsize i = 0, no = 0;
  if (n >= 3 && memcmp(t, "\xEF\xBB\xBF", 3) == 0)
    i = 3;
  *unterminated = FALSE;
  while (i < n) {
    gsize j = i;
    while (j < n && t[j] != '\n' && t[j] != '\r')
      j++;
    g_string_append_printf(out, "1 %" G_GSIZE_FORMAT " ", ++no);
    g_string_append_len(out, t + i, (gssize)(j - i));
    g_string_append_c(out, '\n');
    *unterminated = j == n;
    if (j < n && t[j] == '\r' && j + 1 < n && t[j + 1] == '\n')
      j++;
    i = j + 1;
  }
  return g_string_free(out, FALSE);
}

/* Property: wherever the chunks cut, lent or read, the lines are those of the
 * model (a lone CR ends a line: `a;b 1\rc;d 2\r` is two stacks, not one), and
 * fk_lines_unterminated says whether the text ended without a line end. */
static void
test_line_ends(void)
{
  GRand *r = g_rand_new_with_seed(0xc0de);
  for (guint round = 0; round < 2000; round++) {
    g_autoptr(GBytes) text = random_text(r);
    gsize n;
    const char *t = g_bytes_get_data(text, &n);
    gboolean want_unterminated;
    g_autofree char *want = model_lines(t, n, &want_unterminated);
    for (int lend = 0; lend < 2; lend++) {
      Chunked *c;
      g_autoptr(FkInput) in =
          chunked_input(text, g_rand_int(r), (gsize)g_rand_int_range(r, 1, 200), lend, &c);
      g_autoptr(FkLines) lines = fk_lines_new(in, 0);
      GString *got = g_string_new(NULL);
      gboolean unterminated = FALSE;
      char *line;
      gsize len;
      while (fk_lines_next(lines, &line, &len, NULL) == FK_LINE_OK) {
        g_string_append_printf(got, "1 %" G_GUINT64_FORMAT " ", fk_lines_number(lines));
        g_string_append_len(got, line, (gssize)len);
        g_string_append_c(got, '\n');
        unterminated = fk_lines_unterminated(lines);
      }
      g_assert_cmpstr(got->str, ==, want);
      g_assert_cmpint(unterminated, ==, want_unterminated);
      g_string_free(got, TRUE);
    }
  }
  g_rand_free(r);
}

/* UTF-16 that is no text becomes U+FFFD, counted and reported once. */
static void
test_utf16_replaced(void)
{
  static const struct {
    const char *name;
    const char *bytes;
    gsize n;
    const char *lines; /* joined with '|' */
    const char *message;
  } cases[] = {
      {"odd last byte",
       "\xFF\xFE"
       "a\0\n\0b",
       7, "a|\xEF\xBF\xBD",
       "1 UTF-16 code unit that is no character (a lone surrogate or an odd last byte), the first "
       "at byte 6, read as U+FFFD"},
      {"lone low surrogate, BE",
       "\xFE\xFF"
       "\0a\xDC\x00\0b",
       8,
       "a\xEF\xBF\xBD"
       "b",
       "1 UTF-16 code unit that is no character (a lone surrogate or an odd last byte), the first "
       "at byte 4, read as U+FFFD"},
      {"high surrogate without low, then at the end",
       "\xFF\xFE"
       "\x00\xD8"
       "c\0\x01\xD8",
       8,
       "\xEF\xBF\xBD"
       "c\xEF\xBF\xBD",
       "2 UTF-16 code units that are no character (a lone surrogate or an odd last byte), the "
       "first "
       "at byte 2, read as U+FFFD"},
      {"a valid pair",
       "\xFF\xFE"
       "\x3D\xD8\x00\xDE",
       6, "\xF0\x9F\x98\x80", NULL},
  };
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_test_message("%s", cases[i].name);
    g_autoptr(GBytes) bytes = g_bytes_new_static(cases[i].bytes, cases[i].n);
    Chunked *c;
    g_autoptr(FkInput) in = chunked_input(bytes, i, 3, FALSE, &c);
    g_autoptr(FkLines) lines = fk_lines_new(in, 0);
    GString *got = g_string_new(NULL);
    char *line;
    gsize len;
    while (fk_lines_next(lines, &line, &len, NULL) == FK_LINE_OK)
      g_string_append_printf(got, "%s%s", got->len ? "|" : "", line);
    g_assert_cmpstr(got->str, ==, cases[i].lines);
    g_string_free(got, TRUE);
    g_autoptr(FkDiag) diag = fk_diag_new(10);
    fk_lines_report(lines, diag, "t.txt");
    GPtrArray *m = fk_diag_messages(diag);
    if (cases[i].message == NULL) {
      g_assert_cmpuint(m->len, ==, 0);
      continue;
    }
    g_assert_cmpuint(m->len, ==, 1);
    g_autofree char *want = g_strdup_printf("t.txt: %s", cases[i].message);
    g_assert_cmpstr(g_ptr_array_index(m, 0), ==, want);
    g_assert_cmpuint(fk_diag_skipped(diag), ==, 1);
  }
}

/* The lines of random text read in random chunks (the buffered path and
 * its CR bookkeeping) are those of a plain model: split at LF, CRLF and a
 * lone CR, a last line without its line end kept; fk_lines_count counts
 * the model's line ends. */
static void
test_model(void)
{
  GRand *r = g_rand_new_with_seed(0x5eed);
  for (guint round = 0; round < 2000; round++) {
    g_autoptr(GBytes) text = random_text(r);
    gsize n;
    const char *t = g_bytes_get_data(text, &n);
    gsize skip = n >= 3 && memcmp(t, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    GString *want = g_string_new(NULL);
    guint64 no = 0, ends = 0;
    gsize start = skip;
    for (gsize i = skip; i <= n; i++) {
      gboolean end = i < n && (t[i] == '\n' || t[i] == '\r');
      if (!end && !(i == n && i > start))
        continue;
      g_string_append_printf(want, "1 %" G_GUINT64_FORMAT " ", ++no);
      g_string_append_len(want, t + start, (gssize)(i - start));
      g_string_append_c(want, '\n');
      if (end) {
        ends++;
        if (t[i] == '\r' && i + 1 < n && t[i + 1] == '\n')
          i++;
      }
      start = i + 1;
    }
    Chunked *c;
    g_autoptr(FkInput) in =
        chunked_input(text, g_rand_int(r), (gsize)g_rand_int_range(r, 1, 200), FALSE, &c);
    g_autofree char *got = all_lines(in, 0);
    g_assert_cmpstr(got, ==, want->str);
    g_assert_cmpuint(fk_lines_count(t + skip, n - skip), ==, ends);
    g_string_free(want, TRUE);
  }
  g_rand_free(r);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/lines/line-ends", test_line_ends);
  g_test_add_func("/lines/utf16-replaced", test_utf16_replaced);
  g_test_add_func("/lines/lent-equals-read", test_lent_equals_read);
  g_test_add_func("/lines/in-place", test_lines_in_place);
  g_test_add_func("/lines/model", test_model);
  g_test_add_func("/lines/ahead", test_ahead);
  return g_test_run();
}
