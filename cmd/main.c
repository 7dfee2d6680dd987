/* main.c -- the flamekit binary: the command table and dispatch. */
#include "cmd.h"

#include <errno.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#ifndef FK_VERSION
#define FK_VERSION "0.0.0"
#endif

static const FkCommand commands[] = {
    {"fold", cmd_fold, "read any inputs and write their merged folded stacks"},
    {"diff", cmd_diff, "compare two profiles: differential folded stacks, graph, tables, verdict"},
    {"info", cmd_info, "list what is inside inputs: members, formats, hosts, samples"},
    {"graph", cmd_graph, "draw any inputs as an interactive SVG flame graph or flame chart"},
    {"report", cmd_report,
     "write one self-contained HTML report (or Markdown, or a folder) for a ticket"},
    {"record", cmd_record, "run a command under perf and draw its flame graph, as flamegraph does"},
    {"completions", cmd_completions, "print a bash, zsh or fish completion script"},
};

static void
print_help(FILE *out)
{
  fprintf(out, "usage: flamekit COMMAND [OPTION...] [ARG...]\n\ncommands:\n");
  for (gsize i = 0; i < G_N_ELEMENTS(commands); i++)
    fprintf(out, "  %-11s %s\n", commands[i].name, commands[i].summary);
  fprintf(out, "\nformats read:\n");
  for (const FkReader *const *r = fk_readers(); *r; r++)
    fprintf(out, "  %-12s %s\n", (*r)->name, (*r)->summary);
  fprintf(out, "\nformats written:\n");
  for (const FkWriter *const *w = fk_writers(); *w; w++)
    fprintf(out, "  %-12s %-18s %s\n", (*w)->name, (*w)->extension, (*w)->summary);
  fprintf(out, "\n'flamekit help COMMAND' or 'flamekit COMMAND --help' for a command's options.\n"
               "exit codes: 0 ok, 1 failure (bad input, I/O), 2 usage, 3 regression (diff)\n");
}

static const FkCommand *
find_command(const char *name)
{
  for (gsize i = 0; i < G_N_ELEMENTS(commands); i++)
    if (strcmp(commands[i].name, name) == 0)
      return &commands[i];
  return NULL;
}

/* Like perf and git: a command's output that could not be written is a
 * failure, not a silently truncated file. */
static int
finish_stdout(int code)
{
  if (fflush(stdout) != 0 || ferror(stdout)) {
    int e = errno ? errno : EIO;
    fk_cmd_error("standard output: %s", g_strerror(e));
    return FK_EXIT_FAILURE;
  }
  return code;
}

/* A signal that ends the run removes the temporary files of unfinished
 * outputs first, then ends the process as the signal would have (the exit
 * status still says which signal). */
static void
on_fatal_signal(int sig)
{
  fk_output_remove_pending();
  signal(sig, SIG_DFL);
  raise(sig);
}

static void
catch_fatal_signals(void)
{
  static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGQUIT};
  for (gsize i = 0; i < G_N_ELEMENTS(sigs); i++) {
    struct sigaction old;
    /* A signal ignored by whoever started us (nohup, a shell's trap) stays
     * ignored. */
    if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
      continue;
    struct sigaction sa = {.sa_handler = on_fatal_signal};
    sigemptyset(&sa.sa_mask);
    sigaction(sigs[i], &sa, NULL);
  }
}

int
main(int argc, char **argv)
{
  catch_fatal_signals();
  setlocale(LC_ALL, "");
  setlocale(LC_NUMERIC, "C"); /* numbers in outputs never get a decimal comma */
  fk_cmd_name = NULL;
  fk_cmd_table = commands;
  fk_cmd_table_len = G_N_ELEMENTS(commands);
  if (argc < 2) {
    print_help(stderr);
    return FK_EXIT_USAGE;
  }
  const char *name = argv[1];
  if (strcmp(name, "--version") == 0 || strcmp(name, "version") == 0) {
    printf("flamekit %s\n", FK_VERSION);
    return finish_stdout(FK_EXIT_OK);
  }
  if (strcmp(name, "help") == 0 || strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0) {
    if (argc >= 3 && strcmp(name, "help") == 0) {
      const FkCommand *c = find_command(argv[2]);
      if (c == NULL) {
        fk_cmd_error("help: unknown command '%s'", argv[2]);
        return FK_EXIT_USAGE;
      }
      char *hargv[] = {(char *)c->name, (char *)"--help", NULL};
      fk_cmd_name = c->name;
      return finish_stdout(c->run(2, hargv));
    }
    print_help(stdout);
    return finish_stdout(FK_EXIT_OK);
  }
  const FkCommand *c = find_command(name);
  if (c == NULL) {
    fk_cmd_error("unknown command '%s'; try 'flamekit help'", name);
    return FK_EXIT_USAGE;
  }
  fk_cmd_name = c->name;
  return finish_stdout(c->run(argc - 1, argv + 1));
}
