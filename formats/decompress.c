/* decompress.c -- gzip (zlib) and zstd (libzstd) streams as FkInputs. */
#include "decompress.h"

#include <string.h>
#include <zlib.h>
#include <zstd.h>

#define IN_BLOCK (64 * 1024)
/* Bytes out before the ratio is checked (as the container's). */
#define RATIO_FLOOR ((guint64)64 << 20)

typedef enum { GZIP, ZSTD } Codec;

typedef struct {
  FkInput *src;
  char *name;
  Codec codec;
  z_stream zs;
  ZSTD_DStream *zd;
  guint8 in[IN_BLOCK];
  gsize in_len, in_pos;
  guint64 in_total;  /* compressed bytes consumed */
  guint64 out_total; /* bytes decoded */
  guint64 max_ratio;
  FkDecompressCountFunc count;
  gpointer count_data;
  gboolean src_eof;
  gboolean in_unit; /* inside a gzip member or a zstd frame */
  gboolean done;
  GError *error; /* returned after the bytes decoded before it */
} Decoder;

static gboolean
is_gzip(const guint8 *h, gsize len)
{
  return len >= 2 && h[0] == 0x1f && h[1] == 0x8b;
}

static gboolean
is_zstd(const guint8 *h, gsize len)
{
  return len >= 4 && memcmp(h, "\x28\xb5\x2f\xfd", 4) == 0;
}

gboolean
fk_decompress_handles(const guint8 *head, gsize len)
{
  return is_gzip(head, len) || is_zstd(head, len);
}

gsize
fk_decompress_peek(const guint8 *src, gsize len, guint8 *out, gsize cap)
{
  gsize got = 0;
  if (is_gzip(src, len)) {
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    if (inflateInit2(&zs, 15 + 16) != Z_OK)
      return 0;
    zs.next_in = (Bytef *)src;
    zs.avail_in = (uInt)MIN(len, (gsize)G_MAXUINT);
    zs.next_out = out;
    zs.avail_out = (uInt)MIN(cap, (gsize)G_MAXUINT);
    (void)inflate(&zs, Z_SYNC_FLUSH);
    got = cap - zs.avail_out;
    inflateEnd(&zs);
  } else if (is_zstd(src, len)) {
    ZSTD_DStream *zd = ZSTD_createDStream();
    ZSTD_inBuffer zin = {src, len, 0};
    ZSTD_outBuffer zout = {out, cap, 0};
    while (zout.pos < zout.size && zin.pos < zin.size) {
      gsize before = zin.pos + zout.pos;
      if (ZSTD_isError(ZSTD_decompressStream(zd, &zout, &zin)) || zin.pos + zout.pos == before)
        break;
    }
    got = zout.pos;
    ZSTD_freeDStream(zd);
  }
  return got;
}

static void
decoder_free(gpointer data)
{
  Decoder *d = data;
  fk_input_free(d->src);
  if (d->codec == GZIP)
    inflateEnd(&d->zs);
  else
    ZSTD_freeDStream(d->zd);
  g_clear_error(&d->error);
  g_free(d->name);
  g_free(d);
}

/* More compressed bytes: FALSE at the source's end or on its error (kept). */
static gboolean
refill(Decoder *d)
{
  if (d->in_pos < d->in_len)
    return TRUE;
  if (d->src_eof)
    return FALSE;
  GError *e = NULL;
  gssize n = fk_input_read(d->src, d->in, sizeof d->in, &e);
  if (n < 0) {
    d->error = e;
    d->src_eof = TRUE;
    return FALSE;
  }
  if (n == 0) {
    d->src_eof = TRUE;
    return FALSE;
  }
  d->in_len = (gsize)n;
  d->in_pos = 0;
  return TRUE;
}

static void
fail(Decoder *d, const char *what)
{
  if (d->error == NULL)
    g_set_error(&d->error, FK_INPUT_ERROR, FK_INPUT_ERROR_IO,
                "%s: %s at byte %" G_GUINT64_FORMAT
                " of the compressed stream (the %" G_GUINT64_FORMAT
                " bytes before it were decoded and read)",
                d->name, what, d->in_total, d->out_total);
  d->done = TRUE;
}

/* Decodes into BUF: the count, or 0 when the stream is done (d->error says
 * whether it ended well). */
static gsize
decode(Decoder *d, guint8 *buf, gsize len)
{
  while (!d->done) {
    if (!refill(d)) {
      if (d->in_unit)
        fail(d, d->codec == GZIP ? "truncated gzip stream: cut" : "truncated zstd stream: cut");
      d->done = TRUE;
      return 0;
    }
    const guint8 *next = d->in + d->in_pos;
    gsize avail = d->in_len - d->in_pos;
    if (!d->in_unit && d->codec == GZIP) {
      /* a new member of a concatenated stream, or what follows the last */
      if (avail < 2 && !d->src_eof) {
        /* too little to tell: keep it and read more */
        memmove(d->in, next, avail);
        d->in_len = avail;
        d->in_pos = 0;
        GError *e = NULL;
        gssize n = fk_input_read(d->src, d->in + avail, sizeof d->in - avail, &e);
        if (n < 0) {
          d->error = e;
          d->src_eof = TRUE;
        } else if (n == 0) {
          d->src_eof = TRUE;
        }
        d->in_len += n > 0 ? (gsize)n : 0;
        continue;
      }
      if (!is_gzip(next, avail)) {
        fail(d, "bytes that are not gzip after the end of the stream; ignored from");
        return 0;
      }
      inflateReset(&d->zs);
      d->in_unit = TRUE;
    }
    gsize out = 0, used = 0;
    if (d->codec == GZIP) {
      d->zs.next_in = (Bytef *)next;
      d->zs.avail_in = (uInt)avail;
      d->zs.next_out = buf;
      d->zs.avail_out = (uInt)MIN(len, (gsize)G_MAXUINT);
      int r = inflate(&d->zs, Z_NO_FLUSH);
      used = avail - d->zs.avail_in;
      out = MIN(len, (gsize)G_MAXUINT) - d->zs.avail_out;
      if (r == Z_STREAM_END) {
        d->in_unit = FALSE;
      } else if (r != Z_OK && r != Z_BUF_ERROR) {
        d->in_pos += used;
        d->in_total += used;
        fail(d, d->zs.msg ? d->zs.msg : "corrupt gzip data");
        d->out_total += out;
        return out;
      }
    } else {
      ZSTD_inBuffer zin = {next, avail, 0};
      ZSTD_outBuffer zout = {buf, len, 0};
      gsize r = ZSTD_decompressStream(d->zd, &zout, &zin);
      used = zin.pos;
      out = zout.pos;
      if (ZSTD_isError(r)) {
        d->in_pos += used;
        d->in_total += used;
        fail(d, ZSTD_getErrorName(r));
        d->out_total += out;
        return out;
      }
      d->in_unit = r != 0;
    }
    d->in_pos += used;
    d->in_total += used;
    d->out_total += out;
    if (out > 0)
      return out;
    if (used == 0 && d->in_unit) { /* no progress with input and room: never loop */
      fail(d, "undecodable data");
      return 0;
    }
  }
  return 0;
}

static gssize
decoder_read(gpointer data, void *buf, gsize len, GError **error)
{
  Decoder *d = data;
  gsize n = decode(d, buf, len);
  if (n > 0 && d->max_ratio != 0 && d->out_total > RATIO_FLOOR &&
      d->out_total / MAX(d->in_total, (guint64)1) > d->max_ratio) {
    g_set_error(error, FK_INPUT_ERROR, FK_INPUT_ERROR_LIMIT,
                "%s: expanded more than %" G_GUINT64_FORMAT " times (%" G_GUINT64_FORMAT
                " bytes out of %" G_GUINT64_FORMAT
                "; --max-ratio), as a decompression bomb does; the rest of it is skipped",
                d->name, d->max_ratio, d->out_total, d->in_total);
    d->done = TRUE;
    return -1;
  }
  if (n > 0 && d->count != NULL && !d->count(d->count_data, d->name, n, error)) {
    d->done = TRUE;
    return -1;
  }
  if (n > 0)
    return (gssize)n;
  if (d->error != NULL) {
    g_propagate_error(error, g_steal_pointer(&d->error));
    return -1;
  }
  return 0;
}

FkInput *
fk_decompress_new(FkInput *in, guint64 limit, const char *limit_option, guint64 max_ratio)
{
  const guint8 *head;
  gssize n = fk_input_peek(in, 4, &head, NULL);
  Decoder *d = g_new0(Decoder, 1);
  d->src = in;
  d->name = g_strdup(fk_input_name(in));
  d->max_ratio = max_ratio;
  d->codec = n > 0 && is_zstd(head, (gsize)n) ? ZSTD : GZIP;
  if (d->codec == GZIP) {
    if (inflateInit2(&d->zs, 15 + 16) != Z_OK)
      g_error("zlib: cannot initialize");
  } else {
    d->zd = ZSTD_createDStream();
    d->in_unit = TRUE; /* a zstd stream holds at least one frame */
  }
  FkInput *out = fk_input_new_stream(fk_input_name(in), decoder_read, d, decoder_free);
  fk_input_set_origin(out, fk_input_path(in), fk_input_member(in));
  fk_input_set_host(out, g_strdup(fk_input_host(in)));
  fk_input_set_limit(out, limit, limit_option);
  return out;
}

void
fk_decompress_set_count(FkInput *self, FkDecompressCountFunc count, gpointer data)
{
  Decoder *d = fk_input_source(self, decoder_read);
  g_return_if_fail(d != NULL);
  d->count = count;
  d->count_data = data;
}

gboolean
fk_decompress_is(const FkInput *self)
{
  return fk_input_source(self, decoder_read) != NULL;
}

guint64
fk_decompress_consumed(const FkInput *self)
{
  const Decoder *d = fk_input_source(self, decoder_read);
  g_return_val_if_fail(d != NULL, 0);
  return d->in_total;
}
