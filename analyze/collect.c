/* collect.c -- samples into one tree: group frames, time range, time order. */
#include "collect.h"

#include <string.h>

/* A sample kept aside for time ordering: its frames live in FkCollector.pool. */
typedef struct {
  guint64 time;
  gint64 pid, tid;
  guint64 seq; /* arrival order, for a stable sort */
  gsize first, n;
  FkWeight weight;
} Timed;

struct FkCollector {
  FkCollectOptions opts;
  FkTree *tree;
  GPtrArray *scratch; /* group frames + sample frames */
  GArray *timed;      /* Timed */
  GPtrArray *pool;    /* interned frames of the timed samples */
  FkCollectStats stats;
};

static const char *const key_names[] = {"host", "file", "pid", "tid", "comm", "event"};

const char *
fk_group_key_name(FkGroupKey key)
{
  return (guint)key < G_N_ELEMENTS(key_names) ? key_names[key] : NULL;
}

gboolean
fk_group_key_parse(const char *name, FkGroupKey *key)
{
  for (guint i = 0; i < G_N_ELEMENTS(key_names); i++)
    if (strcmp(name, key_names[i]) == 0) {
      *key = (FkGroupKey)i;
      return TRUE;
    }
  return FALSE;
}

char *
fk_group_frame_name(FkGroupKey key, const char *value)
{
  GString *s = g_string_new("[");
  g_string_append(s, fk_group_key_name(key));
  g_string_append_c(s, '=');
  if (value == NULL || *value == '\0')
    value = "?";
  for (const char *p = value; *p; p++) {
    if (*p == ';' || *p == '%' || (guchar)*p < 0x20 || *p == 0x7f)
      g_string_append_printf(s, "%%%02X", (guint)(guchar)*p);
    else
      g_string_append_c(s, *p);
  }
  g_string_append_c(s, ']');
  return g_string_free(s, FALSE);
}

gboolean
fk_is_group_frame(const char *name)
{
  if (name[0] != '[')
    return FALSE;
  gsize len = strlen(name);
  if (len < 4 || name[len - 1] != ']')
    return FALSE;
  const char *eq = strchr(name, '=');
  if (eq == NULL)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS(key_names); i++) {
    gsize kl = strlen(key_names[i]);
    if ((gsize)(eq - name - 1) == kl && memcmp(name + 1, key_names[i], kl) == 0)
      return TRUE;
  }
  return FALSE;
}

void
fk_collect_options_init(FkCollectOptions *opts)
{
  memset(opts, 0, sizeof *opts);
}

FkCollector *
fk_collector_new(FkInterner *strings, const FkCollectOptions *opts)
{
  FkCollector *self = g_new0(FkCollector, 1);
  self->opts = *opts;
  self->tree = fk_tree_new(strings, opts->tree_flags);
  self->scratch = g_ptr_array_new();
  self->timed = g_array_new(FALSE, FALSE, sizeof(Timed));
  self->pool = g_ptr_array_new();
  return self;
}

void
fk_collector_free(FkCollector *self)
{
  if (self == NULL)
    return;
  fk_tree_free(self->tree);
  g_ptr_array_free(self->scratch, TRUE);
  g_array_free(self->timed, TRUE);
  g_ptr_array_free(self->pool, TRUE);
  g_free(self);
}

gboolean
fk_collector_reset(FkCollector *self)
{
  if (self->timed->len > (1u << 16) || !fk_tree_reset(self->tree))
    return FALSE;
  g_ptr_array_set_size(self->scratch, 0);
  g_array_set_size(self->timed, 0);
  g_ptr_array_set_size(self->pool, 0);
  memset(&self->stats, 0, sizeof self->stats);
  return TRUE;
}

gsize
fk_collector_bytes(const FkCollector *self)
{
  return fk_tree_bytes(self->tree) + fk_interner_bytes(fk_tree_strings(self->tree)) +
         self->timed->len * sizeof(Timed) + self->pool->len * sizeof(gpointer);
}

FkInterner *
fk_collector_strings(FkCollector *self)
{
  return fk_tree_strings(self->tree);
}

void
fk_collector_stats(const FkCollector *self, FkCollectStats *stats)
{
  *stats = self->stats;
}

static double
weight_value(const FkWeight *w)
{
  return (double)w->v[w->columns > 1 ? 1 : 0] / (double)fk_pow10(w->decimals);
}

/* The interned "[key=value]" frame of S for KEY. */
static const char *
group_frame(FkCollector *self, FkGroupKey key, const FkSample *s)
{
  char num[32];
  const char *value = NULL;
  switch (key) {
  case FK_GROUP_HOST:
    value = s->host;
    break;
  case FK_GROUP_FILE:
    value = s->file;
    break;
  case FK_GROUP_COMM:
    value = s->comm;
    break;
  case FK_GROUP_EVENT:
    value = s->event;
    break;
  case FK_GROUP_PID:
  case FK_GROUP_TID: {
    gint64 v = key == FK_GROUP_PID ? s->pid : s->tid;
    if (v >= 0) {
      g_snprintf(num, sizeof num, "%" G_GINT64_FORMAT, v);
      value = num;
    }
    break;
  }
  }
  g_autofree char *name = fk_group_frame_name(key, value);
  return fk_interner_intern0(fk_tree_strings(self->tree), name);
}

void
fk_collector_coming(FkCollector *self, const FkSample *s)
{
  /* only the stacks that go to the tree as they are (fk_collector_add) */
  if (self->opts.n_group_by == 0 && !(self->opts.tree_flags & FK_TREE_SEQUENTIAL))
    fk_tree_coming(self->tree, (const char *const *)s->frames, s->n_frames);
}

gboolean
fk_collector_add(FkCollector *self, const FkSample *s, GError **error)
{
  if (s->has_time)
    self->stats.timed++;
  if (self->opts.time_range) {
    if (!s->has_time) {
      self->stats.untimed++;
      self->stats.untimed_weight += weight_value(&s->weight);
      return TRUE;
    }
    if (s->time < self->opts.time_from || s->time >= self->opts.time_to) {
      self->stats.out_of_range++;
      self->stats.out_of_range_weight += weight_value(&s->weight);
      return TRUE;
    }
  }
  if (s->has_time) {
    FkCollectStats *st = &self->stats;
    if (st->kept_timed == 0 || s->time < st->time_first)
      st->time_first = s->time;
    if (st->kept_timed == 0 || s->time > st->time_last)
      st->time_last = s->time;
    st->kept_timed++;
  }
  gboolean keep_aside = (self->opts.tree_flags & FK_TREE_SEQUENTIAL) && s->has_time;
  if (self->opts.n_group_by == 0 && !keep_aside)
    return fk_tree_add_sample(self->tree, s, error);
  GPtrArray *f = keep_aside ? self->pool : self->scratch;
  gsize first = keep_aside ? f->len : 0;
  if (!keep_aside)
    g_ptr_array_set_size(f, 0);
  for (guint i = 0; i < self->opts.n_group_by; i++)
    g_ptr_array_add(f, (gpointer)group_frame(self, self->opts.group_by[i], s));
  if (keep_aside && self->opts.n_group_by == 0)
    g_ptr_array_add(f, (gpointer)group_frame(self, FK_GROUP_TID, s));
  /* Grouping is idempotent: a stack that already starts with exactly the
   * group frames it gets (a partial result grouped the same way, whose
   * reader gave the samples those labels back) keeps one set of them. */
  gsize from = 0, n_groups = f->len - first;
  if (n_groups > 0 && s->n_frames >= n_groups) {
    while (from < n_groups && s->frames[from] == g_ptr_array_index(f, first + from))
      from++;
    if (from < n_groups)
      from = 0;
  }
  for (gsize i = from; i < s->n_frames; i++)
    g_ptr_array_add(f, (gpointer)s->frames[i]);
  if (!keep_aside)
    return fk_tree_add_stack(self->tree, (const char *const *)f->pdata, f->len, &s->weight, error);
  Timed t = {s->time, s->pid, s->tid, self->timed->len, first, f->len - first, s->weight};
  g_array_append_val(self->timed, t);
  return TRUE;
}

gboolean
fk_collector_interns(const FkCollector *self)
{
  return self->opts.n_group_by > 0 || (self->opts.tree_flags & FK_TREE_SEQUENTIAL);
}

gboolean
fk_collector_merge(FkCollector *self, FkCollector *from, GError **error)
{
  /* Into an empty collector (the first of parallel results, or the only one):
   * take FROM's tree and samples instead of copying them node by node. */
  if (fk_tree_size(self->tree) == 1 && fk_tree_total(self->tree, 0) == 0 &&
      fk_tree_total(self->tree, 1) == 0 && self->timed->len == 0 && self->pool->len == 0 &&
      fk_tree_flags(self->tree) == fk_tree_flags(from->tree)) {
    FkTree *t = self->tree;
    self->tree = from->tree;
    from->tree = t;
    GArray *timed = self->timed;
    self->timed = from->timed;
    from->timed = timed;
    GPtrArray *pool = self->pool;
    self->pool = from->pool;
    from->pool = pool;
    self->stats = from->stats;
    memset(&from->stats, 0, sizeof from->stats);
    return TRUE;
  }
  self->stats.untimed += from->stats.untimed;
  self->stats.out_of_range += from->stats.out_of_range;
  self->stats.untimed_weight += from->stats.untimed_weight;
  self->stats.out_of_range_weight += from->stats.out_of_range_weight;
  self->stats.timed += from->stats.timed;
  if (from->stats.kept_timed > 0) {
    FkCollectStats *st = &self->stats;
    if (st->kept_timed == 0 || from->stats.time_first < st->time_first)
      st->time_first = from->stats.time_first;
    if (st->kept_timed == 0 || from->stats.time_last > st->time_last)
      st->time_last = from->stats.time_last;
    st->kept_timed += from->stats.kept_timed;
  }
  memset(&from->stats, 0, sizeof from->stats);
  gboolean same = fk_tree_strings(self->tree) == fk_tree_strings(from->tree);
  for (guint i = 0; i < from->timed->len; i++) {
    Timed t = g_array_index(from->timed, Timed, i);
    gsize first = self->pool->len;
    for (gsize k = 0; k < t.n; k++) {
      const char *name = g_ptr_array_index(from->pool, t.first + k);
      g_ptr_array_add(
          self->pool,
          (gpointer)(same ? name : fk_interner_intern0(fk_tree_strings(self->tree), name)));
    }
    t.first = first;
    t.seq = self->timed->len;
    g_array_append_val(self->timed, t);
  }
  g_array_set_size(from->timed, 0);
  g_ptr_array_set_size(from->pool, 0);
  if (!fk_tree_merge_into(self->tree, from->tree, error))
    return FALSE;
  /* FROM keeps its memory for what it collects next (an archive member's
   * collector is reused for the next member), unless it grew big. */
  if (!fk_tree_reset(from->tree)) {
    fk_tree_free(from->tree);
    from->tree = fk_tree_new(fk_tree_strings(self->tree), from->opts.tree_flags);
  }
  return TRUE;
}

static int
cmp_timed(gconstpointer a, gconstpointer b)
{
  const Timed *x = a, *y = b;
  if (x->pid != y->pid)
    return x->pid < y->pid ? -1 : 1;
  if (x->tid != y->tid)
    return x->tid < y->tid ? -1 : 1;
  if (x->time != y->time)
    return x->time < y->time ? -1 : 1;
  return x->seq < y->seq ? -1 : x->seq > y->seq;
}

FkTree *
fk_collector_finish(FkCollector *self, GError **error)
{
  g_array_sort(self->timed, cmp_timed);
  for (guint i = 0; i < self->timed->len; i++) {
    const Timed *t = &g_array_index(self->timed, Timed, i);
    if (!fk_tree_add_stack(self->tree, (const char *const *)self->pool->pdata + t->first, t->n,
                           &t->weight, error))
      return NULL;
  }
  g_array_set_size(self->timed, 0);
  g_ptr_array_set_size(self->pool, 0);
  FkTree *t = self->tree;
  self->tree = fk_tree_new(fk_tree_strings(t), self->opts.tree_flags);
  fk_tree_finish(t);
  return t;
}

const FkCollectOptions *
fk_collector_options(const FkCollector *self)
{
  return &self->opts;
}
