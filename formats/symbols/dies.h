/* dies.h -- a native reader of DWARF 2-5 debugging information entries.
 *
 * libdwarf 20210528 finds the next sibling of a DIE that has no
 * DW_AT_sibling (rustc and gcc emit none) by reading the DIE's whole
 * subtree, so a scan that descends into namespaces reads every DIE once per
 * enclosing level: 80% of the DWARF index's cost on a Rust binary. This
 * reader walks .debug_info in section order with the abbreviations of its
 * unit, sizing each attribute by its form, so a subtree is read once. It
 * knows every form of DWARF 2-5 (DW_FORM_indirect included), the GNU
 * extension forms, 32- and 64-bit DWARF and DWARF 2's address-sized
 * DW_FORM_ref_addr, and decodes their raw values; what needs another
 * section (strings, .debug_addr, range lists) is left to the caller.
 *
 * Bad input never reads outside the sections and never loops: a form it
 * does not know, an abbreviation code missing from the table, or an entry
 * running past its unit makes the cursor fail, and every later call on it
 * returns FALSE. */
#pragma once

#include <glib.h>

typedef struct {
  const guint8 *info, *abbrev; /* .debug_info, .debug_abbrev (decompressed) */
  gsize info_len, abbrev_len;
  /* for values (fk_die_string, fk_die_address, fk_die_ranges); may be NULL */
  const guint8 *str, *line_str, *str_offsets, *addr, *ranges, *rnglists;
  gsize str_len, line_str_len, str_offsets_len, addr_len, ranges_len, rnglists_len;
} FkDieSections;

/* A unit header of .debug_info. */
typedef struct {
  guint64 offset;    /* of the header */
  guint64 first_die; /* offset of the unit DIE */
  guint64 end;       /* offset just past the unit */
  guint64 abbrev_offset;
  guint16 version;      /* 2..5 */
  guint8 unit_type;     /* DW_UT_*; DW_UT_compile before DWARF 5 */
  guint8 offset_size;   /* 4, or 8 in 64-bit DWARF */
  guint8 addr_size;     /* 1..8 */
  guint8 ref_addr_size; /* DW_FORM_ref_addr: the address size in DWARF 2, else offset_size */
  /* from the unit DIE, by fk_die_unit_bases (0 and FALSE until then) */
  gboolean has_str_offsets_base, has_addr_base, has_rnglists_base, has_low_pc;
  guint64 str_offsets_base, addr_base, rnglists_base;
  guint64 low_pc; /* the base address of the unit's range lists */
} FkDieUnit;

/* Reads the unit header at OFFSET of .debug_info. FALSE when it is
 * truncated, runs past the section, or has a version or size this reader
 * does not know. */
gboolean fk_die_unit_read(const FkDieSections *sec, guint64 offset, FkDieUnit *unit);

/* One attribute specification of an abbreviation. */
typedef struct {
  guint32 at, form;
  gint64 implicit_const; /* the value of DW_FORM_implicit_const */
} FkDieSpec;

typedef struct {
  guint64 code;
  guint32 tag;
  gboolean children;
  guint32 first, n; /* specs [first, first + n) of the table */
} FkDieAbbrev;

/* The abbreviation table at one offset of .debug_abbrev. */
typedef struct FkDieAbbrevs FkDieAbbrevs;

/* NULL when the table is truncated or runs past the section. */
FkDieAbbrevs *fk_die_abbrevs_new(const FkDieSections *sec, guint64 offset);
/* What reading UNIT's unit DIE (its first) needs of its table: the entry
 * of that DIE's code alone, the entries before it read and dropped, the rest
 * not read. Indexing libc6-dbg's 2,083 units made each whole table, 27 M
 * instructions, for one entry. NULL when the part read is truncated; the
 * whole table when the code cannot be read or is not in it. The rest of the
 * table is checked when the unit is walked (fk_die_abbrevs_new). */
FkDieAbbrevs *fk_die_unit_abbrevs(const FkDieSections *sec, const FkDieUnit *unit);
void fk_die_abbrevs_free(FkDieAbbrevs *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(FkDieAbbrevs, fk_die_abbrevs_free)

/* The abbreviation CODE, or NULL. */
const FkDieAbbrev *fk_die_abbrev_find(const FkDieAbbrevs *self, guint64 code);
/* Spec I of ABBREV. */
const FkDieSpec *fk_die_abbrev_spec(const FkDieAbbrevs *self, const FkDieAbbrev *abbrev, guint i);

typedef struct {
  guint64 offset;            /* of the DIE in .debug_info */
  const FkDieAbbrev *abbrev; /* NULL for a null entry (the end of a sibling list) */
  const guint8 *attrs;       /* its first attribute */
} FkDie;

/* A position in one unit. The structures it points to must outlive it. */
typedef struct {
  const FkDieSections *sec;
  const FkDieUnit *unit;
  const FkDieAbbrevs *abbrevs;
  const guint8 *p, *end; /* end: the unit's end */
  gboolean failed;
  guint64 fail_offset; /* where it failed */
  const char *why;     /* and why: a static string */
} FkDieCursor;

/* A cursor at OFFSET of .debug_info, which must lie in UNIT after its
 * header (else the cursor starts failed). */
void fk_die_cursor_init(FkDieCursor *c, const FkDieSections *sec, const FkDieUnit *unit,
                        const FkDieAbbrevs *abbrevs, guint64 offset);

/* Reads the entry at the cursor into *DIE and moves past its attributes:
 * to its first child when it has children, else to its next sibling or the
 * null entry ending its list. FALSE at the unit's end or when the cursor
 * fails. */
gboolean fk_die_next(FkDieCursor *c, FkDie *die);

/* With the cursor just after a DIE that has children: moves past its
 * subtree (and the null entry ending its children). FALSE when the cursor
 * fails; reaching the unit's end first is not a failure (a producer may
 * omit the trailing null entries). */
gboolean fk_die_skip_children(FkDieCursor *c);

/* An attribute's raw value. */
typedef struct {
  guint32 at, form; /* form: the actual one when the spec says DW_FORM_indirect */
  /* constants, flags, addresses, section offsets, string/address/list
   * indexes, signatures; references as global .debug_info offsets (unit
   * relative forms have the unit's offset added); lengths of blocks */
  guint64 u;
  gint64 s;           /* DW_FORM_sdata and DW_FORM_implicit_const (u holds the same bits) */
  const guint8 *data; /* blocks, exprloc, data16, inline strings (without the NUL) */
  gsize len;
} FkDieAttr;

typedef struct {
  const guint8 *p;
  guint i;
} FkDieAttrIter;

void fk_die_attr_iter_init(const FkDie *die, FkDieAttrIter *it);

/* The next attribute of DIE into *OUT; FALSE after the last, or when the
 * bytes do not decode (the cursor is failed then). */
gboolean fk_die_attr_next(FkDieCursor *c, const FkDie *die, FkDieAttrIter *it, FkDieAttr *out);

/* Reads the bases of UNIT's indexed forms and its base address from the
 * unit DIE (DW_AT_str_offsets_base, DW_AT_addr_base, DW_AT_rnglists_base,
 * DW_AT_low_pc). FALSE when the unit DIE does not read. */
gboolean fk_die_unit_bases(const FkDieSections *sec, FkDieUnit *unit, const FkDieAbbrevs *abbrevs);

/* The string of A (DW_FORM_string, strp, line_strp, strx*), in the
 * sections; NULL for another form or one that points outside them. */
const char *fk_die_string(const FkDieSections *sec, const FkDieUnit *unit, const FkDieAttr *a);

/* The address of A (DW_FORM_addr, addrx*); FALSE for another form or an
 * index outside .debug_addr. */
gboolean fk_die_address(const FkDieSections *sec, const FkDieUnit *unit, const FkDieAttr *a,
                        guint64 *out);

typedef struct {
  guint64 lo, hi;
} FkDieRange;

/* Appends to OUT (FkDieRange) the non-empty ranges of the DW_AT_ranges
 * value A: DWARF 2-4 .debug_ranges (relative to BASE, the unit's base
 * address, until a base address selection), DWARF 5 .debug_rnglists
 * (DW_FORM_sec_offset or rnglistx; offset pairs relative to BASE until a
 * DW_RLE_base_address). FALSE when the list does not decode (what was
 * appended is kept, as a reader stopping there would). */
gboolean fk_die_ranges(const FkDieSections *sec, const FkDieUnit *unit, const FkDieAttr *a,
                       guint64 base, GArray *out);
