/* outputs.c -- one read, several outputs: `-o a.svg -o a.json -o a.csv`. */
#include "cmd.h"

#include <string.h>

int
fk_cmd_check_output_format(const char *format)
{
  if (format != NULL && fk_writer_lookup(format) == NULL)
    return fk_cmd_usage("--output-format: unknown format '%s'; 'flamekit help' lists them",
                        format);
  return FK_EXIT_OK;
}

gboolean
fk_cmd_write_outputs(const FkTree *tree, char **outputs, const char *format,
                     const FkWriter *default_writer, const FkRenderOptions *ropts)
{
  const FkWriter *forced = format ? fk_writer_lookup(format) : NULL;
  static char *to_stdout[] = {(char *)"-", NULL};
  if (outputs == NULL || outputs[0] == NULL)
    outputs = to_stdout;
  gboolean ok = TRUE;
  for (char **p = outputs; *p; p++) {
    const FkWriter *w = forced;
    if (w == NULL && strcmp(*p, "-") != 0)
      w = fk_writer_for_path(*p);
    if (w == NULL)
      w = default_writer;
    if (!fk_cmd_write(tree, w, ropts, *p))
      ok = FALSE;
  }
  return ok;
}

void
fk_cmd_summary_init(FkRunSummary *summary, const char *command, char **paths,
                    const FkInputOptions *iopts, FkDiag *diag)
{
  static char *stdin_only[] = {(char *)"-", NULL};
  if (paths == NULL || paths[0] == NULL)
    paths = stdin_only;
  memset(summary, 0, sizeof *summary);
  summary->command = command;
  summary->n_inputs = g_strv_length(paths);
  summary->inputs = g_new0(FkInputSummary, summary->n_inputs);
  for (gsize i = 0; i < summary->n_inputs; i++) {
    summary->inputs[i].path = paths[i];
    summary->inputs[i].format = iopts->format;
    summary->inputs[i].weight_unit = iopts->weight;
  }
  summary->skipped = diag ? fk_diag_skipped(diag) : 0;
}
