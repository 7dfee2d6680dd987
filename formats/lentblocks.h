/* lentblocks.h -- a stream read in blocks that are handed on without a copy.
 *
 * The thread that walks an archive hands each member's bytes to a reader
 * on another thread, through a pipe (pipeline.c). Copying them there was
 * a third of that thread's work on a 100-host tar.zst. A source read
 * through this input (the archive's decoder) is read in blocks of BLOCK
 * bytes, each a GBytes: libarchive reads the block as it is (lent,
 * fk_input_borrow), and the bytes of a member that lie in the block go to
 * the pipe as a slice of it (fk_lent_blocks_slice), which keeps the block
 * until the slice is freed (on whichever thread that is); a block nobody
 * refers to any more is used again. Memory is what the readers' pipes hold,
 * which their own caps bound, and one block.
 *
 * The reader gets what reading the source directly would give, call for
 * call: a block holds what one read of the source returned (a short read
 * stays short); then the source's error, after every byte before it, or
 * its end. So libarchive, reading it, meets the same buffers at the same
 * offsets and says the same things at the same bytes as without it. The
 * source is read on the reader's thread, when the reader wants the next
 * block: decoding it on a thread of its own (a ring of blocks filled
 * ahead) cost more than it gave (docs/ARCHITECTURE.md, "One archive on both
 * cores"). */
#pragma once

#include "input.h"

/* What the source has consumed so far (a decoder's compressed bytes),
 * asked after each read. */
typedef guint64 (*FkLentBlocksMarkFunc)(const FkInput *source);

/* SOURCE (taken) read in blocks of BLOCK bytes (at most 2 MiB). The input
 * is named like SOURCE and freed at any moment: the source with it, the
 * blocks with the last slice of them. MARK may be NULL. */
FkInput *fk_lent_blocks_new(FkInput *source, gsize block, FkLentBlocksMarkFunc mark);

/* LEN bytes at DATA, when they lie in the block SELF lent or read from
 * last, as a reference to that block (transfer full): the bytes are handed
 * on to another thread without a copy, and the block is not used again
 * until the slice is freed. NULL when they lie elsewhere (a copy of
 * libarchive's, for bytes cut by a block's end) or SELF is not one of
 * these inputs. */
GBytes *fk_lent_blocks_slice(const FkInput *self, const guint8 *data, gsize len);

/* TRUE when LEN bytes at DATA lie in the block SELF lent or read from
 * last (NULL SELF, or not one of these inputs: FALSE). */
gboolean fk_lent_blocks_holds(const FkInput *self, const guint8 *data, gsize len);

/* TRUE when SELF was made by fk_lent_blocks_new. */
gboolean fk_lent_blocks_is(const FkInput *self);

/* MARK's value after the read of the block handed out last (0 before the
 * first): what the source had consumed when the reader's bytes came out of
 * it. */
guint64 fk_lent_blocks_mark(const FkInput *self);
