/* test-dies.c -- the native DIE reader (formats/symbols/dies.c) against
 * libdwarf's own answer: every unit header, every DIE (offset, tag,
 * children) in order, every attribute's form and value, on the corpus
 * binaries (C, C++, Rust) and on programs compiled here for the forms those
 * lack (clang's DWARF 5 strx/addrx/rnglistx/loclistx, gcc's 64-bit DWARF,
 * DWARF 2's address-sized ref_addr, type units); then hand-made units for
 * the forms no compiler here emits (data16, indirect, block2/4, ref1/2/8,
 * ref_udata, flag), and hostile ones (a bad form, a missing abbreviation
 * code, a truncated entry) that must fail the cursor, not crash or hang. */
#include "../../formats/symbols/dies.h"
#include "../../formats/symbols/linetable.h"

#include <dwarf.h>
#include <fcntl.h>
#include <gelf.h>
#include <libdwarf.h>
#include <string.h>
#include <unistd.h>

static char *top;              /* the source tree */
static GHashTable *forms_seen; /* form -> 1, over every file */

typedef struct {
  Dwarf_Debug dbg;
  const FkDieSections *sec;
  GBytes *str, *line_str;
  FkDieCursor *c;
  guint dies, ranges, strings, addrs;
} Cmp;

/* The unit DIE's part of its table (what the index reads units with) gives
 * the entry the whole table does for that DIE, alone: the same tag, children
 * and attribute specs, and no other code. */
static void
check_unit_abbrevs(const FkDieSections *sec, const FkDieUnit *u, const FkDieAbbrevs *whole)
{
  g_autoptr(FkDieAbbrevs) part = fk_die_unit_abbrevs(sec, u);
  g_assert_nonnull(part);
  FkDieCursor cw, cp;
  FkDie dw, dp;
  fk_die_cursor_init(&cw, sec, u, whole, u->first_die);
  fk_die_cursor_init(&cp, sec, u, part, u->first_die);
  g_assert_true(fk_die_next(&cw, &dw) && dw.abbrev != NULL);
  g_assert_true(fk_die_next(&cp, &dp) && dp.abbrev != NULL);
  g_assert_cmpuint(dp.abbrev->code, ==, dw.abbrev->code);
  g_assert_cmpuint(dp.abbrev->tag, ==, dw.abbrev->tag);
  g_assert_cmpint(dp.abbrev->children, ==, dw.abbrev->children);
  g_assert_cmpuint(dp.abbrev->n, ==, dw.abbrev->n);
  for (guint i = 0; i < dw.abbrev->n; i++) {
    const FkDieSpec *a = fk_die_abbrev_spec(whole, dw.abbrev, i);
    const FkDieSpec *b = fk_die_abbrev_spec(part, dp.abbrev, i);
    g_assert_cmpuint(a->at, ==, b->at);
    g_assert_cmpuint(a->form, ==, b->form);
    g_assert_cmpint(a->implicit_const, ==, b->implicit_const);
  }
  g_assert_cmphex(cp.p - sec->info, ==, cw.p - sec->info);
  /* the next DIE's code is not in the part (a unit DIE's code is used once) */
  if (dw.abbrev->children && fk_die_next(&cw, &dw) && dw.abbrev != NULL &&
      dw.abbrev->code != dp.abbrev->code)
    g_assert_null(fk_die_abbrev_find(part, dw.abbrev->code));
}

/* The ranges of DW_AT_ranges A as the index took them from libdwarf before
 * it read them natively: DWARF 5 lists cooked by libdwarf, DWARF 4 ones
 * relative to BASE until a base address selection. */
static GArray *
libdwarf_ranges(Cmp *m, Dwarf_Die die, Dwarf_Attribute a, guint64 base)
{
  GArray *out = g_array_new(FALSE, FALSE, sizeof(FkDieRange));
  Dwarf_Error err = NULL;
  Dwarf_Half form = 0, version = 0, osize = 0;
  g_assert_cmpint(dwarf_whatform(a, &form, &err), ==, DW_DLV_OK);
  g_assert_cmpint(dwarf_get_version_of_die(die, &version, &osize), ==, DW_DLV_OK);
  if (version >= 5) {
    Dwarf_Unsigned val = 0, count = 0, global = 0;
    if (form == DW_FORM_rnglistx)
      g_assert_cmpint(dwarf_formudata(a, &val, &err), ==, DW_DLV_OK);
    else
      g_assert_cmpint(dwarf_global_formref(a, &val, &err), ==, DW_DLV_OK);
    Dwarf_Rnglists_Head head = NULL;
    g_assert_cmpint(dwarf_rnglists_get_rle_head(a, form, val, &head, &count, &global, &err), ==,
                    DW_DLV_OK);
    for (Dwarf_Unsigned i = 0; i < count; i++) {
      unsigned len = 0, code = 0;
      Dwarf_Unsigned raw1, raw2, c1 = 0, c2 = 0;
      Dwarf_Bool unavailable = FALSE;
      g_assert_cmpint(dwarf_get_rnglists_entry_fields_a(head, i, &len, &code, &raw1, &raw2,
                                                        &unavailable, &c1, &c2, &err),
                      ==, DW_DLV_OK);
      if (unavailable || code == DW_RLE_end_of_list || code == DW_RLE_base_address ||
          code == DW_RLE_base_addressx || c2 <= c1)
        continue;
      FkDieRange r = {c1, c2};
      g_array_append_val(out, r);
    }
    dwarf_dealloc_rnglists_head(head);
  } else {
    Dwarf_Off off = 0, real = 0;
    Dwarf_Ranges *rb = NULL;
    Dwarf_Signed n = 0;
    Dwarf_Unsigned bytes = 0;
    g_assert_cmpint(dwarf_global_formref(a, &off, &err), ==, DW_DLV_OK);
    g_assert_cmpint(dwarf_get_ranges_b(m->dbg, off, die, &real, &rb, &n, &bytes, &err), ==,
                    DW_DLV_OK);
    guint64 b = base;
    for (Dwarf_Signed i = 0; i < n; i++) {
      if (rb[i].dwr_type == DW_RANGES_END)
        break;
      if (rb[i].dwr_type == DW_RANGES_ADDRESS_SELECTION) {
        b = rb[i].dwr_addr2;
        continue;
      }
      FkDieRange r = {rb[i].dwr_addr1 + b, rb[i].dwr_addr2 + b};
      if (r.hi > r.lo)
        g_array_append_val(out, r);
    }
    dwarf_ranges_dealloc(m->dbg, rb, n);
  }
  return out;
}

static void
check_value(Cmp *m, Dwarf_Attribute a, const FkDieAttr *n)
{
  Dwarf_Error err = NULL;
  switch (n->form) {
  case DW_FORM_addr: {
    Dwarf_Addr v = 0;
    g_assert_cmpint(dwarf_formaddr(a, &v, &err), ==, DW_DLV_OK);
    g_assert_cmphex(v, ==, n->u);
    break;
  }
  case DW_FORM_data1:
  case DW_FORM_data2:
  case DW_FORM_data4:
  case DW_FORM_data8:
  case DW_FORM_udata: {
    Dwarf_Unsigned v = 0;
    g_assert_cmpint(dwarf_formudata(a, &v, &err), ==, DW_DLV_OK);
    g_assert_cmpuint(v, ==, n->u);
    break;
  }
  case DW_FORM_sdata:
  case DW_FORM_implicit_const: {
    Dwarf_Signed v = 0;
    g_assert_cmpint(dwarf_formsdata(a, &v, &err), ==, DW_DLV_OK);
    g_assert_cmpint(v, ==, n->s);
    break;
  }
  case DW_FORM_flag:
  case DW_FORM_flag_present: {
    Dwarf_Bool v = 0;
    g_assert_cmpint(dwarf_formflag(a, &v, &err), ==, DW_DLV_OK);
    g_assert_cmpuint(v != 0, ==, n->u != 0);
    break;
  }
  case DW_FORM_ref1:
  case DW_FORM_ref2:
  case DW_FORM_ref4:
  case DW_FORM_ref8:
  case DW_FORM_ref_udata:
  case DW_FORM_ref_addr:
  case DW_FORM_sec_offset: {
    Dwarf_Off v = 0;
    g_assert_cmpint(dwarf_global_formref(a, &v, &err), ==, DW_DLV_OK);
    g_assert_cmphex(v, ==, n->u);
    break;
  }
  case DW_FORM_ref_sig8: {
    Dwarf_Sig8 v;
    g_assert_cmpint(dwarf_formsig8(a, &v, &err), ==, DW_DLV_OK);
    guint64 s = 0;
    for (int i = 0; i < 8; i++)
      s |= (guint64)(guint8)v.signature[i] << (8 * i);
    g_assert_cmphex(s, ==, n->u);
    break;
  }
  case DW_FORM_string:
  case DW_FORM_strp:
  case DW_FORM_line_strp: {
    char *v = NULL;
    g_assert_cmpint(dwarf_formstring(a, &v, &err), ==, DW_DLV_OK);
    const char *mine = NULL;
    g_autofree char *inl = NULL;
    if (n->form == DW_FORM_string) {
      mine = inl = g_strndup((const char *)n->data, n->len);
    } else {
      GBytes *b = n->form == DW_FORM_strp ? m->str : m->line_str;
      g_assert_nonnull(b);
      gsize len;
      const char *s = g_bytes_get_data(b, &len);
      g_assert_cmpuint(n->u, <, len);
      mine = s + n->u;
    }
    g_assert_cmpstr(v, ==, mine);
    break;
  }
  case DW_FORM_strx:
  case DW_FORM_strx1:
  case DW_FORM_strx2:
  case DW_FORM_strx3:
  case DW_FORM_strx4: {
    Dwarf_Unsigned v = 0;
    g_assert_cmpint(dwarf_get_debug_str_index(a, &v, &err), ==, DW_DLV_OK);
    g_assert_cmpuint(v, ==, n->u);
    break;
  }
  case DW_FORM_addrx:
  case DW_FORM_addrx1:
  case DW_FORM_addrx2:
  case DW_FORM_addrx3:
  case DW_FORM_addrx4: {
    Dwarf_Unsigned v = 0;
    g_assert_cmpint(dwarf_get_debug_addr_index(a, &v, &err), ==, DW_DLV_OK);
    g_assert_cmpuint(v, ==, n->u);
    break;
  }
  case DW_FORM_rnglistx:
  case DW_FORM_loclistx: {
    Dwarf_Unsigned v = 0;
    g_assert_cmpint(dwarf_formudata(a, &v, &err), ==, DW_DLV_OK);
    g_assert_cmpuint(v, ==, n->u);
    break;
  }
  case DW_FORM_exprloc: {
    Dwarf_Unsigned len = 0;
    Dwarf_Ptr p = NULL;
    g_assert_cmpint(dwarf_formexprloc(a, &len, &p, &err), ==, DW_DLV_OK);
    g_assert_cmpmem(p, len, n->data, n->len);
    break;
  }
  case DW_FORM_block1:
  case DW_FORM_block2:
  case DW_FORM_block4:
  case DW_FORM_block: {
    Dwarf_Block *b = NULL;
    g_assert_cmpint(dwarf_formblock(a, &b, &err), ==, DW_DLV_OK);
    g_assert_cmpmem(b->bl_data, b->bl_len, n->data, n->len);
    dwarf_dealloc(m->dbg, b, DW_DLA_BLOCK);
    break;
  }
  default:
    g_test_message("form 0x%x: value not compared", n->form);
    break;
  }
  if (err != NULL)
    dwarf_dealloc_error(m->dbg, err);
}

/* DIE (libdwarf's) against the next entries of the native cursor (null
 * entries are libdwarf's end of a sibling list), then its children. */
static void
check_die(Cmp *m, Dwarf_Die die, int depth)
{
  Dwarf_Error err = NULL;
  FkDie n;
  g_assert_true(fk_die_next(m->c, &n));
  g_assert_nonnull(n.abbrev);
  m->dies++;
  Dwarf_Off off = 0;
  Dwarf_Half tag = 0;
  g_assert_cmpint(dwarf_dieoffset(die, &off, &err), ==, DW_DLV_OK);
  g_assert_cmpint(dwarf_tag(die, &tag, &err), ==, DW_DLV_OK);
  g_assert_cmphex(n.offset, ==, off);
  g_assert_cmphex(n.abbrev->tag, ==, tag);
  Dwarf_Attribute *list = NULL;
  Dwarf_Signed count = 0;
  int rc = dwarf_attrlist(die, &list, &count, &err);
  g_assert_cmpint(rc, !=, DW_DLV_ERROR);
  FkDieAttrIter it;
  fk_die_attr_iter_init(&n, &it);
  for (Dwarf_Signed i = 0; i < count; i++) {
    FkDieAttr na;
    g_assert_true(fk_die_attr_next(m->c, &n, &it, &na));
    Dwarf_Half at = 0, form = 0;
    g_assert_cmpint(dwarf_whatattr(list[i], &at, &err), ==, DW_DLV_OK);
    g_assert_cmpint(dwarf_whatform(list[i], &form, &err), ==, DW_DLV_OK);
    g_assert_cmphex(na.at, ==, at);
    g_assert_cmphex(na.form, ==, form);
    g_hash_table_add(forms_seen, GUINT_TO_POINTER(na.form));
    check_value(m, list[i], &na);
    char *str = NULL;
    if (dwarf_formstring(list[i], &str, &err) == DW_DLV_OK) {
      g_assert_cmpstr(fk_die_string(m->sec, m->c->unit, &na), ==, str);
      m->strings++;
    } else {
      dwarf_dealloc_error(m->dbg, err);
      err = NULL;
      g_assert_null(fk_die_string(m->sec, m->c->unit, &na));
    }
    Dwarf_Addr addr = 0;
    guint64 mine = 0;
    if (na.form == DW_FORM_addr || (na.form >= DW_FORM_addrx1 && na.form <= DW_FORM_addrx4) ||
        na.form == DW_FORM_addrx) {
      g_assert_cmpint(dwarf_formaddr(list[i], &addr, &err), ==, DW_DLV_OK);
      g_assert_true(fk_die_address(m->sec, m->c->unit, &na, &mine));
      g_assert_cmphex(mine, ==, addr);
      m->addrs++;
    }
    if (at == DW_AT_ranges) {
      const FkDieUnit *u = m->c->unit;
      guint64 base = u->has_low_pc ? u->low_pc : 0;
      g_autoptr(GArray) want = libdwarf_ranges(m, die, list[i], base);
      g_autoptr(GArray) got = g_array_new(FALSE, FALSE, sizeof(FkDieRange));
      g_assert_true(fk_die_ranges(m->sec, u, &na, base, got));
      g_assert_cmpmem(got->data, got->len * sizeof(FkDieRange), want->data,
                      want->len * sizeof(FkDieRange));
      m->ranges++;
    }
    dwarf_dealloc(m->dbg, list[i], DW_DLA_ATTR);
  }
  FkDieAttr extra;
  g_assert_false(fk_die_attr_next(m->c, &n, &it, &extra));
  g_assert_false(m->c->failed);
  if (rc == DW_DLV_OK)
    dwarf_dealloc(m->dbg, list, DW_DLA_LIST);
  Dwarf_Die child = NULL;
  rc = dwarf_child(die, &child, &err);
  g_assert_cmpint(rc, !=, DW_DLV_ERROR);
  if (!n.abbrev->children) {
    g_assert_cmpint(rc, ==, DW_DLV_NO_ENTRY);
    return;
  }
  while (rc == DW_DLV_OK) {
    check_die(m, child, depth + 1);
    Dwarf_Die next = NULL;
    rc = dwarf_siblingof_b(m->dbg, child, TRUE, &next, &err);
    g_assert_cmpint(rc, !=, DW_DLV_ERROR);
    dwarf_dealloc_die(child);
    child = next;
  }
  /* the null entry ending the children (a unit may end without it) */
  if (m->c->p < m->c->end) {
    g_assert_true(fk_die_next(m->c, &n));
    g_assert_null(n.abbrev);
  }
}

/* Every unit of PATH, native against libdwarf; the number of DIEs. */
static guint
check_file(const char *path)
{
  elf_version(EV_CURRENT);
  int fd = open(path, O_RDONLY);
  g_assert_cmpint(fd, >=, 0);
  Elf *elf = elf_begin(fd, ELF_C_READ, NULL);
  g_assert_nonnull(elf);
  g_autoptr(GBytes) info = fk_elf_section_bytes(elf, ".debug_info");
  g_autoptr(GBytes) abbrev = fk_elf_section_bytes(elf, ".debug_abbrev");
  g_autoptr(GBytes) str = fk_elf_section_bytes(elf, ".debug_str");
  g_autoptr(GBytes) line_str = fk_elf_section_bytes(elf, ".debug_line_str");
  g_autoptr(GBytes) str_offsets = fk_elf_section_bytes(elf, ".debug_str_offsets");
  g_autoptr(GBytes) addr = fk_elf_section_bytes(elf, ".debug_addr");
  g_autoptr(GBytes) ranges = fk_elf_section_bytes(elf, ".debug_ranges");
  g_autoptr(GBytes) rnglists = fk_elf_section_bytes(elf, ".debug_rnglists");
  g_assert_nonnull(info);
  g_assert_nonnull(abbrev);
  FkDieSections sec = {0};
  sec.info = g_bytes_get_data(info, &sec.info_len);
  sec.abbrev = g_bytes_get_data(abbrev, &sec.abbrev_len);
  if (str != NULL)
    sec.str = g_bytes_get_data(str, &sec.str_len);
  if (line_str != NULL)
    sec.line_str = g_bytes_get_data(line_str, &sec.line_str_len);
  if (str_offsets != NULL)
    sec.str_offsets = g_bytes_get_data(str_offsets, &sec.str_offsets_len);
  if (addr != NULL)
    sec.addr = g_bytes_get_data(addr, &sec.addr_len);
  if (ranges != NULL)
    sec.ranges = g_bytes_get_data(ranges, &sec.ranges_len);
  if (rnglists != NULL)
    sec.rnglists = g_bytes_get_data(rnglists, &sec.rnglists_len);
  Dwarf_Debug dbg = NULL;
  Dwarf_Error err = NULL;
  g_assert_cmpint(dwarf_elf_init_b(elf, DW_DLC_READ, DW_GROUPNUMBER_ANY, NULL, NULL, &dbg, &err),
                  ==, DW_DLV_OK);
  Cmp m = {dbg, &sec, str, line_str, NULL, 0, 0, 0, 0};
  guint64 header = 0;
  guint units = 0;
  for (;;) {
    Dwarf_Unsigned hlen = 0, aoff = 0, next = 0, typeoff = 0;
    Dwarf_Half version = 0, asize = 0, osize = 0, xsize = 0, cutype = 0;
    Dwarf_Sig8 sig;
    int rc = dwarf_next_cu_header_d(dbg, TRUE, &hlen, &version, &aoff, &asize, &osize, &xsize, &sig,
                                    &typeoff, &next, &cutype, &err);
    g_assert_cmpint(rc, !=, DW_DLV_ERROR);
    if (rc != DW_DLV_OK)
      break;
    FkDieUnit u;
    g_assert_true(fk_die_unit_read(&sec, header, &u));
    g_assert_cmpuint(u.version, ==, version);
    g_assert_cmpuint(u.addr_size, ==, asize);
    g_assert_cmpuint(u.offset_size, ==, osize);
    g_assert_cmphex(u.abbrev_offset, ==, aoff);
    g_assert_cmphex(u.end, ==, next);
    g_autoptr(FkDieAbbrevs) abbrevs = fk_die_abbrevs_new(&sec, u.abbrev_offset);
    g_assert_nonnull(abbrevs);
    g_assert_true(fk_die_unit_bases(&sec, &u, abbrevs));
    check_unit_abbrevs(&sec, &u, abbrevs);
    FkDieCursor c;
    fk_die_cursor_init(&c, &sec, &u, abbrevs, u.first_die);
    m.c = &c;
    Dwarf_Die cudie = NULL;
    g_assert_cmpint(dwarf_siblingof_b(dbg, NULL, TRUE, &cudie, &err), ==, DW_DLV_OK);
    Dwarf_Addr low = 0;
    if (dwarf_lowpc(cudie, &low, &err) == DW_DLV_OK) {
      g_assert_true(u.has_low_pc);
      g_assert_cmphex(u.low_pc, ==, low);
    } else {
      dwarf_dealloc_error(dbg, err);
      err = NULL;
    }
    check_die(&m, cudie, 0);
    dwarf_dealloc_die(cudie);
    /* a unit may pad its end with null entries */
    FkDie d;
    while (fk_die_next(&c, &d))
      g_assert_null(d.abbrev);
    g_assert_false(c.failed);
    header = next;
    units++;
  }
  g_assert_cmpuint(units, >, 0);
  g_assert_cmpuint(header, ==, sec.info_len);
  g_test_message("%s: %u range lists, %u strings, %u addresses compared", path, m.ranges, m.strings,
                 m.addrs);
  dwarf_finish(dbg, &err);
  elf_end(elf);
  close(fd);
  return m.dies;
}

static void
test_corpus(gconstpointer name)
{
  g_autofree char *path = g_build_filename(top, "corpora", name, NULL);
  guint n = check_file(path);
  g_test_message("%s: %u DIEs", path, n);
  g_assert_cmpuint(n, >, 10);
}

typedef struct {
  const char *id, *cc, *flags;
} Variant;

static const Variant variants[] = {
    {"clang-dwarf5", "clang", "-gdwarf-5 -O2"},
    {"clang-dwarf4", "clang", "-gdwarf-4 -O2"},
    {"gcc-dwarf64", "gcc", "-gdwarf-5 -gdwarf64 -O2"},
    {"gcc-dwarf2", "gcc", "-gdwarf-2 -gstrict-dwarf -O1"},
    {"gcc-dwarf3", "gcc", "-gdwarf-3 -O2"},
    {"gcc-types", "gcc", "-gdwarf-5 -fdebug-types-section -O2"},
    {"gcc-dwarf4-types", "gcc", "-gdwarf-4 -fdebug-types-section -O2"},
};

/* The C++ corpus program compiled with VARIANT's flags (so templates,
 * lambdas and namespaces give deep trees), checked as the corpus files. */
static void
test_compiled(gconstpointer data)
{
  const Variant *v = data;
  g_autofree char *cxx = g_strcmp0(v->cc, "clang") == 0 ? g_strdup("clang++") : g_strdup("g++");
  g_autofree char *found = g_find_program_in_path(cxx);
  if (found == NULL) {
    g_test_skip("no compiler");
    return;
  }
  g_autofree char *dir = g_dir_make_tmp("fk-dies-XXXXXX", NULL);
  g_autofree char *out = g_build_filename(dir, "a.out", NULL);
  g_autofree char *src = g_build_filename(top, "corpora", "perf-dwarf", "tmpl.cc", NULL);
  g_autofree char *cmd = g_strdup_printf("%s %s -o '%s' '%s'", cxx, v->flags, out, src);
  int status = 0;
  g_autofree char *errs = NULL;
  g_assert_true(g_spawn_command_line_sync(cmd, NULL, &errs, &status, NULL));
  if (!g_spawn_check_wait_status(status, NULL)) {
    g_test_message("%s: %s", cmd, errs);
    g_test_skip("does not compile");
    return;
  }
  guint n = check_file(out);
  g_test_message("%s: %u DIEs", v->id, n);
  g_assert_cmpuint(n, >, 100);
  unlink(out);
  rmdir(dir);
}

/* ---- hand-made units ---- */

static void
put_uleb(GByteArray *b, guint64 v)
{
  do {
    guint8 c = v & 0x7f;
    v >>= 7;
    if (v != 0)
      c |= 0x80;
    g_byte_array_append(b, &c, 1);
  } while (v != 0);
}

static void
put_le(GByteArray *b, guint64 v, guint n)
{
  for (guint i = 0; i < n; i++) {
    guint8 c = (guint8)(v >> (8 * i));
    g_byte_array_append(b, &c, 1);
  }
}

/* A DWARF VERSION unit (64-bit when OSIZE is 8) with one DIE of tag 0x34
 * whose attributes are ATS/FORMS with the value bytes BODY, then a child
 * without attributes and the null entry; as .debug_info and .debug_abbrev. */
static void
make_unit(guint version, guint osize, guint asize, const guint32 *forms, guint n, GByteArray *body,
          GByteArray *info, GByteArray *abbrev)
{
  put_uleb(abbrev, 1);
  put_uleb(abbrev, 0x34);
  put_le(abbrev, 1, 1); /* children */
  for (guint i = 0; i < n; i++) {
    put_uleb(abbrev, 0x2000 + i); /* DW_AT_lo_user + i */
    put_uleb(abbrev, forms[i]);
    if (forms[i] == DW_FORM_implicit_const)
      put_uleb(abbrev, 0x7e); /* sleb -2 */
  }
  put_uleb(abbrev, 0);
  put_uleb(abbrev, 0);
  put_uleb(abbrev, 2);
  put_uleb(abbrev, 0x24);
  put_le(abbrev, 0, 1);
  put_uleb(abbrev, 0);
  put_uleb(abbrev, 0);
  put_uleb(abbrev, 0);
  g_autoptr(GByteArray) u = g_byte_array_new();
  put_le(u, version, 2);
  if (version >= 5) {
    put_le(u, DW_UT_compile, 1);
    put_le(u, asize, 1);
    put_le(u, 0, osize);
  } else {
    put_le(u, 0, osize);
    put_le(u, asize, 1);
  }
  put_uleb(u, 1);
  g_byte_array_append(u, body->data, body->len);
  put_uleb(u, 2);
  put_uleb(u, 0);
  if (osize == 8) {
    put_le(info, 0xffffffffu, 4);
    put_le(info, u->len, 8);
  } else {
    put_le(info, u->len, 4);
  }
  g_byte_array_append(info, u->data, u->len);
}

static void
test_forms(void)
{
  for (guint osize = 4; osize <= 8; osize += 4) {
    static const guint32 forms[] = {
        DW_FORM_data16,         DW_FORM_indirect,       DW_FORM_block2,        DW_FORM_block4,
        DW_FORM_ref1,           DW_FORM_ref2,           DW_FORM_ref8,          DW_FORM_ref_udata,
        DW_FORM_flag,           DW_FORM_strx3,          DW_FORM_addrx3,        DW_FORM_ref_addr,
        DW_FORM_implicit_const, DW_FORM_sdata,          DW_FORM_strp_sup,      DW_FORM_ref_sup4,
        DW_FORM_ref_sup8,       DW_FORM_block,          DW_FORM_GNU_ref_alt,   DW_FORM_string,
        DW_FORM_addr,           DW_FORM_rnglistx,       DW_FORM_loclistx,      DW_FORM_strx,
        DW_FORM_addrx,          DW_FORM_GNU_addr_index, DW_FORM_GNU_str_index, DW_FORM_GNU_strp_alt,
        DW_FORM_ref_sig8};
    guint n = G_N_ELEMENTS(forms);
    g_autoptr(GByteArray) body = g_byte_array_new();
    for (guint i = 0; i < 16; i++)
      put_le(body, i + 1, 1);      /* data16 */
    put_uleb(body, DW_FORM_data2); /* indirect -> data2 */
    put_le(body, 0xbeef, 2);
    put_le(body, 3, 2); /* block2 */
    put_le(body, 0xabcdef, 3);
    put_le(body, 2, 4); /* block4 */
    put_le(body, 0x1234, 2);
    put_le(body, 0x11, 1);       /* ref1 */
    put_le(body, 0x2222, 2);     /* ref2 */
    put_le(body, 0x88, 8);       /* ref8 */
    put_uleb(body, 300);         /* ref_udata */
    put_le(body, 1, 1);          /* flag */
    put_le(body, 0x030201, 3);   /* strx3 */
    put_le(body, 0x0a0b0c, 3);   /* addrx3 */
    put_le(body, 0x5150, osize); /* ref_addr */
    /* implicit_const: no bytes */
    put_uleb(body, 0x7f);   /* sdata -1 */
    put_le(body, 7, osize); /* strp_sup */
    put_le(body, 8, 4);     /* ref_sup4 */
    put_le(body, 9, 8);     /* ref_sup8 */
    put_uleb(body, 1);      /* block */
    put_le(body, 0xee, 1);
    put_le(body, 10, osize);                            /* GNU_ref_alt */
    g_byte_array_append(body, (const guint8 *)"hi", 3); /* string */
    put_le(body, 0x401000, 8);                          /* addr */
    put_uleb(body, 5);                                  /* rnglistx */
    put_uleb(body, 6);                                  /* loclistx */
    put_uleb(body, 1000);                               /* strx */
    put_uleb(body, 1001);                               /* addrx */
    put_uleb(body, 1002);                               /* GNU_addr_index */
    put_uleb(body, 1003);                               /* GNU_str_index */
    put_le(body, 11, osize);                            /* GNU_strp_alt */
    put_le(body, 0x0807060504030201, 8);                /* ref_sig8 */
    g_autoptr(GByteArray) info = g_byte_array_new();
    g_autoptr(GByteArray) abbrev = g_byte_array_new();
    make_unit(5, osize, 8, forms, n, body, info, abbrev);
    FkDieSections sec = {.info = info->data,
                         .abbrev = abbrev->data,
                         .info_len = info->len,
                         .abbrev_len = abbrev->len};
    FkDieUnit u;
    g_assert_true(fk_die_unit_read(&sec, 0, &u));
    g_assert_cmpuint(u.offset_size, ==, osize);
    g_assert_cmpuint(u.end, ==, info->len);
    g_autoptr(FkDieAbbrevs) a = fk_die_abbrevs_new(&sec, 0);
    g_assert_nonnull(a);
    FkDieCursor c;
    fk_die_cursor_init(&c, &sec, &u, a, u.first_die);
    FkDie d;
    g_assert_true(fk_die_next(&c, &d));
    g_assert_cmpuint(d.abbrev->tag, ==, 0x34);
    FkDieAttrIter it;
    fk_die_attr_iter_init(&d, &it);
    FkDieAttr v[G_N_ELEMENTS(forms)];
    for (guint i = 0; i < n; i++) {
      g_assert_true(fk_die_attr_next(&c, &d, &it, &v[i]));
      g_assert_cmphex(v[i].at, ==, 0x2000 + i);
    }
    g_assert_false(fk_die_attr_next(&c, &d, &it, &v[0]));
    g_assert_cmpmem(v[0].data, v[0].len, "\1\2\3\4\5\6\7\10\11\12\13\14\15\16\17\20", 16);
    g_assert_cmphex(v[1].form, ==, DW_FORM_data2);
    g_assert_cmphex(v[1].u, ==, 0xbeef);
    g_assert_cmpmem(v[2].data, v[2].len, "\xef\xcd\xab", 3);
    g_assert_cmpmem(v[3].data, v[3].len, "\x34\x12", 2);
    g_assert_cmphex(v[4].u, ==, 0x11); /* unit relative, unit at 0 */
    g_assert_cmphex(v[5].u, ==, 0x2222);
    g_assert_cmphex(v[6].u, ==, 0x88);
    g_assert_cmpuint(v[7].u, ==, 300);
    g_assert_cmpuint(v[8].u, ==, 1);
    g_assert_cmphex(v[9].u, ==, 0x030201);
    g_assert_cmphex(v[10].u, ==, 0x0a0b0c);
    g_assert_cmphex(v[11].u, ==, 0x5150);
    g_assert_cmpint(v[12].s, ==, -2);
    g_assert_cmpint(v[13].s, ==, -1);
    g_assert_cmpuint(v[14].u, ==, 7);
    g_assert_cmpuint(v[15].u, ==, 8);
    g_assert_cmpuint(v[16].u, ==, 9);
    g_assert_cmpmem(v[17].data, v[17].len, "\xee", 1);
    g_assert_cmpuint(v[18].u, ==, 10);
    g_assert_cmpmem(v[19].data, v[19].len, "hi", 2);
    g_assert_cmphex(v[20].u, ==, 0x401000);
    g_assert_cmpuint(v[21].u, ==, 5);
    g_assert_cmpuint(v[22].u, ==, 6);
    g_assert_cmpuint(v[23].u, ==, 1000);
    g_assert_cmpuint(v[24].u, ==, 1001);
    g_assert_cmpuint(v[25].u, ==, 1002);
    g_assert_cmpuint(v[26].u, ==, 1003);
    g_assert_cmpuint(v[27].u, ==, 11);
    g_assert_cmphex(v[28].u, ==, 0x0807060504030201);
    /* the walk reaches the child, then the null entry, then the unit's end */
    g_assert_true(fk_die_next(&c, &d));
    g_assert_cmpuint(d.abbrev->tag, ==, 0x24);
    g_assert_true(fk_die_next(&c, &d));
    g_assert_null(d.abbrev);
    g_assert_false(fk_die_next(&c, &d));
    g_assert_false(c.failed);
    /* skipping the subtree lands at the same place */
    fk_die_cursor_init(&c, &sec, &u, a, u.first_die);
    g_assert_true(fk_die_next(&c, &d));
    g_assert_true(fk_die_skip_children(&c));
    g_assert_true(c.p == c.end);
    g_assert_false(c.failed);
  }
}

/* DWARF 2's DW_FORM_ref_addr is address sized; later versions' offset sized. */
static void
test_ref_addr_sizes(void)
{
  static const guint32 forms[] = {DW_FORM_ref_addr, DW_FORM_data1};
  struct {
    guint version, asize, bytes;
  } cases[] = {{2, 8, 8}, {2, 4, 4}, {3, 8, 4}, {4, 8, 4}};
  for (guint k = 0; k < G_N_ELEMENTS(cases); k++) {
    g_autoptr(GByteArray) body = g_byte_array_new();
    put_le(body, 0x44, cases[k].bytes);
    put_le(body, 0x99, 1);
    g_autoptr(GByteArray) info = g_byte_array_new();
    g_autoptr(GByteArray) abbrev = g_byte_array_new();
    make_unit(cases[k].version, 4, cases[k].asize, forms, 2, body, info, abbrev);
    FkDieSections sec = {.info = info->data,
                         .abbrev = abbrev->data,
                         .info_len = info->len,
                         .abbrev_len = abbrev->len};
    FkDieUnit u;
    g_assert_true(fk_die_unit_read(&sec, 0, &u));
    g_autoptr(FkDieAbbrevs) a = fk_die_abbrevs_new(&sec, 0);
    FkDieCursor c;
    fk_die_cursor_init(&c, &sec, &u, a, u.first_die);
    FkDie d;
    g_assert_true(fk_die_next(&c, &d));
    FkDieAttrIter it;
    FkDieAttr v;
    fk_die_attr_iter_init(&d, &it);
    g_assert_true(fk_die_attr_next(&c, &d, &it, &v));
    g_assert_cmphex(v.u, ==, 0x44);
    g_assert_true(fk_die_attr_next(&c, &d, &it, &v));
    g_assert_cmphex(v.u, ==, 0x99);
    g_assert_true(fk_die_skip_children(&c));
    g_assert_true(c.p == c.end);
  }
}

/* Bad input: the cursor fails where the bytes stop making sense. */
static void
test_hostile(void)
{
  static const guint32 forms[] = {DW_FORM_data1, 0x7777 /* no such form */};
  g_autoptr(GByteArray) body = g_byte_array_new();
  put_le(body, 1, 1);
  put_le(body, 2, 1);
  g_autoptr(GByteArray) info = g_byte_array_new();
  g_autoptr(GByteArray) abbrev = g_byte_array_new();
  make_unit(4, 4, 8, forms, 2, body, info, abbrev);
  FkDieSections sec = {
      .info = info->data, .abbrev = abbrev->data, .info_len = info->len, .abbrev_len = abbrev->len};
  FkDieUnit u;
  g_assert_true(fk_die_unit_read(&sec, 0, &u));
  g_autoptr(FkDieAbbrevs) a = fk_die_abbrevs_new(&sec, 0);
  FkDieCursor c;
  fk_die_cursor_init(&c, &sec, &u, a, u.first_die);
  FkDie d;
  g_assert_false(fk_die_next(&c, &d));
  g_assert_true(c.failed);
  g_assert_cmpuint(c.fail_offset, ==, u.first_die);
  g_assert_false(fk_die_next(&c, &d)); /* and stays failed */
  g_assert_false(fk_die_skip_children(&c));

  /* an abbreviation code not in the table */
  info->data[u.first_die] = 9;
  fk_die_cursor_init(&c, &sec, &u, a, u.first_die);
  g_assert_false(fk_die_next(&c, &d));
  g_assert_cmpstr(c.why, ==, "abbreviation code not in the table");

  /* a block running past its unit, an indirect chain, a unit past the section */
  static const guint32 forms2[] = {DW_FORM_block4};
  g_autoptr(GByteArray) body2 = g_byte_array_new();
  put_le(body2, 0x7fffffff, 4);
  g_autoptr(GByteArray) info2 = g_byte_array_new();
  g_autoptr(GByteArray) abbrev2 = g_byte_array_new();
  make_unit(4, 4, 8, forms2, 1, body2, info2, abbrev2);
  FkDieSections sec2 = {.info = info2->data,
                        .abbrev = abbrev2->data,
                        .info_len = info2->len,
                        .abbrev_len = abbrev2->len};
  g_assert_true(fk_die_unit_read(&sec2, 0, &u));
  g_autoptr(FkDieAbbrevs) a2 = fk_die_abbrevs_new(&sec2, 0);
  fk_die_cursor_init(&c, &sec2, &u, a2, u.first_die);
  g_assert_false(fk_die_next(&c, &d));
  g_assert_true(c.failed);
  sec2.info_len--;
  g_assert_false(fk_die_unit_read(&sec2, 0, &u));
  /* a cursor outside its unit starts failed */
  sec2.info_len++;
  g_assert_true(fk_die_unit_read(&sec2, 0, &u));
  fk_die_cursor_init(&c, &sec2, &u, a2, 2);
  g_assert_true(c.failed);
  /* a truncated abbreviation table */
  FkDieSections sec3 = {
      .info = info2->data, .abbrev = abbrev2->data, .info_len = info2->len, .abbrev_len = 3};
  g_assert_null(fk_die_abbrevs_new(&sec3, 0));
  g_assert_null(fk_die_abbrevs_new(&sec3, 100));

  /* a table cut after the unit DIE's entry: whole, it does not read; the
   * unit DIE's part does, and reads that DIE */
  info->data[u.first_die] = 1; /* its code again */
  g_assert_true(fk_die_unit_read(&sec, 0, &u));
  gsize first = 0;
  {
    const guint8 *p = abbrev->data;
    while (*p++ != 0 || *p != 0) /* the first entry's last (0, 0) pair */
      ;
    first = (gsize)(p + 1 - abbrev->data);
  }
  FkDieSections cut = sec;
  cut.abbrev_len = first + 2; /* the second entry's code and tag, not its children flag */
  g_assert_null(fk_die_abbrevs_new(&cut, 0));
  g_autoptr(FkDieAbbrevs) part = fk_die_unit_abbrevs(&cut, &u);
  g_assert_nonnull(part);
  g_assert_nonnull(fk_die_abbrev_find(part, 1));
  g_assert_null(fk_die_abbrev_find(part, 2));
  /* cut inside the unit DIE's own entry: neither reads */
  cut.abbrev_len = 3;
  g_assert_null(fk_die_unit_abbrevs(&cut, &u));
}

int
main(int argc, char **argv)
{
  g_autofree char *dir = g_path_get_dirname(__FILE__);
  g_autofree char *here = g_canonicalize_filename(dir, NULL);
  top = g_build_filename(here, "..", "..", NULL);
  g_test_init(&argc, &argv, NULL);
  forms_seen = g_hash_table_new(NULL, NULL);
  static const char *const corpus[] = {"symbolize/inl",
                                       "symbolize/inl-gz",
                                       "symbolize/tmpl",
                                       "symbolize/tmpl-dw4",
                                       "symbolize/rs-v0",
                                       "symbolize/rs-legacy",
                                       "perf-dwarf/wordstats.bin",
                                       "perf-dwarf/nofp",
                                       "perf-dwarf/tmpl",
                                       "perf-dwarf/sig",
                                       "perf-dwarf/thr"};
  for (guint i = 0; i < G_N_ELEMENTS(corpus); i++) {
    g_autofree char *name = g_strdup_printf("/dies/libdwarf/%s", corpus[i]);
    g_test_add_data_func(name, corpus[i], test_corpus);
  }
  for (guint i = 0; i < G_N_ELEMENTS(variants); i++) {
    g_autofree char *name = g_strdup_printf("/dies/libdwarf/compiled/%s", variants[i].id);
    g_test_add_data_func(name, &variants[i], test_compiled);
  }
  g_test_add_func("/dies/forms", test_forms);
  g_test_add_func("/dies/ref-addr-sizes", test_ref_addr_sizes);
  g_test_add_func("/dies/hostile", test_hostile);
  int rc = g_test_run();
  GString *s = g_string_new("forms compared with libdwarf:");
  GList *keys = g_hash_table_get_keys(forms_seen);
  for (GList *l = keys; l != NULL; l = l->next)
    g_string_append_printf(s, " 0x%x", GPOINTER_TO_UINT(l->data));
  g_list_free(keys);
  g_test_message("%s", s->str);
  g_string_free(s, TRUE);
  g_hash_table_unref(forms_seen);
  g_free(top);
  return rc;
}
