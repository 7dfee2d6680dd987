/* fold.c -- `flamekit fold`: any inputs -> merged folded stacks. */
#include "cmd.h"

int
cmd_fold(int argc, char **argv)
{
  g_auto(FkInputOptions) iopts = {0};
  fk_input_options_init(&iopts);
  g_auto(FkTransformOptions) topts = {0};
  fk_transform_options_init(&topts);
  FkCollectOptions copts;
  fk_collect_options_init(&copts);
  g_auto(GStrv) output = NULL;
  g_autofree char *output_format = NULL;
  gboolean partial = FALSE;
  const GOptionEntry entries[] = {
      {"output", 'o', 0, G_OPTION_ARG_FILENAME_ARRAY, &output,
       "Write to FILE instead of standard output, in the format of its extension (repeatable)",
       "FILE"},
      {"output-format", 0, 0, G_OPTION_ARG_STRING, &output_format,
       "Write NAME (folded, json, d3, speedscope, csv) whatever the extension", "NAME"},
      {"partial", 0, 0, G_OPTION_ARG_NONE, &partial,
       "Write a partial result: folded output starts with what a merge needs (units, inputs, "
       "skips)",
       NULL},
      {NULL, 0, 0, 0, NULL, NULL, NULL},
  };
  g_autoptr(GOptionContext) context = g_option_context_new("[INPUT...]");
  g_option_context_set_summary(context,
                               "Read INPUTs (files, or standard input for '-' or none), merge "
                               "identical stacks\nand write them as folded stacks, sorted.");
  g_option_context_add_main_entries(context, entries, NULL);
  fk_input_options_add(context, &iopts);
  fk_transform_options_add(context, &topts);
  int rc = fk_cmd_parse_reading(context, &argc, &argv, &iopts, &topts, &copts);
  if (rc == FK_EXIT_OK)
    rc = fk_cmd_check_outputs(output, output_format);
  if (rc != FK_EXIT_OK)
    return rc;

  g_autoptr(FkDiag) diag = fk_diag_new(5);
  g_autoptr(FkCollector) collector = fk_collector_new(NULL, &copts);
  gboolean ok = fk_cmd_read_inputs(argv + 1, &iopts, collector, diag);
  rc = fk_cmd_report_diag(diag, &iopts);
  g_autofree char *where = fk_cmd_inputs_name(argv + 1);
  g_autoptr(FkTree) tree = fk_transform_options_finish(&topts, collector, where, &ok);
  if (tree == NULL)
    return FK_EXIT_FAILURE;
  FkRenderOptions ropts;
  fk_render_options_init(&ropts);
  /* Partials read: the summaries name the inputs they were made from. */
  g_auto(GStrv) expanded = fk_cmd_partials_expand(argv + 1, &iopts, diag, 0, 0);
  char **paths = expanded ? expanded : argv + 1;
  FkRunSummary summary;
  fk_cmd_summary_init(&summary, "fold", paths, &iopts, diag);
  ropts.summary = &summary;
  g_autofree char *header = partial ? fk_cmd_partial_header(paths, &iopts, diag) : NULL;
  ropts.folded_header = header;
  ropts.jobs = (guint)iopts.jobs;
  if (!fk_cmd_write_outputs(tree, output, output_format, &fk_writer_folded, &ropts))
    ok = FALSE;
  g_free(summary.inputs);
  return ok ? rc : FK_EXIT_FAILURE;
}
