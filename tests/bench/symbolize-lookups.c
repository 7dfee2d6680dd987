/* symbolize-lookups.c -- resolve ELF virtual addresses the way addr2line
 * takes them, through the real symbolizer; for the comparison tests and the
 * micro benchmark.
 *
 *   symbolize-lookups [OPTION...] BIN [ADDR...]   (no ADDR: hex addresses on stdin)
 *
 * Prints, per address, a 0x%016x line and its frames innermost first as
 * addr2line -a -f -i -s does: a name line, then a FILE:LINE line ("??:0" when unknown). With
 * --bench N it prints nothing but the lookups per second over N passes of
 * fresh symbolizers (each includes opening and indexing), then the rate of
 * cached lookups of the same addresses. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "../../formats/symbols/elf.h"
#include "../../formats/symbols/symbolize.h"

static double
cpu_seconds(void)
{
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return (double)ru.ru_utime.tv_sec + (double)ru.ru_stime.tv_sec +
         ((double)ru.ru_utime.tv_usec + (double)ru.ru_stime.tv_usec) / 1e6;
}

static void
print_frame(const char *f)
{
  /* "name base:line": the srcline suffix is the part after the last space
   * when it holds a colon followed by digits */
  const char *sp = strrchr(f, ' ');
  const char *colon = sp != NULL ? strrchr(sp, ':') : NULL;
  if (colon != NULL && colon[1] >= '0' && colon[1] <= '9')
    printf("%.*s\n%s\n", (int)(sp - f), f, sp + 1);
  else
    printf("%s\n??:0\n", f);
}

int
main(int argc, char **argv)
{
  gboolean no_inline = FALSE, no_params = FALSE, addrs = FALSE, offsets = FALSE;
  gint bench = 0;
  char *symfs = NULL;
  char **debug_dirs = NULL;
  GOptionEntry entries[] = {
      {"no-inline", 0, 0, G_OPTION_ARG_NONE, &no_inline, "no inline frames", NULL},
      {"no-params", 0, 0, G_OPTION_ARG_NONE, &no_params, "perf-style names without parameter lists",
       NULL},
      {"addrs", 0, 0, G_OPTION_ARG_NONE, &addrs, "unresolved frames as addresses", NULL},
      {"offsets", 0, 0, G_OPTION_ARG_NONE, &offsets,
       "ADDRs are file offsets (as perf script prints them)", NULL},
      {"bench", 0, 0, G_OPTION_ARG_INT, &bench, "time N passes", "N"},
      {"symfs", 0, 0, G_OPTION_ARG_FILENAME, &symfs, "symfs", "DIR"},
      {"debug-dir", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &debug_dirs, "debug dir", "DIR"},
      {NULL, 0, 0, 0, NULL, NULL, NULL}};
  g_autoptr(GOptionContext) ctx = g_option_context_new("BIN [ADDR...]");
  g_option_context_add_main_entries(ctx, entries, NULL);
  g_autoptr(GError) err = NULL;
  if (!g_option_context_parse(ctx, &argc, &argv, &err) || argc < 2) {
    fprintf(stderr, "symbolize-lookups: %s\n",
            err ? err->message : "usage: symbolize-lookups BIN [ADDR...]");
    return 2;
  }
  const char *bin = argv[1];
  g_autoptr(FkElf) elf = fk_elf_open_file(bin, &err);
  if (elf == NULL) {
    fprintf(stderr, "symbolize-lookups: %s\n", err->message);
    return 1;
  }
  g_autoptr(GArray) addrs_v = g_array_new(FALSE, FALSE, sizeof(guint64));
  if (argc > 2) {
    for (int i = 2; i < argc; i++) {
      guint64 a = g_ascii_strtoull(argv[i], NULL, 16);
      g_array_append_val(addrs_v, a);
    }
  } else {
    char line[256];
    while (fgets(line, sizeof line, stdin) != NULL) {
      guint64 a = g_ascii_strtoull(line, NULL, 16);
      g_array_append_val(addrs_v, a);
    }
  }
  gsize idlen;
  const guint8 *id = fk_elf_build_id(elf, &idlen);
  FkMapping map = {bin, id, idlen, 0, G_MAXUINT64 / 2, 0, 1, 0};
  g_autoptr(FkInterner) strings = fk_interner_new();
  g_autoptr(FkDiag) diag = fk_diag_new(20);
  FkSymbolizeOptions opts;
  fk_symbolize_options_init(&opts);
  opts.strings = strings;
  opts.diag = diag;
  opts.inline_frames = !no_inline;
  opts.srcline = TRUE;
  opts.demangle_params = !no_params;
  opts.addrs = addrs;
  opts.symfs = symfs;
  opts.debug_dirs = debug_dirs;
  g_autoptr(GPtrArray) out = g_ptr_array_new();
  if (bench > 0) {
    opts.srcline = TRUE;
    gint64 t0 = g_get_monotonic_time();
    double c0 = cpu_seconds();
    guint64 n = 0;
    for (int pass = 0; pass < bench; pass++) {
      g_autoptr(FkSymbolizer) s = fk_symbolizer_new(&opts);
      for (guint i = 0; i < addrs_v->len; i++) {
        guint64 off;
        guint64 a = g_array_index(addrs_v, guint64, i);
        if (offsets)
          off = a;
        else if (!fk_elf_vaddr_to_offset(elf, a, &off))
          continue;
        g_ptr_array_set_size(out, 0);
        fk_symbolizer_lookup(s, &map, off, FALSE, out);
        n++;
      }
    }
    double secs = (double)(g_get_monotonic_time() - t0) / 1e6;
    double cpu = cpu_seconds() - c0;
    printf("cold: %" G_GUINT64_FORMAT " lookups in %.3f s (%.3f s CPU): %.0f lookups/CPU-s\n", n,
           secs, cpu, (double)n / MAX(cpu, 1e-6));
    /* warm: the same addresses again through one symbolizer, as the
     * repeated addresses of a long capture are */
    g_autoptr(FkSymbolizer) s = fk_symbolizer_new(&opts);
    for (int pass = 0; pass < 11; pass++) {
      if (pass == 1) {
        c0 = cpu_seconds();
        n = 0;
      }
      for (guint i = 0; i < addrs_v->len; i++) {
        guint64 off, a = g_array_index(addrs_v, guint64, i);
        if (offsets)
          off = a;
        else if (!fk_elf_vaddr_to_offset(elf, a, &off))
          continue;
        g_ptr_array_set_size(out, 0);
        fk_symbolizer_lookup(s, &map, off, FALSE, out);
        n++;
      }
    }
    cpu = cpu_seconds() - c0;
    printf("warm: %" G_GUINT64_FORMAT " cached lookups in %.3f s CPU: %.0f lookups/CPU-s\n", n, cpu,
           (double)n / MAX(cpu, 1e-6));
    return 0;
  }
  g_autoptr(FkSymbolizer) s = fk_symbolizer_new(&opts);
  for (guint i = 0; i < addrs_v->len; i++) {
    guint64 a = g_array_index(addrs_v, guint64, i), off;
    g_ptr_array_set_size(out, 0);
    printf("0x%016" G_GINT64_MODIFIER "x\n", a);
    if (offsets)
      off = a;
    else if (!fk_elf_vaddr_to_offset(elf, a, &off)) {
      printf("??\n??:0\n");
      continue;
    }
    fk_symbolizer_lookup(s, &map, off, FALSE, out);
    for (guint k = out->len; k > 0; k--)
      print_frame(g_ptr_array_index(out, k - 1));
  }
  GPtrArray *msgs = fk_diag_messages(diag);
  for (guint i = 0; i < msgs->len; i++)
    fprintf(stderr, "symbolize-lookups: %s\n", (char *)g_ptr_array_index(msgs, i));
  return 0;
}
