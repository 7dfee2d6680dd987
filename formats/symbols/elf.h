/* elf.h -- one ELF file, opened once: build id, PT_LOAD segments,
 * a sorted function symbol table, .gnu_debuglink, and the libelf handle the
 * DWARF index reads from. */
#pragma once

#include <glib.h>
#include <libelf.h>

typedef struct {
  guint64 start, end; /* [start, end) in the ELF's virtual addresses */
  const char *name;   /* raw (mangled, maybe versioned), owned by the FkElf */
  guint32 ties;       /* 0, or 1 + where its full ties start in the FkElf's tie list */
} FkElfSym;

typedef struct FkElf FkElf;

/* Opens the ELF at PATH (mapped privately, read-only in effect) or held in
 * BYTES (kept referenced). NULL with ERROR set when it is not a readable ELF
 * file. NAME is the path for messages. Corrupt section contents are skipped,
 * never fatal: whatever could be read is used. */
FkElf *fk_elf_open_file(const char *path, GError **error);
FkElf *fk_elf_open_bytes(const char *name, GBytes *bytes, GError **error);
void fk_elf_free(FkElf *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(FkElf, fk_elf_free)

const char *fk_elf_name(const FkElf *self);

/* The NT_GNU_BUILD_ID note, or NULL (LEN set to 0). */
const guint8 *fk_elf_build_id(const FkElf *self, gsize *len);

/* FILE_OFFSET (ip - map start + pgoff) to the address the symbol table and
 * DWARF use, through the PT_LOAD segment holding it. FALSE if none does. */
gboolean fk_elf_offset_to_vaddr(const FkElf *self, guint64 file_offset, guint64 *vaddr);

/* The inverse: the file offset of VADDR (tools and tests start from
 * addresses as addr2line takes them). */
gboolean fk_elf_vaddr_to_offset(const FkElf *self, guint64 vaddr, guint64 *file_offset);

/* The function symbol covering VADDR, or NULL. Symbols come from .symtab
 * when present, else .dynsym (as perf reads them); zero-sized symbols extend
 * to the next one; of aliases at one address, perf's choice is kept. The
 * table is built on first use. */
const FkElfSym *fk_elf_symbol_at(FkElf *self, guint64 vaddr);

/* The PLT stub holding VADDR as a symbol named `NAME@plt` (plt.h), or NULL;
 * only a file with code has stubs (a debug-only file's PLT is NOBITS). The
 * answer is valid until the next call. perf synthesizes these names and
 * prefers them to the symbol the PLT follows (`_init`, unsized, which
 * would otherwise run over the whole PLT). */
const FkElfSym *fk_elf_plt_at(FkElf *self, guint64 vaddr);

/* TRUE if NAME (raw) is another symbol at SYM's address that perf's rules
 * cannot tell from SYM (sized alike, same binding, as many leading
 * underscores, a name as long): identical code folded under several names,
 * as lld's --icf does to Rust's ToLowercase and ToUppercase iterators. Only
 * such names are kept; an alias the rules rank lower is not. */
gboolean fk_elf_symbol_tied(const FkElf *self, const FkElfSym *sym, const char *name);
gsize fk_elf_symbol_count(FkElf *self);

gboolean fk_elf_has_symtab(const FkElf *self); /* a full .symtab, not only .dynsym */
gboolean fk_elf_has_dwarf(const FkElf *self);  /* a .debug_info with contents */
gboolean fk_elf_has_code(const FkElf *self);   /* .text holds bytes (not a debug-only file) */

/* The .gnu_debuglink file name, or NULL. */
const char *fk_elf_debuglink(const FkElf *self);

/* Starts inflating SELF's zlib-compressed DWARF sections (.debug_info,
 * _abbrev, _line, _str, _rnglists, ...) on two threads of their own, so that
 * the work runs beside the caller's and the largest section (gcc's
 * .debug_info) beside the others. Only the compressed bytes of the image
 * are read there; nothing of libelf's. An FkElf of a file that another
 * FkElf of the run started on (the same device, inode, size and times)
 * takes that one's inflated bytes instead (inflatejob.h): the perf
 * reader's decoder starts what its symbolizing side reads.
 * fk_elf_inflate_finish waits for them
 * and puts the inflated bytes in place of the compressed ones, as
 * elf_compress(scn, 0, 0) would (libelf's Elf_Data and the section header);
 * sections that did not inflate stay compressed (libdwarf and
 * fk_elf_section_bytes inflate them themselves). Call finish before any
 * other use of the DWARF sections; fk_elf_free calls it. Both are no-ops
 * when there is nothing compressed, and start is once per ELF. .debug_line
 * is among the sections only when LINES (fk_dwarf_new's). */
void fk_elf_inflate_start(FkElf *self, gboolean lines);
void fk_elf_inflate_finish(FkElf *self);

/* What start and finish found wrong with the compressed DWARF sections, one
 * "SECTION: what" each (a header no zlib stream fits, a stream that is
 * corrupt or truncated), so that the caller can say why a file's DWARF is
 * missing; NULL when nothing was. Taken (the caller frees it): each is
 * reported once. Complete only after fk_elf_inflate_finish. */
GPtrArray *fk_elf_inflate_take_errors(FkElf *self);

/* The libelf handle, valid while SELF lives. */
Elf *fk_elf_handle(const FkElf *self);

/* Lowercase hex of a build id (NULL for len 0). */
char *fk_build_id_hex(const guint8 *id, gsize len);
