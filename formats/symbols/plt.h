/* plt.h -- names for the PLT stubs of an x86-64 ELF file: `NAME@plt`, as perf
 * synthesizes them (util/symbol-elf.c), so that a sample on a stub is named
 * by the function it jumps to, not by the symbol before the PLT (`_init`). */
#pragma once

#include <glib.h>
#include <gelf.h>

typedef struct {
  guint64 start, end; /* one stub, [start, end) in the ELF's virtual addresses */
  const char *name;   /* "memset@plt", owned by the table */
} FkPltStub;

typedef struct FkPltTable FkPltTable;

/* The name of the function at ADDR, or NULL (the file's symbol table). */
typedef const char *(*FkPltNameAt)(gpointer data, guint64 addr);

/* The stubs of .plt, .plt.sec and .plt.got of ELF, sorted by address; an
 * empty table for other machines, files without them (a debug-only file's
 * are NOBITS) or sections that cannot be read. Each stub is named by the GOT
 * slot its `jmp *disp(%rip)` reads, through .rela.plt (JUMP_SLOT) and
 * .rela.dyn (GLOB_DAT, for .plt.got), not by its place in the relocation
 * order: IRELATIVE slots (glibc's own ifunc calls) are not in PLT order;
 * they have no symbol, and are named by NAME_AT(DATA, resolver address),
 * else as objdump names them (`*ABS*+0x9f550@plt`).
 * The header entry of a lazy .plt, and a stub whose slot no relocation
 * names, get no name. */
FkPltTable *fk_plt_new(Elf *elf, FkPltNameAt name_at, gpointer data);
void fk_plt_free(FkPltTable *self);

/* The stub holding VADDR, or NULL. */
const FkPltStub *fk_plt_at(const FkPltTable *self, guint64 vaddr);
