/* unwind-int.h -- what the unwinder's files share: the register table row
 * (regs.c) and the compiled CFI rules (cfi.c). Not for callers
 * outside formats/unwind/. */
#pragma once

#include "unwind.h"

/* DWARF register numbers the walk tracks: x86-64 uses 0..16 (16 is the return
 * address column, the rip), aarch64 0..31 and a pseudo pc slot 32. */
#define FK_UNWIND_MAX_REGS 33

struct FkUnwindArch {
  const char *name;                   /* perf's HEADER_ARCH: uname -m */
  gboolean walkable;                  /* the walk is implemented and tested for it */
  guint n_regs;                       /* DWARF registers 0..n_regs-1 are tracked */
  guint sp, fp, ra, pc;               /* DWARF numbers: stack pointer, frame pointer, return
                                       * address column, and the slot the pc is kept in */
  gint8 perf_bit[FK_UNWIND_MAX_REGS]; /* perf_regs.h bit of each DWARF register,
                                         -1: none */
};

/* For tests: TRUE makes every step take the general path, so that the
 * simple step (FkCfiRule.simple) can be checked against it. */
extern gboolean fk_unwind_general_only;

/* For tests: the 64-byte lines of stack copies the walks so far asked for
 * ahead (prefetched), over all of SELF's walks. */
guint64 fk_unwinder_prefetched(const FkUnwinder *self);

/* Where each DWARF register's value is in a sample's perf registers, for one
 * (arch, regs_mask, n_regs): the same for every sample of a capture, so the
 * walk computes it once and copies N values per sample. */
typedef struct {
  const FkUnwindArch *arch; /* NULL: not computed */
  guint64 regs_mask;
  guint n_regs;
  guint n;
  guint8 reg[FK_UNWIND_MAX_REGS], idx[FK_UNWIND_MAX_REGS];
  guint64 valid;
} FkUnwindRegsPlan;

/* Makes PLAN for IN's arch, mask and count. */
void fk_unwind_regs_plan(const FkUnwindInput *in, FkUnwindRegsPlan *plan);

/* One operation of a DWARF expression, as libdw decodes it. */
typedef struct {
  guint8 atom;
  guint64 number, number2;
} FkCfiOp;

typedef enum {
  FK_RULE_SAME,     /* unchanged from the callee (also: no rule) */
  FK_RULE_UNDEF,    /* cannot be recovered; for the return address: the root */
  FK_RULE_AT_CFA,   /* saved at CFA + off */
  FK_RULE_VAL_CFA,  /* the value CFA + off */
  FK_RULE_REG,      /* the value of register reg (+ off) */
  FK_RULE_EXPR,     /* saved at the address the expression yields */
  FK_RULE_VAL_EXPR, /* the value the expression yields */
} FkRuleKind;

typedef struct {
  guint8 kind;
  guint8 reg;
  guint16 n_ops;
  gint64 off;
  const FkCfiOp *ops; /* EXPR, VAL_EXPR; owned by the FkCfi */
} FkRegRule;

/* At most this many changed registers in a simple rule (x86-64 functions
 * save at most the six callee-saved ones). */
#define FK_CFI_STEP_REGS 8

enum {
  FK_CFI_STEP_SIMPLE = 1, /* the rule is simple: the step is its */
  FK_CFI_STEP_SIGNAL = 2, /* the rule's signal */
};

/* A simple rule's step (FkCfiRule.simple), all that the walk's fast path
 * reads, in 88 bytes: the rule itself spreads it over a dozen cache lines
 * (its regs[] alone are 800 bytes), and a walk steps through a dozen rules
 * per sample. The unwinder copies it into its per-pc cache (unwind.c),
 * where the first 40 bytes share the entry's first line with its key. */
typedef struct {
  gint64 cfa_off; /* CFA = cfa_reg + cfa_off */
  gint64 lo, hi;  /* the AT_CFA offsets' range, the return address's included */
  guint64 gone;   /* undefined after the step: the UNDEF ones and the ra column */
  guint32 ra_at;  /* the return address is at CFA + lo + ra_at */
  guint8 cfa_reg;
  guint8 n_changed;     /* the rule's changed registers, in reg[] */
  guint8 at_mask;       /* bit k: reg[k] is saved at CFA + lo + off[k] (AT_CFA), else
                         * it is CFA + off[k] (VAL_CFA) */
  guint8 flags;         /* FK_CFI_STEP_* */
  guint64 changed_mask; /* a bit per reg[] */
  guint8 reg[FK_CFI_STEP_REGS];
  gint32 off[FK_CFI_STEP_REGS];
} FkCfiStep;

/* The compiled rule at one pc: how to get the CFA (a REG or VAL_EXPR rule)
 * and every tracked register of the caller. */
typedef struct {
  FkRegRule cfa;
  FkRegRule regs[FK_UNWIND_MAX_REGS];
  guint8 ra;            /* the return address column */
  gboolean signal;      /* 'S' augmentation: the caller's pc is exact */
  gboolean unsupported; /* an expression with an operation libdw could not give */
  /* What a step has to do, filled by compile() from regs[] and never set
   * apart from it: the registers below n_regs, other than ra, whose rule
   * is neither SAME nor UNDEF, ascending (the few a function saves), and a
   * bit per UNDEF one (the call-clobbered registers of the psABI). The
   * others keep the callee's value, valid or not. */
  guint8 n_changed;
  guint8 changed[FK_UNWIND_MAX_REGS];
  guint64 undef_mask;
  /* The common rule, stepped without the general path: CFA = register +
   * offset, the return address and every changed register AT_CFA or
   * VAL_CFA (no register read, so they may be written in place), the
   * AT_CFA offsets (return address included) within lo..hi, so one bounds
   * check covers every read; and, so that the step fits in step: lo and hi
   * within +-1 GiB (each offset's distance from lo fits 31 bits), at most
   * FK_CFI_STEP_REGS changed registers, VAL_CFA offsets of 32 bits. */
  gboolean simple;
  guint64 changed_mask; /* a bit per changed[] register */
  gint64 lo, hi;
  FkCfiStep step; /* of a simple rule, else 0 */
} FkCfiRule;

typedef struct FkCfi FkCfi;

/* libdw could be loaded (once per process). Without it no CFI is read and
 * walks follow frame pointers only. */
gboolean fk_cfi_available(void);

/* CFI of one ELF pair: .eh_frame (with .eh_frame_hdr) of EH_ELF, then
 * .debug_frame of DEBUG_ELF. Either may be NULL. Parsed lazily by libdw. */
FkCfi *fk_cfi_new(Elf *eh_elf, Elf *debug_elf, guint n_regs);
void fk_cfi_free(FkCfi *self);

/* The rule at VADDR (an ELF virtual address), compiled once and cached; NULL
 * when no FDE covers it. */
const FkCfiRule *fk_cfi_rule(FkCfi *self, guint64 vaddr);

/* Distinct pcs compiled and lookups answered. */
void fk_cfi_counts(const FkCfi *self, guint64 *rules, guint64 *lookups);
