/* readahead.h -- a stream read ahead of its reader, on a thread of its own.
 *
 * The thread that walks the members of an archive and hands them to the
 * readers also decompressed it: on a 100-host tar.zst the second core
 * waited for the one that did both. A read-ahead runs the source (the
 * archive's decoder) on a thread of its own, which fills a ring of at most
 * SLOTS blocks of BLOCK bytes ahead of the reader and waits while they are
 * all full: the memory is bounded whatever the source holds (blocks handed
 * on as slices live as long as those do: what the readers' pipes hold,
 * which their own caps bound), and a reader that stops reading stops the
 * source.
 *
 * The reader gets what reading the source directly would give, call for
 * call: a block holds what one read of the source returned (a short read
 * stays short) and is lent as it is (fk_input_borrow, no copy); then the
 * source's error, after every byte before it, or its end. So libarchive,
 * reading it, meets the same buffers at the same offsets and says the same
 * things at the same bytes as without it. */
#pragma once

#include "input.h"

/* What the source has consumed so far (a decoder's compressed bytes),
 * asked on the read-ahead's thread after each read. */
typedef guint64 (*FkReadAheadMarkFunc)(const FkInput *source);

/* SOURCE (taken) read ahead in blocks of BLOCK bytes, at most SLOTS of them
 * ahead of the reader, on a thread started now. The input is named like
 * SOURCE. A reader that waits for bytes is woken when WAKE blocks are
 * ready (or the source has ended): 1 for a source that may pause (a pipe),
 * more for one that does not (a file's decoder), so that a reader faster
 * than the source is not switched in for every block. Freeing the input
 * stops the thread (after the read it is in, which may wait on a pipe);
 * the source is freed by whichever side ends last. MARK may be NULL. */
FkInput *fk_read_ahead_new(FkInput *source, gsize block, guint slots, guint wake,
                           FkReadAheadMarkFunc mark);

/* LEN bytes at DATA, when they lie in the block SELF lent or read from
 * last, as a reference to that block (transfer full): the bytes are handed
 * on to another thread without a copy, and the block is not filled again
 * until the slice is freed. NULL when they lie elsewhere (a copy of
 * libarchive's, for bytes cut by a block's end) or SELF is not a
 * read-ahead. */
GBytes *fk_read_ahead_slice(const FkInput *self, const guint8 *data, gsize len);

/* TRUE when LEN bytes at DATA lie in the block SELF lent or read from
 * last (NULL SELF, or not a read-ahead: FALSE). */
gboolean fk_read_ahead_holds(const FkInput *self, const guint8 *data, gsize len);

/* TRUE when SELF was made by fk_read_ahead_new. */
gboolean fk_read_ahead_is(const FkInput *self);

/* MARK's value when the block handed out last was read (0 before the
 * first): what the source had consumed when the reader's bytes came out
 * of it, whatever the thread has read since, so the same for every -j. */
guint64 fk_read_ahead_mark(const FkInput *self);
