/* report-escape.c -- frame names are hostile: the one place that escapes
 * them for the report's HTML text and attributes, its script's data, and
 * Markdown. */
#include "report.h"
#include "svg.h"

#include <string.h>

char *
fk_report_display_name(const char *name)
{
  /* The SVG writer's escaping, its five entities undone: what the graph's
   * script reads from a frame's title with textContent. */
  g_autoptr(GString) x = g_string_new(NULL);
  fk_svg_escape(x, name, TRUE);
  GString *out = g_string_sized_new(x->len);
  static const struct {
    const char *entity;
    char c;
  } ents[] = {{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&#39;", '\''}};
  for (const char *p = x->str; *p;) {
    gboolean done = FALSE;
    if (*p == '&')
      for (gsize i = 0; i < G_N_ELEMENTS(ents) && !done; i++)
        if (g_str_has_prefix(p, ents[i].entity)) {
          g_string_append_c(out, ents[i].c);
          p += strlen(ents[i].entity);
          done = TRUE;
        }
    if (!done)
      g_string_append_c(out, *p++);
  }
  return g_string_free(out, FALSE);
}

void
fk_report_html(GString *out, const char *s)
{
  /* XML escaping is HTML escaping; control characters become visible. */
  fk_svg_escape(out, s, FALSE);
}

void
fk_report_js_string(GString *out, const char *s)
{
  /* fk_json_string's rules (invalid UTF-8 as U+FFFD; control characters,
   * U+2028 and U+2029 escaped) plus `<`, `>` and `&` as \u escapes, which
   * keeps the HTML tokenizer out of the data. One pass that copies runs of
   * plain bytes: graphs of megabytes go through it. */
  g_string_append_c(out, '"');
  const char *p = s, *run = s;
  for (;;) {
    guchar c = (guchar)*p;
    if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&') {
      p++;
      continue;
    }
    g_string_append_len(out, run, p - run);
    if (c == '\0')
      break;
    if (c >= 0x80) {
      gunichar u = g_utf8_get_char_validated(p, -1);
      if (u == (gunichar)-1 || u == (gunichar)-2) {
        g_string_append(out, "\\ufffd");
        p++;
      } else {
        const char *next = g_utf8_next_char(p);
        if (u == 0x2028 || u == 0x2029)
          g_string_append_printf(out, "\\u%04x", u);
        else
          g_string_append_len(out, p, next - p);
        p = next;
      }
    } else {
      switch (c) {
      case '"':
        g_string_append(out, "\\\"");
        break;
      case '\\':
        g_string_append(out, "\\\\");
        break;
      case '\n':
        g_string_append(out, "\\n");
        break;
      case '\r':
        g_string_append(out, "\\r");
        break;
      case '\t':
        g_string_append(out, "\\t");
        break;
      default:
        g_string_append_printf(out, "\\u%04x", c);
      }
      p++;
    }
    run = p;
  }
  g_string_append_c(out, '"');
}

void
fk_report_md(GString *out, const char *s)
{
  /* Visible control characters first (the SVG writer's rule), then every
   * character that Markdown (GitHub's, with its $math$) reads as syntax
   * inside a table cell behind a backslash; `<` and `&` as entities, so no
   * HTML gets through. Line-start syntax (#, -, 1.) cannot occur in a cell. */
  g_autofree char *shown = fk_report_display_name(s);
  for (const char *p = shown; *p; p++) {
    switch (*p) {
    case '<':
      g_string_append(out, "&lt;");
      break;
    case '>':
      g_string_append(out, "&gt;");
      break;
    case '&':
      g_string_append(out, "&amp;");
      break;
    case '|':
    case '`':
    case '*':
    case '_':
    case '[':
    case ']':
    case '\\':
    case '~':
    case '$':
      g_string_append_c(out, '\\');
      g_string_append_c(out, *p);
      break;
    default:
      g_string_append_c(out, *p);
    }
  }
}
