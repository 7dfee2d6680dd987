/* phases.c -- the workload of t5010-diff-runs.sh: three CPU-bound phases
 * called one after the other from main, each a loop whose cost is set by an
 * iteration count (not by time), so that on a noisy machine a phase made 15%
 * longer costs 15% more CPU whatever else runs.
 *
 *   phases UNIT [B_PERCENT]: phase_a and phase_c spin UNIT times, phase_b
 *   UNIT * B_PERCENT / 100 times (default 100).
 *
 * Built with frame pointers (-fno-omit-frame-pointer), so that `perf record
 * -g` sees main above each phase. gcc sets up no frame in a leaf function
 * that needs no stack, whatever -mno-omit-leaf-frame-pointer says, so each
 * phase calls begin() first: not a leaf, it gets its frame. */
#include <stdlib.h>

static volatile unsigned long sink;

__attribute__((noinline)) static void
begin(unsigned long seed)
{
  sink ^= seed;
}

/* An LCG step per iteration: no memory traffic, nothing to vectorize away. */
#define SPIN(n, seed)                                                                              \
  do {                                                                                             \
    unsigned long x = (seed);                                                                      \
    begin(seed);                                                                                   \
    for (unsigned long i = 0; i < (n); i++)                                                        \
      x = x * 6364136223846793005UL + 1442695040888963407UL;                                       \
    sink += x;                                                                                     \
  } while (0)

__attribute__((noinline)) void
phase_a(unsigned long n)
{
  SPIN(n, 1);
}

__attribute__((noinline)) void
phase_b(unsigned long n)
{
  SPIN(n, 2);
}

__attribute__((noinline)) void
phase_c(unsigned long n)
{
  SPIN(n, 3);
}

int
main(int argc, char **argv)
{
  unsigned long unit = argc > 1 ? strtoul(argv[1], NULL, 10) : 1000000;
  unsigned long b = argc > 2 ? strtoul(argv[2], NULL, 10) : 100;
  phase_a(unit);
  phase_b(unit * b / 100);
  phase_c(unit);
  return 0;
}
