/* inputopts.c -- the options of every command that reads inputs, and how
 * they become the readers' FkReadOptions. Reader options go here. */
#include "cmd.h"

#include <string.h>

void
fk_input_options_init(FkInputOptions *opts)
{
  memset(opts, 0, sizeof *opts);
  opts->max_line = 16 << 20;
  opts->max_depth = 65536;
  fk_symbolize_options_init(&opts->symbolize);
  opts->max_buffer = G_GINT64_CONSTANT(1) << 32;
}

void
fk_input_options_clear(FkInputOptions *opts)
{
  g_clear_pointer(&opts->format, g_free);
  g_clear_pointer(&opts->weight, g_free);
  g_free((char *)opts->symbolize.symfs);
  g_free((char *)opts->symbolize.kallsyms);
  g_strfreev(opts->symbolize.debug_dirs);
  fk_symbolize_options_init(&opts->symbolize);
}

void
fk_input_options_add(GOptionContext *context, FkInputOptions *opts)
{
  const GOptionEntry entries[] = {
      {"format", 0, 0, G_OPTION_ARG_STRING, &opts->format,
       "Read every input as NAME instead of detecting its format", "NAME"},
      {"strict", 0, 0, G_OPTION_ARG_NONE, &opts->strict,
       "Fail (exit 1) when any input line or record is skipped", NULL},
      {"weight", 0, 0, G_OPTION_ARG_STRING, &opts->weight,
       "Weigh stacks by samples or period (default: what the input has)", "UNIT"},
      {"max-line-bytes", 0, 0, G_OPTION_ARG_INT64, &opts->max_line,
       "Skip text lines longer than BYTES (default 16777216)", "BYTES"},
      {"max-stack-depth", 0, 0, G_OPTION_ARG_INT64, &opts->max_depth,
       "Cut stacks deeper than N frames, keeping the root side (default 65536)", "N"},
      {"symfs", 0, 0, G_OPTION_ARG_FILENAME, &opts->symbolize.symfs,
       "perf.data: look for binaries under DIR (DIR/usr/lib/...)", "DIR"},
      {"debug-dir", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &opts->symbolize.debug_dirs,
       "perf.data: a .build-id tree to search first (repeatable)", "DIR"},
      {"kallsyms", 0, 0, G_OPTION_ARG_FILENAME, &opts->symbolize.kallsyms,
       "perf.data: kernel symbols from FILE (a copy of /proc/kallsyms)", "FILE"},
      {"no-inline", 0, G_OPTION_FLAG_REVERSE, G_OPTION_ARG_NONE, &opts->symbolize.inline_frames,
       "perf.data: no inlined-function frames", NULL},
      {"srcline", 0, 0, G_OPTION_ARG_NONE, &opts->symbolize.srcline,
       "perf.data: append file:line to frame names", NULL},
      {"no-demangle", 0, G_OPTION_FLAG_REVERSE, G_OPTION_ARG_NONE, &opts->symbolize.demangle,
       "perf.data: keep C++ and Rust names mangled", NULL},
      {"demangle-params", 0, 0, G_OPTION_ARG_NONE, &opts->symbolize.demangle_params,
       "perf.data: keep parameter lists of demangled C++ names", NULL},
      {"dso-only", 0, 0, G_OPTION_ARG_NONE, &opts->dso_only,
       "perf.data: name frames by their binary only ([libc.so.6]), without symbolizing", NULL},
      {"max-buffer-bytes", 0, 0, G_OPTION_ARG_INT64, &opts->max_buffer,
       "perf.data: largest capture read from a pipe or archive into memory (default 4294967296)",
       "BYTES"},
      {NULL, 0, 0, 0, NULL, NULL, NULL},
  };
  g_option_context_add_main_entries(context, entries, NULL);
}

int
fk_input_options_check(const FkInputOptions *opts)
{
  if (opts->format != NULL && fk_reader_lookup(opts->format) == NULL)
    return fk_cmd_usage("--format: unknown format '%s'; 'flamekit help' lists them", opts->format);
  if (opts->weight != NULL && strcmp(opts->weight, "samples") != 0 &&
      strcmp(opts->weight, "period") != 0)
    return fk_cmd_usage("--weight: expected 'samples' or 'period', not '%s'", opts->weight);
  if (opts->max_line < 1)
    return fk_cmd_usage("--max-line-bytes: must be at least 1");
  if (opts->max_depth < 1)
    return fk_cmd_usage("--max-stack-depth: must be at least 1");
  if (opts->max_buffer < 1)
    return fk_cmd_usage("--max-buffer-bytes: must be at least 1");
  if (opts->symbolize.symfs != NULL && !g_file_test(opts->symbolize.symfs, G_FILE_TEST_IS_DIR))
    return fk_cmd_usage("--symfs: '%s' is not a directory", opts->symbolize.symfs);
  for (char **d = opts->symbolize.debug_dirs; d && *d; d++)
    if (!g_file_test(*d, G_FILE_TEST_IS_DIR))
      return fk_cmd_usage("--debug-dir: '%s' is not a directory", *d);
  if (opts->symbolize.kallsyms != NULL &&
      !g_file_test(opts->symbolize.kallsyms, G_FILE_TEST_IS_REGULAR))
    return fk_cmd_usage("--kallsyms: '%s' is not a file", opts->symbolize.kallsyms);
  return FK_EXIT_OK;
}

void
fk_input_options_to_read(const FkInputOptions *opts, FkReadOptions *ropts)
{
  memset(ropts, 0, sizeof *ropts);
  ropts->strict = opts->strict;
  ropts->max_line = (gsize)opts->max_line;
  ropts->max_depth = (gsize)opts->max_depth;
  ropts->weight = opts->weight == NULL                    ? FK_WEIGHT_DEFAULT
                  : strcmp(opts->weight, "samples") == 0 ? FK_WEIGHT_SAMPLES
                                                         : FK_WEIGHT_PERIOD;
  ropts->symbolize = &opts->symbolize;
  ropts->dso_only = opts->dso_only;
  ropts->max_buffer = (guint64)opts->max_buffer;
}
