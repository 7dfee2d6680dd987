/* gen-folded.c -- writes a large synthetic folded profile for `make bench`:
 * DISTINCT different stacks (depth 8..40 over a vocabulary of C++-like names),
 * repeated in shuffled order until about MB megabytes are written. The same
 * arguments always give the same bytes. Usage: gen-folded MB DISTINCT [SHARE]
 *
 * Stacks grow as real ones do: a new stack takes an earlier one, keeps a
 * random prefix of it and adds a few new frames (SHARE=1, the default), so
 * 200k distinct stacks make about a million tree nodes. SHARE=0 draws every
 * frame below depth 4 at random: the adversarial case where almost every frame
 * of every distinct stack is a new node. SHARE=2 is the uniform generator: a
 * block of DISTINCT lines of 5 to 40 frames drawn uniformly from 4,000 names
 * (`modN::func_I`), counts 1-100, the block repeated in order to MB. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned long long state = 88172645463325252ULL;
static unsigned long long
next(void)
{
  state ^= state << 13;
  state ^= state >> 7;
  state ^= state << 17;
  return state;
}

int
main(int argc, char **argv)
{
  if (argc != 3 && argc != 4) {
    fprintf(stderr, "usage: gen-folded MB DISTINCT [SHARE]\n");
    return 2;
  }
  unsigned long long want = strtoull(argv[1], NULL, 10) << 20;
  unsigned long distinct = strtoul(argv[2], NULL, 10);
  int share = argc == 4 ? atoi(argv[3]) : 1;
  if (share == 2) {
    unsigned long long written = 0;
    unsigned long long seed = state;
    while (written < want) {
      state = seed; /* the same block again */
      for (unsigned long s = 0; s < distinct && written < want; s++) {
        unsigned depth = 5 + (unsigned)(next() % 36);
        int n = 0;
        for (unsigned d = 0; d < depth; d++) {
          unsigned f = (unsigned)(next() % 4000);
          n += printf("%smod%u::func_%u", d ? ";" : "", f % 50, f);
        }
        n += printf(" %llu\n", 1 + next() % 100);
        written += (unsigned long long)n;
      }
    }
    return 0;
  }
  enum { VOCAB = 6000 };
  static char names[VOCAB][64];
  static const char *ns[] = {"std", "app", "net", "db", "core", "rt", "io", "http"};
  for (int i = 0; i < VOCAB; i++)
    snprintf(names[i], sizeof names[i], "%s::Module%d::function_%d", ns[i % 8], i % 97, i);
  /* Stacks grow from a few roots so that they share prefixes, like real ones. */
  char **stacks = malloc(distinct * sizeof *stacks);
  for (unsigned long s = 0; s < distinct; s++) {
    char buf[4096];
    size_t len = 0;
    if (share && s > 0) {
      /* keep a prefix of an earlier stack, cut at a frame boundary */
      const char *from = stacks[next() % s];
      size_t flen = strlen(from), cut = (size_t)(next() % (flen + 1));
      while (cut > 0 && from[cut] != ';' && from[cut] != '\0')
        cut--;
      memcpy(buf, from, cut);
      len = cut;
      unsigned extra = 1 + (unsigned)(next() % 6);
      for (unsigned d = 0; d < extra; d++)
        len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%s", len ? ";" : "",
                                names[next() % VOCAB]);
      stacks[s] = strdup(buf);
      continue;
    }
    unsigned depth = 8 + (unsigned)(next() % 33);
    unsigned long long base = next();
    for (unsigned d = 0; d < depth; d++) {
      /* shallow frames come from a small set, deep ones from the whole vocabulary */
      unsigned range = d < 4 ? 4 + d * 4 : VOCAB;
      unsigned idx = d < 4 ? (unsigned)((base >> (d * 8)) % range) : (unsigned)(next() % range);
      len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%s", d ? ";" : "", names[idx]);
    }
    stacks[s] = strdup(buf);
  }
  unsigned long long written = 0;
  while (written < want) {
    unsigned long s = (unsigned long)(next() % distinct);
    int n = printf("%s %llu\n", stacks[s], 1 + next() % 50);
    if (n < 0)
      return 1;
    written += (unsigned long long)n;
  }
  return 0;
}
