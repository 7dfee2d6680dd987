/* bpftrace.c -- placeholder. */
#include "textdump.h"

static int
bpftrace_bid(const guint8 *head, gsize len)
{
  (void)head;
  (void)len;
  return 0;
}

static gpointer
bpftrace_open(FkInput *in, const FkReadOptions *opts, GError **error)
{
  (void)in;
  (void)opts;
  g_set_error(error, FK_READER_ERROR, FK_READER_ERROR_FORMAT, "not yet");
  return NULL;
}

static FkReadStatus
bpftrace_next(gpointer state, FkSample *s, GError **error)
{
  (void)state;
  (void)s;
  (void)error;
  return FK_READ_END;
}

static void
bpftrace_close(gpointer state)
{
  (void)state;
}

const FkReader fk_reader_bpftrace = {
    .name = "bpftrace",
    .summary = "",
    .bid = bpftrace_bid,
    .open = bpftrace_open,
    .next = bpftrace_next,
    .close = bpftrace_close,
};
