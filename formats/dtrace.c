/* dtrace.c -- placeholder. */
#include "textdump.h"

static int
dtrace_bid(const guint8 *head, gsize len)
{
  (void)head;
  (void)len;
  return 0;
}

static gpointer
dtrace_open(FkInput *in, const FkReadOptions *opts, GError **error)
{
  (void)in;
  (void)opts;
  g_set_error(error, FK_READER_ERROR, FK_READER_ERROR_FORMAT, "not yet");
  return NULL;
}

static FkReadStatus
dtrace_next(gpointer state, FkSample *s, GError **error)
{
  (void)state;
  (void)s;
  (void)error;
  return FK_READ_END;
}

static void
dtrace_close(gpointer state)
{
  (void)state;
}

const FkReader fk_reader_dtrace = {
    .name = "dtrace",
    .summary = "",
    .bid = dtrace_bid,
    .open = dtrace_open,
    .next = dtrace_next,
    .close = dtrace_close,
};
