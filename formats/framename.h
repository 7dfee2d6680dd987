/* framename.h -- the one rule every reader applies to the frame names it makes.
 *
 * Folded stacks are the form every writer and every later run relies on: one
 * stack per line, frames split at ';'. A name that holds a ';' would become
 * several frames when re-read, a line break a forged line (a DSO path or JIT
 * symbol from another host can hold anything), and control characters in a
 * name rewrite the terminal a graph's tooltip or `flamekit fold` shows it on.
 * So every name that becomes a frame goes through fk_frame_intern: ';' becomes
 * ':' (what stackcollapse-perf.pl does to perf script names); a control
 * character (C0, DEL, C1) and a byte that is not UTF-8 become the four
 * characters "\xNN" per byte (upper-case hex, as the SVG writer shows
 * bytes): visible, never a line end or an escape sequence, and every writer
 * gets valid UTF-8. Names that are already so pass unchanged, so the rule is
 * idempotent: re-reading folded output gives the same names. */
#pragma once

#include "../analyze/intern.h"

/* The interned frame name for the LEN bytes at S, with the rule above applied.
 * Names that need no change (nearly all) are interned as they are, without a
 * copy. */
const char *fk_frame_intern(FkInterner *strings, const char *s, gsize len);

/* fk_frame_intern of S[0..fk_name_offset_start(S, LEN)): the name without
 * its "+0x1a" offset (analyze/transform.h), found in the same pass. */
const char *fk_frame_intern_unoffset(FkInterner *strings, const char *s, gsize len);

/* Shorthand for a NUL-terminated S; NULL gives NULL. */
const char *fk_frame_intern0(FkInterner *strings, const char *s);

/* Appends the LEN bytes at S to B with control characters (C0, DEL, C1) and
 * bytes that are not UTF-8 as "\\xNN"; with FRAME, ';' as ':' too (the frame
 * rule above). Without FRAME it is the rule for anything from an input that
 * reaches a terminal (cmd/ messages). */
void fk_text_append_visible(GString *b, const char *s, gsize len, gboolean frame);

/* TRUE when the LEN bytes at S are a frame name as fk_frame_intern leaves it. */
gboolean fk_frame_name_is_clean(const char *s, gsize len);
