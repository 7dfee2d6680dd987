/* common.c -- messages, option parsing and input reading shared by commands. */
#include "cmd.h"

#include "../formats/framename.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

const char *fk_cmd_name;
gboolean fk_cmd_progress_shown;
const FkCommand *fk_cmd_table;
gsize fk_cmd_table_len;
GString *fk_cmd_options_probe;

/* Control characters, C1 controls and bytes that are not UTF-8 are what a
 * terminal takes for commands (ESC ] 0 ; retitles it, ESC [ 2 J clears it, a
 * line break forges a second message): every byte of them becomes "\\xNN"
 * (upper-case hex, as frame names and the SVG writer show them). */
char *
fk_cmd_printable(const char *s)
{
  GString *out = g_string_new(NULL);
  fk_text_append_visible(out, s, strlen(s), FALSE);
  return g_string_free(out, FALSE);
}

static void
vmessage(const char *fmt, va_list ap)
{
  g_autofree char *raw = g_strdup_vprintf(fmt, ap);
  g_autofree char *msg = fk_cmd_printable(raw);
  fflush(stdout);
  if (fk_cmd_progress_shown) { /* a message replaces the progress line; the next tick redraws it */
    fputs("\r\033[K", stderr);
    fk_cmd_progress_shown = FALSE;
  }
  if (fk_cmd_name)
    fprintf(stderr, "flamekit: %s: %s\n", fk_cmd_name, msg);
  else
    fprintf(stderr, "flamekit: %s\n", msg);
}

void
fk_cmd_error(const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  vmessage(fmt, ap);
  va_end(ap);
}

int
fk_cmd_usage(const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  vmessage(fmt, ap);
  va_end(ap);
  fprintf(stderr, "flamekit: try 'flamekit %s --help'\n", fk_cmd_name ? fk_cmd_name : "help");
  return FK_EXIT_USAGE;
}

int
fk_cmd_parse(GOptionContext *context, int *argc, char ***argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *prgname = g_strdup_printf("flamekit %s", fk_cmd_name);
  g_set_prgname(prgname);
  g_option_context_set_help_enabled(context, TRUE);
  if (fk_cmd_options_probe != NULL) { /* `completions` lists the options */
    g_autofree char *help = g_option_context_get_help(context, TRUE, NULL);
    g_string_append(fk_cmd_options_probe, help);
    return FK_EXIT_USAGE;
  }
  /* GOption reads "-j2" as "-j" taking the next argument; people type it
   * as they do for make: split it. The new vector lives as long as the
   * process, as argv does. */
  gboolean split = FALSE;
  int end = *argc; /* nothing after "--" is an option */
  for (int i = 1; i < *argc; i++)
    if (strcmp((*argv)[i], "--") == 0) {
      end = i;
      break;
    }
  for (int i = 1; i < end; i++)
    if (strncmp((*argv)[i], "-j", 2) == 0 && g_ascii_isdigit((*argv)[i][2]))
      split = TRUE;
  if (split) {
    static GPtrArray *args;
    args = g_ptr_array_new();
    for (int i = 0; i < *argc; i++) {
      const char *a = (*argv)[i];
      if (i > 0 && i < end && strncmp(a, "-j", 2) == 0 && g_ascii_isdigit(a[2])) {
        g_ptr_array_add(args, (char *)"-j");
        g_ptr_array_add(args, (char *)a + 2);
      } else {
        g_ptr_array_add(args, (char *)a);
      }
    }
    *argc = (int)args->len;
    g_ptr_array_add(args, NULL);
    *argv = (char **)args->pdata;
  }
  if (!g_option_context_parse(context, argc, argv, &error))
    return fk_cmd_usage("%s", error->message);
  return FK_EXIT_OK;
}

int
fk_cmd_report_diag(FkDiag *diag, const FkInputOptions *opts)
{
  GPtrArray *msgs = fk_diag_messages(diag);
  for (guint i = 0; i < msgs->len; i++)
    fk_cmd_error("%s", (const char *)g_ptr_array_index(msgs, i));
  guint64 skipped = fk_diag_skipped(diag);
  if (skipped == 0)
    return FK_EXIT_OK;
  guint64 unshown = fk_diag_unshown(diag);
  double w = fk_diag_skipped_weight(diag);
  if (unshown > 0)
    fk_cmd_error("... and %" G_GUINT64_FORMAT " more", unshown);
  if (w > 0)
    fk_cmd_error("skipped %" G_GUINT64_FORMAT " %s in all (weight %.15g)%s", skipped,
                 skipped == 1 ? "item" : "items", w,
                 opts->strict ? "" : "; --strict makes this fail");
  else
    fk_cmd_error("skipped %" G_GUINT64_FORMAT " %s in all%s", skipped,
                 skipped == 1 ? "item" : "items", opts->strict ? "" : "; --strict makes this fail");
  return opts->strict ? FK_EXIT_FAILURE : FK_EXIT_OK;
}

gboolean
fk_cmd_write_file(const char *path, FkCmdWriteFunc write, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  FkOutput *out = fk_output_open(path, &error);
  if (out == NULL) {
    fk_cmd_error("%s", error->message);
    return FALSE;
  }
  if (!write(fk_output_file(out), data, &error)) {
    fk_output_abort(out);
    fk_cmd_error("%s: %s", path, error->message);
    return FALSE;
  }
  if (strcmp(path, "-") == 0) {
    /* stdout: main() checks it once at exit. */
    fk_output_abort(out);
    return TRUE;
  }
  if (!fk_output_commit(out, &error)) {
    fk_cmd_error("%s", error->message);
    return FALSE;
  }
  return TRUE;
}

typedef struct {
  const FkTree *tree;
  const FkWriter *writer;
  const FkRenderOptions *ropts;
} TreeWrite;

static gboolean
write_tree(FILE *out, gconstpointer data, GError **error)
{
  const TreeWrite *w = data;
  return w->writer->write(w->tree, w->ropts, out, error);
}

gboolean
fk_cmd_write(const FkTree *tree, const FkWriter *writer, const FkRenderOptions *ropts,
             const char *path)
{
  if (path == NULL)
    path = "-";
  if (writer == NULL)
    writer = strcmp(path, "-") == 0 ? NULL : fk_writer_for_path(path);
  if (writer == NULL)
    writer = &fk_writer_folded;
  TreeWrite w = {tree, writer, ropts};
  return fk_cmd_write_file(path, write_tree, &w);
}

int
fk_cmd_parse_reading(GOptionContext *context, int *argc, char ***argv, FkInputOptions *iopts,
                     FkTransformOptions *topts, FkCollectOptions *copts)
{
  int rc = fk_cmd_parse(context, argc, argv);
  return rc == FK_EXIT_OK ? fk_cmd_check_reading(iopts, topts, copts) : rc;
}

int
fk_cmd_check_reading(FkInputOptions *iopts, FkTransformOptions *topts, FkCollectOptions *copts)
{
  int rc = fk_input_options_check(iopts);
  /* dtrace's --includeoffset asks for offsets: do not strip them again. */
  if (iopts->includeoffset)
    topts->no_strip_offsets = TRUE;
  if (rc == FK_EXIT_OK)
    rc = fk_transform_options_check(topts, copts);
  iopts->strip_offsets = topts->strip_offsets;
  return rc;
}

char *
fk_cmd_inputs_name(char **paths)
{
  if (paths == NULL || paths[0] == NULL || (paths[1] == NULL && strcmp(paths[0], "-") == 0))
    return g_strdup("standard input");
  return g_strjoinv(", ", paths);
}

void
fk_cmd_stdin_hint(char **paths, const FkInputOptions *opts)
{
  gboolean reads_stdin = paths == NULL || paths[0] == NULL;
  for (char **p = paths; p && *p; p++)
    if (strcmp(*p, "-") == 0)
      reads_stdin = TRUE;
  if (reads_stdin && !opts->quiet && isatty(STDIN_FILENO))
    fk_cmd_error("reading standard input (Ctrl-D to end)");
}
