/* cfi.c -- CFI lookup and the per-pc rule cache, through elfutils'
 * libdw: dwarf_getcfi_elf() reads .eh_frame through the binary search table
 * of .eh_frame_hdr, dwarf_getcfi() the .debug_frame of a (separate) debug
 * file; dwarf_cfi_addrframe() runs the CIE and FDE instructions up to a pc.
 * That call costs microseconds, so each pc's answer is compiled into an
 * FkCfiRule (CFA = register + offset, where each register is saved) and kept:
 * a pc seen again costs one probe of an open-addressing table. libdw was
 * chosen over libdwarf's frame API by measurement (docs/symbolize.md). */
#include "unwind-int.h"

#include <dlfcn.h>
#include <gelf.h>
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <string.h>

/* libdw is loaded with dlopen(RTLD_LOCAL), never linked: it and libdwarf
 * (the symbolizer's DWARF reader) both export dwarf_attr, dwarf_tag,
 * dwarf_child and 31 other functions of the same names, and libdwarf's are
 * unversioned, so one process linking both binds one library's calls to the
 * other's functions. Loaded locally, flamekit's calls to libdwarf stay with
 * libdwarf and the six CFI functions below are called through pointers.
 * None of the CFI functions calls one of the shared names (checked with
 * LD_DEBUG=bindings; docs/symbolize.md). */
static struct {
  gboolean ok;
  Dwarf_CFI *(*getcfi_elf)(Elf *);
  int (*cfi_end)(Dwarf_CFI *);
  Dwarf *(*begin_elf)(Elf *, Dwarf_Cmd, Elf_Scn *);
  Dwarf_CFI *(*getcfi)(Dwarf *);
  int (*end)(Dwarf *);
  int (*cfi_addrframe)(Dwarf_CFI *, Dwarf_Addr, Dwarf_Frame **);
  int (*frame_info)(Dwarf_Frame *, Dwarf_Addr *, Dwarf_Addr *, bool *);
  int (*frame_cfa)(Dwarf_Frame *, Dwarf_Op **, size_t *);
  int (*frame_register)(Dwarf_Frame *, int, Dwarf_Op[3], Dwarf_Op **, size_t *);
} dw;

static gpointer
load_libdw(gpointer unused)
{
  (void)unused;
  void *h = dlopen("libdw.so.1", RTLD_LAZY | RTLD_LOCAL);
  if (h == NULL)
    return NULL;
#define SYM(field, name)                                                                           \
  do {                                                                                             \
    *(void **)&dw.field = dlsym(h, name);                                                          \
    if (dw.field == NULL)                                                                          \
      return NULL;                                                                                 \
  } while (0)
  SYM(getcfi_elf, "dwarf_getcfi_elf");
  SYM(cfi_end, "dwarf_cfi_end");
  SYM(begin_elf, "dwarf_begin_elf");
  SYM(getcfi, "dwarf_getcfi");
  SYM(end, "dwarf_end");
  SYM(cfi_addrframe, "dwarf_cfi_addrframe");
  SYM(frame_info, "dwarf_frame_info");
  SYM(frame_cfa, "dwarf_frame_cfa");
  SYM(frame_register, "dwarf_frame_register");
#undef SYM
  dw.ok = TRUE;
  return NULL;
}

gboolean
fk_cfi_available(void)
{
  static GOnce once = G_ONCE_INIT;
  g_once(&once, load_libdw, NULL);
  return dw.ok;
}

typedef struct {
  guint64 vaddr;
  const FkCfiRule *rule; /* NULL: no FDE covers vaddr */
  gboolean used;
} CfSlot;

struct FkCfi {
  Dwarf_CFI *eh; /* from dwarf_getcfi_elf: ours to end */
  Dwarf *dbg;    /* .debug_frame's Dwarf; its CFI is owned by it */
  Dwarf_CFI *dbg_cfi;
  Elf *debug_elf; /* opened on the first pc .eh_frame does not cover */
  gboolean dbg_tried;
  guint n_regs;
  CfSlot *slots;
  gsize n_slots, used;
  GPtrArray *owned; /* rules and op arrays */
  guint64 lookups;
};

FkCfi *
fk_cfi_new(Elf *eh_elf, Elf *debug_elf, guint n_regs)
{
  FkCfi *self = g_new0(FkCfi, 1);
  self->n_regs = MIN(n_regs, FK_UNWIND_MAX_REGS);
  if (eh_elf != NULL && fk_cfi_available())
    self->eh = dw.getcfi_elf(eh_elf);
  self->debug_elf = debug_elf;
  self->n_slots = 1024;
  self->slots = g_new0(CfSlot, self->n_slots);
  self->owned = g_ptr_array_new_with_free_func(g_free);
  return self;
}

void
fk_cfi_free(FkCfi *self)
{
  if (self == NULL)
    return;
  if (self->eh != NULL)
    dw.cfi_end(self->eh);
  if (self->dbg != NULL)
    dw.end(self->dbg);
  g_free(self->slots);
  g_ptr_array_unref(self->owned);
  g_free(self);
}

static const FkCfiOp *
copy_ops(FkCfi *self, const Dwarf_Op *ops, gsize n)
{
  FkCfiOp *out = g_new(FkCfiOp, MAX(n, 1));
  for (gsize i = 0; i < n; i++) {
    out[i].atom = ops[i].atom;
    out[i].number = ops[i].number;
    out[i].number2 = ops[i].number2;
  }
  g_ptr_array_add(self->owned, out);
  return out;
}

/* A register's location description (libdw's form: implicit CFA first for
 * offset rules, DW_OP_stack_value last for values) to an FkRegRule. */
static void
compile_reg(FkCfi *self, FkCfiRule *rule, FkRegRule *r, Dwarf_Op *ops, gsize n, Dwarf_Op *mem)
{
  memset(r, 0, sizeof *r);
  if (n == 0) {
    r->kind = ops == NULL ? FK_RULE_SAME : FK_RULE_UNDEF;
    (void)mem;
    return;
  }
  gboolean value = ops[n - 1].atom == DW_OP_stack_value;
  gsize m = value ? n - 1 : n;
  if (m >= 1 && ops[0].atom == DW_OP_call_frame_cfa &&
      (m == 1 || (m == 2 && ops[1].atom == DW_OP_plus_uconst))) {
    r->kind = value ? FK_RULE_VAL_CFA : FK_RULE_AT_CFA;
    r->off = m == 2 ? (gint64)ops[1].number : 0;
    return;
  }
  if (value && m == 1 &&
      (ops[0].atom == DW_OP_bregx || (ops[0].atom >= DW_OP_breg0 && ops[0].atom <= DW_OP_breg31))) {
    guint64 reg = ops[0].atom == DW_OP_bregx ? ops[0].number : (guint64)(ops[0].atom - DW_OP_breg0);
    gint64 off = ops[0].atom == DW_OP_bregx ? (gint64)ops[0].number2 : (gint64)ops[0].number;
    if (reg < self->n_regs) {
      r->kind = FK_RULE_REG;
      r->reg = (guint8)reg;
      r->off = off;
      return;
    }
    rule->unsupported = TRUE;
    r->kind = FK_RULE_UNDEF;
    return;
  }
  r->kind = value ? FK_RULE_VAL_EXPR : FK_RULE_EXPR;
  r->n_ops = (guint16)MIN(m, G_MAXUINT16);
  r->ops = copy_ops(self, ops, r->n_ops);
}

/* RULE's step, once its simple, lo and hi are set. */
static void
set_step(FkCfiRule *rule)
{
  FkCfiStep *s = &rule->step;
  s->cfa_off = rule->cfa.off;
  s->lo = rule->lo;
  s->hi = rule->hi;
  s->gone = rule->undef_mask | G_GUINT64_CONSTANT(1) << rule->ra;
  s->ra_at = (guint32)(rule->regs[rule->ra].off - rule->lo);
  s->cfa_reg = rule->cfa.reg;
  s->n_changed = rule->n_changed;
  s->flags = FK_CFI_STEP_SIMPLE | (rule->signal ? FK_CFI_STEP_SIGNAL : 0);
  s->changed_mask = rule->changed_mask;
  for (guint k = 0; k < rule->n_changed; k++) {
    const FkRegRule *r = &rule->regs[rule->changed[k]];
    s->reg[k] = rule->changed[k];
    if (r->kind == FK_RULE_AT_CFA) {
      s->at_mask |= (guint8)(1u << k);
      s->off[k] = (gint32)(r->off - rule->lo);
    } else {
      s->off[k] = (gint32)r->off;
    }
  }
}

/* Fills RULE's simple, changed_mask, lo, hi and step from the rest of it. */
static void
set_simple(FkCfiRule *rule)
{
  rule->changed_mask = 0;
  for (guint k = 0; k < rule->n_changed; k++)
    rule->changed_mask |= G_GUINT64_CONSTANT(1) << rule->changed[k];
  rule->simple = FALSE;
  rule->lo = rule->hi = 0;
  memset(&rule->step, 0, sizeof rule->step);
  if (rule->unsupported || rule->cfa.kind != FK_RULE_REG ||
      rule->regs[rule->ra].kind != FK_RULE_AT_CFA || rule->n_changed > FK_CFI_STEP_REGS)
    return;
  gint64 lo = rule->regs[rule->ra].off, hi = lo;
  for (guint k = 0; k < rule->n_changed; k++) {
    const FkRegRule *r = &rule->regs[rule->changed[k]];
    if (r->kind == FK_RULE_AT_CFA) {
      lo = MIN(lo, r->off);
      hi = MAX(hi, r->off);
    } else if (r->kind != FK_RULE_VAL_CFA || r->off < G_MININT32 || r->off > G_MAXINT32) {
      return;
    }
  }
  /* lo and hi within 32 bits: every AT_CFA offset's off - lo fits in 31 */
  if (lo < G_MININT32 / 2 || hi > G_MAXINT32 / 2)
    return;
  rule->lo = lo;
  rule->hi = hi;
  rule->simple = TRUE;
  set_step(rule);
}

static const FkCfiRule *
compile(FkCfi *self, Dwarf_Frame *frame)
{
  FkCfiRule *rule = g_new0(FkCfiRule, 1);
  g_ptr_array_add(self->owned, rule);
  Dwarf_Addr start, end;
  bool signalp = false;
  int ra = dw.frame_info(frame, &start, &end, &signalp);
  rule->signal = signalp;
  rule->ra = ra >= 0 && ra < (int)self->n_regs ? (guint8)ra : 0;
  if (ra < 0 || ra >= (int)self->n_regs)
    rule->unsupported = TRUE;
  Dwarf_Op *ops = NULL;
  size_t n = 0;
  if (dw.frame_cfa(frame, &ops, &n) != 0 || n == 0) {
    rule->unsupported = TRUE;
  } else if (n == 1 && ops[0].atom == DW_OP_bregx && ops[0].number < self->n_regs) {
    rule->cfa.kind = FK_RULE_REG;
    rule->cfa.reg = (guint8)ops[0].number;
    rule->cfa.off = (gint64)ops[0].number2;
  } else {
    rule->cfa.kind = FK_RULE_VAL_EXPR;
    rule->cfa.n_ops = (guint16)MIN(n, G_MAXUINT16);
    rule->cfa.ops = copy_ops(self, ops, rule->cfa.n_ops);
  }
  for (guint r = 0; r < self->n_regs; r++) {
    Dwarf_Op mem[3];
    Dwarf_Op *rops = NULL;
    size_t rn = 0;
    if (dw.frame_register(frame, (int)r, mem, &rops, &rn) != 0) {
      rule->regs[r].kind = FK_RULE_UNDEF;
      continue;
    }
    compile_reg(self, rule, &rule->regs[r], rops, rn, mem);
  }
  for (guint r = 0; r < self->n_regs; r++) {
    if (r == rule->ra || rule->regs[r].kind == FK_RULE_SAME)
      continue;
    if (rule->regs[r].kind == FK_RULE_UNDEF)
      rule->undef_mask |= G_GUINT64_CONSTANT(1) << r;
    else
      rule->changed[rule->n_changed++] = (guint8)r;
  }
  set_simple(rule);
  return rule;
}

/* ELF has a .debug_frame section with contents. */
static gboolean
has_debug_frame(Elf *elf)
{
  size_t shstrndx;
  if (elf_getshdrstrndx(elf, &shstrndx) != 0)
    return FALSE;
  for (Elf_Scn *scn = elf_nextscn(elf, NULL); scn != NULL; scn = elf_nextscn(elf, scn)) {
    GElf_Shdr sh;
    const char *name;
    if (gelf_getshdr(scn, &sh) != NULL && sh.sh_type != SHT_NOBITS && sh.sh_size > 0 &&
        (name = elf_strptr(elf, shstrndx, sh.sh_name)) != NULL &&
        (strcmp(name, ".debug_frame") == 0 || strcmp(name, ".zdebug_frame") == 0))
      return TRUE;
  }
  return FALSE;
}

/* .debug_frame, opened once and only when needed: dwarf_begin_elf
 * decompresses every compressed debug section of the file, which cost a
 * quarter of a run on the Rust program while its .eh_frame covered every
 * pc. */
static Dwarf_CFI *
debug_cfi(FkCfi *self)
{
  if (!self->dbg_tried) {
    self->dbg_tried = TRUE;
    if (self->debug_elf != NULL && fk_cfi_available() && has_debug_frame(self->debug_elf)) {
      self->dbg = dw.begin_elf(self->debug_elf, DWARF_C_READ, NULL);
      if (self->dbg != NULL)
        self->dbg_cfi = dw.getcfi(self->dbg);
    }
  }
  return self->dbg_cfi;
}

static const FkCfiRule *
lookup_uncached(FkCfi *self, guint64 vaddr)
{
  for (guint i = 0; i < 2; i++) {
    Dwarf_CFI *source = i == 0 ? self->eh : debug_cfi(self);
    if (source == NULL)
      continue;
    Dwarf_Frame *frame = NULL;
    if (dw.cfi_addrframe(source, vaddr, &frame) == 0 && frame != NULL) {
      const FkCfiRule *rule = compile(self, frame);
      free(frame);
      return rule;
    }
  }
  return NULL;
}

static void
grow(FkCfi *self)
{
  CfSlot *old = self->slots;
  gsize n_old = self->n_slots;
  self->n_slots *= 2;
  self->slots = g_new0(CfSlot, self->n_slots);
  for (gsize i = 0; i < n_old; i++) {
    if (!old[i].used)
      continue;
    gsize j = (old[i].vaddr * G_GUINT64_CONSTANT(0x9E3779B97F4A7C15)) >> 20 & (self->n_slots - 1);
    while (self->slots[j].used)
      j = (j + 1) & (self->n_slots - 1);
    self->slots[j] = old[i];
  }
  g_free(old);
}

const FkCfiRule *
fk_cfi_rule(FkCfi *self, guint64 vaddr)
{
  self->lookups++;
  gsize j = (vaddr * G_GUINT64_CONSTANT(0x9E3779B97F4A7C15)) >> 20 & (self->n_slots - 1);
  while (self->slots[j].used) {
    if (self->slots[j].vaddr == vaddr)
      return self->slots[j].rule;
    j = (j + 1) & (self->n_slots - 1);
  }
  const FkCfiRule *rule = lookup_uncached(self, vaddr);
  if (2 * (self->used + 1) > self->n_slots) {
    grow(self);
    j = (vaddr * G_GUINT64_CONSTANT(0x9E3779B97F4A7C15)) >> 20 & (self->n_slots - 1);
    while (self->slots[j].used)
      j = (j + 1) & (self->n_slots - 1);
  }
  self->slots[j] = (CfSlot){vaddr, rule, TRUE};
  self->used++;
  return rule;
}

void
fk_cfi_counts(const FkCfi *self, guint64 *rules, guint64 *lookups)
{
  *rules += self->used;
  *lookups += self->lookups;
}
