/* completions.c -- `flamekit completions bash|zsh|fish`: a completion
 * script made from the command table and each command's option table (each
 * command is run with fk_cmd_options_probe set, so its GOption help is the
 * list: the script cannot fall out of step with the options). */
#include "cmd.h"

#include <stdio.h>
#include <string.h>

typedef struct {
  char *shortname; /* "o" or NULL */
  char *longname;  /* "output" */
  char *arg;       /* "FILE", or NULL for a flag */
  char *summary;
} Opt;

static void
opt_clear(gpointer p)
{
  Opt *o = p;
  g_free(o->shortname);
  g_free(o->longname);
  g_free(o->arg);
  g_free(o->summary);
}

/* The options COMMAND takes, from its --help. */
static GArray *
command_options(const FkCommand *c)
{
  GArray *opts = g_array_new(FALSE, TRUE, sizeof(Opt));
  g_array_set_clear_func(opts, opt_clear);
  fk_cmd_options_probe = g_string_new(NULL);
  const char *saved = fk_cmd_name;
  fk_cmd_name = c->name;
  char *argv[] = {(char *)c->name, NULL};
  c->run(1, argv);
  fk_cmd_name = saved;
  g_autofree char *help = g_string_free(g_steal_pointer(&fk_cmd_options_probe), FALSE);
  g_autoptr(GRegex) re = g_regex_new("^  (?:-(\\w), )?--([a-z0-9][a-z0-9-]*)(?:=(\\S+))?\\s*(.*)$",
                                     G_REGEX_MULTILINE, 0, NULL);
  g_autoptr(GMatchInfo) m = NULL;
  g_regex_match(re, help, 0, &m);
  while (g_match_info_matches(m)) {
    Opt o = {0};
    o.shortname = g_match_info_fetch(m, 1);
    o.longname = g_match_info_fetch(m, 2);
    o.arg = g_match_info_fetch(m, 3);
    o.summary = g_match_info_fetch(m, 4);
    if (o.shortname && !o.shortname[0])
      g_clear_pointer(&o.shortname, g_free);
    if (o.arg && !o.arg[0])
      g_clear_pointer(&o.arg, g_free);
    if (strcmp(o.longname, "help-all") == 0 || strcmp(o.longname, "help") == 0)
      opt_clear(&o);
    else
      g_array_append_val(opts, o);
    g_match_info_next(m, NULL);
  }
  return opts;
}

/* TEXT inside a single-quoted shell word, ESCAPE's characters backslashed
 * (zsh's _arguments specials). */
static char *
quoted(const char *text, const char *escape)
{
  GString *s = g_string_new(NULL);
  for (const char *p = text; *p; p++) {
    if (*p == '\'')
      g_string_append(s, "'\\''");
    else {
      if (escape && strchr(escape, *p))
        g_string_append_c(s, '\\');
      g_string_append_c(s, *p);
    }
  }
  return g_string_free(s, FALSE);
}

/* A file name is what most options and all arguments take. */
static gboolean
takes_file(const Opt *o)
{
  return o->arg && (strstr(o->arg, "FILE") || strstr(o->arg, "DIR") || strstr(o->arg, "PATH"));
}

static void
bash(FILE *out, GArray **opts)
{
  fprintf(out, "# bash completion for flamekit (flamekit completions bash)\n"
               "_flamekit() {\n"
               "  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}\n"
               "  if [ \"$COMP_CWORD\" = 1 ]; then\n"
               "    COMPREPLY=($(compgen -W \"help");
  for (gsize i = 0; i < fk_cmd_table_len; i++)
    fprintf(out, " %s", fk_cmd_table[i].name);
  fprintf(out, "\" -- \"$cur\"))\n    return\n  fi\n"
               "  local i\n"
               "  for ((i = 2; i < COMP_CWORD; i++)); do\n"
               "    if [ \"${COMP_WORDS[i]}\" = -- ]; then # record's command\n"
               "      COMPREPLY=($(compgen -c -f -- \"$cur\")); return\n"
               "    fi\n"
               "  done\n"
               "  local opts='' valued=''\n"
               "  case ${COMP_WORDS[1]} in\n");
  for (gsize i = 0; i < fk_cmd_table_len; i++) {
    fprintf(out, "  %s)\n    opts='", fk_cmd_table[i].name);
    for (guint k = 0; k < opts[i]->len; k++) {
      Opt *o = &g_array_index(opts[i], Opt, k);
      fprintf(out, "%s--%s%s%s", k ? " " : "", o->longname, o->shortname ? " -" : "",
              o->shortname ? o->shortname : "");
    }
    fprintf(out, "'\n    valued='");
    for (guint k = 0; k < opts[i]->len; k++) {
      Opt *o = &g_array_index(opts[i], Opt, k);
      if (o->arg)
        fprintf(out, " --%s%s%s", o->longname, o->shortname ? " -" : "",
                o->shortname ? o->shortname : "");
    }
    fprintf(out, " ' ;;\n");
  }
  fprintf(out, "  esac\n"
               "  case \"$valued \" in *\" $prev \"*) COMPREPLY=($(compgen -f -- \"$cur\")); "
               "return ;; esac\n"
               "  if [[ $cur == -* ]]; then\n"
               "    COMPREPLY=($(compgen -W \"$opts\" -- \"$cur\"))\n"
               "  else\n"
               "    COMPREPLY=($(compgen -f -- \"$cur\"))\n"
               "  fi\n"
               "}\n"
               "complete -o filenames -F _flamekit flamekit\n");
}

static void
zsh(FILE *out, GArray **opts)
{
  fprintf(out, "#compdef flamekit\n# zsh completion for flamekit (flamekit completions zsh)\n"
               "_flamekit() {\n  local -a commands\n  commands=(\n");
  for (gsize i = 0; i < fk_cmd_table_len; i++) {
    g_autofree char *s = quoted(fk_cmd_table[i].summary, ":");
    fprintf(out, "    '%s:%s'\n", fk_cmd_table[i].name, s);
  }
  fprintf(out, "    'help:show the help of a command'\n  )\n"
               "  if (( CURRENT == 2 )); then\n    _describe command commands\n    return\n  fi\n"
               "  case $words[2] in\n");
  for (gsize i = 0; i < fk_cmd_table_len; i++) {
    fprintf(out, "  %s)\n    _arguments -s \\\n", fk_cmd_table[i].name);
    for (guint k = 0; k < opts[i]->len; k++) {
      Opt *o = &g_array_index(opts[i], Opt, k);
      g_autofree char *s = quoted(o->summary, "[]:\\");
      g_autofree char *a = o->arg ? quoted(o->arg, "[]:\\") : NULL;
      const char *action = o->arg ? (takes_file(o) ? ":_files" : ": ") : "";
      if (o->shortname)
        fprintf(out, "      '*'{-%s,--%s%s}'[%s]%s%s%s' \\\n", o->shortname, o->longname,
                o->arg ? "=" : "", s, o->arg ? ":" : "", a ? a : "", action);
      else
        fprintf(out, "      '*--%s%s[%s]%s%s%s' \\\n", o->longname, o->arg ? "=" : "", s,
                o->arg ? ":" : "", a ? a : "", action);
    }
    fprintf(out, "      '*::argument:_files' ;;\n");
  }
  fprintf(out, "  esac\n}\n_flamekit \"$@\"\n");
}

static void
fish(FILE *out, GArray **opts)
{
  fprintf(out, "# fish completion for flamekit (flamekit completions fish)\n"
               "complete -c flamekit -n __fish_use_subcommand -f -a help -d 'show the help of a "
               "command'\n");
  for (gsize i = 0; i < fk_cmd_table_len; i++) {
    g_autofree char *s = quoted(fk_cmd_table[i].summary, NULL);
    fprintf(out, "complete -c flamekit -n __fish_use_subcommand -f -a %s -d '%s'\n",
            fk_cmd_table[i].name, s);
  }
  for (gsize i = 0; i < fk_cmd_table_len; i++)
    for (guint k = 0; k < opts[i]->len; k++) {
      Opt *o = &g_array_index(opts[i], Opt, k);
      g_autofree char *s = quoted(o->summary, NULL);
      fprintf(out, "complete -c flamekit -n '__fish_seen_subcommand_from %s'",
              fk_cmd_table[i].name);
      if (o->shortname)
        fprintf(out, " -s %s", o->shortname);
      fprintf(out, " -l %s%s -d '%s'\n", o->longname,
              o->arg ? (takes_file(o) ? " -r -F" : " -x") : "", s);
    }
}

int
cmd_completions(int argc, char **argv)
{
  const GOptionEntry entries[] = {{NULL, 0, 0, 0, NULL, NULL, NULL}};
  g_autoptr(GOptionContext) context = g_option_context_new("bash|zsh|fish");
  g_option_context_set_summary(context,
                               "Print a completion script for SHELL, made from the commands and "
                               "their options:\n"
                               "  flamekit completions bash >~/.local/share/bash-completion/"
                               "completions/flamekit");
  g_option_context_add_main_entries(context, entries, NULL);
  if (fk_cmd_options_probe != NULL) /* listing our own options: none */
    return fk_cmd_parse(context, &argc, &argv);
  int rc = fk_cmd_parse(context, &argc, &argv);
  if (rc != FK_EXIT_OK)
    return rc;
  if (argc != 2)
    return fk_cmd_usage("expected one shell: bash, zsh or fish");
  void (*write)(FILE *, GArray **) = NULL;
  if (strcmp(argv[1], "bash") == 0)
    write = bash;
  else if (strcmp(argv[1], "zsh") == 0)
    write = zsh;
  else if (strcmp(argv[1], "fish") == 0)
    write = fish;
  else
    return fk_cmd_usage("unknown shell '%s'; one of bash, zsh, fish", argv[1]);
  if (fk_cmd_table == NULL)
    return fk_cmd_usage("no command table");
  GArray **opts = g_new0(GArray *, fk_cmd_table_len);
  for (gsize i = 0; i < fk_cmd_table_len; i++)
    opts[i] = command_options(&fk_cmd_table[i]);
  write(stdout, opts);
  for (gsize i = 0; i < fk_cmd_table_len; i++)
    g_array_unref(opts[i]);
  g_free(opts);
  return FK_EXIT_OK;
}
