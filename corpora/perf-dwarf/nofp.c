/* nofp.c -- a C call chain built without frame pointers, for DWARF
 * unwinding: main -> run -> parse -> scan -> leaf_hash, plus a recursion whose
 * big frames a 16 KiB stack copy cannot hold (deep -> ... -> deep_leaf). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static volatile unsigned long sink;

__attribute__((noinline)) static unsigned long
leaf_hash(const unsigned char *p, size_t n)
{
  unsigned long h = 1469598103934665603ul;
  for (size_t i = 0; i < n; i++)
    h = (h ^ p[i]) * 1099511628211ul;
  return h;
}

__attribute__((noinline)) static unsigned long
scan(const unsigned char *p, size_t n)
{
  unsigned long h = 0;
  for (int r = 0; r < 4; r++)
    h += leaf_hash(p, n);
  return h;
}

__attribute__((noinline)) static unsigned long
parse(unsigned char *buf, size_t n)
{
  for (size_t i = 0; i < n; i++)
    buf[i] = (unsigned char)(i * 7);
  return scan(buf, n);
}

__attribute__((noinline)) static unsigned long
deep_leaf(unsigned long x)
{
  for (int i = 0; i < 20000; i++)
    x = x * 6364136223846793005ul + 1442695040888963407ul;
  return x;
}

/* 1 KiB of locals per level: 40 levels need 40 KiB of stack */
__attribute__((noinline)) static unsigned long
deep(int level, unsigned long x)
{
  volatile unsigned char pad[1024];
  pad[level % 1024] = (unsigned char)x;
  if (level == 0)
    return deep_leaf(x) + pad[0];
  return deep(level - 1, x + 1) + pad[level % 1024];
}

__attribute__((noinline)) static void
run(int rounds)
{
  unsigned char *buf = malloc(1 << 16);
  for (int i = 0; i < rounds; i++) {
    sink += parse(buf, 1 << 16);
    sink += deep(40, (unsigned long)i);
  }
  free(buf);
}

int
main(int argc, char **argv)
{
  run(argc > 1 ? atoi(argv[1]) : 200);
  printf("%lu\n", sink);
  return 0;
}
