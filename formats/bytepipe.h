/* bytepipe.h -- bytes handed from one thread to another: recycled blocks
 * and a bounded pipe of them.
 *
 * The reading pipeline (pipeline.c) decompresses an archive member on one
 * thread while a reader parses it on another. The bytes go through an
 * FkBytePipe as blocks of an FkBlocks pool: recycled, so that pumping a
 * large archive does not fault in fresh pages for every block, and lent to
 * the reader as they are (fk_input_borrow), so that nothing is copied. */
#pragma once

#include <glib.h>

/* ---- blocks ---- */

typedef struct FkBlocks FkBlocks;

/* A pool of BLOCK-byte blocks, carved from 2 MiB huge-page arenas. Thread
 * safe. Freed only when no block is in use any more. */
FkBlocks *fk_blocks_new(gsize block);
void fk_blocks_free(FkBlocks *self);
/* A free block (never NULL). */
guint8 *fk_blocks_get(FkBlocks *self);
/* Gives BLOCK back. */
void fk_blocks_put(FkBlocks *self, guint8 *block);
/* The first LEN bytes of BLOCK as GBytes, which give BLOCK back when freed. */
GBytes *fk_blocks_wrap(FkBlocks *self, guint8 *block, gsize len);

/* ---- the pipe ---- */

typedef struct FkBytePipe FkBytePipe;

/* A pipe that holds at most CAP bytes queued; one reference. */
FkBytePipe *fk_byte_pipe_new(gsize cap);
FkBytePipe *fk_byte_pipe_ref(FkBytePipe *self);
/* Drops a reference. Either side letting go tells the other: a writer
 * learns that the reader has gone, and discards from then on. A
 * GDestroyNotify. */
void fk_byte_pipe_unref(gpointer self);

/* The writer's side. Queues BYTES (taken), waiting while CAP bytes are
 * queued; FALSE when the reader has gone. */
gboolean fk_byte_pipe_write(FkBytePipe *self, GBytes *bytes);
/* No more bytes: the reader gets ERROR (taken; NULL: the end) after what
 * is queued. */
void fk_byte_pipe_close(FkBytePipe *self, GError *error);

/* The reader's side, an FkInputReadFunc and an FkInputLendFunc on SELF:
 * the lent bytes are a block of the writer's, valid (and writable) until
 * the next read or lend. */
gssize fk_byte_pipe_read(gpointer self, void *buf, gsize len, GError **error);
gssize fk_byte_pipe_lend(gpointer self, guint8 **out, GError **error);
