/* lines.h -- lines of a text input, whatever its encoding and line ends.
 *
 * Strips a UTF-8 BOM, transcodes UTF-16 LE/BE (with a BOM) to UTF-8, ends
 * lines at LF, CRLF or a lone CR, and never holds more than one line plus a
 * buffer in memory. A line longer than the limit is consumed and reported as
 * FK_LINE_TOO_LONG. UTF-16 that is no text (a lone surrogate, the odd last
 * byte of a torn file) becomes U+FFFD, counted for fk_lines_report. */
#pragma once

#include "diag.h"
#include "input.h"

typedef enum {
  FK_LINE_ERROR = -1, /* I/O error, see GError */
  FK_LINE_END = 0,
  FK_LINE_OK = 1,
  FK_LINE_TOO_LONG = 2, /* skipped; its number is fk_lines_number() */
} FkLineStatus;

typedef struct FkLines FkLines;

/* Lines of IN (not owned), at most MAX_LINE bytes each (0: 16 MiB). */
FkLines *fk_lines_new(FkInput *in, gsize max_line);
void fk_lines_free(FkLines *self);
/* SELF reads a piece of an input that begins after a line end: UTF-8 as
 * the input's start said, no BOM looked for, lines numbered from 1 (the
 * reader adds the lines before the piece, FkPiece, where a message names
 * one). Before the first fk_lines_next. */
void fk_lines_set_piece(FkLines *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(FkLines, fk_lines_free)

/* The next line, without its line end, in *LINE (valid until the next call;
 * NUL-terminated at LEN) and *LEN. */
FkLineStatus fk_lines_next(FkLines *self, char **line, gsize *len, GError **error);

/* The bytes after the line last returned that SELF holds already, read
 * from nothing (*P, and their count; 0: none): the next lines, or the
 * start of them, for a reader that looks ahead to start loading what they
 * will need. Valid until the next call; never written. */
gsize fk_lines_ahead(const FkLines *self, const char **p);

/* The K-th line (1: the next) after the line last returned, if the first
 * MAX bytes that fk_lines_ahead gives hold all of it up to its LF: its
 * start in *P and its length, without the LF (a CR stays), in *LEN; FALSE
 * when they do not. For a reader that starts loading what a line a few
 * ahead will need, so that the loads have the time of the lines between
 * to arrive. Split at LF only: a hint, not the line fk_lines_next gives
 * for UTF-16 or lone-CR text. */
gboolean fk_lines_ahead_line(const FkLines *self, guint k, gsize max, const char **p, gsize *len);

/* The 1-based number of the line last returned. */
guint64 fk_lines_number(const FkLines *self);

/* TRUE when the line last returned ended at the end of the input without a
 * line end: the last line of a file cut mid-line (or one that never ended
 * its last line; the reader knows whether its format does). */
gboolean fk_lines_unterminated(const FkLines *self);

/* For bids over a head of bytes: the end of the line at P (before END), LF,
 * CRLF or a lone CR as fk_lines_next takes them, with *NEXT after it; NULL
 * when the line does not end within the head. */
const char *fk_lines_head_line(const char *p, const char *end, const char **next);

/* The lines that end in P[0..N) as fk_lines_next counts them: LF, CRLF and
 * a lone CR end one each (a CR that is the last byte counts as one, so a
 * count in slices must not end one between the CR and the LF of a CRLF).
 * For a reader that starts at a piece of an input: its first line's number
 * is the count of the bytes before it, plus one. */
guint64 fk_lines_count(const char *p, gsize n);

/* What every text reader calls at close: reports to DIAG, as one skip at
 * WHERE (the input's name), the UTF-16 code units read as U+FFFD, if any. */
void fk_lines_report(const FkLines *self, FkDiag *diag, const char *where);
