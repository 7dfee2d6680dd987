/* linetable.c -- DWARF line programs, decoded without libdwarf. */
#include "linetable.h"

#include <dwarf.h>
#include <gelf.h>
#include <string.h>

#include "zinflate.h"

GBytes *
fk_elf_section_bytes(Elf *elf, const char *name)
{
  size_t shstrndx;
  if (elf_getshdrstrndx(elf, &shstrndx) != 0)
    return NULL;
  for (Elf_Scn *scn = elf_nextscn(elf, NULL); scn != NULL; scn = elf_nextscn(elf, scn)) {
    GElf_Shdr sh;
    if (gelf_getshdr(scn, &sh) == NULL || sh.sh_type == SHT_NOBITS)
      continue;
    const char *n = elf_strptr(elf, shstrndx, sh.sh_name);
    if (n == NULL || strcmp(n, name) != 0)
      continue;
    Elf_Data *d = elf_rawdata(scn, NULL);
    if (d == NULL || d->d_buf == NULL || d->d_size == 0)
      return NULL;
    if (!(sh.sh_flags & SHF_COMPRESSED))
      return g_bytes_new_static(d->d_buf, d->d_size);
    GElf_Chdr ch;
    gsize hdr;
    if (!fk_zlib_section(elf, scn, d->d_size, &ch, &hdr))
      return NULL;
    gsize size = ch.ch_size;
    guint8 *out = g_malloc(size);
    if (!fk_zlib_inflate((const guint8 *)d->d_buf + hdr, d->d_size - hdr, out, size)) {
      g_free(out);
      return NULL;
    }
    return g_bytes_new_take(out, size);
  }
  return NULL;
}

typedef struct {
  const guint8 *p, *end;
  gboolean ok;
} LtReader;

static guint64
rd_fixed(LtReader *r, guint n)
{
  if (!r->ok || (gsize)(r->end - r->p) < n) {
    r->ok = FALSE;
    return 0;
  }
  guint64 v = 0;
  for (guint i = 0; i < n; i++) /* little-endian: the x86-64/aarch64 files we read */
    v |= (guint64)r->p[i] << (8 * i);
  r->p += n;
  return v;
}

static guint64
rd_uleb(LtReader *r)
{
  guint64 v = 0;
  guint shift = 0;
  while (r->ok) {
    if (r->p >= r->end) {
      r->ok = FALSE;
      break;
    }
    guint8 b = *r->p++;
    if (shift < 64)
      v |= (guint64)(b & 0x7f) << shift;
    shift += 7;
    if (!(b & 0x80))
      break;
  }
  return v;
}

static gint64
rd_sleb(LtReader *r)
{
  gint64 v = 0;
  guint shift = 0;
  guint8 b = 0;
  while (r->ok) {
    if (r->p >= r->end) {
      r->ok = FALSE;
      return 0;
    }
    b = *r->p++;
    if (shift < 64)
      v |= (gint64)((guint64)(b & 0x7f) << shift);
    shift += 7;
    if (!(b & 0x80))
      break;
  }
  if (shift < 64 && (b & 0x40))
    v |= -(gint64)((guint64)1 << shift);
  return v;
}

static const char *
rd_cstr(LtReader *r)
{
  if (!r->ok)
    return NULL;
  const guint8 *z = memchr(r->p, 0, (gsize)(r->end - r->p));
  if (z == NULL) {
    r->ok = FALSE;
    return NULL;
  }
  const char *s = (const char *)r->p;
  r->p = z + 1;
  return s;
}

static const char *
str_at(GBytes *sec, guint64 off)
{
  gsize len;
  const char *d = sec != NULL ? g_bytes_get_data(sec, &len) : NULL;
  if (d == NULL || off >= len || memchr(d + off, 0, len - off) == NULL)
    return NULL;
  return d + off;
}

/* Reads one DWARF 5 entry attribute of FORM; a string result in *S, a
 * number in *U. FALSE for forms this decoder does not handle. */
static gboolean
rd_form(LtReader *r, const FkLineTableSections *sec, guint64 form, guint offset_size,
        const char **s, guint64 *u)
{
  *s = NULL;
  *u = 0;
  switch (form) {
  case DW_FORM_string:
    *s = rd_cstr(r);
    break;
  case DW_FORM_line_strp:
    *s = str_at(sec->line_str, rd_fixed(r, offset_size));
    break;
  case DW_FORM_strp:
    *s = str_at(sec->str, rd_fixed(r, offset_size));
    break;
  case DW_FORM_udata:
    *u = rd_uleb(r);
    break;
  case DW_FORM_data1:
    *u = rd_fixed(r, 1);
    break;
  case DW_FORM_data2:
    *u = rd_fixed(r, 2);
    break;
  case DW_FORM_data4:
    *u = rd_fixed(r, 4);
    break;
  case DW_FORM_data8:
    *u = rd_fixed(r, 8);
    break;
  case DW_FORM_data16:
    rd_fixed(r, 8);
    rd_fixed(r, 8);
    break;
  case DW_FORM_block: {
    guint64 n = rd_uleb(r);
    if (n > (guint64)(r->end - r->p))
      r->ok = FALSE;
    else
      r->p += n;
    break;
  }
  default:
    return FALSE;
  }
  return r->ok;
}

static const char *
join_path(GStringChunk *strings, const char *comp_dir, const char *dir, const char *name)
{
  if (name == NULL)
    return NULL;
  if (name[0] == '/' || dir == NULL || dir[0] == '\0')
    return g_string_chunk_insert_const(strings, name);
  g_autofree char *p = NULL;
  if (dir[0] != '/' && comp_dir != NULL)
    p = g_build_filename(comp_dir, dir, name, NULL);
  else
    p = g_build_filename(dir, name, NULL);
  return g_string_chunk_insert_const(strings, p);
}

/* DWARF 5 directory or file entries: COUNT entries of the format list. */
static gboolean
rd_entries(LtReader *r, const FkLineTableSections *sec, guint offset_size, GPtrArray *dirs,
           const char *comp_dir, GStringChunk *strings, GPtrArray *out)
{
  guint nfmt = (guint)rd_fixed(r, 1);
  guint64 fmt[2 * 16];
  if (nfmt > 16)
    return FALSE;
  for (guint i = 0; i < nfmt; i++) {
    fmt[2 * i] = rd_uleb(r);
    fmt[2 * i + 1] = rd_uleb(r);
  }
  guint64 count = rd_uleb(r);
  if (!r->ok || count > (guint64)(r->end - r->p))
    return FALSE;
  for (guint64 k = 0; k < count; k++) {
    const char *path = NULL;
    guint64 dir = 0;
    for (guint i = 0; i < nfmt; i++) {
      const char *s;
      guint64 u;
      if (!rd_form(r, sec, fmt[2 * i + 1], offset_size, &s, &u))
        return FALSE;
      if (fmt[2 * i] == DW_LNCT_path)
        path = s;
      else if (fmt[2 * i] == DW_LNCT_directory_index)
        dir = u;
    }
    if (dirs == NULL) /* reading the directories themselves */
      g_ptr_array_add(out,
                      (gpointer)(path != NULL ? g_string_chunk_insert_const(strings, path) : NULL));
    else
      g_ptr_array_add(
          out, (gpointer)join_path(strings, comp_dir,
                                   dir < dirs->len ? g_ptr_array_index(dirs, dir) : NULL, path));
  }
  return TRUE;
}

gboolean
fk_linetable_decode(const FkLineTableSections *sec, guint64 offset, const char *comp_dir,
                    GStringChunk *strings, int *version, GPtrArray *files, GArray *rows)
{
  gsize len;
  const guint8 *base = sec->line != NULL ? g_bytes_get_data(sec->line, &len) : NULL;
  if (base == NULL || offset >= len)
    return FALSE;
  LtReader r = {base + offset, base + len, TRUE};
  guint offset_size = 4;
  guint64 unit_len = rd_fixed(&r, 4);
  if (unit_len == 0xffffffffu) {
    offset_size = 8;
    unit_len = rd_fixed(&r, 8);
  }
  if (!r.ok || unit_len > (guint64)(r.end - r.p))
    return FALSE;
  r.end = r.p + unit_len;
  int v = (int)rd_fixed(&r, 2);
  if (v < 2 || v > 5)
    return FALSE;
  *version = v;
  guint addr_size = 8;
  if (v >= 5) {
    addr_size = (guint)rd_fixed(&r, 1);
    rd_fixed(&r, 1); /* segment selector size */
  }
  guint64 header_len = rd_fixed(&r, offset_size);
  if (!r.ok || header_len > (guint64)(r.end - r.p))
    return FALSE;
  const guint8 *prog = r.p + header_len;
  guint min_inst = (guint)rd_fixed(&r, 1);
  if (v >= 4)
    rd_fixed(&r, 1); /* maximum_operations_per_instruction: VLIW only */
  gboolean default_stmt = rd_fixed(&r, 1) != 0;
  (void)default_stmt;
  gint line_base = (gint8)rd_fixed(&r, 1);
  guint line_range = (guint)rd_fixed(&r, 1);
  guint opcode_base = (guint)rd_fixed(&r, 1);
  if (!r.ok || line_range == 0 || opcode_base == 0)
    return FALSE;
  guint8 std_len[256] = {0};
  for (guint i = 1; i < opcode_base; i++)
    std_len[i] = (guint8)rd_fixed(&r, 1);
  if (v >= 5) {
    g_autoptr(GPtrArray) dirs = g_ptr_array_new();
    if (!rd_entries(&r, sec, offset_size, NULL, comp_dir, strings, dirs) ||
        !rd_entries(&r, sec, offset_size, dirs, comp_dir, strings, files))
      return FALSE;
  } else {
    g_autoptr(GPtrArray) dirs = g_ptr_array_new();
    g_ptr_array_add(dirs, (gpointer)comp_dir);
    for (;;) {
      const char *d = rd_cstr(&r);
      if (d == NULL)
        return FALSE;
      if (d[0] == '\0')
        break;
      g_ptr_array_add(dirs, (gpointer)d);
    }
    for (;;) {
      const char *name = rd_cstr(&r);
      if (name == NULL)
        return FALSE;
      if (name[0] == '\0')
        break;
      guint64 dir = rd_uleb(&r);
      rd_uleb(&r);
      rd_uleb(&r);
      g_ptr_array_add(
          files, (gpointer)join_path(strings, comp_dir,
                                     dir < dirs->len ? g_ptr_array_index(dirs, dir) : NULL, name));
    }
  }
  if (!r.ok || prog > r.end)
    return FALSE;

  r.p = prog;
  guint64 addr = 0, file = 1, line = 1;
  guint32 order = 0;
  while (r.ok && r.p < r.end) {
    guint op = *r.p++;
    gboolean emit = FALSE, end = FALSE;
    if (op >= opcode_base) {
      guint adj = op - opcode_base;
      addr += (guint64)(adj / line_range) * min_inst;
      line += (guint64)(gint64)(line_base + (gint)(adj % line_range));
      emit = TRUE;
    } else if (op == 0) {
      guint64 n = rd_uleb(&r);
      if (!r.ok || n == 0 || n > (guint64)(r.end - r.p))
        return FALSE;
      const guint8 *next = r.p + n;
      guint sub = *r.p++;
      if (sub == DW_LNE_end_sequence) {
        emit = end = TRUE;
      } else if (sub == DW_LNE_set_address) {
        addr = rd_fixed(&r, MIN((guint)(n - 1), 8u));
      } else if (sub == DW_LNE_define_file && v < 5) {
        const char *name = rd_cstr(&r);
        guint64 dir = rd_uleb(&r);
        (void)dir;
        if (name != NULL)
          g_ptr_array_add(files, (gpointer)join_path(strings, comp_dir, NULL, name));
      }
      r.p = next;
    } else {
      switch (op) {
      case DW_LNS_copy:
        emit = TRUE;
        break;
      case DW_LNS_advance_pc:
        addr += rd_uleb(&r) * min_inst;
        break;
      case DW_LNS_advance_line:
        line += (guint64)rd_sleb(&r);
        break;
      case DW_LNS_set_file:
        file = rd_uleb(&r);
        break;
      case DW_LNS_const_add_pc:
        addr += (guint64)((255 - opcode_base) / line_range) * min_inst;
        break;
      case DW_LNS_fixed_advance_pc:
        addr += rd_fixed(&r, 2);
        break;
      case DW_LNS_negate_stmt:
      case DW_LNS_set_basic_block:
      case DW_LNS_set_prologue_end:
      case DW_LNS_set_epilogue_begin:
        break;
      default: /* set_column, set_isa, and unknown ones: skip their operands */
        for (guint i = 0; i < std_len[op]; i++)
          rd_uleb(&r);
        break;
      }
    }
    if (emit && r.ok) {
      FkLineTableRow row = {addr, (guint32)MIN(file, G_MAXUINT32), (guint32)MIN(line, G_MAXUINT32),
                            order++, end};
      g_array_append_val(rows, row);
      if (end) {
        addr = 0;
        file = 1;
        line = 1;
      }
    }
  }
  (void)addr_size;
  return r.ok;
}

int
fk_linetable_row_cmp(gconstpointer pa, gconstpointer pb)
{
  const FkLineTableRow *a = pa, *b = pb;
  if (a->addr != b->addr)
    return a->addr < b->addr ? -1 : 1;
  if (a->end != b->end)
    return a->end ? -1 : 1;
  return a->order < b->order ? -1 : a->order > b->order;
}

typedef struct {
  guint first, len;
} LtRun;

static int
cmp_run(gconstpointer pa, gconstpointer pb, gpointer rows)
{
  const LtRun *a = pa, *b = pb;
  return fk_linetable_row_cmp(&g_array_index((GArray *)rows, FkLineTableRow, a->first),
                              &g_array_index((GArray *)rows, FkLineTableRow, b->first));
}

static inline gboolean
row_before(const FkLineTableRow *a, const FkLineTableRow *b)
{
  return fk_linetable_row_cmp(a, b) < 0;
}

/* Appends to RUNS the ascending runs of the N rows at R. */
static void
find_runs(const FkLineTableRow *r, guint n, GArray *runs)
{
  LtRun run = {0, 1};
  for (guint i = 1; i < n; i++) {
    if (row_before(&r[i - 1], &r[i])) {
      run.len++;
      continue;
    }
    g_array_append_val(runs, run);
    run = (LtRun){i, 1};
  }
  g_array_append_val(runs, run);
}

/* A line table is a list of sequences, each in address order, mostly
 * disjoint: sorted by a merge sort of every row through a comparison
 * callback, a 41,000-row CU of Rust's std (885 sequences) cost 2% of a dwarf
 * capture's instructions. Here the table's ascending runs are ordered by
 * their first rows and laid end to end, which joins every run that follows
 * the one before it; what still overlaps (the address-0 sequences of
 * functions the linker dropped) is merged pairwise, pass by pass. The order
 * is total (row index last), so the result is the one any sort gives. */
void
fk_linetable_sort(GArray *rows)
{
  guint n = rows->len;
  if (n < 2)
    return;
  FkLineTableRow *r = (FkLineTableRow *)(gpointer)rows->data;
  g_autoptr(GArray) runs = g_array_new(FALSE, FALSE, sizeof(LtRun));
  find_runs(r, n, runs);
  if (runs->len == 1)
    return; /* sorted already */
  g_array_sort_with_data(runs, cmp_run, rows);
  FkLineTableRow *a = g_new(FkLineTableRow, n), *b = g_new(FkLineTableRow, n);
  guint at = 0;
  for (guint k = 0; k < runs->len; k++) {
    const LtRun *u = &g_array_index(runs, LtRun, k);
    memcpy(a + at, r + u->first, (gsize)u->len * sizeof *a);
    at += u->len;
  }
  g_array_set_size(runs, 0);
  find_runs(a, n, runs);
  while (runs->len > 1) {
    guint out_runs = 0;
    for (guint k = 0; k < runs->len; k += 2) {
      LtRun x = g_array_index(runs, LtRun, k);
      if (k + 1 == runs->len) {
        memcpy(b + x.first, a + x.first, (gsize)x.len * sizeof *b);
        g_array_index(runs, LtRun, out_runs++) = x;
        break;
      }
      LtRun y = g_array_index(runs, LtRun, k + 1);
      guint i = x.first, xe = x.first + x.len, j = y.first, ye = y.first + y.len, o = x.first;
      while (i < xe && j < ye)
        b[o++] = row_before(&a[j], &a[i]) ? a[j++] : a[i++];
      while (i < xe)
        b[o++] = a[i++];
      while (j < ye)
        b[o++] = a[j++];
      g_array_index(runs, LtRun, out_runs++) = (LtRun){x.first, x.len + y.len};
    }
    g_array_set_size(runs, out_runs);
    FkLineTableRow *t = a;
    a = b;
    b = t;
  }
  memcpy(r, a, (gsize)n * sizeof *r);
  g_free(a);
  g_free(b);
}
