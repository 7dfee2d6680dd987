/* dwarf.c -- a per-ELF DWARF index over libdwarf 20210528. */
#include "dwarf.h"
#include "dies.h"
#include "linetable.h"

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
  FkDieUnit unit;              /* read when parsed */
  const FkDieAbbrevs *abbrevs; /* owned by FkDwarf.abbrevs; NULL: the unit is not read */
  GArray *nodes;               /* DwNode */
  GArray *node_ranges;         /* DwRange, idx = node */
  GArray *funcs;               /* DwRange over top-level nodes, sorted */
  GPtrArray *files;            /* const char* (in strings) */
  GArray *rows;                /* DwRow sorted */
  int line_version;
  guint64 base; /* the CU's base address, for DWARF 4 ranges */
} DwCu;

struct FkDwarf {
  Dwarf_Debug dbg;
  Elf *elf;
  FkLineTableSections sec; /* raw line sections, loaded on first use */
  gboolean sec_loaded;
  GStringChunk *strings;
  GArray *cus;           /* DwCu */
  GArray *cu_ranges;     /* DwRange sorted by lo */
  GBytes *info, *abbrev; /* for the native DIE walk, loaded with the line sections */
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

static gboolean
attr_udata(FkDwarf *self, Dwarf_Die die, Dwarf_Half at, Dwarf_Unsigned *out)
{
  Dwarf_Error err = NULL;
  Dwarf_Attribute a = NULL;
  int rc = dwarf_attr(die, at, &a, &err);
  DWERR_FREE(self->dbg, err);
  if (rc != DW_DLV_OK)
    return FALSE;
  rc = dwarf_formudata(a, out, &err);
  DWERR_FREE(self->dbg, err);
  if (rc != DW_DLV_OK) {
    /* DW_FORM_implicit_const (glibc's DWARF 5 call_file/call_line): this
     * libdwarf's formudata rejects it, formsdata reads it */
    Dwarf_Signed s;
    rc = dwarf_formsdata(a, &s, &err);
    DWERR_FREE(self->dbg, err);
    if (rc == DW_DLV_OK && s >= 0)
      *out = (Dwarf_Unsigned)s;
  }
  dwarf_dealloc(self->dbg, a, DW_DLA_ATTR);
  return rc == DW_DLV_OK;
}

static gboolean
attr_string(FkDwarf *self, Dwarf_Die die, Dwarf_Half at, const char **out)
{
  Dwarf_Error err = NULL;
  Dwarf_Attribute a = NULL;
  int rc = dwarf_attr(die, at, &a, &err);
  DWERR_FREE(self->dbg, err);
  if (rc != DW_DLV_OK)
    return FALSE;
  char *s = NULL;
  rc = dwarf_formstring(a, &s, &err);
  DWERR_FREE(self->dbg, err);
  if (rc == DW_DLV_OK)
    *out = keep(self, s);
  dwarf_dealloc(self->dbg, a, DW_DLA_ATTR);
  return rc == DW_DLV_OK;
}

static gboolean
attr_ref(FkDwarf *self, Dwarf_Die die, Dwarf_Half at, Dwarf_Off *out)
{
  Dwarf_Error err = NULL;
  Dwarf_Attribute a = NULL;
  int rc = dwarf_attr(die, at, &a, &err);
  DWERR_FREE(self->dbg, err);
  if (rc != DW_DLV_OK)
    return FALSE;
  rc = dwarf_global_formref(a, out, &err);
  DWERR_FREE(self->dbg, err);
  dwarf_dealloc(self->dbg, a, DW_DLA_ATTR);
  return rc == DW_DLV_OK;
}

/* A section offset attribute (DW_FORM_sec_offset, or data4/8 before DWARF 4). */
static gboolean
attr_offset(FkDwarf *self, Dwarf_Die die, Dwarf_Half at, Dwarf_Unsigned *out)
{
  Dwarf_Off off = 0;
  if (attr_ref(self, die, at, &off)) {
    *out = off;
    return TRUE;
  }
  return attr_udata(self, die, at, out);
}

/* Appends the address ranges of DIE to OUT (idx = IDX). BASE is the CU's
 * base address for DWARF 4 .debug_ranges. FALSE when DIE has none. */
static gboolean
die_ranges(FkDwarf *self, Dwarf_Die die, guint64 base, guint idx, GArray *out)
{
  Dwarf_Error err = NULL;
  Dwarf_Addr lo = 0, hi = 0;
  gboolean found = FALSE;
  if (dwarf_lowpc(die, &lo, &err) == DW_DLV_OK) {
    Dwarf_Half form = 0;
    enum Dwarf_Form_Class cls = DW_FORM_CLASS_UNKNOWN;
    DWERR_FREE(self->dbg, err);
    if (dwarf_highpc_b(die, &hi, &form, &cls, &err) == DW_DLV_OK) {
      if (cls == DW_FORM_CLASS_CONSTANT)
        hi += lo;
      if (hi > lo) {
        DwRange r = {lo, hi, idx};
        g_array_append_val(out, r);
        found = TRUE;
      }
    }
    DWERR_FREE(self->dbg, err);
    if (found)
      return TRUE;
    /* a CU with DW_AT_ranges also carries low_pc 0 as its base: go on */
  }
  DWERR_FREE(self->dbg, err);

  Dwarf_Attribute a = NULL;
  if (dwarf_attr(die, DW_AT_ranges, &a, &err) != DW_DLV_OK) {
    DWERR_FREE(self->dbg, err);
    return FALSE;
  }
  Dwarf_Half form = 0;
  Dwarf_Half version = 0, offset_size = 0;
  if (dwarf_whatform(a, &form, &err) != DW_DLV_OK ||
      dwarf_get_version_of_die(die, &version, &offset_size) != DW_DLV_OK) {
    DWERR_FREE(self->dbg, err);
    dwarf_dealloc(self->dbg, a, DW_DLA_ATTR);
    return FALSE;
  }
  if (version >= 5) {
    Dwarf_Unsigned val = 0;
    int rc;
    if (form == DW_FORM_rnglistx)
      rc = dwarf_formudata(a, &val, &err);
    else
      rc = dwarf_global_formref(a, &val, &err);
    Dwarf_Rnglists_Head head = NULL;
    Dwarf_Unsigned count = 0, global = 0;
    if (rc == DW_DLV_OK &&
        dwarf_rnglists_get_rle_head(a, form, val, &head, &count, &global, &err) == DW_DLV_OK) {
      for (Dwarf_Unsigned i = 0; i < count; i++) {
        unsigned len = 0, code = 0;
        Dwarf_Unsigned raw1, raw2, c1 = 0, c2 = 0;
        Dwarf_Bool unavailable = FALSE;
        if (dwarf_get_rnglists_entry_fields_a(head, i, &len, &code, &raw1, &raw2, &unavailable, &c1,
                                              &c2, &err) != DW_DLV_OK) {
          DWERR_FREE(self->dbg, err);
          break;
        }
        if (unavailable || code == DW_RLE_end_of_list || code == DW_RLE_base_address ||
            code == DW_RLE_base_addressx || c2 <= c1)
          continue;
        DwRange r = {c1, c2, idx};
        g_array_append_val(out, r);
        found = TRUE;
      }
      dwarf_dealloc_rnglists_head(head);
    }
    DWERR_FREE(self->dbg, err);
  } else {
    Dwarf_Off off = 0, real = 0;
    Dwarf_Ranges *rb = NULL;
    Dwarf_Signed n = 0;
    Dwarf_Unsigned bytes = 0;
    if (dwarf_global_formref(a, &off, &err) == DW_DLV_OK &&
        dwarf_get_ranges_b(self->dbg, off, die, &real, &rb, &n, &bytes, &err) == DW_DLV_OK) {
      guint64 b = base;
      for (Dwarf_Signed i = 0; i < n; i++) {
        if (rb[i].dwr_type == DW_RANGES_END)
          break;
        if (rb[i].dwr_type == DW_RANGES_ADDRESS_SELECTION) {
          b = rb[i].dwr_addr2;
          continue;
        }
        guint64 l = rb[i].dwr_addr1 + b, h = rb[i].dwr_addr2 + b;
        if (h > l) {
          DwRange r = {l, h, idx};
          g_array_append_val(out, r);
          found = TRUE;
        }
      }
      dwarf_ranges_dealloc(self->dbg, rb, n);
    }
    DWERR_FREE(self->dbg, err);
  }
  dwarf_dealloc(self->dbg, a, DW_DLA_ATTR);
  return found;
}

/* The name of a subprogram or inlined subroutine: a linkage name anywhere
 * along the abstract_origin/specification chain (gcc's clones need two
 * hops), else the first DW_AT_name met. */
static const char *
die_name(FkDwarf *self, Dwarf_Die die)
{
  const char *plain = NULL;
  Dwarf_Die cur = die;
  for (int hop = 0; hop < 6 && cur != NULL; hop++) {
    const char *s = NULL;
    if (attr_string(self, cur, DW_AT_linkage_name, &s) ||
        attr_string(self, cur, DW_AT_MIPS_linkage_name, &s)) {
      if (cur != die)
        dwarf_dealloc_die(cur);
      return s;
    }
    if (plain == NULL && attr_string(self, cur, DW_AT_name, &s))
      plain = s;
    Dwarf_Off ref;
    Dwarf_Die next = NULL;
    if (attr_ref(self, cur, DW_AT_abstract_origin, &ref) ||
        attr_ref(self, cur, DW_AT_specification, &ref)) {
      Dwarf_Error err = NULL;
      if (dwarf_offdie_b(self->dbg, ref, TRUE, &next, &err) != DW_DLV_OK)
        next = NULL;
      DWERR_FREE(self->dbg, err);
    }
    if (cur != die)
      dwarf_dealloc_die(cur);
    cur = next;
  }
  if (cur != NULL && cur != die)
    dwarf_dealloc_die(cur);
  return plain;
}

typedef struct {
  FkDwarf *dw;
  DwCu *cu;
  guint64 base;
  int depth;
  gboolean expanding; /* inside one function's DIE (else scanning the CU) */
  FkDieCursor c;
} DwWalk;

static const char *
file_name(DwCu *cu, Dwarf_Unsigned f)
{
  /* DWARF 5 file numbers are 0-based, earlier ones 1-based */
  if (cu->line_version < 5) {
    if (f == 0)
      return NULL;
    f--;
  }
  return cu->files != NULL && f < cu->files->len ? g_ptr_array_index(cu->files, f) : NULL;
}

/* What the index reads of a subprogram or inlined subroutine, decoded
 * natively; `slow` when its address range needs libdwarf (DW_AT_ranges, an
 * indexed address). */
typedef struct {
  gboolean lo_set, hi_set, hi_len, slow, file_set, line_set;
  guint64 lo, hi, file, line;
} DwFuncAttrs;

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
    /* as libdwarf's formudata, then formsdata for what it rejects */
    if (a->s < 0)
      return FALSE;
    *out = a->u;
    return TRUE;
  default:
    return FALSE;
  }
}

static gboolean
func_attrs(DwWalk *w, const FkDie *d, DwFuncAttrs *fa)
{
  memset(fa, 0, sizeof *fa);
  FkDieAttrIter it;
  FkDieAttr a;
  fk_die_attr_iter_init(d, &it);
  while (fk_die_attr_next(&w->c, d, &it, &a)) {
    switch (a.at) {
    case DW_AT_low_pc:
      if (a.form == DW_FORM_addr) {
        fa->lo = a.u;
        fa->lo_set = TRUE;
      } else {
        fa->slow = TRUE;
      }
      break;
    case DW_AT_high_pc:
      if (a.form == DW_FORM_addr) {
        fa->hi = a.u;
        fa->hi_set = TRUE;
      } else if (form_constant(&a, &fa->hi) || a.form == DW_FORM_sdata) {
        fa->hi = a.u;
        fa->hi_set = fa->hi_len = TRUE;
      } else {
        fa->slow = TRUE;
      }
      break;
    case DW_AT_ranges:
      fa->slow = TRUE;
      break;
    case DW_AT_call_file:
      fa->file_set = form_constant(&a, &fa->file);
      break;
    case DW_AT_call_line:
      fa->line_set = form_constant(&a, &fa->line);
      break;
    default:
      break;
    }
  }
  return !w->c.failed;
}

/* The address ranges of D into the CU's node_ranges (idx = IDX): natively
 * for low_pc/high_pc, through libdwarf for the rest. */
static gboolean
func_ranges(DwWalk *w, const FkDie *d, const DwFuncAttrs *fa, guint idx)
{
  if (fa->lo_set && fa->hi_set) {
    guint64 hi = fa->hi_len ? fa->hi + fa->lo : fa->hi;
    if (hi > fa->lo) {
      DwRange r = {fa->lo, hi, idx};
      g_array_append_val(w->cu->node_ranges, r);
      return TRUE;
    }
  }
  if (!fa->slow)
    return FALSE;
  FkDwarf *self = w->dw;
  Dwarf_Error err = NULL;
  Dwarf_Die die = NULL;
  if (dwarf_offdie_b(self->dbg, d->offset, TRUE, &die, &err) != DW_DLV_OK) {
    DWERR_FREE(self->dbg, err);
    return FALSE;
  }
  gboolean found = die_ranges(self, die, w->base, idx, w->cu->node_ranges);
  dwarf_dealloc_die(die);
  return found;
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
    guint idx = w->cu->nodes->len;
    guint first = w->cu->node_ranges->len;
    DwFuncAttrs fa;
    if (func_attrs(w, d, &fa) && func_ranges(w, d, &fa, idx)) {
      DwNode n = {0};
      n.die = d->offset;
      n.first_range = first;
      n.n_ranges = w->cu->node_ranges->len - first;
      n.first_child = -1;
      n.last_child = -1;
      n.next_sibling = -1;
      if (tag == DW_TAG_inlined_subroutine) {
        if (fa.file_set)
          n.call_file = file_name(w->cu, fa.file);
        if (fa.line_set)
          n.call_line = (guint)fa.line;
      }
      g_array_append_val(w->cu->nodes, n);
      if (tag == DW_TAG_inlined_subroutine) {
        /* link as the last child of the parent */
        DwNode *p = &g_array_index(w->cu->nodes, DwNode, parent_node);
        if (p->first_child < 0)
          p->first_child = (gint)idx;
        else
          g_array_index(w->cu->nodes, DwNode, p->last_child).next_sibling = (gint)idx;
        p->last_child = (gint)idx;
      } else {
        for (guint i = first; i < w->cu->node_ranges->len; i++)
          g_array_append_val(w->cu->funcs, g_array_index(w->cu->node_ranges, DwRange, i));
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

static void read_lines_libdwarf(FkDwarf *self, DwCu *cu, Dwarf_Die cudie);

/* The CU's line table, decoded natively; through libdwarf when the
 * native decoder declines. */
static void
read_lines(FkDwarf *self, DwCu *cu, Dwarf_Die cudie)
{
  if (!self->sec_loaded) {
    self->sec_loaded = TRUE;
    self->sec.line = fk_elf_section_bytes(self->elf, ".debug_line");
    self->sec.line_str = fk_elf_section_bytes(self->elf, ".debug_line_str");
    self->sec.str = fk_elf_section_bytes(self->elf, ".debug_str");
  }
  Dwarf_Unsigned off = 0;
  const char *comp_dir = NULL;
  if (self->sec.line != NULL && attr_offset(self, cudie, DW_AT_stmt_list, &off)) {
    attr_string(self, cudie, DW_AT_comp_dir, &comp_dir);
    cu->files = g_ptr_array_new();
    cu->rows = g_array_new(FALSE, FALSE, sizeof(DwRow));
    int version = 0;
    if (fk_linetable_decode(&self->sec, off, comp_dir, self->strings, &version, cu->files,
                            cu->rows)) {
      cu->line_version = version;
      fk_linetable_sort(cu->rows);
      return;
    }
    g_ptr_array_unref(cu->files);
    g_array_unref(cu->rows);
  }
  read_lines_libdwarf(self, cu, cudie);
}

static void
read_lines_libdwarf(FkDwarf *self, DwCu *cu, Dwarf_Die cudie)
{
  Dwarf_Error err = NULL;
  Dwarf_Unsigned version = 0;
  Dwarf_Small count = 0;
  Dwarf_Line_Context ctx = NULL;
  cu->files = g_ptr_array_new();
  cu->rows = g_array_new(FALSE, FALSE, sizeof(DwRow));
  if (dwarf_srclines_b(cudie, &version, &count, &ctx, &err) != DW_DLV_OK) {
    DWERR_FREE(self->dbg, err);
    return;
  }
  cu->line_version = (int)version;
  char **srcfiles = NULL;
  Dwarf_Signed nfiles = 0;
  if (dwarf_srcfiles(cudie, &srcfiles, &nfiles, &err) == DW_DLV_OK) {
    for (Dwarf_Signed i = 0; i < nfiles; i++) {
      g_ptr_array_add(cu->files, (gpointer)keep(self, srcfiles[i]));
      dwarf_dealloc(self->dbg, srcfiles[i], DW_DLA_STRING);
    }
    dwarf_dealloc(self->dbg, srcfiles, DW_DLA_LIST);
  }
  DWERR_FREE(self->dbg, err);
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
        DWERR_FREE(self->dbg, err);
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
      DWERR_FREE(self->dbg, err);
      DwRow r = {addr, (guint32)fileno, (guint32)lineno, (guint32)i, end != 0};
      g_array_append_val(cu->rows, r);
    }
  }
  DWERR_FREE(self->dbg, err);
  fk_linetable_sort(cu->rows);
  dwarf_srclines_dealloc_b(ctx);
}

/* The unit of CU for the native walk: CU->abbrevs stays NULL (and the
 * unit is reported) when its header or abbreviations do not read. */
static void
open_unit(FkDwarf *self, DwCu *cu)
{
  if (self->info == NULL) {
    self->info = fk_elf_section_bytes(self->elf, ".debug_info");
    self->abbrev = fk_elf_section_bytes(self->elf, ".debug_abbrev");
    if (self->info != NULL)
      self->die_sec.info = g_bytes_get_data(self->info, &self->die_sec.info_len);
    if (self->abbrev != NULL)
      self->die_sec.abbrev = g_bytes_get_data(self->abbrev, &self->die_sec.abbrev_len);
  }
  const char *why = NULL;
  if (!fk_die_unit_read(&self->die_sec, cu->header, &cu->unit))
    why = "unit header not understood";
  else if (cu->unit.first_die != cu->offset)
    why = "unit header not understood (its DIE is elsewhere for libdwarf)";
  if (why == NULL) {
    gpointer key = GSIZE_TO_POINTER((gsize)cu->unit.abbrev_offset);
    FkDieAbbrevs *a = NULL;
    if (!g_hash_table_lookup_extended(self->abbrevs, key, NULL, (gpointer *)&a)) {
      a = fk_die_abbrevs_new(&self->die_sec, cu->unit.abbrev_offset);
      g_hash_table_insert(self->abbrevs, key, a);
    }
    if (a == NULL)
      why = "abbreviation table not understood";
    cu->abbrevs = a;
  }
  if (why != NULL)
    g_ptr_array_add(self->errors, g_strdup_printf(".debug_info+0x%" G_GINT64_MODIFIER "x: %s",
                                                  (guint64)cu->header, why));
}

/* A failed walk is reported once: the unit is parsed once. */
static void
walk_done(FkDwarf *self, DwCu *cu, const DwWalk *w)
{
  if (w->c.failed)
    g_ptr_array_add(self->errors, g_strdup_printf(".debug_info+0x%" G_GINT64_MODIFIER
                                                  "x: %s (unit at 0x%" G_GINT64_MODIFIER "x)",
                                                  w->c.fail_offset, w->c.why, (guint64)cu->header));
}

static void
parse_cu(FkDwarf *self, DwCu *cu)
{
  cu->parsed = TRUE;
  cu->nodes = g_array_new(FALSE, FALSE, sizeof(DwNode));
  cu->node_ranges = g_array_new(FALSE, FALSE, sizeof(DwRange));
  cu->funcs = g_array_new(FALSE, FALSE, sizeof(DwRange));
  Dwarf_Error err = NULL;
  Dwarf_Die cudie = NULL;
  if (dwarf_offdie_b(self->dbg, cu->offset, TRUE, &cudie, &err) != DW_DLV_OK) {
    DWERR_FREE(self->dbg, err);
    return;
  }
  read_lines(self, cu, cudie);
  DwWalk w = {self, cu, 0, 0, FALSE, {0}};
  Dwarf_Addr base = 0;
  if (dwarf_lowpc(cudie, &base, &err) == DW_DLV_OK)
    w.base = cu->base = base;
  DWERR_FREE(self->dbg, err);
  dwarf_dealloc_die(cudie);
  open_unit(self, cu);
  if (cu->abbrevs == NULL)
    return;
  fk_die_cursor_init(&w.c, &self->die_sec, &cu->unit, cu->abbrevs, cu->offset);
  FkDie d;
  if (fk_die_next(&w.c, &d) && d.abbrev != NULL && d.abbrev->children)
    walk_children(&w, -1);
  walk_done(self, cu, &w);
  g_array_sort(cu->funcs, cmp_range);
}

static void
index_cus(FkDwarf *self)
{
  Dwarf_Error err = NULL;
  Dwarf_Unsigned header = 0; /* libdwarf's iterator starts at the first unit */
  for (guint guard = 0; guard < 1000000; guard++) {
    Dwarf_Unsigned hlen = 0, abbrev = 0, next = 0, typeoff = 0;
    Dwarf_Half version = 0, asize = 0, lsize = 0, xsize = 0, cutype = 0;
    Dwarf_Sig8 sig;
    int rc = dwarf_next_cu_header_d(self->dbg, TRUE, &hlen, &version, &abbrev, &asize, &lsize,
                                    &xsize, &sig, &typeoff, &next, &cutype, &err);
    if (rc != DW_DLV_OK) {
      DWERR_FREE(self->dbg, err);
      break;
    }
    Dwarf_Unsigned this_header = header;
    header = next;
    Dwarf_Die cudie = NULL;
    if (dwarf_siblingof_b(self->dbg, NULL, TRUE, &cudie, &err) != DW_DLV_OK) {
      DWERR_FREE(self->dbg, err);
      continue;
    }
    DwCu cu = {0};
    cu.header = this_header;
    Dwarf_Off goff = 0;
    if (dwarf_dieoffset(cudie, &goff, &err) == DW_DLV_OK) {
      cu.offset = goff;
      Dwarf_Addr base = 0;
      if (dwarf_lowpc(cudie, &base, &err) != DW_DLV_OK)
        base = 0;
      DWERR_FREE(self->dbg, err);
      guint idx = self->cus->len;
      g_array_append_val(self->cus, cu);
      die_ranges(self, cudie, base, idx, self->cu_ranges);
    }
    DWERR_FREE(self->dbg, err);
    dwarf_dealloc_die(cudie);
  }
  g_array_sort(self->cu_ranges, cmp_range);
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

/* Decompresses, in the in-memory image, the DWARF sections both libdwarf
 * and this index read, so that each is inflated once instead of twice. */
static void
decompress_sections(Elf *elf)
{
  static const char *const names[] = {".debug_info",       ".debug_abbrev", ".debug_line",
                                      ".debug_line_str",   ".debug_str",    ".debug_rnglists",
                                      ".debug_loclists",   ".debug_ranges", ".debug_addr",
                                      ".debug_str_offsets"};
  size_t shstrndx;
  if (elf_getshdrstrndx(elf, &shstrndx) != 0)
    return;
  for (Elf_Scn *scn = elf_nextscn(elf, NULL); scn != NULL; scn = elf_nextscn(elf, scn)) {
    GElf_Shdr sh;
    if (gelf_getshdr(scn, &sh) == NULL || !(sh.sh_flags & SHF_COMPRESSED))
      continue;
    const char *n = elf_strptr(elf, shstrndx, sh.sh_name);
    for (guint i = 0; n != NULL && i < G_N_ELEMENTS(names); i++)
      if (strcmp(n, names[i]) == 0) {
        (void)elf_compress(scn, 0, 0); /* on failure libdwarf inflates it itself */
        break;
      }
  }
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

FkDwarf *
fk_dwarf_new(Elf *elf)
{
  Dwarf_Debug dbg = NULL;
  Dwarf_Error err = NULL;
  untracked_allocations();
  decompress_sections(elf);
  if (!lists_sane(elf, ".debug_rnglists") || !lists_sane(elf, ".debug_loclists"))
    return NULL;
  if (dwarf_elf_init_b(elf, DW_DLC_READ, DW_GROUPNUMBER_ANY, NULL, NULL, &dbg, &err) != DW_DLV_OK) {
    if (err != NULL)
      dwarf_dealloc_error(dbg, err);
    return NULL;
  }
  FkDwarf *self = g_new0(FkDwarf, 1);
  self->dbg = dbg;
  self->elf = elf;
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
  g_hash_table_unref(self->abbrevs);
  g_ptr_array_unref(self->errors);
  Dwarf_Error err = NULL;
  dwarf_finish(self->dbg, &err);
  DWERR_FREE(NULL, err);
  g_string_chunk_free(self->strings);
  g_free(self);
}

/* Index of the last range with lo <= PC, or -1. */
static gint
last_at_or_before(GArray *ranges, guint64 pc)
{
  guint lo = 0, hi = ranges->len;
  while (lo < hi) {
    guint mid = lo + (hi - lo) / 2;
    if (g_array_index(ranges, DwRange, mid).lo <= pc)
      lo = mid + 1;
    else
      hi = mid;
  }
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
  guint lo = 0, hi = cu->rows->len;
  while (lo < hi) {
    guint mid = lo + (hi - lo) / 2;
    if (g_array_index(cu->rows, DwRow, mid).addr <= pc)
      lo = mid + 1;
    else
      hi = mid;
  }
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
  DwWalk w = {self, cu, cu->base, 0, TRUE, {0}};
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
    Dwarf_Error err = NULL;
    Dwarf_Die die = NULL;
    if (dwarf_offdie_b(self->dbg, n->die, TRUE, &die, &err) == DW_DLV_OK) {
      n->name = die_name(self, die);
      dwarf_dealloc_die(die);
    }
    DWERR_FREE(self->dbg, err);
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
