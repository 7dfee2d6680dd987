/* info.c -- `flamekit info`: what is inside the inputs, member by member.
 *
 * Reads every member through the reading pipeline (formats/pipeline.h),
 * like every other command, but instead of building a tree it tallies, in a
 * sink of its own, what the samples say: hosts, events, counts, weights and the time
 * range, plus what the reader's describe() hook knows and what was skipped. */
#include "cmd.h"
#include "../render/jsonout.h"

#include <stdio.h>
#include <string.h>

typedef struct {
  char *name, *path, *member;
  gint64 size;        /* bytes read */
  const char *format; /* reader name, or NULL when none claimed it */
  GPtrArray *hosts;   /* char*, sorted unique */
  GPtrArray *events;  /* char*, sorted unique */
  guint64 samples;
  gint64 weight; /* scaled by 10^decimals, the last column */
  guint decimals;
  gboolean weight_overflow;
  gboolean has_time;
  guint64 first, last;
  guint64 skipped;
  GPtrArray *messages; /* char*: skips and errors */
  GPtrArray *describe; /* char*: key, value, ... */
  gboolean failed;
  char *error; /* why it failed, for stderr */
} Member;

static void
member_free(Member *m)
{
  g_free(m->name);
  g_free(m->path);
  g_free(m->member);
  g_free(m->error);
  g_ptr_array_unref(m->hosts);
  g_ptr_array_unref(m->events);
  g_ptr_array_unref(m->messages);
  g_ptr_array_unref(m->describe);
  g_free(m);
}

static Member *
member_new(const char *name)
{
  Member *m = g_new0(Member, 1);
  m->name = g_strdup(name);
  m->size = -1;
  m->hosts = g_ptr_array_new_with_free_func(g_free);
  m->events = g_ptr_array_new_with_free_func(g_free);
  m->messages = g_ptr_array_new_with_free_func(g_free);
  m->describe = g_ptr_array_new_with_free_func(g_free);
  return m;
}

/* M failed for MSG: listed with M, and printed on stderr as by every command. */
static void
member_fail(Member *m, const char *msg)
{
  g_ptr_array_add(m->messages, g_strdup(msg));
  if (m->error == NULL)
    m->error = g_strdup(msg);
  m->failed = TRUE;
}

static void
add_unique(GPtrArray *set, const char *s)
{
  if (s == NULL)
    return;
  for (guint i = 0; i < set->len; i++)
    if (strcmp(g_ptr_array_index(set, i), s) == 0)
      return;
  g_ptr_array_add(set, g_strdup(s));
}

static int
cmp_str(gconstpointer a, gconstpointer b)
{
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void
add_weight(Member *m, const FkWeight *w)
{
  gint64 v = w->v[w->columns > 1 ? 1 : 0];
  guint d = w->decimals;
  while (m->decimals < d && !m->weight_overflow) {
    if (m->weight > G_MAXINT64 / 10)
      m->weight_overflow = TRUE;
    m->weight *= 10;
    m->decimals++;
  }
  for (; d < m->decimals; d++)
    v = v > G_MAXINT64 / 10 ? G_MAXINT64 : v * 10;
  if (v > 0 && m->weight > G_MAXINT64 - v)
    m->weight_overflow = TRUE;
  if (!m->weight_overflow)
    m->weight += v;
}

/* ---- the sink: one Member per input, tallied while the pipeline reads ---- */

typedef struct {
  GPtrArray *members; /* Member*, in input order */
  GPtrArray *errors;  /* char*: what failed outside any input (the container's) */
} Info;

typedef struct {
  Member *m;
  FkInterner *strings;
  FkDiag *diag;    /* the reader's reports: the first five are listed with M */
  gboolean opened; /* a reader read it: its reports are listed */
} Inspect;

static gpointer
inspect_open(gpointer data)
{
  (void)data;
  Inspect *x = g_new0(Inspect, 1);
  x->strings = fk_interner_new();
  x->diag = fk_diag_new(5);
  return x;
}

static FkInterner *
inspect_strings(gpointer sink)
{
  return ((Inspect *)sink)->strings;
}

/* The member for PI's input, made when the pipeline first names it. */
static Member *
inspect_member(Inspect *x, const FkPipelineInput *pi)
{
  if (x->m == NULL) {
    x->m = member_new(fk_input_name(pi->in));
    x->m->path = g_strdup(fk_input_path(pi->in));
    x->m->member = g_strdup(fk_input_member(pi->in));
  }
  return x->m;
}

static gboolean
inspect_begin(gpointer sink, const FkPipelineInput *pi)
{
  Member *m = inspect_member(sink, pi);
  if (pi->empty) {
    add_unique(m->hosts, pi->host);
    g_ptr_array_add(m->messages, g_strdup("no recognised input: it is empty"));
    m->skipped++;
    m->size = 0;
    return FALSE;
  }
  if (pi->reader == NULL) {
    add_unique(m->hosts, pi->host);
    g_ptr_array_add(m->messages, g_strdup("no reader recognizes this input; skipped"));
    m->skipped++;
    /* Drain it to learn its size. */
    guint8 buf[65536];
    while (fk_input_read(pi->in, buf, sizeof buf, NULL) > 0)
      ;
    m->size = (gint64)fk_input_offset(pi->in);
    return FALSE;
  }
  m->format = pi->reader->name;
  return TRUE;
}

static gboolean
inspect_sample(gpointer sink, const FkPipelineInput *pi, const FkSample *s, GError **error)
{
  (void)pi;
  (void)error;
  Member *m = ((Inspect *)sink)->m;
  m->samples++;
  add_weight(m, &s->weight);
  add_unique(m->hosts, s->host); /* labelled by the pipeline: --host-from, the dump's, ... */
  add_unique(m->events, s->event);
  if (s->has_time) {
    if (!m->has_time || s->time < m->first)
      m->first = s->time;
    if (!m->has_time || s->time > m->last)
      m->last = s->time;
    m->has_time = TRUE;
  }
  return TRUE;
}

static void
inspect_end(gpointer sink, const FkPipelineInput *pi)
{
  Inspect *x = sink;
  Member *m = inspect_member(x, pi);
  if (pi->error != NULL)
    member_fail(m, pi->error->message);
  if (pi->state == NULL) /* no reader could be chosen or opened */
    return;
  x->opened = TRUE;
  if (pi->reader->describe != NULL)
    pi->reader->describe(pi->state, m->describe);
  m->size = (gint64)fk_input_consumed(pi->in);
  if (m->samples == 0 && m->hosts->len == 0)
    add_unique(m->hosts, pi->host);
  g_ptr_array_sort(m->hosts, cmp_str);
  g_ptr_array_sort(m->events, cmp_str);
}

static gsize
inspect_bytes(gpointer sink)
{
  (void)sink;
  return 0;
}

static gboolean
inspect_merge(gpointer data, gpointer sink, FkDiag *diag, GError **error)
{
  (void)error;
  Info *info = data;
  Inspect *x = sink;
  Member *m = g_steal_pointer(&x->m);
  if (m == NULL) /* never named: nothing to list */
    return TRUE;
  /* What the reader reported is listed with its member, not among the
   * run's notes. */
  fk_diag_move(x->diag, diag);
  if (x->opened) {
    m->skipped += fk_diag_skipped(x->diag);
    GPtrArray *msgs = fk_diag_messages(x->diag);
    for (guint i = 0; i < msgs->len; i++)
      g_ptr_array_add(m->messages, g_strdup(g_ptr_array_index(msgs, i)));
    if (fk_diag_unshown(x->diag) > 0)
      g_ptr_array_add(m->messages, g_strdup_printf("... and %" G_GUINT64_FORMAT " more",
                                                   fk_diag_unshown(x->diag)));
  }
  g_ptr_array_add(info->members, m);
  return TRUE;
}

static void
inspect_free(gpointer sink)
{
  Inspect *x = sink;
  if (x->m != NULL)
    member_free(x->m);
  fk_interner_unref(x->strings);
  fk_diag_free(x->diag);
  g_free(x);
}

static const FkSink inspect_sink = {
    .open = inspect_open,
    .strings = inspect_strings,
    .begin = inspect_begin,
    .sample = inspect_sample,
    .end = inspect_end,
    .bytes = inspect_bytes,
    .merge = inspect_merge,
    .free = inspect_free,
};

/* Failures of the inputs are listed with their members (inspect_end); the
 * container's are the run's errors. */
static void
inspect_message(gpointer data, gpointer sink, const char *msg)
{
  Info *info = data;
  if (sink == NULL)
    g_ptr_array_add(info->errors, g_strdup(msg));
}

/* ---- output ---- */

static void
json_strings(GString *out, GPtrArray *a)
{
  g_string_append_c(out, '[');
  for (guint i = 0; i < a->len; i++) {
    if (i > 0)
      g_string_append(out, ", ");
    fk_json_string_or_null(out, g_ptr_array_index(a, i));
  }
  g_string_append_c(out, ']');
}

static char *
weight_text(const Member *m)
{
  if (m->weight_overflow)
    return g_strdup("overflow");
  char buf[32];
  return g_strdup(fk_weight_format(m->weight, m->decimals, buf));
}

static void
print_json(GPtrArray *members, GPtrArray *errors, GPtrArray *notes, guint64 skipped)
{
  GString *out = g_string_new("{\n  \"version\": 1,\n  \"inputs\": [");
  for (guint i = 0; i < members->len; i++) {
    const Member *m = g_ptr_array_index(members, i);
    g_string_append(out, i ? ",\n    {" : "\n    {");
    g_string_append(out, "\"name\": ");
    fk_json_string_or_null(out, m->name);
    g_string_append(out, ", \"path\": ");
    fk_json_string_or_null(out, m->path);
    g_string_append(out, ", \"member\": ");
    fk_json_string_or_null(out, m->member);
    g_string_append_printf(out, ", \"size\": %" G_GINT64_FORMAT ", \"format\": ", m->size);
    fk_json_string_or_null(out, m->format);
    g_string_append(out, ", \"hosts\": ");
    json_strings(out, m->hosts);
    g_string_append(out, ", \"events\": ");
    json_strings(out, m->events);
    g_autofree char *w = weight_text(m);
    g_string_append_printf(out, ", \"samples\": %" G_GUINT64_FORMAT ", \"weight\": ", m->samples);
    fk_json_string_or_null(out, w);
    if (m->has_time)
      g_string_append_printf(out,
                             ", \"time\": {\"first_ns\": %" G_GUINT64_FORMAT
                             ", \"last_ns\": %" G_GUINT64_FORMAT "}",
                             m->first, m->last);
    else
      g_string_append(out, ", \"time\": null");
    g_string_append_printf(out, ", \"skipped\": %" G_GUINT64_FORMAT ", \"failed\": %s", m->skipped,
                           m->failed ? "true" : "false");
    g_string_append(out, ", \"messages\": ");
    json_strings(out, m->messages);
    g_string_append(out, ", \"describe\": {");
    /* A key given more than once (build-id, one per binary) is one key
     * holding the array of its values: JSON readers keep only the last of
     * repeated keys. */
    g_autoptr(GHashTable) done = g_hash_table_new(g_str_hash, g_str_equal);
    for (guint k = 0; k + 1 < m->describe->len; k += 2) {
      const char *key = g_ptr_array_index(m->describe, k);
      if (!g_hash_table_add(done, (gpointer)key))
        continue;
      g_autoptr(GPtrArray) values = g_ptr_array_new();
      for (guint j = k; j + 1 < m->describe->len; j += 2)
        if (strcmp(g_ptr_array_index(m->describe, j), key) == 0)
          g_ptr_array_add(values, g_ptr_array_index(m->describe, j + 1));
      if (k > 0)
        g_string_append(out, ", ");
      fk_json_string_or_null(out, key);
      g_string_append(out, ": ");
      if (values->len == 1)
        fk_json_string_or_null(out, g_ptr_array_index(values, 0));
      else
        json_strings(out, values);
    }
    g_string_append(out, "}}");
  }
  g_string_append(out, members->len ? "\n  ],\n  \"errors\": " : "],\n  \"errors\": ");
  json_strings(out, errors);
  g_string_append(out, ",\n  \"notes\": ");
  json_strings(out, notes);
  g_string_append_printf(out, ",\n  \"skipped\": %" G_GUINT64_FORMAT, skipped);
  g_string_append(out, "\n}\n");
  fputs(out->str, stdout);
  g_string_free(out, TRUE);
}

static char *
join(GPtrArray *a)
{
  if (a->len == 0)
    return g_strdup("-");
  g_ptr_array_add(a, NULL);
  char *s = g_strjoinv(",", (char **)a->pdata);
  g_ptr_array_remove_index(a, a->len - 1);
  return s;
}

static void
print_text(GPtrArray *members, guint64 skipped)
{
  guint64 samples = 0;
  g_autoptr(GPtrArray) hosts = g_ptr_array_new_with_free_func(g_free);
  for (guint i = 0; i < members->len; i++) {
    const Member *m = g_ptr_array_index(members, i);
    g_autofree char *name = fk_cmd_printable(m->name);
    g_autofree char *h = join(m->hosts);
    g_autofree char *ev = join(m->events);
    g_autofree char *w = weight_text(m);
    g_autofree char *hp = fk_cmd_printable(h);
    g_autofree char *evp = fk_cmd_printable(ev);
    printf("%s\n", name);
    printf("  size     %" G_GINT64_FORMAT " bytes\n", m->size);
    printf("  format   %s\n", m->format ? m->format : "- (not recognized)");
    printf("  host     %s\n", hp);
    printf("  events   %s\n", evp);
    printf("  samples  %" G_GUINT64_FORMAT " (weight %s)\n", m->samples, w);
    if (m->has_time)
      printf("  time     %" G_GUINT64_FORMAT ".%09" G_GUINT64_FORMAT " .. %" G_GUINT64_FORMAT
             ".%09" G_GUINT64_FORMAT " s (%.3f s)\n",
             m->first / 1000000000, m->first % 1000000000, m->last / 1000000000,
             m->last % 1000000000, (double)(m->last - m->first) / 1e9);
    else
      printf("  time     -\n");
    for (guint k = 0; k + 1 < m->describe->len; k += 2) {
      g_autofree char *key = fk_cmd_printable(g_ptr_array_index(m->describe, k));
      g_autofree char *val = fk_cmd_printable(g_ptr_array_index(m->describe, k + 1));
      printf("  %-8s %s\n", key, val);
    }
    printf("  skipped  %" G_GUINT64_FORMAT "\n", m->skipped);
    for (guint k = 0; k < m->messages->len; k++) {
      g_autofree char *msg = fk_cmd_printable(g_ptr_array_index(m->messages, k));
      printf("    %s\n", msg);
    }
    samples += m->samples;
    for (guint k = 0; k < m->hosts->len; k++)
      add_unique(hosts, g_ptr_array_index(m->hosts, k));
  }
  g_ptr_array_sort(hosts, cmp_str);
  g_autofree char *hl = join(hosts);
  g_autofree char *hlp = fk_cmd_printable(hl);
  printf("%u %s, %" G_GUINT64_FORMAT " samples, %u %s: %s\n", members->len,
         members->len == 1 ? "input" : "inputs", samples, hosts->len,
         hosts->len == 1 ? "host" : "hosts", hlp);
  if (skipped > 0)
    printf("skipped %" G_GUINT64_FORMAT " in all\n", skipped);
}

int
cmd_info(int argc, char **argv)
{
  g_auto(FkInputOptions) iopts = {0};
  fk_input_options_init(&iopts);
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
      {"json", 0, 0, G_OPTION_ARG_NONE, &json, "Write JSON for machines", NULL},
      {NULL, 0, 0, 0, NULL, NULL, NULL},
  };
  g_autoptr(GOptionContext) context = g_option_context_new("[INPUT...]");
  g_option_context_set_summary(
      context, "List what is inside INPUTs (files, directories, archives, or standard input\n"
               "for '-' or none): each member with its size, format, host, events, samples\n"
               "and time range, and what was skipped and why.");
  g_option_context_add_main_entries(context, entries, NULL);
  fk_input_options_add(context, &iopts);
  int rc = fk_cmd_parse(context, &argc, &argv);
  if (rc == FK_EXIT_OK)
    rc = fk_input_options_check(&iopts);
  if (rc != FK_EXIT_OK)
    return rc;
  char **paths = argc > 1 ? argv + 1 : NULL;
  g_autoptr(FkDiag) diag = fk_diag_new(20); /* a bomb skips thousands: the first 20 */
  g_autoptr(GPtrArray) members = g_ptr_array_new_with_free_func((GDestroyNotify)member_free);
  g_autoptr(GPtrArray) errors = g_ptr_array_new_with_free_func(g_free);
  Info info = {.members = members, .errors = errors};
  FkPipelineOptions popts;
  FkPerfDataOptions perf_data;
  fk_cmd_pipeline_options(&iopts, &popts, &perf_data);
  popts.sink = &inspect_sink;
  popts.sink_data = &info;
  popts.message = inspect_message;
  popts.data = &info;
  fk_cmd_stdin_hint(paths, &iopts);
  (void)fk_pipeline_run(paths, &popts, diag);
  gboolean failed = errors->len > 0, skipped = FALSE;
  for (guint i = 0; i < members->len; i++) {
    const Member *m = g_ptr_array_index(members, i);
    failed |= m->failed;
    skipped |= m->skipped > 0;
  }
  g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func(g_free);
  GPtrArray *msgs = fk_diag_messages(diag);
  for (guint i = 0; i < msgs->len; i++)
    g_ptr_array_add(notes, g_strdup(g_ptr_array_index(msgs, i)));
  /* Every skip: the members' and the container's (links, devices, archives
   * nested too deep or holding nothing), which are not members. */
  guint64 total_skipped = fk_diag_skipped(diag);
  for (guint i = 0; i < members->len; i++)
    total_skipped += ((const Member *)g_ptr_array_index(members, i))->skipped;
  if (fk_diag_unshown(diag) > 0)
    g_ptr_array_add(notes,
                    g_strdup_printf("... and %" G_GUINT64_FORMAT " more", fk_diag_unshown(diag)));
  if (json)
    print_json(members, errors, notes, total_skipped);
  else
    print_text(members, total_skipped);
  /* What every command says on stderr: errors, notes, the skipped total,
   * and the same exit code (the listing above is the output). */
  fflush(stdout);
  guint64 nskipped = total_skipped, samples = 0, shown = 0, unshown = 0;
  for (guint i = 0; i < members->len; i++) {
    const Member *m = g_ptr_array_index(members, i);
    /* Failures always; skips the first five, as the other commands do. */
    for (guint k = 0; k < m->messages->len; k++) {
      const char *text = g_ptr_array_index(m->messages, k);
      gboolean is_error = m->error != NULL && strcmp(text, m->error) == 0;
      if (!is_error && shown++ >= 5) {
        unshown++;
        continue;
      }
      /* fk_cmd_error escapes what came from the inputs. */
      if (g_str_has_prefix(text, m->name))
        fk_cmd_error("%s", text);
      else
        fk_cmd_error("%s: %s", m->name, text);
    }
    samples += m->samples;
  }
  if (unshown > 0)
    fk_cmd_error("... and %" G_GUINT64_FORMAT " more", unshown);
  for (guint i = 0; i < errors->len; i++)
    fk_cmd_error("%s", (const char *)g_ptr_array_index(errors, i));
  for (guint i = 0; i < notes->len; i++)
    fk_cmd_error("%s", (const char *)g_ptr_array_index(notes, i));
  gboolean strict = iopts.strict;
  if (nskipped > 0)
    fk_cmd_error("skipped %" G_GUINT64_FORMAT " %s in all%s", nskipped,
                 nskipped == 1 ? "item" : "items", strict ? "" : "; --strict makes this fail");
  if (samples == 0 && !failed) {
    g_autofree char *where = fk_cmd_inputs_name(argc > 1 ? argv + 1 : NULL);
    fk_cmd_error("%s: no samples in the input", where);
    failed = TRUE;
  }
  if (failed || (strict && (skipped || fk_diag_skipped(diag) > 0)))
    return FK_EXIT_FAILURE;
  return FK_EXIT_OK;
}
