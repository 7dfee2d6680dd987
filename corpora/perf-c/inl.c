/* inl.c -- a C workload with helpers that gcc inlines at -O2. */
#include <stdio.h>
#include <stdlib.h>

static inline unsigned long
mix(unsigned long x)
{
  x ^= x >> 13;
  x *= 0x9e3779b97f4a7c15UL;
  return x ^ (x >> 29);
}

static inline unsigned long
checksum(const unsigned char *p, size_t n)
{
  unsigned long h = 1469598103934665603UL;
  for (size_t i = 0; i < n; i++)
    h = mix(h ^ p[i]);
  return h;
}

__attribute__((noinline)) static unsigned long
hash_buffers(unsigned char *buf, size_t n, int rounds)
{
  unsigned long acc = 0;
  for (int r = 0; r < rounds; r++) {
    buf[r % n]++;
    acc += checksum(buf, n);
  }
  return acc;
}

__attribute__((noinline)) static double
series(long n)
{
  double s = 0;
  for (long i = 1; i < n; i++)
    s += 1.0 / ((double)i * (double)i);
  return s;
}

int
main(int argc, char **argv)
{
  int scale = argc > 1 ? atoi(argv[1]) : 1;
  unsigned char *buf = calloc(4096, 1);
  unsigned long h = hash_buffers(buf, 4096, 12000 * scale);
  double s = series(60000000L * scale);
  printf("%lx %f\n", h, s);
  free(buf);
  return 0;
}
