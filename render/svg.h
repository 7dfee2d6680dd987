/* svg.h -- what the SVG writer shares with commands and tests: palettes,
 * colours and the escaping every frame name goes through.
 *
 * The writer itself is fk_writer_svg (writer.h); its options are the svg
 * fields of FkRenderOptions. */
#pragma once

#include "writer.h"

/* The palette names --colors accepts, NULL-terminated. */
const char *const *fk_svg_palettes(void);
gboolean fk_svg_palette_known(const char *name);

/* TRUE for the --bgcolors values: yellow, blue, green, grey or #rrggbb. */
gboolean fk_svg_bgcolors_valid(const char *value);

/* The colour of frame NAME under OPTS's palette, as "#rrggbb" into BUF (at
 * least 8 bytes). RAND supplies the random values when neither hash nor
 * deterministic is set. Special names ("-", "--") and annotations
 * (`_[k]`, `_[j]`, `_[i]`, `_[w]`) are handled here. */
const char *fk_svg_color(const FkRenderOptions *opts, const char *name, GRand *rand, char *buf);

/* Appends S to OUT escaped for XML text and attribute values: `& < > " '`
 * become entities; control characters, U+FFFE/U+FFFF and bytes that are not
 * UTF-8 become the visible text `\xNN` (or `\u{FFFE}`), so any name gives a
 * well-formed document. When HIDE_ANNOTATION, a trailing `_[k]`, `_[j]`,
 * `_[i]` or `_[w]` is left out. */
void fk_svg_escape(GString *out, const char *s, gboolean hide_annotation);
