/* svg.c -- the SVG writer: flame graph, icicle, flame chart and differential
 * graph as one self-contained interactive page.
 *
 * The geometry and the <title> text follow flamegraph.pl (so scripts that
 * scrape `NAME (COUNT COUNTNAME, P%)` keep working); x and width are
 * percentages of the frames box, as inferno writes them, so the page can
 * follow the window. Every frame carries its exact position and width in
 * tree units (`fk:x`, `fk:w`, and `fk:s` when its self weight is not what
 * the drawn children imply) for the script and for tests. The script and
 * style are in svg-assets.c, generated from svg.js and svg.css. */
#include "svg.h"

#include "../analyze/functions.h"

#include <math.h>
#include <string.h>

extern const char *const fk_svg_js[];
extern const char *const fk_svg_css[];

#define XPAD 10
#define FRAMEPAD 1
#define LAYOUT_WIDTH 1200.0

static const char *const palettes[] = {
    "hot",  "mem", "io",    "wakeup", "chain", "java",   "js",     "perl",   "python",
    "rust", "red", "green", "blue",   "aqua",  "yellow", "purple", "orange", NULL,
};

const char *const *
fk_svg_palettes(void)
{
  return palettes;
}

gboolean
fk_svg_palette_known(const char *name)
{
  for (const char *const *p = palettes; *p; p++)
    if (strcmp(*p, name) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
is_hex_color(const char *s)
{
  if (s[0] != '#' || strlen(s) != 7)
    return FALSE;
  for (int i = 1; i < 7; i++)
    if (!g_ascii_isxdigit(s[i]))
      return FALSE;
  return TRUE;
}

gboolean
fk_svg_bgcolors_valid(const char *value)
{
  return strcmp(value, "yellow") == 0 || strcmp(value, "blue") == 0 ||
         strcmp(value, "green") == 0 || strcmp(value, "grey") == 0 || is_hex_color(value);
}

/* ---- escaping ---- */

/* The annotation suffix length (4) when NAME ends with `_[k]` and the like. */
static gsize
annotation_len(const char *name, gsize len)
{
  if (len >= 4 && name[len - 4] == '_' && name[len - 3] == '[' && name[len - 1] == ']' &&
      strchr("kjiw", name[len - 2]) != NULL && name[len - 2] != '\0')
    return 4;
  return 0;
}

static void
escape_len(GString *out, const char *s, gsize len)
{
  const char *end = s + len;
  while (s < end) {
    guchar c = (guchar)*s;
    if (c < 0x80) {
      switch (c) {
      case '&':
        g_string_append(out, "&amp;");
        break;
      case '<':
        g_string_append(out, "&lt;");
        break;
      case '>':
        g_string_append(out, "&gt;");
        break;
      case '"':
        g_string_append(out, "&quot;");
        break;
      case '\'':
        g_string_append(out, "&#39;");
        break;
      default:
        if (c < 0x20 || c == 0x7f)
          g_string_append_printf(out, "\\x%02X", c);
        else
          g_string_append_c(out, (char)c);
      }
      s++;
      continue;
    }
    gunichar u = g_utf8_get_char_validated(s, end - s);
    if (u == (gunichar)-1 || u == (gunichar)-2) {
      g_string_append_printf(out, "\\x%02X", c);
      s++;
      continue;
    }
    const char *next = g_utf8_next_char(s);
    if (u == 0xFFFE || u == 0xFFFF)
      g_string_append_printf(out, "\\u{%04X}", u);
    else if (u >= 0x80 && u <= 0x9f)
      g_string_append_printf(out, "\\u{%04X}", u);
    else
      g_string_append_len(out, s, next - s);
    s = next;
  }
}

void
fk_svg_escape(GString *out, const char *s, gboolean hide_annotation)
{
  gsize len = strlen(s);
  if (hide_annotation)
    len -= annotation_len(s, len);
  escape_len(out, s, len);
}

/* ---- colours ---- */

/* flamegraph.pl's name hash: early characters weigh most, so similar names
 * get similar colours; a `module`` prefix is skipped. */
static double
name_hash(const char *name, gsize len)
{
  const char *tick = memchr(name, '`', len);
  if (tick != NULL && tick != name) {
    len -= (gsize)(tick + 1 - name);
    name = tick + 1;
  }
  double vector = 0, weight = 1, max = 1;
  int mod = 10;
  for (gsize i = 0; i < len && mod <= 12; i++) {
    int v = (guchar)name[i] % mod;
    vector += ((double)v / (mod - 1)) * weight;
    mod++;
    max += weight;
    weight *= 0.70;
  }
  return 1 - vector / max;
}

typedef enum {
  C_HOT,
  C_MEM,
  C_IO,
  C_RED,
  C_GREEN,
  C_BLUE,
  C_AQUA,
  C_YELLOW,
  C_PURPLE,
  C_ORANGE
} Hue;

static gboolean
path_part_is_python(const char *name)
{
  g_auto(GStrv) parts = g_strsplit_set(name, "/\\", -1);
  for (char **p = parts; *p; p++) {
    const char *v = NULL;
    if (g_str_has_prefix(*p, "python"))
      v = *p + 6;
    else if (g_str_has_prefix(*p, "Python"))
      v = *p + 6;
    if (v == NULL)
      continue;
    gboolean ok = TRUE;
    for (const char *c = v; *c; c++)
      if (!g_ascii_isdigit(*c) && *c != '.')
        ok = FALSE;
    if (ok)
      return TRUE;
  }
  return FALSE;
}

static Hue
hue_for(const char *palette, const char *name)
{
  gsize len = strlen(name);
  gsize ann = annotation_len(name, len);
  char kind = ann ? name[len - 2] : 0;
  if (strcmp(palette, "java") == 0) {
    /* Annotations first; then, as inferno refines flamegraph.pl's rules,
     * C++ and Objective-C yellow, anything that looks like a Java class
     * (a '/' or '.' in it, or a capital first letter) green, the rest red. */
    if (kind == 'k')
      return C_ORANGE;
    if (kind == 'i')
      return C_AQUA;
    if (kind == 'j')
      return C_GREEN;
    const char *n = name[0] == 'L' ? name + 1 : name;
    if (strstr(name, "::") != NULL || g_str_has_prefix(name, "-[") || g_str_has_prefix(name, "+["))
      return C_YELLOW;
    if (strchr(n, '/') != NULL || (strchr(n, '.') != NULL && n[0] != '[') || g_ascii_isupper(n[0]))
      return C_GREEN;
    return C_RED;
  }
  if (strcmp(palette, "js") == 0) {
    if (len > 0 && strspn(name, " ") == len)
      return C_GREEN;
    if (kind == 'k')
      return C_ORANGE;
    if (kind == 'j')
      return strchr(name, '/') ? C_GREEN : C_AQUA;
    if (strstr(name, "::"))
      return C_YELLOW;
    if (strchr(name, ':'))
      return C_AQUA;
    const char *slash = strchr(name, '/');
    if (slash && strstr(slash, "node_modules/"))
      return C_PURPLE;
    if (slash && strstr(slash, ".js"))
      return C_GREEN;
    return C_RED;
  }
  if (strcmp(palette, "perl") == 0) {
    if (kind == 'k')
      return C_ORANGE;
    if (strstr(name, "Perl") || strstr(name, ".pl"))
      return C_GREEN;
    if (strstr(name, "::"))
      return C_YELLOW;
    return C_RED;
  }
  if (strcmp(palette, "python") == 0) {
    if (strstr(name, "/site-packages/") || strstr(name, "\\site-packages\\") ||
        g_str_has_prefix(name, "site-packages/"))
      return C_AQUA;
    if (path_part_is_python(name) || g_str_has_prefix(name, "<built-in") ||
        g_str_has_prefix(name, "<method") || g_str_has_prefix(name, "<frozen"))
      return C_YELLOW;
    return C_RED;
  }
  if (strcmp(palette, "rust") == 0) {
    const char *n = strchr(name, '`') ? strchr(name, '`') + 1 : name;
    if (g_str_has_prefix(n, "core::") || g_str_has_prefix(n, "std::") ||
        g_str_has_prefix(n, "alloc::") || g_str_has_prefix(n, "<std::") ||
        g_str_has_prefix(n, "<alloc::") ||
        (g_str_has_prefix(n, "<core::") &&
         !g_str_has_prefix(n, "<core::future::from_generator::GenFuture<T>")))
      return C_ORANGE;
    if (strstr(n, "::"))
      return C_AQUA;
    return C_YELLOW;
  }
  if (strcmp(palette, "wakeup") == 0)
    return C_AQUA;
  if (strcmp(palette, "chain") == 0)
    return strstr(name, "_[w]") ? C_AQUA : C_BLUE;
  /* Annotated frames show their kind in every other palette too. */
  switch (kind) {
  case 'k':
    return C_ORANGE;
  case 'j':
    return C_GREEN;
  case 'i':
  case 'w':
    return C_AQUA;
  default:
    break;
  }
  static const struct {
    const char *name;
    Hue hue;
  } plain[] = {
      {"mem", C_MEM},       {"io", C_IO},         {"red", C_RED},
      {"green", C_GREEN},   {"blue", C_BLUE},     {"aqua", C_AQUA},
      {"yellow", C_YELLOW}, {"purple", C_PURPLE}, {"orange", C_ORANGE},
  };
  for (gsize i = 0; i < G_N_ELEMENTS(plain); i++)
    if (strcmp(palette, plain[i].name) == 0)
      return plain[i].hue;
  return C_HOT;
}

/* "#rrggbb", as printf("#%02x%02x%02x") writes it: a call of printf per
 * frame was a twentieth of drawing 2M frames of deep stacks. */
static const char *
hex(char *buf, int r, int g, int b)
{
  static const char digits[] = "0123456789abcdef";
  int v[3] = {CLAMP(r, 0, 255), CLAMP(g, 0, 255), CLAMP(b, 0, 255)};
  buf[0] = '#';
  for (int i = 0; i < 3; i++) {
    buf[1 + 2 * i] = digits[v[i] >> 4];
    buf[2 + 2 * i] = digits[v[i] & 15];
  }
  buf[7] = '\0';
  return buf;
}

const char *
fk_svg_color(const FkRenderOptions *opts, const char *name, GRand *rand, char *buf)
{
  if (strcmp(name, "--") == 0)
    return hex(buf, 160, 160, 160);
  if (strcmp(name, "-") == 0)
    return hex(buf, 200, 200, 200);
  gsize len = strlen(name);
  double v1, v2, v3;
  if (opts->deterministic) {
    guint64 h = fk_hash_bytes(name, len);
    v1 = (double)(h & 0xffff) / 65536.0;
    v2 = (double)((h >> 16) & 0xffff) / 65536.0;
    v3 = (double)((h >> 32) & 0xffff) / 65536.0;
  } else if (opts->hash) {
    v1 = name_hash(name, len);
    g_autofree char *rev = g_strdup(name);
    g_strreverse(rev);
    v2 = v3 = name_hash(rev, len);
  } else {
    v1 = g_rand_double(rand);
    v2 = g_rand_double(rand);
    v3 = g_rand_double(rand);
  }
  switch (hue_for(opts->palette ? opts->palette : "hot", name)) {
  case C_HOT:
    return hex(buf, 205 + (int)(50 * v3), (int)(230 * v1), (int)(55 * v2));
  case C_MEM:
    return hex(buf, 0, 190 + (int)(50 * v2), (int)(210 * v1));
  case C_IO: {
    int r = 80 + (int)(60 * v1);
    return hex(buf, r, r, 190 + (int)(55 * v2));
  }
  case C_RED: {
    int x = 50 + (int)(80 * v1);
    return hex(buf, 200 + (int)(55 * v1), x, x);
  }
  case C_GREEN: {
    int x = 50 + (int)(60 * v1);
    return hex(buf, x, 200 + (int)(55 * v1), x);
  }
  case C_BLUE: {
    int x = 80 + (int)(60 * v1);
    return hex(buf, x, x, 205 + (int)(50 * v1));
  }
  case C_AQUA:
    return hex(buf, 50 + (int)(60 * v1), 165 + (int)(55 * v1), 165 + (int)(55 * v1));
  case C_YELLOW: {
    int x = 175 + (int)(55 * v1);
    return hex(buf, x, x, 50 + (int)(20 * v1));
  }
  case C_PURPLE: {
    int x = 190 + (int)(65 * v1);
    return hex(buf, x, 80 + (int)(60 * v1), x);
  }
  case C_ORANGE:
    return hex(buf, 190 + (int)(65 * v1), 90 + (int)(65 * v1), 0);
  }
  return hex(buf, 0, 0, 0);
}

/* flamegraph.pl's differential scale: red for growth, blue for shrinkage,
 * white for none, saturated at MAX. */
static const char *
color_scale(double value, double max, char *buf)
{
  int r = 255, g = 255, b = 255;
  if (max > 0 && value > 0)
    g = b = (int)(210 * (max - MIN(value, max)) / max);
  else if (max > 0 && value < 0)
    r = g = (int)(210 * (max + MAX(value, -max)) / max);
  return hex(buf, r, g, b);
}

/* A frame whose change is not significant (diff over repeated runs). */
#define GREY "#c8c8c8"

static void
background(const FkRenderOptions *opts, const char **c1, const char **c2)
{
  const char *bg = opts->bgcolors;
  const char *pal = opts->palette ? opts->palette : "hot";
  if (bg == NULL) {
    if (strcmp(pal, "mem") == 0)
      bg = "green";
    else if (strcmp(pal, "io") == 0 || strcmp(pal, "wakeup") == 0 || strcmp(pal, "chain") == 0)
      bg = "blue";
    else if (strcmp(pal, "red") == 0 || strcmp(pal, "green") == 0 || strcmp(pal, "blue") == 0 ||
             strcmp(pal, "aqua") == 0 || strcmp(pal, "yellow") == 0 || strcmp(pal, "purple") == 0 ||
             strcmp(pal, "orange") == 0)
      bg = "grey";
    else
      bg = "yellow";
  }
  if (strcmp(bg, "blue") == 0)
    *c1 = "#eeeeee", *c2 = "#e0e0ff";
  else if (strcmp(bg, "green") == 0)
    *c1 = "#eef2ee", *c2 = "#e0ffe0";
  else if (strcmp(bg, "grey") == 0)
    *c1 = "#f8f8f8", *c2 = "#e8e8e8";
  else if (is_hex_color(bg))
    *c1 = *c2 = bg;
  else
    *c1 = "#eeeeee", *c2 = "#eeeeb0";
}

/* ---- layout and output ---- */

typedef struct {
  const FkTree *tree;
  const FkRenderOptions *opts;
  FILE *out;
  GString *buf;
  GRand *rand;
  guint col;     /* the column that gives widths */
  gboolean diff; /* two columns: colour by the change of self weight */
  guint decimals;
  double timemax;   /* tree units that make the full width */
  double width;     /* layout width in px */
  double frames_px; /* width of the frames box */
  double minw;      /* in tree units */
  double y0, dy;    /* y of depth 0, and per depth */
  double max_delta;
  guint8 *drawn; /* per node: DRAWN, and DRAWN_CHILD when a child is drawn */
  gboolean io_error;
  GString *label; /* scratch for append_label */
} Svg;

/* Numbers of every frame, written without printf: formatting doubles with
 * printf (exact, multi-precision) and g_string_append_printf's allocation
 * per call were most of the time of drawing a million frames. Each gives
 * the bytes printf would, and hands the cases it cannot be sure of (ties in
 * rounding, large or negative values) to printf. */
/* Appends the N bytes at P to B, in place when they fit, as GLib's own
 * g_string_append_c does: g_string_append (strlen, then
 * g_string_insert_len's checks) for each of the twenty pieces of a frame
 * was a quarter of writing the SVG. */
static inline void
put(GString *b, const char *p, gsize n)
{
  if (b->len + n < b->allocated_len) {
    memcpy(b->str + b->len, p, n);
    b->len += n;
    b->str[b->len] = '\0';
  } else {
    g_string_append_len(b, p, (gssize)n);
  }
}
/* put of a string literal */
#define PUT(b, lit) put((b), "" lit, sizeof(lit) - 1)

static void
append_uint(GString *b, guint64 v)
{
  char d[24];
  int n = 24;
  do {
    d[--n] = (char)('0' + v % 10);
    v /= 10;
  } while (v > 0);
  put(b, d + n, (gsize)(24 - n));
}

/* printf("%.<DECIMALS>f", V), DECIMALS 0 to 3. */
static void
append_fixed(GString *b, double v, int decimals)
{
  static const double scale[] = {1, 10, 100, 1000};
  double t = v * scale[decimals];
  double fl = floor(t);
  double frac = t - fl;
  /* V's binary value is exactly what printf rounds; V * 10^N may be off by
   * an ulp, which matters only near a tie */
  if (!(v >= 0 && t < 1e15) || signbit(v) || fabs(frac - 0.5) < 1e-6) {
    g_string_append_printf(b, "%.*f", decimals, v);
    return;
  }
  guint64 r = (guint64)fl + (frac > 0.5);
  guint64 p = (guint64)scale[decimals];
  append_uint(b, r / p);
  if (decimals > 0) {
    g_string_append_c(b, '.');
    guint64 f = r % p;
    for (guint64 q = p / 10; q > 0; q /= 10) {
      g_string_append_c(b, (char)('0' + f / q));
      f %= q;
    }
  }
}

/* printf("%g", V) for the y of a frame: whole and half numbers. */
static void
append_g(GString *b, double v)
{
  if (v >= 0 && v < 99999 && !signbit(v) && v * 2 == floor(v * 2)) {
    append_uint(b, (guint64)v);
    if (v != floor(v))
      PUT(b, ".5");
    return;
  }
  g_string_append_printf(b, "%g", v);
}

static void
flush_maybe(Svg *s, gboolean force)
{
  if (s->buf->len == 0 || (!force && s->buf->len < (1 << 16)))
    return;
  if (fwrite(s->buf->str, 1, s->buf->len, s->out) != s->buf->len)
    s->io_error = TRUE;
  g_string_truncate(s->buf, 0);
}

/* Appends V (tree units) times FACTOR as a count: exact with thousands
 * separators when FACTOR is 1, else rounded to a whole count as the peers do. */
static void
append_count(Svg *s, gint64 v)
{
  char num[64];
  if (s->opts->factor == 1.0 && s->decimals == 0 && v >= 0) {
    /* fk_weight_format's bytes without its printf (the common case: one
     * per frame) */
    int n = 64;
    num[--n] = '\0';
    guint64 u = (guint64)v;
    do {
      num[--n] = (char)('0' + u % 10);
      u /= 10;
    } while (u > 0);
    memmove(num, num + n, (gsize)(64 - n));
  } else if (s->opts->factor == 1.0)
    fk_weight_format(v, s->decimals, num);
  else
    g_snprintf(num, sizeof num, "%.0f",
               round((double)v / (double)fk_pow10(s->decimals) * s->opts->factor));
  const char *dot = strchr(num, '.');
  gsize intlen = dot ? (gsize)(dot - num) : strlen(num);
  gsize start = num[0] == '-' ? 1 : 0;
  for (gsize i = 0; i < intlen; i++) {
    if (i > start && (intlen - i) % 3 == 0)
      g_string_append_c(s->buf, ',');
    g_string_append_c(s->buf, num[i]);
  }
  g_string_append(s->buf, num + intlen);
}

static void
append_pct(GString *b, double v)
{
  /* Three decimals of a percent is 0.012 px at 1200 px; the script
   * recomputes exact positions from fk:x and fk:w when it zooms. */
  append_fixed(b, v, 3);
  g_string_append_c(b, '%');
}

/* The label that fits WIDTH_PX, as flamegraph.pl cuts it: whole when
 * shorter than the room, else cut with "..", nothing under three chars. */
static void
append_label(Svg *s, const char *name, double width_px)
{
  int fit = (int)(width_px / (s->opts->font_size * s->opts->font_width));
  if (fit < 3)
    return;
  GString *esc = s->label;
  g_string_truncate(esc, 0);
  fk_svg_escape(esc, name, TRUE);
  /* Count characters, treating an entity as one. */
  glong chars = 0;
  for (const char *p = esc->str; *p; p = g_utf8_next_char(p)) {
    if (*p == '&')
      p = strchr(p, ';');
    chars++;
  }
  if (chars < fit) {
    g_string_append_len(s->buf, esc->str, esc->len);
    return;
  }
  /* Cut at character boundaries of the escaped text, never inside an entity. */
  glong keep = fit - 2;
  if (s->opts->truncate_right) {
    const char *p = esc->str;
    for (glong i = 0; i < keep; i++) {
      if (*p == '&')
        p = strchr(p, ';');
      p = g_utf8_next_char(p);
    }
    g_string_append_len(s->buf, esc->str, p - esc->str);
    PUT(s->buf, "..");
  } else {
    const char *p = esc->str;
    for (glong i = 0; i < chars - keep; i++) {
      if (*p == '&')
        p = strchr(p, ';');
      p = g_utf8_next_char(p);
    }
    PUT(s->buf, "..");
    g_string_append(s->buf, p);
  }
}

static void
append_attr(GString *b, const char *key, const char *value)
{
  g_string_append_printf(b, " %s=\"", key);
  fk_svg_escape(b, value, FALSE);
  g_string_append_c(b, '"');
}

/* The change of node ID's self weight (fk_function_change's). */
static double
node_change(const FkTree *tree, FkNodeId id)
{
  gint64 v[FK_MAX_COLUMNS] = {fk_node_self(tree, id, 0), fk_node_self(tree, id, 1)};
  return fk_function_change(tree, v);
}

static void
emit_frame(Svg *s, FkNodeId id, double x, gint64 drawn_children)
{
  const FkNode *n = fk_tree_node(s->tree, id);
  const FkRenderOptions *o = s->opts;
  gint64 w = fk_node_total(s->tree, id, s->col);
  const char *name = id == FK_ROOT ? "all" : n->name;
  char **attrs =
      o->name_attrs && id != FK_ROOT ? g_hash_table_lookup(o->name_attrs, n->name) : NULL;
  const char *title = NULL, *href = NULL;
  for (char **a = attrs; a && *a; a++) {
    if (g_str_has_prefix(*a, "title="))
      title = *a + 6;
    else if (g_str_has_prefix(*a, "href="))
      href = *a + 5;
  }
  GString *b = s->buf;
  if (href != NULL) {
    PUT(b, "<a");
    append_attr(b, "xlink:href", href);
    for (char **a = attrs; *a; a++)
      if (g_str_has_prefix(*a, "target="))
        append_attr(b, "target", *a + 7);
    g_string_append_c(b, '>');
  }
  PUT(b, "<g");
  for (char **a = attrs; a && *a; a++) {
    if (g_str_has_prefix(*a, "id="))
      append_attr(b, "id", *a + 3);
    else if (g_str_has_prefix(*a, "class="))
      append_attr(b, "class", *a + 6);
    else if (g_str_has_prefix(*a, "style="))
      append_attr(b, "style", *a + 6);
  }
  PUT(b, "><title>");
  if (title != NULL) {
    fk_svg_escape(b, title, FALSE);
  } else {
    double pct = 100.0 * (double)w / s->timemax;
    fk_svg_escape(b, name, TRUE);
    PUT(b, " (");
    append_count(s, w);
    g_string_append_c(b, ' ');
    fk_svg_escape(b, fk_render_unit(o), FALSE);
    if (id == FK_ROOT && (double)w == s->timemax)
      PUT(b, ", 100%"); /* as the peers write it */
    else {
      PUT(b, ", ");
      append_fixed(b, pct, 2);
      g_string_append_c(b, '%');
    }
    if (s->diff) {
      /* The change every writer of a diff shows (fk_function_change), named. */
      double delta = node_change(s->tree, id);
      if (o->negate)
        delta = -delta;
      if (fabs(delta) < 0.005)
        PUT(b, "; self share 0.00 pp");
      else
        g_string_append_printf(b, "; self share %+.2f pp", delta);
      const FkVerdictRow *vr =
          o->verdicts && id != FK_ROOT ? fk_verdicts_lookup(o->verdicts, n->name) : NULL;
      if (vr != NULL && vr->self.tested && !isinf(vr->self.change))
        g_string_append_printf(b, "; self %s, %+.2f%%, q %.2g", fk_verdict_name(vr->self.verdict),
                               vr->self.change, vr->self.q);
      else if (vr != NULL)
        g_string_append_printf(b, "; self %s", fk_verdict_name(vr->self.verdict));
    }
    g_string_append_c(b, ')');
  }
  PUT(b, "</title>");

  double x_pct = 100.0 * x / s->timemax, w_pct = 100.0 * (double)w / s->timemax;
  double y = s->y0 + s->dy * n->depth;
  char color[8];
  const char *fill = color;
  /* The root is coloured (and keyed in a palette map) as "", as the peers do. */
  const char *cname = id == FK_ROOT ? "" : n->name;
  if (id != FK_ROOT && (strcmp(n->name, "--") == 0 || strcmp(n->name, "-") == 0))
    fk_svg_color(o, n->name, s->rand, color);
  else if (o->color_diffusion)
    color_scale(sqrt(w_pct / 100.0) * 2000.0, 2000.0, color);
  else if (s->diff && o->verdicts != NULL) {
    /* Repeated runs: only a function whose self weight changed
     * significantly is coloured, in the direction of its verdict, as
     * saturated as its share moved; the rest is grey. */
    const FkVerdictRow *r = id == FK_ROOT ? NULL : fk_verdicts_lookup(o->verdicts, n->name);
    FkVerdictKind v = r ? r->self.verdict : FK_VERDICT_UNCHANGED;
    if (v == FK_VERDICT_SLOWER || v == FK_VERDICT_FASTER) {
      double delta = fabs(node_change(s->tree, id));
      delta = MAX(delta, s->max_delta / 3) * (v == FK_VERDICT_SLOWER ? 1 : -1);
      color_scale(o->negate ? -delta : delta, s->max_delta, color);
    } else {
      g_strlcpy(color, GREY, sizeof color);
    }
  } else if (s->diff) {
    double delta = node_change(s->tree, id);
    color_scale(o->negate ? -delta : delta, s->max_delta, color);
  } else if (o->palette_map != NULL) {
    const char *c = g_hash_table_lookup(o->palette_map, cname);
    if (c == NULL) {
      fk_svg_color(o, cname, s->rand, color);
      g_hash_table_insert(o->palette_map, g_strdup(cname), g_strdup(color));
    } else {
      fill = c;
    }
  } else {
    fk_svg_color(o, cname, s->rand, color);
  }
  PUT(b, "<rect x=\"");
  append_pct(b, x_pct);
  PUT(b, "\" y=\"");
  append_g(b, y);
  PUT(b, "\" width=\"");
  append_pct(b, w_pct);
  PUT(b, "\" height=\"");
  append_uint(b, o->frame_height - FRAMEPAD);
  PUT(b, "\" fill=\"");
  fk_svg_escape(b, fill, FALSE);
  PUT(b, "\" fk:x=\"");
  append_fixed(b, x, 0);
  PUT(b, "\" fk:w=\"");
  if (w >= 0)
    append_uint(b, (guint64)w);
  else
    g_string_append_printf(b, "%" G_GINT64_FORMAT, w);
  g_string_append_c(b, '"');
  gint64 self = fk_node_self(s->tree, id, s->col);
  if (self != w - drawn_children) {
    PUT(b, " fk:s=\"");
    if (self >= 0)
      append_uint(b, (guint64)self);
    else
      g_string_append_printf(b, "%" G_GINT64_FORMAT, self);
    g_string_append_c(b, '"');
  }
  PUT(b, "/>");
  double width_px = (double)w / s->timemax * s->frames_px;
  gsize mark = b->len;
  PUT(b, "<text x=\"");
  append_pct(b, x_pct + 300.0 / s->frames_px);
  PUT(b, "\" y=\"");
  append_g(b, y + (o->frame_height - FRAMEPAD) / 2.0 + o->font_size / 4.0);
  PUT(b, "\">");
  gsize before = b->len;
  append_label(s, name, width_px);
  if (b->len == before)
    g_string_truncate(b, mark);
  else
    PUT(b, "</text>");
  PUT(b, "</g>");
  if (href != NULL)
    PUT(b, "</a>");
  g_string_append_c(b, '\n');
  flush_maybe(s, FALSE);
}

typedef struct {
  FkNodeId id;
  double x;
} Pending;

#define DRAWN 1
#define DRAWN_CHILD 2

typedef struct {
  const FkTree *tree;
  FkOrder order;
  guint wcol; /* the column fk_tree_children orders widths by */
} SiblingOrder;

/* fk_tree_children's order of two siblings (names are unique among them). */
static int
cmp_sibling(gconstpointer a, gconstpointer b, gpointer data)
{
  const SiblingOrder *so = data;
  FkNodeId x = *(const FkNodeId *)a, y = *(const FkNodeId *)b;
  if (so->order == FK_ORDER_WIDTH) {
    gint64 tx = fk_node_total(so->tree, x, so->wcol), ty = fk_node_total(so->tree, y, so->wcol);
    if (tx != ty)
      return tx > ty ? -1 : 1;
  }
  return strcmp(fk_tree_node(so->tree, x)->name, fk_tree_node(so->tree, y)->name);
}

/* Appends P's drawn children to NEXT with their x, in ORDER, and returns
 * their summed width. A child's x counts every sibling before it, drawn or
 * not; when most are too narrow to draw (a million leaves under a few
 * frames), sorting them all was most of the time: only the drawn ones are
 * sorted, and each narrow one is counted in the gap it falls in. With every
 * width a whole number under 2^53, sums are exact in any order, so the x are
 * the same as those of the full sort. */
static gint64
place_children(Svg *s, Pending p, FkOrder order, GArray *kids, GArray *next)
{
  g_array_set_size(next, 0);
  /* None drawn: nothing to place, and their list is not read. Under a
   * frame with a million narrow leaves, walking the list (a cache miss per
   * sibling) was a tenth of drawing the graph. */
  if (!(s->drawn[p.id] & DRAWN_CHILD))
    return 0;
  gint64 drawn_sum = 0;
  fk_tree_children(s->tree, p.id, FK_ORDER_INSERTION, kids);
  guint n_drawn = 0;
  for (guint i = 0; i < kids->len; i++)
    n_drawn += s->drawn[g_array_index(kids, FkNodeId, i)] & DRAWN;
  gboolean exact = (double)fk_tree_total(s->tree, s->col) < 9007199254740992.0;
  if (order == FK_ORDER_INSERTION || !exact || kids->len - n_drawn < 64) {
    if (order != FK_ORDER_INSERTION)
      fk_tree_children(s->tree, p.id, order, kids);
    double cx = p.x;
    for (guint i = 0; i < kids->len; i++) {
      FkNodeId c = g_array_index(kids, FkNodeId, i);
      gint64 w = fk_node_total(s->tree, c, s->col);
      if (s->drawn[c] & DRAWN) {
        Pending q = {c, cx};
        g_array_append_val(next, q);
        drawn_sum += w;
      }
      cx += (double)w;
    }
    return drawn_sum;
  }
  SiblingOrder so = {s->tree, order, fk_tree_columns(s->tree) - 1};
  g_autofree FkNodeId *drawn = g_new(FkNodeId, n_drawn + 1);
  g_autofree gint64 *gap = g_new0(gint64, n_drawn + 1); /* narrow width before drawn[j] */
  guint nd = 0;
  for (guint i = 0; i < kids->len; i++) {
    FkNodeId c = g_array_index(kids, FkNodeId, i);
    if (s->drawn[c] & DRAWN)
      drawn[nd++] = c;
  }
  g_qsort_with_data(drawn, (gint)nd, sizeof *drawn, cmp_sibling, &so);
  for (guint i = 0; i < kids->len; i++) {
    FkNodeId c = g_array_index(kids, FkNodeId, i);
    if (s->drawn[c] & DRAWN)
      continue;
    guint lo = 0, hi = nd; /* the first drawn sibling after C */
    while (lo < hi) {
      guint mid = lo + (hi - lo) / 2;
      if (cmp_sibling(&drawn[mid], &c, &so) < 0)
        lo = mid + 1;
      else
        hi = mid;
    }
    gap[lo] += fk_node_total(s->tree, c, s->col);
  }
  gint64 acc = 0;
  for (guint j = 0; j < nd; j++) {
    acc += gap[j];
    Pending q = {drawn[j], p.x + (double)acc};
    g_array_append_val(next, q);
    gint64 w = fk_node_total(s->tree, drawn[j], s->col);
    acc += w;
    drawn_sum += w;
  }
  return drawn_sum;
}

/* Depth first, parents before children, children in the chosen order:
 * the order the script relies on to find parents. */
static void
emit_frames(Svg *s)
{
  g_autoptr(GArray) stack = g_array_new(FALSE, FALSE, sizeof(Pending));
  g_autoptr(GArray) kids = g_array_new(FALSE, FALSE, sizeof(FkNodeId));
  g_autoptr(GArray) next = g_array_new(FALSE, FALSE, sizeof(Pending));
  Pending root = {FK_ROOT, 0};
  g_array_append_val(stack, root);
  FkOrder order = s->opts->flamechart ? FK_ORDER_INSERTION : s->opts->order;
  while (stack->len > 0 && !s->io_error) {
    Pending p = g_array_index(stack, Pending, stack->len - 1);
    g_array_set_size(stack, stack->len - 1);
    gint64 drawn_sum = place_children(s, p, order, kids, next);
    /* Pushed last child first, so the first child is drawn first. */
    for (guint i = next->len; i > 0; i--)
      g_array_append_val(stack, g_array_index(next, Pending, i - 1));
    emit_frame(s, p.id, p.x, drawn_sum);
  }
}

/* Appends S keeping only what a CSS value or font list needs, so a user's
 * colour or font name can end neither the rule nor the style element. */
static void
append_css_value(GString *b, const char *s)
{
  for (const guchar *p = (const guchar *)s; *p; p++)
    if (g_ascii_isalnum(*p) || strchr("#(),. %-_", *p) != NULL)
      g_string_append_c(b, (char)*p);
}

static void
append_text(GString *b, const char *id, const char *cls, const char *x, double y, const char *text)
{
  PUT(b, "<text");
  if (id)
    g_string_append_printf(b, " id=\"%s\"", id);
  if (cls)
    g_string_append_printf(b, " class=\"%s\"%s", cls,
                           strstr(cls, "button") ? " tabindex=\"0\" role=\"button\"" : "");
  g_string_append_printf(b, " x=\"%s\" y=\"%g\">", x, y);
  fk_svg_escape(b, text, FALSE);
  PUT(b, "</text>\n");
}

/* NAME cut in the middle to at most MAX characters, so that both ends show. */
static char *
middle_cut(const char *name, glong max)
{
  glong n = g_utf8_strlen(name, -1);
  if (n <= max)
    return g_strdup(name);
  glong head = (max - 2) / 2, tail = max - 2 - head;
  const char *h = g_utf8_offset_to_pointer(name, head);
  const char *t = g_utf8_offset_to_pointer(name, n - tail);
  return g_strdup_printf("%.*s..%s", (int)(h - name), name, t);
}

/* The second legend line of a differential graph: what BEFORE and AFTER are
 * and whether BEFORE was scaled. From the run summary when the command
 * read two sides, else the two columns of the one input. */
static char *
diff_sides(const Svg *s)
{
  const FkRenderOptions *o = s->opts;
  const FkRunSummary *sum = o->summary;
  const FkInputSummary *side[2] = {NULL, NULL};
  for (gsize i = 0; sum != NULL && i < sum->n_inputs; i++) {
    const char *r = sum->inputs[i].role;
    if (r != NULL && strcmp(r, "before") == 0)
      side[0] = &sum->inputs[i];
    else if (r != NULL && strcmp(r, "after") == 0)
      side[1] = &sum->inputs[i];
  }
  GString *t = g_string_new(NULL);
  char buf[2][32];
  const FkVerdicts *vd = o->verdicts;
  if (vd != NULL) {
    /* repeated runs: how many a side, from what, and the test */
    for (guint c = 0; c < 2; c++) {
      g_autofree char *from = side[c] ? middle_cut(side[c]->path, 32) : g_strdup("?");
      g_string_append_printf(t, "%s%u runs %s: %s", c ? "; " : "", vd->runs[c],
                             c ? "after" : "before", from);
      gsize more = 0;
      for (gsize i = 0; sum != NULL && i < sum->n_inputs; i++)
        more += sum->inputs[i].role && strcmp(sum->inputs[i].role, c ? "after" : "before") == 0;
      if (more > 1)
        g_string_append_printf(t, " and %zu more", more - 1);
    }
    g_string_append_printf(t, "; %s of each run's %s",
                           vd->test == FK_TEST_WELCH ? "Welch's t" : "Mann-Whitney U",
                           vd->opts.normalize ? "shares" : "weights");
    return g_string_free(t, FALSE);
  }
  for (guint c = 0; c < 2; c++) {
    gint64 v = side[c] && side[c]->has_total ? side[c]->total : fk_tree_total(s->tree, c);
    guint dec = side[c] && side[c]->has_total ? side[c]->decimals : s->decimals;
    fk_weight_format(v, dec, buf[c]);
  }
  if (side[0] != NULL && side[1] != NULL) {
    g_autofree char *b = middle_cut(side[0]->path, 32), *a = middle_cut(side[1]->path, 32);
    g_string_append(t, o->normalized ? "normalized (before scaled to after's total)"
                                     : "not normalized");
    g_string_append_printf(t, "; before: %s (%s %s); after: %s (%s %s)", b, buf[0],
                           fk_render_unit(o), a, buf[1], fk_render_unit(o));
  } else {
    g_string_append_printf(t, "before: first count (%s %s); after: second count (%s %s)", buf[0],
                           fk_render_unit(o), buf[1], fk_render_unit(o));
  }
  return g_string_free(t, FALSE);
}

static gboolean
svg_write(const FkTree *tree, const FkRenderOptions *opts, FILE *out, GError **error)
{
  Svg s = {0};
  s.tree = tree;
  s.opts = opts;
  s.out = out;
  s.buf = g_string_sized_new(1 << 17);
  s.label = g_string_new(NULL);
  s.rand = g_rand_new_with_seed(0x666b); /* reproducible "random" colours */
  s.diff = fk_tree_columns(tree) == 2;
  s.col = fk_tree_columns(tree) - 1;
  s.decimals = fk_tree_decimals(tree);
  gsize n = fk_tree_size(tree);
  double tree_total = (double)fk_tree_total(tree, s.col);
  double want_total = opts->total * (double)fk_pow10(s.decimals);
  s.timemax = MAX(tree_total, want_total);
  s.width = opts->width > 0 ? opts->width : LAYOUT_WIDTH;
  s.frames_px = MAX(s.width - 2 * XPAD, 1);
  double fs = opts->font_size;
  guint fh = MAX(opts->frame_height, 2);

  /* Which frames are wide enough to draw. Parents precede children. */
  s.drawn = g_new0(guint8, n);
  guint max_depth = 0;
  guint64 elided = 0;
  double elided_weight = 0;
  if (s.timemax > 0) {
    /* The peers' own arithmetic, so the same frames fall on the same side
     * of the line: flamegraph.pl's minwidth / widthpertime, inferno's
     * min_width / widthpertime_pct. */
    s.minw = opts->min_width_pct ? opts->min_width / (100.0 / s.timemax)
                                 : opts->min_width / (s.frames_px / s.timemax);
    for (gsize i = 0; i < n; i++) {
      const FkNode *nd = fk_tree_node(tree, (FkNodeId)i);
      gint64 w = fk_node_total(tree, (FkNodeId)i, s.col);
      gboolean parent_drawn = i == FK_ROOT || (s.drawn[nd->parent] & DRAWN);
      if (parent_drawn && w > 0 && (i == FK_ROOT || (double)w >= s.minw)) {
        s.drawn[i] |= DRAWN;
        if (i != FK_ROOT)
          s.drawn[nd->parent] |= DRAWN_CHILD;
        max_depth = MAX(max_depth, nd->depth);
      } else if (w > 0) {
        elided++;
        if (parent_drawn)
          elided_weight += (double)w;
      }
      if (s.diff)
        s.max_delta = MAX(s.max_delta, fabs(node_change(tree, (FkNodeId)i)));
    }
  }

  g_autofree char *elided_text = NULL;
  if (elided > 0) {
    char mw[64];
    g_snprintf(mw, sizeof mw, "%g%s", opts->min_width, opts->min_width_pct ? "%" : " px");
    elided_text = g_strdup_printf("%" G_GUINT64_FORMAT " %s narrower than %s not drawn (%.2f%% "
                                  "of %s in them)",
                                  elided, elided == 1 ? "frame" : "frames", mw,
                                  100.0 * elided_weight / s.timemax, fk_render_unit(opts));
  }
  /* A differential graph says what its colours mean, in two lines. */
  g_autofree char *sides = s.diff && s.timemax > 0 ? diff_sides(&s) : NULL;
  double ypad1 =
      fs * 3 + (opts->subtitle ? fs * 2 : 0) + (elided_text ? fs * 1.5 : 0) + (sides ? fs * 3 : 0);
  double ypad2 = fs * 2 + 10;
  /* Room for a four-line tooltip between the top rows and the details
   * line, however shallow the graph: the page never puts one over them. */
  double frames_h = MAX((max_depth + 1) * (double)fh, fs * 7.5);
  double height = frames_h + ypad1 + ypad2;
  if (s.timemax <= 0)
    height = fs * 7;
  if (opts->inverted) {
    s.y0 = ypad1;
    s.dy = fh;
  } else {
    s.y0 = height - ypad2 - fh + FRAMEPAD;
    s.dy = -(double)fh;
  }
  const char *bg1, *bg2;
  background(opts, &bg1, &bg2);

  GString *b = s.buf;
  g_string_append(b, "<?xml version=\"1.0\" standalone=\"no\"?>\n"
                     "<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" "
                     "\"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd\">\n");
  g_string_append_printf(b,
                         "<svg version=\"1.1\" width=\"%g\" height=\"%g\" viewBox=\"0 0 %g %g\" "
                         "onload=\"fkInit(evt)\" xmlns=\"http://www.w3.org/2000/svg\" "
                         "xmlns:xlink=\"http://www.w3.org/1999/xlink\" "
                         "xmlns:fk=\"https://github.com/flamekit/flamekit\"",
                         s.width, height, s.width, height);
  /* The script's settings as attributes: no user text inside the script. */
  g_string_append_printf(b, " data-fluid=\"%d\" data-inverted=\"%d\" data-xpad=\"%d\"",
                         opts->width > 0 ? 0 : 1, opts->inverted ? 1 : 0, XPAD);
  g_string_append_printf(b, " data-fontsize=\"%g\" data-fontwidth=\"%g\"", fs, opts->font_width);
  g_string_append_printf(b,
                         " data-y0=\"%g\" data-dy=\"%g\" data-total=\"%.0f\" data-decimals=\"%u\"",
                         s.y0, s.dy, s.timemax, s.decimals);
  g_string_append_printf(b, " data-factor=\"%g\" data-truncate-right=\"%d\" data-diff=\"%d\"",
                         opts->factor, opts->truncate_right ? 1 : 0, s.diff ? 1 : 0);
  append_attr(b, "data-nametype", opts->name_type);
  append_attr(b, "data-countname", fk_render_unit(opts));
  append_attr(b, "data-searchcolor", opts->search_color);
  PUT(b, ">\n");
  if (opts->notes != NULL) {
    /* "--" may not appear in a comment; the escaper leaves '-' alone. */
    g_autoptr(GString) notes = g_string_new(NULL);
    fk_svg_escape(notes, opts->notes, FALSE);
    g_string_replace(notes, "-", "&#45;", 0);
    g_string_append_printf(b, "<!--NOTES: %s-->\n", notes->str);
  }
  g_string_append_printf(b,
                         "<defs><linearGradient id=\"background\" y1=\"0\" y2=\"1\" x1=\"0\" "
                         "x2=\"0\"><stop stop-color=\"%s\" offset=\"5%%\"/><stop stop-color=\"%s\" "
                         "offset=\"95%%\"/></linearGradient></defs>\n",
                         bg1, bg2);
  PUT(b, "<style type=\"text/css\"><![CDATA[\ntext { font-family:");
  append_css_value(b, opts->font_type);
  g_string_append_printf(b, "; font-size:%gpx; fill:", fs);
  append_css_value(b, opts->ui_color);
  PUT(b, " }\n");
  if (opts->stroke_color != NULL) {
    PUT(b, "#frames rect { stroke:");
    append_css_value(b, opts->stroke_color);
    PUT(b, "; stroke-width:1 }\n");
  }
  for (const char *const *l = fk_svg_css; *l; l++)
    g_string_append(b, *l);
  PUT(b, "]]></style>\n<script type=\"text/ecmascript\"><![CDATA[\n");
  for (const char *const *l = fk_svg_js; *l; l++)
    g_string_append(b, *l);
  PUT(b, "]]></script>\n");
  g_string_append_printf(
      b, "<rect x=\"0\" y=\"0\" width=\"100%%\" height=\"%g\" fill=\"url(#background)\"/>\n",
      height);
  char xs[32];
  const char *title = opts->title ? opts->title : "Flame Graph";
  if (s.diff && strcmp(title, "Flame Graph") == 0)
    title = "Differential Flame Graph";
  else if (s.diff && strcmp(title, "Icicle Graph") == 0)
    title = "Differential Icicle Graph";
  append_text(b, "title", NULL, "50%", fs * 2, title);
  double row = fs * 2;
  if (opts->subtitle) {
    row += fs * 2;
    append_text(b, "subtitle", NULL, "50%", row, opts->subtitle);
  }
  if (elided_text) {
    row += fs * 1.5;
    append_text(b, "elided", NULL, "50%", row, elided_text);
  }
  if (sides) {
    row += fs * 1.5;
    /* Hues as color_scale draws them; --negate swaps them. */
    const char *grew = opts->negate ? "#0000ff" : "#ff0000";
    const char *shrank = opts->negate ? "#ff0000" : "#0000ff";
    if (opts->verdicts != NULL)
      g_string_append_printf(b,
                             "<text id=\"legend\" x=\"50%%\" y=\"%g\"><tspan fill=\"%s\">&#9632; "
                             "slower</tspan>  <tspan fill=\"%s\">&#9632; faster</tspan>: self "
                             "weight changed significantly (q &lt;= %g, at least %g%%)  <tspan "
                             "fill=\"%s\">&#9632; not significant</tspan>; widths: after</text>\n",
                             row, grew, shrank, opts->verdicts->opts.fdr,
                             opts->verdicts->opts.min_change, GREY);
    else
      g_string_append_printf(
          b,
          "<text id=\"legend\" x=\"50%%\" y=\"%g\"><tspan fill=\"%s\">&#9632; "
          "grew</tspan>  <tspan fill=\"%s\">&#9632; shrank</tspan> in self share "
          "of its profile's total (pp); widths: after</text>\n",
          row, grew, shrank);
    row += fs * 1.5;
    append_text(b, "legend2", NULL, "50%", row, sides);
  }
  g_snprintf(xs, sizeof xs, "%d", XPAD);
  append_text(b, "details", NULL, xs, height - ypad2 / 2, " ");
  append_text(b, "unzoom", "button hide", xs, fs * 2, "Reset Zoom");
  g_snprintf(xs, sizeof xs, "%g", s.width - XPAD);
  append_text(b, "search", "button", xs, fs * 2, "Search");
  g_snprintf(xs, sizeof xs, "%g", s.width - XPAD - fs * 6);
  append_text(b, "ignorecase", "button", xs, fs * 2, "ic");
  g_snprintf(xs, sizeof xs, "%g", s.width - XPAD);
  append_text(b, "matched", NULL, xs, height - ypad2 / 2, " ");
  if (s.timemax <= 0) {
    append_text(b, "empty", NULL, "50%", fs * 4, "no samples in the input");
  } else {
    g_string_append_printf(b, "<svg id=\"frames\" x=\"%d\" width=\"%g\" fk:total=\"%.0f\">\n", XPAD,
                           s.frames_px, s.timemax);
    emit_frames(&s);
    PUT(b, "</svg>\n");
  }
  PUT(b, "<g id=\"tooltip\" class=\"hide\"><rect rx=\"3\"/><text/></g>\n</svg>\n");
  flush_maybe(&s, TRUE);
  g_string_free(s.buf, TRUE);
  g_string_free(s.label, TRUE);
  g_rand_free(s.rand);
  g_free(s.drawn);
  if (s.io_error || ferror(out)) {
    g_set_error_literal(error, FK_RENDER_ERROR, FK_RENDER_ERROR_IO, "write failed");
    return FALSE;
  }
  return TRUE;
}

const FkWriter fk_writer_svg = {
    .name = "svg",
    .extension = ".svg",
    .summary = "interactive flame graph, icicle, flame chart or differential graph",
    .write = svg_write,
};
