/* linetable.h -- a DWARF 2-5 line-table decoder over raw sections.
 *
 * libdwarf's dwarf_srclines_b allocates an object per row, which made line
 * tables most of a cold lookup's cost on large binaries; this decodes a
 * unit's line program straight into an array. Section bytes come from
 * libelf, decompressed (SHF_COMPRESSED, zlib) when needed. */
#pragma once

#include <glib.h>
#include <libelf.h>

typedef struct {
  guint64 addr;
  guint32 file; /* the file number as the program gives it */
  guint32 line;
  guint32 order; /* row index, to keep table order among equal addresses */
  gboolean end;  /* DW_LNE_end_sequence */
} FkLineTableRow;

/* The contents of section NAME of ELF, decompressed; NULL when absent,
 * empty or not decodable. */
GBytes *fk_elf_section_bytes(Elf *elf, const char *name);

typedef struct {
  GBytes *line, *line_str, *str; /* .debug_line, .debug_line_str, .debug_str (may be NULL) */
} FkLineTableSections;

/* Decodes the line table at OFFSET of .debug_line: FILES gets the file
 * names in table order (interned in STRINGS; for versions before 5 entry 0
 * is file number 1), ROWS the rows in program order, *VERSION the table's
 * version. COMP_DIR (may be NULL) completes relative paths. FALSE when the
 * table is corrupt or uses a form this decoder does not know (the caller
 * then asks libdwarf); what was appended is then to be discarded. */
gboolean fk_linetable_decode(const FkLineTableSections *sec, guint64 offset, const char *comp_dir,
                             GStringChunk *strings, int *version, GPtrArray *files, GArray *rows);

/* The order lookups need: by address; at one address a sequence's end
 * before another sequence's rows, else table order (so that the last row
 * at an address wins, as in binutils). A total order: `order` is unique. */
int fk_linetable_row_cmp(gconstpointer a, gconstpointer b);

/* Sorts ROWS (FkLineTableRow, in program order) by fk_linetable_row_cmp. */
void fk_linetable_sort(GArray *rows);
