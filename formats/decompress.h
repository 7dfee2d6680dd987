/* decompress.h -- a gzip or zstd stream decoded here rather than by libarchive.
 *
 * libarchive's filters decode into 64 KiB blocks and drop the block they were
 * filling when the input ends too soon: a truncated .gz lost a third of its
 * decodable lines. A single compressed file (not an archive) of the two
 * commonest formats is decoded here instead, with zlib and libzstd, so that
 * a stream cut short yields every byte that decodes, then says where it was
 * cut. The decoder also stops a stream that expands past a ratio (a bomb of
 * zeros), as the container does for archives. */
#pragma once

#include "input.h"

/* TRUE when HEAD starts a gzip member or a zstd frame. */
gboolean fk_decompress_handles(const guint8 *head, gsize len);

/* Decodes what of SRC (a whole or partial compressed stream, LEN bytes)
 * decodes, into at most CAP bytes of OUT: the count (0 when nothing does).
 * For probing what the stream holds without consuming it. */
gsize fk_decompress_peek(const guint8 *src, gsize len, guint8 *out, gsize cap);

/* IN (taken) decoded, named like IN. The bytes it yields are limited by
 * LIMIT (0: none), named LIMIT_OPTION in its message; past 64 MiB decoded,
 * more than MAX_RATIO bytes out per byte in fails (0: no limit). A stream
 * cut short yields what decodes, then fails with FK_INPUT_ERROR_IO saying
 * where. */
typedef gboolean (*FkDecompressCountFunc)(gpointer data, const char *name, gsize n, GError **error);
FkInput *fk_decompress_new(FkInput *in, guint64 limit, const char *limit_option, guint64 max_ratio);

/* COUNT (with DATA) is called with every N bytes decoded, before they are
 * handed out; FALSE (with ERROR) fails the read (a run-wide limit). */
void fk_decompress_set_count(FkInput *self, FkDecompressCountFunc count, gpointer data);

/* TRUE when SELF is a decoder made by fk_decompress_new. */
gboolean fk_decompress_is(const FkInput *self);
/* The compressed bytes a decoder has consumed. */
guint64 fk_decompress_consumed(const FkInput *self);
