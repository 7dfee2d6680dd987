/* regs.c -- the per-architecture register table: which bit of perf's
 * sample_regs_user holds each DWARF register.
 *
 * perf's numbering is arch/ARCH/include/uapi/asm/perf_regs.h; DWARF's is the
 * psABI's. x86-64: perf AX BX CX DX SI DI BP SP IP FLAGS CS SS DS ES FS GS
 * R8..R15 are bits 0..23; DWARF rax rdx rcx rbx rsi rdi rbp rsp r8..r15 are
 * 0..15 and the return address column 16 is the rip. aarch64: perf X0..X30,
 * SP, PC are bits 0..32 and DWARF x0..x30, sp are 0..31 (the return address
 * column is x30, the link register); the pc has no DWARF number and is kept
 * in slot 32. The aarch64 row is the table entry a walk needs; the walk has
 * only been checked on x86-64 captures, so the row is not walkable yet. */
#include "unwind-int.h"

#include "../bits.h"

#include <string.h>

static const FkUnwindArch arches[] = {
    {
        .name = "x86_64",
        .walkable = TRUE,
        .n_regs = 17,
        .sp = 7,
        .fp = 6,
        .ra = 16,
        .pc = 16,
        /* rax rdx rcx rbx rsi rdi rbp rsp r8 .. r15 rip */
        .perf_bit = {0, 3, 2, 1, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23, 8},
    },
    {
        .name = "aarch64",
        .walkable = FALSE,
        .n_regs = 33,
        .sp = 31,
        .fp = 29,
        .ra = 30,
        .pc = 32,
        .perf_bit = {0,  1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12, 13, 14, 15, 16,
                     17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32},
    },
};

const FkUnwindArch *
fk_unwind_arch_lookup(const char *name)
{
  if (name == NULL)
    return NULL;
  for (gsize i = 0; i < G_N_ELEMENTS(arches); i++)
    if (strcmp(arches[i].name, name) == 0)
      return &arches[i];
  if (strcmp(name, "arm64") == 0)
    return &arches[1];
  return NULL;
}

gboolean
fk_unwind_arch_walkable(const FkUnwindArch *arch)
{
  return arch != NULL && arch->walkable;
}

const char *
fk_unwind_arch_name(const FkUnwindArch *arch)
{
  return arch != NULL ? arch->name : "unknown";
}

void
fk_unwind_regs_plan(const FkUnwindInput *in, FkUnwindRegsPlan *plan)
{
  const FkUnwindArch *a = in->arch;
  memset(plan, 0, sizeof *plan);
  plan->arch = a;
  plan->regs_mask = in->regs_mask;
  plan->n_regs = in->n_regs;
  if (a == NULL)
    return;
  /* the value of perf bit B is at the index of B among the set bits */
  for (guint r = 0; r < a->n_regs; r++) {
    gint b = a->perf_bit[r];
    if (b < 0 || b > 63 || !(in->regs_mask & (G_GUINT64_CONSTANT(1) << b)))
      continue;
    guint idx = fk_popcount64(in->regs_mask & ((G_GUINT64_CONSTANT(1) << b) - 1));
    if (idx >= in->n_regs)
      continue;
    plan->reg[plan->n] = (guint8)r;
    plan->idx[plan->n] = (guint8)idx;
    plan->n++;
    plan->valid |= G_GUINT64_CONSTANT(1) << r;
  }
}
