/* fuzz-unwind.c -- libFuzzer target for the DWARF unwinder: registers and
 * stack bytes walked against the CFI of a small real ELF file
 * (corpora/perf-dwarf/nofp, built without frame pointers; $FK_FUZZ_UNWIND_ELF
 * overrides it).
 *
 * Input: u64 load base, u8 flags (1: the stack copy was full, 2: frame
 * pointers only), the 20 x86-64 registers of perf's sample_regs_user
 * 0xff0fff in perf's order, then the stack bytes from sp up. The ELF is
 * mapped at [base, base + 64 KiB); a pc whose top nibble is f is JIT code, e
 * a mapping without an ELF file, anything else outside is unmapped. The seeds
 * (tests/fuzz/corpus/unwind/) are real samples of
 * corpora/perf-dwarf/nofp.16k.data, cut by tests/fuzz/unwind-seeds.py. */
#include <string.h>

#include "../../formats/symbols/elf.h"
#include "../../formats/unwind/unwind.h"

int LLVMFuzzerTestOneInput(const guint8 *data, gsize size);

#define FUZZ_N_REGS 20
#define FUZZ_SPAN 0x10000

typedef struct {
  guint64 base;
  FkElf *elf;
} FuzzCtx;

static FkUnwindModuleKind
find(gpointer ctx, guint64 pc, FkUnwindModule *out)
{
  FuzzCtx *c = ctx;
  if (c->elf != NULL && pc >= c->base && pc - c->base < FUZZ_SPAN) {
    out->key = c->elf;
    out->eh_elf = fk_elf_handle(c->elf);
    out->debug_elf = fk_elf_handle(c->elf);
    out->bias = c->base;
    out->start = c->base;
    out->end = c->base + FUZZ_SPAN;
    return FK_UNWIND_MODULE_ELF;
  }
  if (pc >> 60 == 0xf)
    return FK_UNWIND_MODULE_JIT;
  if (pc >> 60 == 0xe)
    return FK_UNWIND_MODULE_NO_ELF;
  return FK_UNWIND_MODULE_NONE;
}

int
LLVMFuzzerTestOneInput(const guint8 *data, gsize size)
{
  static FkElf *elf;
  static gboolean tried;
  if (!tried) {
    tried = TRUE;
    const char *path = g_getenv("FK_FUZZ_UNWIND_ELF");
    elf = fk_elf_open_file(path ? path : "corpora/perf-dwarf/nofp", NULL);
  }
  if (size < 9 + 8 * FUZZ_N_REGS)
    return 0;
  FuzzCtx ctx = {0, elf};
  memcpy(&ctx.base, data, 8);
  guint8 flags = data[8];
  guint64 regs[FUZZ_N_REGS];
  memcpy(regs, data + 9, sizeof regs);
  gsize off = 9 + sizeof regs;
  /* the stack in a buffer of its own, so that ASan sees any read past it */
  g_autofree guint8 *stack = g_memdup2(data + off, size - off);
  FkUnwindInput in = {
      .arch = fk_unwind_arch_lookup("x86_64"),
      .regs_mask = 0xff0fff,
      .regs = regs,
      .n_regs = FUZZ_N_REGS,
      .stack = stack,
      .stack_len = size - off,
      .full = flags & 1,
      .fp_only = (flags & 2) != 0,
  };
  g_autoptr(FkUnwinder) u = fk_unwinder_new(find, &ctx);
  g_autoptr(GArray) frames = g_array_new(FALSE, FALSE, sizeof(FkUnwindFrame));
  FkUnwindOutcome o = fk_unwind(u, &in, frames, 256);
  g_assert_cmpuint(o, <, FK_UNWIND_N_OUTCOMES);
  g_assert_cmpuint(frames->len, <=, 256);
  if (g_getenv("FK_FUZZ_UNWIND_VERBOSE") != NULL)
    g_printerr("%u frames, %s\n", frames->len, fk_unwind_outcome_name(o));
  return 0;
}
