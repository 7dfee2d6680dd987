/* test-textdump.c -- the text-dump readers: labels, weights, bidding and the
 * shared name rules, on small inputs written after the real layouts. */
#include "../../formats/reader.h"
#include "../../analyze/transform.h"
#include "../../formats/names.h"
#include "../../formats/textdump.h"

#include <string.h>

typedef struct {
  GPtrArray *stacks; /* char*: "a;b;c" */
  GArray *samples;   /* FkSample copies (frames NULL) */
  FkDiag *diag;
  FkInterner *strings;
} Read;

static void
read_free(Read *r)
{
  g_ptr_array_free(r->stacks, TRUE);
  g_array_free(r->samples, TRUE);
  fk_diag_free(r->diag);
  fk_interner_unref(r->strings);
}

static Read
read_with(const FkReader *reader, const char *text, const FkReadOptions *base, const char *host)
{
  Read r = {g_ptr_array_new_with_free_func(g_free), g_array_new(FALSE, FALSE, sizeof(FkSample)),
            fk_diag_new(10), fk_interner_new()};
  g_autoptr(GBytes) bytes = g_bytes_new(text, strlen(text));
  g_autoptr(FkInput) in = fk_input_new_bytes("t.txt", bytes);
  fk_input_set_host(in, g_strdup(host));
  FkReadOptions opts = {0};
  if (base != NULL)
    opts = *base;
  opts.strings = r.strings;
  opts.diag = r.diag;
  gpointer st = reader->open(in, &opts, NULL);
  g_assert_nonnull(st);
  FkSample s;
  GError *error = NULL;
  FkReadStatus rs;
  while ((rs = reader->next(st, &s, &error)) == FK_READ_SAMPLE) {
    GString *b = g_string_new(NULL);
    for (gsize i = 0; i < s.n_frames; i++)
      g_string_append_printf(b, "%s%s", i ? ";" : "", s.frames[i]);
    g_ptr_array_add(r.stacks, g_string_free(b, FALSE));
    s.frames = NULL;
    g_array_append_val(r.samples, s);
  }
  g_assert_no_error(error);
  g_assert_cmpint(rs, ==, FK_READ_END);
  reader->close(st);
  return r;
}

#define STACK(r, i) ((const char *)(r).stacks->pdata[i])
#define SAMPLE(r, i) (&g_array_index((r).samples, FkSample, i))

static void
test_perf_labels(void)
{
  const char *text = "# ========\n"
                     "# hostname : web-7\n"
                     "# ========\n"
                     "#\n"
                     "worker 1:a  8275/8280  [003]   283.666728123:    2004008 cpu-clock:ppp: \n"
                     "\t            116b leaf+0x22 (/home/dev/busy)\n"
                     "\t            11fa main+0x44 (/home/dev/busy)\n"
                     "\n"
                     "busy 18622 2026-11-23 17:59:13.660006 1795456753.660008: cpu-clock: \n"
                     "\t            116b leaf\n";
  Read r = read_with(&fk_reader_perf_script, text, NULL, NULL);
  g_assert_cmpuint(r.stacks->len, ==, 2);
  g_assert_cmpstr(STACK(r, 0), ==, "worker_1:a;main;leaf");
  FkSample *s = SAMPLE(r, 0);
  g_assert_cmpstr(s->host, ==, "web-7");
  g_assert_cmpstr(s->comm, ==, "worker 1:a");
  g_assert_cmpstr(s->event, ==, "cpu-clock");
  g_assert_cmpstr(s->file, ==, "t.txt");
  g_assert_cmpint(s->pid, ==, 8275);
  g_assert_cmpint(s->tid, ==, 8280);
  g_assert_cmpint(s->cpu, ==, 3);
  g_assert_true(s->has_time);
  g_assert_cmpuint(s->time, ==, G_GUINT64_CONSTANT(283666728123));
  g_assert_cmpint(s->weight.v[0], ==, 2004008);
  /* -F +tod: the epoch seconds are the time; no period: weight 1; the last
   * sample has no blank line after it and is kept. */
  g_assert_cmpstr(STACK(r, 1), ==, "busy;leaf");
  s = SAMPLE(r, 1);
  g_assert_cmpint(s->pid, ==, -1);
  g_assert_cmpint(s->tid, ==, 18622);
  g_assert_cmpint(s->cpu, ==, -1);
  g_assert_cmpuint(s->time, ==, G_GUINT64_CONSTANT(1795456753660008000));
  g_assert_cmpint(s->weight.v[0], ==, 1);
  read_free(&r);
}

static void
test_perf_host_header_wins(void)
{
  Read r = read_with(&fk_reader_perf_script, "# hostname : inside\nx 1 1.0: 5 ev:\n\t1 f (/a)\n",
                     NULL, "from-path");
  g_assert_cmpstr(SAMPLE(r, 0)->host, ==, "inside");
  read_free(&r);
  r = read_with(&fk_reader_perf_script, "x 1 1.0: 5 ev:\n\t1 f (/a)\n", NULL, "from-path");
  g_assert_cmpstr(SAMPLE(r, 0)->host, ==, "from-path");
  read_free(&r);
}

static void
test_perf_options(void)
{
  const char *text = "java 100/101 1.000000: 7 cycles:\n"
                     "\tffffffff8103ce3b native_safe_halt+0x10 ([kernel.kallsyms])\n"
                     "\t7f722d142778 Lfoo/Bar;::baz (/tmp/perf-100.map)\n"
                     "\t7f722d142779 a->b (/tmp/x.so)\n"
                     "\t7f1e2215d058 [unknown] (/lib/libc.so.6)\n"
                     "\n"
                     "java 100/101 2.000000: 9 instructions:\n"
                     "\t1 x (/a)\n";
  FkReadOptions o = {0};
  o.include_tid = TRUE;
  o.annotate_kernel = TRUE;
  o.annotate_jit = TRUE;
  o.include_addrs = TRUE;
  o.weight = FK_WEIGHT_SAMPLES;
  Read r = read_with(&fk_reader_perf_script, text, &o, NULL);
  g_assert_cmpuint(r.stacks->len, ==, 1); /* the other event is left out */
  g_assert_cmpstr(STACK(r, 0), ==,
                  "java-100/101;[libc.so.6 <7f1e2215d058>];a;b_[i];foo/Bar:::baz_[j];"
                  "native_safe_halt_[k]");
  g_assert_cmpint(SAMPLE(r, 0)->weight.v[0], ==, 1);
  g_assert_cmpuint(fk_diag_skipped(r.diag), ==, 0);
  read_free(&r);

  FkReadOptions f = {0};
  f.event_filter = "instructions";
  r = read_with(&fk_reader_perf_script, text, &f, NULL);
  g_assert_cmpuint(r.stacks->len, ==, 1);
  g_assert_cmpstr(STACK(r, 0), ==, "java;x");
  g_assert_cmpint(SAMPLE(r, 0)->weight.v[0], ==, 9);
  read_free(&r);
}

static void
test_perf_other_events_reported(void)
{
  FkDiag *diag = fk_diag_new(10);
  FkInterner *strings = fk_interner_new();
  const char *text = "a 1 1.0: 7 cycles:\n\t1 f (/a)\n\na 1 2.0: 9 instructions:\n\t1 x (/a)\n";
  g_autoptr(GBytes) bytes = g_bytes_new(text, strlen(text));
  g_autoptr(FkInput) in = fk_input_new_bytes("t.txt", bytes);
  FkReadOptions o = {0};
  o.strings = strings;
  o.diag = diag;
  gpointer st = fk_reader_perf_script.open(in, &o, NULL);
  FkSample s;
  while (fk_reader_perf_script.next(st, &s, NULL) == FK_READ_SAMPLE)
    ;
  fk_reader_perf_script.close(st);
  GPtrArray *m = fk_diag_messages(diag);
  g_assert_cmpuint(m->len, ==, 1);
  g_assert_nonnull(strstr(m->pdata[0], "instructions (1), weight 9"));
  fk_diag_free(diag);
  fk_interner_unref(strings);
}

static void
test_perf_bad_lines(void)
{
  const char *text = "a 1 1.0: 1 ev:\n"
                     "\tTHIS_IS_WEIRD\n"
                     "\t10 f (/x)\n"
                     "\n"
                     "???\n"
                     "\t10 g (/x)\n"
                     "\n"
                     "a 1 2.0: 2 ev:\n"
                     "\t10 h (/x)\n"
                     "  h.c:12\n";
  Read r = read_with(&fk_reader_perf_script, text, NULL, NULL);
  g_assert_cmpuint(r.stacks->len, ==, 2);
  g_assert_cmpstr(STACK(r, 0), ==, "a;f");
  g_assert_cmpstr(STACK(r, 1), ==, "a;h");
  g_assert_cmpuint(fk_diag_skipped(r.diag), ==, 2);
  GPtrArray *m = fk_diag_messages(r.diag);
  g_assert_cmpstr(m->pdata[0], ==, "t.txt:2: not a stack frame line");
  g_assert_cmpstr(m->pdata[1], ==,
                  "t.txt:5: not a perf script event line (its sample of 1 frames skipped)");
  read_free(&r);

  /* Two bad blocks in a row, and one at the end: each is reported. */
  r = read_with(&fk_reader_perf_script,
                "???\n\t10 g (/x)\n!!!\n\t1 a (/x)\n\t2 b (/x)\n"
                "a 1 1.0: 1 ev:\n\t10 f (/x)\n???\n",
                NULL, NULL);
  g_assert_cmpuint(r.stacks->len, ==, 1);
  g_assert_cmpstr(STACK(r, 0), ==, "a;f");
  m = fk_diag_messages(r.diag);
  g_assert_cmpuint(m->len, ==, 3);
  g_assert_cmpstr(m->pdata[0], ==,
                  "t.txt:1: not a perf script event line (its sample of 1 frames skipped)");
  g_assert_cmpstr(m->pdata[1], ==,
                  "t.txt:3: not a perf script event line (its sample of 2 frames skipped)");
  g_assert_cmpstr(m->pdata[2], ==,
                  "t.txt:8: not a perf script event line (its sample of 0 frames skipped)");
  read_free(&r);
}

static void
test_bpftrace(void)
{
  const char *text = "Attaching 2 probes...\n\n\n"
                     "@[busy, 12457, \n"
                     "    pvm_irq_enable+25\n"
                     ", \n"
                     "    leaf+34\n"
                     "    main+68\n"
                     "]: 3\n"
                     "@[]: 8\n"
                     "@p[, \n"
                     "\t55e6e1f86cac leaf+16 (/tmp/spin)\n"
                     "]: 2\n";
  Read r = read_with(&fk_reader_bpftrace, text, NULL, NULL);
  g_assert_cmpuint(r.stacks->len, ==, 3);
  g_assert_cmpstr(STACK(r, 0), ==, "busy;12457;main;leaf;pvm_irq_enable");
  g_assert_cmpint(SAMPLE(r, 0)->weight.v[0], ==, 3);
  g_assert_cmpstr(SAMPLE(r, 0)->event, ==, "@");
  g_assert_cmpstr(STACK(r, 1), ==, "[empty stack]");
  g_assert_cmpint(SAMPLE(r, 1)->weight.v[0], ==, 8);
  g_assert_cmpstr(STACK(r, 2), ==, "leaf");
  g_assert_cmpstr(SAMPLE(r, 2)->event, ==, "@p");
  read_free(&r);

  r = read_with(&fk_reader_bpftrace,
                "{\"type\": \"map\", \"data\": {\"@x\": {\"a\\u00e9,,\\n    f+1\\n    g+2\\n\": 4, "
                "\"b,\": 1}}}\n",
                NULL, NULL);
  g_assert_cmpuint(r.stacks->len, ==, 2);
  g_assert_cmpstr(STACK(r, 0), ==, "a\xc3\xa9;g;f");
  g_assert_cmpint(SAMPLE(r, 0)->weight.v[0], ==, 4);
  g_assert_cmpstr(SAMPLE(r, 0)->event, ==, "@x");
  g_assert_cmpstr(STACK(r, 1), ==, "b");
  read_free(&r);
}

static void
test_dtrace(void)
{
  const char *text = "CPU     ID                    FUNCTION:NAME\n"
                     "  0  64091                        :tick-60s \n\n\n"
                     "              unix`idle+0x1\n"
                     "              unix`thread_start+0x8\n\n"
                     "              libc.so.1`_lwp_start\n"
                     "                7\n\n"
                     "             4242\n\n"
                     "              a`f+0x1\n"
                     "               3\n";
  Read r = read_with(&fk_reader_dtrace, text, NULL, NULL);
  g_assert_cmpuint(r.stacks->len, ==, 2);
  g_assert_cmpstr(STACK(r, 0), ==, "libc.so.1`_lwp_start;unix`thread_start;unix`idle");
  g_assert_cmpint(SAMPLE(r, 0)->weight.v[0], ==, 7);
  g_assert_cmpstr(STACK(r, 1), ==, "4242;a`f");
  g_assert_cmpint(SAMPLE(r, 1)->weight.v[0], ==, 3);
  read_free(&r);
}

static int
bid(const FkReader *r, const char *text, gsize len)
{
  return r->bid((const guint8 *)text, len);
}

static void
test_bidding(void)
{
  const char *perf = "busy  8046   267.008160:    2004008 cpu-clock: \n\t116b leaf+0x22 (/b)\n\n";
  const char *folded = "busy;main;leaf 12\nbusy;main 3\n";
  const char *bt = "Attaching 1 probe...\n\n\n@[\n    leaf+1\n]: 3\n";
  const char *dt = "\n\n              a`f+0x1\n               3\n";
  g_assert_true(fk_reader_choose((const guint8 *)perf, strlen(perf)) == &fk_reader_perf_script);
  g_assert_true(fk_reader_choose((const guint8 *)folded, strlen(folded)) == &fk_reader_folded);
  g_assert_true(fk_reader_choose((const guint8 *)bt, strlen(bt)) == &fk_reader_bpftrace);
  g_assert_true(fk_reader_choose((const guint8 *)dt, strlen(dt)) == &fk_reader_dtrace);
  g_assert_cmpint(bid(&fk_reader_perf_script, folded, strlen(folded)), ==, 0);
  g_assert_cmpint(bid(&fk_reader_dtrace, folded, strlen(folded)), ==, 0);
  g_assert_cmpint(bid(&fk_reader_bpftrace, folded, strlen(folded)), ==, 0);
  g_assert_cmpint(bid(&fk_reader_perf_script,
                      "\x7f"
                      "ELF\0\0\0",
                      7),
                  ==, 0);
}

static void
test_names(void)
{
  static const struct {
    const char *in, *out;
  } cases[] = {
      {"std::sys::unix::fs::File::open::hb90e1c1c787080f0", "std::sys::unix::fs::File::open"},
      {"_$LT$std..fs..ReadDir$u20$as$u20$core..iter..traits..iterator..Iterator$GT$::next::"
       "hc14f1750ca79129b",
       "<std::fs::ReadDir as core::iter::traits::iterator::Iterator>::next"},
      {"rg::search::_$u7b$$u7b$closure$u7d$$u7d$::h6e849b55a66fcd85", "rg::search::_{{closure}}"},
      {"do_call::h08ca64c12e8a9bb0 (.llvm.15516475458848885060)", "do_call"},
  };
  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autoptr(GString) out = g_string_new(NULL);
    g_assert_true(fk_td_fix_rust(cases[i].in, strlen(cases[i].in), out));
    g_assert_cmpstr(out->str, ==, cases[i].out);
  }
  g_autoptr(GString) out = g_string_new(NULL);
  g_assert_false(fk_td_fix_rust("main", 4, out));
  g_assert_false(fk_td_fix_rust("foo::hxyz", 9, out));
  g_assert_cmpuint(out->len, ==, 0);
  g_assert_cmpuint(fk_name_offset_start("f+0x1a", 6), ==, 1);
  g_assert_cmpuint(fk_name_offset_start("f+0x", 4), ==, 4);
  g_assert_cmpuint(fk_name_offset_start("operator+", 9), ==, 9);
  const char *vm = "/usr/lib/debug/boot/vmlinux-5.4.14-cloudflare";
  g_assert_true(fk_td_is_kernel_dso(vm, strlen(vm)));
  g_assert_false(fk_td_is_kernel_dso("[unknown]", 9));
  g_assert_true(fk_td_is_kernel_dso("[kernel.kallsyms]", 17));
  const char *jit = "/home/x/.debug/jit/jitted-123-4.so";
  g_assert_true(fk_td_is_jit_dso("/tmp/perf-19982.map", 19));
  g_assert_true(fk_td_is_jit_dso(jit, strlen(jit)));
  g_assert_false(fk_td_is_jit_dso("/tmp/perf-x.map", 15));
}

/* One function, one frame, whatever the reader: old perf's and DTrace's
 * signatures name what perf.data names `ns::Task::run` (and `operator()`
 * stays); --demangle-params keeps them in every reader. */
static void
test_same_name_every_reader(void)
{
  static const char *const sig[] = {
      "void ns::Task::run(Mgr*, unsigned int) const",
      "std::function<int (int, int)>::operator()(int, int) const",
      "Ptr<Foo>::operator->() const",
      "(anonymous namespace)::leaf(unsigned long)",
  };
  static const char *const want[] = {"ns::Task::run", "std::function<int (int, int)>::operator()",
                                     "Ptr<Foo>::operator->", "(anonymous namespace)::leaf"};
  for (int keep = 0; keep < 2; keep++) {
    FkSymbolizeOptions so;
    fk_symbolize_options_init(&so);
    so.demangle_params = keep;
    FkReadOptions o = {0};
    o.symbolize = &so;
    for (gsize i = 0; i < G_N_ELEMENTS(sig); i++) {
      const char *w = keep ? sig[i] : want[i];
      g_autofree char *perf =
          g_strdup_printf("p 1 1.0: 1 cpu-clock:\n\t1f %s+0x1f (/a)\n\n", sig[i]);
      g_autofree char *dtrace =
          g_strdup_printf("\n              a`%s+0x1f\n                1\n", sig[i]);
      g_autofree char *bpf = g_strdup_printf("@[\n    %s+31\n]: 1\n", sig[i]);
      g_autofree char *wp = g_strdup_printf("p;%s", w);
      g_autofree char *wd = g_strdup_printf("a`%s", w);
      Read r = read_with(&fk_reader_perf_script, perf, &o, NULL);
      g_assert_cmpstr(STACK(r, 0), ==, wp);
      read_free(&r);
      r = read_with(&fk_reader_dtrace, dtrace, &o, NULL);
      g_assert_cmpstr(STACK(r, 0), ==, wd);
      read_free(&r);
      r = read_with(&fk_reader_bpftrace, bpf, &o, NULL);
      g_assert_cmpstr(STACK(r, 0), ==, w);
      read_free(&r);
    }
  }
}

/* perf prints one event as `cpu-clock:ppp:` (or `cycles:u:` then `cycles:`);
 * its one name is `cpu-clock`, and --event-filter takes either form. */
static void
test_perf_event_names(void)
{
  const char *text = "p 1 1.0: 1 cpu-clock:ppp:\n\t1 f (/a)\n\n"
                     "p 1 2.0: 1 cpu-clock:\n\t1 g (/a)\n\n"
                     "p 1 3.0: 1 task-clock:u:\n\t1 h (/a)\n\n";
  static const char *const filters[] = {NULL, "cpu-clock", "cpu-clock:ppp"};
  for (gsize i = 0; i < G_N_ELEMENTS(filters); i++) {
    FkReadOptions o = {0};
    o.event_filter = filters[i];
    Read r = read_with(&fk_reader_perf_script, text, &o, NULL);
    g_assert_cmpuint(r.stacks->len, ==, 2);
    g_assert_cmpstr(SAMPLE(r, 0)->event, ==, "cpu-clock");
    g_assert_cmpstr(SAMPLE(r, 1)->event, ==, "cpu-clock");
    read_free(&r);
  }
  FkReadOptions o = {0};
  o.event_filter = "task-clock";
  Read r = read_with(&fk_reader_perf_script, text, &o, NULL);
  g_assert_cmpuint(r.stacks->len, ==, 1);
  g_assert_cmpstr(STACK(r, 0), ==, "p;h");
  read_free(&r);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/textdump/perf/labels", test_perf_labels);
  g_test_add_func("/textdump/perf/host-header-wins", test_perf_host_header_wins);
  g_test_add_func("/textdump/perf/options", test_perf_options);
  g_test_add_func("/textdump/perf/other-events-reported", test_perf_other_events_reported);
  g_test_add_func("/textdump/perf/bad-lines", test_perf_bad_lines);
  g_test_add_func("/textdump/bpftrace", test_bpftrace);
  g_test_add_func("/textdump/dtrace", test_dtrace);
  g_test_add_func("/textdump/bidding", test_bidding);
  g_test_add_func("/textdump/names", test_names);
  g_test_add_func("/textdump/names/every-reader", test_same_name_every_reader);
  g_test_add_func("/textdump/perf/event-names", test_perf_event_names);
  return g_test_run();
}
