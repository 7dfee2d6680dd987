/* jsonout.h -- small helpers for the writers that emit JSON. */
#pragma once

#include <glib.h>

/* Appends TEXT as a JSON string literal: quotes, backslashes and control
 * characters escaped, invalid UTF-8 replaced by U+FFFD so the document stays
 * valid whatever bytes a frame name holds. */
void fk_json_string(GString *s, const char *text);
/* Appends "null" for NULL, else the string literal. */
void fk_json_string_or_null(GString *s, const char *text);
