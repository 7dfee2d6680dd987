/* graph.c -- `flamekit graph`: any inputs -> an interactive SVG flame graph
 * (or any other writer, by -o's extension or --output-format). */
#include "graph.h"

#include "../render/svg.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

static void
graph_options_clear(FkGraphOptions *g)
{
  char **strs[] = {&g->output,       &g->output_format, &g->title,  &g->subtitle, &g->fonttype,
                   &g->countname,    &g->nametype,      &g->colors, &g->bgcolors, &g->notes,
                   &g->nameattr,     &g->palette_file,  &g->total,  &g->uicolor,  &g->search_color,
                   &g->stroke_color, &g->sort};
  for (gsize i = 0; i < G_N_ELEMENTS(strs); i++)
    g_clear_pointer(strs[i], g_free);
  g_clear_pointer(&g->outputs, g_strfreev);
}

/* A colour for CSS: #rgb, #rrggbb, rgb(r,g,b) or a plain name. */
static gboolean
color_valid(const char *c)
{
  if (g_regex_match_simple("^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$", c, 0, 0))
    return TRUE;
  if (g_regex_match_simple("^rgb\\( *[0-9]{1,3} *, *[0-9]{1,3} *, *[0-9]{1,3} *\\)$", c, 0, 0))
    return TRUE;
  return g_regex_match_simple("^[a-zA-Z]{1,30}$", c, 0, 0);
}

/* Reads PATH whole; on failure prints "OPT: PATH: why" and returns FALSE,
 * leaving the errno in *ERRNUM (ENOENT is not always an error). */
static gboolean
read_text(const char *opt, const char *path, char **text, int *errnum, gboolean quiet_noent)
{
  FILE *f = fopen(path, "rb");
  if (f == NULL) {
    *errnum = errno;
    if (!(quiet_noent && *errnum == ENOENT))
      fk_cmd_error("%s: %s: %s", opt, path, g_strerror(*errnum));
    return FALSE;
  }
  GString *s = g_string_new(NULL);
  char buf[65536];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0)
    g_string_append_len(s, buf, (gssize)n);
  *errnum = ferror(f) ? EIO : 0;
  fclose(f);
  if (*errnum != 0) {
    fk_cmd_error("%s: %s: %s", opt, path, g_strerror(*errnum));
    g_string_free(s, TRUE);
    return FALSE;
  }
  *text = g_string_free(s, FALSE);
  return TRUE;
}

/* Reads a palette map (`NAME->COLOR` lines, as flamegraph.pl --cp writes):
 * a missing file is an empty map; bad lines are reported and skipped. */
static GHashTable *
read_palette_map(const char *path, FkDiag *diag, gboolean *ok)
{
  GHashTable *map = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  g_autofree char *text = NULL;
  int e = 0;
  *ok = TRUE;
  if (!read_text("--palette-file", path, &text, &e, TRUE)) {
    *ok = e == ENOENT; /* a palette not made yet */
    return map;
  }
  g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
  for (guint i = 0; lines[i]; i++) {
    char *line = lines[i];
    gsize l = strlen(line);
    if (l > 0 && line[l - 1] == '\r')
      line[--l] = '\0';
    if (l == 0)
      continue;
    char *arrow = g_strrstr(line, "->");
    if (arrow == NULL || !color_valid(arrow + 2)) {
      g_autofree char *where = g_strdup_printf("%s:%u", path, i + 1);
      fk_diag_skip(diag, where, NULL, "not a NAME->COLOR palette line; skipped");
      continue;
    }
    *arrow = '\0';
    g_hash_table_insert(map, g_strdup(line), g_strdup(arrow + 2));
  }
  return map;
}

static int
cmp_str(gconstpointer a, gconstpointer b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static gboolean
write_palette_map(const char *path, GHashTable *map)
{
  g_autoptr(GError) error = NULL;
  FkOutput *out = fk_output_open(path, &error);
  if (out == NULL) {
    fk_cmd_error("--palette-file: %s", error->message);
    return FALSE;
  }
  guint n = 0;
  g_autofree gpointer *keys = g_hash_table_get_keys_as_array(map, &n);
  qsort(keys, n, sizeof *keys, cmp_str);
  for (guint i = 0; i < n; i++)
    fprintf(fk_output_file(out), "%s->%s\n", (char *)keys[i],
            (char *)g_hash_table_lookup(map, keys[i]));
  if (!fk_output_commit(out, &error)) {
    fk_cmd_error("--palette-file: %s", error->message);
    return FALSE;
  }
  return TRUE;
}

/* TRUE when HREF is relative or http(s): a link that cannot run script
 * (javascript:, vbscript:) nor carry a document of its own (data:). A
 * browser drops tabs and line ends anywhere in a URL and leading controls
 * and spaces, so "java\tscript:" is judged as "javascript:". */
static gboolean
href_is_safe(const char *href)
{
  GString *u = g_string_new(NULL);
  for (const char *c = href; *c; c++)
    if (*c != '\t' && *c != '\n' && *c != '\r' && !(u->len == 0 && (guchar)*c <= 0x20))
      g_string_append_c(u, *c);
  gsize n = 0;
  while (g_ascii_isalnum(u->str[n]) || u->str[n] == '+' || u->str[n] == '-' || u->str[n] == '.')
    n++;
  gboolean safe = u->str[n] != ':' || !g_ascii_isalpha(u->str[0]) ||
                  (n == 4 && g_ascii_strncasecmp(u->str, "http", 4) == 0) ||
                  (n == 5 && g_ascii_strncasecmp(u->str, "https", 5) == 0);
  g_string_free(u, TRUE);
  return safe;
}

/* Reads --nameattr FILE: `NAME<TAB>key=value<TAB>...` lines, as
 * flamegraph.pl takes them. Only keys that cannot run script are kept. */
static GHashTable *
read_name_attrs(const char *path, FkDiag *diag)
{
  g_autofree char *text = NULL;
  int e = 0;
  if (!read_text("--nameattr", path, &text, &e, FALSE))
    return NULL;
  static const char *const allowed[] = {"title", "href", "target", "class", "style", "id", NULL};
  GHashTable *map =
      g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)g_strfreev);
  g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
  for (guint i = 0; lines[i]; i++) {
    g_autofree char *where = g_strdup_printf("%s:%u", path, i + 1);
    g_strchomp(lines[i]);
    if (lines[i][0] == '\0')
      continue;
    g_auto(GStrv) fields = g_strsplit(lines[i], "\t", -1);
    g_autoptr(GPtrArray) kv = g_ptr_array_new_with_free_func(g_free);
    for (guint f = 1; fields[f]; f++) {
      char *eq = strchr(fields[f], '=');
      g_autofree char *key = eq ? g_strndup(fields[f], eq - fields[f]) : g_strdup(fields[f]);
      if (eq == NULL || !g_strv_contains(allowed, key)) {
        fk_diag_skip(diag, where, NULL,
                     "attribute '%s' not supported (only title, href, target, class, style, "
                     "id); ignored",
                     key);
        continue;
      }
      if (strcmp(key, "href") == 0 && !href_is_safe(eq + 1)) {
        fk_diag_skip(diag, where, NULL,
                     "href: only http, https and relative links are written; ignored");
        continue;
      }
      gboolean dup = FALSE;
      for (guint k = 0; k < kv->len; k++)
        if (g_str_has_prefix(kv->pdata[k], key) && ((char *)kv->pdata[k])[strlen(key)] == '=')
          dup = TRUE;
      if (dup) {
        fk_diag_skip(diag, where, NULL, "attribute '%s' given twice; the first is kept", key);
        continue;
      }
      g_ptr_array_add(kv, g_strdup(fields[f]));
    }
    g_ptr_array_add(kv, NULL);
    g_hash_table_insert(map, g_strdup(fields[0]), g_strdupv((char **)kv->pdata));
  }
  return map;
}

/* Validates the options and fills ROPTS; returns an exit code. */
static int
check_options(FkGraphOptions *g, const char *minwidth, FkRenderOptions *r, const FkWriter **writer)
{
  if (g->output_format != NULL) {
    *writer = fk_writer_lookup(g->output_format);
    if (*writer == NULL)
      return fk_cmd_usage("--output-format: unknown format '%s'; 'flamekit help' lists them",
                          g->output_format);
  } else {
    *writer = g->output && strcmp(g->output, "-") != 0 ? fk_writer_for_path(g->output) : NULL;
    if (*writer == NULL)
      *writer = &fk_writer_svg;
  }
  if (g->title)
    r->title = g->title;
  else if (g->flamechart)
    r->title = "Flame Chart";
  else if (g->inverted)
    r->title = "Icicle Graph";
  r->subtitle = g->subtitle;
  if (g->width < 0 || (g->width > 0 && g->width < 2 * 10 + 1) || g->width > 1e6)
    return fk_cmd_usage("--width: expected a number of pixels from 21 to 1000000");
  r->width = g->width;
  if (g->height < 0 || g->height == 1 || g->height > 1000)
    return fk_cmd_usage("--height: expected a frame height from 2 to 1000 pixels");
  if (g->height > 0)
    r->frame_height = (guint)g->height;
  if (minwidth != NULL) {
    char *end = NULL;
    r->min_width = g_ascii_strtod(minwidth, &end);
    r->min_width_pct = end && *end == '%';
    if (end == minwidth || (*end != '\0' && strcmp(end, "%") != 0) || !isfinite(r->min_width) ||
        r->min_width < 0)
      return fk_cmd_usage("--minwidth: expected pixels or a percentage such as 0.5%%, not '%s'",
                          minwidth);
  }
  if (g->fonttype)
    r->font_type = g->fonttype;
  if (g->fontsize != 0) {
    if (g->fontsize < 1 || g->fontsize > 200)
      return fk_cmd_usage("--fontsize: expected 1 to 200");
    r->font_size = g->fontsize;
  }
  if (g->fontwidth != 0) {
    if (g->fontwidth < 0.05 || g->fontwidth > 5)
      return fk_cmd_usage("--fontwidth: expected 0.05 to 5");
    r->font_width = g->fontwidth;
  }
  if (g->countname)
    r->countname = g->countname;
  if (g->nametype)
    r->name_type = g->nametype;
  if (g->colors) {
    if (!fk_svg_palette_known(g->colors)) {
      g_autofree char *list = g_strjoinv(", ", (char **)fk_svg_palettes());
      return fk_cmd_usage("--colors: unknown palette '%s'; one of %s", g->colors, list);
    }
    r->palette = g->colors;
  }
  if (g->bgcolors) {
    if (!fk_svg_bgcolors_valid(g->bgcolors))
      return fk_cmd_usage("--bgcolors: expected yellow, blue, green, grey or #rrggbb, not '%s'",
                          g->bgcolors);
    r->bgcolors = g->bgcolors;
  }
  r->hash = g->hash;
  r->deterministic = g->deterministic;
  r->inverted = g->inverted;
  r->flamechart = g->flamechart;
  r->negate = g->negate;
  r->notes = g->notes;
  r->color_diffusion = g->colordiffusion;
  r->truncate_right = g->truncate_right;
  if (g->factor != 0) {
    if (!(g->factor > 0) || !isfinite(g->factor))
      return fk_cmd_usage("--factor: expected a positive number");
    r->factor = g->factor;
  }
  if (g->total) {
    char *end = NULL;
    r->total = g_ascii_strtod(g->total, &end);
    if (end == g->total || *end != '\0' || !(r->total > 0) || !isfinite(r->total))
      return fk_cmd_usage("--total: expected a positive count, not '%s'", g->total);
  }
  struct {
    const char *opt;
    char *value;
    const char **dst;
  } colors[] = {
      {"--uicolor", g->uicolor, &r->ui_color},
      {"--search-color", g->search_color, &r->search_color},
      {"--stroke-color", g->stroke_color, &r->stroke_color},
  };
  for (gsize i = 0; i < G_N_ELEMENTS(colors); i++) {
    if (colors[i].value == NULL)
      continue;
    if (!color_valid(colors[i].value))
      return fk_cmd_usage("%s: expected #rrggbb, rgb(R,G,B) or a colour name, not '%s'",
                          colors[i].opt, colors[i].value);
    *colors[i].dst = colors[i].value;
  }
  if (g->sort != NULL) {
    if (strcmp(g->sort, "name") == 0)
      r->order = FK_ORDER_NAME;
    else if (strcmp(g->sort, "width") == 0)
      r->order = FK_ORDER_WIDTH;
    else
      return fk_cmd_usage("--sort: expected 'name' or 'width', not '%s'", g->sort);
  }
  if (g->cp && g->palette_file == NULL)
    g->palette_file = g_strdup("palette.map");
  return FK_EXIT_OK;
}

void
fk_graph_init(FkGraph *graph)
{
  memset(graph, 0, sizeof *graph);
  fk_input_options_init(&graph->iopts);
  fk_transform_options_init(&graph->topts);
  /* --minwidth is the writer's here: frames it leaves out still count in
   * their parents' widths and in the "not drawn" line, where engine pruning
   * (fold's --minwidth) would drop their weight. */
  graph->topts.writer_prunes = TRUE;
  fk_render_options_init(&graph->ropts);
  fk_collect_options_init(&graph->copts);
}

void
fk_graph_clear(FkGraph *graph)
{
  fk_input_options_clear(&graph->iopts);
  fk_transform_options_clear(&graph->topts);
  graph_options_clear(&graph->g);
}

void
fk_graph_add_options(FkGraph *graph, GOptionContext *context)
{
  FkGraphOptions *g = &graph->g;
  const GOptionEntry entries[] = {
      {"output", 'o', 0, G_OPTION_ARG_FILENAME_ARRAY, &g->outputs,
       "Write to FILE, in the format of its extension (default svg); repeatable: one read, "
       "several outputs",
       "FILE"},
      {"output-format", 0, 0, G_OPTION_ARG_STRING, &g->output_format,
       "Write NAME (svg, folded, ...) whatever -o's extension (default: by extension, else svg)",
       "NAME"},
      {"title", 0, 0, G_OPTION_ARG_STRING, &g->title, "Title text (default \"Flame Graph\")",
       "TEXT"},
      {"subtitle", 0, 0, G_OPTION_ARG_STRING, &g->subtitle, "Second title line", "TEXT"},
      {"width", 0, 0, G_OPTION_ARG_DOUBLE, &g->width,
       "Image width in pixels (default: fluid, follows the window)", "PX"},
      {"height", 0, 0, G_OPTION_ARG_INT, &g->height, "Height of each frame (default 16)", "PX"},
      {"fonttype", 0, 0, G_OPTION_ARG_STRING, &g->fonttype, "Font family (default Verdana)",
       "FONT"},
      {"fontsize", 0, 0, G_OPTION_ARG_DOUBLE, &g->fontsize, "Font size (default 12)", "SIZE"},
      {"fontwidth", 0, 0, G_OPTION_ARG_DOUBLE, &g->fontwidth,
       "Average glyph width as a fraction of the size, to fit labels (default 0.59)", "RATIO"},
      {"countname", 0, 0, G_OPTION_ARG_STRING, &g->countname,
       "Unit of the counts shown (default: from the input: samples, nanoseconds, cycles, events)",
       "TEXT"},
      {"nametype", 0, 0, G_OPTION_ARG_STRING, &g->nametype, "Name label (default Function:)",
       "TEXT"},
      {"colors", 0, 0, G_OPTION_ARG_STRING, &g->colors,
       "Palette: hot (default), mem, io, wakeup, chain, java, js, perl, python, rust, red, green, "
       "blue, aqua, yellow, purple, orange",
       "PALETTE"},
      {"palette", 0, 0, G_OPTION_ARG_STRING, &g->colors, "Same as --colors", "PALETTE"},
      {"bgcolors", 0, 0, G_OPTION_ARG_STRING, &g->bgcolors,
       "Background: yellow, blue, green, grey or #rrggbb (default: by palette)", "COLOR"},
      {"hash", 0, 0, G_OPTION_ARG_NONE, &g->hash, "Colour by a hash of the name, as flamegraph.pl",
       NULL},
      {"deterministic", 0, 0, G_OPTION_ARG_NONE, &g->deterministic,
       "A name always gets the same colour, across runs and files", NULL},
      {"cp", 0, 0, G_OPTION_ARG_NONE, &g->cp,
       "Consistent palette: read and update palette.map in the current directory", NULL},
      {"palette-file", 0, 0, G_OPTION_ARG_FILENAME, &g->palette_file,
       "Consistent palette: read and update FILE (NAME->COLOR lines)", "FILE"},
      {"inverted", 0, 0, G_OPTION_ARG_NONE, &g->inverted, "Icicle graph: root at the top", NULL},
      {"flamechart", 0, 0, G_OPTION_ARG_NONE, &g->flamechart,
       "Flame chart: input order, only adjacent identical frames merged", NULL},
      {"negate", 0, 0, G_OPTION_ARG_NONE, &g->negate,
       "Differential: swap the hues (red shrank, blue grew)", NULL},
      {"notes", 0, 0, G_OPTION_ARG_STRING, &g->notes, "Notes put in an XML comment", "TEXT"},
      {"nameattr", 0, 0, G_OPTION_ARG_FILENAME, &g->nameattr,
       "Per-name title, href, target, class, style, id (NAME<TAB>key=value... lines)", "FILE"},
      {"total", 0, 0, G_OPTION_ARG_STRING, &g->total,
       "Draw against COUNT as the full width when larger than the total", "COUNT"},
      {"factor", 0, 0, G_OPTION_ARG_DOUBLE, &g->factor, "Multiply the counts shown by F", "F"},
      {"colordiffusion", 0, 0, G_OPTION_ARG_NONE, &g->colordiffusion,
       "Colour by width: the wider, the redder", NULL},
      {"uicolor", 0, 0, G_OPTION_ARG_STRING, &g->uicolor, "Colour of the page's text", "COLOR"},
      {"search-color", 0, 0, G_OPTION_ARG_STRING, &g->search_color,
       "Colour of matched frames (default rgb(230,0,230))", "COLOR"},
      {"stroke-color", 0, 0, G_OPTION_ARG_STRING, &g->stroke_color, "Outline frames in COLOR",
       "COLOR"},
      {"truncate-text-right", 0, 0, G_OPTION_ARG_NONE, &g->truncate_right,
       "Cut long labels on the right (default: on the left, keeping the function)", NULL},
      {"sort", 0, 0, G_OPTION_ARG_STRING, &g->sort,
       "Order siblings by name (default) or width (widest first)", "name|width"},
      {NULL, 0, 0, 0, NULL, NULL, NULL},
  };
  g_option_context_add_main_entries(context, entries, NULL);
  fk_input_options_add(context, &graph->iopts);
  fk_transform_options_add(context, &graph->topts);
}

int
fk_graph_check(FkGraph *graph)
{
  FkGraphOptions *g = &graph->g;
  if (g->flamechart)
    graph->copts.tree_flags = FK_TREE_SEQUENTIAL;
  int rc = fk_cmd_check_reading(&graph->iopts, &graph->topts, &graph->copts);
  if (g->outputs != NULL && g->outputs[0] != NULL) {
    g_free(g->output);
    g->output = g_strdup(g->outputs[0]);
  }
  if (rc == FK_EXIT_OK)
    rc = fk_cmd_check_outputs(g->outputs, g->output_format);
  if (rc == FK_EXIT_OK)
    rc = check_options(g, graph->topts.minwidth, &graph->ropts, &graph->writer);
  return rc;
}

int
fk_graph_run(FkGraph *graph, char **paths, const char *command)
{
  FkGraphOptions *g = &graph->g;
  FkRenderOptions *ropts = &graph->ropts;
  g_autoptr(FkDiag) diag = fk_diag_new(5);
  gboolean ok = TRUE;
  g_autoptr(GHashTable) palette = NULL;
  g_autoptr(GHashTable) attrs = NULL;
  if (g->palette_file != NULL) {
    gboolean pok;
    palette = read_palette_map(g->palette_file, diag, &pok);
    ok = ok && pok;
    ropts->palette_map = palette;
  }
  if (g->nameattr != NULL) {
    attrs = read_name_attrs(g->nameattr, diag);
    if (attrs == NULL)
      ok = FALSE;
    ropts->name_attrs = attrs;
  }
  if (!ok) { /* a palette or name file could not be read: nothing drawn */
    fk_cmd_report_diag(diag, &graph->iopts);
    return FK_EXIT_FAILURE;
  }
  g_autoptr(FkCollector) collector = fk_collector_new(NULL, &graph->copts);
  /* As fold: an input that fails is reported, the others are still drawn,
   * and the exit code says something failed. */
  if (!fk_cmd_read_inputs(paths, &graph->iopts, collector, diag))
    ok = FALSE;
  int rc = fk_cmd_report_diag(diag, &graph->iopts);
  g_autofree char *where = fk_cmd_inputs_name(paths);
  g_autoptr(FkTree) tree = fk_transform_options_finish(&graph->topts, collector, where, &ok);
  /* Partials read: the summaries name the inputs they were made from. */
  g_auto(GStrv) expanded = fk_cmd_partials_expand(paths, &graph->iopts, diag, 0, 0);
  FkRunSummary summary;
  fk_cmd_summary_init(&summary, command, expanded ? expanded : paths, &graph->iopts, diag);
  ropts->summary = &summary;
  ropts->jobs = (guint)graph->iopts.jobs;
  if (tree == NULL) {
    ok = FALSE;
  } else {
    guint col = fk_tree_columns(tree) - 1;
    double actual = (double)fk_tree_total(tree, col) / (double)fk_pow10(fk_tree_decimals(tree));
    if (ropts->total > 0 && ropts->total < actual) {
      fk_cmd_error("--total %s is less than the actual total %.15g; ignored", g->total, actual);
      ropts->total = 0;
    }
    if (!fk_cmd_write_outputs(tree, g->outputs, g->output_format, &fk_writer_svg, ropts))
      ok = FALSE;
    if (palette != NULL && !write_palette_map(g->palette_file, palette))
      ok = FALSE;
  }
  ropts->summary = NULL;
  ropts->palette_map = NULL;
  ropts->name_attrs = NULL;
  g_free(summary.inputs);
  return ok ? rc : FK_EXIT_FAILURE;
}

int
cmd_graph(int argc, char **argv)
{
  FkGraph graph;
  fk_graph_init(&graph);
  g_autoptr(GOptionContext) context = g_option_context_new("[INPUT...]");
  g_option_context_set_summary(context,
                               "Read INPUTs (files, or standard input for '-' or none) and draw "
                               "them as an\ninteractive SVG flame graph, icicle graph or flame "
                               "chart; two-count input\n(`stack BEFORE AFTER`) gives a "
                               "differential graph.");
  fk_graph_add_options(&graph, context);
  int rc = fk_cmd_parse(context, &argc, &argv);
  if (rc == FK_EXIT_OK)
    rc = fk_graph_check(&graph);
  if (rc == FK_EXIT_OK)
    rc = fk_graph_run(&graph, argv + 1, "graph");
  fk_graph_clear(&graph);
  return rc;
}
