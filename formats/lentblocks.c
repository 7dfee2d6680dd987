/* lentblocks.c -- a stream read in blocks that are handed on without a
 * copy (lentblocks.h).
 *
 * Only the reader's thread reads the source and touches the block being
 * handed out; a slice handed on may be freed on any thread, so what the
 * blocks need after that (the recycled memory, this structure) is
 * reference counted and the pool of blocks has a lock of its own. */
#include "lentblocks.h"

#include "bytepipe.h"

#include <string.h>

typedef struct {
  gint refs; /* atomic: the input and every block's bytes alive */
  FkInput *source;
  FkLentBlocksMarkFunc mark;
  gsize block;
  FkBlocks *blocks; /* their memory, recycled (huge-page arenas: few faults) */
  GBytes *cur;      /* the block being handed out, or NULL */
  gsize pos;        /* bytes of CUR handed out */
  gboolean done;    /* the end or the failure was handed out */
  guint64 last_mark;
} LentBlocks;

/* The memory behind a block's GBytes, given back when the last slice of it
 * is freed. */
typedef struct {
  LentBlocks *lb;
  guint8 *data;
} Block;

static void
unref(LentBlocks *lb)
{
  if (!g_atomic_int_dec_and_test(&lb->refs))
    return;
  fk_blocks_free(lb->blocks);
  g_free(lb);
}

static void
block_done(gpointer data)
{
  Block *b = data;
  LentBlocks *lb = b->lb;
  fk_blocks_put(lb->blocks, b->data);
  g_free(b);
  unref(lb);
}

/* The block with bytes left to hand out, the next read when CUR is all
 * handed out (CUR's reference dropped first: libarchive is done with it
 * once it asks for more); FALSE after the end or the failure, which
 * *RESULT then is (once; 0 after). */
static gboolean
current(LentBlocks *lb, gssize *result, GError **error)
{
  *result = 0;
  if (lb->done)
    return FALSE;
  if (lb->cur != NULL && lb->pos < g_bytes_get_size(lb->cur))
    return TRUE;
  g_clear_pointer(&lb->cur, g_bytes_unref);
  guint8 *mem = fk_blocks_get(lb->blocks);
  gssize n = fk_input_read(lb->source, mem, lb->block, error);
  lb->last_mark = lb->mark != NULL ? lb->mark(lb->source) : 0;
  if (n <= 0) {
    fk_blocks_put(lb->blocks, mem);
    lb->done = TRUE;
    *result = n < 0 ? -1 : 0;
    return FALSE;
  }
  Block *b = g_new(Block, 1);
  b->lb = lb;
  b->data = mem;
  g_atomic_int_inc(&lb->refs);
  lb->cur = g_bytes_new_with_free_func(mem, (gsize)n, block_done, b);
  lb->pos = 0;
  return TRUE;
}

static gssize
lb_read(gpointer data, void *buf, gsize len, GError **error)
{
  LentBlocks *lb = data;
  gssize result;
  if (!current(lb, &result, error))
    return result;
  gsize size;
  const guint8 *base = g_bytes_get_data(lb->cur, &size);
  gsize n = MIN(len, size - lb->pos);
  memcpy(buf, base + lb->pos, n);
  lb->pos += n;
  return (gssize)n;
}

static gssize
lb_lend(gpointer data, guint8 **out, GError **error)
{
  LentBlocks *lb = data;
  gssize result;
  if (!current(lb, &result, error))
    return result;
  gsize size;
  guint8 *base = (guint8 *)g_bytes_get_data(lb->cur, &size);
  *out = base + lb->pos;
  gsize n = size - lb->pos;
  lb->pos = size;
  return (gssize)n;
}

static void
lb_free(gpointer data)
{
  LentBlocks *lb = data;
  g_clear_pointer(&lb->cur, g_bytes_unref);
  g_clear_pointer(&lb->source, fk_input_free); /* a decoder holds megabytes */
  unref(lb);
}

FkInput *
fk_lent_blocks_new(FkInput *source, gsize block, FkLentBlocksMarkFunc mark)
{
  g_return_val_if_fail(block > 0 && block <= ((gsize)2 << 20), NULL);
  LentBlocks *lb = g_new0(LentBlocks, 1);
  lb->refs = 1;
  lb->source = source;
  lb->mark = mark;
  lb->block = block;
  lb->blocks = fk_blocks_new(block);
  return fk_input_new_like(source, lb_read, lb_lend, lb, lb_free);
}

/* The block being handed out when DATA..DATA+LEN lies in it, else NULL. */
static GBytes *
holding(const FkInput *self, const guint8 *data, gsize len)
{
  const LentBlocks *lb = self != NULL ? fk_input_source(self, lb_read) : NULL;
  if (lb == NULL || lb->cur == NULL || len == 0)
    return NULL;
  gsize size;
  const guint8 *base = g_bytes_get_data(lb->cur, &size);
  if (data < base || data >= base + size || len > (gsize)(base + size - data))
    return NULL;
  return lb->cur;
}

gboolean
fk_lent_blocks_holds(const FkInput *self, const guint8 *data, gsize len)
{
  return holding(self, data, len) != NULL;
}

GBytes *
fk_lent_blocks_slice(const FkInput *self, const guint8 *data, gsize len)
{
  GBytes *bytes = holding(self, data, len);
  if (bytes == NULL)
    return NULL;
  return g_bytes_new_from_bytes(bytes,
                                (gsize)(data - (const guint8 *)g_bytes_get_data(bytes, NULL)), len);
}

gboolean
fk_lent_blocks_is(const FkInput *self)
{
  return fk_input_source(self, lb_read) != NULL;
}

guint64
fk_lent_blocks_mark(const FkInput *self)
{
  const LentBlocks *lb = fk_input_source(self, lb_read);
  g_return_val_if_fail(lb != NULL, 0);
  return lb->last_mark;
}
