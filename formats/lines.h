/* lines.h -- lines of a text input, whatever its encoding and line ends.
 *
 * Strips a UTF-8 BOM, transcodes UTF-16 LE/BE (with a BOM) to UTF-8, drops the
 * CR of CRLF, and never holds more than one line plus a buffer in memory. A
 * line longer than the limit is consumed and reported as FK_LINE_TOO_LONG. */
#pragma once

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
G_DEFINE_AUTOPTR_CLEANUP_FUNC(FkLines, fk_lines_free)

/* The next line, without its line end, in *LINE (valid until the next call;
 * NUL-terminated at LEN) and *LEN. */
FkLineStatus fk_lines_next(FkLines *self, char **line, gsize *len, GError **error);

/* The 1-based number of the line last returned. */
guint64 fk_lines_number(const FkLines *self);
