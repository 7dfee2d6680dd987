/* fuzz-dies.c -- libFuzzer target for the native DIE reader
 * (formats/symbols/dies.c): every unit of a .debug_info walked entry by
 * entry with every attribute decoded, then again skipping subtrees, against
 * a .debug_abbrev; strings, addresses and range lists are looked up in the
 * abbreviation bytes again (as .debug_str, .debug_addr, .debug_rnglists...).
 *
 * Input: u32 little-endian length N of the .debug_abbrev bytes (taken
 * modulo what is left), those N bytes, then the .debug_info bytes. The seeds
 * (tests/fuzz/corpus/dies/) are the two sections of small corpus binaries,
 * cut by tests/fuzz/dies-seeds.sh. */
#include <string.h>

#include "../../formats/symbols/dies.h"

int LLVMFuzzerTestOneInput(const guint8 *data, gsize size);

static void
walk_unit(const FkDieSections *sec, FkDieUnit *u, const FkDieAbbrevs *a)
{
  FkDieCursor c;
  FkDie d;
  g_autoptr(GArray) ranges = g_array_new(FALSE, FALSE, sizeof(FkDieRange));
  (void)fk_die_unit_bases(sec, u, a);
  fk_die_cursor_init(&c, sec, u, a, u->first_die);
  while (fk_die_next(&c, &d)) {
    FkDieAttrIter it;
    FkDieAttr v;
    fk_die_attr_iter_init(&d, &it);
    while (fk_die_attr_next(&c, &d, &it, &v)) {
      if (v.data != NULL && v.len > 0)
        g_assert(v.data >= sec->info && v.data + v.len <= sec->info + sec->info_len);
      const char *str = fk_die_string(sec, u, &v);
      if (str != NULL)
        (void)strlen(str);
      guint64 addr;
      (void)fk_die_address(sec, u, &v, &addr);
      g_array_set_size(ranges, 0);
      (void)fk_die_ranges(sec, u, &v, 0x1000, ranges);
    }
  }
  /* every other subtree skipped */
  fk_die_cursor_init(&c, sec, u, a, u->first_die);
  for (guint i = 0; fk_die_next(&c, &d); i++)
    if (d.abbrev != NULL && d.abbrev->children && (i & 1))
      (void)fk_die_skip_children(&c);
  g_assert(c.p <= c.end);
}

int
LLVMFuzzerTestOneInput(const guint8 *data, gsize size)
{
  if (size < 4)
    return 0;
  guint32 n =
      (guint32)data[0] | (guint32)data[1] << 8 | (guint32)data[2] << 16 | (guint32)data[3] << 24;
  data += 4;
  size -= 4;
  n = size > 0 ? n % (guint32)(size + 1) : 0;
  /* copies, so that a read past either section is a sanitizer error */
  g_autofree guint8 *abbrev = g_memdup2(data, n);
  g_autofree guint8 *info = g_memdup2(data + n, size - n);
  FkDieSections sec = {.info = info, .abbrev = abbrev, .info_len = size - n, .abbrev_len = n};
  /* the value sections: the abbreviation bytes again, read as each */
  sec.str = sec.line_str = sec.str_offsets = sec.addr = sec.ranges = sec.rnglists = abbrev;
  sec.str_len = sec.line_str_len = sec.str_offsets_len = sec.addr_len = sec.ranges_len =
      sec.rnglists_len = n;
  guint64 off = 0;
  FkDieUnit u;
  while (fk_die_unit_read(&sec, off, &u)) {
    g_assert(u.end > off && u.end <= sec.info_len && u.first_die <= u.end);
    g_autoptr(FkDieAbbrevs) a = fk_die_abbrevs_new(&sec, u.abbrev_offset);
    if (a != NULL)
      walk_unit(&sec, &u, a);
    off = u.end;
  }
  return 0;
}
