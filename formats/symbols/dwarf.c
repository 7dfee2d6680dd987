/* dwarf.c -- a per-ELF DWARF index: DIEs read natively (dies.c), line
 * tables natively (linetable.c), libdwarf 20210528 only for a line table
 * the native decoder declines. */
#include "dwarf.h"
#include "dies.h"
#include "linetable.h"
#include "../sorted.h"

#include <dwarf.h>
#include <gelf.h>
#include <libdwarf.h>
#include <string.h>

typedef struct {
  guint64 lo, hi;
  guint idx; /* CU index, or node index */
} DwRange;

/* A subprogram or inlined subroutine. Children are inlined subroutines
 * (lexical blocks are flattened away). */
typedef struct {
  const char *name; /* resolved on first use (most are never asked for) */
  Dwarf_Off die;    /* global offset of the DIE, to resolve the name */
  gboolean named;
  const char *call_file;
  guint call_line;
  guint first_range, n_ranges; /* into DwCu.node_ranges */
  gint first_child, last_child, next_sibling;
  gboolean expanded; /* a function's inline tree is read on its first hit */
} DwNode;

typedef FkLineTableRow DwRow;

typedef struct {
  Dwarf_Off offset; /* of the CU DIE */
  guint64 header;   /* of the unit header */
  gboolean parsed;
  FkDieUnit unit;              /* with its bases */
  gboolean unit_ok;            /* its header, abbreviations and unit DIE read */
  const FkDieAbbrevs *abbrevs; /* owned by FkDwarf.abbrevs, loaded on first use */
  GArray *nodes;               /* DwNode */
  GArray *node_ranges;         /* DwRange, idx = node */
  GArray *funcs;               /* DwRange over top-level nodes, sorted */
  GPtrArray *files;            /* const char* (in strings) */
  GArray *rows;                /* DwRow sorted */
  int line_version;
  guint64 base; /* the CU's base address, for DWARF 4 ranges */
} DwCu;

struct FkDwarf {
  Dwarf_Debug dbg; /* made only for a line table the native decoder declines */
  gboolean dbg_tried;
  gboolean lines; /* line tables read (fk_dwarf_new) */
  Elf *elf;
  FkLineTableSections sec; /* .debug_line, .debug_line_str, .debug_str */
  GStringChunk *strings;
  GArray *cus;       /* DwCu, by offset */
  GArray *cu_ranges; /* DwRange sorted by lo */
  /* .debug_info, .debug_abbrev, .debug_str_offsets, .debug_addr,
   * .debug_ranges, .debug_rnglists (the others are in sec) */
  GBytes *info, *abbrev, *str_offsets, *addr, *ranges, *rnglists;
  FkDieSections die_sec;
  GHashTable *abbrevs; /* .debug_abbrev offset -> FkDieAbbrevs (units may share one) */
  GPtrArray *errors;   /* char*: units the walk stopped in, not yet taken */
};

#define DWERR_FREE(dbg, err)                                                                       \
  do {                                                                                             \
    if ((err) != NULL) {                                                                           \
      dwarf_dealloc_error((dbg), (err));                                                           \
      (err) = NULL;                                                                                \
    }                                                                                              \
  } while (0)

static const char *
keep(FkDwarf *self, const char *s)
{
  return s != NULL ? g_string_chunk_insert_const(self->strings, s) : NULL;
}

static int
cmp_range(gconstpointer pa, gconstpointer pb)
{
  const DwRange *a = pa, *b = pb;
  if (a->lo != b->lo)
    return a->lo < b->lo ? -1 : 1;
  if (a->hi != b->hi)
    return a->hi < b->hi ? -1 : 1;
  return a->idx < b->idx ? -1 : a->idx > b->idx;
}

/* TRUE when the unit headers of a DWARF 5 .debug_rnglists/.debug_loclists
 * section hold together. libdwarf 20210528 loads both with .debug_info and
 * frees memory twice on some bad headers (found by fuzz-symbolize-elf), so a
 * file whose headers do not check out is not given to it at all. */
static gboolean
lists_sane(Elf *elf, const char *name)
{
  g_autoptr(GBytes) b = fk_elf_section_bytes(elf, name);
  if (b == NULL)
    return TRUE; /* absent (or undecodable: libdwarf will not read it either) */
  gsize len;
  const guint8 *p = g_bytes_get_data(b, &len), *end = p + len;
  while (p < end) {
    gsize left = (gsize)(end - p);
    if (left < 4)
      return FALSE;
    guint64 unit = (guint64)p[0] | (guint64)p[1] << 8 | (guint64)p[2] << 16 | (guint64)p[3] << 24;
    gsize hdr = 4, osize = 4;
    if (unit == 0xffffffffu) {
      if (left < 12)
        return FALSE;
      unit = 0;
      for (int i = 0; i < 8; i++)
        unit |= (guint64)p[4 + i] << (8 * i);
      hdr = 12;
      osize = 8;
    }
    if (unit > left - hdr || unit < 8)
      return FALSE;
    const guint8 *u = p + hdr;
    guint version = u[0] | (guint)u[1] << 8;
    guint asize = u[2], segsize = u[3];
    guint64 count = (guint64)u[4] | (guint64)u[5] << 8 | (guint64)u[6] << 16 | (guint64)u[7] << 24;
    if (version != 5 || (asize != 4 && asize != 8) || segsize != 0 || count > (unit - 8) / osize)
      return FALSE;
    p = u + unit;
  }
  return TRUE;
}

/* Decompresses, in the in-memory image, the compressed sections of ELF
 * named in NAMES. */
static void
decompress_named(Elf *elf, const char *const *names, gsize n_names)
{
  size_t shstrndx;
  if (elf_getshdrstrndx(elf, &shstrndx) != 0)
    return;
  for (Elf_Scn *scn = elf_nextscn(elf, NULL); scn != NULL; scn = elf_nextscn(elf, scn)) {
    GElf_Shdr sh;
    if (gelf_getshdr(scn, &sh) == NULL || !(sh.sh_flags & SHF_COMPRESSED))
      continue;
    const char *n = elf_strptr(elf, shstrndx, sh.sh_name);
    for (gsize i = 0; n != NULL && i < n_names; i++)
      if (strcmp(n, names[i]) == 0) {
        (void)elf_compress(scn, 0, 0); /* on failure libdwarf inflates it itself */
        break;
      }
  }
}

/* Decompresses, in the in-memory image, the DWARF sections both libdwarf
 * and this index read, so that each is inflated once instead of twice;
 * .debug_line (the last) only when LINES. */
static void
decompress_sections(Elf *elf, gboolean lines)
{
  static const char *const names[] = {".debug_info", ".debug_abbrev",      ".debug_line_str",
                                      ".debug_str",  ".debug_rnglists",    ".debug_ranges",
                                      ".debug_addr", ".debug_str_offsets", ".debug_line"};
  decompress_named(elf, names, G_N_ELEMENTS(names) - (lines ? 0 : 1));
}

static gpointer
set_untracked(gpointer unused)
{
  (void)unused;
  dwarf_set_de_alloc_flag(0);
  return NULL;
}

/* libdwarf records every DIE, attribute and error it hands out in a search
 * tree per Dwarf_Debug, so that dwarf_finish can free what a caller forgot:
 * a tree insert and delete per object, 5% of a dwarf capture's run (the
 * scan of a CU allocates a DIE per child). This index deallocates every
 * object it gets (valgrind --leak-check over the dwarf corpora with
 * --srcline finds nothing lost), so the tracking is turned off, once per
 * process and before any Dwarf_Debug is made here: the flag is libdwarf's
 * global, read by every allocation. A Dwarf_Debug made with tracking on
 * (none here) would stay consistent: libdwarf deletes from its tree
 * whenever the tree exists. */
static void
untracked_allocations(void)
{
  static GOnce once = G_ONCE_INIT;
  g_once(&once, set_untracked, NULL);
}

typedef struct {
  FkDwarf *dw;
  DwCu *cu;
  int depth;
  gboolean expanding; /* inside one function's DIE (else scanning the CU) */
  FkDieCursor c;
} DwWalk;

static const char *
file_name(DwCu *cu, guint64 f)
{
  /* DWARF 5 file numbers are 0-based, earlier ones 1-based */
  if (cu->line_version < 5) {
    if (f == 0)
      return NULL;
    f--;
  }
  return cu->files != NULL && f < cu->files->len ? g_ptr_array_index(cu->files, f) : NULL;
}

/* A constant as libdwarf's dwarf_formudata gives it (then formsdata for
 * what formudata rejects, when it is not negative). */
static gboolean
form_constant(const FkDieAttr *a, guint64 *out)
{
  switch (a->form) {
  case DW_FORM_data1:
  case DW_FORM_data2:
  case DW_FORM_data4:
  case DW_FORM_data8:
  case DW_FORM_udata:
    *out = a->u;
    return TRUE;
  case DW_FORM_sdata:
  case DW_FORM_implicit_const:
    if (a->s < 0)
      return FALSE;
    *out = a->u;
    return TRUE;
  default:
    return FALSE;
  }
}

/* What the index reads of a DIE: its address range, a subroutine's call
 * site, a unit's line table and directory. */
typedef struct {
  gboolean lo_set, hi_set, ranges_set, file_set, line_set, stmt_set;
  FkDieAttr lo, hi, ranges;
  guint64 file, line, stmt;
  const char *comp_dir;
} DwAttrs;

static gboolean
read_attrs(FkDwarf *self, DwCu *cu, FkDieCursor *c, const FkDie *d, DwAttrs *da)
{
  memset(da, 0, sizeof *da);
  FkDieAttrIter it;
  FkDieAttr a;
  fk_die_attr_iter_init(d, &it);
  while (fk_die_attr_next(c, d, &it, &a)) {
    switch (a.at) {
    case DW_AT_low_pc:
      da->lo = a;
      da->lo_set = TRUE;
      break;
    case DW_AT_high_pc:
      da->hi = a;
      da->hi_set = TRUE;
      break;
    case DW_AT_ranges:
      da->ranges = a;
      da->ranges_set = TRUE;
      break;
    case DW_AT_call_file:
      da->file_set = form_constant(&a, &da->file);
      break;
    case DW_AT_call_line:
      da->line_set = form_constant(&a, &da->line);
      break;
    case DW_AT_stmt_list:
      /* DW_FORM_sec_offset, or data4/data8 before DWARF 4 */
      if (a.form == DW_FORM_sec_offset || a.form == DW_FORM_data4 || a.form == DW_FORM_data8) {
        da->stmt = a.u;
        da->stmt_set = TRUE;
      }
      break;
    case DW_AT_comp_dir:
      da->comp_dir = fk_die_string(&self->die_sec, &cu->unit, &a);
      break;
    default:
      break;
    }
  }
  return !c->failed;
}

/* Appends the address ranges of a DIE (idx = IDX) to OUT, as libdwarf
 * gives them: low_pc/high_pc (high_pc a length when it is a constant), else
 * DW_AT_ranges (relative to the unit's base address BASE). FALSE when the
 * DIE has none. */
static gboolean
die_ranges(FkDwarf *self, DwCu *cu, const DwAttrs *da, guint64 base, guint idx, GArray *out)
{
  guint64 lo, hi;
  if (da->lo_set && da->hi_set && fk_die_address(&self->die_sec, &cu->unit, &da->lo, &lo)) {
    gboolean ok = TRUE;
    if (!fk_die_address(&self->die_sec, &cu->unit, &da->hi, &hi)) {
      ok = form_constant(&da->hi, &hi);
      hi += lo;
    }
    if (ok && hi > lo) {
      DwRange r = {lo, hi, idx};
      g_array_append_val(out, r);
      return TRUE;
    }
    /* a CU with DW_AT_ranges also carries low_pc 0 as its base: go on */
  }
  if (!da->ranges_set)
    return FALSE;
  g_autoptr(GArray) rs = g_array_new(FALSE, FALSE, sizeof(FkDieRange));
  (void)fk_die_ranges(&self->die_sec, &cu->unit, &da->ranges, base, rs);
  for (guint i = 0; i < rs->len; i++) {
    const FkDieRange *x = &g_array_index(rs, FkDieRange, i);
    DwRange r = {x->lo, x->hi, idx};
    g_array_append_val(out, r);
  }
  return rs->len > 0;
}

static const FkDieAbbrevs *abbrevs_at(FkDwarf *self, guint64 off);
static void report(FkDwarf *self, guint64 at, const char *why, guint64 unit);

/* CU's abbreviations, or NULL when the unit is not read. Loaded when the
 * unit is first parsed or named into, not by the index: libc's 2,075
 * tables hold 312k attribute specs, 7 MB. */
static const FkDieAbbrevs *
cu_abbrevs(FkDwarf *self, DwCu *cu)
{
  if (cu->abbrevs == NULL && cu->unit_ok) {
    cu->abbrevs = abbrevs_at(self, cu->unit.abbrev_offset);
    if (cu->abbrevs == NULL) { /* index_cus read only the unit DIE's part */
      report(self, cu->header, "abbreviation table not understood", cu->header);
      cu->unit_ok = FALSE;
    }
  }
  return cu->abbrevs;
}

/* The unit holding .debug_info offset OFF, or NULL. */
static DwCu *
cu_at(FkDwarf *self, guint64 off)
{
  guint lo = FK_SORTED_UPTO(self->cus, DwCu, header, off);
  if (lo == 0)
    return NULL;
  DwCu *cu = &g_array_index(self->cus, DwCu, lo - 1);
  return off >= cu->unit.first_die && off < cu->unit.end && cu_abbrevs(self, cu) != NULL ? cu
                                                                                         : NULL;
}

/* The name of the subprogram or inlined subroutine at OFF: a linkage name
 * anywhere along the abstract_origin/specification chain (gcc's clones
 * need two hops), else the first DW_AT_name met. */
static const char *
die_name(FkDwarf *self, guint64 off)
{
  const char *plain = NULL;
  for (int hop = 0; hop < 6; hop++) {
    DwCu *cu = cu_at(self, off);
    if (cu == NULL)
      break;
    FkDieCursor c;
    FkDie d;
    fk_die_cursor_init(&c, &self->die_sec, &cu->unit, cu->abbrevs, off);
    if (!fk_die_next(&c, &d) || d.abbrev == NULL)
      break;
    const char *linkage = NULL, *mips = NULL, *name = NULL;
    gboolean origin_set = FALSE, spec_set = FALSE;
    guint64 origin = 0, spec = 0;
    FkDieAttrIter it;
    FkDieAttr a;
    fk_die_attr_iter_init(&d, &it);
    while (fk_die_attr_next(&c, &d, &it, &a)) {
      gboolean ref = a.form == DW_FORM_ref1 || a.form == DW_FORM_ref2 || a.form == DW_FORM_ref4 ||
                     a.form == DW_FORM_ref8 || a.form == DW_FORM_ref_udata ||
                     a.form == DW_FORM_ref_addr;
      switch (a.at) {
      case DW_AT_linkage_name:
        linkage = fk_die_string(&self->die_sec, &cu->unit, &a);
        break;
      case DW_AT_MIPS_linkage_name:
        mips = fk_die_string(&self->die_sec, &cu->unit, &a);
        break;
      case DW_AT_name:
        name = fk_die_string(&self->die_sec, &cu->unit, &a);
        break;
      case DW_AT_abstract_origin:
        origin = a.u;
        origin_set = ref;
        break;
      case DW_AT_specification:
        spec = a.u;
        spec_set = ref;
        break;
      default:
        break;
      }
    }
    if (linkage != NULL || mips != NULL)
      return keep(self, linkage != NULL ? linkage : mips);
    if (plain == NULL && name != NULL)
      plain = keep(self, name);
    if (!origin_set && !spec_set)
      break;
    off = origin_set ? origin : spec;
  }
  return plain;
}

static void walk_children(DwWalk *w, gint parent_node);

/* Visits D, read by the walk's cursor; PARENT_NODE is the function or
 * inlined subroutine it is in (-1 outside any). TRUE when it read D's
 * children, else the caller skips them. */
static gboolean
walk_die(DwWalk *w, const FkDie *d, gint parent_node)
{
  guint32 tag = d->abbrev->tag;
  gint node = parent_node;
  if (tag == DW_TAG_subprogram && w->expanding)
    return FALSE; /* a nested function (GNU C): not indexed */
  if (tag == DW_TAG_subprogram || (tag == DW_TAG_inlined_subroutine && parent_node >= 0)) {
    DwCu *cu = w->cu;
    guint idx = cu->nodes->len;
    guint first = cu->node_ranges->len;
    DwAttrs da;
    if (read_attrs(w->dw, cu, &w->c, d, &da) &&
        die_ranges(w->dw, cu, &da, cu->base, idx, cu->node_ranges)) {
      DwNode n = {0};
      n.die = d->offset;
      n.first_range = first;
      n.n_ranges = cu->node_ranges->len - first;
      n.first_child = -1;
      n.last_child = -1;
      n.next_sibling = -1;
      if (tag == DW_TAG_inlined_subroutine) {
        if (da.file_set)
          n.call_file = file_name(cu, da.file);
        if (da.line_set)
          n.call_line = (guint)da.line;
      }
      g_array_append_val(cu->nodes, n);
      if (tag == DW_TAG_inlined_subroutine) {
        /* link as the last child of the parent */
        DwNode *p = &g_array_index(cu->nodes, DwNode, parent_node);
        if (p->first_child < 0)
          p->first_child = (gint)idx;
        else
          g_array_index(cu->nodes, DwNode, p->last_child).next_sibling = (gint)idx;
        p->last_child = (gint)idx;
      } else {
        for (guint i = first; i < cu->node_ranges->len; i++)
          g_array_append_val(cu->funcs, g_array_index(cu->node_ranges, DwRange, i));
        return FALSE; /* its inline tree waits for the first address in it */
      }
      node = (gint)idx;
    }
  }
  if (tag == DW_TAG_subprogram || !d->abbrev->children)
    return FALSE; /* a declaration or an abstract instance: no code of its own */
  /* Only these can hold functions (scanning) or inlined subroutines
   * (expanding); skipping types, parameters and variables saves most of
   * the walk. */
  gboolean descend =
      w->expanding
          ? (tag == DW_TAG_inlined_subroutine || tag == DW_TAG_lexical_block ||
             tag == DW_TAG_try_block || tag == DW_TAG_catch_block)
          : (tag == DW_TAG_namespace || tag == DW_TAG_module || tag == DW_TAG_structure_type ||
             tag == DW_TAG_class_type || tag == DW_TAG_union_type);
  if (!descend || w->depth >= 64)
    return FALSE;
  w->depth++;
  walk_children(w, node);
  w->depth--;
  return TRUE;
}

/* Reads the children of a DIE, the cursor at the first of them, up to and
 * including the null entry that ends them. */
static void
walk_children(DwWalk *w, gint parent_node)
{
  FkDie d;
  while (fk_die_next(&w->c, &d) && d.abbrev != NULL)
    if (!walk_die(w, &d, parent_node) && d.abbrev->children)
      fk_die_skip_children(&w->c);
}

static void read_lines_libdwarf(FkDwarf *self, DwCu *cu);

/* The CU's line table, decoded natively; through libdwarf when the
 * native decoder declines. */
static void
read_lines(FkDwarf *self, DwCu *cu, const DwAttrs *da)
{
  if (self->sec.line != NULL && da->stmt_set) {
    cu->files = g_ptr_array_new();
    cu->rows = g_array_new(FALSE, FALSE, sizeof(DwRow));
    int version = 0;
    if (fk_linetable_decode(&self->sec, da->stmt, da->comp_dir, self->strings, &version, cu->files,
                            cu->rows)) {
      cu->line_version = version;
      fk_linetable_sort(cu->rows);
      return;
    }
    g_ptr_array_unref(cu->files);
    g_array_unref(cu->rows);
  }
  read_lines_libdwarf(self, cu);
}

/* libdwarf, made on first need: a Dwarf_Debug reads every unit header
 * before the one asked for (75 M instructions for libc's last unit). It
 * loads .debug_loclists with .debug_info, which none of flamekit's own
 * readers use, so that section is inflated and checked here, for libdwarf
 * alone: libc6-dbg's is 612 KB compressed, a sixth of its DWARF, inflated
 * for nothing in every run whose line tables all decode natively. A file
 * whose .debug_loclists does not check out gets no Dwarf_Debug; its DIEs,
 * ranges and native line tables still serve. */
static Dwarf_Debug
libdwarf(FkDwarf *self)
{
  if (!self->dbg_tried) {
    self->dbg_tried = TRUE;
    static const char *const loclists[] = {".debug_loclists"};
    decompress_named(self->elf, loclists, 1);
    if (!lists_sane(self->elf, ".debug_loclists"))
      return NULL;
    Dwarf_Error err = NULL;
    untracked_allocations();
    if (dwarf_elf_init_b(self->elf, DW_DLC_READ, DW_GROUPNUMBER_ANY, NULL, NULL, &self->dbg,
                         &err) != DW_DLV_OK) {
      if (err != NULL)
        dwarf_dealloc_error(self->dbg, err);
      self->dbg = NULL;
    }
  }
  return self->dbg;
}

static void
read_lines_libdwarf(FkDwarf *self, DwCu *cu)
{
  Dwarf_Debug dbg = libdwarf(self);
  cu->files = g_ptr_array_new();
  cu->rows = g_array_new(FALSE, FALSE, sizeof(DwRow));
  if (dbg == NULL)
    return;
  Dwarf_Error err = NULL;
  Dwarf_Die cudie = NULL;
  if (dwarf_offdie_b(dbg, cu->offset, TRUE, &cudie, &err) != DW_DLV_OK) {
    DWERR_FREE(dbg, err);
    return;
  }
  Dwarf_Unsigned version = 0;
  Dwarf_Small count = 0;
  Dwarf_Line_Context ctx = NULL;
  if (dwarf_srclines_b(cudie, &version, &count, &ctx, &err) != DW_DLV_OK) {
    DWERR_FREE(dbg, err);
    dwarf_dealloc_die(cudie);
    return;
  }
  cu->line_version = (int)version;
  char **srcfiles = NULL;
  Dwarf_Signed nfiles = 0;
  if (dwarf_srcfiles(cudie, &srcfiles, &nfiles, &err) == DW_DLV_OK) {
    for (Dwarf_Signed i = 0; i < nfiles; i++) {
      g_ptr_array_add(cu->files, (gpointer)keep(self, srcfiles[i]));
      dwarf_dealloc(dbg, srcfiles[i], DW_DLA_STRING);
    }
    dwarf_dealloc(dbg, srcfiles, DW_DLA_LIST);
  }
  DWERR_FREE(dbg, err);
  Dwarf_Line *lines = NULL;
  Dwarf_Signed nlines = 0;
  if (count > 0 && dwarf_srclines_from_linecontext(ctx, &lines, &nlines, &err) == DW_DLV_OK) {
    for (Dwarf_Signed i = 0; i < nlines; i++) {
      Dwarf_Addr addr = 0;
      Dwarf_Unsigned lineno = 0, fileno = 0;
      Dwarf_Bool end = FALSE;
      if (dwarf_lineaddr(lines[i], &addr, &err) != DW_DLV_OK ||
          dwarf_lineno(lines[i], &lineno, &err) != DW_DLV_OK ||
          dwarf_line_srcfileno(lines[i], &fileno, &err) != DW_DLV_OK ||
          dwarf_lineendsequence(lines[i], &end, &err) != DW_DLV_OK) {
        DWERR_FREE(dbg, err);
        continue;
      }
      /* libdwarf 20210528 reports end_sequence on every row that has
       * epilogue_begin set (rustc emits those): such a row is a real end
       * only when it is the table's last */
      Dwarf_Bool prologue_end = FALSE, epilogue_begin = FALSE;
      Dwarf_Unsigned isa = 0, discriminator = 0;
      if (end &&
          dwarf_prologue_end_etc(lines[i], &prologue_end, &epilogue_begin, &isa, &discriminator,
                                 &err) == DW_DLV_OK &&
          epilogue_begin && i + 1 < nlines)
        end = FALSE;
      DWERR_FREE(dbg, err);
      DwRow r = {addr, (guint32)fileno, (guint32)lineno, (guint32)i, end != 0};
      g_array_append_val(cu->rows, r);
    }
  }
  DWERR_FREE(dbg, err);
  fk_linetable_sort(cu->rows);
  dwarf_srclines_dealloc_b(ctx);
  dwarf_dealloc_die(cudie);
}

static void
report(FkDwarf *self, guint64 at, const char *why, guint64 unit)
{
  g_ptr_array_add(self->errors, g_strdup_printf(".debug_info+0x%" G_GINT64_MODIFIER
                                                "x: %s (unit at 0x%" G_GINT64_MODIFIER "x)",
                                                at, why, unit));
}

/* A failed walk is reported once: the unit is parsed once. */
static void
walk_done(FkDwarf *self, DwCu *cu, const DwWalk *w)
{
  if (w->c.failed)
    report(self, w->c.fail_offset, w->c.why, cu->header);
}

static void
parse_cu(FkDwarf *self, DwCu *cu)
{
  cu->parsed = TRUE;
  cu->nodes = g_array_new(FALSE, FALSE, sizeof(DwNode));
  cu->node_ranges = g_array_new(FALSE, FALSE, sizeof(DwRange));
  cu->funcs = g_array_new(FALSE, FALSE, sizeof(DwRange));
  if (cu_abbrevs(self, cu) == NULL)
    return;
  DwWalk w = {self, cu, 0, FALSE, {0}};
  fk_die_cursor_init(&w.c, &self->die_sec, &cu->unit, cu->abbrevs, cu->offset);
  FkDie d;
  DwAttrs da;
  if (!fk_die_next(&w.c, &d) || d.abbrev == NULL || !read_attrs(self, cu, &w.c, &d, &da)) {
    walk_done(self, cu, &w);
    return;
  }
  if (self->lines) /* without, the unit has no rows: line_at finds none */
    read_lines(self, cu, &da);
  if (d.abbrev->children)
    walk_children(&w, -1);
  walk_done(self, cu, &w);
  g_array_sort(cu->funcs, cmp_range);
}

static const FkDieAbbrevs *
abbrevs_at(FkDwarf *self, guint64 off)
{
  gpointer key = GSIZE_TO_POINTER((gsize)off);
  FkDieAbbrevs *a = NULL;
  if (!g_hash_table_lookup_extended(self->abbrevs, key, NULL, (gpointer *)&a)) {
    a = fk_die_abbrevs_new(&self->die_sec, off);
    g_hash_table_insert(self->abbrevs, key, a);
  }
  return a;
}

/* Every unit header of .debug_info, and the address ranges of each unit
 * DIE; up to the first header that does not read (reported). */
static void
index_cus(FkDwarf *self)
{
  guint64 off = 0;
  while (off < self->die_sec.info_len) {
    DwCu cu = {0};
    if (!fk_die_unit_read(&self->die_sec, off, &cu.unit)) {
      report(self, off, "unit header not understood; the units from here on are not read", off);
      break;
    }
    cu.header = off;
    cu.offset = cu.unit.first_die;
    /* the unit DIE's part of its table, freed at once (see cu_abbrevs) */
    g_autoptr(FkDieAbbrevs) abbrevs = fk_die_unit_abbrevs(&self->die_sec, &cu.unit);
    off = cu.unit.end;
    guint idx = self->cus->len;
    if (abbrevs == NULL) {
      report(self, cu.header, "abbreviation table not understood", cu.header);
      g_array_append_val(self->cus, cu);
      continue;
    }
    if (!fk_die_unit_bases(&self->die_sec, &cu.unit, abbrevs)) {
      report(self, cu.unit.first_die, "unit DIE not understood", cu.header);
      g_array_append_val(self->cus, cu);
      continue;
    }
    cu.unit_ok = TRUE;
    cu.base = cu.unit.has_low_pc ? cu.unit.low_pc : 0;
    g_array_append_val(self->cus, cu);
    DwCu *c = &g_array_index(self->cus, DwCu, idx);
    FkDieCursor cur;
    FkDie d;
    DwAttrs da;
    fk_die_cursor_init(&cur, &self->die_sec, &c->unit, abbrevs, c->offset);
    if (fk_die_next(&cur, &d) && d.abbrev != NULL && read_attrs(self, c, &cur, &d, &da))
      die_ranges(self, c, &da, c->base, idx, self->cu_ranges);
  }
  g_array_sort(self->cu_ranges, cmp_range);
}

static GBytes *
section(FkDwarf *self, const char *name, const guint8 **data, gsize *len)
{
  GBytes *b = fk_elf_section_bytes(self->elf, name);
  if (b != NULL)
    *data = g_bytes_get_data(b, len);
  return b;
}

FkDwarf *
fk_dwarf_new(Elf *elf, gboolean lines)
{
  decompress_sections(elf, lines);
  if (!lists_sane(elf, ".debug_rnglists")) /* libdwarf's bug, and this index reads it too */
    return NULL;
  FkDwarf *self = g_new0(FkDwarf, 1);
  self->elf = elf;
  FkDieSections *s = &self->die_sec;
  self->info = section(self, ".debug_info", &s->info, &s->info_len);
  self->abbrev = section(self, ".debug_abbrev", &s->abbrev, &s->abbrev_len);
  if (self->info == NULL || self->abbrev == NULL) {
    g_clear_pointer(&self->info, g_bytes_unref);
    g_clear_pointer(&self->abbrev, g_bytes_unref);
    g_free(self);
    return NULL;
  }
  self->lines = lines;
  self->sec.line = lines ? fk_elf_section_bytes(elf, ".debug_line") : NULL;
  self->sec.line_str = section(self, ".debug_line_str", &s->line_str, &s->line_str_len);
  self->sec.str = section(self, ".debug_str", &s->str, &s->str_len);
  self->str_offsets = section(self, ".debug_str_offsets", &s->str_offsets, &s->str_offsets_len);
  self->addr = section(self, ".debug_addr", &s->addr, &s->addr_len);
  self->ranges = section(self, ".debug_ranges", &s->ranges, &s->ranges_len);
  self->rnglists = section(self, ".debug_rnglists", &s->rnglists, &s->rnglists_len);
  self->strings = g_string_chunk_new(4096);
  self->cus = g_array_new(FALSE, TRUE, sizeof(DwCu));
  self->cu_ranges = g_array_new(FALSE, FALSE, sizeof(DwRange));
  self->abbrevs = g_hash_table_new_full(NULL, NULL, NULL, (GDestroyNotify)fk_die_abbrevs_free);
  self->errors = g_ptr_array_new_with_free_func(g_free);
  index_cus(self);
  return self;
}

void
fk_dwarf_free(FkDwarf *self)
{
  if (self == NULL)
    return;
  for (guint i = 0; i < self->cus->len; i++) {
    DwCu *cu = &g_array_index(self->cus, DwCu, i);
    if (cu->nodes)
      g_array_unref(cu->nodes);
    if (cu->node_ranges)
      g_array_unref(cu->node_ranges);
    if (cu->funcs)
      g_array_unref(cu->funcs);
    if (cu->files)
      g_ptr_array_unref(cu->files);
    if (cu->rows)
      g_array_unref(cu->rows);
  }
  g_array_unref(self->cus);
  g_array_unref(self->cu_ranges);
  g_clear_pointer(&self->sec.line, g_bytes_unref);
  g_clear_pointer(&self->sec.line_str, g_bytes_unref);
  g_clear_pointer(&self->sec.str, g_bytes_unref);
  g_clear_pointer(&self->info, g_bytes_unref);
  g_clear_pointer(&self->abbrev, g_bytes_unref);
  g_clear_pointer(&self->str_offsets, g_bytes_unref);
  g_clear_pointer(&self->addr, g_bytes_unref);
  g_clear_pointer(&self->ranges, g_bytes_unref);
  g_clear_pointer(&self->rnglists, g_bytes_unref);
  g_hash_table_unref(self->abbrevs);
  g_ptr_array_unref(self->errors);
  if (self->dbg != NULL) {
    Dwarf_Error err = NULL;
    dwarf_finish(self->dbg, &err);
    DWERR_FREE(NULL, err);
  }
  g_string_chunk_free(self->strings);
  g_free(self);
}

/* Index of the last range with lo <= PC, or -1. */
static gint
last_at_or_before(GArray *ranges, guint64 pc)
{
  guint lo = FK_SORTED_UPTO(ranges, DwRange, lo, pc);
  return (gint)lo - 1;
}

/* The range of RANGES covering PC that starts last (the innermost when
 * ranges nest), or NULL. Looks back a bounded number of entries. */
static const DwRange *
covering(GArray *ranges, guint64 pc)
{
  gint i = last_at_or_before(ranges, pc);
  for (gint k = 0; i >= 0 && k < 64; i--, k++) {
    const DwRange *r = &g_array_index(ranges, DwRange, i);
    if (pc < r->hi)
      return r;
  }
  return NULL;
}

static gboolean
node_covers(DwCu *cu, const DwNode *n, guint64 pc)
{
  for (guint i = 0; i < n->n_ranges; i++) {
    const DwRange *r = &g_array_index(cu->node_ranges, DwRange, n->first_range + i);
    if (pc >= r->lo && pc < r->hi)
      return TRUE;
  }
  return FALSE;
}

static gboolean
line_at(DwCu *cu, guint64 pc, const char **file, guint *line)
{
  if (cu->rows == NULL) /* no line tables read, or a unit whose DIE did not read */
    return FALSE;
  guint lo = FK_SORTED_UPTO(cu->rows, DwRow, addr, pc);
  if (lo == 0)
    return FALSE;
  const DwRow *r = &g_array_index(cu->rows, DwRow, lo - 1);
  if (r->end)
    return FALSE;
  *file = file_name(cu, r->file);
  *line = r->line;
  return TRUE;
}

/* Reads the inlined subroutines of function node IDX. */
static void
expand(FkDwarf *self, DwCu *cu, gint idx)
{
  g_array_index(cu->nodes, DwNode, idx).expanded = TRUE;
  DwWalk w = {self, cu, 0, TRUE, {0}};
  fk_die_cursor_init(&w.c, &self->die_sec, &cu->unit, cu->abbrevs,
                     g_array_index(cu->nodes, DwNode, idx).die);
  FkDie d;
  if (fk_die_next(&w.c, &d) && d.abbrev != NULL && d.abbrev->children)
    walk_children(&w, idx);
  walk_done(self, cu, &w);
}

static const char *
node_name(FkDwarf *self, DwNode *n)
{
  if (!n->named) {
    n->named = TRUE;
    n->name = die_name(self, n->die);
  }
  return n->name;
}

gboolean
fk_dwarf_lookup(FkDwarf *self, guint64 pc, GArray *frames)
{
  g_array_set_size(frames, 0);
  /* CU ranges may overlap (rarely); try the covering candidates */
  gint i = last_at_or_before(self->cu_ranges, pc);
  for (gint k = 0; i >= 0 && k < 16; i--, k++) {
    const DwRange *r = &g_array_index(self->cu_ranges, DwRange, i);
    if (pc >= r->hi)
      continue;
    DwCu *cu = &g_array_index(self->cus, DwCu, r->idx);
    if (!cu->parsed)
      parse_cu(self, cu);
    const DwRange *f = covering(cu->funcs, pc);
    const char *file = NULL;
    guint line = 0;
    gboolean have_line = line_at(cu, pc, &file, &line);
    if (f == NULL) {
      if (!have_line)
        continue;
      FkDwFrame fr = {NULL, file, line};
      g_array_append_val(frames, fr);
      return TRUE;
    }
    gint n = (gint)f->idx;
    if (!g_array_index(cu->nodes, DwNode, n).expanded)
      expand(self, cu, n);
    while (n >= 0) {
      DwNode *node = &g_array_index(cu->nodes, DwNode, n);
      FkDwFrame fr = {node_name(self, node), NULL, 0};
      g_array_append_val(frames, fr);
      gint c = node->first_child;
      while (c >= 0 && !node_covers(cu, &g_array_index(cu->nodes, DwNode, c), pc))
        c = g_array_index(cu->nodes, DwNode, c).next_sibling;
      if (c >= 0) {
        /* this frame's location is the call site of the one inlined into it */
        const DwNode *child = &g_array_index(cu->nodes, DwNode, c);
        g_array_index(frames, FkDwFrame, frames->len - 1).file = child->call_file;
        g_array_index(frames, FkDwFrame, frames->len - 1).line = child->call_line;
      }
      n = c;
    }
    if (have_line) {
      g_array_index(frames, FkDwFrame, frames->len - 1).file = file;
      g_array_index(frames, FkDwFrame, frames->len - 1).line = line;
    }
    return TRUE;
  }
  return FALSE;
}

GPtrArray *
fk_dwarf_take_errors(FkDwarf *self)
{
  if (self->errors->len == 0)
    return NULL;
  GPtrArray *e = self->errors;
  self->errors = g_ptr_array_new_with_free_func(g_free);
  return e;
}
