/* user-stack.c -- the perf-data reader's user-stack hook (see the
 * header). Module answers come from the process's maps (a JIT's anonymous
 * memory stops the walk) and the symbolizer (the ELF files it already found
 * by build id, path or debug link: the binary's .eh_frame, the debug file's
 * .debug_frame). */
#include "user-stack.h"

#include <string.h>
#include <sys/utsname.h>

#define PD_UNWIND_MAX_FRAMES 4096
#define PD_UNWIND_MAX_REGS 64

struct PdUnwind {
  PdUnwindMethod method;
  const FkUnwindArch *arch;
  PdMaps *maps;
  FkSymbolizer *sym;
  FkUnwinder *unwinder;
  gint64 pid;               /* of the sample being walked */
  GHashTable *met;          /* "path\nbuild id" of every mapping met */
  GArray *touched;          /* PdUnwindTouch */
  const PdMap *last_met[4]; /* the last few mappings found in met */
  guint64 last_stamp;       /* pd_maps_stamp of the process last_met holds for, + pid */
  gint64 last_pid;
  guint64 outcomes[FK_UNWIND_N_OUTCOMES];
  guint64 count;
};

gboolean
pd_unwind_parse_method(const char *s, PdUnwindMethod *out)
{
  if (s == NULL || strcmp(s, "auto") == 0)
    *out = PD_UNWIND_AUTO;
  else if (strcmp(s, "dwarf") == 0)
    *out = PD_UNWIND_DWARF;
  else if (strcmp(s, "fp") == 0)
    *out = PD_UNWIND_FP;
  else if (strcmp(s, "none") == 0)
    *out = PD_UNWIND_NONE;
  else
    return FALSE;
  return TRUE;
}

/* Records M in self->touched the first time a mapping of its path and
 * build id is met: the symbolizer's files are found per path and build id. */
static void
note_met(PdUnwind *self, const PdMap *m, guint64 pc)
{
  guint64 stamp = pd_maps_stamp(self->maps, self->pid);
  if (stamp != self->last_stamp || self->pid != self->last_pid) {
    memset(self->last_met, 0, sizeof self->last_met);
    self->last_stamp = stamp;
    self->last_pid = self->pid;
  }
  for (guint i = 0; i < G_N_ELEMENTS(self->last_met); i++)
    if (self->last_met[i] == m)
      return;
  memmove(&self->last_met[1], &self->last_met[0],
          (G_N_ELEMENTS(self->last_met) - 1) * sizeof self->last_met[0]);
  self->last_met[0] = m;
  GString *k = g_string_new(m->path);
  g_string_append_c(k, '\n');
  for (guint i = 0; i < m->build_id_len; i++)
    g_string_append_printf(k, "%02x", m->build_id[i]);
  if (g_hash_table_contains(self->met, k->str)) {
    g_string_free(k, TRUE);
    return;
  }
  g_hash_table_add(self->met, g_string_free(k, FALSE));
  PdUnwindTouch t = {*m, pc};
  g_array_append_val(self->touched, t);
}

static FkUnwindModuleKind
find_module(gpointer ctx, guint64 pc, FkUnwindModule *out)
{
  PdUnwind *self = ctx;
  const PdMap *m = pd_maps_find(self->maps, self->pid, pc);
  if (m == NULL)
    return FK_UNWIND_MODULE_NONE;
  out->start = m->start;
  out->end = m->end;
  if (m->kind & PD_MAP_NO_CFI)
    return FK_UNWIND_MODULE_JIT;
  FkMapping fm = {
      .path = m->path,
      .build_id = m->build_id_len ? m->build_id : NULL,
      .build_id_len = m->build_id_len,
      .start = m->start,
      .len = m->end - m->start,
      .pgoff = m->pgoff,
      .pid = self->pid,
      .kind = FK_MAPPING_KNOWN | (m->kind & PD_MAP_KALLSYMS ? FK_MAPPING_KALLSYMS : 0) |
              (m->kind & PD_MAP_PERF_MAP ? FK_MAPPING_PERF_MAP : 0),
  };
  note_met(self, m, pc);
  if (!fk_symbolizer_unwind_files(self->sym, &fm, pc, &out->eh_elf, &out->debug_elf, &out->bias,
                                  &out->key))
    return FK_UNWIND_MODULE_NO_ELF;
  return FK_UNWIND_MODULE_ELF;
}

PdUnwind *
pd_unwind_new(PdUnwindMethod method, const char *arch, PdMaps *maps, FkSymbolizer *sym)
{
  PdUnwind *self = g_new0(PdUnwind, 1);
  self->method = method;
  struct utsname u;
  if (arch == NULL && uname(&u) == 0)
    self->arch = fk_unwind_arch_lookup(u.machine);
  else
    self->arch = fk_unwind_arch_lookup(arch);
  self->maps = maps;
  self->sym = sym;
  self->unwinder = fk_unwinder_new(find_module, self);
  self->met = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  self->touched = g_array_new(FALSE, FALSE, sizeof(PdUnwindTouch));
  return self;
}

void
pd_unwind_free(PdUnwind *self)
{
  if (self == NULL)
    return;
  fk_unwinder_free(self->unwinder);
  g_hash_table_destroy(self->met);
  g_array_free(self->touched, TRUE);
  g_free(self);
}

FkUnwindOutcome
pd_unwind_sample(PdUnwind *self, gint64 pid, guint64 regs_mask, const guint8 *regs, guint n_regs,
                 const guint8 *stack, guint64 size, guint64 dyn_size, gboolean swapped,
                 GArray *frames)
{
  guint64 values[PD_UNWIND_MAX_REGS];
  n_regs = MIN(n_regs, PD_UNWIND_MAX_REGS);
  memcpy(values, regs, 8u * n_regs);
  FkUnwindInput in = {
      .arch = swapped ? NULL : self->arch,
      .regs_mask = regs_mask,
      .regs = values,
      .n_regs = n_regs,
      .stack = stack,
      .stack_len = (gsize)MIN(dyn_size, size),
      .full = dyn_size >= size && size > 0,
      .fp_only = self->method == PD_UNWIND_FP,
      /* unique to the process and the state of its maps (0: none known),
       * so module answers are reused until an MMAP or FORK changes them */
      .context = pd_maps_stamp(self->maps, pid),
  };
  self->pid = pid;
  FkUnwindOutcome o = fk_unwind(self->unwinder, &in, frames, PD_UNWIND_MAX_FRAMES);
  self->outcomes[o]++;
  self->count++;
  return o;
}

const PdUnwindTouch *
pd_unwind_touched(const PdUnwind *self, guint *n)
{
  *n = self->touched->len;
  return (const PdUnwindTouch *)(gconstpointer)self->touched->data;
}

void
pd_unwind_touched_clear(PdUnwind *self)
{
  g_array_set_size(self->touched, 0);
}

const guint64 *
pd_unwind_outcomes(const PdUnwind *self)
{
  return self->outcomes;
}

guint64
pd_unwind_count(const PdUnwind *self)
{
  return self->count;
}

char *
pd_unwind_summary(const PdUnwind *self)
{
  if (self == NULL || self->count == 0)
    return NULL;
  const guint64 *o = self->outcomes;
  GString *s = g_string_new(NULL);
  g_string_append_printf(s,
                         "%" G_GUINT64_FORMAT " samples unwound with %s: %" G_GUINT64_FORMAT
                         " to a root, %" G_GUINT64_FORMAT
                         " cut by the stack copy size (marked [truncated])",
                         self->count, self->method == PD_UNWIND_FP ? "frame pointers" : "DWARF",
                         o[FK_UNWIND_ROOT], o[FK_UNWIND_TRUNCATED]);
  guint64 stopped = self->count - o[FK_UNWIND_ROOT] - o[FK_UNWIND_TRUNCATED];
  g_string_append_printf(s, ", %" G_GUINT64_FORMAT " stopped early", stopped);
  const char *sep = " (";
  for (guint i = FK_UNWIND_STOP_NO_MAP; i < FK_UNWIND_N_OUTCOMES; i++)
    if (o[i] > 0) {
      g_string_append_printf(s, "%s%" G_GUINT64_FORMAT " at %s", sep, o[i],
                             fk_unwind_outcome_text((FkUnwindOutcome)i));
      sep = ", ";
    }
  if (stopped > 0)
    g_string_append(s, ")");
  if (self->arch != NULL && !fk_unwind_arch_walkable(self->arch))
    g_string_append_printf(s, "; %s captures are not unwound yet", fk_unwind_arch_name(self->arch));
  return g_string_free(s, FALSE);
}
