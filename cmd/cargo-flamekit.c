/* cargo-flamekit.c -- `cargo flamekit`: build a cargo target with debug info
 * and profile it with `flamekit record`, as `cargo flamegraph` does. Its own
 * binary (cargo finds `cargo-NAME` in PATH as the subcommand NAME), built
 * beside flamekit; the recording is flamekit's own record command, run as
 * the flamekit binary next to this one, so that both take the same options
 * and say the same things. */
#include "cmd.h"

#include <errno.h>
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static const char usage_text[] =
    "usage: cargo flamekit [OPTION...] [RECORD-OPTION...] [-- ARGS...]\n"
    "\n"
    "Builds a target of the current cargo package with debug info and runs it under\n"
    "'flamekit record'; ARGS go to the program. Every other option is record's\n"
    "('flamekit record --help'): -o OUT, -F HZ, --call-graph, -c, --open, ...\n"
    "\n"
    "target (default: the package's only binary):\n"
    "  --bin NAME            a binary\n"
    "  --example NAME        an example\n"
    "  --test NAME           an integration test (the test harness with its tests)\n"
    "  --bench NAME          a benchmark (run with --bench, as cargo bench does)\n"
    "  --unit-test [NAME]    the unit tests of the library, or of target NAME\n"
    "build:\n"
    "  -p, --package SPEC    the package to build in a workspace\n"
    "  --manifest-path PATH  the Cargo.toml to use\n"
    "  --features FEATURES   features to enable (comma or space separated)\n"
    "  --no-default-features\n"
    "  --all-features\n"
    "  --release             the release profile (default)\n"
    "  --dev                 the dev profile\n"
    "  --profile NAME        a custom profile\n"
    "  --target TRIPLE       build for TRIPLE\n"
    "  -h, --help            this text\n"
    "\n"
    "The profile gets debug info without editing Cargo.toml\n"
    "(CARGO_PROFILE_<NAME>_DEBUG=true unless set).\n";

typedef enum { KIND_DEFAULT, KIND_BIN, KIND_EXAMPLE, KIND_TEST, KIND_BENCH, KIND_UNIT } Kind;

typedef struct {
  Kind kind;
  char *name;        /* the target's name; NULL for the default or --unit-test without one */
  char *profile;     /* "release", "dev" or --profile's */
  GPtrArray *cargo;  /* cargo build's arguments after the fixed ones */
  GPtrArray *record; /* record's options, in order */
  GPtrArray *args;   /* the program's, after "--" */
} Cargo;

/* The value of option OPT at ARGV[*I] ("--opt=V" or "--opt V"); NULL (printed)
 * when missing. */
static const char *
value_of(char **argv, int argc, int *i, const char *opt)
{
  const char *a = argv[*i];
  gsize n = strlen(opt);
  if (strncmp(a, opt, n) == 0 && a[n] == '=')
    return a + n + 1;
  if (*i + 1 >= argc) {
    fk_cmd_usage("%s: needs a value", opt);
    return NULL;
  }
  return argv[++*i];
}

static gboolean
is_opt(const char *a, const char *opt)
{
  gsize n = strlen(opt);
  return strncmp(a, opt, n) == 0 && (a[n] == '\0' || a[n] == '=');
}

/* Sorts ARGV into C; FK_EXIT_OK or the code (usage printed; -h: 0 with
 * *HELP). */
static int
parse(int argc, char **argv, Cargo *c, gboolean *help)
{
  static const char *const target_opts[] = {"--bin", "--example", "--test", "--bench", NULL};
  static const Kind target_kinds[] = {KIND_BIN, KIND_EXAMPLE, KIND_TEST, KIND_BENCH};
  static const char *const valued[] = {"--package", "--manifest-path", "--features", "--target",
                                       NULL};
  int i = 1;
  if (i < argc && strcmp(argv[i], "flamekit") == 0)
    i++; /* cargo runs `cargo-flamekit flamekit ARGS` */
  for (; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "--") == 0) {
      for (i++; i < argc; i++)
        g_ptr_array_add(c->args, g_strdup(argv[i]));
      break;
    }
    if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
      *help = TRUE;
      return FK_EXIT_OK;
    }
    gboolean matched = FALSE;
    for (guint t = 0; target_opts[t]; t++)
      if (is_opt(a, target_opts[t])) {
        const char *v = value_of(argv, argc, &i, target_opts[t]);
        if (v == NULL)
          return FK_EXIT_USAGE;
        if (c->kind != KIND_DEFAULT)
          return fk_cmd_usage("%s: one target at a time", target_opts[t]);
        c->kind = target_kinds[t];
        c->name = g_strdup(v);
        matched = TRUE;
      }
    if (matched)
      continue;
    if (is_opt(a, "--unit-test")) {
      if (c->kind != KIND_DEFAULT)
        return fk_cmd_usage("--unit-test: one target at a time");
      c->kind = KIND_UNIT;
      if (a[strlen("--unit-test")] == '=')
        c->name = g_strdup(a + strlen("--unit-test") + 1);
      else if (i + 1 < argc && argv[i + 1][0] != '-')
        c->name = g_strdup(argv[++i]);
      continue;
    }
    if (strcmp(a, "-p") == 0) {
      if (i + 1 >= argc)
        return fk_cmd_usage("-p: needs a value");
      g_ptr_array_add(c->cargo, g_strdup("--package"));
      g_ptr_array_add(c->cargo, g_strdup(argv[++i]));
      continue;
    }
    for (guint v = 0; valued[v] && !matched; v++)
      if (is_opt(a, valued[v])) {
        const char *val = value_of(argv, argc, &i, valued[v]);
        if (val == NULL)
          return FK_EXIT_USAGE;
        g_ptr_array_add(c->cargo, g_strdup(valued[v]));
        g_ptr_array_add(c->cargo, g_strdup(val));
        matched = TRUE;
      }
    if (matched)
      continue;
    if (strcmp(a, "--no-default-features") == 0 || strcmp(a, "--all-features") == 0) {
      g_ptr_array_add(c->cargo, g_strdup(a));
    } else if (strcmp(a, "--release") == 0) {
      g_free(c->profile);
      c->profile = g_strdup("release");
    } else if (strcmp(a, "--dev") == 0) {
      g_free(c->profile);
      c->profile = g_strdup("dev");
    } else if (is_opt(a, "--profile")) {
      const char *v = value_of(argv, argc, &i, "--profile");
      if (v == NULL)
        return FK_EXIT_USAGE;
      if (!g_regex_match_simple("^[A-Za-z0-9_-]+$", v, 0, 0))
        return fk_cmd_usage("--profile: '%s' is not a profile name", v);
      g_free(c->profile);
      c->profile = g_strdup(v);
    } else {
      g_ptr_array_add(c->record, g_strdup(a)); /* record's, with its value if any */
    }
  }
  return FK_EXIT_OK;
}

static gboolean
has_kind(JsonObject *target, const char *kind)
{
  JsonArray *kinds = json_object_get_array_member(target, "kind");
  for (guint i = 0; kinds && i < json_array_get_length(kinds); i++)
    if (g_strcmp0(json_array_get_string_element(kinds, i), kind) == 0)
      return TRUE;
  return FALSE;
}

/* Whether the artifact MSG (a compiler-artifact message) is the one C asks for. */
static gboolean
artifact_wanted(const Cargo *c, JsonObject *target, gboolean test)
{
  const char *name = json_object_get_string_member_with_default(target, "name", "");
  switch (c->kind) {
  case KIND_DEFAULT:
    return !test && has_kind(target, "bin");
  case KIND_BIN:
    return !test && has_kind(target, "bin") && strcmp(name, c->name) == 0;
  case KIND_EXAMPLE:
    return has_kind(target, "example") && strcmp(name, c->name) == 0;
  case KIND_TEST:
    return has_kind(target, "test") && strcmp(name, c->name) == 0;
  case KIND_BENCH:
    return has_kind(target, "bench") && strcmp(name, c->name) == 0;
  case KIND_UNIT:
    if (!test || has_kind(target, "test") || has_kind(target, "bench"))
      return FALSE;
    return c->name ? strcmp(name, c->name) == 0
                   : has_kind(target, "lib") || has_kind(target, "rlib");
  }
  return FALSE;
}

/* Reads cargo's JSON messages from FD: the executables C asks for, and
 * every executable built (to list when none matched). Lines that are not
 * JSON (none should be) are skipped. */
static void
read_artifacts(int fd, const Cargo *c, GPtrArray *wanted, GPtrArray *all)
{
  g_autoptr(GIOChannel) ch = g_io_channel_unix_new(fd);
  g_io_channel_set_close_on_unref(ch, TRUE);
  g_io_channel_set_encoding(ch, NULL, NULL);
  g_autoptr(JsonParser) parser = json_parser_new();
  char *line = NULL;
  gsize len = 0;
  gboolean lib_seen = FALSE;
  while (g_io_channel_read_line(ch, &line, &len, NULL, NULL) == G_IO_STATUS_NORMAL) {
    g_autofree char *l = line;
    if (!json_parser_load_from_data(parser, l, (gssize)len, NULL))
      continue;
    JsonNode *root = json_parser_get_root(parser);
    if (root == NULL || !JSON_NODE_HOLDS_OBJECT(root))
      continue;
    JsonObject *msg = json_node_get_object(root);
    if (g_strcmp0(json_object_get_string_member_with_default(msg, "reason", ""),
                  "compiler-artifact") != 0)
      continue;
    JsonNode *exe = json_object_get_member(msg, "executable");
    JsonObject *target = json_object_get_object_member(msg, "target");
    JsonObject *profile = json_object_get_object_member(msg, "profile");
    if (exe == NULL || JSON_NODE_TYPE(exe) != JSON_NODE_VALUE || target == NULL)
      continue;
    gboolean test = profile && json_object_get_boolean_member_with_default(profile, "test", FALSE);
    const char *path = json_node_get_string(exe);
    if (path == NULL)
      continue;
    const char *name = json_object_get_string_member_with_default(target, "name", "?");
    g_ptr_array_add(all, g_strdup_printf("%s%s", name, test ? " (tests)" : ""));
    if (!artifact_wanted(c, target, test))
      continue;
    /* --unit-test NAME where a library and a binary share NAME (a package's
     * default): the library's tests, as cargo test --lib. */
    if (c->kind == KIND_UNIT && has_kind(target, "lib")) {
      g_ptr_array_set_size(wanted, 0);
      g_ptr_array_add(wanted, g_strdup(path));
      lib_seen = TRUE;
    } else if (!lib_seen) {
      g_ptr_array_add(wanted, g_strdup(path));
    }
  }
}

static const char *
kind_option(Kind k)
{
  static const char *const names[] = {"", "--bin", "--example", "--test", "--bench", "--unit-test"};
  return names[k];
}

/* The flamekit binary beside this one, else flamekit in PATH. */
static char *
find_flamekit(void)
{
  g_autofree char *self = g_file_read_link("/proc/self/exe", NULL);
  if (self != NULL) {
    g_autofree char *dir = g_path_get_dirname(self);
    char *fk = g_build_filename(dir, "flamekit", NULL);
    if (access(fk, X_OK) == 0)
      return fk;
    g_free(fk);
  }
  return g_find_program_in_path("flamekit");
}

static void
cargo_clear(Cargo *c)
{
  g_free(c->name);
  g_free(c->profile);
  g_ptr_array_unref(c->cargo);
  g_ptr_array_unref(c->record);
  g_ptr_array_unref(c->args);
}

int
main(int argc, char **argv)
{
  fk_cmd_name = "cargo flamekit";
  Cargo c = {.kind = KIND_DEFAULT,
             .profile = g_strdup("release"),
             .cargo = g_ptr_array_new_with_free_func(g_free),
             .record = g_ptr_array_new_with_free_func(g_free),
             .args = g_ptr_array_new_with_free_func(g_free)};
  gboolean help = FALSE;
  int rc = parse(argc, argv, &c, &help);
  if (rc != FK_EXIT_OK || help) {
    if (help)
      fputs(usage_text, stdout);
    cargo_clear(&c);
    return rc;
  }
  g_autofree char *flamekit = find_flamekit();
  g_autofree char *cargo = g_find_program_in_path("cargo");
  if (flamekit == NULL || cargo == NULL) {
    fk_cmd_error("%s not found; %s", flamekit == NULL ? "flamekit" : "cargo",
                 flamekit == NULL ? "install flamekit beside cargo-flamekit"
                                  : "install Rust's cargo (apt-get install cargo, or rustup)");
    cargo_clear(&c);
    return FK_EXIT_FAILURE;
  }

  g_autoptr(GPtrArray) b = g_ptr_array_new_with_free_func(g_free);
  g_ptr_array_add(b, g_strdup(cargo));
  g_ptr_array_add(b, g_strdup("build"));
  g_ptr_array_add(b, g_strdup("--message-format=json-render-diagnostics"));
  g_ptr_array_add(b, g_strdup_printf("--profile=%s", c.profile));
  if (c.kind == KIND_UNIT)
    g_ptr_array_add(b, g_strdup("--tests"));
  else if (c.kind != KIND_DEFAULT)
    g_ptr_array_add(b, g_strdup_printf("%s=%s", kind_option(c.kind), c.name));
  for (guint i = 0; i < c.cargo->len; i++)
    g_ptr_array_add(b, g_strdup(c.cargo->pdata[i]));
  g_ptr_array_add(b, NULL);
  /* Debug info whatever the profile says: symbols, inline frames and lines. */
  g_autofree char *up = g_ascii_strup(c.profile, -1);
  g_strdelimit(up, "-", '_');
  g_autofree char *var = g_strdup_printf("CARGO_PROFILE_%s_DEBUG", up);
  g_auto(GStrv) env = g_get_environ();
  if (g_environ_getenv(env, var) == NULL)
    env = g_environ_setenv(env, var, "true", FALSE);
  gboolean verbose = FALSE;
  for (guint i = 0; i < c.record->len; i++)
    if (strcmp(c.record->pdata[i], "-v") == 0 || strcmp(c.record->pdata[i], "--verbose") == 0)
      verbose = TRUE;
  if (verbose) {
    g_autofree char *line = g_strjoinv(" ", (char **)b->pdata);
    fk_cmd_error("running %s=true %s", var, line);
  }
  GPid pid;
  int out = -1;
  g_autoptr(GError) error = NULL;
  if (!g_spawn_async_with_pipes(NULL, (char **)b->pdata, env,
                                G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_CHILD_INHERITS_STDIN, NULL,
                                NULL, &pid, NULL, &out, NULL, &error)) {
    fk_cmd_error("%s: %s", cargo, error->message);
    cargo_clear(&c);
    return FK_EXIT_FAILURE;
  }
  g_autoptr(GPtrArray) wanted = g_ptr_array_new_with_free_func(g_free);
  g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func(g_free);
  read_artifacts(out, &c, wanted, all);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
    ;
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    fk_cmd_error("cargo build failed (%s %d); its messages are above",
                 WIFEXITED(status) ? "exit status" : "signal",
                 WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
    cargo_clear(&c);
    return FK_EXIT_FAILURE;
  }
  if (wanted->len != 1) {
    g_ptr_array_add(all, NULL);
    g_autofree char *built = g_strjoinv(", ", (char **)all->pdata);
    const char *what = c.kind == KIND_DEFAULT ? "binary" : "target";
    if (wanted->len == 0)
      fk_cmd_error("cargo built no %s %s%s%s (built: %s)", what, kind_option(c.kind),
                   c.name ? " " : "", c.name ? c.name : "", built[0] ? built : "nothing");
    else
      fk_cmd_error("several %ss fit; pick one with --bin NAME, --example NAME, ... (built: %s)",
                   what, built);
    cargo_clear(&c);
    return FK_EXIT_FAILURE;
  }

  g_autoptr(GPtrArray) r = g_ptr_array_new();
  g_ptr_array_add(r, flamekit);
  g_ptr_array_add(r, (char *)"record");
  for (guint i = 0; i < c.record->len; i++)
    g_ptr_array_add(r, c.record->pdata[i]);
  g_ptr_array_add(r, (char *)"--");
  g_ptr_array_add(r, wanted->pdata[0]);
  if (c.kind == KIND_BENCH)
    g_ptr_array_add(r, (char *)"--bench"); /* as cargo bench runs a benchmark */
  for (guint i = 0; i < c.args->len; i++)
    g_ptr_array_add(r, c.args->pdata[i]);
  g_ptr_array_add(r, NULL);
  fflush(NULL);
  execv(flamekit, (char **)r->pdata);
  fk_cmd_error("%s: %s", flamekit, g_strerror(errno));
  cargo_clear(&c);
  return FK_EXIT_FAILURE;
}
