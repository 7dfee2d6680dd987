/* pieces.h -- an output made in pieces on several threads and written in
 * order: a writer cuts its work in pieces (render/folded.c: runs of the
 * tree's subtrees in name order), each rendered on whichever thread is free,
 * and the caller's thread writes them to the output one after the other, so
 * that the file is byte for byte the one thread's. A piece rendered ahead of
 * its turn waits in memory: at most four a thread, so what waits stays a
 * small part of the output however large it is. */
#pragma once

#include <glib.h>
#include <stdio.h>

/* Writes piece I to TO (a memory stream, or the output itself when the piece
 * is the next to be written): FALSE when it could not, the write stops. */
typedef gboolean (*FkPieceFunc)(gsize i, FILE *to, gpointer data);

/* Writes pieces 0 to N-1 to OUT in order, rendered by FUNC on up to JOBS
 * threads (this one included; 1 or fewer threads than asked when no more can
 * be started). FALSE when FUNC failed, a piece's memory stream could not be
 * made or OUT could not be written; what was written stays written. */
gboolean fk_pieces_write(gsize n, guint jobs, FkPieceFunc func, gpointer data, FILE *out);
