/* folded.c -- the folded-stacks reader: `frame;frame;leaf COUNT` per line.
 *
 * Accepts what flamegraph.pl and inferno accept: names with spaces, decimal
 * counts (kept exactly), the two-count differential form `stack BEFORE AFTER`,
 * CRLF, BOMs and UTF-16 (see lines.c), blank and `#` lines. Consecutive lines
 * usually share a prefix (folded files are sorted), so the frames of the
 * previous line are reused instead of interned again.
 *
 * A partial result (`fold --partial`, partial.h) is read as one: its header
 * gives the unit and event of the weights that follow, and its leading group
 * frames ("[host=web01]") give the samples their labels again, so a merge
 * counts hosts and events as the run over the original inputs did. */
#include "reader.h"

#include "../analyze/transform.h"

#include "../analyze/collect.h"

#include "framename.h"
#include "lines.h"
#include "names.h"
#include "partial.h"

#include <string.h>

typedef struct {
  FkInput *in;
  const FkReadOptions *opts;
  FkLines *lines; /* numbered in the piece when OPTS->piece is one after the first */
  const char *file;
  const char *host;
  char *prev; /* the previous stack's PREV_LEN bytes, in a buffer of PREV_CAP */
  gsize prev_len, prev_cap;
  /* The previous/current stack: its interned names, and the offset of the
   * ';' (or end) closing each frame, N_FRAMES of each in arrays of CAP.
   * Plain arrays: GLib's resizes and appends, several calls a frame, were a
   * tenth of reading a folded file. */
  const char **frames;
  gsize *ends;
  gsize n_frames, cap;
  /* Where the line after the one look_ahead loaded last begins, in the
   * bytes the lines held then (NULL: none). */
  const char *ahead_next;
  guint64 deep_stacks; /* stacks cut at max_depth */
  FkPartialReader *partial;
  GHashTable *group_labels; /* interned group frame -> GroupLabel, in partials */
} Folded;

static gboolean
is_space(char c)
{
  return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r';
}

/* Splits off a trailing count: the token after the last run of whitespace.
 * On success *STACK_LEN is the length of what precedes that whitespace. */
static gboolean
split_count(const char *line, gsize len, gsize *stack_len, gint64 *v, guint8 *dec)
{
  gsize e = len;
  while (e > 0 && is_space(line[e - 1]))
    e--;
  /* The token ends at whitespace; a byte that cannot be in a count ends the
   * scan at once: the check for a second count (`stack BEFORE AFTER`) runs
   * on every line, and would otherwise walk back over the whole of a stack
   * without spaces, byte by byte (12% of reading gen-folded's input). */
  gsize s = e;
  while (s > 0 && ((line[s - 1] >= '0' && line[s - 1] <= '9') || line[s - 1] == '.'))
    s--;
  if (s > 0 && !is_space(line[s - 1]))
    return FALSE;
  if (s == 0 || s == e || !fk_weight_parse(line + s, e - s, v, dec))
    return FALSE;
  while (s > 0 && is_space(line[s - 1]))
    s--;
  *stack_len = s;
  return TRUE;
}

static gsize
common_prefix(const char *a, gsize alen, const char *b, gsize blen)
{
  gsize n = MIN(alen, blen), i = 0;
  while (i + 8 <= n) {
    guint64 x, y;
    memcpy(&x, a + i, 8);
    memcpy(&y, b + i, 8);
    if (x != y)
      break;
    i += 8;
  }
  while (i < n && a[i] == b[i])
    i++;
  return i;
}

static int
folded_bid(const guint8 *head, gsize len)
{
  if (memchr(head, '\0', len) != NULL) {
    /* UTF-16 text has NULs; anything else with NULs is binary. */
    if (len >= 2 && ((head[0] == 0xFF && head[1] == 0xFE) || (head[0] == 0xFE && head[1] == 0xFF)))
      return 40;
    return 0;
  }
  const char *p = (const char *)head, *end = p + len;
  if (fk_partial_starts(head, len))
    return 60; /* its header lines are comments, which say nothing below */
  if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
    p += 3;
  int good = 0, bad = 0;
  while (p < end && good + bad < 8) {
    const char *next = NULL;
    const char *nl = fk_lines_head_line(p, end, &next);
    if (nl == NULL)
      break; /* a partial last line says nothing */
    gsize l = (gsize)(nl - p);
    gsize sl;
    gint64 v;
    guint8 d;
    if (l == 0 || p[0] == '#' || (l == 1 && p[0] == '\r')) {
      /* blank or comment */
    } else if (!is_space(p[0]) && split_count(p, l, &sl, &v, &d) && sl > 0) {
      good++;
    } else {
      bad++;
    }
    p = next;
  }
  if (good > 0 && good >= bad)
    return 50;
  return 1; /* any text: the reader of last resort, which reports what it skips */
}

/* Every line is a record, unless the input is UTF-16 (decoded from its
 * start) or a partial (its header gives the lines after it their unit);
 * a partial's header further on is found by the piece that holds it. */
static gboolean
folded_cut(const guint8 *head, gsize len)
{
  return folded_bid(head, len) >= 50 && memchr(head, '\0', len) == NULL &&
         !fk_partial_starts(head, len);
}

static gpointer
folded_open(FkInput *in, const FkReadOptions *opts, GError **error)
{
  (void)error;
  Folded *f = g_new0(Folded, 1);
  f->in = in;
  f->opts = opts;
  f->lines = fk_lines_new(in, opts->max_line);
  if (opts->piece != NULL && !opts->piece->first)
    fk_lines_set_piece(f->lines);
  f->file = fk_interner_intern0(opts->strings, fk_input_name(in));
  f->host = fk_interner_intern0(opts->strings, fk_input_host(in));
  f->partial = fk_partial_reader_new(fk_input_name(in), opts->diag);
  f->group_labels = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
  return f;
}

/* The input's number of the line last read: for a piece, counted from the
 * lines before it (fk_piece_lines_before), which only a message asks for. */
static guint64
line_number(Folded *f)
{
  guint64 n = fk_lines_number(f->lines);
  return f->opts->piece != NULL ? n + fk_piece_lines_before(f->opts->piece) : n;
}

static FkReadStatus
skipped(Folded *f, const FkWeight *w, GError **error, const char *what)
{
  g_autofree char *where =
      g_strdup_printf("%s:%" G_GUINT64_FORMAT, fk_input_name(f->in), line_number(f));
  fk_diag_skip(f->opts->diag, where, w, "%s", what);
  if (f->opts->strict) {
    g_set_error(error, FK_READER_ERROR, FK_READER_ERROR_STRICT, "%s: %s", where, what);
    return FK_READ_ERROR;
  }
  return FK_READ_SAMPLE;
}

/* What one group frame of a partial says: its key and value. */
typedef struct {
  FkGroupKey key;
  gboolean known;    /* not "?" and a value the key takes */
  const char *value; /* interned */
  gint64 number;     /* pid, tid */
} GroupLabel;

/* The label of group frame NAME ("[host=web01]", as fk_group_frame_name
 * writes it, %XX decoded), parsed once per distinct frame. */
static const GroupLabel *
group_label(Folded *f, const char *name)
{
  GroupLabel *l = g_hash_table_lookup(f->group_labels, name);
  if (l != NULL)
    return l;
  l = g_new0(GroupLabel, 1);
  const char *eq = strchr(name, '=');
  g_autofree char *key = g_strndup(name + 1, (gsize)(eq - name - 1));
  GString *v = g_string_new(NULL);
  for (const char *p = eq + 1; p[1] != '\0'; p++) {
    if (p[0] == '%' && g_ascii_isxdigit(p[1]) && g_ascii_isxdigit(p[2])) {
      g_string_append_c(v, (char)(g_ascii_xdigit_value(p[1]) * 16 + g_ascii_xdigit_value(p[2])));
      p += 2;
    } else {
      g_string_append_c(v, *p);
    }
  }
  g_autofree char *value = g_string_free(v, FALSE);
  l->known = strcmp(value, "?") != 0 && fk_group_key_parse(key, &l->key);
  l->value = fk_interner_intern0(f->opts->strings, value);
  if (l->known && (l->key == FK_GROUP_PID || l->key == FK_GROUP_TID)) {
    char *end;
    l->number = g_ascii_strtoll(value, &end, 10);
    l->known = *end == '\0' && end != value;
  }
  g_hash_table_insert(f->group_labels, (gpointer)name, l);
  return l;
}

/* A sample of a partial: the unit and event its header gives, and the
 * labels of its leading group frames, so that hosts and events are counted
 * as in the run over the original inputs. */
static void
partial_labels(Folded *f, FkSample *s)
{
  s->period = strcmp(fk_partial_reader_unit(f->partial), "samples") != 0;
  const char *event = fk_partial_reader_event(f->partial);
  if (event != NULL)
    s->event = fk_interner_intern0(f->opts->strings, event);
  for (gsize i = 0; i < s->n_frames && fk_is_group_frame(s->frames[i]); i++) {
    const GroupLabel *l = group_label(f, s->frames[i]);
    if (!l->known)
      continue;
    switch (l->key) {
    case FK_GROUP_HOST:
      s->host = l->value;
      break;
    case FK_GROUP_FILE:
      s->file = l->value;
      break;
    case FK_GROUP_COMM:
      s->comm = l->value;
      break;
    case FK_GROUP_EVENT:
      s->event = l->value;
      break;
    case FK_GROUP_PID:
      s->pid = l->number;
      break;
    case FK_GROUP_TID:
      s->tid = l->number;
      break;
    }
  }
}

/* Bytes of the lines looked at ahead, at most, and frames of the line
 * whose slots are loaded: the AHEAD_LINES-th after the one read. One line
 * ahead, the slot came too late: a line's work (about 0.4 us) is less than
 * a miss takes on this VM under load, and the intern still waited for it
 * (60% of its samples on wide flat). Wall time of graph -q on wide flat,
 * medians of 7 interleaved runs by distance: 1.02 s at 1, 0.80 at 2, 0.77
 * at 3, 0.74 at 4, 0.90 at 6, 0.75 at 8, 0.93 at 12. */
#define AHEAD_BYTES 4096
#define AHEAD_FRAMES 64
#define AHEAD_LINES 4

/* Starts loading the interner's slots of the frames of the line
 * AHEAD_LINES after the one read, if SELF's lines hold it already: with a
 * million names (a wide flat profile) a slot is a cache miss, which the
 * work of the lines before then hides (one line ahead, graph on wide flat
 * took 0.92x the user time, 0.90x the wall, 10 paired runs; loading the
 * names in those slots too, a line later, was no faster: 1.03x). The
 * lines before it were loaded by the calls before: a call goes on from
 * the line after the one it loaded last while that is in the bytes held
 * (F->ahead_next), and counts AHEAD_LINES lines from the line read only
 * when it is not (at the start, in new bytes): counting them every time
 * was four memchr calls a line, 6% more instructions on wide flat. Lines
 * past AHEAD_BYTES are not looked at. The split is the plain one (the
 * frames before the last space, at each ';', offsets kept); where the
 * real one differs (a name with spaces, an offset stripped, a comment), a
 * slot is loaded for nothing, and a line skipped (a comment) brings the
 * line loaded a line nearer: a hint either way. */
static void
look_ahead(Folded *f)
{
  if (!fk_interner_outgrows_cache(f->opts->strings))
    return;
  const char *p, *held;
  gsize n, n_held = fk_lines_ahead(f->lines, &held);
  guintptr at = (guintptr)f->ahead_next, from = (guintptr)held;
  guintptr stop = from + MIN(n_held, AHEAD_BYTES);
  if (n_held > 0 && at > from && at < stop) {
    p = f->ahead_next;
    const char *nl = memchr(p, '\n', (gsize)(stop - at));
    if (nl == NULL)
      return; /* not held whole yet */
    n = (gsize)(nl - p);
  } else if (!fk_lines_ahead_line(f->lines, AHEAD_LINES, AHEAD_BYTES, &p, &n)) {
    return;
  }
  f->ahead_next = p + n + 1;
  const char *end = p + n;
  while (end > p && end[-1] != ' ')
    end--;
  if (end == p)
    return;
  end--; /* the space */
  for (guint k = 0; p < end && k < AHEAD_FRAMES; k++) {
    const char *semi = memchr(p, ';', (gsize)(end - p));
    const char *e = semi ? semi : end;
    fk_interner_prefetch(f->opts->strings, fk_hash_bytes(p, (gsize)(e - p)));
    if (semi == NULL)
      break;
    p = semi + 1;
  }
}

static FkReadStatus
folded_next(gpointer state, FkSample *s, GError **error)
{
  Folded *f = state;
  gsize max_depth = fk_name_max_depth(f->opts);
  for (;;) {
    char *line;
    gsize len;
    FkLineStatus st = fk_lines_next(f->lines, &line, &len, error);
    if (st == FK_LINE_ERROR)
      return FK_READ_ERROR;
    if (st == FK_LINE_END)
      return FK_READ_END;
    if (st == FK_LINE_TOO_LONG) {
      if (skipped(f, NULL, error, "line longer than the limit") == FK_READ_ERROR)
        return FK_READ_ERROR;
      continue;
    }
    gsize i = 0;
    while (i < len && is_space(line[i]))
      i++;
    if (i == len)
      continue;
    if (line[i] == '#') {
      if (i == 0 && f->opts->piece != NULL && len >= 18 &&
          memcmp(line, "# flamekit-partial", 18) == 0) {
        /* The stacks after it take its unit and labels: pieces after this
         * one would not know them. */
        g_set_error(error, FK_READER_ERROR, FK_READER_ERROR_UNCUT,
                    "%s:%" G_GUINT64_FORMAT ": a partial's header: read whole",
                    fk_input_name(f->in), line_number(f));
        return FK_READ_ERROR;
      }
      if (i == 0 && len >= 11 && memcmp(line, "# flamekit-", 11) == 0) {
        /* (only those: a comment's number is never needed, and a piece
         * would count the lines before it for it) */
        g_autofree char *where =
            g_strdup_printf("%s:%" G_GUINT64_FORMAT, fk_input_name(f->in), line_number(f));
        fk_partial_reader_line(f->partial, line, len, where);
      }
      continue;
    }
    FkWeight w = {{0, 0}, 1, 0};
    gsize stack_len;
    if (!split_count(line, len, &stack_len, &w.v[0], &w.decimals) || stack_len == 0) {
      if (skipped(f, NULL, error, "not a folded stack line") == FK_READ_ERROR)
        return FK_READ_ERROR;
      continue;
    }
    /* The two-count differential form: `stack BEFORE AFTER`. */
    gint64 v2;
    guint8 d2;
    gsize sl2;
    if (split_count(line, stack_len, &sl2, &v2, &d2) && sl2 > 0) {
      w.columns = 2;
      w.v[1] = w.v[0];
      w.v[0] = v2;
      /* Bring both to the larger number of decimals. */
      gboolean overflow;
      if (d2 > w.decimals) {
        overflow = __builtin_mul_overflow(w.v[1], fk_pow10(d2 - w.decimals), &w.v[1]);
        w.decimals = d2;
      } else {
        overflow = __builtin_mul_overflow(w.v[0], fk_pow10(w.decimals - d2), &w.v[0]);
      }
      if (overflow) {
        if (skipped(f, NULL, error, "count too large") == FK_READ_ERROR)
          return FK_READ_ERROR;
        continue;
      }
      stack_len = sl2;
    }
    /* Reuse the frames that the previous stack shares, up to a ';'. */
    gsize common = common_prefix(f->prev, f->prev_len, line, stack_len);
    guint keep = 0;
    while (keep < f->n_frames && f->ends[keep] < common)
      keep++;
    f->n_frames = keep;
    gsize pos = keep ? f->ends[keep - 1] + 1 : 0;
    while (pos <= stack_len && f->n_frames < max_depth) {
      const char *semi = memchr(line + pos, ';', stack_len - pos);
      gsize e = semi ? (gsize)(semi - line) : stack_len;
      if (f->n_frames == f->cap) {
        f->cap = MAX(64, f->cap * 2);
        f->frames = g_renew(const char *, f->frames, f->cap);
        f->ends = g_renew(gsize, f->ends, f->cap);
      }
      /* A group frame ("[host=a]") ends in ']': never an offset. */
      f->frames[f->n_frames] = f->opts->strip_offsets
                                   ? fk_frame_intern_unoffset(f->opts->strings, line + pos, e - pos)
                                   : fk_frame_intern(f->opts->strings, line + pos, e - pos);
      f->ends[f->n_frames++] = e;
      pos = e + 1;
    }
    if (pos <= stack_len)
      f->deep_stacks++;
    /* the first COMMON bytes are there already */
    if (stack_len > f->prev_cap) {
      f->prev_cap = MAX(stack_len, 2 * f->prev_cap);
      f->prev = g_realloc(f->prev, f->prev_cap);
    }
    memcpy(f->prev + common, line + common, stack_len - common);
    f->prev_len = stack_len;

    look_ahead(f);
    fk_sample_init(s);
    s->frames = f->frames;
    s->n_frames = f->n_frames;
    s->weight = w;
    s->file = f->file;
    s->host = f->host;
    if (fk_partial_reader_unit(f->partial) != NULL)
      partial_labels(f, s);
    return FK_READ_SAMPLE;
  }
}

static void
folded_close(gpointer state)
{
  Folded *f = state;
  if (f->opts->piece != NULL)
    f->opts->piece->deep_stacks = f->deep_stacks; /* the pipeline notes the input's sum */
  else
    fk_diag_note_deep(f->opts->diag, fk_input_name(f->in), f->deep_stacks,
                      fk_name_max_depth(f->opts));
  fk_lines_report(f->lines, f->opts->diag, fk_input_name(f->in));
  fk_lines_free(f->lines);
  fk_partial_reader_free(f->partial);
  g_hash_table_unref(f->group_labels);
  g_free(f->prev);
  g_free(f->ends);
  g_free(f->frames);
  g_free(f);
}

const FkReader fk_reader_folded = {
    .name = "folded",
    .summary = "folded stacks: `frame;frame;leaf COUNT` (also `stack BEFORE AFTER`)",
    .bid = folded_bid,
    .open = folded_open,
    .next = folded_next,
    .close = folded_close,
    .cut = folded_cut,
};
