/* dwarf.h -- inline frames and source lines from DWARF 4/5.
 *
 * Indexed once per ELF: the address ranges of every compile unit up front,
 * then, the first time an address falls in a CU, that CU's functions with
 * their inlined-subroutine trees and its line table. A lookup is then two
 * binary searches and a walk down one function's inline tree. libdwarf
 * errors never abort: every call passes a Dwarf_Error and a broken CU or
 * DIE is skipped. */
#pragma once

#include <glib.h>
#include <libelf.h>

typedef struct {
  const char *name; /* raw: linkage name when there is one, else DW_AT_name; may be NULL */
  const char *file; /* source path of the location in this frame, or NULL */
  guint line;       /* 0 when unknown */
} FkDwFrame;

typedef struct FkDwarf FkDwarf;

/* NULL (and no error worth reporting) when ELF has no usable .debug_info.
 * Line tables are read only when LINES: names and inline frames do not need
 * them, and .debug_line is a seventh of the compressed DWARF a dwarf
 * capture inflates (libc6-dbg, a Rust binary); without them lookups give
 * no file:line, and a pc no function covers gives no frame. */
FkDwarf *fk_dwarf_new(Elf *elf, gboolean lines);
void fk_dwarf_free(FkDwarf *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(FkDwarf, fk_dwarf_free)

/* Fills FRAMES (FkDwFrame, strings owned by SELF) for PC, outermost first:
 * the subprogram, then each inlined subroutine down to the innermost. The
 * innermost frame's file:line is the line-table row of PC; each outer frame
 * gets the call site recorded on the frame inlined into it, as
 * `addr2line -i` prints them (with the tables made with LINES). FALSE (FRAMES empty) when no
 * function covers PC; a line-only answer (no subprogram DIE) gives one frame, name NULL. */
gboolean fk_dwarf_lookup(FkDwarf *self, guint64 pc, GArray *frames);

/* The units whose DIEs stopped reading since the last call (a form or an
 * abbreviation code the reader does not know, a truncated entry): one
 * message each, ".debug_info+0xOFFSET: WHY", or NULL when there are none.
 * The functions read before the stop keep their inline frames; those after
 * it get none. Owned by the caller. */
GPtrArray *fk_dwarf_take_errors(FkDwarf *self);
