/* dies.c -- a native reader of DWARF 2-5 debugging information entries. */
#include "dies.h"

#include <dwarf.h>
#include <string.h>

struct FkDieAbbrevs {
  /* plain arrays, grown by doubling: a GArray append per attribute spec was
   * most of the cost of indexing libc's 2,075 tables (380k specs) */
  FkDieAbbrev *abbrevs; /* in table order (sorted by code when by_code is NULL) */
  FkDieSpec *specs;
  guint n_abbrevs, n_specs;
  /* code -> position + 1 (0: absent) when the codes are dense enough,
   * as every producer makes them (1, 2, 3, ...); else NULL and the
   * abbreviations are sorted by code for a binary search */
  guint32 *by_code;
  guint64 n_codes;
};

static inline gboolean
uleb(const guint8 **pp, const guint8 *end, guint64 *out)
{
  const guint8 *p = *pp;
  if (p < end && *p < 0x80) { /* most values: one byte */
    *out = *p;
    *pp = p + 1;
    return TRUE;
  }
  guint64 v = 0;
  for (guint shift = 0; p < end; shift += 7) {
    guint8 b = *p++;
    if (shift < 64)
      v |= (guint64)(b & 0x7f) << shift;
    if (!(b & 0x80)) {
      *pp = p;
      *out = v;
      return TRUE;
    }
  }
  return FALSE;
}

static inline gboolean
sleb(const guint8 **pp, const guint8 *end, gint64 *out)
{
  const guint8 *p = *pp;
  guint64 v = 0;
  guint shift = 0;
  for (; p < end;) {
    guint8 b = *p++;
    if (shift < 64)
      v |= (guint64)(b & 0x7f) << shift;
    shift += 7;
    if (!(b & 0x80)) {
      if (shift < 64 && (b & 0x40))
        v |= ~(guint64)0 << shift;
      *pp = p;
      *out = (gint64)v;
      return TRUE;
    }
  }
  return FALSE;
}

/* N little-endian bytes at P (the caller checked they are there). */
static inline guint64
le(const guint8 *p, guint n)
{
  guint64 v = 0;
  for (guint i = 0; i < n; i++)
    v |= (guint64)p[i] << (8 * i);
  return v;
}

gboolean
fk_die_unit_read(const FkDieSections *sec, guint64 offset, FkDieUnit *unit)
{
  if (sec->info == NULL || offset >= sec->info_len || sec->info_len - offset < 4)
    return FALSE;
  const guint8 *p = sec->info + offset, *end = sec->info + sec->info_len;
  guint64 length = le(p, 4);
  guint osize = 4;
  p += 4;
  if (length == 0xffffffffu) {
    if (end - p < 8)
      return FALSE;
    length = le(p, 8);
    osize = 8;
    p += 8;
  } else if (length >= 0xfffffff0u) {
    return FALSE; /* reserved */
  }
  if (length > (guint64)(end - p) || length < 2)
    return FALSE;
  end = p + length;
  unit->offset = offset;
  unit->end = (guint64)(end - sec->info);
  unit->offset_size = (guint8)osize;
  unit->version = (guint16)le(p, 2);
  p += 2;
  if (unit->version < 2 || unit->version > 5)
    return FALSE;
  if (unit->version >= 5) {
    if (end - p < 2 + (gssize)osize)
      return FALSE;
    unit->unit_type = p[0];
    unit->addr_size = p[1];
    unit->abbrev_offset = le(p + 2, osize);
    p += 2 + osize;
    gsize extra = 0;
    switch (unit->unit_type) {
    case DW_UT_compile:
    case DW_UT_partial:
      break;
    case DW_UT_skeleton:
    case DW_UT_split_compile:
      extra = 8; /* dwo_id */
      break;
    case DW_UT_type:
    case DW_UT_split_type:
      extra = 8 + osize; /* type_signature, type_offset */
      break;
    default:
      return FALSE;
    }
    if ((gsize)(end - p) < extra)
      return FALSE;
    p += extra;
  } else {
    if (end - p < (gssize)osize + 1)
      return FALSE;
    unit->unit_type = DW_UT_compile;
    unit->abbrev_offset = le(p, osize);
    unit->addr_size = p[osize];
    p += osize + 1;
  }
  if (unit->addr_size < 1 || unit->addr_size > 8)
    return FALSE;
  unit->ref_addr_size = unit->version == 2 ? unit->addr_size : (guint8)osize;
  unit->first_die = (guint64)(p - sec->info);
  return TRUE;
}

static int
cmp_code(gconstpointer pa, gconstpointer pb, gpointer unused)
{
  (void)unused;
  const FkDieAbbrev *a = pa, *b = pb;
  return a->code < b->code ? -1 : a->code > b->code;
}

/* The table at OFFSET whole, or when UNTIL the first entry of code STOP
 * alone (read up to it; the whole table read when it has none). */
static FkDieAbbrevs *
abbrevs_read(const FkDieSections *sec, guint64 offset, gboolean until, guint64 stop)
{
  if (sec->abbrev == NULL || offset >= sec->abbrev_len)
    return NULL;
  const guint8 *p = sec->abbrev + offset, *end = sec->abbrev + sec->abbrev_len;
  FkDieAbbrevs *self = g_new0(FkDieAbbrevs, 1);
  guint cap_a = 0, cap_s = 0;
  guint64 max_code = 0;
  for (;;) {
    FkDieAbbrev a = {0};
    guint64 tag;
    if (!uleb(&p, end, &a.code))
      goto bad;
    if (a.code == 0)
      break;
    if (!uleb(&p, end, &tag) || p >= end)
      goto bad;
    a.tag = (guint32)MIN(tag, G_MAXUINT32);
    a.children = *p++ != 0;
    a.first = self->n_specs;
    /* before STOP, entries are read (so the part read is checked) and
     * dropped: the table is then STOP's entry alone */
    gboolean keep = !until || a.code == stop;
    for (;;) {
      guint64 at, form;
      FkDieSpec sp = {0};
      if (!uleb(&p, end, &at) || !uleb(&p, end, &form))
        goto bad;
      if (at == 0 && form == 0)
        break;
      if (form == DW_FORM_implicit_const && !sleb(&p, end, &sp.implicit_const))
        goto bad;
      if (!keep)
        continue;
      sp.at = (guint32)MIN(at, G_MAXUINT32);
      sp.form = (guint32)MIN(form, G_MAXUINT32);
      if (self->n_specs == cap_s) {
        cap_s = cap_s ? 2 * cap_s : 64;
        self->specs = g_renew(FkDieSpec, self->specs, cap_s);
      }
      self->specs[self->n_specs++] = sp;
    }
    if (!keep)
      continue;
    a.n = self->n_specs - a.first;
    if (self->n_abbrevs == cap_a) {
      cap_a = cap_a ? 2 * cap_a : 16;
      self->abbrevs = g_renew(FkDieAbbrev, self->abbrevs, cap_a);
    }
    self->abbrevs[self->n_abbrevs++] = a;
    max_code = MAX(max_code, a.code);
    if (until && a.code == stop)
      break;
  }
  guint n = self->n_abbrevs;
  if (max_code <= (guint64)n * 4 + 1024) {
    self->n_codes = max_code + 1;
    self->by_code = g_new0(guint32, self->n_codes);
    for (guint i = 0; i < n; i++) {
      guint64 code = self->abbrevs[i].code;
      if (self->by_code[code] == 0) /* the first of duplicates wins */
        self->by_code[code] = i + 1;
    }
  } else if (n > 1) {
    /* stable, so that the first of duplicates still wins */
    g_qsort_with_data(self->abbrevs, (gint)n, sizeof(FkDieAbbrev), cmp_code, NULL);
  }
  return self;
bad:
  fk_die_abbrevs_free(self);
  return NULL;
}

FkDieAbbrevs *
fk_die_abbrevs_new(const FkDieSections *sec, guint64 offset)
{
  return abbrevs_read(sec, offset, FALSE, 0);
}

FkDieAbbrevs *
fk_die_unit_abbrevs(const FkDieSections *sec, const FkDieUnit *unit)
{
  const guint8 *p = sec->info + unit->first_die, *end = sec->info + unit->end;
  guint64 code;
  if (unit->first_die >= unit->end || !uleb(&p, end, &code) || code == 0)
    return abbrevs_read(sec, unit->abbrev_offset, FALSE, 0); /* as the whole table fails it */
  return abbrevs_read(sec, unit->abbrev_offset, TRUE, code);
}

void
fk_die_abbrevs_free(FkDieAbbrevs *self)
{
  if (self == NULL)
    return;
  g_free(self->abbrevs);
  g_free(self->specs);
  g_free(self->by_code);
  g_free(self);
}

const FkDieAbbrev *
fk_die_abbrev_find(const FkDieAbbrevs *self, guint64 code)
{
  const FkDieAbbrev *a = self->abbrevs;
  if (self->by_code != NULL) {
    guint32 i = code < self->n_codes ? self->by_code[code] : 0;
    return i != 0 ? &a[i - 1] : NULL;
  }
  guint lo = 0, hi = self->n_abbrevs;
  while (lo < hi) {
    guint mid = lo + (hi - lo) / 2;
    if (a[mid].code < code)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo < self->n_abbrevs && a[lo].code == code ? &a[lo] : NULL;
}

const FkDieSpec *
fk_die_abbrev_spec(const FkDieAbbrevs *self, const FkDieAbbrev *abbrev, guint i)
{
  return &self->specs[abbrev->first + i];
}

void
fk_die_cursor_init(FkDieCursor *c, const FkDieSections *sec, const FkDieUnit *unit,
                   const FkDieAbbrevs *abbrevs, guint64 offset)
{
  c->sec = sec;
  c->unit = unit;
  c->abbrevs = abbrevs;
  c->end = sec->info + unit->end;
  c->p = sec->info + offset;
  c->failed = FALSE;
  c->fail_offset = 0;
  c->why = NULL;
  if (offset < unit->first_die || offset > unit->end || abbrevs == NULL) {
    c->p = c->end;
    c->failed = TRUE;
    c->fail_offset = offset;
    c->why = abbrevs == NULL ? "bad abbreviation table" : "offset outside its unit";
  }
}

static gboolean
fail(FkDieCursor *c, const guint8 *at, const char *why)
{
  if (!c->failed) {
    c->failed = TRUE;
    c->fail_offset = (guint64)(at - c->sec->info);
    c->why = why;
  }
  c->p = c->end;
  return FALSE;
}

/* The size of a value of FORM when the form fixes it (0 to 8 bytes: an
 * address of the unit's size, an offset of its DWARF's), -1 when the value
 * says its own length, holds no bytes, or the form is unknown: the one
 * table of sizes read_form and skip_spec share. */
static inline gssize
fixed_size(const FkDieUnit *u, guint32 form)
{
  switch (form) {
  case DW_FORM_data1:
  case DW_FORM_ref1:
  case DW_FORM_flag:
  case DW_FORM_strx1:
  case DW_FORM_addrx1:
    return 1;
  case DW_FORM_data2:
  case DW_FORM_ref2:
  case DW_FORM_strx2:
  case DW_FORM_addrx2:
    return 2;
  case DW_FORM_strx3:
  case DW_FORM_addrx3:
    return 3;
  case DW_FORM_data4:
  case DW_FORM_ref4:
  case DW_FORM_ref_sup4:
  case DW_FORM_strx4:
  case DW_FORM_addrx4:
    return 4;
  case DW_FORM_data8:
  case DW_FORM_ref8:
  case DW_FORM_ref_sig8:
  case DW_FORM_ref_sup8:
    return 8;
  case DW_FORM_strp:
  case DW_FORM_sec_offset:
  case DW_FORM_strp_sup:
  case DW_FORM_line_strp:
  case DW_FORM_GNU_ref_alt:
  case DW_FORM_GNU_strp_alt:
    return u->offset_size;
  case DW_FORM_ref_addr:
    return u->ref_addr_size;
  case DW_FORM_addr:
    return u->addr_size;
  default:
    return -1;
  }
}

/* Bytes of form FORM at *PP into *OUT (u, s, data, len; at/form are the
 * caller's), moving *PP past them. IMPLICIT is the spec's implicit_const.
 * FALSE on an unknown form or a value past END. */
static gboolean
read_form(const FkDieUnit *u, const guint8 **pp, const guint8 *end, guint32 form, gint64 implicit,
          FkDieAttr *out)
{
  const guint8 *p = *pp;
  gboolean ref = FALSE; /* unit relative reference */
  guint64 v = 0;
  out->data = NULL;
  out->len = 0;
  out->s = 0;
  gssize fixed = fixed_size(u, form);
  if (fixed >= 0) {
    if (end - p < fixed)
      return FALSE;
    v = le(p, (guint)fixed);
    ref = form == DW_FORM_ref1 || form == DW_FORM_ref2 || form == DW_FORM_ref4 ||
          form == DW_FORM_ref8;
    out->u = ref ? v + u->offset : v;
    *pp = p + fixed;
    return TRUE;
  }
  switch (form) {
  case DW_FORM_flag_present:
    out->u = 1;
    return TRUE;
  case DW_FORM_implicit_const:
    out->s = implicit;
    out->u = (guint64)implicit;
    return TRUE;
  case DW_FORM_data16:
    if (end - p < 16)
      return FALSE;
    out->data = p;
    out->len = 16;
    *pp = p + 16;
    return TRUE;
  case DW_FORM_udata:
  case DW_FORM_ref_udata:
  case DW_FORM_strx:
  case DW_FORM_addrx:
  case DW_FORM_loclistx:
  case DW_FORM_rnglistx:
  case DW_FORM_GNU_addr_index:
  case DW_FORM_GNU_str_index:
    if (!uleb(&p, end, &v))
      return FALSE;
    out->u = form == DW_FORM_ref_udata ? v + u->offset : v;
    *pp = p;
    return TRUE;
  case DW_FORM_sdata:
    if (!sleb(&p, end, &out->s))
      return FALSE;
    out->u = (guint64)out->s;
    *pp = p;
    return TRUE;
  case DW_FORM_string: {
    const guint8 *nul = memchr(p, 0, (gsize)(end - p));
    if (nul == NULL)
      return FALSE;
    out->data = p;
    out->len = (gsize)(nul - p);
    out->u = out->len;
    *pp = nul + 1;
    return TRUE;
  }
  case DW_FORM_block1:
  case DW_FORM_block2:
  case DW_FORM_block4:
  case DW_FORM_block:
  case DW_FORM_exprloc: {
    guint ls = form == DW_FORM_block1   ? 1
               : form == DW_FORM_block2 ? 2
               : form == DW_FORM_block4 ? 4
                                        : 0;
    if (ls != 0) {
      if ((gsize)(end - p) < ls)
        return FALSE;
      v = le(p, ls);
      p += ls;
    } else if (!uleb(&p, end, &v)) {
      return FALSE;
    }
    if (v > (guint64)(end - p))
      return FALSE;
    out->data = p;
    out->len = (gsize)v;
    out->u = v;
    *pp = p + v;
    return TRUE;
  }
  default:
    return FALSE; /* DW_FORM_indirect is the caller's */
  }
}

/* Reads the form of spec S at *PP, following DW_FORM_indirect (whose form
 * is a ULEB before the value; a chain of them is bounded by the bytes). */
static gboolean
read_spec(const FkDieUnit *u, const guint8 **pp, const guint8 *end, const FkDieSpec *s,
          FkDieAttr *out)
{
  guint32 form = s->form;
  while (form == DW_FORM_indirect) {
    guint64 f;
    if (!uleb(pp, end, &f) || f == DW_FORM_implicit_const || f > G_MAXUINT32)
      return FALSE; /* implicit_const keeps its value in the abbreviation */
    form = (guint32)f;
  }
  out->at = s->at;
  out->form = form;
  return read_form(u, pp, end, form, s->implicit_const, out);
}

/* Moves *PP past spec S; the common fixed-size forms without a call. */
static inline gboolean
skip_spec(const FkDieUnit *u, const guint8 **pp, const guint8 *end, const FkDieSpec *s)
{
  if (s->form == DW_FORM_flag_present || s->form == DW_FORM_implicit_const)
    return TRUE;
  gssize n = fixed_size(u, s->form);
  if (n < 0) {
    FkDieAttr a;
    return read_spec(u, pp, end, s, &a);
  }
  if (end - *pp < n)
    return FALSE;
  *pp += n;
  return TRUE;
}

gboolean
fk_die_next(FkDieCursor *c, FkDie *die)
{
  if (c->failed || c->p >= c->end)
    return FALSE;
  const guint8 *start = c->p, *p = c->p;
  guint64 code;
  if (!uleb(&p, c->end, &code))
    return fail(c, start, "truncated entry");
  die->offset = (guint64)(start - c->sec->info);
  if (code == 0) {
    die->abbrev = NULL;
    die->attrs = p;
    c->p = p;
    return TRUE;
  }
  const FkDieAbbrev *a = fk_die_abbrev_find(c->abbrevs, code);
  if (a == NULL)
    return fail(c, start, "abbreviation code not in the table");
  die->abbrev = a;
  die->attrs = p;
  const FkDieSpec *s = &c->abbrevs->specs[a->first];
  for (guint i = 0; i < a->n; i++)
    if (!skip_spec(c->unit, &p, c->end, &s[i]))
      return fail(c, start, "bad or unknown attribute form");
  c->p = p;
  return TRUE;
}

gboolean
fk_die_skip_children(FkDieCursor *c)
{
  /* the depth is a counter, not recursion: a hostile nesting costs no stack */
  guint64 depth = 1;
  FkDie d;
  while (depth > 0 && fk_die_next(c, &d)) {
    if (d.abbrev == NULL)
      depth--;
    else if (d.abbrev->children)
      depth++;
  }
  return !c->failed;
}

void
fk_die_attr_iter_init(const FkDie *die, FkDieAttrIter *it)
{
  it->p = die->attrs;
  it->i = 0;
}

gboolean
fk_die_attr_next(FkDieCursor *c, const FkDie *die, FkDieAttrIter *it, FkDieAttr *out)
{
  if (die->abbrev == NULL || it->i >= die->abbrev->n || c->failed)
    return FALSE;
  const FkDieSpec *s = fk_die_abbrev_spec(c->abbrevs, die->abbrev, it->i);
  const guint8 *p = it->p;
  if (!read_spec(c->unit, &p, c->end, s, out))
    return fail(c, it->p, "bad or unknown attribute form");
  it->p = p;
  it->i++;
  return TRUE;
}

gboolean
fk_die_unit_bases(const FkDieSections *sec, FkDieUnit *unit, const FkDieAbbrevs *abbrevs)
{
  FkDieCursor c;
  FkDie d;
  fk_die_cursor_init(&c, sec, unit, abbrevs, unit->first_die);
  if (!fk_die_next(&c, &d) || d.abbrev == NULL)
    return FALSE;
  FkDieAttrIter it;
  FkDieAttr a, low = {0};
  gboolean have_low = FALSE;
  fk_die_attr_iter_init(&d, &it);
  while (fk_die_attr_next(&c, &d, &it, &a)) {
    switch (a.at) {
    case DW_AT_str_offsets_base:
      unit->str_offsets_base = a.u;
      unit->has_str_offsets_base = TRUE;
      break;
    case DW_AT_addr_base:
    case DW_AT_GNU_addr_base:
      unit->addr_base = a.u;
      unit->has_addr_base = TRUE;
      break;
    case DW_AT_rnglists_base:
      unit->rnglists_base = a.u;
      unit->has_rnglists_base = TRUE;
      break;
    case DW_AT_low_pc:
      low = a;
      have_low = TRUE;
      break;
    default:
      break;
    }
  }
  if (c.failed)
    return FALSE;
  /* after the loop: an indexed low_pc needs the address base */
  if (have_low)
    unit->has_low_pc = fk_die_address(sec, unit, &low, &unit->low_pc);
  return TRUE;
}

/* A NUL-terminated string at OFF of the section [S, S + LEN), or NULL. */
static const char *
section_string(const guint8 *s, gsize len, guint64 off)
{
  if (s == NULL || off >= len || memchr(s + off, 0, len - off) == NULL)
    return NULL;
  return (const char *)s + off;
}

const char *
fk_die_string(const FkDieSections *sec, const FkDieUnit *unit, const FkDieAttr *a)
{
  switch (a->form) {
  case DW_FORM_string:
    return (const char *)a->data; /* the reader checked the NUL after it */
  case DW_FORM_strp:
    return section_string(sec->str, sec->str_len, a->u);
  case DW_FORM_line_strp:
    return section_string(sec->line_str, sec->line_str_len, a->u);
  case DW_FORM_strx:
  case DW_FORM_strx1:
  case DW_FORM_strx2:
  case DW_FORM_strx3:
  case DW_FORM_strx4: {
    if (!unit->has_str_offsets_base || sec->str_offsets == NULL)
      return NULL;
    guint n = unit->offset_size;
    guint64 at = unit->str_offsets_base;
    if (a->u > (G_MAXUINT64 - at) / n || at + a->u * n > sec->str_offsets_len ||
        sec->str_offsets_len - (at + a->u * n) < n)
      return NULL;
    return section_string(sec->str, sec->str_len, le(sec->str_offsets + at + a->u * n, n));
  }
  default:
    return NULL;
  }
}

/* Entry IDX of .debug_addr from UNIT's base. */
static gboolean
addr_entry(const FkDieSections *sec, const FkDieUnit *unit, guint64 idx, guint64 *out)
{
  if (!unit->has_addr_base || sec->addr == NULL)
    return FALSE;
  guint n = unit->addr_size;
  guint64 at = unit->addr_base;
  if (idx > (G_MAXUINT64 - at) / n || at + idx * n > sec->addr_len ||
      sec->addr_len - (at + idx * n) < n)
    return FALSE;
  *out = le(sec->addr + at + idx * n, n);
  return TRUE;
}

gboolean
fk_die_address(const FkDieSections *sec, const FkDieUnit *unit, const FkDieAttr *a, guint64 *out)
{
  switch (a->form) {
  case DW_FORM_addr:
    *out = a->u;
    return TRUE;
  case DW_FORM_addrx:
  case DW_FORM_addrx1:
  case DW_FORM_addrx2:
  case DW_FORM_addrx3:
  case DW_FORM_addrx4:
    return addr_entry(sec, unit, a->u, out);
  default:
    return FALSE;
  }
}

static void
add_range(GArray *out, guint64 lo, guint64 hi)
{
  if (hi > lo) {
    FkDieRange r = {lo, hi};
    g_array_append_val(out, r);
  }
}

/* DWARF 2-4 .debug_ranges at OFF. */
static gboolean
ranges_v4(const FkDieSections *sec, const FkDieUnit *unit, guint64 off, guint64 base, GArray *out)
{
  if (sec->ranges == NULL || off >= sec->ranges_len)
    return FALSE;
  guint n = unit->addr_size;
  guint64 max = n == 8 ? G_MAXUINT64 : (G_GUINT64_CONSTANT(1) << (8 * n)) - 1;
  const guint8 *p = sec->ranges + off, *end = sec->ranges + sec->ranges_len;
  while ((gsize)(end - p) >= 2u * n) {
    guint64 lo = le(p, n), hi = le(p + n, n);
    p += 2u * n;
    if (lo == 0 && hi == 0)
      return TRUE;
    if (lo == max)
      base = hi;
    else
      add_range(out, lo + base, hi + base);
  }
  return FALSE;
}

/* DWARF 5 .debug_rnglists entries at OFF. */
static gboolean
rnglist_v5(const FkDieSections *sec, const FkDieUnit *unit, guint64 off, guint64 base, GArray *out)
{
  if (sec->rnglists == NULL || off >= sec->rnglists_len)
    return FALSE;
  const guint8 *p = sec->rnglists + off, *end = sec->rnglists + sec->rnglists_len;
  guint n = unit->addr_size;
  while (p < end) {
    guint8 kind = *p++;
    guint64 a = 0, b = 0, lo, hi;
    switch (kind) {
    case DW_RLE_end_of_list:
      return TRUE;
    case DW_RLE_base_addressx:
      if (!uleb(&p, end, &a))
        return FALSE;
      if (!addr_entry(sec, unit, a, &base))
        return FALSE;
      break;
    case DW_RLE_startx_endx:
      if (!uleb(&p, end, &a) || !uleb(&p, end, &b))
        return FALSE;
      if (addr_entry(sec, unit, a, &lo) && addr_entry(sec, unit, b, &hi))
        add_range(out, lo, hi); /* else unavailable: skipped */
      break;
    case DW_RLE_startx_length:
      if (!uleb(&p, end, &a) || !uleb(&p, end, &b))
        return FALSE;
      if (addr_entry(sec, unit, a, &lo))
        add_range(out, lo, lo + b);
      break;
    case DW_RLE_offset_pair:
      if (!uleb(&p, end, &a) || !uleb(&p, end, &b))
        return FALSE;
      add_range(out, base + a, base + b);
      break;
    case DW_RLE_base_address:
      if ((gsize)(end - p) < n)
        return FALSE;
      base = le(p, n);
      p += n;
      break;
    case DW_RLE_start_end:
      if ((gsize)(end - p) < 2u * n)
        return FALSE;
      add_range(out, le(p, n), le(p + n, n));
      p += 2u * n;
      break;
    case DW_RLE_start_length:
      if ((gsize)(end - p) < n)
        return FALSE;
      lo = le(p, n);
      p += n;
      if (!uleb(&p, end, &b))
        return FALSE;
      add_range(out, lo, lo + b);
      break;
    default:
      return FALSE;
    }
  }
  return FALSE;
}

gboolean
fk_die_ranges(const FkDieSections *sec, const FkDieUnit *unit, const FkDieAttr *a, guint64 base,
              GArray *out)
{
  if (unit->version < 5) {
    if (a->form != DW_FORM_sec_offset && a->form != DW_FORM_data4 && a->form != DW_FORM_data8)
      return FALSE;
    return ranges_v4(sec, unit, a->u, base, out);
  }
  guint64 off;
  if (a->form == DW_FORM_rnglistx) {
    /* the offsets table after the list header the base points at */
    guint n = unit->offset_size;
    guint64 at = unit->rnglists_base;
    if (!unit->has_rnglists_base || sec->rnglists == NULL || a->u > (G_MAXUINT64 - at) / n ||
        at + a->u * n > sec->rnglists_len || sec->rnglists_len - (at + a->u * n) < n)
      return FALSE;
    off = at + le(sec->rnglists + at + a->u * n, n);
  } else if (a->form == DW_FORM_sec_offset) {
    off = a->u;
  } else {
    return FALSE;
  }
  return rnglist_v5(sec, unit, off, base, out);
}
