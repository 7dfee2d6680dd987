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
}

void
fk_input_options_clear(FkInputOptions *opts)
{
  g_clear_pointer(&opts->format, g_free);
  g_clear_pointer(&opts->weight, g_free);
  g_clear_pointer(&opts->event_filter, g_free);
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
      {"pid", 0, 0, G_OPTION_ARG_NONE, &opts->pid,
       "Text dumps: root frame comm-PID instead of comm", NULL},
      {"tid", 0, 0, G_OPTION_ARG_NONE, &opts->tid,
       "Text dumps: root frame comm-PID/TID instead of comm", NULL},
      {"kernel", 0, 0, G_OPTION_ARG_NONE, &opts->kernel,
       "Text dumps: mark kernel frames with _[k]", NULL},
      {"jit", 0, 0, G_OPTION_ARG_NONE, &opts->jit,
       "Text dumps: mark JIT frames (perf-PID.map, jitted-*.so) with _[j]", NULL},
      {"all", 0, 0, G_OPTION_ARG_NONE, &opts->all, "Text dumps: --kernel and --jit", NULL},
      {"addrs", 0, 0, G_OPTION_ARG_NONE, &opts->addrs,
       "Text dumps: keep the address of unsymbolized frames", NULL},
      {"event-filter", 0, 0, G_OPTION_ARG_STRING, &opts->event_filter,
       "perf script: read samples of EVENT (default: the first event seen)", "EVENT"},
      {"includeoffset", 0, 0, G_OPTION_ARG_NONE, &opts->includeoffset,
       "dtrace: keep +0xOFFSET in frame names", NULL},
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
  if (opts->event_filter != NULL && opts->event_filter[0] == '\0')
    return fk_cmd_usage("--event-filter: must not be empty");
  if (opts->max_line < 1)
    return fk_cmd_usage("--max-line-bytes: must be at least 1");
  if (opts->max_depth < 1)
    return fk_cmd_usage("--max-stack-depth: must be at least 1");
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
  ropts->include_pid = opts->pid;
  ropts->include_tid = opts->tid;
  ropts->annotate_kernel = opts->kernel || opts->all;
  ropts->annotate_jit = opts->jit || opts->all;
  ropts->include_addrs = opts->addrs;
  ropts->event_filter = opts->event_filter;
  ropts->include_offset = opts->includeoffset;
}
