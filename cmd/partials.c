/* partials.c -- partial results: what `fold --partial` writes in its
 * header, and how a run that reads partials names the original inputs.
 *
 * The header's format is formats/partial.c's; this file turns the run's
 * facts (FkInputFacts) into it and back. A merge then gives the same
 * outputs as one run over every input the partials were made from: the
 * summaries (JSON's inputs, units, host counts) come from the carried
 * facts, and the skips from the replayed messages (in the diag). */
#include "cmd.h"

#include "../formats/partial.h"

#include <string.h>

char **
fk_cmd_partials_expand(char **paths, FkInputOptions *iopts, FkDiag *diag, guint first_fact,
                       guint first_origin)
{
  static char *stdin_only[] = {(char *)"-", NULL};
  GPtrArray *origins = fk_diag_origins(diag);
  if (origins->len <= first_origin || iopts->facts == NULL)
    return NULL;
  if (paths == NULL || paths[0] == NULL)
    paths = stdin_only;
  gsize n_paths = g_strv_length(paths);
  g_autofree GPtrArray **carried = g_new0(GPtrArray *, n_paths + 1);
  g_autofree gboolean *own = g_new0(gboolean, n_paths + 1);
  GArray *facts = fk_input_facts_new();
  guint o = first_origin;
  /* Origins come in input order, as the facts do, and each names the input
   * it was read from: a fact matches the origins of its input that are next. */
  for (guint k = 0; k < iopts->facts->len; k++) {
    FkInputFacts *f = &g_array_index(iopts->facts, FkInputFacts, k);
    if (k < first_fact) { /* another command line's (diff's other side) */
      g_array_append_val(facts, *f);
      memset(f, 0, sizeof *f);
      continue;
    }
    gsize p = 0;
    while (p < n_paths && !fk_input_facts_of(f, paths[p]))
      p++;
    gboolean partial = FALSE;
    while (o < origins->len && f->name != NULL &&
           strcmp(((FkPartialOrigin *)g_ptr_array_index(origins, o))->name, f->name) == 0) {
      const FkPartialOrigin *origin = g_ptr_array_index(origins, o++);
      partial = TRUE;
      if (carried[p] == NULL)
        carried[p] = g_ptr_array_new();
      for (guint a = 0; a < origin->args->len; a++)
        g_ptr_array_add(carried[p], g_ptr_array_index(origin->args, a));
      for (guint i = 0; i < origin->inputs->len; i++) {
        const FkPartialInput *in = &g_array_index(origin->inputs, FkPartialInput, i);
        FkInputFacts c = {0};
        c.path = g_strdup(in->path);
        c.name = g_strdup(in->name);
        c.reader = in->reader ? g_intern_string(in->reader) : NULL;
        c.host = g_strdup(in->host);
        c.event = g_strdup(in->event);
        c.hosts_differ = in->hosts_differ;
        c.events_differ = in->events_differ;
        c.period = in->period;
        c.counts = in->counts;
        c.samples = in->samples;
        c.total = in->total;
        c.decimals = in->decimals;
        g_array_append_val(facts, c);
      }
    }
    if (!partial) {
      g_array_append_val(facts, *f);
      memset(f, 0, sizeof *f); /* moved */
      own[p] = TRUE;
    }
  }
  g_array_unref(iopts->facts);
  iopts->facts = facts;
  GPtrArray *out = g_ptr_array_new();
  for (gsize p = 0; p < n_paths; p++) {
    for (guint a = 0; carried[p] != NULL && a < carried[p]->len; a++)
      g_ptr_array_add(out, g_strdup(g_ptr_array_index(carried[p], a)));
    if (own[p] || carried[p] == NULL)
      g_ptr_array_add(out, g_strdup(paths[p]));
    if (carried[p] != NULL)
      g_ptr_array_unref(carried[p]);
  }
  g_ptr_array_add(out, NULL);
  return (char **)g_ptr_array_free(out, FALSE);
}

char *
fk_cmd_partial_header(char **paths, const FkInputOptions *iopts, FkDiag *diag)
{
  static char *stdin_only[] = {(char *)"-", NULL};
  if (paths == NULL || paths[0] == NULL)
    paths = stdin_only;
  const FkInputFacts *facts =
      iopts->facts ? (const FkInputFacts *)(void *)iopts->facts->data : NULL;
  gsize n = iopts->facts ? iopts->facts->len : 0;
  /* The one event of every weight, when there is one. */
  const char *event = NULL;
  gboolean one_event = TRUE;
  g_autofree FkPartialInput *inputs = g_new0(FkPartialInput, n + 1);
  for (gsize i = 0; i < n; i++) {
    const FkInputFacts *f = &facts[i];
    FkPartialInput *in = &inputs[i];
    in->name = f->name ? f->name : f->path;
    in->path = f->path;
    in->reader = (char *)f->reader;
    in->host = f->host;
    in->event = f->event;
    in->hosts_differ = f->hosts_differ;
    in->events_differ = f->events_differ;
    in->period = f->period;
    in->counts = f->counts;
    in->samples = f->samples;
    in->total = f->total;
    in->decimals = f->decimals;
    if (f->samples == 0)
      continue;
    if (f->event == NULL || f->events_differ || (event != NULL && strcmp(event, f->event) != 0))
      one_event = FALSE;
    else
      event = f->event;
  }
  FkPartialHeader h = {
      .unit = fk_cmd_weight_unit(facts, n),
      .event = one_event ? event : NULL,
      .args = paths,
      .inputs = inputs,
      .n_inputs = n,
      .diag = diag,
  };
  GString *out = g_string_new(NULL);
  fk_partial_header_append(out, &h);
  return g_string_free(out, FALSE);
}
