/* inl.c -- a C program whose hot helpers gcc inlines at -O2 (symbolizer tests). */
#include <stdio.h>
#include <stdlib.h>

static inline unsigned
mix(unsigned h, unsigned v)
{
  h ^= v;
  h *= 16777619u;
  return h;
}

static inline unsigned
hash_row(const unsigned *row, int n)
{
  unsigned h = 2166136261u;
  for (int i = 0; i < n; i++)
    h = mix(h, row[i]);
  return h;
}

static unsigned
__attribute__((noinline)) sum_table(const unsigned *t, int rows, int cols)
{
  unsigned s = 0;
  for (int r = 0; r < rows; r++)
    s += hash_row(t + r * cols, cols);
  return s;
}

static inline int
collatz_len(unsigned long x)
{
  int n = 0;
  while (x != 1) {
    x = (x & 1) ? 3 * x + 1 : x / 2;
    n++;
  }
  return n;
}

int __attribute__((noinline))
longest_collatz(int limit)
{
  int best = 0;
  for (int i = 1; i < limit; i++) {
    int l = collatz_len((unsigned long)i);
    if (l > best)
      best = l;
  }
  return best;
}

int
main(int argc, char **argv)
{
  int rounds = argc > 1 ? atoi(argv[1]) : 200;
  enum { ROWS = 64, COLS = 256 };
  static unsigned t[ROWS * COLS];
  for (int i = 0; i < ROWS * COLS; i++)
    t[i] = (unsigned)i * 2654435761u;
  unsigned s = 0;
  for (int k = 0; k < rounds; k++)
    s += sum_table(t, ROWS, COLS);
  printf("%u %d\n", s, longest_collatz(rounds * 500));
  return 0;
}
