/* fuzz-symbolize-elf.c -- libFuzzer target for the symbolizer's ELF and
 * DWARF readers: the input is an ELF file (seeds: the test programs of
 * corpora/symbolize), added as a perf archive member under its own build
 * id and looked up at addresses spread over the first 64 KiB of a mapping,
 * with inline frames and srclines, then with neither; also read as
 * kallsyms text, and through the ELF (symbols, PLT stubs) and DWARF readers
 * directly. */
#include <string.h>

#include "../../formats/symbols/dwarf.h"
#include "../../formats/symbols/elf.h"
#include "../../formats/symbols/symbolize.h"

int LLVMFuzzerTestOneInput(const guint8 *data, gsize size);

int
LLVMFuzzerTestOneInput(const guint8 *data, gsize size)
{
  g_autoptr(FkInterner) strings = fk_interner_new();
  g_autoptr(FkDiag) diag = fk_diag_new(3);
  g_autoptr(GBytes) bytes = g_bytes_new(data, size);

  /* the input's own build id, so that the mapping asks for exactly it */
  guint8 id[64] = {0xf0, 0x22, 0x5e, 0xed};
  gsize id_len = 20;
  {
    g_autoptr(FkElf) elf = fk_elf_open_bytes("fuzz", bytes, NULL);
    if (elf != NULL) {
      gsize n;
      const guint8 *b = fk_elf_build_id(elf, &n);
      if (b != NULL && n >= 2) {
        memcpy(id, b, n);
        id_len = n;
      }
      /* the readers directly, whatever the build id */
      (void)fk_elf_symbol_count(elf);
      for (guint64 a = 0; a < 1 << 16; a += 7)
        (void)fk_elf_plt_at(elf, a);
      g_autoptr(FkDwarf) dw = fk_dwarf_new(fk_elf_handle(elf), TRUE);
      g_autoptr(GArray) frames = g_array_new(FALSE, FALSE, sizeof(FkDwFrame));
      for (guint64 a = 0; dw != NULL && a < 1 << 16; a += 61)
        (void)fk_dwarf_lookup(dw, a, frames);
    }
  }
  g_autofree char *hex = fk_build_id_hex(id, id_len);
  g_autofree char *member = g_strdup_printf(".build-id/%.2s/%s", hex, hex + 2);
  for (int mode = 0; mode < 2; mode++) {
    FkSymbolizeOptions opts;
    fk_symbolize_options_init(&opts);
    opts.strings = strings;
    opts.diag = diag;
    opts.srcline = mode == 0;
    opts.inline_frames = mode == 0;
    opts.addrs = mode == 1;
    g_autoptr(FkSymbolizer) s = fk_symbolizer_new(&opts);
    fk_symbolizer_add_file(s, member, bytes);
    fk_symbolizer_add_file(s, "[kernel.kallsyms]/fuzz/kallsyms", bytes);
    FkMapping map = {"/fuzz/elf", id, id_len, 0x10000, 1 << 22, 0, 1, 0};
    g_autoptr(GPtrArray) out = g_ptr_array_new();
    for (guint64 off = 0; off < 1 << 16; off += 97) {
      fk_symbolizer_lookup(s, &map, map.start + off, FALSE, out);
      fk_symbolizer_lookup(s, NULL, 0xffffffff81000000ull + off * 16, TRUE, out);
      g_ptr_array_set_size(out, 0);
    }
  }
  return 0;
}
