/* demo.c -- a small CPU-bound "request handler" for flamekit's demo corpus:
 * parse, checksum, compress-like and sort phases with inlined helpers. The
 * argument weights the phases, so two hosts can show a difference. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static unsigned char buf[1 << 16];

static inline unsigned
mix(unsigned h, unsigned char c)
{
  return (h ^ c) * 16777619u;
}

__attribute__((noinline)) static unsigned
parse_request(int n)
{
  unsigned h = 2166136261u;
  for (int r = 0; r < n; r++)
    for (size_t i = 0; i < sizeof buf; i++)
      h = mix(h, buf[i]);
  return h;
}

__attribute__((noinline)) static unsigned
checksum(int n)
{
  unsigned a = 1, b = 0;
  for (int r = 0; r < n; r++)
    for (size_t i = 0; i < sizeof buf; i++) {
      a = (a + buf[i]) % 65521;
      b = (b + a) % 65521;
    }
  return b << 16 | a;
}

__attribute__((noinline)) static size_t
compress_block(int n)
{
  size_t out = 0;
  for (int r = 0; r < n; r++)
    for (size_t i = 1; i < sizeof buf; i++)
      out += buf[i] != buf[i - 1];
  return out;
}

static int
cmp(const void *a, const void *b)
{
  return *(const unsigned char *)a - *(const unsigned char *)b;
}

__attribute__((noinline)) static void
sort_results(int n)
{
  static unsigned char tmp[sizeof buf];
  for (int r = 0; r < n; r++) {
    memcpy(tmp, buf, sizeof buf);
    qsort(tmp, sizeof tmp, 1, cmp);
  }
}

__attribute__((noinline)) static unsigned
handle_request(int weight)
{
  unsigned h = parse_request(2);
  h ^= checksum(1 + weight);
  h ^= (unsigned)compress_block(2);
  sort_results(weight > 1 ? 1 : 0);
  return h;
}

int
main(int argc, char **argv)
{
  int weight = argc > 1 ? atoi(argv[1]) : 1;
  double seconds = argc > 2 ? atof(argv[2]) : 1.0;
  for (size_t i = 0; i < sizeof buf; i++)
    buf[i] = (unsigned char)(i * 7 + i / 13);
  unsigned h = 0;
  clock_t end = clock() + (clock_t)(seconds * CLOCKS_PER_SEC);
  while (clock() < end)
    h ^= handle_request(weight);
  printf("%u\n", h);
  return 0;
}
