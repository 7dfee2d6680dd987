/* fuzz-svg.c -- libFuzzer target for the SVG writer: any folded input, drawn
 * with options picked by the first byte, must give valid UTF-8 with no stray
 * control characters, one script element and no markup from the names. */
#include "fuzz.h"

#include "../../render/svg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
check(const char *svg, gsize len)
{
  if (!g_utf8_validate(svg, (gssize)len, NULL))
    abort();
  for (gsize i = 0; i < len; i++) {
    guchar c = (guchar)svg[i];
    if (c < 0x20 && c != '\n' && c != '\t')
      abort();
  }
  const char *first = strstr(svg, "<script");
  if (first == NULL || strstr(first + 1, "<script") != NULL)
    abort();
  /* Past the script, every '<' starts one of the writer's own elements. */
  const char *p = strstr(svg, "]]></script>");
  if (p == NULL)
    abort();
  static const char *const ok[] = {"<rect", "<text",  "</text",  "<g",      "</g",
                                   "<svg",  "</svg",  "<title",  "</title", "<a ",
                                   "</a",   "<tspan", "</tspan", NULL};
  for (p = strchr(p + strlen("]]></script>"), '<'); p != NULL; p = strchr(p + 1, '<')) {
    gboolean known = FALSE;
    for (const char *const *k = ok; *k; k++)
      if (strncmp(p, *k, strlen(*k)) == 0)
        known = TRUE;
    if (!known)
      abort();
  }
}

int
LLVMFuzzerTestOneInput(const guint8 *data, gsize size)
{
  if (size < 1)
    return 0;
  guint8 mode = data[0];
  g_autoptr(GBytes) bytes = g_bytes_new(data + 1, size - 1);
  g_autoptr(FkInput) in = fk_input_new_bytes("fuzz", bytes);
  g_autoptr(FkDiag) diag = fk_diag_new(3);
  g_autoptr(FkTree) tree = fk_tree_new(NULL, mode & 1 ? FK_TREE_SEQUENTIAL : FK_TREE_DEFAULT);
  FkReadOptions opts = {0};
  opts.strings = fk_tree_strings(tree);
  opts.diag = diag;
  opts.max_line = 1 << 16;
  opts.max_depth = 512;
  gpointer state = fk_reader_folded.open(in, &opts, NULL);
  if (state == NULL)
    return 0;
  FkSample s;
  while (fk_reader_folded.next(state, &s, NULL) == FK_READ_SAMPLE)
    (void)fk_tree_add_sample(tree, &s, NULL);
  fk_reader_folded.close(state);
  fk_tree_finish(tree);

  FkRenderOptions r;
  fk_render_options_init(&r);
  r.flamechart = (mode & 1) != 0;
  r.inverted = (mode & 2) != 0;
  r.min_width = mode & 4 ? 0 : 0.1;
  r.hash = (mode & 8) != 0;
  r.truncate_right = (mode & 16) != 0;
  r.palette = fk_svg_palettes()[(mode >> 5) % 8 * 2];
  r.order = mode & 64 ? FK_ORDER_WIDTH : FK_ORDER_NAME;
  r.title = "<&>\"'";
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  gboolean ok = fk_writer_svg.write(tree, &r, f, NULL);
  fclose(f);
  if (!ok)
    abort();
  check(buf, len);
  free(buf);
  return 0;
}
