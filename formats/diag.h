/* diag.h -- what a run skipped, and where.
 *
 * Readers, the container layer and transforms never print: they report here,
 * and cmd/ prints the first few entries with their location and then a total.
 * Thread safe; parallel readers each report to one of their own, moved to
 * the run's in input order (fk_diag_move). */
#pragma once

#include "../analyze/sample.h"
#include "partial.h"

typedef struct FkDiag FkDiag;

/* A diag that keeps the first MAX_SHOWN messages for printing. */
FkDiag *fk_diag_new(guint max_shown);
void fk_diag_free(FkDiag *self);

/* An empty diag that keeps as many messages as OTHER. */
FkDiag *fk_diag_new_like(FkDiag *other);

/* Moves what FROM holds to the end of SELF, as if it had been reported to
 * SELF in the first place (SELF's limit on shown messages applies), and
 * empties FROM. Parallel readers report to a diag of their own, moved to
 * the run's in input order, so that messages come out the same for every -j. */
void fk_diag_move(FkDiag *self, FkDiag *from);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(FkDiag, fk_diag_free)

/* Something of the input was skipped. WHERE names it ("file:12",
 * "archive.tar:member:0x1f0"); W is its weight when known, else NULL. */
void fk_diag_skip(FkDiag *self, const char *where, const FkWeight *w, const char *fmt, ...)
    G_GNUC_PRINTF(4, 5);

/* Nothing was lost, but the user should know (a truncated capture, an
 * unclaimed member): always kept, not counted as skipped. */
void fk_diag_note(FkDiag *self, const char *where, const char *fmt, ...) G_GNUC_PRINTF(3, 4);

/* The note every reader gives at close when it cut COUNT stacks (if any) at
 * MAX_DEPTH frames (fk_name_max_depth). */
void fk_diag_note_deep(FkDiag *self, const char *where, guint64 count, gsize max_depth);

/* What a partial result carried (formats/partial.c): a message of the run
 * that made it, "WHERE: WHAT", reported again as a skip (counted) or a note;
 * and COUNT more skips of that run that it did not show, of WEIGHT in all
 * (its shown ones included). So a merge reports the whole fleet's skips as
 * one run over all the inputs would. */
void fk_diag_replay(FkDiag *self, const char *message, gboolean skip);
void fk_diag_add_skips(FkDiag *self, guint64 count, double weight);

/* A partial result's origin (taken), kept in report order; moved with the
 * rest by fk_diag_move. */
void fk_diag_add_origin(FkDiag *self, FkPartialOrigin *origin);
GPtrArray *fk_diag_origins(FkDiag *self); /* element type FkPartialOrigin*, owned by SELF */

guint64 fk_diag_skipped(FkDiag *self);       /* number of skip reports */
double fk_diag_skipped_weight(FkDiag *self); /* their summed known weight */

/* The kept messages, "WHERE: WHAT", in report order; then how many more skip
 * reports there were that are not among them. */
GPtrArray *fk_diag_messages(FkDiag *self); /* element type char*, owned by SELF */
guint64 fk_diag_unshown(FkDiag *self);
/* TRUE when message I of fk_diag_messages is a skip report, FALSE for a note. */
gboolean fk_diag_message_is_skip(FkDiag *self, guint i);
