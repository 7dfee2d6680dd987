/* jit.c -- a tiny "JIT": copies a spin loop into anonymous executable memory,
 * names it in /tmp/perf-PID.map as perf-map-agent names Java methods, and runs it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
  /* x86-64: mov rcx, imm64; loop: dec rcx; jnz loop; ret */
  static const unsigned char code[] = {0x48, 0xb9, 0, 0, 0, 0, 0, 0, 0, 0,
                                       0x48, 0xff, 0xc9, 0x75, 0xfb, 0xc3};
  unsigned long long n = argc > 1 ? strtoull(argv[1], NULL, 10) : 300000000ULL;
  unsigned char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
                          MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED)
    return 1;
  memcpy(p, code, sizeof code);
  memcpy(p + 2, &n, 8);
  char path[64];
  snprintf(path, sizeof path, "/tmp/perf-%d.map", (int)getpid());
  FILE *f = fopen(path, "w");
  if (f == NULL)
    return 1;
  fprintf(f, "%lx %zx Lorg/x/Spin;::run(J)V\n", (unsigned long)p, sizeof code);
  fclose(f);
  for (int i = 0; i < 4; i++)
    ((void (*)(void))p)();
  return 0;
}
