/* outputs.c -- one read, several outputs: `-o a.svg -o a.json -o a.csv`. */
#include "cmd.h"

#include <string.h>

int
fk_cmd_check_output_format(const char *format)
{
  if (format != NULL && fk_writer_lookup(format) == NULL)
    return fk_cmd_usage("--output-format: unknown format '%s'; 'flamekit help' lists them", format);
  return FK_EXIT_OK;
}

int
fk_cmd_check_outputs(char **outputs, const char *format)
{
  int rc = fk_cmd_check_output_format(format);
  for (char **p = outputs; rc == FK_EXIT_OK && format == NULL && p && *p; p++) {
    if (strcmp(*p, "-") == 0 || fk_writer_for_path(*p) != NULL)
      continue;
    /* An extension (a dot in the last component, not leading it) that no
     * writer owns: writing another format's bytes under it would mislead. */
    const char *base = strrchr(*p, '/') ? strrchr(*p, '/') + 1 : *p;
    const char *dot = strrchr(base, '.');
    if (dot == NULL || dot == base || dot[1] == '\0')
      continue;
    g_autoptr(GString) known = g_string_new(NULL);
    for (const FkWriter *const *w = fk_writers(); *w; w++)
      g_string_append_printf(known, "%s%s", known->len ? ", " : "", (*w)->extension);
    rc = fk_cmd_usage("-o %s: no writer writes '%s' files (known: %s); --output-format NAME "
                      "writes NAME whatever the extension",
                      *p, dot, known->str);
  }
  return rc;
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
fk_input_facts_clear(FkInputFacts *facts)
{
  g_free(facts->path);
  g_free(facts->name);
  g_free(facts->host);
  g_free(facts->event);
  memset(facts, 0, sizeof *facts);
}

GArray *
fk_input_facts_new(void)
{
  GArray *a = g_array_new(FALSE, TRUE, sizeof(FkInputFacts));
  g_array_set_clear_func(a, (GDestroyNotify)fk_input_facts_clear);
  return a;
}

void
fk_input_facts_add(FkInputFacts *facts, const FkWeight *w)
{
  gint64 v = w->v[w->columns - 1];
  if (w->decimals > facts->decimals) {
    gint64 f = fk_pow10(w->decimals - facts->decimals);
    facts->total = facts->total > G_MAXINT64 / f ? G_MAXINT64 : facts->total * f;
    facts->decimals = w->decimals;
  } else if (w->decimals < facts->decimals) {
    gint64 f = fk_pow10(facts->decimals - w->decimals);
    v = v > G_MAXINT64 / f ? G_MAXINT64 : v * f;
  }
  facts->total = facts->total > G_MAXINT64 - v ? G_MAXINT64 : facts->total + v;
}

/* "cpu-clock" of "cpu-clock:ppp" or "cpu-clock", compared without the
 * modifiers perf.data adds and `perf script` leaves out. */
static gboolean
event_is(const char *event, const char *name)
{
  gsize n = strlen(name);
  return strncmp(event, name, n) == 0 && (event[n] == '\0' || event[n] == ':');
}

const char *
fk_cmd_weight_unit(const FkInputFacts *facts, gsize n)
{
  gboolean period = FALSE, counts = FALSE, clock = TRUE, cycles = TRUE;
  for (gsize i = 0; i < n; i++) {
    const FkInputFacts *f = &facts[i];
    if (f->samples == 0)
      continue;
    period |= f->period;
    counts |= f->counts;
    if (f->period) {
      gboolean one = f->event != NULL && !f->events_differ;
      clock &= one && (event_is(f->event, "cpu-clock") || event_is(f->event, "task-clock"));
      cycles &= one && (event_is(f->event, "cycles") || event_is(f->event, "cpu-cycles"));
    }
  }
  if (!period)
    return "samples";
  if (counts)
    return "weight";
  return clock ? "nanoseconds" : cycles ? "cycles" : "events";
}

gboolean
fk_input_facts_of(const FkInputFacts *facts, const char *path)
{
  if (facts->path == NULL)
    return FALSE;
  if (strcmp(facts->path, path) == 0)
    return TRUE;
  gsize n = strlen(path);
  while (n > 1 && path[n - 1] == '/')
    n--;
  return strncmp(facts->path, path, n) == 0 && facts->path[n] == '/';
}

/* One value for all of them, or "mixed" when they differ; NULL when none
 * is known. */
static const char *
agree(const char *acc, const char *v, gboolean *seen)
{
  if (!*seen) {
    *seen = TRUE;
    return v;
  }
  if (acc == NULL || v == NULL || strcmp(acc, v) != 0)
    return acc == NULL && v == NULL ? NULL : "mixed";
  return acc;
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
    FkInputSummary *in = &summary->inputs[i];
    in->path = paths[i];
    in->format = iopts->format;
    if (iopts->facts == NULL)
      continue;
    /* What was read from it: every member or file that came from this path. */
    gboolean sf = FALSE, sh = FALSE, se = FALSE;
    g_autoptr(GArray) mine = g_array_new(FALSE, FALSE, sizeof(FkInputFacts));
    FkInputFacts sum = {0};
    for (guint k = 0; k < iopts->facts->len; k++) {
      const FkInputFacts *f = &g_array_index(iopts->facts, FkInputFacts, k);
      if (!fk_input_facts_of(f, paths[i]) || f->reader == NULL)
        continue;
      g_array_append_val(mine, *f);
      in->format = agree(in->format, f->reader, &sf);
      if (f->samples == 0)
        continue;
      in->host = agree(in->host, f->hosts_differ ? "mixed" : f->host, &sh);
      in->event = agree(in->event, f->events_differ ? "mixed" : f->event, &se);
      FkWeight w = {{f->total, 0}, 1, (guint8)f->decimals};
      fk_input_facts_add(&sum, &w);
    }
    if (mine->len > 0) {
      in->weight_unit = fk_cmd_weight_unit((const FkInputFacts *)(void *)mine->data, mine->len);
      in->has_total = TRUE;
      in->total = sum.total;
      in->decimals = sum.decimals;
    }
  }
  summary->skipped = diag ? fk_diag_skipped(diag) : 0;
  g_autoptr(GHashTable) hosts = g_hash_table_new(g_str_hash, g_str_equal);
  for (guint k = 0; iopts->facts != NULL && k < iopts->facts->len; k++) {
    const FkInputFacts *f = &g_array_index(iopts->facts, FkInputFacts, k);
    if (f->host != NULL)
      g_hash_table_add(hosts, f->host);
    if (f->hosts_differ) /* and another one, maybe unnamed */
      g_hash_table_add(hosts, (gpointer) "");
  }
  summary->hosts = g_hash_table_size(hosts);
  if (iopts->facts != NULL && iopts->facts->len > 0)
    summary->weight_unit =
        fk_cmd_weight_unit((const FkInputFacts *)(void *)iopts->facts->data, iopts->facts->len);
}
