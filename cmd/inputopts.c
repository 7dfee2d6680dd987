/* inputopts.c -- the options of every command that reads inputs (what they
 * become for the reading pipeline: fk_cmd_pipeline_options, cmd/read.c).
 * Reader options go here. */
#include "cmd.h"

#include "../formats/names.h"

#include <errno.h>
#include <string.h>

/* The options being parsed: GOption hands a callback only the group's
 * data, and the input options live in the main group of every command.
 * A command parses one set of input options. */
static FkInputOptions *parsing;

/* A size: digits, then nothing (bytes), k/K, M, G, T or KiB, MiB, GiB, TiB
 * (powers of 1024, as in `perf record --mmap-pages` and dd), or kB/KB, MB,
 * GB, TB (powers of 1000, as in coreutils). FALSE when it is none of them or
 * overflows. */
gboolean
fk_input_parse_size(const char *text, gint64 *out)
{
  if (text == NULL || !g_ascii_isdigit(text[0]))
    return FALSE;
  errno = 0;
  char *end;
  guint64 v = g_ascii_strtoull(text, &end, 10);
  if (errno != 0)
    return FALSE;
  static const struct {
    const char *suffix;
    guint64 scale;
  } units[] = {
      {"", 1},
      {"k", 1024},
      {"K", 1024},
      {"KiB", 1024},
      {"M", 1024 * 1024},
      {"MiB", 1024 * 1024},
      {"G", 1024 * 1024 * 1024},
      {"GiB", 1024 * 1024 * 1024},
      {"T", (guint64)1024 * 1024 * 1024 * 1024},
      {"TiB", (guint64)1024 * 1024 * 1024 * 1024},
      {"kB", 1000},
      {"KB", 1000},
      {"MB", 1000 * 1000},
      {"GB", 1000 * 1000 * 1000},
      {"TB", (guint64)1000 * 1000 * 1000 * 1000},
  };
  for (gsize i = 0; i < G_N_ELEMENTS(units); i++)
    if (strcmp(end, units[i].suffix) == 0) {
      if (v > (guint64)G_MAXINT64 / units[i].scale)
        return FALSE;
      *out = (gint64)(v * units[i].scale);
      return TRUE;
    }
  return FALSE;
}

static gboolean
parse_size_option(const char *name, const char *value, gpointer data, GError **error)
{
  (void)data;
  gint64 *field = strcmp(name, "--max-total-bytes") == 0    ? &parsing->max_total
                  : strcmp(name, "--max-member-bytes") == 0 ? &parsing->max_member
                  : strcmp(name, "--max-buffer-bytes") == 0 ? &parsing->max_buffer
                                                            : &parsing->max_line;
  if (!fk_input_parse_size(value, field)) {
    g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                "%s: expected a size such as 1048576, 64K, 512M or 2G, not '%s'", name, value);
    return FALSE;
  }
  return TRUE;
}

void
fk_input_options_init(FkInputOptions *opts)
{
  memset(opts, 0, sizeof *opts);
  opts->facts = fk_input_facts_new();
  opts->max_line = 16 << 20;
  opts->max_depth = FK_NAME_MAX_DEPTH;
  FkContainerOptions copts;
  fk_container_options_init(&copts);
  opts->max_total = (gint64)copts.max_total;
  opts->max_member = (gint64)copts.max_member;
  opts->max_nesting = (gint)copts.max_nesting;
  opts->max_members = (gint64)copts.max_members;
  opts->max_ratio = (gint64)copts.max_ratio;
  fk_symbolize_options_init(&opts->symbolize);
  opts->max_buffer = (gint64)copts.max_buffer;
}

void
fk_input_options_clear(FkInputOptions *opts)
{
  g_clear_pointer(&opts->format, g_free);
  g_clear_pointer(&opts->weight, g_free);
  g_clear_pointer(&opts->host, g_free);
  g_clear_pointer(&opts->host_from, g_free);
  g_clear_pointer(&opts->event_filter, g_free);
  g_clear_pointer(&opts->facts, g_array_unref);
  g_free((char *)opts->symbolize.symfs);
  g_free((char *)opts->symbolize.kallsyms);
  g_strfreev(opts->symbolize.debug_dirs);
  fk_symbolize_options_init(&opts->symbolize);
}

void
fk_input_options_add(GOptionContext *context, FkInputOptions *opts)
{
  parsing = opts;
  /* GOption takes the callback as a data pointer; ISO C has no cast for it. */
  GOptionArgFunc f = parse_size_option;
  gpointer size_cb;
  G_STATIC_ASSERT(sizeof f == sizeof size_cb);
  memcpy(&size_cb, &f, sizeof size_cb);
  const GOptionEntry entries[] = {
      {"format", 0, 0, G_OPTION_ARG_STRING, &opts->format,
       "Read every input as NAME instead of detecting its format", "NAME"},
      {"strict", 0, 0, G_OPTION_ARG_NONE, &opts->strict,
       "Fail (exit 1) when any input line or record is skipped", NULL},
      {"weight", 0, 0, G_OPTION_ARG_STRING, &opts->weight,
       "Weigh stacks by samples or period (default: what the input has)", "UNIT"},
      {"max-line-bytes", 0, 0, G_OPTION_ARG_CALLBACK, size_cb,
       "Skip text lines longer than SIZE (default 16M)", "SIZE"},
      {"max-stack-depth", 0, 0, G_OPTION_ARG_INT64, &opts->max_depth,
       "Cut stacks deeper than N frames, keeping the root side (default " G_STRINGIFY(
           FK_NAME_MAX_DEPTH) ")",
       "N"},
      {"jobs", 'j', 0, G_OPTION_ARG_INT, &opts->jobs,
       "Read N members at once (default: the number of cores)", "N"},
      {"host", 0, 0, G_OPTION_ARG_STRING, &opts->host,
       "Label inputs whose dump and path name no host as NAME", "NAME"},
      {"host-from", 0, 0, G_OPTION_ARG_STRING, &opts->host_from,
       "Take the host from group 1 of REGEX matched on each input's name", "REGEX"},
      {"quiet", 'q', 0, G_OPTION_ARG_NONE, &opts->quiet, "Show no progress line", NULL},
      {"max-total-bytes", 0, 0, G_OPTION_ARG_CALLBACK, size_cb,
       "Stop the run after SIZE decompressed in all (default 64G)", "SIZE"},
      {"max-member-bytes", 0, 0, G_OPTION_ARG_CALLBACK, size_cb,
       "Stop a member or file after SIZE (default 16G)", "SIZE"},
      {"max-nesting", 0, 0, G_OPTION_ARG_INT, &opts->max_nesting,
       "Open archives nested N deep at most (default 4)", "N"},
      {"max-members", 0, 0, G_OPTION_ARG_INT64, &opts->max_members,
       "Read at most N members and files (default 1000000)", "N"},
      {"max-ratio", 0, 0, G_OPTION_ARG_INT64, &opts->max_ratio,
       "Skip the rest of an archive whose members expand more than N times its size, "
       "once 64M came out (default 1000; 0: no limit)",
       "N"},
      {"pid", 0, 0, G_OPTION_ARG_NONE, &opts->pid,
       "Text dumps: root frame comm-PID instead of comm", NULL},
      {"tid", 0, 0, G_OPTION_ARG_NONE, &opts->tid,
       "Text dumps: root frame comm-PID/TID instead of comm", NULL},
      {"kernel", 0, 0, G_OPTION_ARG_NONE, &opts->kernel, "Text dumps: mark kernel frames with _[k]",
       NULL},
      {"jit", 0, 0, G_OPTION_ARG_NONE, &opts->jit,
       "Text dumps: mark JIT frames (perf-PID.map, jitted-*.so) with _[j]", NULL},
      {"all", 0, 0, G_OPTION_ARG_NONE, &opts->all, "Text dumps: --kernel and --jit", NULL},
      {"addrs", 0, 0, G_OPTION_ARG_NONE, &opts->addrs,
       "Text dumps: keep the address of unsymbolized frames", NULL},
      {"event-filter", 0, 0, G_OPTION_ARG_STRING, &opts->event_filter,
       "perf: read samples of EVENT, modifiers optional (default: the first event seen)", "EVENT"},
      {"includeoffset", 0, 0, G_OPTION_ARG_NONE, &opts->includeoffset,
       "dtrace: keep +0xOFFSET in frame names", NULL},
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
       "Every reader: keep C++ and Rust names mangled", NULL},
      {"demangle-params", 0, 0, G_OPTION_ARG_NONE, &opts->symbolize.demangle_params,
       "Every reader: keep C++ parameter lists, qualifiers and return types", NULL},
      {"max-jit-map-bytes", 0, 0, G_OPTION_ARG_INT64, &opts->symbolize.max_jit_map,
       "perf.data: ignore /tmp/perf-PID.map files larger than BYTES (default 268435456)", "BYTES"},
      {"unwind", 0, 0, G_OPTION_ARG_STRING, &opts->symbolize.unwind,
       "perf.data: user stacks by dwarf, fp or none (default: as recorded)", "METHOD"},
      {"dso-only", 0, 0, G_OPTION_ARG_NONE, &opts->dso_only,
       "perf.data: name frames by their binary only ([libc.so.6]), without symbolizing", NULL},
      {"max-buffer-bytes", 0, 0, G_OPTION_ARG_CALLBACK, size_cb,
       "Hold at most SIZE of one input in memory: a perf.data from a pipe or archive, a nested "
       "7z (default 1G)",
       "SIZE"},
      {NULL, 0, 0, 0, NULL, NULL, NULL},
  };
  /* A command that gives one of these names another meaning (record's
   * --pid PID) leaves it out; GOption would take either entry. */
  GOptionEntry kept[G_N_ELEMENTS(entries)];
  gsize n = 0;
  for (gsize i = 0; i < G_N_ELEMENTS(entries); i++)
    if (entries[i].long_name == NULL || opts->own_options == NULL ||
        !g_strv_contains(opts->own_options, entries[i].long_name))
      kept[n++] = entries[i];
  g_option_context_add_main_entries(context, kept, NULL);
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
  if (opts->jobs < 0 || opts->jobs > 1024)
    return fk_cmd_usage("-j: expected 1 to 1024 threads, or 0 for the number of cores");
  if (opts->max_total < 1 || opts->max_member < 1 || opts->max_members < 1)
    return fk_cmd_usage("--max-total-bytes, --max-member-bytes, --max-members: must be at least 1");
  if (opts->max_ratio < 0)
    return fk_cmd_usage("--max-ratio: must be at least 0 (0: no limit)");
  if (opts->max_nesting < 0)
    return fk_cmd_usage("--max-nesting: must be at least 0");
  if (opts->host != NULL && opts->host[0] == '\0')
    return fk_cmd_usage("--host: the name is empty");
  if (opts->host_from != NULL) {
    g_autoptr(GError) error = NULL;
    g_autoptr(GRegex) re = g_regex_new(opts->host_from, 0, 0, &error);
    if (re == NULL)
      return fk_cmd_usage("--host-from: %s", error->message);
    if (g_regex_get_capture_count(re) < 1)
      return fk_cmd_usage("--host-from: the expression needs a capture group: (...)");
  }
  if (opts->symbolize.unwind != NULL && strcmp(opts->symbolize.unwind, "dwarf") != 0 &&
      strcmp(opts->symbolize.unwind, "fp") != 0 && strcmp(opts->symbolize.unwind, "none") != 0)
    return fk_cmd_usage("--unwind: expected 'dwarf', 'fp' or 'none', not '%s'",
                        opts->symbolize.unwind);
  if (opts->max_buffer < 1)
    return fk_cmd_usage("--max-buffer-bytes: must be at least 1");
  if (opts->symbolize.max_jit_map < 0)
    return fk_cmd_usage("--max-jit-map-bytes: must be at least 0");
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
