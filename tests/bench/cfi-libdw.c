/* cfi-libdw.c -- how long libdw takes to give the CFI rules (CFA and 17
 * registers) at every STEPth address of [LO, HI) of an ELF file: the
 * measurement behind the unwinder's choice of libdw (docs/symbolize.md).
 * Built and run by tests/bench/unwind.sh: cfi-libdw ELF LO HI STEP */
#include <elfutils/libdw.h>
#include <fcntl.h>
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
  elf_version(EV_CURRENT);
  int fd = open(argv[1], O_RDONLY);
  Elf *e = elf_begin(fd, ELF_C_READ_MMAP, NULL);
  unsigned long lo = strtoul(argv[2], 0, 0), hi = strtoul(argv[3], 0, 0),
                step = strtoul(argv[4], 0, 0);
  double t0 = now();
  Dwarf_CFI *c = dwarf_getcfi_elf(e);
  double t1 = now();
  long n = 0, ok = 0;
  for (unsigned long a = lo; a < hi; a += step) {
    Dwarf_Frame *f;
    n++;
    if (dwarf_cfi_addrframe(c, a, &f) == 0) {
      Dwarf_Op *ops;
      size_t no;
      dwarf_frame_cfa(f, &ops, &no);
      for (int r = 0; r < 17; r++) {
        Dwarf_Op m[3];
        Dwarf_Op *o;
        size_t k;
        dwarf_frame_register(f, r, m, &o, &k);
      }
      ok++;
      free(f);
    }
  }
  double t2 = now();
  printf("libdw: open %.3f ms, %ld pcs (%ld with CFI) %.2f us/pc\n", (t1 - t0) * 1e3, n, ok,
         (t2 - t1) * 1e6 / n);
}
