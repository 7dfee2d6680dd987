/* readers.c -- the table of readers and the bidding. */
#include "reader.h"

#include <string.h>

/* clang-format off: it would space the dashes of the quark name */
G_DEFINE_QUARK(fk - reader - error - quark, fk_reader_error)
/* clang-format on */

static const FkReader *const readers[] = {
    &fk_reader_folded,   &fk_reader_perf_script, &fk_reader_dtrace,
    &fk_reader_bpftrace, &fk_reader_perf_data,   NULL,
};

const FkReader *const *
fk_readers(void)
{
  return readers;
}

const FkReader *
fk_reader_lookup(const char *name)
{
  for (const FkReader *const *r = readers; *r; r++)
    if (strcmp((*r)->name, name) == 0)
      return *r;
  return NULL;
}

const FkReader *
fk_reader_choose(const guint8 *head, gsize len)
{
  const FkReader *best = NULL;
  int best_bid = 0;
  for (const FkReader *const *r = readers; *r; r++) {
    int b = (*r)->bid(head, len);
    if (b > best_bid) {
      best_bid = b;
      best = *r;
    }
  }
  return best;
}
