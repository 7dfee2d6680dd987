/* test-perf-script.c -- the perf script reader cut into pieces: the record
 * boundary, pieces read apart against the dump read whole (corpus dumps and
 * generated hostile ones, cut at every byte), and the frame-line scanner
 * against a byte-by-byte model. */
#include "../../formats/perf-script.h"
#include "../../formats/lines.h"
#include "../../formats/textdump.h"

#include <string.h>

typedef struct {
  GPtrArray *lines; /* char*: "STACK | labels" per sample */
  GPtrArray *skips; /* char*: "! message" per skip */
  GPtrArray *notes; /* char*: what is not a skip */
  char *host, *event;
} Got;

static void
got_free(Got *g)
{
  g_ptr_array_free(g->lines, TRUE);
  g_ptr_array_free(g->skips, TRUE);
  g_ptr_array_free(g->notes, TRUE);
  g_free(g->host);
  g_free(g->event);
}

/* Reads TEXT[0..LEN) as input "t.txt" (PIECE NULL: whole), appending to G. */
static void
read_into(Got *g, const char *text, gsize len, const FkReadOptions *base,
          const FkPerfScriptPiece *piece)
{
  g_autoptr(FkInterner) strings = fk_interner_new();
  g_autoptr(FkDiag) diag = fk_diag_new(100000);
  g_autoptr(GBytes) bytes = g_bytes_new(text, len);
  g_autoptr(FkInput) in = fk_input_new_bytes("t.txt", bytes);
  FkReadOptions opts = *base;
  opts.strings = strings;
  opts.diag = diag;
  gpointer st = fk_perf_script_open_piece(in, &opts, piece, NULL);
  g_assert_nonnull(st);
  FkSample s;
  GError *error = NULL;
  while (fk_reader_perf_script.next(st, &s, &error) == FK_READ_SAMPLE) {
    GString *b = g_string_new(NULL);
    for (gsize i = 0; i < s.n_frames; i++)
      g_string_append_printf(b, "%s%s", i ? ";" : "", s.frames[i]);
    g_string_append_printf(b,
                           " | %s %s %" G_GINT64_FORMAT "/%" G_GINT64_FORMAT
                           " %d %" G_GUINT64_FORMAT " %s %" G_GINT64_FORMAT,
                           s.host ? s.host : "-", s.comm ? s.comm : "-", s.pid, s.tid, s.cpu,
                           s.time, s.event ? s.event : "-", s.weight.v[0]);
    g_ptr_array_add(g->lines, g_string_free(b, FALSE));
    if (g->event == NULL && s.event != NULL)
      g->event = g_strdup(s.event);
  }
  g_assert_no_error(error);
  g_autoptr(GPtrArray) pairs = g_ptr_array_new_with_free_func(g_free);
  fk_reader_perf_script.describe(st, pairs);
  for (guint i = 0; i + 1 < pairs->len; i += 2)
    if (strcmp(pairs->pdata[i], "hostname") == 0 && g->host == NULL)
      g->host = g_strdup(pairs->pdata[i + 1]);
  fk_reader_perf_script.close(st);
  GPtrArray *m = fk_diag_messages(diag);
  for (guint i = 0; i < m->len; i++)
    g_ptr_array_add(fk_diag_message_is_skip(diag, i) ? g->skips : g->notes,
                    g_strdup_printf("! %s", (const char *)m->pdata[i]));
}

static Got
got_new(void)
{
  Got g = {g_ptr_array_new_with_free_func(g_free), g_ptr_array_new_with_free_func(g_free),
           g_ptr_array_new_with_free_func(g_free), NULL, NULL};
  return g;
}

/* The samples and skips of TEXT read whole equal those of its two pieces
 * cut at fk_perf_script_boundary(AT), for every AT. */
static void
check_every_cut(const char *text, gsize len, const FkReadOptions *opts, gsize step)
{
  Got whole = got_new();
  read_into(&whole, text, len, opts, NULL);
  gsize last = G_MAXSIZE;
  for (gsize at = 0; at <= len; at += step) {
    gsize b = fk_perf_script_boundary(text, len, at);
    g_assert_cmpuint(b, >=, MIN(at, len));
    g_assert_cmpuint(b, <=, len);
    if (b == last)
      continue;
    last = b;
    Got parts = got_new();
    read_into(&parts, text, b, opts, NULL);
    FkPerfScriptPiece piece = {fk_lines_count(text, b), parts.host, parts.event};
    read_into(&parts, text + b, len - b, opts, &piece);
    if (whole.lines->len != parts.lines->len)
      g_test_message("cut at %" G_GSIZE_FORMAT " (boundary %" G_GSIZE_FORMAT ")", at, b);
    g_assert_cmpuint(whole.lines->len, ==, parts.lines->len);
    for (guint i = 0; i < whole.lines->len; i++)
      g_assert_cmpstr(whole.lines->pdata[i], ==, parts.lines->pdata[i]);
    g_assert_cmpuint(whole.skips->len, ==, parts.skips->len);
    for (guint i = 0; i < whole.skips->len; i++)
      g_assert_cmpstr(whole.skips->pdata[i], ==, parts.skips->pdata[i]);
    got_free(&parts);
  }
  got_free(&whole);
}

static void
test_boundary(void)
{
  const char *t = "a 1 1.0: e:\n\t1 f\n\nb 2 2.0: e:\n\t2 g\n \t\nc 3";
  gsize n = strlen(t);
  gsize second = (gsize)(strstr(t, "b 2") - t), third = (gsize)(strstr(t, "c 3") - t);
  g_assert_cmpuint(fk_perf_script_boundary(t, n, 0), ==, 0);
  for (gsize at = 1; at <= second; at++)
    g_assert_cmpuint(fk_perf_script_boundary(t, n, at), ==, second);
  for (gsize at = second + 1; at <= third; at++)
    g_assert_cmpuint(fk_perf_script_boundary(t, n, at), ==, third);
  for (gsize at = third + 1; at <= n + 3; at++)
    g_assert_cmpuint(fk_perf_script_boundary(t, n, at), ==, n);

  /* CRLF: never between CR and LF; lone CRs end lines too */
  const char *c = "a 1 1.0: e:\r\n\t1 f\r\n\r\nb 2 2.0: e:\r\r\n";
  n = strlen(c);
  second = (gsize)(strstr(c, "b 2") - c);
  for (gsize at = 1; at <= second; at++)
    g_assert_cmpuint(fk_perf_script_boundary(c, n, at), ==, second);
  /* `\r\r\n`: a line ended by CR, then an empty line ended by CRLF */
  g_assert_cmpuint(fk_perf_script_boundary(c, n, second + 1), ==, n);
  g_assert_cmpuint(fk_perf_script_boundary("x\r\r", 3, 1), ==, 3); /* the CR last is undecided */
  g_assert_cmpuint(fk_perf_script_boundary("x\r\ry", 4, 1), ==, 3);
  g_assert_cmpuint(fk_perf_script_boundary("x\n\ny", 4, 2), ==, 3);
  g_assert_cmpuint(fk_perf_script_boundary("x\n\ny", 4, 3), ==, 3);
  g_assert_cmpuint(fk_perf_script_boundary("x\n \ny", 5, 2), ==, 4);
  g_assert_cmpuint(fk_perf_script_boundary("x\n\ry", 4, 1), ==, 3);
  /* a NUL is no blank; a line of NULs ends nothing */
  g_assert_cmpuint(fk_perf_script_boundary("x\n\0\ny\n\nz", 8, 1), ==, 7);
  /* no blank line at all */
  g_assert_cmpuint(fk_perf_script_boundary("x\ny\nz\n", 6, 1), ==, 6);
}

static char *
read_corpus(const char *name, gsize *len)
{
  g_autofree char *path = g_build_filename("corpora", "perf-script", name, NULL);
  char *text = NULL;
  g_assert_true(g_file_get_contents(path, &text, len, NULL));
  return text;
}

static void
test_pieces_corpus(void)
{
  const char *names[] = {"default.txt", "pidtid.txt",      "header-ns.txt",
                         "nodso.txt",   "multi-event.txt", "system-wide-cpu.txt"};
  for (gsize i = 0; i < G_N_ELEMENTS(names); i++) {
    gsize len;
    g_autofree char *text = read_corpus(names[i], &len);
    FkReadOptions o = {0};
    check_every_cut(text, len, &o, MAX(len / 300, (gsize)1));
    o.include_tid = TRUE;
    o.annotate_kernel = TRUE;
    o.include_addrs = TRUE;
    o.weight = FK_WEIGHT_SAMPLES;
    check_every_cut(text, len, &o, MAX(len / 100, (gsize)1));
  }
}

/* A dump with every kind of damage the reader reports, cut at every byte:
 * the skips of the pieces name the lines the whole dump's do. */
static void
test_pieces_hostile(void)
{
  GString *t = g_string_new("# hostname : h1\n");
  g_string_append(t, "\t1 orphan (/a)\n\t2 orphan2 (/a)\n\n");
  g_string_append(t, "p 10/11 1.000000: 3 cpu-clock:\n\t1 f (/a)\n\t2 g (/a)\n\n");
  g_string_append(t, "p 10/11 2.000000: 3 cpu-clock:\r\n\t1 f (/a)\r\n\r\n"); /* CRLF */
  g_string_append(t, "not an event line\n\t1 f (/a)\n\n");                    /* bad event */
  g_string_append(t, "p 10/11 3.000000: 3 cpu-clock:\n\tno address here\n\t3 h (/a)\n\n");
  g_string_append(t, "p 10/11 4.000000: 3 cpu-clock:\n\t4 ");
  for (int i = 0; i < 200; i++)
    g_string_append_c(t, 'x'); /* over the line limit below */
  g_string_append(t, " (/a)\n\t5 i (/a)\n\n");
  g_string_append(t, "p 10/11 5.000000: 3 page-faults:\n\t6 j (/a)\n\n"); /* other event */
  {
    static const char nul[] = "p 10/11 6.000000: 3 cpu-clock:\n\t7 k\0k (/a)\n\t8\0 l (/a)\n\n";
    g_string_append_len(t, nul, sizeof nul - 1); /* NUL bytes in a name, after an ip */
  }
  g_string_append(t, "p 10/11 7.000000: 3 cpu-clock:\r\t9 m (/a)\r\r"); /* lone CRs */
  g_string_append(t, "q 12/12 8.000000: 1 cpu-clock:\n\t1 n (/a)\nq 12/12 9.000000: 1 cpu-clock:\n"
                     "\t2 o (/a)\n\n");                                         /* no blank */
  g_string_append(t, "p 10/11 9.500000: 3 cpu-clock:\n\t1 f (/a)\n\t2 cut+0x"); /* cut */
  FkReadOptions o = {0};
  o.max_line = 120;
  check_every_cut(t->str, t->len, &o, 1);
  /* the whole dump reports its damage at its own line numbers */
  Got g = got_new();
  read_into(&g, t->str, t->len, &o, NULL);
  const char *want[] = {
      "! t.txt:2: 2 frames without an event line skipped (the dump begins inside a sample?)",
      "! t.txt:12: not a perf script event line (its sample of 1 frames skipped)",
      "! t.txt:16: not a stack frame line",
      "! t.txt:20: line longer than the limit",
      "! t.txt:28: not a stack frame line",
      "! t.txt:40: the input ends inside this line (cut?): its sample, of which 1 frames were "
      "read, dropped",
  };
  g_assert_cmpuint(g.skips->len, ==, G_N_ELEMENTS(want));
  for (guint i = 0; i < G_N_ELEMENTS(want); i++)
    g_assert_cmpstr(g.skips->pdata[i], ==, want[i]);
  /* the NUL in a name is escaped, the lone-CR sample and the one without a
   * blank line before the next are read */
  g_assert_true(g_ptr_array_find_with_equal_func(
      g.lines, "p;k\\x00k | h1 p 10/11 -1 6000000000 cpu-clock 3", g_str_equal, NULL));
  g_assert_true(g_ptr_array_find_with_equal_func(
      g.lines, "p;m | h1 p 10/11 -1 7000000000 cpu-clock 3", g_str_equal, NULL));
  g_assert_true(g_ptr_array_find_with_equal_func(
      g.lines, "q;n | h1 q 12/12 -1 8000000000 cpu-clock 1", g_str_equal, NULL));
  got_free(&g);
  g_string_free(t, TRUE);
}

/* The frame line `INDENT IP C rest (/a)` for every indent, ip length and
 * byte C after the ip: a frame named `rest` when C is a blank; else no
 * frame line (a hex C only makes the ip longer, and `r` ends it without a
 * blank). The 8-byte scans must agree with this byte model wherever the
 * indent's and the ip's ends fall in a word. */
static void
test_frame_scan(void)
{
  const char *indents[] = {
      "\t", " ", "\t        ", "    \t  \t   ", "\v\f \t", "\t\t\t\t\t\t\t\t\t"};
  for (gsize ii = 0; ii < G_N_ELEMENTS(indents); ii++)
    for (gsize ipn = 1; ipn <= 18; ipn++)
      for (int c = 0; c < 256; c++) {
        if (c == '\n' || c == '\r')
          continue;
        GString *t = g_string_new("p 1/1 1.0: 1 e:\n");
        g_string_append(t, indents[ii]);
        for (gsize k = 0; k < ipn; k++)
          g_string_append_c(t, "0123456789abcdefABCDEF"[(k * 7 + ipn) % 22]);
        g_string_append_c(t, (char)c);
        g_string_append(t, "rest (/a)\n\n");
        Got g = got_new();
        FkReadOptions o = {0};
        read_into(&g, t->str, t->len, &o, NULL);
        if (fk_td_is_space((char)c)) {
          g_assert_cmpuint(g.lines->len, ==, 1);
          g_assert_cmpstr(g.lines->pdata[0], ==, "p;rest | - p 1/1 -1 1000000000 e 1");
        } else {
          g_assert_cmpuint(g.lines->len, ==, 1);
          g_assert_cmpstr(g.lines->pdata[0], ==, "p | - p 1/1 -1 1000000000 e 1");
          g_assert_cmpuint(g.skips->len, ==, 1);
          g_assert_true(g_str_has_prefix(g.skips->pdata[0], "! t.txt:2: not a stack frame line"));
        }
        got_free(&g);
        g_string_free(t, TRUE);
      }
}

/* The events left out are named in the order first met (they followed the
 * addresses of their interned names: zz, mm, aa here before). */
static void
test_other_events_order(void)
{
  const char *t = "p 1 1.0: 1 cpu-clock:\n\t1 f (/a)\n\np 1 2.0: 1 zz:\n\t1 f (/a)\n\n"
                  "p 1 3.0: 1 aa:\n\t1 f (/a)\n\np 1 4.0: 1 mm:\n\t1 f (/a)\n\n"
                  "p 1 5.0: 1 aa:\n\t1 f (/a)\n\n";
  Got g = got_new();
  FkReadOptions o = {0};
  read_into(&g, t, strlen(t), &o, NULL);
  g_assert_cmpuint(g.notes->len, ==, 1);
  g_assert_cmpstr(g.notes->pdata[0], ==,
                  "! t.txt: read only event 'cpu-clock'; 4 samples of other events (zz (1), aa "
                  "(2), mm (1), weight 4) were left out: pick one with --event-filter");
  got_free(&g);
}

/* ---- the lines before a piece, counted only for a message ---- */

static guint lines_asked;

static guint64
lines_before_1000(const FkPiece *piece)
{
  g_assert_cmpuint(piece->lines_index, ==, 7);
  lines_asked++;
  return 1000;
}

/* Reads TEXT as a piece after the first through READER's vtable, as the
 * pipeline does, whose lines before it only lines_before_1000 knows: the
 * skips it gave, one per line. */
static char *
read_piece(const FkReader *reader, const char *text)
{
  g_autoptr(FkInterner) strings = fk_interner_new();
  g_autoptr(FkDiag) diag = fk_diag_new(100);
  g_autoptr(GBytes) bytes = g_bytes_new(text, strlen(text));
  g_autoptr(FkInput) in = fk_input_new_bytes("p.txt", bytes);
  FkPiece piece = {.lines_before = lines_before_1000,
                   .lines_index = 7,
                   .last = TRUE,
                   .carry = {(char *)"h", (char *)"cpu-clock"}};
  FkReadOptions opts = {.strings = strings, .diag = diag, .piece = &piece};
  gpointer st = reader->open(in, &opts, NULL);
  FkSample s;
  GError *error = NULL;
  guint samples = 0;
  while (reader->next(st, &s, &error) == FK_READ_SAMPLE)
    samples++;
  g_assert_no_error(error);
  g_assert_cmpuint(samples, >=, 2);
  reader->close(st);
  if (reader->note_pieces != NULL)
    reader->note_pieces(&piece.tally, 1, &opts, NULL, NULL); /* frees the tally */
  GString *out = g_string_new(NULL);
  GPtrArray *m = fk_diag_messages(diag);
  for (guint i = 0; i < m->len; i++)
    if (fk_diag_message_is_skip(diag, i))
      g_string_append_printf(out, "%s\n", (const char *)m->pdata[i]);
  return g_string_free(out, FALSE);
}

/* A piece that has nothing to say never asks for the lines before it (the
 * pipeline would count them); one with skips asks once, and they name the
 * input's lines: the lines before it plus their place in it. */
static void
test_pieces_lines_when_asked(void)
{
  const char *clean = "app 1 [000] 1.0: 1 cpu-clock: \n\t    1 a+0x1 (/x)\n\n"
                      "app 1 [000] 1.1: 1 cpu-clock: \n\t    2 b+0x1 (/x)\n\n";
  const char *bad = "app 1 [000] 1.0: 1 cpu-clock: \n\t    1 a+0x1 (/x)\n\n"
                    "no event here\n\t    1 a+0x1 (/x)\n\n"
                    "app 1 [000] 1.1: 1 cpu-clock: \n\t    zz no frame\n\t    2 b (/x)\n\n"
                    "app 1 [000] 1.2: 1 cpu-clock: \n\t    2 b (/x)\n\n";
  struct {
    const FkReader *reader;
    const char *clean, *bad, *skips;
  } cases[] = {
      {&fk_reader_perf_script, clean, bad,
       "p.txt:1004: not a perf script event line (its sample of 1 frames skipped)\n"
       "p.txt:1008: not a stack frame line\n"},
      {&fk_reader_folded, "a;b 1\n# a comment\na;c 2\n", "a;b 1\nno count\n\na;c 2\nbad\n",
       "p.txt:1002: not a folded stack line\np.txt:1005: not a folded stack line\n"},
  };
  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    lines_asked = 0;
    g_autofree char *none = read_piece(cases[i].reader, cases[i].clean);
    g_assert_cmpstr(none, ==, "");
    g_assert_cmpuint(lines_asked, ==, 0);
    g_autofree char *skips = read_piece(cases[i].reader, cases[i].bad);
    g_assert_cmpstr(skips, ==, cases[i].skips);
    g_assert_cmpuint(lines_asked, ==, 1);
  }
}

/* The frames of a line come from the text it holds, whatever its ip came
 * with before: one ip with two texts (two processes, or the same address
 * in two dsos), one text with two ips, and ips of 1, 8, 15, 16 and 17
 * digits, in a loop, so that the cache meets each pair again. */
static void
test_same_ip_other_text(void)
{
  GString *t = g_string_new(NULL);
  for (guint k = 0; k < 6; k++) {
    g_string_append_printf(t, "a 1 [000] 1.%u: 1 cpu-clock: \n", k);
    g_string_append(t, "\t    7f00 first (/x.so)\n\t    7f00 second (/y.so)\n");
    g_string_append(t, "\t    7f01 second (/y.so)\n\t    1 one (/z)\n");
    g_string_append(t, "\t    12345678 eight (/z)\n\t    123456789abcdef sixteen-1 (/z)\n");
    g_string_append(t, "\t    123456789abcdef0 sixteen (/z)\n");
    g_string_append(t, "\t    123456789abcdef01 seventeen (/z)\n");
    g_string_append(t, "\t    123456789abcdef0 sixteen-again (/z)\n\n");
  }
  Got g = got_new();
  FkReadOptions o = {0};
  read_into(&g, t->str, t->len, &o, NULL);
  g_assert_cmpuint(g.lines->len, ==, 6);
  for (guint k = 0; k < 6; k++)
    g_assert_true(g_str_has_prefix(g.lines->pdata[k],
                                   "a;sixteen-again;seventeen;sixteen;sixteen-1;eight;one;second;"
                                   "second;first | "));
  g_assert_cmpuint(g.skips->len, ==, 0);
  got_free(&g);
  g_string_free(t, TRUE);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/perf-script/boundary", test_boundary);
  g_test_add_func("/perf-script/pieces/corpus", test_pieces_corpus);
  g_test_add_func("/perf-script/pieces/hostile", test_pieces_hostile);
  g_test_add_func("/perf-script/pieces/lines-when-asked", test_pieces_lines_when_asked);
  g_test_add_func("/perf-script/frame-scan", test_frame_scan);
  g_test_add_func("/perf-script/same-ip-other-text", test_same_ip_other_text);
  g_test_add_func("/perf-script/other-events-order", test_other_events_order);
  return g_test_run();
}
