/* report.c -- `flamekit report`: everything a ticket or a nightly job wants
 * in one self-contained HTML page (render/report.c), a Markdown summary
 * (render/report-md.c), a folder with a page per host or group, and the
 * nightly index over many such folders (render/report-index.c).
 *
 * One side (INPUT...): read as `graph` reads, grouped by host first (or by
 * the first --group-by key), each group a tree of its own (fk_tree_split),
 * the whole their merge. Two sides (BEFORE... -- AFTER..., or --before and
 * --after): read as `diff` reads, each capture one run; the verdicts of
 * analyze/verdict.c when both sides have two runs or more, and the
 * differential tree. Reading is in read_side() alone, so that it can follow
 * the reading pipeline when that changes. Exit codes as diff: 3 when the
 * verdicts find something slower. */
#include "jsonlib.h"
#include "cmd.h"

#include "../analyze/reshape.h"
#include "../analyze/verdict.h"
#include "../render/report.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

/* json-glib's F through its table (jsonlib.h): only once read_entry has
 * loaded it. */
#define JS(f) (fk_json_lib(NULL)->f)

#ifndef FK_VERSION
#define FK_VERSION "0.0.0"
#endif

/* --before/--after mark where a side begins; GOption keeps positional
 * arguments in order, so they are turned into these markers first. */
#define MARK_BEFORE "\001before"
#define MARK_AFTER "\001after"

typedef struct {
  FkInputOptions iopts;
  FkTransformOptions topts;
  FkCollectOptions copts;
  FkVerdictOptions vopts;
  FkRenderOptions ropts;
  char **outputs;
  char *title, *minwidth, *test, *output_format;
  gboolean index, normalize, mark;
  gint top;
  double fdr, min_change, min_samples;
  char *command_line, *date;
} Report;

/* ---- reading: the one place (see the head comment) ---- */

/* Reads one side's PATHS into a collector of its own; *STATS: what it kept
 * (the time range). FALSE in *OK when an input failed (printed). */
static FkCollector *
read_side(char **paths, Report *rp, FkDiag *diag, FkCollectStats *stats, gboolean *ok)
{
  FkCollector *c = fk_collector_new(NULL, &rp->copts);
  if (!fk_cmd_read_inputs(paths, &rp->iopts, c, diag))
    *ok = FALSE;
  fk_collector_stats(c, stats);
  return c;
}

/* COLLECTOR's tree shaped by the transform options, as graph and diff
 * shape theirs (SIDE: the side's name in what they report; NULL for one
 * side). The one place report applies them. NULL after printing. */
static FkTree *
shape(Report *rp, FkCollector *collector, const char *where, const char *side, gboolean *ok)
{
  rp->topts.side = side;
  FkTree *t = fk_transform_options_finish(&rp->topts, collector, where, ok);
  rp->topts.side = NULL;
  return t;
}

/* The trees of TREE's groups by PREFIX ("[host=", "[file="), their names
 * (the group frame's value, unescaped) into NAMES, their frames (interned,
 * NULL for stacks without one) into FRAMES. NULL after printing. */
static GPtrArray *
split(const FkTree *tree, const char *prefix, GPtrArray *names, GPtrArray *frames)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *parts = fk_tree_split(tree, prefix, frames, &error);
  if (parts == NULL) {
    fk_cmd_error("%s", error->message);
    return NULL;
  }
  for (guint i = 0; i < frames->len; i++) {
    const char *f = frames->pdata[i];
    /* "[key=VALUE]", VALUE with ';', '%' and control characters %-escaped */
    g_autofree char *v =
        f ? g_strndup(f + strlen(prefix), strlen(f) - strlen(prefix) - 1) : g_strdup("?");
    char *name = g_uri_unescape_string(v, NULL);
    g_ptr_array_add(names, name != NULL ? name : g_strdup(v));
  }
  return parts;
}

/* The groups of TREE when every child of its root is a group frame of
 * PREFIX: their names (unescaped), frames and nodes, in insertion order
 * (fk_tree_split's). FALSE when some stack has no group frame at its top. */
static gboolean
top_groups(const FkTree *tree, const char *prefix, GPtrArray *names, GPtrArray *frames,
           GArray *nodes)
{
  g_autoptr(GArray) kids = g_array_new(FALSE, FALSE, sizeof(FkNodeId));
  fk_tree_children(tree, FK_ROOT, FK_ORDER_INSERTION, kids);
  if (fk_node_self(tree, FK_ROOT, fk_tree_columns(tree) - 1) != 0)
    return FALSE;
  for (guint i = 0; i < kids->len; i++) {
    FkNodeId id = g_array_index(kids, FkNodeId, i);
    const char *f = fk_tree_node(tree, id)->name;
    if (!g_str_has_prefix(f, prefix))
      return FALSE;
    g_autofree char *v = g_strndup(f + strlen(prefix), strlen(f) - strlen(prefix) - 1);
    char *name = g_uri_unescape_string(v, NULL);
    g_ptr_array_add(names, name != NULL ? name : g_strdup(v));
    g_ptr_array_add(frames, (gpointer)f);
    g_array_append_val(nodes, id);
  }
  return TRUE;
}

static FkTree *
merge(GPtrArray *parts, const FkTree *like)
{
  g_autoptr(GError) error = NULL;
  FkTree *t = parts->len == 0 ? fk_tree_new(fk_tree_strings(like), fk_tree_flags(like))
                              : fk_tree_merge((FkTree *const *)parts->pdata, parts->len, &error);
  if (t == NULL)
    fk_cmd_error("%s", error->message);
  else if (parts->len == 0)
    fk_tree_finish(t); /* the empty side: finished, as a merge's result is */
  return t;
}

/* ---- outputs ---- */

static gboolean
is_dir_output(const char *path)
{
  return g_str_has_suffix(path, "/") || g_file_test(path, G_FILE_TEST_IS_DIR);
}

static gboolean
has_ext(const char *path, const char *ext)
{
  gsize l = strlen(path), e = strlen(ext);
  return l > e && g_ascii_strcasecmp(path + l - e, ext) == 0;
}

typedef enum { OUT_HTML, OUT_MD, OUT_DIR } OutKind;

static gboolean
output_kind(const char *path, const char *format, OutKind *kind)
{
  if (format != NULL && !g_str_has_suffix(path, "/")) {
    *kind = strcmp(format, "html") == 0 ? OUT_HTML : OUT_MD;
    return TRUE;
  }
  if (strcmp(path, "-") == 0 || has_ext(path, ".html") || has_ext(path, ".htm"))
    *kind = OUT_HTML;
  else if (has_ext(path, ".md") || has_ext(path, ".markdown"))
    *kind = OUT_MD;
  else if (is_dir_output(path))
    *kind = OUT_DIR;
  else
    return FALSE;
  return TRUE;
}

typedef struct {
  const FkReport *report;
  const Report *rp;
} Job;

static gboolean
w_html(FILE *out, gconstpointer data, GError **error)
{
  const Job *j = data;
  return fk_report_write_html(j->report, &j->rp->ropts, out, error);
}

static gboolean
w_md(FILE *out, gconstpointer data, GError **error)
{
  const Job *j = data;
  return fk_report_write_markdown(j->report, &j->rp->ropts, (guint)j->rp->top, out, error);
}

static gboolean
w_meta(FILE *out, gconstpointer data, GError **error)
{
  const Job *j = data;
  return fk_report_write_meta(j->report, &j->rp->ropts, out, error);
}

/* A file name for group NAME's page: its safe characters, numbered so that
 * names differing only in others stay apart. */
static char *
group_file(gsize i, const char *name)
{
  GString *s = g_string_new(NULL);
  g_string_append_printf(s, "group-%03zu-", i + 1);
  for (const char *p = name; *p && s->len < 64; p++)
    g_string_append_c(s, g_ascii_isalnum(*p) || *p == '.' || *p == '-' || *p == '_' ? *p : '_');
  g_string_append(s, ".html");
  return g_string_free(s, FALSE);
}

static gboolean
write_dir(const char *dir, FkReport *report, const Report *rp)
{
  if (g_mkdir_with_parents(dir, 0777) != 0) {
    fk_cmd_error("%s: %s", dir, g_strerror(errno));
    return FALSE;
  }
  gboolean ok = TRUE;
  /* a page per group, each linking back */
  g_autoptr(GPtrArray) hrefs = g_ptr_array_new_with_free_func(g_free);
  FkReportGroup *groups = (FkReportGroup *)report->groups;
  for (gsize g = 0; report->n_groups > 1 && g < report->n_groups; g++) {
    char *f = group_file(g, groups[g].name);
    g_ptr_array_add(hrefs, f);
    FkReport page = *report;
    page.tree = groups[g].tree;
    page.groups = NULL;
    page.n_groups = 0;
    page.index_href = "index.html";
    g_autofree char *title =
        g_strdup_printf("%s: %s %s", report->title, report->group_key, groups[g].name);
    page.title = title;
    Job j = {&page, rp};
    g_autofree char *path = g_build_filename(dir, f, NULL);
    ok &= fk_cmd_write_file(path, w_html, &j);
    groups[g].href = f;
  }
  Job j = {report, rp};
  g_autofree char *index = g_build_filename(dir, "index.html", NULL);
  g_autofree char *md = g_build_filename(dir, "summary.md", NULL);
  g_autofree char *meta = g_build_filename(dir, "report.json", NULL);
  ok &= fk_cmd_write_file(index, w_html, &j);
  ok &= fk_cmd_write_file(md, w_md, &j);
  ok &= fk_cmd_write_file(meta, w_meta, &j);
  for (gsize g = 0; g < report->n_groups; g++)
    groups[g].href = NULL;
  return ok;
}

static gboolean
write_outputs(FkReport *report, const Report *rp)
{
  gboolean ok = TRUE;
  Job j = {report, rp};
  for (char **o = rp->outputs; *o; o++) {
    OutKind k = OUT_HTML;
    output_kind(*o, rp->output_format, &k);
    if (k == OUT_HTML)
      ok &= fk_cmd_write_file(*o, w_html, &j);
    else if (k == OUT_MD)
      ok &= fk_cmd_write_file(*o, w_md, &j);
    else
      ok &= write_dir(*o, report, rp);
  }
  return ok;
}

/* ---- the nightly index ---- */

/* PATH relative to directory FROM, both made absolute first. */
static char *
relative(const char *from, const char *path)
{
  g_autofree char *a = g_canonicalize_filename(from, NULL);
  g_autofree char *b = g_canonicalize_filename(path, NULL);
  g_auto(GStrv) pa = g_strsplit(a, "/", -1), pb = g_strsplit(b, "/", -1);
  guint i = 0;
  while (pa[i] && pb[i] && strcmp(pa[i], pb[i]) == 0)
    i++;
  GString *s = g_string_new(NULL);
  for (guint k = i; pa[k]; k++)
    if (pa[k][0])
      g_string_append(s, "../");
  for (guint k = i; pb[k]; k++) {
    if (!pb[k][0])
      continue;
    /* a link, so escaped as a URL path */
    g_autofree char *e = g_uri_escape_string(pb[k], NULL, TRUE);
    g_string_append(s, e);
    if (pb[k + 1])
      g_string_append_c(s, '/');
  }
  return g_string_free(s, FALSE);
}

typedef struct {
  FkReportIndexEntry e;
  GPtrArray *strings; /* owned */
} Entry;

static const char *
keep(Entry *x, char *s)
{
  g_ptr_array_add(x->strings, s);
  return s;
}

static char *
join_array(JsonObject *o, const char *member)
{
  JsonArray *a =
      JS(json_object_has_member)(o, member) ? JS(json_object_get_array_member)(o, member) : NULL;
  GString *s = g_string_new(NULL);
  for (guint i = 0; a && i < JS(json_array_get_length)(a); i++) {
    JsonNode *n = JS(json_array_get_element)(a, i);
    if (JS(json_node_get_node_type)(n) == JSON_NODE_VALUE &&
        JS(json_node_get_value_type)(n) == G_TYPE_STRING) {
      if (s->len)
        g_string_append(s, ", ");
      g_string_append(s, JS(json_node_get_string)(n));
    }
  }
  return g_string_free(s, FALSE);
}

static const char *
str_member(JsonObject *o, const char *member)
{
  JsonNode *n = JS(json_object_get_member)(o, member);
  return n && JS(json_node_get_node_type)(n) == JSON_NODE_VALUE &&
                 JS(json_node_get_value_type)(n) == G_TYPE_STRING
             ? JS(json_node_get_string)(n)
             : NULL;
}

/* Fills X from DIR/report.json; FALSE (printed, X->e.problem set) when it
 * cannot be read. */
static gboolean
read_entry(const char *dir, const char *index_dir, Entry *x)
{
  x->strings = g_ptr_array_new_with_free_func(g_free);
  g_autofree char *page = g_build_filename(dir, "index.html", NULL);
  g_autofree char *meta = g_build_filename(dir, "report.json", NULL);
  x->e.href = keep(x, relative(index_dir, page));
  x->e.title = keep(x, g_strdup(dir));
  g_autoptr(GError) error = NULL;
  const FkJsonLib *js = fk_json_lib(&error);
  JsonParser *parser = js != NULL ? js->json_parser_new() : NULL;
  JsonObject *o = NULL;
  if (parser != NULL && js->json_parser_load_from_file(parser, meta, &error)) {
    JsonNode *root = JS(json_parser_get_root)(parser);
    if (root && JS(json_node_get_node_type)(root) == JSON_NODE_OBJECT)
      o = JS(json_node_get_object)(root);
    if (o && !JS(json_object_has_member)(o, "flamekit_report"))
      o = NULL;
  }
  if (o == NULL) {
    const char *why = error ? error->message : "not a flamekit report.json";
    if (error && error->domain == G_FILE_ERROR)
      why = g_strerror(error->code == G_FILE_ERROR_NOENT ? ENOENT : EIO);
    g_autofree char *msg = g_strdup_printf("%s: %s", meta, why);
    fk_cmd_error("--index: %s; listed without details", msg);
    x->e.problem = keep(x, g_strdup_printf("no report here (%s)", why));
  } else {
    const char *v;
    if ((v = str_member(o, "date")))
      x->e.date = keep(x, g_strdup(v));
    if ((v = str_member(o, "title")))
      x->e.title = keep(x, g_strdup(v));
    if ((v = str_member(o, "verdict")))
      x->e.verdict = keep(x, g_strdup(v));
    x->e.inputs = keep(x, join_array(o, "inputs"));
    char *hosts = join_array(o, "hosts");
    x->e.hosts = keep(x, hosts);
    g_autofree char *totals = join_array(o, "totals");
    const char *unit = str_member(o, "unit");
    x->e.samples = keep(x, g_strdup_printf("%s %s", totals, unit ? unit : ""));
  }
  if (parser != NULL)
    js->g_object_unref(parser); /* O was its */
  return o != NULL;
}

static int
cmp_entry(gconstpointer a, gconstpointer b)
{
  const Entry *x = a, *y = b;
  const char *dx = x->e.date ? x->e.date : "", *dy = y->e.date ? y->e.date : "";
  int c = strcmp(dy, dx); /* newest first */
  return c != 0 ? c : strcmp(x->e.href, y->e.href);
}

static gboolean
w_index(FILE *out, gconstpointer data, GError **error)
{
  const GArray *entries = data;
  g_autofree FkReportIndexEntry *e = g_new0(FkReportIndexEntry, entries->len + 1);
  for (guint i = 0; i < entries->len; i++)
    e[i] = g_array_index(entries, Entry, i).e;
  return fk_report_write_index(e, entries->len, FK_VERSION, out, error);
}

static int
run_index(char **dirs, Report *rp)
{
  if (rp->outputs == NULL || rp->outputs[0] == NULL || rp->outputs[1] != NULL ||
      !(strcmp(rp->outputs[0], "-") == 0 || has_ext(rp->outputs[0], ".html") ||
        has_ext(rp->outputs[0], ".htm")))
    return fk_cmd_usage("--index: expected one -o FILE.html");
  if (dirs[0] == NULL)
    return fk_cmd_usage("--index: expected report folders (made by -o DIR/)");
  const char *out = rp->outputs[0];
  g_autofree char *index_dir =
      strcmp(out, "-") == 0 ? g_get_current_dir() : g_path_get_dirname(out);
  g_autoptr(GArray) entries = g_array_new(FALSE, TRUE, sizeof(Entry));
  gboolean ok = TRUE;
  for (char **d = dirs; *d; d++) {
    Entry x = {0};
    ok &= read_entry(*d, index_dir, &x);
    g_array_append_val(entries, x);
  }
  g_array_sort(entries, cmp_entry);
  ok &= fk_cmd_write_file(out, w_index, entries);
  for (guint i = 0; i < entries->len; i++)
    g_ptr_array_unref(g_array_index(entries, Entry, i).strings);
  return ok ? FK_EXIT_OK : FK_EXIT_FAILURE;
}

/* ---- the report ---- */

static char *
shell_line(int argc, char **argv)
{
  GString *s = g_string_new("flamekit");
  for (int i = 0; i < argc; i++) {
    const char *a = argv[i];
    gboolean plain = a[0] != '\0';
    for (const char *p = a; *p; p++)
      if (!g_ascii_isalnum(*p) && !strchr("_./=:,+@%-", *p))
        plain = FALSE;
    g_string_append_c(s, ' ');
    if (plain) {
      g_string_append(s, a);
    } else {
      g_autofree char *q = g_shell_quote(a);
      g_string_append(s, q);
    }
  }
  return g_string_free(s, FALSE);
}

/* ISO 8601 UTC of now, or of SOURCE_DATE_EPOCH (reproducible builds' rule)
 * when it is set. */
static char *
report_date(void)
{
  const char *sde = g_getenv("SOURCE_DATE_EPOCH");
  gint64 t = (gint64)time(NULL);
  if (sde != NULL && *sde) {
    char *end = NULL;
    gint64 v = g_ascii_strtoll(sde, &end, 10);
    if (end && *end == '\0' && v >= 0)
      t = v;
  }
  g_autoptr(GDateTime) d = g_date_time_new_from_unix_utc(t);
  return d ? g_date_time_format(d, "%Y-%m-%dT%H:%M:%SZ") : g_strdup("?");
}

/* The regression rule of diff without --fail-on: the total or any function
 * significantly slower. */
static gboolean
regressed(const FkVerdicts *v)
{
  if (v == NULL)
    return FALSE;
  if (v->total.verdict == FK_VERDICT_SLOWER)
    return TRUE;
  for (guint i = 0; i < v->rows->len; i++)
    if (g_array_index(v->rows, FkVerdictRow, i).verdict == FK_VERDICT_SLOWER)
      return TRUE;
  return FALSE;
}

static int
run_one_side(char **paths, Report *rp)
{
  /* grouped by host first unless --group-by says what the groups are */
  gboolean own_groups = rp->copts.n_group_by > 0;
  FkGroupKey key = own_groups ? rp->copts.group_by[0] : FK_GROUP_HOST;
  if (!own_groups) {
    rp->copts.group_by[0] = FK_GROUP_HOST;
    rp->copts.n_group_by = 1;
  }
  g_autoptr(FkDiag) diag = fk_diag_new(5);
  gboolean ok = TRUE;
  FkCollectStats stats;
  fk_cmd_stdin_hint(paths, &rp->iopts);
  g_autoptr(FkCollector) c = read_side(paths, rp, diag, &stats, &ok);
  int rc = fk_cmd_report_diag(diag, &rp->iopts);
  g_autofree char *where = fk_cmd_inputs_name(paths);
  g_autoptr(FkTree) grouped = shape(rp, c, where, NULL, &ok);
  if (grouped == NULL)
    return FK_EXIT_FAILURE;
  g_autofree char *prefix = g_strdup_printf("[%s=", fk_group_key_name(key));
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
  g_autoptr(GPtrArray) frames = g_ptr_array_new();
  g_autoptr(GPtrArray) parts = NULL;
  g_autoptr(GArray) nodes = g_array_new(FALSE, FALSE, sizeof(FkNodeId));
  /* A tree per group only for the group pages of -o DIR/ or when the group
   * frames are not at the top (--reverse): the page itself reads the
   * groups as subtrees of the grouped tree, the whole as one ungrouped
   * tree, rather than making a tree per host and merging them. */
  gboolean per_group = !top_groups(grouped, prefix, names, frames, nodes);
  for (char **o = rp->outputs; *o; o++) {
    OutKind k = OUT_HTML;
    output_kind(*o, rp->output_format, &k);
    per_group |= k == OUT_DIR;
  }
  if (per_group) {
    g_ptr_array_set_size(names, 0);
    g_ptr_array_set_size(frames, 0);
    parts = split(grouped, prefix, names, frames);
    if (parts == NULL)
      return FK_EXIT_FAILURE;
  }
  g_autoptr(FkTree) merged = NULL;
  if (!own_groups) {
    g_autoptr(GError) error = NULL;
    merged = parts ? merge(parts, grouped) : fk_tree_ungroup(grouped, prefix, &error);
    if (merged == NULL) {
      if (error != NULL)
        fk_cmd_error("%s", error->message);
      return FK_EXIT_FAILURE;
    }
  }
  guint n_groups = names->len;
  g_autofree FkReportGroup *groups = g_new0(FkReportGroup, n_groups + 1);
  for (guint i = 0; i < n_groups; i++) {
    groups[i].name = names->pdata[i];
    groups[i].frame = frames->pdata[i];
    if (parts)
      groups[i].tree = parts->pdata[i];
    else
      groups[i].node = g_array_index(nodes, FkNodeId, i);
  }
  /* Partials read (fold --partial): the summary names the inputs they were
   * made from, as graph's does. */
  g_auto(GStrv) expanded = fk_cmd_partials_expand(paths, &rp->iopts, diag, 0, 0);
  FkRunSummary summary;
  fk_cmd_summary_init(&summary, "report", expanded ? expanded : paths, &rp->iopts, diag);
  rp->ropts.summary = &summary;
  g_autofree char *title = rp->title ? g_strdup(rp->title) : g_strdup_printf("Report: %s", where);
  GPtrArray *msgs = fk_diag_messages(diag);
  g_autofree const char **skipped = g_new0(const char *, msgs->len + 1);
  for (guint i = 0; i < msgs->len; i++) /* pdata is NULL for none */
    skipped[i] = msgs->pdata[i];
  FkReport report = {
      .title = title,
      .command_line = rp->command_line,
      .version = FK_VERSION,
      .date = rp->date,
      .summary = &summary,
      .tree = own_groups ? grouped : merged,
      .group_key = fk_group_key_name(key),
      .grouped = grouped,
      .groups = groups,
      .n_groups = n_groups,
      .skipped = skipped,
      .skipped_unshown = fk_diag_unshown(diag),
      .has_time = stats.kept_timed > 0,
      .time_first = stats.time_first,
      .time_last = stats.time_last,
  };
  ok &= write_outputs(&report, rp);
  rp->ropts.summary = NULL;
  g_free(summary.inputs);
  return ok ? rc : FK_EXIT_FAILURE;
}

static int
run_two_sides(char **sides[2], int n[2], Report *rp)
{
  /* the runs are told apart by input: grouped by it first, outermost */
  if (rp->copts.n_group_by == FK_MAX_GROUP_KEYS)
    return fk_cmd_usage("--group-by: at most %d keys with two sides", FK_MAX_GROUP_KEYS - 1);
  memmove(rp->copts.group_by + 1, rp->copts.group_by,
          rp->copts.n_group_by * sizeof rp->copts.group_by[0]);
  rp->copts.group_by[0] = FK_GROUP_FILE;
  rp->copts.n_group_by++;
  g_autoptr(FkDiag) diag = fk_diag_new(5);
  gboolean side_ok[2] = {TRUE, TRUE};
  FkCollectStats stats[2];
  guint facts[3];
  facts[0] = rp->iopts.facts->len;
  g_autoptr(FkCollector) cb = read_side(sides[0], rp, diag, &stats[0], &side_ok[0]);
  facts[1] = rp->iopts.facts->len;
  g_autoptr(FkCollector) ca = read_side(sides[1], rp, diag, &stats[1], &side_ok[1]);
  facts[2] = rp->iopts.facts->len;
  int rc = fk_cmd_report_diag(diag, &rp->iopts);
  g_autofree char *wb = fk_cmd_inputs_name(sides[0]);
  g_autofree char *wa = fk_cmd_inputs_name(sides[1]);
  g_autoptr(FkTree) gb = shape(rp, cb, wb, wb, &side_ok[0]);
  g_autoptr(FkTree) ga = gb ? shape(rp, ca, wa, wa, &side_ok[1]) : NULL;
  if (ga == NULL)
    return FK_EXIT_FAILURE;
  g_autoptr(GPtrArray) nb = g_ptr_array_new_with_free_func(g_free);
  g_autoptr(GPtrArray) na = g_ptr_array_new_with_free_func(g_free);
  g_autoptr(GPtrArray) fb = g_ptr_array_new(), fa = g_ptr_array_new();
  g_autoptr(GPtrArray) rb = split(gb, "[file=", nb, fb);
  g_autoptr(GPtrArray) ra = rb ? split(ga, "[file=", na, fa) : NULL;
  if (ra == NULL)
    return FK_EXIT_FAILURE;
  g_autoptr(FkTree) before = merge(rb, gb);
  FkTree *after = before ? merge(ra, ga) : NULL;
  if (after == NULL)
    return FK_EXIT_FAILURE;
  /* weights per sample, for --min-samples (as diff): 1 for counts, the
   * mean period of a sample for periods, from the facts each side added */
  double wps[2] = {1, 1};
  for (guint s = 0; s < 2; s++) {
    double samples = 0, w = 0;
    gboolean periods = TRUE;
    for (guint i = facts[s]; i < facts[s + 1]; i++) {
      const FkInputFacts *f = &g_array_index(rp->iopts.facts, FkInputFacts, i);
      if (f->samples == 0)
        continue;
      periods &= f->period && !f->counts;
      samples += (double)f->samples;
      w += (double)f->total / (double)fk_pow10(f->decimals);
    }
    wps[s] = periods && samples > 0 && w > 0 ? w / samples : 1;
  }
  g_autoptr(FkVerdicts) verdicts = NULL;
  if (rb->len >= 2 && ra->len >= 2) {
    verdicts = fk_verdicts_new((FkTree *const *)rb->pdata, rb->len, (FkTree *const *)ra->pdata,
                               ra->len, wps, &rp->vopts);
    fk_verdicts_set_run_names(verdicts, 0, (const char *const *)nb->pdata, rb->len);
    fk_verdicts_set_run_names(verdicts, 1, (const char *const *)na->pdata, ra->len);
  } else if (rb->len > 1 || ra->len > 1) {
    fk_cmd_error("no statistics possible: %u run%s before, %u after; verdicts need at least 2 "
                 "runs a side (5 or more to be useful)",
                 rb->len, rb->len == 1 ? "" : "s", ra->len);
  }
  g_clear_pointer(&rb, g_ptr_array_unref);
  g_clear_pointer(&ra, g_ptr_array_unref);
  g_autoptr(GError) error = NULL;
  g_autoptr(FkTree) diff = fk_tree_diff_take(before, after, rp->normalize, &error);
  if (diff == NULL) {
    fk_cmd_error("%s", error->message);
    return FK_EXIT_FAILURE;
  }
  g_autofree char **all = g_new0(char *, n[0] + n[1] + 1);
  memcpy(all, sides[0], n[0] * sizeof(char *));
  memcpy(all + n[0], sides[1], n[1] * sizeof(char *));
  FkRunSummary summary;
  fk_cmd_summary_init(&summary, "report", all, &rp->iopts, diag);
  for (int i = 0; i < n[0] + n[1]; i++)
    summary.inputs[i].role = i < n[0] ? "before" : "after";
  rp->ropts.summary = &summary;
  rp->ropts.verdicts = verdicts;
  rp->ropts.normalized = rp->normalize;
  g_autofree char *title =
      rp->title ? g_strdup(rp->title) : g_strdup_printf("Report: %s vs %s", wb, wa);
  GPtrArray *msgs = fk_diag_messages(diag);
  g_autofree const char **skipped = g_new0(const char *, msgs->len + 1);
  for (guint i = 0; i < msgs->len; i++) /* pdata is NULL for none */
    skipped[i] = msgs->pdata[i];
  gboolean timed = stats[0].kept_timed > 0 || stats[1].kept_timed > 0;
  FkReport report = {
      .title = title,
      .command_line = rp->command_line,
      .version = FK_VERSION,
      .date = rp->date,
      .summary = &summary,
      .tree = diff,
      .two_sided = TRUE,
      .before_name = wb,
      .after_name = wa,
      .verdicts = verdicts,
      .skipped = skipped,
      .skipped_unshown = fk_diag_unshown(diag),
      .has_time = timed,
  };
  if (timed) { /* both sides' samples: the range over the two */
    gboolean b = stats[0].kept_timed > 0, a = stats[1].kept_timed > 0;
    report.time_first = b && a ? MIN(stats[0].time_first, stats[1].time_first)
                        : b    ? stats[0].time_first
                               : stats[1].time_first;
    report.time_last = b && a ? MAX(stats[0].time_last, stats[1].time_last)
                       : b    ? stats[0].time_last
                              : stats[1].time_last;
  }
  gboolean ok = side_ok[0] && side_ok[1];
  ok &= write_outputs(&report, rp);
  rp->ropts.summary = NULL;
  rp->ropts.verdicts = NULL;
  g_free(summary.inputs);
  if (!ok)
    return FK_EXIT_FAILURE;
  if (rc != FK_EXIT_OK)
    return rc;
  return regressed(verdicts) ? FK_EXIT_REGRESSION : FK_EXIT_OK;
}

static void
report_clear(Report *rp)
{
  fk_input_options_clear(&rp->iopts);
  fk_transform_options_clear(&rp->topts);
  g_strfreev(rp->outputs);
  g_free(rp->title);
  g_free(rp->minwidth);
  g_free(rp->test);
  g_free(rp->output_format);
  g_free(rp->command_line);
  g_free(rp->date);
}

/* Checks the options after parsing; prints and returns the exit code. */
static int
check(Report *rp)
{
  if (rp->outputs == NULL || rp->outputs[0] == NULL)
    return fk_cmd_usage("expected -o FILE.html, -o FILE.md or -o DIR/");
  if (rp->output_format != NULL) {
    if (strcmp(rp->output_format, "markdown") == 0) {
      g_free(rp->output_format);
      rp->output_format = g_strdup("md");
    }
    if (strcmp(rp->output_format, "html") != 0 && strcmp(rp->output_format, "md") != 0)
      return fk_cmd_usage("--output-format: expected html or md, not '%s'", rp->output_format);
  }
  if (!rp->index)
    for (char **o = rp->outputs; *o; o++) {
      OutKind k;
      if (!output_kind(*o, rp->output_format, &k))
        return fk_cmd_usage("-o %s: expected FILE.html, FILE.md or DIR/ (a folder: end it with /)",
                            *o);
    }
  if (rp->top < 1 || rp->top > 100000)
    return fk_cmd_usage("--top: expected 1 to 100000");
  if (!isnan(rp->fdr) && !(rp->fdr > 0 && rp->fdr <= 1))
    return fk_cmd_usage("--fdr takes a number above 0 and at most 1, not %g", rp->fdr);
  if (rp->min_change < 0 || rp->min_samples < 0)
    return fk_cmd_usage("--min-change and --min-samples take a non-negative number");
  if (rp->test != NULL && !fk_test_parse(rp->test, &rp->vopts.test))
    return fk_cmd_usage("--test: expected auto, welch or mann-whitney, not '%s'", rp->test);
  if (!isnan(rp->fdr))
    rp->vopts.fdr = rp->fdr;
  if (!isnan(rp->min_change))
    rp->vopts.min_change = rp->min_change;
  if (!isnan(rp->min_samples))
    rp->vopts.min_samples = rp->min_samples;
  rp->vopts.normalize = rp->normalize;
  if (rp->minwidth != NULL) { /* the graphs' --minwidth, as graph takes it */
    char *end = NULL;
    rp->ropts.min_width = g_ascii_strtod(rp->minwidth, &end);
    rp->ropts.min_width_pct = end && *end == '%';
    if (end == rp->minwidth || (*end != '\0' && strcmp(end, "%") != 0) ||
        !isfinite(rp->ropts.min_width) || rp->ropts.min_width < 0)
      return fk_cmd_usage("--minwidth: expected pixels or a percentage such as 0.5%%, not '%s'",
                          rp->minwidth);
  }
  return FK_EXIT_OK;
}

int
cmd_report(int argc, char **argv)
{
  Report rp = {0};
  fk_input_options_init(&rp.iopts);
  fk_transform_options_init(&rp.topts);
  fk_collect_options_init(&rp.copts);
  fk_verdict_options_init(&rp.vopts);
  fk_render_options_init(&rp.ropts);
  rp.top = 20;
  rp.fdr = rp.min_change = rp.min_samples = NAN;
  rp.command_line = shell_line(argc, argv);
  rp.date = report_date();
  gboolean before_flag = FALSE, after_flag = FALSE;
  const GOptionEntry entries[] = {
      {"output", 'o', 0, G_OPTION_ARG_FILENAME_ARRAY, &rp.outputs,
       "Write FILE.html (the page), FILE.md (a summary for a ticket) or DIR/ (index.html, a page "
       "per host or group, summary.md, report.json); repeatable",
       "FILE"},
      {"output-format", 0, 0, G_OPTION_ARG_STRING, &rp.output_format,
       "Write html or md whatever -o's extension (not for DIR/)", "NAME"},
      {"title", 0, 0, G_OPTION_ARG_STRING, &rp.title, "The page's title (default: from the inputs)",
       "TEXT"},
      {"before", 0, 0, G_OPTION_ARG_NONE, &before_flag,
       "The inputs that follow are the first side (then --after): a two-sided report", NULL},
      {"after", 0, 0, G_OPTION_ARG_NONE, &after_flag, "The inputs that follow are the second side",
       NULL},
      {"index", 0, 0, G_OPTION_ARG_NONE, &rp.index,
       "The arguments are report folders (-o DIR/): write their nightly index to -o FILE.html",
       NULL},
      {"top", 0, 0, G_OPTION_ARG_INT, &rp.top, "Rows of the Markdown summary's tables (default 20)",
       "N"},
      {"normalize", 'n', 0, G_OPTION_ARG_NONE, &rp.normalize,
       "Two sides: scale BEFORE to AFTER's total; with runs: compare shares of each run's total",
       NULL},
      {"fdr", 0, 0, G_OPTION_ARG_DOUBLE, &rp.fdr,
       "Runs: the false discovery rate across functions (default 0.05)", "Q"},
      {"min-change", 0, 0, G_OPTION_ARG_DOUBLE, &rp.min_change,
       "Runs: the smallest change in percent that counts (default 2)", "PCT"},
      {"min-samples", 0, 0, G_OPTION_ARG_DOUBLE, &rp.min_samples,
       "Runs: samples a run a function needs on one side to be tested (default 10)", "N"},
      {"test", 0, 0, G_OPTION_ARG_STRING, &rp.test, "Runs: auto (default), welch or mann-whitney",
       "TEST"},
      {NULL, 0, 0, 0, NULL, NULL, NULL},
  };
  g_autoptr(GOptionContext) context =
      g_option_context_new("[INPUT... | BEFORE... -- AFTER... | --index DIR...] -o OUT");
  g_option_context_set_summary(
      context,
      "Write one self-contained HTML page (or a Markdown summary, or a folder with a page\n"
      "per host or group) that says what was read, where the time went and, with two\n"
      "sides, what changed: summary, function table, flame graph and icicle, hosts side\n"
      "by side, callers and callees of a chosen function, verdicts and differential graph.\n"
      "Exit codes: 0 ok, 1 failure, 2 usage, 3 regression (two sides: something is\n"
      "significantly slower, as diff decides it).");
  g_option_context_add_main_entries(context, entries, NULL);
  fk_input_options_add(context, &rp.iopts);
  fk_transform_options_add(context, &rp.topts);
  /* --before and --after into markers GOption keeps in place; "--" parts
   * the sides as in diff (GOption drops it: count what follows first). */
  g_autofree char **args = g_new0(char *, argc + 1);
  int after_dash = -1, nargs = 0;
  gboolean marks = FALSE;
  for (int i = 0; i < argc; i++) {
    if (after_dash < 0 && strcmp(argv[i], "--") == 0)
      after_dash = argc - i - 1;
    if (after_dash < 0 && strcmp(argv[i], "--before") == 0)
      args[nargs++] = (char *)MARK_BEFORE, marks = TRUE;
    else if (after_dash < 0 && strcmp(argv[i], "--after") == 0)
      args[nargs++] = (char *)MARK_AFTER, marks = TRUE;
    else
      args[nargs++] = argv[i];
  }
  int ac = nargs;
  char **av = args;
  int rc = fk_cmd_parse_reading(context, &ac, &av, &rp.iopts, &rp.topts, &rp.copts);
  if (rc == FK_EXIT_OK) {
    /* --minwidth is the graphs', as in graph: frames it leaves out still
     * count in their parents */
    rp.minwidth = g_steal_pointer(&rp.topts.minwidth);
    rc = check(&rp);
  }
  /* the inputs, by side */
  GPtrArray *side[3] = {g_ptr_array_new(), g_ptr_array_new(), g_ptr_array_new()};
  int cur = 0; /* 0 one side; 1 before; 2 after */
  int positional = ac - 1;
  for (int i = 1; rc == FK_EXIT_OK && i < ac; i++) {
    if (strcmp(av[i], MARK_BEFORE) == 0)
      cur = 1;
    else if (strcmp(av[i], MARK_AFTER) == 0)
      cur = 2;
    else if (after_dash >= 0 && !marks)
      g_ptr_array_add(side[i > positional - after_dash ? 2 : 1], av[i]);
    else if (marks && cur == 0)
      rc = fk_cmd_usage("'%s': with --before and --after every input follows one of them", av[i]);
    else
      g_ptr_array_add(side[cur], av[i]);
  }
  if (rc == FK_EXIT_OK && marks && after_dash >= 0)
    rc = fk_cmd_usage("two sides are either --before ... --after ... or BEFORE... -- AFTER...");
  gboolean two = marks || after_dash >= 0;
  if (rc == FK_EXIT_OK && two && (side[1]->len == 0 || side[2]->len == 0))
    rc = fk_cmd_usage("expected inputs on both sides: BEFORE... -- AFTER... or --before ... "
                      "--after ...");
  if (rc == FK_EXIT_OK && two && rp.index)
    rc = fk_cmd_usage("--index takes report folders, not two sides");
  int stdins = 0;
  for (guint s = 1; rc == FK_EXIT_OK && s < 3; s++)
    for (guint i = 0; i < side[s]->len; i++)
      stdins += strcmp(side[s]->pdata[i], "-") == 0;
  if (rc == FK_EXIT_OK && stdins > 1)
    rc = fk_cmd_usage("BEFORE and AFTER cannot both be standard input");
  if (rc == FK_EXIT_OK) {
    for (int s = 0; s < 3; s++)
      g_ptr_array_add(side[s], NULL);
    if (rp.index) {
      rc = run_index((char **)side[0]->pdata, &rp);
    } else if (two) {
      char **sides[2] = {(char **)side[1]->pdata, (char **)side[2]->pdata};
      int n[2] = {(int)side[1]->len - 1, (int)side[2]->len - 1};
      rc = run_two_sides(sides, n, &rp);
    } else {
      rc = run_one_side((char **)side[0]->pdata, &rp);
    }
  }
  for (int s = 0; s < 3; s++)
    g_ptr_array_unref(side[s]);
  report_clear(&rp);
  return rc;
}
