/* unwind.h -- DWARF CFI stack unwinding of `perf record --call-graph dwarf`
 * samples: the user registers and a copy of the user stack
 * (PERF_SAMPLE_REGS_USER, PERF_SAMPLE_STACK_USER) walked frame by frame with
 * the call frame information of the mapped ELF files.
 *
 * The unwinder knows nothing of perf.data or of how ELF files are found: its
 * caller says, per program counter, which ELF pair holds the CFI and at what
 * load bias (FkUnwindFindModule). CFI is parsed once per ELF pair (libdw,
 * cfi.c) and the compiled rule cached per PC; the register numbering
 * of each architecture is a table (regs.c). docs/symbolize.md
 * documents the walk and where it stops. */
#pragma once

#include <glib.h>
#include <libelf.h>

/* How a walk ended. ROOT: the outermost frame (its return address is
 * undefined in the CFI, as _start and clone3 say, or zero). TRUNCATED: the
 * walk needed stack bytes beyond a full copy, so the copy size cut a deeper
 * stack. The others stop early. */
typedef enum {
  FK_UNWIND_ROOT,
  FK_UNWIND_TRUNCATED,
  FK_UNWIND_STOP_NO_MAP, /* a pc outside every mapping, and no frame pointer led
                            on */
  FK_UNWIND_STOP_JIT,    /* a pc in JIT code (perf-PID.map): no CFI to trust */
  FK_UNWIND_STOP_NO_CFI, /* no CFI (or no ELF file) and no frame pointer led on
                          */
  FK_UNWIND_STOP_CFA,    /* the CFA did not grow: a loop or a corrupt stack */
  FK_UNWIND_STOP_STACK,  /* a read outside the copied stack, not at its end */
  FK_UNWIND_STOP_RULE,   /* a CFI rule that cannot be evaluated here */
  FK_UNWIND_STOP_DEPTH,  /* more frames than the caller allows */
  FK_UNWIND_STOP_REGS,   /* the sample's registers lack the pc or sp, or the arch
                            is unknown */
  FK_UNWIND_N_OUTCOMES
} FkUnwindOutcome;

/* "root", "truncated", "no-map", ...: for messages and `info` keys. */
const char *fk_unwind_outcome_name(FkUnwindOutcome outcome);
/* A phrase for messages: "a pc outside every mapping", ... */
const char *fk_unwind_outcome_text(FkUnwindOutcome outcome);

/* The register layout of an architecture: perf's sample_regs_user bit of each
 * DWARF register. */
typedef struct FkUnwindArch FkUnwindArch;

/* The table row for perf's arch name ("x86_64", "aarch64"), or NULL. Only
 * rows marked walkable are unwound; aarch64's is documented, not walked yet. */
const FkUnwindArch *fk_unwind_arch_lookup(const char *name);
gboolean fk_unwind_arch_walkable(const FkUnwindArch *arch);
const char *fk_unwind_arch_name(const FkUnwindArch *arch);

/* What the caller knows of the code at one pc. */
typedef enum {
  FK_UNWIND_MODULE_ELF,    /* ELF files below */
  FK_UNWIND_MODULE_NONE,   /* no mapping holds the pc */
  FK_UNWIND_MODULE_JIT,    /* anonymous or perf-PID.map code */
  FK_UNWIND_MODULE_NO_ELF, /* mapped, but no ELF file was found for it */
} FkUnwindModuleKind;

typedef struct {
  gconstpointer key;  /* the same for the same ELF pair: its CFI is parsed once */
  Elf *eh_elf;        /* the file with .eh_frame_hdr/.eh_frame (the binary), or NULL */
  Elf *debug_elf;     /* the file with .debug_frame (may be a separate debug file),
                         or NULL */
  guint64 bias;       /* runtime address minus ELF virtual address */
  guint64 start, end; /* runtime range this answer holds for (0, 0: this pc only) */
} FkUnwindModule;

typedef FkUnwindModuleKind (*FkUnwindFindModule)(gpointer ctx, guint64 pc, FkUnwindModule *out);

/* One sample's user state, as perf recorded it. REGS holds the values of the
 * bits set in REGS_MASK, lowest bit first. STACK is the copy of the stack from
 * the sampled sp up (dyn_size bytes); FULL says the copy filled the size
 * reserved for it, so that a deeper stack was cut. */
typedef struct {
  const FkUnwindArch *arch;
  guint64 regs_mask;
  const guint64 *regs;
  guint n_regs;
  const guint8 *stack;
  gsize stack_len;
  gboolean full;
  gboolean fp_only; /* --unwind=fp: follow the frame-pointer chain, no CFI */
  /* FIND's answers stay valid for the next walks while this is the same
   * nonzero value (the caller's name for a process and the state of its
   * maps); 0: for this walk only */
  guint64 context;
} FkUnwindInput;

typedef struct {
  guint64 pc;
  gboolean exact; /* the interrupted pc itself (first frame, after a signal frame):
                   * look it up as is; else a return address: look up pc - 1 */
} FkUnwindFrame;

typedef struct FkUnwinder FkUnwinder;

/* FIND answers module questions with CTX; it is called with pcs to look up
 * (return addresses already minus one). */
FkUnwinder *fk_unwinder_new(FkUnwindFindModule find, gpointer ctx);
void fk_unwinder_free(FkUnwinder *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(FkUnwinder, fk_unwinder_free)

/* Walks IN and appends FkUnwindFrame to FRAMES, leaf first (the sampled pc
 * first), at most MAX_FRAMES. Never reads outside IN's buffers. */
FkUnwindOutcome fk_unwind(FkUnwinder *self, const FkUnwindInput *in, GArray *frames,
                          guint max_frames);

/* Rules compiled so far and how many lookups they answered; for the bench. */
void fk_unwinder_counts(const FkUnwinder *self, guint64 *rules, guint64 *lookups);
