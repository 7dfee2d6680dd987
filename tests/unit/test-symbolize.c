/* test-symbolize.c -- the symbolizer through its public interface: ELF
 * lookup by build id and path, mismatches, perf archive members, inline
 * frames and srclines, demangling, kallsyms, JIT maps, unresolved frames. */
#include <gelf.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

#include "../../formats/symbols/demangle.h"
#include "../../formats/symbols/dwarf.h"
#include "../../formats/symbols/elf.h"
#include "../../formats/symbols/symbolize.h"

static char *corpus; /* corpora/symbolize */
static char *tmpdir; /* scratch, also $HOME */

static char *
corpus_file(const char *name)
{
  return g_build_filename(corpus, name, NULL);
}

/* The address of symbol SYM in BIN as nm prints it (an independent oracle). */
static guint64
nm_addr(const char *bin, const char *sym)
{
  g_autofree char *out = NULL;
  const char *argv[] = {"nm", bin, NULL};
  g_assert_true(g_spawn_sync(NULL, (char **)argv, NULL,
                             G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out,
                             NULL, NULL, NULL));
  g_auto(GStrv) lines = g_strsplit(out, "\n", -1);
  for (char **l = lines; *l != NULL; l++) {
    g_auto(GStrv) f = g_strsplit(*l, " ", 3);
    if (g_strv_length(f) == 3 && strcmp(f[2], sym) == 0)
      return g_ascii_strtoull(f[0], NULL, 16);
  }
  g_error("%s not in %s", sym, bin);
  return 0;
}

typedef struct {
  FkInterner *strings;
  FkDiag *diag;
  FkSymbolizeOptions opts;
  GPtrArray *out;
  guint8 id[64];
  gsize id_len;
} Fixture;

static void
fixture_init(Fixture *f)
{
  memset(f, 0, sizeof *f);
  f->strings = fk_interner_new();
  f->diag = fk_diag_new(50);
  fk_symbolize_options_init(&f->opts);
  f->opts.strings = f->strings;
  f->opts.diag = f->diag;
  f->out = g_ptr_array_new();
}

static void
fixture_clear(Fixture *f)
{
  g_ptr_array_unref(f->out);
  fk_diag_free(f->diag);
  fk_interner_unref(f->strings);
}

static void
read_build_id(Fixture *f, const char *bin)
{
  g_autoptr(FkElf) elf = fk_elf_open_file(bin, NULL);
  g_assert_nonnull(elf);
  const guint8 *id = fk_elf_build_id(elf, &f->id_len);
  g_assert_nonnull(id);
  memcpy(f->id, id, f->id_len);
}

/* Looks VADDR of BIN up through a mapping of PATH (start 0x400000). */
static void
lookup(Fixture *f, FkSymbolizer *s, const char *bin, const char *path, gboolean with_id,
       guint64 vaddr)
{
  g_autoptr(FkElf) elf = fk_elf_open_file(bin, NULL);
  guint64 off = 0;
  g_assert_true(fk_elf_vaddr_to_offset(elf, vaddr, &off));
  FkMapping map = {
      path, with_id ? f->id : NULL, with_id ? f->id_len : 0, 0x400000, 1 << 24, 0, 4242, 0};
  g_ptr_array_set_size(f->out, 0);
  fk_symbolizer_lookup(s, &map, 0x400000 + off, FALSE, f->out);
}

static gboolean
diag_has(FkDiag *d, const char *needle, guint *count)
{
  GPtrArray *m = fk_diag_messages(d);
  guint n = 0;
  for (guint i = 0; i < m->len; i++)
    if (strstr(g_ptr_array_index(m, i), needle) != NULL)
      n++;
  if (count != NULL)
    *count = n;
  return n > 0;
}

static void
test_demangle(void)
{
  struct {
    const char *raw;
    gboolean demangle, params;
    const char *want;
  } cases[] = {
      {"_ZNSt6vectorIiSaIiEE9push_backERKi", TRUE, FALSE,
       "std::vector<int, std::allocator<int> >::push_back"},
      {"_ZNSt6vectorIiSaIiEE9push_backERKi", TRUE, TRUE,
       "std::vector<int, std::allocator<int> >::push_back(int const&)"},
      {"_ZNSt6vectorIiSaIiEE9push_backERKi", FALSE, FALSE, "_ZNSt6vectorIiSaIiEE9push_backERKi"},
      {"_ZN2rs11word_counts17h5a60fabd2b6fe2d4E", TRUE, FALSE, "rs::word_counts"},
      {"_RNvCsbFYJioi4cCO_2rs11word_counts", TRUE, FALSE, "rs::word_counts"},
      {"memcpy@@GLIBC_2.14", TRUE, FALSE, "memcpy"},
      {"stat@GLIBC_2.2.5", FALSE, FALSE, "stat"},
      {"main", TRUE, TRUE, "main"},
      {"_Znot_valid", TRUE, FALSE, "_Znot_valid"},
      {"@weird", TRUE, FALSE, "@weird"},
      {"_Znwm@plt", TRUE, TRUE, "operator new(unsigned long)@plt"},
      {"_Znwm@plt", FALSE, FALSE, "_Znwm@plt"},
      {"memset@plt", TRUE, FALSE, "memset@plt"},
  };
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autofree char *got = fk_demangle(cases[i].raw, cases[i].demangle, cases[i].params);
    g_assert_cmpstr(got, ==, cases[i].want);
  }
}

/* By path, no build id: the function, its inline frames, srclines. */
static void
test_path_inline_srcline(void)
{
  Fixture f;
  fixture_init(&f);
  g_autofree char *bin = corpus_file("inl");
  guint64 fn = nm_addr(bin, "longest_collatz");
  f.opts.srcline = TRUE;
  g_autoptr(FkSymbolizer) s = fk_symbolizer_new(&f.opts);
  /* some address inside longest_collatz runs the inlined collatz_len */
  gboolean saw_inline = FALSE;
  for (guint64 a = fn; a < fn + 0x40; a++) {
    lookup(&f, s, bin, bin, FALSE, a);
    g_assert_cmpuint(f.out->len, >=, 1);
    const char *outer = g_ptr_array_index(f.out, 0);
    g_assert_true(g_str_has_prefix(outer, "longest_collatz "));
    g_assert_true(g_regex_match_simple("^longest_collatz inl\\.c:[0-9]+$", outer, 0, 0));
    if (f.out->len == 2) {
      saw_inline = TRUE;
      g_assert_true(
          g_regex_match_simple("^collatz_len inl\\.c:[0-9]+$", g_ptr_array_index(f.out, 1), 0, 0));
    }
  }
  g_assert_true(saw_inline);
  g_assert_cmpuint(fk_diag_skipped(f.diag), ==, 0);
  fixture_clear(&f);

  /* --no-inline: one frame, no srcline: the bare name */
  fixture_init(&f);
  f.opts.inline_frames = FALSE;
  g_autoptr(FkSymbolizer) s2 = fk_symbolizer_new(&f.opts);
  for (guint64 a = fn; a < fn + 0x40; a++) {
    lookup(&f, s2, bin, bin, FALSE, a);
    g_assert_cmpuint(f.out->len, ==, 1);
    g_assert_cmpstr(g_ptr_array_index(f.out, 0), ==, "longest_collatz");
  }
  fixture_clear(&f);
}

static void
test_demangled_names(void)
{
  Fixture f;
  fixture_init(&f);
  f.opts.inline_frames = FALSE;
  g_autoptr(FkSymbolizer) s = fk_symbolizer_new(&f.opts);
  g_autofree char *tmpl = corpus_file("tmpl");
  lookup(&f, s, tmpl, tmpl, FALSE, nm_addr(tmpl, "_ZN6shapes5churnIiEET_i") + 4);
  g_assert_cmpstr(g_ptr_array_index(f.out, 0), ==, "shapes::churn<int>");
  g_autofree char *v0 = corpus_file("rs-v0");
  lookup(&f, s, v0, v0, FALSE, nm_addr(v0, "_RNvCsbFYJioi4cCO_2rs11word_counts") + 4);
  g_assert_cmpstr(g_ptr_array_index(f.out, 0), ==, "rs::word_counts");
  g_autofree char *leg = corpus_file("rs-legacy");
  lookup(&f, s, leg, leg, FALSE, nm_addr(leg, "_ZN2rs11word_counts17h5a60fabd2b6fe2d4E") + 4);
  g_assert_cmpstr(g_ptr_array_index(f.out, 0), ==, "rs::word_counts");
  fixture_clear(&f);

  fixture_init(&f);
  f.opts.inline_frames = FALSE;
  f.opts.demangle = FALSE;
  g_autoptr(FkSymbolizer) raw = fk_symbolizer_new(&f.opts);
  lookup(&f, raw, tmpl, tmpl, FALSE, nm_addr(tmpl, "_ZN6shapes5churnIiEET_i") + 4);
  g_assert_cmpstr(g_ptr_array_index(f.out, 0), ==, "_ZN6shapes5churnIiEET_i");
  fixture_clear(&f);

  fixture_init(&f);
  f.opts.inline_frames = FALSE;
  f.opts.demangle_params = TRUE;
  g_autoptr(FkSymbolizer) params = fk_symbolizer_new(&f.opts);
  lookup(&f, params, tmpl, tmpl, FALSE, nm_addr(tmpl, "_ZN6shapes5churnIiEET_i") + 4);
  g_assert_cmpstr(g_ptr_array_index(f.out, 0), ==, "int shapes::churn<int>(int)");
  fixture_clear(&f);
}

static char *
id_hex(Fixture *f)
{
  return fk_build_id_hex(f->id, f->id_len);
}

/* --debug-dir with a plain .build-id/xx/rest file; the mapped path does not exist. */
static void
test_debug_dir_build_id(void)
{
  Fixture f;
  fixture_init(&f);
  g_autofree char *bin = corpus_file("inl");
  read_build_id(&f, bin);
  g_autofree char *hex = id_hex(&f);
  g_autofree char *dir =
      g_build_filename(tmpdir, "dbg", ".build-id", (char[]){hex[0], hex[1], 0}, NULL);
  g_assert_cmpint(g_mkdir_with_parents(dir, 0755), ==, 0);
  g_autofree char *link = g_build_filename(dir, hex + 2, NULL);
  g_assert_cmpint(symlink(bin, link), ==, 0);
  g_autofree char *root = g_build_filename(tmpdir, "dbg", NULL);
  char *dirs[] = {root, NULL};
  f.opts.debug_dirs = dirs;
  f.opts.inline_frames = FALSE;
  g_autoptr(FkSymbolizer) s = fk_symbolizer_new(&f.opts);
  lookup(&f, s, bin, "/nonexistent/inl", TRUE, nm_addr(bin, "longest_collatz") + 2);
  g_assert_cmpstr(g_ptr_array_index(f.out, 0), ==, "longest_collatz");
  /* the same mapping without an id cannot be found: the dso label */
  lookup(&f, s, bin, "/nonexistent/inl", FALSE, nm_addr(bin, "longest_collatz") + 2);
  g_assert_cmpstr(g_ptr_array_index(f.out, 0), ==, "[inl]");
  g_assert_true(diag_has(f.diag, "no ELF file found", NULL));
  fixture_clear(&f);
}

/* perf's ~/.debug: .build-id/xx/rest -> ../../PATH/ID/ holding `elf`. */
static void
test_home_debug_cache(void)
{
  Fixture f;
  fixture_init(&f);
  g_autofree char *bin = corpus_file("tmpl");
  read_build_id(&f, bin);
  g_autofree char *hex = id_hex(&f);
  g_autofree char *cache = g_build_filename(tmpdir, ".debug", "opt", "app", "tmpl", hex, NULL);
  g_assert_cmpint(g_mkdir_with_parents(cache, 0755), ==, 0);
  g_autofree char *elf = g_build_filename(cache, "elf", NULL);
  g_assert_cmpint(symlink(bin, elf), ==, 0);
  g_autofree char *bdir =
      g_build_filename(tmpdir, ".debug", ".build-id", (char[]){hex[0], hex[1], 0}, NULL);
  g_assert_cmpint(g_mkdir_with_parents(bdir, 0755), ==, 0);
  g_autofree char *blink = g_build_filename(bdir, hex + 2, NULL);
  g_autofree char *target = g_strdup_printf("../../opt/app/tmpl/%s", hex);
  g_assert_cmpint(symlink(target, blink), ==, 0);
  f.opts.inline_frames = FALSE;
  g_autoptr(FkSymbolizer) s = fk_symbolizer_new(&f.opts);
  lookup(&f, s, bin, "/opt/app/tmpl", TRUE, nm_addr(bin, "_ZN6shapes5churnIdEET_i") + 2);
  g_assert_cmpstr(g_ptr_array_index(f.out, 0), ==, "shapes::churn<double>");
  fixture_clear(&f);
}

/* A build id that does not match the file at the path: never symbolized
 * with it, reported once. */
static void
test_mismatch(void)
{
  Fixture f;
  fixture_init(&f);
  g_autofree char *bin = corpus_file("inl");
  f.id_len = 20;
  memset(f.id, 0x5a, f.id_len);
  f.opts.inline_frames = FALSE;
  g_autoptr(FkSymbolizer) s = fk_symbolizer_new(&f.opts);
  for (int i = 0; i < 5; i++) {
    lookup(&f, s, bin, bin, TRUE, nm_addr(bin, "longest_collatz") + (guint64)i);
    g_assert_cmpuint(f.out->len, ==, 1);
    g_assert_cmpstr(g_ptr_array_index(f.out, 0), ==, "[inl]");
  }
  guint n = 0;
  g_assert_true(diag_has(f.diag, "build id mismatch", &n));
  g_assert_cmpuint(n, ==, 1);
  g_assert_true(diag_has(f.diag, "5a5a5a5a", NULL));
  fixture_clear(&f);

  /* with addrs: the dso and the address */
  fixture_init(&f);
  f.id_len = 20;
  memset(f.id, 0x5a, f.id_len);
  f.opts.addrs = TRUE;
  g_autoptr(FkSymbolizer) s2 = fk_symbolizer_new(&f.opts);
  FkMapping map = {bin, f.id, f.id_len, 0x400000, 0x10000, 0, 1, 0};
  fk_symbolizer_lookup(s2, &map, 0x401234, FALSE, f.out);
  g_assert_cmpstr(g_ptr_array_index(f.out, 0), ==, "[inl <1234>]");
  fixture_clear(&f);
}

static GBytes *
file_bytes(const char *path)
{
  char *data;
  gsize len;
  g_assert_true(g_file_get_contents(path, &data, &len, NULL));
  return g_bytes_new_take(data, len);
}

/* Members of a perf archive tarball given through add_file. */
static void
test_added_files(void)
{
  Fixture f;
  fixture_init(&f);
  g_autofree char *bin = corpus_file("rs-v0");
  read_build_id(&f, bin);
  g_autofree char *hex = id_hex(&f);
  f.opts.inline_frames = FALSE;
  g_autoptr(FkSymbolizer) s = fk_symbolizer_new(&f.opts);
  g_autoptr(GBytes) b = file_bytes(bin);
  g_autofree char *member = g_strdup_printf("usr/bin/rs/%s/elf", hex);
  fk_symbolizer_add_file(s, member, b);
  /* junk members must not disturb anything */
  g_autoptr(GBytes) junk = g_bytes_new_static("\177ELF\2\1\1junk", 12);
  fk_symbolizer_add_file(s, ".build-id/00/1122334455", junk);
  fk_symbolizer_add_file(s, "random/file", junk);
  lookup(&f, s, bin, "/usr/bin/rs", TRUE, nm_addr(bin, "_RNvCsbFYJioi4cCO_2rs11word_counts") + 8);
  g_assert_cmpstr(g_ptr_array_index(f.out, 0), ==, "rs::word_counts");

  /* kallsyms of the archive, chosen by the kernel's build id */
  g_autoptr(GBytes) ks1 = g_bytes_new_static("ffffffff81000000 T wrong_kernel\n", 32);
  g_autoptr(GBytes) ks2 =
      g_bytes_new_static("ffffffff81000000 T _stext\nffffffff81000100 t do_thing\n"
                         "ffffffff81000200 T mod_fn\t[mymod]\n",
                         88);
  fk_symbolizer_add_file(s, "[kernel.kallsyms]/aaaa/kallsyms", ks1);
  fk_symbolizer_add_file(s, "[kernel.kallsyms]/bbbb/kallsyms", ks2);
  guint8 kid[2] = {0xbb, 0xbb};
  FkMapping kmap = {"[kernel.kallsyms]_text", kid, 2, 0xffffffff81000000ull, 1 << 20,
                    0xffffffff81000000ull,    -1,  0};
  g_ptr_array_set_size(f.out, 0);
  fk_symbolizer_lookup(s, &kmap, 0xffffffff81000150ull, TRUE, f.out);
  fk_symbolizer_lookup(s, &kmap, 0xffffffff81000210ull, TRUE, f.out);
  fk_symbolizer_lookup(s, NULL, 0xffffffff81000010ull, TRUE, f.out);
  g_assert_cmpuint(f.out->len, ==, 3);
  g_assert_cmpstr(g_ptr_array_index(f.out, 0), ==, "do_thing");
  g_assert_cmpstr(g_ptr_array_index(f.out, 1), ==, "mod_fn");
  g_assert_cmpstr(g_ptr_array_index(f.out, 2), ==, "_stext");
  fixture_clear(&f);
}

static void
test_kallsyms_file(void)
{
  Fixture f;
  fixture_init(&f);
  g_autofree char *ks = g_build_filename(tmpdir, "kallsyms", NULL);
  const char *text = "0000000000000000 A fixed_percpu_data\n"
                     "ffffffff81000000 T _text\n"
                     "ffffffff81000000 t __pfx__text_alias\n"
                     "ffffffff81001000 W weak_fn\n"
                     "ffffffff81001000 T strong_fn\n"
                     "ffffffff81002000 D some_data\n"
                     "garbage line\n"
                     "ffffffffc0000000 t modfn\t[ext4]\n";
  g_assert_true(g_file_set_contents(ks, text, -1, NULL));
  f.opts.kallsyms = ks;
  g_autoptr(FkSymbolizer) s = fk_symbolizer_new(&f.opts);
  guint64 ips[] = {0xffffffff81000010ull, 0xffffffff81001010ull, 0xffffffff81002010ull,
                   0xffffffffc0000010ull, 0xffffffff80000000ull};
  for (guint i = 0; i < G_N_ELEMENTS(ips); i++)
    fk_symbolizer_lookup(s, NULL, ips[i], TRUE, f.out);
  g_assert_cmpstr(g_ptr_array_index(f.out, 0), ==, "_text");
  g_assert_cmpstr(g_ptr_array_index(f.out, 1), ==, "strong_fn");
  /* data symbols are not functions: the text symbol before runs on */
  g_assert_cmpstr(g_ptr_array_index(f.out, 2), ==, "strong_fn");
  g_assert_cmpstr(g_ptr_array_index(f.out, 3), ==, "modfn");
  g_assert_cmpstr(g_ptr_array_index(f.out, 4), ==, "[[kernel.kallsyms]]");
  g_assert_true(diag_has(f.diag, "1 lines of kallsyms not understood", NULL));
  fixture_clear(&f);

  /* no kallsyms at all: labelled, told once */
  fixture_init(&f);
  g_autoptr(FkSymbolizer) s2 = fk_symbolizer_new(&f.opts);
  fk_symbolizer_lookup(s2, NULL, 0xffffffff81000010ull, TRUE, f.out);
  fk_symbolizer_lookup(s2, NULL, 0xffffffff81000020ull, TRUE, f.out);
  g_assert_cmpstr(g_ptr_array_index(f.out, 0), ==, "[[kernel.kallsyms]]");
  guint n = 0;
  g_assert_true(diag_has(f.diag, "no kallsyms", &n));
  g_assert_cmpuint(n, ==, 1);
  fixture_clear(&f);
}

/* kallsyms files as they are met: upper-case hex, lines cut short, an
 * address of 17 digits, empty lines, and no newline after the last line. */
static void
test_kallsyms_odd(void)
{
  Fixture f;
  fixture_init(&f);
  g_autofree char *ks = g_build_filename(tmpdir, "kallsyms-odd", NULL);
  const char *text = "FFFFFFFF81000000 T Upper_fn\n"
                     "ffffffff81000800 T\n"
                     "ffffffff8100\n"
                     "\n"
                     "0ffffffff81000900 T seventeen_digits\n"
                     "ffffffff81000a00 t \n"
                     "fFfFfFfF81001000 t mixed_case\n"
                     "ffffffff81002000 T last_fn";
  g_assert_true(g_file_set_contents(ks, text, -1, NULL));
  f.opts.kallsyms = ks;
  g_autoptr(FkSymbolizer) s = fk_symbolizer_new(&f.opts);
  guint64 ips[] = {0xffffffff81000010ull, 0xffffffff81000910ull, 0xffffffff81001010ull,
                   0xffffffff81002010ull};
  for (guint i = 0; i < G_N_ELEMENTS(ips); i++)
    fk_symbolizer_lookup(s, NULL, ips[i], TRUE, f.out);
  g_assert_cmpstr(g_ptr_array_index(f.out, 0), ==, "Upper_fn");
  /* the bad lines name nothing: Upper_fn runs on */
  g_assert_cmpstr(g_ptr_array_index(f.out, 1), ==, "Upper_fn");
  g_assert_cmpstr(g_ptr_array_index(f.out, 2), ==, "mixed_case");
  /* the last line, without its newline, is read */
  g_assert_cmpstr(g_ptr_array_index(f.out, 3), ==, "last_fn");
  g_assert_true(diag_has(f.diag, "4 lines of kallsyms not understood", NULL));
  fixture_clear(&f);
}

static void
test_jit_map(void)
{
  Fixture f;
  fixture_init(&f);
  gint64 pid = 2000000000 + (gint64)getpid();
  g_autofree char *path = g_strdup_printf("/tmp/perf-%" G_GINT64_FORMAT ".map", pid);
  g_assert_true(g_file_set_contents(path,
                                    "7f0000001000 100 LazyCompile:~foo bar.js:1\n"
                                    "7f0000002000 20 Interpreter\nnot a line\n",
                                    -1, NULL));
  g_autoptr(FkSymbolizer) s = fk_symbolizer_new(&f.opts);
  FkMapping map = {"//anon", NULL, 0, 0x7f0000000000ull, 0x10000, 0, pid, 0};
  fk_symbolizer_lookup(s, &map, 0x7f0000001010ull, FALSE, f.out);
  fk_symbolizer_lookup(s, &map, 0x7f0000002004ull, FALSE, f.out);
  fk_symbolizer_lookup(s, &map, 0x7f0000003000ull, FALSE, f.out);
  g_unlink(path);
  g_assert_cmpstr(g_ptr_array_index(f.out, 0), ==, "LazyCompile:~foo bar.js:1");
  g_assert_cmpstr(g_ptr_array_index(f.out, 1), ==, "Interpreter");
  g_autofree char *want = g_strdup_printf("[perf-%" G_GINT64_FORMAT ".map]", pid);
  g_assert_cmpstr(g_ptr_array_index(f.out, 2), ==, want);
  fixture_clear(&f);
}

static void
test_unresolved(void)
{
  Fixture f;
  fixture_init(&f);
  g_autoptr(FkSymbolizer) s = fk_symbolizer_new(&f.opts);
  fk_symbolizer_lookup(s, NULL, 0x1234, FALSE, f.out);
  FkMapping gone = {"/no/such/libfoo.so.1", NULL, 0, 0x10000, 0x1000, 0, 1, 0};
  fk_symbolizer_lookup(s, &gone, 0x10010, FALSE, f.out);
  fk_symbolizer_lookup(s, &gone, 0x10020, FALSE, f.out);
  g_assert_cmpstr(g_ptr_array_index(f.out, 0), ==, "[unknown]");
  g_assert_cmpstr(g_ptr_array_index(f.out, 1), ==, "[libfoo.so.1]");
  g_assert_cmpstr(g_ptr_array_index(f.out, 2), ==, "[libfoo.so.1]");
  guint n = 0;
  g_assert_true(diag_has(f.diag, "no ELF file found", &n));
  g_assert_cmpuint(n, ==, 1);
  fixture_clear(&f);

  fixture_init(&f);
  f.opts.addrs = TRUE;
  g_autoptr(FkSymbolizer) s2 = fk_symbolizer_new(&f.opts);
  fk_symbolizer_lookup(s2, NULL, 0x1234, FALSE, f.out);
  fk_symbolizer_lookup(s2, &gone, 0x10010, FALSE, f.out);
  g_assert_cmpstr(g_ptr_array_index(f.out, 0), ==, "[unknown <1234>]");
  g_assert_cmpstr(g_ptr_array_index(f.out, 1), ==, "[libfoo.so.1 <10>]");
  fixture_clear(&f);
}

/* Every address of a binary, twice: the cache returns the same interned
 * frames as the first computation. */
static void
test_cache_consistent(void)
{
  Fixture f;
  fixture_init(&f);
  f.opts.srcline = TRUE;
  g_autofree char *bin = corpus_file("tmpl");
  g_autoptr(FkSymbolizer) s = fk_symbolizer_new(&f.opts);
  g_autoptr(GPtrArray) first = g_ptr_array_new();
  guint64 base = nm_addr(bin, "main");
  for (int pass = 0; pass < 2; pass++)
    for (guint64 a = base; a < base + 0x200; a++) {
      lookup(&f, s, bin, bin, FALSE, a);
      if (pass == 0)
        g_ptr_array_extend(first, f.out, NULL, NULL);
      else
        for (guint i = 0; i < f.out->len; i++)
          g_assert_true(g_ptr_array_find(first, g_ptr_array_index(f.out, i), NULL));
    }
  fixture_clear(&f);
}

/* Appends the frames fk_symbolizer_dso_frames gives at OFF in DSO, then
 * those fk_symbolizer_frames gives at the same address of MAP. */
static void
append_frames(GPtrArray *out, FkSymbolizer *s, FkSymDso *dso, const FkMapping *map, guint64 off)
{
  guint n = 0;
  const char *const *fr = fk_symbolizer_dso_frames(s, dso, off, &n);
  g_assert_cmpuint(n, >, 0);
  for (guint i = 0; i < n; i++)
    g_ptr_array_add(out, (gpointer)fr[i]);
  fr = fk_symbolizer_frames(s, map, map->start + off, FALSE, &n);
  for (guint i = 0; i < n; i++)
    g_ptr_array_add(out, (gpointer)fr[i]);
}

/* fk_symbolizer_dso: one dso for mappings of one path and build id (the
 * strings compared, not their pointers), another for another id, none for
 * what is not a file's (kallsyms, anonymous memory, no path); its lookups
 * give what fk_symbolizer_lookup gives, and the dso's note comes once. */
static void
test_dso_lookups(void)
{
  Fixture f;
  fixture_init(&f);
  g_autofree char *bin = corpus_file("tmpl");
  read_build_id(&f, bin);
  g_autoptr(FkSymbolizer) s = fk_symbolizer_new(&f.opts);
  g_autofree char *path2 = g_strdup(bin);
  FkMapping a = {bin, f.id, f.id_len, 0x400000, 1 << 24, 0, 4242, 0};
  FkMapping b = {path2, f.id, f.id_len, 0x500000, 1 << 24, 0, 4243, 0};
  FkSymDso *da = fk_symbolizer_dso(s, &a);
  g_assert_nonnull(da);
  g_assert_true(fk_symbolizer_dso(s, &b) == da);
  guint8 other[20] = {1, 2, 3};
  FkMapping c = {bin, other, sizeof other, 0x400000, 1 << 24, 0, 4242, 0};
  FkSymDso *dc = fk_symbolizer_dso(s, &c);
  g_assert_nonnull(dc);
  g_assert_true(dc != da);
  FkMapping kernel = {"[kernel.kallsyms]_text", NULL, 0, 0xffffffff81000000ull, 1 << 24, 0, -1, 0};
  FkMapping anon = {"//anon", NULL, 0, 0x7f0000000000ull, 0x10000, 0, 4242, 0};
  FkMapping nopath = {NULL, NULL, 0, 0x10000, 0x1000, 0, 4242, 0};
  g_assert_null(fk_symbolizer_dso(s, &kernel));
  g_assert_null(fk_symbolizer_dso(s, &anon));
  g_assert_null(fk_symbolizer_dso(s, &nopath));
  g_assert_null(fk_symbolizer_dso(s, NULL));

  g_autoptr(FkElf) elf = fk_elf_open_file(bin, NULL);
  guint64 off = 0;
  g_assert_true(fk_elf_vaddr_to_offset(elf, nm_addr(bin, "main"), &off));
  g_autoptr(GPtrArray) wa = g_ptr_array_new();
  g_autoptr(GPtrArray) wc = g_ptr_array_new();
  fk_symbolizer_lookup(s, &a, 0x400000 + off, FALSE, wa);
  fk_symbolizer_lookup(s, &c, 0x400000 + off, FALSE, wc);
  g_assert_cmpstr(g_ptr_array_index(wa, 0), ==, "main");
  g_assert_cmpstr(g_ptr_array_index(wc, 0), ==, "[tmpl]");
  g_autoptr(GPtrArray) want = g_ptr_array_new();
  for (int k = 0; k < 4; k++)
    g_ptr_array_extend(want, k < 2 ? wa : wc, NULL, NULL);
  append_frames(f.out, s, da, &a, off);
  append_frames(f.out, s, dc, &c, off);
  g_assert_cmpuint(f.out->len, ==, want->len);
  for (guint i = 0; i < want->len; i++)
    g_assert_true(g_ptr_array_index(f.out, i) == g_ptr_array_index(want, i));
  guint n = 0;
  g_assert_true(diag_has(f.diag, "build id mismatch", &n));
  g_assert_cmpuint(n, ==, 1);
  fixture_clear(&f);
}

/* perf archive's order: PATH/<id>/debug (debug info only) before
 * PATH/<id>/elf: the binary's segments and the debug file's DWARF are both
 * used. The debug file is made here with objcopy --only-keep-debug. */
static void
test_archive_debug_then_elf(void)
{
  Fixture f;
  fixture_init(&f);
  g_autofree char *bin = corpus_file("inl");
  g_autofree char *dbg = g_build_filename(tmpdir, "inl.debug", NULL);
  const char *argv[] = {"objcopy", "--only-keep-debug", bin, dbg, NULL};
  gint status = 1;
  if (!g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, &status,
                    NULL) ||
      status != 0) {
    g_test_skip("objcopy failed");
    fixture_clear(&f);
    return;
  }
  read_build_id(&f, bin);
  g_autofree char *hex = id_hex(&f);
  f.opts.srcline = TRUE;
  g_autoptr(FkSymbolizer) s = fk_symbolizer_new(&f.opts);
  g_autoptr(GBytes) bd = file_bytes(dbg);
  g_autoptr(GBytes) be = file_bytes(bin);
  g_autofree char *md = g_strdup_printf("./opt/inl/%s/debug", hex);
  g_autofree char *me = g_strdup_printf("./opt/inl/%s/elf", hex);
  fk_symbolizer_add_file(s, md, bd);
  fk_symbolizer_add_file(s, me, be);
  guint64 fn = nm_addr(bin, "longest_collatz");
  gboolean saw_inline = FALSE;
  for (guint64 a = fn; a < fn + 0x40; a++) {
    lookup(&f, s, bin, "/opt/inl", TRUE, a);
    g_assert_true(g_regex_match_simple("^longest_collatz inl\\.c:[0-9]+$",
                                       g_ptr_array_index(f.out, 0), 0, 0));
    saw_inline = saw_inline || f.out->len == 2;
  }
  g_assert_true(saw_inline);
  fixture_clear(&f);
}

/* --symfs: every dso path is looked up under it. */
static void
test_symfs(void)
{
  Fixture f;
  fixture_init(&f);
  g_autofree char *bin = corpus_file("inl");
  g_autofree char *root = g_build_filename(tmpdir, "symfs", NULL);
  g_autofree char *dir = g_build_filename(root, "opt", "x", NULL);
  g_assert_cmpint(g_mkdir_with_parents(dir, 0755), ==, 0);
  g_autofree char *dst = g_build_filename(dir, "inl", NULL);
  g_assert_cmpint(symlink(bin, dst), ==, 0);
  f.opts.symfs = root;
  f.opts.inline_frames = FALSE;
  g_autoptr(FkSymbolizer) s = fk_symbolizer_new(&f.opts);
  lookup(&f, s, bin, "/opt/x/inl", FALSE, nm_addr(bin, "longest_collatz") + 1);
  g_assert_cmpstr(g_ptr_array_index(f.out, 0), ==, "longest_collatz");
  fixture_clear(&f);
}

/* [vdso] with no copy anywhere: this process's vdso when the build id
 * matches it (the capture is from this kernel). */
static void
test_own_vdso(void)
{
  const guint8 *base = (const guint8 *)(uintptr_t)getauxval(AT_SYSINFO_EHDR);
  if (base == NULL) {
    g_test_skip("no vdso in this process");
    return;
  }
  const Elf64_Ehdr *eh = (const Elf64_Ehdr *)base;
  g_autoptr(GBytes) img =
      g_bytes_new_static(base, eh->e_shoff + (gsize)eh->e_shnum * eh->e_shentsize);
  g_autoptr(FkElf) elf = fk_elf_open_bytes("vdso", img, NULL);
  g_assert_nonnull(elf);
  Fixture f;
  fixture_init(&f);
  const guint8 *id = fk_elf_build_id(elf, &f.id_len);
  if (id == NULL) {
    g_test_skip("vdso without build id");
    fixture_clear(&f);
    return;
  }
  memcpy(f.id, id, f.id_len);
  /* an address inside the first function symbol of the vdso */
  const FkElfSym *sym = NULL;
  for (guint64 a = 0; a < 0x4000 && sym == NULL; a += 16)
    sym = fk_elf_symbol_at(elf, a);
  g_assert_nonnull(sym);
  guint64 off = 0;
  g_assert_true(fk_elf_vaddr_to_offset(elf, sym->start, &off));
  f.opts.inline_frames = FALSE;
  g_autoptr(FkSymbolizer) s = fk_symbolizer_new(&f.opts);
  FkMapping map = {"[vdso]", f.id, f.id_len, 0x7fff0000, 0x2000, 0, 1, 0};
  fk_symbolizer_lookup(s, &map, 0x7fff0000 + off, FALSE, f.out);
  g_autofree char *want = fk_demangle(sym->name, TRUE, FALSE);
  g_assert_cmpstr(g_ptr_array_index(f.out, 0), ==, want);
  /* a different build id: not this kernel's vdso */
  f.id[0] ^= 0xff;
  g_autoptr(FkSymbolizer) s2 = fk_symbolizer_new(&f.opts);
  fk_symbolizer_lookup(s2, &map, 0x7fff0000 + off, FALSE, f.out);
  g_assert_cmpstr(g_ptr_array_index(f.out, 1), ==, "[[vdso]]");
  fixture_clear(&f);
}

/* A copy of inl-gz (zlib-compressed DWARF) with its SECTION damaged by
 * HOW: 'c' overwrites bytes inside the zlib stream, 't' cuts the stream in
 * half (the section header's size), 'h' gives the compression header a size
 * no stream of that length inflates to. Returns the copy's path. */
/* The section of E named NAME and its header (the test fails without one). */
static Elf_Scn *
section_named(Elf *e, const char *name, GElf_Shdr *sh)
{
  size_t shstrndx;
  g_assert_cmpint(elf_getshdrstrndx(e, &shstrndx), ==, 0);
  for (Elf_Scn *scn = elf_nextscn(e, NULL); scn != NULL; scn = elf_nextscn(e, scn)) {
    g_assert_nonnull(gelf_getshdr(scn, sh));
    const char *n = elf_strptr(e, shstrndx, sh->sh_name);
    if (n != NULL && strcmp(n, name) == 0)
      return scn;
  }
  g_error("no section %s", name);
  return NULL;
}

static char *
damaged_inl_gz(const char *section, char how)
{
  g_autofree char *bin = corpus_file("inl-gz");
  gchar *data = NULL;
  gsize len = 0;
  g_assert_true(g_file_get_contents(bin, &data, &len, NULL));
  g_autoptr(FkElf) elf = fk_elf_open_file(bin, NULL);
  g_assert_nonnull(elf);
  Elf *e = fk_elf_handle(elf);
  GElf_Ehdr eh;
  g_assert_nonnull(gelf_getehdr(e, &eh));
  g_assert_cmpint(eh.e_ident[EI_CLASS], ==, ELFCLASS64);
  GElf_Shdr sh;
  Elf_Scn *scn = section_named(e, section, &sh);
  g_assert_true(sh.sh_flags & SHF_COMPRESSED);
  g_assert_cmpuint(sh.sh_size, >, sizeof(Elf64_Chdr) + 64);
  if (how == 'c') {
    memset(data + sh.sh_offset + sizeof(Elf64_Chdr) + 32, 'X', 16);
  } else if (how == 't') {
    guint64 cut = sizeof(Elf64_Chdr) + (sh.sh_size - sizeof(Elf64_Chdr)) / 2;
    gsize at =
        eh.e_shoff + (gsize)elf_ndxscn(scn) * eh.e_shentsize + G_STRUCT_OFFSET(Elf64_Shdr, sh_size);
    memcpy(data + at, &cut, sizeof cut);
  } else {
    guint64 huge = (guint64)1 << 40;
    memcpy(data + sh.sh_offset + G_STRUCT_OFFSET(Elf64_Chdr, ch_size), &huge, sizeof huge);
  }
  char *path = g_strdup_printf("%s/inl-gz.damaged%s-%c", tmpdir, section, how);
  g_assert_true(g_file_set_contents(path, data, (gssize)len, NULL));
  g_free(data);
  return path;
}

/* A compressed DWARF section that does not inflate (corrupt, truncated, an
 * impossible header) costs that file its DWARF, not the run: every lookup
 * still gets the ELF symbol's name, and one skip says which file and section
 * and why. */
static void
test_inflate_damaged(void)
{
  g_autofree char *good = corpus_file("inl-gz");
  guint64 fn = nm_addr(good, "longest_collatz");
  {
    Fixture f;
    fixture_init(&f);
    f.opts.srcline = TRUE;
    g_autoptr(FkSymbolizer) s = fk_symbolizer_new(&f.opts);
    lookup(&f, s, good, good, FALSE, fn + 4);
    g_assert_true(g_regex_match_simple("^longest_collatz inl\\.c:[0-9]+$",
                                       g_ptr_array_index(f.out, 0), 0, 0));
    g_assert_cmpuint(fk_diag_skipped(f.diag), ==, 0);
    fixture_clear(&f);
  }
  const struct {
    char how;
    const char *why;
  } cases[] = {
      {'c', ".debug_info: the compressed section does not inflate to its "},
      {'t', ".debug_info: the compressed section does not inflate to its "},
      {'h', ".debug_info: its compression header is not one of zlib's or gives a size of "
            "1099511627776 bytes"},
  };
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autofree char *bad = damaged_inl_gz(".debug_info", cases[i].how);
    Fixture f;
    fixture_init(&f);
    f.opts.srcline = TRUE;
    g_autoptr(FkSymbolizer) s = fk_symbolizer_new(&f.opts);
    for (guint64 a = fn; a < fn + 0x40; a++) {
      lookup(&f, s, bad, bad, FALSE, a);
      g_assert_cmpuint(f.out->len, ==, 1);
      g_assert_cmpstr(g_ptr_array_index(f.out, 0), ==, "longest_collatz");
    }
    guint n = 0;
    g_assert_true(diag_has(f.diag, cases[i].why, &n));
    g_assert_cmpuint(n, ==, 1);
    g_assert_true(diag_has(f.diag, "inl-gz.damaged.debug_info-", NULL));
    g_assert_true(diag_has(f.diag, "no inline frames or source lines", NULL));
    g_assert_cmpuint(fk_diag_skipped(f.diag), ==, 1);
    fixture_clear(&f);
  }
}

/* What the decoder's symbolizer of a dwarf capture starts (dwarf_for_others:
 * the file's sections inflating as soon as the unwinder finds it) the
 * symbolizing one takes: the same frames and lines as a symbolizer alone,
 * whichever of the two is freed first; a damaged section is reported
 * once, by the one that reads the DWARF. */
static void
test_inflate_shared(void)
{
  g_autofree char *good = corpus_file("inl-gz");
  g_autofree char *bad = damaged_inl_gz(".debug_info", 'c');
  guint64 fn = nm_addr(good, "longest_collatz");
  const char *files[] = {good, bad};
  for (guint k = 0; k < G_N_ELEMENTS(files); k++) {
    /* alone: what every address gives */
    Fixture f;
    fixture_init(&f);
    f.opts.srcline = TRUE;
    g_autoptr(GPtrArray) want = g_ptr_array_new_with_free_func(g_free);
    {
      g_autoptr(FkSymbolizer) s = fk_symbolizer_new(&f.opts);
      for (guint64 a = fn; a < fn + 0x40; a += 4) {
        lookup(&f, s, files[k], files[k], FALSE, a);
        g_ptr_array_add(f.out, NULL);
        g_ptr_array_add(want, g_strjoinv(";", (char **)f.out->pdata));
      }
    }
    guint skipped_alone = fk_diag_skipped(f.diag);
    g_assert_cmpuint(skipped_alone, ==, k);
    for (guint order = 0; order < 2; order++) {
      Fixture g;
      fixture_init(&g);
      g.opts.srcline = TRUE;
      FkDiag *udiag = fk_diag_new(50);
      FkSymbolizeOptions uo = g.opts;
      uo.srcline = uo.inline_frames = FALSE;
      uo.dwarf_for_others = TRUE;
      uo.diag = udiag;
      FkSymbolizer *u = fk_symbolizer_new(&uo);
      FkSymbolizer *s = fk_symbolizer_new(&g.opts);
      g_autoptr(FkElf) elf = fk_elf_open_file(files[k], NULL);
      guint64 off = 0;
      g_assert_true(fk_elf_vaddr_to_offset(elf, fn, &off));
      FkMapping map = {files[k], NULL, 0, 0x400000, 1 << 24, 0, 4242, 0};
      struct Elf *eh, *debug;
      guint64 bias;
      gconstpointer key;
      g_assert_true(fk_symbolizer_unwind_files(u, &map, 0x400000 + off, &eh, &debug, &bias, &key));
      guint i = 0;
      for (guint64 a = fn; a < fn + 0x40; a += 4, i++) {
        if (order == 1 && a == fn + 8)
          g_clear_pointer(&u, fk_symbolizer_free); /* the starter goes first */
        lookup(&g, s, files[k], files[k], FALSE, a);
        g_ptr_array_add(g.out, NULL);
        g_autofree char *got = g_strjoinv(";", (char **)g.out->pdata);
        g_assert_cmpstr(got, ==, g_ptr_array_index(want, i));
      }
      g_assert_cmpuint(fk_diag_skipped(g.diag), ==, skipped_alone);
      g_assert_cmpuint(fk_diag_skipped(udiag), ==, 0);
      fk_symbolizer_free(s);
      if (u != NULL)
        fk_symbolizer_free(u);
      fk_diag_free(udiag);
      fixture_clear(&g);
    }
    fixture_clear(&f);
  }
}

/* .debug_loclists is libdwarf's alone, and libdwarf is made only for a line
 * table the native decoder declines: a damaged one is never inflated, so
 * it costs nothing, says nothing, and the file keeps its inline frames and
 * source lines (it used to cost the file all its DWARF). */
static void
test_loclists_damaged(void)
{
  g_autofree char *good = corpus_file("inl-gz");
  guint64 fn = nm_addr(good, "longest_collatz");
  g_autofree char *bad = damaged_inl_gz(".debug_loclists", 'c');
  Fixture f;
  fixture_init(&f);
  f.opts.srcline = TRUE;
  g_autoptr(FkSymbolizer) s = fk_symbolizer_new(&f.opts);
  lookup(&f, s, bad, bad, FALSE, fn + 4);
  g_assert_true(
      g_regex_match_simple("^longest_collatz inl\\.c:[0-9]+$", g_ptr_array_index(f.out, 0), 0, 0));
  g_assert_cmpuint(fk_diag_skipped(f.diag), ==, 0);
  g_assert_false(diag_has(f.diag, ".debug_loclists", NULL));
  fixture_clear(&f);
}

/* Line tables are read for --srcline only: without it .debug_line stays
 * compressed (neither the inflation jobs nor the DWARF index inflate it)
 * and lookups give the same names and inline frames, no file:line. */
static gboolean
section_compressed(Elf *elf, const char *want)
{
  GElf_Shdr sh;
  section_named(elf, want, &sh);
  return (sh.sh_flags & SHF_COMPRESSED) != 0;
}

static void
test_lines_only_for_srcline(void)
{
  g_autofree char *bin = corpus_file("inl-gz");
  guint64 fn = nm_addr(bin, "longest_collatz");
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
  for (int lines = 0; lines < 2; lines++) {
    g_autoptr(FkElf) elf = fk_elf_open_file(bin, NULL);
    g_assert_true(section_compressed(fk_elf_handle(elf), ".debug_line"));
    fk_elf_inflate_start(elf, lines);
    fk_elf_inflate_finish(elf);
    g_autoptr(FkDwarf) dw = fk_dwarf_new(fk_elf_handle(elf), lines);
    g_assert_nonnull(dw);
    g_assert_true(section_compressed(fk_elf_handle(elf), ".debug_line") == !lines);
    g_assert_false(section_compressed(fk_elf_handle(elf), ".debug_info"));
    g_autoptr(GArray) frames = g_array_new(FALSE, FALSE, sizeof(FkDwFrame));
    GString *all = g_string_new(NULL);
    for (guint64 a = fn; a < fn + 0x40; a += 4) {
      g_assert_true(fk_dwarf_lookup(dw, a, frames));
      for (guint i = 0; i < frames->len; i++) {
        const FkDwFrame *f = &g_array_index(frames, FkDwFrame, i);
        g_assert_true((f->file != NULL) == lines);
        g_string_append_printf(all, "%s;", f->name);
      }
      g_string_append_c(all, '\n');
    }
    g_ptr_array_add(names, g_string_free(all, FALSE));
  }
  g_assert_cmpstr(g_ptr_array_index(names, 0), ==, g_ptr_array_index(names, 1));
}

/* PLT stubs against objdump's own synthesized `NAME@plt` labels (an
 * independent oracle), on the corpus' C and C++ programs, on libc (whose
 * ifunc slots objdump calls `*ABS*+0xADDR@plt`: flamekit names them by the
 * ifunc symbol at ADDR), and on python3.11d when installed: every stub
 * named, at its first and last byte, the header entry of the lazy .plt not;
 * and through the symbolizer, a sample on a stub is `NAME@plt`, not the
 * unsized `_init` before the PLT. */
static void
test_plt(void)
{
  g_autofree char *tmpl = corpus_file("tmpl");
  g_autofree char *inl = corpus_file("inl");
  const char *files[] = {tmpl, inl, "/lib/x86_64-linux-gnu/libc.so.6", "/usr/bin/python3.11d"};
  guint checked = 0;
  for (guint k = 0; k < G_N_ELEMENTS(files); k++) {
    if (!g_file_test(files[k], G_FILE_TEST_EXISTS))
      continue;
    g_autofree char *out = NULL;
    const char *argv[] = {"objdump",  "-d", "-j",       ".plt",   "-j",
                          ".plt.sec", "-j", ".plt.got", files[k], NULL};
    gint status = 0;
    g_assert_true(g_spawn_sync(NULL, (char **)argv, NULL,
                               G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out,
                               NULL, &status, NULL));
    g_autoptr(FkElf) elf = fk_elf_open_file(files[k], NULL);
    g_assert_nonnull(elf);
    g_autoptr(GRegex) re = g_regex_new("^([0-9a-f]+) <(.*)>:$", G_REGEX_MULTILINE, 0, NULL);
    g_autoptr(GMatchInfo) mi = NULL;
    guint stubs = 0;
    for (g_regex_match(re, out, 0, &mi); g_match_info_matches(mi); g_match_info_next(mi, NULL)) {
      g_autofree char *hex = g_match_info_fetch(mi, 1);
      g_autofree char *label = g_match_info_fetch(mi, 2);
      guint64 a = g_ascii_strtoull(hex, NULL, 16);
      const FkElfSym *sym = fk_elf_plt_at(elf, a);
      if (strstr(label, "@plt-0x") != NULL) { /* the header entry */
        g_assert_null(sym);
        continue;
      }
      g_assert_true(g_str_has_suffix(label, "@plt"));
      g_assert_nonnull(sym);
      g_assert_cmphex(sym->start, ==, a);
      if (g_str_has_prefix(label, "*ABS*+0x")) {
        /* an ifunc slot: named by an ifunc symbol at the resolver's address */
        guint64 resolver = g_ascii_strtoull(label + 8, NULL, 16);
        const FkElfSym *at = fk_elf_symbol_at(elf, resolver);
        g_assert_nonnull(at);
        g_assert_cmphex(at->start, ==, resolver);
        g_assert_true(g_str_has_suffix(sym->name, "@plt"));
        g_assert_false(g_str_has_prefix(sym->name, "*ABS*"));
      } else {
        g_assert_cmpstr(sym->name, ==, label);
      }
      g_autofree char *name = g_strdup(sym->name);
      guint64 end = sym->end;
      const FkElfSym *last = fk_elf_plt_at(elf, end - 1);
      g_assert_nonnull(last);
      g_assert_cmpstr(last->name, ==, name);
      stubs++;
    }
    g_assert_cmpuint(stubs, >, 0);
    checked++;
    if (k > 1)
      continue;
    /* through the symbolizer: the first stub, as a sample address */
    g_match_info_free(g_steal_pointer(&mi));
    g_regex_match(re, out, 0, &mi);
    while (g_match_info_matches(mi)) {
      g_autofree char *label = g_match_info_fetch(mi, 2);
      if (strstr(label, "@plt-0x") == NULL)
        break;
      g_match_info_next(mi, NULL);
    }
    g_autofree char *hex = g_match_info_fetch(mi, 1);
    g_autofree char *label = g_match_info_fetch(mi, 2);
    g_autofree char *want = fk_demangle(label, TRUE, FALSE);
    Fixture f;
    fixture_init(&f);
    g_autoptr(FkSymbolizer) s = fk_symbolizer_new(&f.opts);
    lookup(&f, s, files[k], files[k], FALSE, g_ascii_strtoull(hex, NULL, 16) + 6);
    g_assert_cmpuint(f.out->len, ==, 1);
    g_assert_cmpstr(g_ptr_array_index(f.out, 0), ==, want);
    fixture_clear(&f);
  }
  g_assert_cmpuint(checked, >=, 2);
}

int
main(int argc, char **argv)
{
  g_autofree char *top = g_path_get_dirname(__FILE__);
  g_autofree char *here = g_canonicalize_filename(top, NULL);
  corpus = g_build_filename(here, "..", "..", "corpora", "symbolize", NULL);
  tmpdir = g_dir_make_tmp("fk-symbolize-XXXXXX", NULL);
  /* ~/.debug of the tests is the scratch dir's (before GLib reads $HOME) */
  g_setenv("HOME", tmpdir, TRUE);
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/symbolize/demangle", test_demangle);
  g_test_add_func("/symbolize/path-inline-srcline", test_path_inline_srcline);
  g_test_add_func("/symbolize/demangled-names", test_demangled_names);
  g_test_add_func("/symbolize/debug-dir-build-id", test_debug_dir_build_id);
  g_test_add_func("/symbolize/home-debug-cache", test_home_debug_cache);
  g_test_add_func("/symbolize/mismatch", test_mismatch);
  g_test_add_func("/symbolize/added-files", test_added_files);
  g_test_add_func("/symbolize/kallsyms-file", test_kallsyms_file);
  g_test_add_func("/symbolize/kallsyms-odd", test_kallsyms_odd);
  g_test_add_func("/symbolize/jit-map", test_jit_map);
  g_test_add_func("/symbolize/unresolved", test_unresolved);
  g_test_add_func("/symbolize/cache-consistent", test_cache_consistent);
  g_test_add_func("/symbolize/dso-lookups", test_dso_lookups);
  g_test_add_func("/symbolize/symfs", test_symfs);
  g_test_add_func("/symbolize/archive-debug-then-elf", test_archive_debug_then_elf);
  g_test_add_func("/symbolize/own-vdso", test_own_vdso);
  g_test_add_func("/symbolize/inflate-damaged", test_inflate_damaged);
  g_test_add_func("/symbolize/inflate-shared", test_inflate_shared);
  g_test_add_func("/symbolize/loclists-damaged", test_loclists_damaged);
  g_test_add_func("/symbolize/plt", test_plt);
  g_test_add_func("/symbolize/lines-only-for-srcline", test_lines_only_for_srcline);
  int rc = g_test_run();
  const char *rm[] = {"rm", "-rf", tmpdir, NULL};
  g_spawn_sync(NULL, (char **)rm, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
  return rc;
}
