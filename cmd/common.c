/* common.c -- messages, option parsing and input reading shared by commands. */
#include "cmd.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *fk_cmd_name;

static void
vmessage(const char *fmt, va_list ap)
{
  g_autofree char *msg = g_strdup_vprintf(fmt, ap);
  fflush(stdout);
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
  if (!g_option_context_parse(context, argc, argv, &error))
    return fk_cmd_usage("%s", error->message);
  return FK_EXIT_OK;
}

/* Reads one input into COLLECTOR. FALSE when it could not be read through. */
static gboolean
read_one(FkInput *in, const FkReadOptions *ropts, const FkInputOptions *opts,
         FkCollector *collector)
{
  g_autoptr(GError) error = NULL;
  const FkReader *reader;
  if (opts->format != NULL) {
    reader = fk_reader_lookup(opts->format);
  } else {
    const guint8 *head;
    gssize n = fk_input_peek(in, FK_BID_BYTES, &head, &error);
    if (n < 0) {
      fk_cmd_error("%s", error->message);
      return FALSE;
    }
    reader = fk_reader_choose(head, (gsize)n);
    if (reader == NULL) {
      fk_diag_skip(ropts->diag, in->name, NULL, "no reader recognizes this input; skipped");
      return !opts->strict;
    }
  }
  gpointer state = reader->open(in, ropts, &error);
  if (state == NULL) {
    fk_cmd_error("%s", error->message);
    return FALSE;
  }
  gboolean ok = TRUE;
  FkSample s;
  for (;;) {
    FkReadStatus st = reader->next(state, &s, &error);
    if (st == FK_READ_END)
      break;
    if (st == FK_READ_ERROR) {
      /* Under --strict the skip is already in DIAG, with its location. */
      if (!g_error_matches(error, FK_READER_ERROR, FK_READER_ERROR_STRICT))
        fk_cmd_error("%s", error->message);
      ok = FALSE;
      break;
    }
    if (!fk_collector_add(collector, &s, &error)) {
      fk_cmd_error("%s: %s", in->name, error->message);
      ok = FALSE;
      break;
    }
  }
  reader->close(state);
  return ok;
}

gboolean
fk_cmd_read_inputs(char **paths, const FkInputOptions *opts, FkCollector *collector,
                   FkDiag *diag)
{
  static char *stdin_only[] = {(char *)"-", NULL};
  if (paths == NULL || paths[0] == NULL)
    paths = stdin_only;
  FkReadOptions ropts;
  fk_input_options_to_read(opts, &ropts);
  ropts.strings = fk_collector_strings(collector);
  ropts.diag = diag;
  gboolean ok = TRUE;
  for (char **p = paths; *p; p++) {
    g_autoptr(GError) error = NULL;
    g_autoptr(FkInput) in = fk_input_new_file(*p, &error);
    if (in == NULL) {
      fk_cmd_error("%s", error->message);
      ok = FALSE;
      continue;
    }
    if (!read_one(in, &ropts, opts, collector))
      ok = FALSE;
  }
  return ok;
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
                 skipped == 1 ? "item" : "items", w, opts->strict ? "" : "; --strict makes this fail");
  else
    fk_cmd_error("skipped %" G_GUINT64_FORMAT " %s in all%s", skipped,
                 skipped == 1 ? "item" : "items", opts->strict ? "" : "; --strict makes this fail");
  return opts->strict ? FK_EXIT_FAILURE : FK_EXIT_OK;
}

gboolean
fk_cmd_write(const FkTree *tree, const FkWriter *writer, const FkRenderOptions *ropts,
             const char *path)
{
  g_autoptr(GError) error = NULL;
  if (path == NULL)
    path = "-";
  if (writer == NULL)
    writer = strcmp(path, "-") == 0 ? NULL : fk_writer_for_path(path);
  if (writer == NULL)
    writer = &fk_writer_folded;
  FkOutput *out = fk_output_open(path, &error);
  if (out == NULL) {
    fk_cmd_error("%s", error->message);
    return FALSE;
  }
  if (!writer->write(tree, ropts, fk_output_file(out), &error)) {
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
