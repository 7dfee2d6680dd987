/* test-unwind.c -- the unwinder's walk and where it stops, on registers and
 * stacks made here against the CFI of corpora/perf-dwarf/nofp (built without
 * frame pointers) and on a real sample of nofp.16k.data (the fuzz seed). */
#include "../../formats/symbols/elf.h"
#include "../../formats/unwind/unwind-int.h"
#include <gelf.h>
#include <string.h>

#define N_REGS 20 /* perf's sample_regs_user 0xff0fff on x86-64 */
enum { BP = 6, SP = 7, IP = 8 };
#define STACK_AT G_GUINT64_CONSTANT(0x7ffd00000000)
#define BASE G_GUINT64_CONSTANT(0x557a4939d000) /* nofp's load address in the capture */

typedef struct {
  FkElf *elf;
  guint calls;
} Ctx;

/* nofp at BASE; pcs with top nibble f are JIT code; the rest unmapped */
static FkUnwindModuleKind
find(gpointer ctx, guint64 pc, FkUnwindModule *out)
{
  Ctx *c = ctx;
  c->calls++;
  if (pc >= BASE && pc - BASE < 0x10000) {
    out->key = c->elf;
    out->eh_elf = out->debug_elf = fk_elf_handle(c->elf);
    out->bias = BASE;
    out->start = BASE;
    out->end = BASE + 0x10000;
    return FK_UNWIND_MODULE_ELF;
  }
  return pc >> 60 == 0xf ? FK_UNWIND_MODULE_JIT : FK_UNWIND_MODULE_NONE;
}

typedef struct {
  Ctx ctx;
  FkUnwinder *u;
  GArray *frames;
  guint64 regs[N_REGS];
  guint8 stack[256];
  FkUnwindInput in;
} Fixture;

static void
setup(Fixture *f)
{
  memset(f, 0, sizeof *f);
  f->ctx.elf = fk_elf_open_file("corpora/perf-dwarf/nofp", NULL);
  g_assert_nonnull(f->ctx.elf);
  f->u = fk_unwinder_new(find, &f->ctx);
  f->frames = g_array_new(FALSE, FALSE, sizeof(FkUnwindFrame));
  f->in.arch = fk_unwind_arch_lookup("x86_64");
  f->in.regs_mask = 0xff0fff;
  f->in.regs = f->regs;
  f->in.n_regs = N_REGS;
  f->in.stack = f->stack;
  f->in.stack_len = sizeof f->stack;
  f->regs[SP] = STACK_AT;
}

static void
teardown(Fixture *f)
{
  g_array_free(f->frames, TRUE);
  fk_unwinder_free(f->u);
  fk_elf_free(f->ctx.elf);
}

static void
put(Fixture *f, gsize off, guint64 v)
{
  memcpy(f->stack + off, &v, 8);
}

static FkUnwindOutcome
walk(Fixture *f, guint max)
{
  g_array_set_size(f->frames, 0);
  return fk_unwind(f->u, &f->in, f->frames, max);
}

/* leaf_hash, a leaf at -O2 in the fixture's ELF (CFA = rsp + 8) */
static const FkElfSym *
leaf_hash(Fixture *f)
{
  const FkElfSym *sym = NULL;
  for (guint64 a = 0x1000; a < 0x2000 && sym == NULL; a++) {
    const FkElfSym *s = fk_elf_symbol_at(f->ctx.elf, a);
    if (s != NULL && g_str_has_prefix(s->name, "leaf_hash"))
      sym = s;
  }
  g_assert_nonnull(sym);
  return sym;
}

static guint64
pc_at(Fixture *f, guint i)
{
  return g_array_index(f->frames, FkUnwindFrame, i).pc;
}

/* The frame-pointer fallback where no module holds the pc, and how the
 * chain ends: a zero return address is the root; a saved fp pointing at
 * itself gives a CFA that does not grow. */
static void
test_fp_chain(void)
{
  Fixture f;
  setup(&f);
  f.regs[IP] = 0x1000; /* unmapped: no CFI */
  f.regs[BP] = STACK_AT + 16;
  put(&f, 16, STACK_AT + 48); /* caller's fp */
  put(&f, 24, 0x2000);        /* return address */
  put(&f, 48, 0);
  put(&f, 56, 0); /* the root */
  g_assert_cmpint(walk(&f, 64), ==, FK_UNWIND_ROOT);
  g_assert_cmpuint(f.frames->len, ==, 2);
  g_assert_cmpuint(pc_at(&f, 1), ==, 0x2000);
  g_assert_false(g_array_index(f.frames, FkUnwindFrame, 1).exact);

  put(&f, 48, STACK_AT + 48); /* fp -> itself */
  put(&f, 56, 0x3000);
  g_assert_cmpint(walk(&f, 64), ==, FK_UNWIND_STOP_CFA);
  g_assert_cmpuint(f.frames->len, ==, 3);

  /* the depth limit */
  g_assert_cmpint(walk(&f, 2), ==, FK_UNWIND_STOP_DEPTH);
  g_assert_cmpuint(f.frames->len, ==, 2);
  teardown(&f);
}

/* A read above the copy: the copy size cut the stack when the copy was
 * full, else a stop; below the copy always a stop. */
static void
test_window(void)
{
  Fixture f;
  setup(&f);
  f.regs[IP] = 0x1000;
  f.regs[BP] = STACK_AT + 248; /* ra at +256: past the 256-byte copy */
  f.in.full = TRUE;
  g_assert_cmpint(walk(&f, 64), ==, FK_UNWIND_TRUNCATED);
  g_assert_cmpuint(f.frames->len, ==, 1);
  f.in.full = FALSE;
  g_assert_cmpint(walk(&f, 64), ==, FK_UNWIND_STOP_NO_MAP);
  f.in.full = TRUE;
  f.regs[BP] = STACK_AT - 64;                               /* below sp */
  g_assert_cmpint(walk(&f, 64), ==, FK_UNWIND_STOP_NO_MAP); /* no CFI is the reason */
  f.in.fp_only = TRUE;
  g_assert_cmpint(walk(&f, 64), ==, FK_UNWIND_STOP_STACK); /* --unwind=fp: the read is */
  f.regs[BP] = G_MAXUINT64 - 4;                            /* wraps */
  g_assert_cmpint(walk(&f, 64), ==, FK_UNWIND_STOP_STACK);
  f.in.fp_only = FALSE;
  f.regs[BP] = 0; /* no frame pointer, no CFI */
  g_assert_cmpint(walk(&f, 64), ==, FK_UNWIND_STOP_NO_MAP);
  teardown(&f);
}

/* A frame-pointer chain in F's copy from offset 16, frames STEP bytes
 * apart, N of them with a return address and then the root; the walk's
 * outcome, checked to find them all. */
static void
walk_chain(Fixture *f, guint8 *stack, guint64 step, guint n)
{
  memset(stack, 0, f->in.stack_len);
  for (guint k = 0; k <= n; k++) {
    guint64 o = 16 + k * step, next = STACK_AT + o + step, ra = k < n ? 0x2000 + k : 0;
    memcpy(stack + o, &next, 8);
    memcpy(stack + o + 8, &ra, 8);
  }
  f->regs[IP] = 0x1000; /* unmapped: the frame pointers lead */
  f->regs[BP] = STACK_AT + 16;
  g_assert_cmpint(walk(f, 4096), ==, FK_UNWIND_ROOT);
  g_assert_cmpuint(f->frames->len, ==, n + 1);
  g_assert_cmpuint(pc_at(f, n), ==, 0x2000 + n - 1);
}

/* The stack copy is asked for (prefetched) only as far as walks go: as far
 * as the last walk went, and further as a walk nears the end of what was
 * asked for; not all of a 16 KiB copy (256 lines) for a walk that reads
 * its first 150 bytes. */
static void
test_prefetch_reach(void)
{
  Fixture f;
  setup(&f);
  g_autofree guint8 *stack = g_malloc0(16384);
  f.in.stack = stack;
  f.in.stack_len = 16384;
  for (guint i = 0; i < 2; i++) { /* the first walk, and one after a walk as deep */
    guint64 before = fk_unwinder_prefetched(f.u);
    walk_chain(&f, stack, 48, 2);
    guint64 lines = fk_unwinder_prefetched(f.u) - before;
    g_assert_cmpuint(lines, >=, 3);
    g_assert_cmpuint(lines, <=, 32);
  }
  /* a deep stack after the shallow one: asked for as the walk goes, at
   * least up to the frame before the root's, 10 KiB in */
  guint64 before = fk_unwinder_prefetched(f.u);
  walk_chain(&f, stack, 2048, 6);
  g_assert_cmpuint(fk_unwinder_prefetched(f.u) - before, >=, (16 + 5 * 2048) / 64);
  teardown(&f);
}

/* JIT code stops the walk at once, even with a good frame pointer. */
static void
test_jit(void)
{
  Fixture f;
  setup(&f);
  f.regs[IP] = G_GUINT64_CONSTANT(0xf000000000001000);
  f.regs[BP] = STACK_AT + 16;
  put(&f, 16, 0);
  put(&f, 24, 0x2000);
  g_assert_cmpint(walk(&f, 64), ==, FK_UNWIND_STOP_JIT);
  g_assert_cmpuint(f.frames->len, ==, 1);
  teardown(&f);
}

/* CFI of a function without frame pointers: leaf_hash is a leaf at -O2
 * (CFA = rsp + 8, return address at CFA - 8), so a walk from it reads the
 * return address at sp and the caller's sp is sp + 8, whatever rbp holds. */
static void
test_cfi_leaf(void)
{
  Fixture f;
  setup(&f);
  const FkElfSym *sym = leaf_hash(&f);
  f.regs[IP] = BASE + sym->start; /* its first instruction */
  f.regs[BP] = 12345;             /* garbage: not a frame pointer */
  put(&f, 0, 0);                  /* returns to 0: the root */
  g_assert_cmpint(walk(&f, 64), ==, FK_UNWIND_ROOT);
  g_assert_cmpuint(f.frames->len, ==, 1);
  put(&f, 0, 0x1000); /* returns to unmapped code with rbp garbage */
  g_assert_cmpint(walk(&f, 64), ==, FK_UNWIND_STOP_NO_MAP);
  g_assert_cmpuint(f.frames->len, ==, 2);
  g_assert_cmpuint(pc_at(&f, 1), ==, 0x1000);
  guint64 rules, lookups;
  fk_unwinder_counts(f.u, &rules, &lookups);
  g_assert_cmpuint(rules, ==, 1); /* the same pc twice: compiled once */
  g_assert_cmpuint(lookups, ==, 2);
  teardown(&f);
}

/* Module answers: asked once per walk without a context; kept across walks
 * while the context stays the same (a process whose maps did not change),
 * asked again when it changes. */
static void
test_module_context(void)
{
  Fixture f;
  setup(&f);
  const FkElfSym *sym = leaf_hash(&f);
  f.regs[IP] = BASE + sym->start;
  put(&f, 0, 0); /* the root */
  for (int i = 0; i < 3; i++)
    g_assert_cmpint(walk(&f, 64), ==, FK_UNWIND_ROOT);
  g_assert_cmpuint(f.ctx.calls, ==, 3);
  f.ctx.calls = 0;
  f.in.context = 7;
  for (int i = 0; i < 3; i++)
    g_assert_cmpint(walk(&f, 64), ==, FK_UNWIND_ROOT);
  g_assert_cmpuint(f.ctx.calls, ==, 1);
  f.in.context = 8; /* the maps changed */
  g_assert_cmpint(walk(&f, 64), ==, FK_UNWIND_ROOT);
  g_assert_cmpuint(f.ctx.calls, ==, 2);
  f.in.context = 0;
  g_assert_cmpint(walk(&f, 64), ==, FK_UNWIND_ROOT);
  f.in.context = 8; /* a walk without context in between forgets */
  g_assert_cmpint(walk(&f, 64), ==, FK_UNWIND_ROOT);
  g_assert_cmpuint(f.ctx.calls, ==, 4);
  teardown(&f);
}

/* Registers without the sp, and an architecture whose walk is not done. */
static void
test_regs(void)
{
  Fixture f;
  setup(&f);
  f.in.regs_mask = 0xff0f7f; /* no SP bit */
  f.in.n_regs = N_REGS - 1;
  g_assert_cmpint(walk(&f, 64), ==, FK_UNWIND_STOP_REGS);
  f.in.regs_mask = 0xff0fff;
  f.in.n_regs = 3; /* fewer values than the mask says */
  g_assert_cmpint(walk(&f, 64), ==, FK_UNWIND_STOP_REGS);
  g_assert_nonnull(fk_unwind_arch_lookup("aarch64"));
  g_assert_false(fk_unwind_arch_walkable(fk_unwind_arch_lookup("aarch64")));
  f.in.arch = fk_unwind_arch_lookup("aarch64");
  f.in.n_regs = N_REGS;
  g_assert_cmpint(walk(&f, 64), ==, FK_UNWIND_STOP_REGS);
  g_assert_null(fk_unwind_arch_lookup("sparc"));
  teardown(&f);
}

/* A real sample: the fuzz seed cut from nofp.16k.data walks nofp's frames
 * into libc (outside the one module here). */
static void
test_real_sample(void)
{
  g_autofree char *data = NULL;
  gsize len;
  g_assert_true(g_file_get_contents("tests/fuzz/corpus/unwind/sample-0", &data, &len, NULL));
  g_assert_cmpuint(len, >, 9 + 8 * N_REGS);
  Fixture f;
  setup(&f);
  memcpy(f.regs, data + 9, sizeof f.regs);
  f.in.stack = (const guint8 *)data + 9 + sizeof f.regs;
  f.in.stack_len = len - 9 - sizeof f.regs;
  f.in.full = TRUE;
  FkUnwindOutcome o = walk(&f, 64);
  g_assert_cmpuint(f.frames->len, >=, 3);
  for (guint i = 0; i + 1 < f.frames->len; i++) /* every frame but the last is in nofp */
    g_assert_cmpuint(pc_at(&f, i) - BASE, <, 0x10000);
  g_assert_true(o == FK_UNWIND_STOP_NO_MAP || o == FK_UNWIND_TRUNCATED);
  teardown(&f);
}

/* [*LO, *HI): the addresses of E's .text, which must have one. */
static void
text_range(Elf *e, guint64 *lo, guint64 *hi)
{
  size_t shstrndx;
  g_assert_cmpint(elf_getshdrstrndx(e, &shstrndx), ==, 0);
  *lo = *hi = 0;
  for (Elf_Scn *scn = elf_nextscn(e, NULL); scn != NULL; scn = elf_nextscn(e, scn)) {
    GElf_Shdr sh;
    if (gelf_getshdr(scn, &sh) != NULL &&
        g_strcmp0(elf_strptr(e, shstrndx, sh.sh_name), ".text") == 0) {
      *lo = sh.sh_addr;
      *hi = sh.sh_addr + sh.sh_size;
    }
  }
  g_assert_cmpuint(*hi, >, *lo);
}

/* The step evaluates only the registers a compiled rule lists as changed and
 * drops those in its undefined mask; every other one keeps the callee's
 * value. So the list and the mask must say exactly what regs[] says, for
 * every rule: checked at every byte of nofp's .text, which must hold rules
 * with saved registers and with undefined ones for the check to mean
 * anything. */
static void
test_rule_steps(void)
{
  g_assert_true(fk_cfi_available());
  FkElf *elf = fk_elf_open_file("corpora/perf-dwarf/nofp", NULL);
  g_assert_nonnull(elf);
  Elf *e = fk_elf_handle(elf);
  guint64 lo, hi;
  text_range(e, &lo, &hi);
  const guint n_regs = 17; /* x86-64 */
  FkCfi *cfi = fk_cfi_new(e, e, n_regs);
  guint rules = 0, saving = 0, clobbering = 0;
  for (guint64 pc = lo; pc < hi; pc++) {
    const FkCfiRule *rule = fk_cfi_rule(cfi, pc);
    if (rule == NULL)
      continue;
    rules++;
    guint k = 0;
    guint64 undef = 0;
    for (guint r = 0; r < n_regs; r++) {
      if (r == rule->ra || rule->regs[r].kind == FK_RULE_SAME)
        continue;
      if (rule->regs[r].kind == FK_RULE_UNDEF) {
        undef |= G_GUINT64_CONSTANT(1) << r;
      } else {
        g_assert_cmpuint(k, <, rule->n_changed);
        g_assert_cmpuint(rule->changed[k], ==, r);
        k++;
      }
    }
    g_assert_cmpuint(k, ==, rule->n_changed);
    g_assert_cmphex(undef, ==, rule->undef_mask);
    saving += rule->n_changed > 0;
    clobbering += rule->undef_mask != 0;
  }
  g_assert_cmpuint(rules, >, 100);
  g_assert_cmpuint(saving, >, 0);
  g_assert_cmpuint(clobbering, >, 0);
  fk_cfi_free(cfi);
  fk_elf_free(elf);
}

/* A rule is simple (one bounds check, registers written in place) exactly
 * when its CFA is register + offset and the return address and every
 * changed register are AT_CFA or VAL_CFA; and the simple step gives what
 * the general one does: walks from every pc of nofp's .text with a rule,
 * over a stack of return addresses, stack addresses and other words, with
 * the copy cut at every length around the frame, the same outcome and the
 * same frames either way. */
static void
test_simple_step(void)
{
  Fixture f;
  setup(&f);
  Elf *e = fk_elf_handle(f.ctx.elf);
  guint64 lo, hi;
  text_range(e, &lo, &hi);
  FkCfi *cfi = fk_cfi_new(e, e, 17);
  for (guint i = 0; i < sizeof f.stack / 8; i++) {
    guint64 v = i % 3 == 0   ? BASE + lo + (i * 0x3b) % (hi - lo)
                : i % 3 == 1 ? STACK_AT + 8 * (i + 2)
                             : G_GUINT64_CONSTANT(0x1234) * i;
    put(&f, 8 * i, v);
  }
  guint simple = 0, walks = 0;
  GArray *general = g_array_new(FALSE, FALSE, sizeof(FkUnwindFrame));
  for (guint64 pc = lo; pc < hi; pc++) {
    const FkCfiRule *rule = fk_cfi_rule(cfi, pc);
    if (rule == NULL)
      continue;
    gboolean want = !rule->unsupported && rule->cfa.kind == FK_RULE_REG &&
                    rule->regs[rule->ra].kind == FK_RULE_AT_CFA &&
                    rule->n_changed <= FK_CFI_STEP_REGS;
    guint64 mask = 0;
    for (guint k = 0; k < rule->n_changed; k++) {
      guint8 kind = rule->regs[rule->changed[k]].kind;
      want = want && (kind == FK_RULE_AT_CFA || kind == FK_RULE_VAL_CFA);
      mask |= G_GUINT64_CONSTANT(1) << rule->changed[k];
    }
    g_assert_cmpint(rule->simple, ==, want);
    g_assert_cmphex(rule->changed_mask, ==, mask);
    /* the step the fast path reads says the same */
    g_assert_cmpint((rule->step.flags & FK_CFI_STEP_SIMPLE) != 0, ==, rule->simple);
    if (rule->simple) {
      g_assert_cmpuint(rule->step.cfa_reg, ==, rule->cfa.reg);
      g_assert_cmpint(rule->step.n_changed, ==, rule->n_changed);
      g_assert_cmphex(rule->step.changed_mask, ==, mask);
      g_assert_cmpint(rule->step.lo + rule->step.ra_at, ==, rule->regs[rule->ra].off);
    }
    simple += rule->simple;
    for (guint j = 0; j < N_REGS; j++)
      f.regs[j] = STACK_AT + 8 * j;
    f.regs[IP] = BASE + pc;
    f.regs[SP] = STACK_AT;
    for (gsize len = 0; len <= 64; len += 4) {
      f.in.stack_len = len == 64 ? sizeof f.stack : len;
      f.in.full = len % 8 == 4;
      fk_unwind_general_only = TRUE;
      FkUnwindOutcome og = walk(&f, 64);
      g_array_set_size(general, 0);
      g_array_append_vals(general, f.frames->data, f.frames->len);
      fk_unwind_general_only = FALSE;
      FkUnwindOutcome os = walk(&f, 64);
      g_assert_cmpint(os, ==, og);
      g_assert_cmpuint(f.frames->len, ==, general->len);
      g_assert_cmpmem(f.frames->data, f.frames->len * sizeof(FkUnwindFrame), general->data,
                      general->len * sizeof(FkUnwindFrame));
      walks++;
    }
  }
  g_assert_cmpuint(simple, >, 100);
  g_assert_cmpuint(walks, >, 1000);
  g_array_free(general, TRUE);
  fk_cfi_free(cfi);
  f.in.stack_len = sizeof f.stack;
  teardown(&f);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/unwind/fp-chain", test_fp_chain);
  g_test_add_func("/unwind/window", test_window);
  g_test_add_func("/unwind/jit", test_jit);
  g_test_add_func("/unwind/prefetch-reach", test_prefetch_reach);
  g_test_add_func("/unwind/cfi-leaf", test_cfi_leaf);
  g_test_add_func("/unwind/regs", test_regs);
  g_test_add_func("/unwind/module-context", test_module_context);
  g_test_add_func("/unwind/real-sample", test_real_sample);
  g_test_add_func("/unwind/rule-steps", test_rule_steps);
  g_test_add_func("/unwind/simple-step", test_simple_step);
  return g_test_run();
}
