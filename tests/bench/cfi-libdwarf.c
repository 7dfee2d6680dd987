/* cfi-libdwarf.c -- the same as cfi-libdw.c through libdwarf's frame API
 * (dwarf_get_fde_list_eh, dwarf_get_fde_at_pc,
 * dwarf_get_fde_info_for_all_regs3). A program of its own: libdw and libdwarf
 * export the same dwarf_* names and cannot share a process. */
#include <dwarf.h>
#include <fcntl.h>
#include <libdwarf.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
static double
now(void)
{
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}
int
main(int argc, char **argv)
{
  unsigned long lo = strtoul(argv[2], 0, 0), hi = strtoul(argv[3], 0, 0),
                step = strtoul(argv[4], 0, 0);
  Dwarf_Debug dbg;
  Dwarf_Error err = 0;
  int fd = open(argv[1], O_RDONLY);
  double t0 = now();
  if (dwarf_init_b(fd, DW_DLC_READ, DW_GROUPNUMBER_ANY, 0, 0, &dbg, &err) != DW_DLV_OK) {
    puts("init failed");
    return 1;
  }
  Dwarf_Cie *cies;
  Dwarf_Signed nc;
  Dwarf_Fde *fdes;
  Dwarf_Signed nf;
  if (dwarf_get_fde_list_eh(dbg, &cies, &nc, &fdes, &nf, &err) != DW_DLV_OK) {
    puts("no eh");
    return 1;
  }
  double t1 = now();
  long n = 0, ok = 0;
  Dwarf_Regtable3 rt;
  rt.rt3_reg_table_size = 17;
  rt.rt3_rules = calloc(17, sizeof(Dwarf_Regtable_Entry3));
  for (unsigned long a = lo; a < hi; a += step) {
    Dwarf_Fde f;
    Dwarf_Addr l, h;
    n++;
    if (dwarf_get_fde_at_pc(fdes, a, &f, &l, &h, &err) == DW_DLV_OK) {
      Dwarf_Addr row;
      if (dwarf_get_fde_info_for_all_regs3(f, a, &rt, &row, &err) == DW_DLV_OK)
        ok++;
    }
  }
  double t2 = now();
  printf("libdwarf: open+fde list %.3f ms (%lld FDEs), %ld pcs (%ld with CFI) "
         "%.2f us/pc\n",
         (t1 - t0) * 1e3, (long long)nf, n, ok, (t2 - t1) * 1e6 / n);
}
