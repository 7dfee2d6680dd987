/* plt.c -- NAME@plt for the PLT stubs of an x86-64 ELF file (plt.h). */
#include "plt.h"

#include <stdlib.h>
#include <string.h>

#include "../names.h"
#include "../sorted.h"

struct FkPltTable {
  GArray *stubs; /* FkPltStub, by start */
  GStringChunk *names;
};

typedef struct {
  guint64 slot;
  const char *name; /* in the table's chunk */
} PltSlot;

/* More stubs than any linker makes (glibc has a few dozen, big C++ programs
 * some thousands): a hostile section header cannot make the table huge. */
#define PLT_MAX_STUBS (1u << 20)

static int
cmp_slot(gconstpointer pa, gconstpointer pb)
{
  const PltSlot *a = pa, *b = pb;
  return a->slot < b->slot ? -1 : a->slot > b->slot;
}

static int
cmp_stub(gconstpointer pa, gconstpointer pb)
{
  const FkPltStub *a = pa, *b = pb;
  return a->start < b->start ? -1 : a->start > b->start;
}

static const char *
slot_name(const GArray *slots, guint64 slot)
{
  PltSlot key = {slot, NULL};
  const PltSlot *hit = bsearch(&key, slots->data, slots->len, sizeof(PltSlot), cmp_slot);
  return hit != NULL ? hit->name : NULL;
}

/* Every GOT slot a dynamic relocation names: JUMP_SLOT and GLOB_DAT by their
 * symbol, IRELATIVE (no symbol, its resolver's address as addend) by
 * NAME_AT the resolver, the ifunc the program called (`strnlen`). */
static void
collect_slots(FkPltTable *self, Elf *elf, FkPltNameAt name_at, gpointer data, GArray *slots)
{
  for (Elf_Scn *scn = elf_nextscn(elf, NULL); scn != NULL; scn = elf_nextscn(elf, scn)) {
    GElf_Shdr sh, symsh;
    if (gelf_getshdr(scn, &sh) == NULL || (sh.sh_type != SHT_RELA && sh.sh_type != SHT_REL) ||
        sh.sh_entsize == 0)
      continue;
    Elf_Data *d = elf_getdata(scn, NULL);
    if (d == NULL)
      continue;
    Elf_Scn *symscn = sh.sh_link != 0 ? elf_getscn(elf, sh.sh_link) : NULL;
    Elf_Data *symd = symscn != NULL ? elf_getdata(symscn, NULL) : NULL;
    if (symscn != NULL && gelf_getshdr(symscn, &symsh) == NULL)
      symd = NULL;
    gsize n = MIN(sh.sh_size / sh.sh_entsize, d->d_size / sh.sh_entsize);
    for (gsize i = 0; i < n && slots->len < PLT_MAX_STUBS; i++) {
      GElf_Rela r;
      if (sh.sh_type == SHT_RELA) {
        if (gelf_getrela(d, (int)i, &r) == NULL)
          break;
      } else {
        GElf_Rel rel;
        if (gelf_getrel(d, (int)i, &rel) == NULL)
          break;
        r.r_offset = rel.r_offset, r.r_info = rel.r_info, r.r_addend = 0;
      }
      guint type = GELF_R_TYPE(r.r_info);
      const char *name = NULL;
      char buf[48];
      if (type == R_X86_64_JUMP_SLOT || type == R_X86_64_GLOB_DAT) {
        GElf_Sym s;
        if (symd == NULL || GELF_R_SYM(r.r_info) == 0 ||
            gelf_getsym(symd, (int)GELF_R_SYM(r.r_info), &s) == NULL)
          continue;
        name = elf_strptr(elf, symsh.sh_link, s.st_name);
      } else if (type == R_X86_64_IRELATIVE) {
        name = name_at != NULL ? name_at(data, (guint64)r.r_addend) : NULL;
        if (name == NULL) {
          /* objdump's name for it */
          g_snprintf(buf, sizeof buf, "*ABS*+0x%" G_GINT64_MODIFIER "x", (guint64)r.r_addend);
          name = buf;
        }
      }
      if (name == NULL || name[0] == '\0')
        continue;
      /* a versioned .symtab name (`memcpy@@GLIBC_2.14`) without its version */
      g_autofree char *full =
          g_strdup_printf("%.*s@plt", (int)fk_name_version_start(name, strlen(name)), name);
      PltSlot ps = {r.r_offset, g_string_chunk_insert_const(self->names, full)};
      g_array_append_val(slots, ps);
    }
  }
  g_array_sort(slots, cmp_slot);
}

/* The GOT slot the stub at ADDR (BYTES[0..LEN)) jumps through: the first
 * `jmp *disp32(%rip)` (ff 25, maybe after endbr64 and a bnd prefix). */
static gboolean
stub_slot(const guint8 *bytes, gsize len, guint64 addr, guint64 *slot)
{
  for (gsize i = 0; i + 6 <= len; i++) {
    if (bytes[i] == 0xff && bytes[i + 1] == 0x25) {
      gint32 disp;
      memcpy(&disp, bytes + i + 2, 4);
      *slot = addr + i + 6 + (guint64)(gint64)disp;
      return TRUE;
    }
  }
  return FALSE;
}

FkPltTable *
fk_plt_new(Elf *elf, FkPltNameAt name_at, gpointer data)
{
  FkPltTable *self = g_new0(FkPltTable, 1);
  self->stubs = g_array_new(FALSE, FALSE, sizeof(FkPltStub));
  self->names = g_string_chunk_new(1024);
  GElf_Ehdr eh;
  size_t shstrndx;
  if (elf == NULL || gelf_getehdr(elf, &eh) == NULL || eh.e_machine != EM_X86_64 ||
      elf_getshdrstrndx(elf, &shstrndx) != 0)
    return self;
  Elf_Scn *plts[8];
  guint nplts = 0;
  for (Elf_Scn *scn = elf_nextscn(elf, NULL); scn != NULL; scn = elf_nextscn(elf, scn)) {
    GElf_Shdr sh;
    if (gelf_getshdr(scn, &sh) == NULL)
      continue;
    const char *name = elf_strptr(elf, shstrndx, sh.sh_name);
    if (name != NULL && sh.sh_type == SHT_PROGBITS && (sh.sh_flags & SHF_EXECINSTR) &&
        (strcmp(name, ".plt") == 0 || strcmp(name, ".plt.sec") == 0 ||
         strcmp(name, ".plt.got") == 0) &&
        nplts < G_N_ELEMENTS(plts))
      plts[nplts++] = scn;
  }
  if (nplts == 0)
    return self;
  g_autoptr(GArray) slots = g_array_new(FALSE, FALSE, sizeof(PltSlot));
  collect_slots(self, elf, name_at, data, slots);
  if (slots->len == 0)
    return self;
  for (guint k = 0; k < nplts; k++) {
    GElf_Shdr sh;
    Elf_Data *d = elf_getdata(plts[k], NULL);
    if (gelf_getshdr(plts[k], &sh) == NULL || d == NULL || d->d_buf == NULL)
      continue;
    const char *name = elf_strptr(elf, shstrndx, sh.sh_name);
    /* 16-byte stubs, 8 in a .plt.got without IBT; sh_entsize says, when set */
    gsize esz = sh.sh_entsize == 8 || sh.sh_entsize == 16       ? sh.sh_entsize
                : name != NULL && strcmp(name, ".plt.got") == 0 ? 8
                                                                : 16;
    gsize size = MIN(sh.sh_size, d->d_size);
    for (gsize off = 0; off + esz <= size && self->stubs->len < PLT_MAX_STUBS; off += esz) {
      guint64 slot;
      if (!stub_slot((const guint8 *)d->d_buf + off, esz, sh.sh_addr + off, &slot))
        continue;
      const char *n = slot_name(slots, slot);
      if (n == NULL)
        continue;
      FkPltStub st = {sh.sh_addr + off, sh.sh_addr + off + esz, n};
      g_array_append_val(self->stubs, st);
    }
  }
  g_array_sort(self->stubs, cmp_stub);
  return self;
}

void
fk_plt_free(FkPltTable *self)
{
  if (self == NULL)
    return;
  g_array_unref(self->stubs);
  g_string_chunk_free(self->names);
  g_free(self);
}

const FkPltStub *
fk_plt_at(const FkPltTable *self, guint64 vaddr)
{
  guint lo = FK_SORTED_UPTO(self->stubs, FkPltStub, start, vaddr);
  if (lo == 0)
    return NULL;
  const FkPltStub *s = &g_array_index(self->stubs, FkPltStub, lo - 1);
  return vaddr < s->end ? s : NULL;
}
