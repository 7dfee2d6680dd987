/* user-stack.h -- the perf-data reader's user-stack hook: picks the
 * unwind method (--unwind, default what the capture recorded), unwinds a
 * sample's REGS_USER and STACK_USER through the process's maps and the
 * symbolizer's ELF files (unwind.h), and counts how each walk ended for the
 * note at close and for `info`. */
#pragma once

#include "maps.h"
#include "../symbols/symbolize.h"
#include "../unwind/unwind.h"

typedef enum {
  PD_UNWIND_AUTO, /* dwarf when the capture has user stacks, else its callchains
                   */
  PD_UNWIND_DWARF,
  PD_UNWIND_FP,   /* the callchain; a dwarf capture's copied stack walked by frame
                     pointer */
  PD_UNWIND_NONE, /* the callchain's kernel part and the sampled user pc only */
} PdUnwindMethod;

/* "dwarf", "fp", "none", NULL or "auto" (TRUE), anything else FALSE. */
gboolean pd_unwind_parse_method(const char *s, PdUnwindMethod *out);

typedef struct PdUnwind PdUnwind;

/* ARCH is the capture's HEADER_ARCH (NULL: this host's). MAPS and SYM stay
 * the reader's. */
PdUnwind *pd_unwind_new(PdUnwindMethod method, const char *arch, PdMaps *maps, FkSymbolizer *sym);
void pd_unwind_free(PdUnwind *self);

/* Unwinds one sample of process PID: REGS (N_REGS u64 in the capture's byte
 * order, which is this host's) of the bits of REGS_MASK, STACK (DYN_SIZE
 * bytes, out of SIZE reserved). Appends FkUnwindFrame leaf first to FRAMES.
 * SWAPPED: the capture is of the other byte order, which is not unwound. */
FkUnwindOutcome pd_unwind_sample(PdUnwind *self, gint64 pid, guint64 regs_mask, const guint8 *regs,
                                 guint n_regs, const guint8 *stack, guint64 size, guint64 dyn_size,
                                 gboolean swapped, GArray *frames);

/* A mapping whose ELF files the unwinder asked SYM for first (by path and
 * build id), and the pc it asked for. */
typedef struct {
  PdMap map;
  guint64 pc;
} PdUnwindTouch;

/* The mappings met first since the last pd_unwind_touched_clear, in the
 * order met: *N of them. A reader symbolizing with another symbolizer asks
 * it for the same files in the same order, so that its notes come out as if
 * it had unwound. */
const PdUnwindTouch *pd_unwind_touched(const PdUnwind *self, guint *n);
void pd_unwind_touched_clear(PdUnwind *self);

/* How many walks ended each way. */
const guint64 *pd_unwind_outcomes(const PdUnwind *self);
guint64 pd_unwind_count(const PdUnwind *self);

/* The one-line summary ("1200 samples unwound with DWARF: 1190 to a root, ...")
 * or NULL when nothing was unwound. Owned by the caller. */
char *pd_unwind_summary(const PdUnwind *self);
