/* unwind.c -- the walk: from the sampled registers, one frame at a time,
 * apply the CFI rule at the pc (cfi.c) to the registers and the copy
 * of the stack, giving the caller's registers and its pc.
 *
 * What decides whether stacks are right, as perf (libdw) and gdb do it:
 * - a return address is looked up at pc - 1 (a call at the end of a
 *   function returns past it), except the sampled pc and the pc after a
 *   signal frame ('S' augmentation, __restore_rt), which are exact;
 * - where no CFI covers a pc, or no ELF file is known, the frame pointer
 *   leads on (CFA = fp + 16, return address at fp + 8, caller's fp at fp),
 *   as libdw's x86-64 fallback does;
 * - the walk stops at a JIT pc (no CFI to trust), at a CFA that does not
 *   grow, at an undefined return address or a zero one (the root), and at a
 *   read outside the copied stack: above a full copy that is the copy size
 *   cutting the stack (TRUNCATED), anywhere else a stop. */
#include "unwind-int.h"

#include <dwarf.h>
#include <string.h>

#define FK_UNWIND_MAX_EXPR_STACK 64

#define FK_UNWIND_MODULE_CACHE 8

/* The rules of recent (CFI, pc) pairs, direct-mapped in front of cfi.c's
 * table: a capture's samples revisit a few thousand pcs. */
#define FK_UNWIND_RULE_CACHE 4096

/* Frames are gathered here and appended to the caller's array a batch at a
 * time, not one call per frame. */
#define FK_UNWIND_FRAME_BATCH 64

/* The stack copy is prefetched ahead of the walk (see prefetch_to): lines
 * of 64 bytes, FK_UNWIND_PREFETCH_AHEAD bytes past the frame being
 * stepped, FK_UNWIND_PREFETCH_CHUNK more at a time. */
#define FK_UNWIND_LINE 64
#define FK_UNWIND_PREFETCH_AHEAD 512
#define FK_UNWIND_PREFETCH_CHUNK 1024

/* One (CFI, pc) of the rule cache, 128 bytes on two lines: the key, the
 * rule and the first part of its step on the first, the rest of the step
 * on the second, so that a simple step reads these two lines and not the
 * rule's dozen. */
typedef struct {
  const FkCfi *cfi; /* NULL: empty */
  guint64 vaddr;
  const FkCfiRule *rule; /* NULL: no FDE covers vaddr */
  FkCfiStep step;        /* the rule's; flags 0: not simple (or no rule) */
} UwRuleEntry;
G_STATIC_ASSERT(sizeof(UwRuleEntry) <= 128);

typedef struct {
  FkUnwindModule mod;
  FkUnwindModuleKind kind;
  FkCfi *cfi;
} UwModuleEntry;

struct FkUnwinder {
  FkUnwindFindModule find;
  gpointer ctx;
  GHashTable *cfis; /* key -> FkCfi* */
  /* the modules met in this walk: a stack crosses a few dsos, often back and
   * forth. Kept for the next walk when its context is the same (the same
   * process with the same maps: most samples of a capture), else emptied. */
  UwModuleEntry modules[FK_UNWIND_MODULE_CACHE];
  guint n_modules, next_module;
  guint64 context;       /* of the walk the modules were met in; 0: none */
  FkUnwindRegsPlan plan; /* of the last sample's arch, mask and count */
  UwRuleEntry *rules;    /* FK_UNWIND_RULE_CACHE of them, 128-byte aligned */
  guint64 rule_hits;     /* lookups the cache above answered */
  /* how far into its copy the last walk went (its last CFA's offset): the
   * next sample's stack is most likely as deep, so that much of its copy is
   * asked for at once */
  guint64 reach;
  guint64 prefetched; /* lines asked for, over all walks: for the tests */
};

gboolean fk_unwind_general_only;

static const char *const outcome_names[FK_UNWIND_N_OUTCOMES] = {
    "root", "truncated", "no-map", "jit", "no-cfi", "cfa", "stack", "rule", "depth", "regs",
};

static const char *const outcome_texts[FK_UNWIND_N_OUTCOMES] = {
    "unwound to a root",
    "cut by the stack copy size",
    "a pc outside every mapping",
    "JIT code",
    "no CFI and no frame pointer",
    "a CFA that did not grow",
    "a read outside the copied stack",
    "a CFI rule not evaluated",
    "too many frames",
    "no user registers",
};

const char *
fk_unwind_outcome_name(FkUnwindOutcome outcome)
{
  return outcome < FK_UNWIND_N_OUTCOMES ? outcome_names[outcome] : "?";
}

const char *
fk_unwind_outcome_text(FkUnwindOutcome outcome)
{
  return outcome < FK_UNWIND_N_OUTCOMES ? outcome_texts[outcome] : "?";
}

static void
cfi_free0(gpointer p)
{
  fk_cfi_free(p);
}

FkUnwinder *
fk_unwinder_new(FkUnwindFindModule find, gpointer ctx)
{
  FkUnwinder *self = g_new0(FkUnwinder, 1);
  self->find = find;
  self->ctx = ctx;
  self->cfis = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, cfi_free0);
  /* aligned so that no entry straddles more than its two lines */
  self->rules = g_aligned_alloc0(FK_UNWIND_RULE_CACHE, 128, 128);
  return self;
}

void
fk_unwinder_free(FkUnwinder *self)
{
  if (self == NULL)
    return;
  g_hash_table_destroy(self->cfis);
  g_aligned_free(self->rules);
  g_free(self);
}

void
fk_unwinder_counts(const FkUnwinder *self, guint64 *rules, guint64 *lookups)
{
  *rules = *lookups = 0;
  GHashTableIter it;
  gpointer v;
  g_hash_table_iter_init(&it, self->cfis);
  while (g_hash_table_iter_next(&it, NULL, &v))
    fk_cfi_counts(v, rules, lookups);
  *lookups += self->rule_hits;
}

guint64
fk_unwinder_prefetched(const FkUnwinder *self)
{
  return self->prefetched;
}

/* One walk's state. */
typedef struct {
  const FkUnwindInput *in;
  guint64 stack_base; /* the sampled sp: where the copy starts */
  guint64 ok_end;     /* an 8-byte read at stack_base + off is inside the copy
                       * when off < ok_end (stack_len - 7, or 0) */
  guint64 regs[FK_UNWIND_MAX_REGS];
  guint64 valid;
  FkUnwindOutcome fault; /* why the last read failed */
  /* why a register was lost (a read of its save slot failed): the reason a
   * later rule that needs it cannot be evaluated */
  guint8 lost[FK_UNWIND_MAX_REGS];
  guint64 lost_valid;
} Walk;

/* Reads 8 bytes of the copied stack at ADDR. */
static inline gboolean
read_u64(Walk *w, guint64 addr, guint64 *out)
{
  guint64 off = addr - w->stack_base; /* below the base: wraps past ok_end */
  if (G_LIKELY(off < w->ok_end)) {
    memcpy(out, w->in->stack + off, 8);
    return TRUE;
  }
  guint64 len = w->in->stack_len;
  /* above a copy that filled its reserved size: the copy size cut the stack */
  w->fault = w->in->full && addr >= w->stack_base && addr - w->stack_base + 8 > len
                 ? FK_UNWIND_TRUNCATED
                 : FK_UNWIND_STOP_STACK;
  return FALSE;
}

static gboolean
reg_value(Walk *w, guint reg, guint64 *out)
{
  if (reg >= FK_UNWIND_MAX_REGS || !(w->valid & (G_GUINT64_CONSTANT(1) << reg))) {
    w->fault = reg < FK_UNWIND_MAX_REGS && (w->lost_valid & (G_GUINT64_CONSTANT(1) << reg))
                   ? (FkUnwindOutcome)w->lost[reg]
                   : FK_UNWIND_STOP_RULE;
    return FALSE;
  }
  *out = w->regs[reg];
  return TRUE;
}

/* Evaluates a DWARF expression of the operations CFI uses (registers,
 * constants, arithmetic, comparisons, dereferences): PLT entries' CFA
 * depends on the pc, signal frames' registers are read from the stack. CFA
 * is the frame's CFA for DW_OP_call_frame_cfa (unknown while computing it). */
static gboolean
eval(Walk *w, const FkCfiOp *ops, guint n, gboolean have_cfa, guint64 cfa, guint64 *out)
{
  guint64 st[FK_UNWIND_MAX_EXPR_STACK];
  guint sp = 0;
#define PUSH(v)                                                                                    \
  do {                                                                                             \
    if (sp >= FK_UNWIND_MAX_EXPR_STACK)                                                            \
      goto bad;                                                                                    \
    guint64 pushed_ = (v);                                                                         \
    st[sp++] = pushed_;                                                                            \
  } while (0)
#define NEED(k)                                                                                    \
  do {                                                                                             \
    if (sp < (k))                                                                                  \
      goto bad;                                                                                    \
  } while (0)
  for (guint i = 0; i < n; i++) {
    const FkCfiOp *op = &ops[i];
    guint8 a = op->atom;
    guint64 v, x;
    if (a >= DW_OP_lit0 && a <= DW_OP_lit31) {
      PUSH((guint64)(a - DW_OP_lit0));
    } else if (a >= DW_OP_breg0 && a <= DW_OP_breg31) {
      if (!reg_value(w, a - DW_OP_breg0, &v))
        return FALSE;
      PUSH(v + op->number);
    } else if (a >= DW_OP_reg0 && a <= DW_OP_reg31) {
      if (!reg_value(w, a - DW_OP_reg0, &v))
        return FALSE;
      PUSH(v);
    } else
      switch (a) {
      case DW_OP_bregx:
        if (!reg_value(w, (guint)MIN(op->number, G_MAXUINT), &v))
          return FALSE;
        PUSH(v + op->number2);
        break;
      case DW_OP_regx:
        if (!reg_value(w, (guint)MIN(op->number, G_MAXUINT), &v))
          return FALSE;
        PUSH(v);
        break;
      case DW_OP_call_frame_cfa:
        if (!have_cfa)
          goto bad;
        PUSH(cfa);
        break;
      case DW_OP_addr:
      case DW_OP_const1u:
      case DW_OP_const1s:
      case DW_OP_const2u:
      case DW_OP_const2s:
      case DW_OP_const4u:
      case DW_OP_const4s:
      case DW_OP_const8u:
      case DW_OP_const8s:
      case DW_OP_constu:
      case DW_OP_consts:
        PUSH(op->number);
        break;
      case DW_OP_dup:
        NEED(1);
        PUSH(st[sp - 1]);
        break;
      case DW_OP_drop:
        NEED(1);
        sp--;
        break;
      case DW_OP_over:
        NEED(2);
        PUSH(st[sp - 2]);
        break;
      case DW_OP_swap:
        NEED(2);
        x = st[sp - 1];
        st[sp - 1] = st[sp - 2];
        st[sp - 2] = x;
        break;
      case DW_OP_deref:
        NEED(1);
        if (!read_u64(w, st[sp - 1], &v))
          return FALSE;
        st[sp - 1] = v;
        break;
      case DW_OP_plus_uconst:
        NEED(1);
        st[sp - 1] += op->number;
        break;
      case DW_OP_neg:
        NEED(1);
        st[sp - 1] = -st[sp - 1];
        break;
      case DW_OP_not:
        NEED(1);
        st[sp - 1] = ~st[sp - 1];
        break;
      case DW_OP_plus:
      case DW_OP_minus:
      case DW_OP_mul:
      case DW_OP_and:
      case DW_OP_or:
      case DW_OP_xor:
      case DW_OP_shl:
      case DW_OP_shr:
      case DW_OP_shra:
      case DW_OP_ge:
      case DW_OP_gt:
      case DW_OP_le:
      case DW_OP_lt:
      case DW_OP_eq:
      case DW_OP_ne: {
        NEED(2);
        guint64 b = st[--sp], c = st[sp - 1];
        guint64 r;
        switch (a) {
        case DW_OP_plus:
          r = c + b;
          break;
        case DW_OP_minus:
          r = c - b;
          break;
        case DW_OP_mul:
          r = c * b;
          break;
        case DW_OP_and:
          r = c & b;
          break;
        case DW_OP_or:
          r = c | b;
          break;
        case DW_OP_xor:
          r = c ^ b;
          break;
        case DW_OP_shl:
          r = b >= 64 ? 0 : c << b;
          break;
        case DW_OP_shr:
          r = b >= 64 ? 0 : c >> b;
          break;
        case DW_OP_shra:
          r = (guint64)((gint64)c >> (b >= 63 ? 63 : b));
          break;
        case DW_OP_ge:
          r = (gint64)c >= (gint64)b;
          break;
        case DW_OP_gt:
          r = (gint64)c > (gint64)b;
          break;
        case DW_OP_le:
          r = (gint64)c <= (gint64)b;
          break;
        case DW_OP_lt:
          r = (gint64)c < (gint64)b;
          break;
        case DW_OP_eq:
          r = c == b;
          break;
        default:
          r = c != b;
          break;
        }
        st[sp - 1] = r;
        break;
      }
      case DW_OP_nop:
        break;
      default:
        goto bad;
      }
  }
  NEED(1);
  *out = st[sp - 1];
  return TRUE;
bad:
  w->fault = FK_UNWIND_STOP_RULE;
  return FALSE;
#undef PUSH
#undef NEED
}

/* The caller's value of a register by rule R. *UNDEF set for an undefined
 * one (FALSE returned). */
static gboolean
apply_rule(Walk *w, const FkRegRule *r, guint reg, guint64 cfa, guint64 *out, gboolean *undef)
{
  guint64 v;
  *undef = FALSE;
  switch (r->kind) {
  case FK_RULE_SAME:
    return reg_value(w, reg, out);
  case FK_RULE_UNDEF:
    *undef = TRUE;
    return FALSE;
  case FK_RULE_AT_CFA:
    return read_u64(w, cfa + (guint64)r->off, out);
  case FK_RULE_VAL_CFA:
    *out = cfa + (guint64)r->off;
    return TRUE;
  case FK_RULE_REG:
    if (!reg_value(w, r->reg, &v))
      return FALSE;
    *out = v + (guint64)r->off;
    return TRUE;
  case FK_RULE_EXPR:
    if (!eval(w, r->ops, r->n_ops, TRUE, cfa, &v))
      return FALSE;
    return read_u64(w, v, out);
  case FK_RULE_VAL_EXPR:
    return eval(w, r->ops, r->n_ops, TRUE, cfa, out);
  default:
    w->fault = FK_UNWIND_STOP_RULE;
    return FALSE;
  }
}

/* The module of PC (its load bias and CFI): the previous answer when its
 * range holds PC. */
static FkUnwindModuleKind
find_module(FkUnwinder *self, guint64 pc, guint64 *bias, FkCfi **cfi, guint n_regs)
{
  for (guint i = 0; i < self->n_modules; i++) {
    const UwModuleEntry *e = &self->modules[i];
    if (pc >= e->mod.start && pc < e->mod.end) {
      *bias = e->mod.bias;
      *cfi = e->cfi;
      return e->kind;
    }
  }
  FkUnwindModule m = {0}, *mod = &m;
  FkUnwindModuleKind kind = self->find(self->ctx, pc, mod);
  *bias = mod->bias;
  *cfi = NULL;
  if (kind == FK_UNWIND_MODULE_ELF) {
    FkCfi *c = g_hash_table_lookup(self->cfis, mod->key);
    if (c == NULL) {
      c = fk_cfi_new(mod->eh_elf, mod->debug_elf, n_regs);
      g_hash_table_insert(self->cfis, (gpointer)mod->key, c);
    }
    *cfi = c;
  }
  if (mod->end > mod->start && pc >= mod->start && pc < mod->end) {
    UwModuleEntry *e = &self->modules[self->next_module];
    self->next_module = (self->next_module + 1) % FK_UNWIND_MODULE_CACHE;
    self->n_modules =
        MAX(self->n_modules, self->next_module == 0 ? FK_UNWIND_MODULE_CACHE : self->next_module);
    e->mod = *mod;
    e->kind = kind;
    e->cfi = *cfi;
  }
  return kind;
}

/* The rule at VADDR of CFI, through the direct-mapped cache. The cache is
 * keyed by the FkCfi pointer, not by the module's key: that is safe only
 * because an unwinder never frees a CFI before fk_unwinder_free (self->cfis
 * keeps every one it made, for the whole run), so no later fk_cfi_new can
 * reuse a freed CFI's address and be answered with its rules, and a cached
 * rule pointer (owned by its FkCfi) never dangles. Freeing or replacing a
 * CFI during a run (say, to bound memory) would have to empty the cache
 * first. */
static inline const UwRuleEntry *
rule_at(FkUnwinder *self, FkCfi *cfi, guint64 vaddr)
{
  guint64 h = (vaddr ^ (vaddr >> 12) ^ ((guint64)(guintptr)cfi >> 4)) & (FK_UNWIND_RULE_CACHE - 1);
  UwRuleEntry *e = &self->rules[h];
  if (e->cfi == cfi && e->vaddr == vaddr) {
    self->rule_hits++;
    return e;
  }
  const FkCfiRule *rule = fk_cfi_rule(cfi, vaddr);
  e->cfi = cfi;
  e->vaddr = vaddr;
  e->rule = rule;
  if (rule != NULL)
    e->step = rule->step;
  else
    memset(&e->step, 0, sizeof e->step);
  return e;
}

/* The sample's registers into W, by the plan for its arch, mask and count
 * (made again when they change). FALSE when the pc or the sp is missing. */
static gboolean
load_regs(FkUnwinder *self, const FkUnwindInput *in, Walk *w)
{
  FkUnwindRegsPlan *p = &self->plan;
  if (p->arch != in->arch || p->regs_mask != in->regs_mask || p->n_regs != in->n_regs)
    fk_unwind_regs_plan(in, p);
  for (guint i = 0; i < p->n; i++)
    w->regs[p->reg[i]] = in->regs[p->idx[i]];
  w->valid = p->valid;
  const FkUnwindArch *a = in->arch;
  return (w->valid & (G_GUINT64_CONSTANT(1) << a->sp)) &&
         (w->valid & (G_GUINT64_CONSTANT(1) << a->pc));
}

/* The step by a simple rule's step S (cfi.c set_simple) whose CFA register
 * is valid: FALSE, with nothing changed, when a read would leave the copy
 * (the general path then says why). The same result as the general path:
 * no rule reads a register, every read succeeds. */
static inline gboolean
simple_step(Walk *w, const FkCfiStep *s, const FkUnwindArch *a, guint64 *cfa_out, guint64 *ra_out)
{
  guint64 cfa = w->regs[s->cfa_reg] + (guint64)s->cfa_off;
  guint64 lo = cfa + (guint64)s->lo - w->stack_base;
  guint64 hi = cfa + (guint64)s->hi - w->stack_base;
  if (lo > hi || hi >= w->ok_end)
    return FALSE;
  /* CFA + off is at lo + (off - s->lo) in the copy */
  const guint8 *st = w->in->stack + lo;
  memcpy(ra_out, st + s->ra_at, 8);
  *cfa_out = cfa;
  if (*ra_out == 0)
    return TRUE; /* the root: the registers no longer matter */
  for (guint k = 0; k < s->n_changed; k++) {
    guint r = s->reg[k];
    if (s->at_mask & (1u << k))
      memcpy(&w->regs[r], st + s->off[k], 8);
    else
      w->regs[r] = cfa + (guint64)(gint64)s->off[k];
  }
  w->valid = (w->valid & ~s->gone) | s->changed_mask;
  w->lost_valid &= ~(s->gone | s->changed_mask);
  /* the caller's sp is the CFA unless the rule changes it: an sp whose rule
   * is SAME, or one made undefined (not valid any more), is set */
  guint64 spbit = G_GUINT64_CONSTANT(1) << a->sp;
  if (!(s->changed_mask & spbit)) {
    w->regs[a->sp] = cfa;
    w->valid |= spbit;
  }
  return TRUE;
}

/* The walk's frames, appended to the caller's array in batches. */
typedef struct {
  GArray *out;
  guint n;
  FkUnwindFrame buf[FK_UNWIND_FRAME_BATCH];
} FrameBuf;

static inline void
frame_add(FrameBuf *b, guint64 pc, gboolean exact)
{
  if (b->n == FK_UNWIND_FRAME_BATCH) {
    g_array_append_vals(b->out, b->buf, b->n);
    b->n = 0;
  }
  b->buf[b->n++] = (FkUnwindFrame){pc, exact};
}

static void
frames_flush(FrameBuf *b)
{
  if (b->n > 0)
    g_array_append_vals(b->out, b->buf, b->n);
  b->n = 0;
}

/* Asks for the lines of IN's copy from *DONE up to offset END (bounded by
 * the copy), and moves *DONE there. A frame's slots are found from the one
 * before, so lines missed one by one are misses in series; asked for ahead
 * they arrive together. Only the part a walk reaches is asked for: a
 * capture's copies are a few KiB (dwarf,16384: 5.5 KiB of stack for
 * wordstats) of which walks read one, and asking for all of it was most
 * of a walk's time (its lines come from memory: each sample's copy is new). */
static inline void
prefetch_to(FkUnwinder *self, const FkUnwindInput *in, gsize *done, guint64 end)
{
  gsize to = (gsize)MIN(end, (guint64)in->stack_len);
  gsize off = *done;
  if (off >= to)
    return;
  self->prefetched += (to - off + FK_UNWIND_LINE - 1) / FK_UNWIND_LINE;
  /* unrolled: the loop's own compare and branch per line were a tenth of
   * the decoder thread's instructions when the whole copy was asked for */
#pragma GCC unroll 8
  for (; off < to; off += FK_UNWIND_LINE)
    __builtin_prefetch(in->stack + off);
  *done = off;
}

/* The frame-pointer step: FALSE with w->fault set when it does not lead on. */
static gboolean
fp_step(Walk *w, const FkUnwindArch *a, guint64 *cfa, guint64 *ra, guint64 *fp)
{
  if (!(w->valid & (G_GUINT64_CONSTANT(1) << a->fp)) || w->regs[a->fp] == 0)
    return FALSE;
  guint64 f = w->regs[a->fp];
  if (!read_u64(w, f + 8, ra) || !read_u64(w, f, fp))
    return FALSE;
  *cfa = f + 16;
  return TRUE;
}

static FkUnwindOutcome
walk_frames(FkUnwinder *self, const FkUnwindInput *in, FrameBuf *frames, guint max_frames)
{
  const FkUnwindArch *a = in->arch;
  Walk w = {.in = in};
  if (in->context == 0 || in->context != self->context)
    self->n_modules = self->next_module = 0;
  self->context = in->context;
  if (!load_regs(self, in, &w))
    return FK_UNWIND_STOP_REGS;
  w.stack_base = w.regs[a->sp];
  w.ok_end = in->stack_len >= 8 ? in->stack_len - 7 : 0;
  /* as deep as the last walk went, and as the walk goes further (below) */
  gsize fetched = 0;
  prefetch_to(self, in, &fetched, self->reach + FK_UNWIND_PREFETCH_AHEAD);
  self->reach = 0;
  guint64 pc = w.regs[a->pc];
  gboolean exact = TRUE;
  if (max_frames == 0)
    return FK_UNWIND_STOP_DEPTH;
  frame_add(frames, pc, TRUE);
  for (guint depth = 1;; depth++) {
    guint64 look = exact ? pc : pc - 1;
    guint64 sp = w.regs[a->sp];
    guint64 bias = 0;
    FkCfi *cfi = NULL;
    FkUnwindModuleKind kind = find_module(self, look, &bias, &cfi, a->n_regs);
    if (kind == FK_UNWIND_MODULE_JIT)
      return FK_UNWIND_STOP_JIT;
    const UwRuleEntry *entry = cfi != NULL ? rule_at(self, cfi, look - bias) : NULL;
    const FkCfiRule *rule = entry != NULL ? entry->rule : NULL;
    guint64 cfa, ra;
    gboolean signal = FALSE;
    /* The caller's registers are written over the callee's in place: a
     * register whose rule is SAME keeps its value, its validity and why it
     * was lost (a SAME register that is not valid reads as a rule not
     * evaluated, lost or not); only the rule's changed registers, computed
     * first from the callee's state, are replaced. */
    if (rule == NULL || in->fp_only) {
      guint64 fp;
      FkUnwindOutcome why =
          kind == FK_UNWIND_MODULE_NONE ? FK_UNWIND_STOP_NO_MAP : FK_UNWIND_STOP_NO_CFI;
      w.fault = why;
      /* without CFI, a frame pointer that leads nowhere says little: the
       * code may not keep one. The missing CFI is the reason, unless the
       * chain ran past a full copy or only frame pointers were asked for. */
      if (!fp_step(&w, a, &cfa, &ra, &fp))
        return in->fp_only || w.fault == FK_UNWIND_TRUNCATED ? w.fault : why;
      if (ra == 0)
        return FK_UNWIND_ROOT;
      w.regs[a->fp] = fp;
      w.regs[a->sp] = cfa;
      w.valid |= G_GUINT64_CONSTANT(1) << a->sp;
    } else if ((entry->step.flags & FK_CFI_STEP_SIMPLE) && !fk_unwind_general_only &&
               (w.valid & (G_GUINT64_CONSTANT(1) << entry->step.cfa_reg)) &&
               simple_step(&w, &entry->step, a, &cfa, &ra)) {
      if (ra == 0)
        return FK_UNWIND_ROOT;
      signal = (entry->step.flags & FK_CFI_STEP_SIGNAL) != 0;
    } else {
      if (rule->unsupported)
        return FK_UNWIND_STOP_RULE;
      if (rule->cfa.kind == FK_RULE_REG) {
        guint64 base;
        if (!reg_value(&w, rule->cfa.reg, &base))
          return w.fault;
        cfa = base + (guint64)rule->cfa.off;
      } else if (!eval(&w, rule->cfa.ops, rule->cfa.n_ops, FALSE, 0, &cfa)) {
        return w.fault;
      }
      gboolean undef;
      const FkRegRule *rar = &rule->regs[rule->ra];
      guint64 raoff = cfa + (guint64)rar->off - w.stack_base;
      if (rar->kind == FK_RULE_AT_CFA && raoff < w.ok_end)
        memcpy(&ra, in->stack + raoff, 8);
      else if (!apply_rule(&w, rar, rule->ra, cfa, &ra, &undef))
        return undef ? FK_UNWIND_ROOT : w.fault;
      if (ra == 0)
        return FK_UNWIND_ROOT;
      guint64 vals[FK_UNWIND_MAX_REGS];
      guint8 why[FK_UNWIND_MAX_REGS]; /* 0: valid, 1: undefined, else 2 + the read's fault */
      for (guint k = 0; k < rule->n_changed; k++) {
        guint r = rule->changed[k];
        const FkRegRule *rr = &rule->regs[r];
        /* saved at CFA + N inside the copy: most rules of most frames */
        guint64 off = cfa + (guint64)rr->off - w.stack_base;
        if (rr->kind == FK_RULE_AT_CFA && off < w.ok_end) {
          memcpy(&vals[k], in->stack + off, 8);
          why[k] = 0;
        } else if (rr->kind == FK_RULE_VAL_CFA) {
          vals[k] = cfa + (guint64)rr->off;
          why[k] = 0;
        } else if (apply_rule(&w, rr, r, cfa, &vals[k], &undef))
          why[k] = 0;
        else
          why[k] = undef ? 1 : (guint8)(2 + w.fault);
      }
      /* the return address column is the caller's pc, not one of its
       * registers: neither valid nor lost; nor are the undefined ones */
      guint64 gone = rule->undef_mask | G_GUINT64_CONSTANT(1) << rule->ra;
      w.valid &= ~gone;
      w.lost_valid &= ~gone;
      for (guint k = 0; k < rule->n_changed; k++) {
        guint r = rule->changed[k];
        guint64 bit = G_GUINT64_CONSTANT(1) << r;
        w.valid &= ~bit;
        w.lost_valid &= ~bit;
        if (why[k] == 0) {
          w.regs[r] = vals[k];
          w.valid |= bit;
        } else if (why[k] > 1) {
          /* saved where the copy does not reach: lost, which only matters
           * if a later rule needs it, and then this is why */
          w.lost_valid |= bit;
          w.lost[r] = (guint8)(why[k] - 2);
        }
      }
      /* the caller's sp is the CFA, unless a rule (a signal frame's) says */
      if (!(w.valid & (G_GUINT64_CONSTANT(1) << a->sp)) || rule->regs[a->sp].kind == FK_RULE_SAME) {
        w.regs[a->sp] = cfa;
        w.valid |= G_GUINT64_CONSTANT(1) << a->sp;
      }
      signal = rule->signal;
    }
    /* a stack grows down: a caller's frame lies above. Equal is allowed
     * only out of a signal frame, whose interrupted code had its own sp. */
    if (w.regs[a->sp] <= sp && !(signal && w.regs[a->sp] != sp))
      return FK_UNWIND_STOP_CFA;
    /* a signal frame may wrap AT: harmless, a prefetch stays in the copy */
    guint64 at = w.regs[a->sp] - w.stack_base;
    self->reach = at;
    if (at + FK_UNWIND_PREFETCH_AHEAD > fetched)
      prefetch_to(self, in, &fetched, at + FK_UNWIND_PREFETCH_AHEAD + FK_UNWIND_PREFETCH_CHUNK);
    w.regs[a->pc] = ra;
    w.valid |= G_GUINT64_CONSTANT(1) << a->pc;
    w.lost_valid &= ~w.valid;
    pc = ra;
    exact = signal;
    if (depth >= max_frames)
      return FK_UNWIND_STOP_DEPTH;
    frame_add(frames, pc, exact);
  }
}

FkUnwindOutcome
fk_unwind(FkUnwinder *self, const FkUnwindInput *in, GArray *frames, guint max_frames)
{
  if (!fk_unwind_arch_walkable(in->arch))
    return FK_UNWIND_STOP_REGS;
  FrameBuf buf;
  buf.out = frames;
  buf.n = 0;
  FkUnwindOutcome o = walk_frames(self, in, &buf, max_frames);
  frames_flush(&buf);
  return o;
}
