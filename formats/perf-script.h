/* perf-script.h -- reading one `perf script` dump in pieces, on several
 * threads.
 *
 * A sample ends at a blank line, and nothing of the reader's state crosses
 * one but what FkPerfScriptPiece carries: a dump cut just after blank lines
 * (fk_perf_script_boundary) and read piece by piece, each piece after the
 * first opened with fk_perf_script_open_piece, gives the samples it gives
 * whole, in the same order, with the same messages (their line numbers
 * counted from the dump's first line). What each piece reports at close
 * (samples of other events left out, stacks cut at the depth limit) is its
 * own count: whoever joins the pieces adds them up. Only UTF-8 text (no
 * UTF-16) can be cut: fk_lines decodes the others from the start.
 *
 * The pipeline reads a big dump so through the reader's vtable
 * (FkReader.cut, boundary, carry and note_pieces; FkReadOptions.piece),
 * where a piece also leaves its counts for the dump's notes instead of
 * giving them; the functions here are that, for one who cuts by hand. */
#pragma once

#include "reader.h"

/* The offset of the first record boundary at or after AT in BUF[0..LEN)
 * (BUF[0] begins a line): AT itself when it is 0 or begins a line after a
 * blank one, else the start of the first line after a blank line that ends
 * within BUF; LEN when there is none (or when AT >= LEN). A blank line holds
 * only spaces, tabs, \v and \f; lines end at LF, CRLF or a lone CR, as
 * fk_lines_next takes them (a CR that is BUF's last byte is undecided: no
 * boundary after it). */
gsize fk_perf_script_boundary(const char *buf, gsize len, gsize at);

/* Where a piece of a dump begins, and what the pieces before it told. */
typedef struct {
  /* lines before the piece's first byte (fk_lines_count of the bytes
   * before it), so that messages name the dump's line numbers */
  guint64 first_line;
  /* the dump's `# hostname :` header (it sits in the first piece), or
   * NULL: the input's host label, as for a whole dump */
  const char *host;
  /* the event read when FkReadOptions.event_filter names none: the
   * dump's first event (the first piece's first sample's FkSample.event);
   * NULL: the first one the piece meets */
  const char *event;
} FkPerfScriptPiece;

/* Opens IN, a piece of a dump that begins at a boundary, for
 * fk_reader_perf_script's next and close. PIECE NULL: a whole dump. */
gpointer fk_perf_script_open_piece(FkInput *in, const FkReadOptions *opts,
                                   const FkPerfScriptPiece *piece, GError **error);
