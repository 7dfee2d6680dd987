/* bpftrace.c -- the bpftrace map reader: `@name[key, ...]: value` entries
 * whose keys include stacks (`kstack`, `ustack`, `stack_mode=perf`), as
 * bpftrace prints them at exit, and the same maps in `-f json` output.
 *
 *     @[busy, 12457,          <- scalar keys inline; a stack key starts a
 *         leaf+34                line of its own, frames indented, leaf first
 *         main+68
 *     ,
 *         0x7f8df18b424a      <- the next stack key after a `, ` line
 *     ]: 3                    <- the value
 *
 * An empty stack prints nothing between its separators (`@[, `). Scalar keys
 * (comm, pid, ...) become root frames in key order, then the stacks from the
 * last printed to the first (a kernel stack printed before the user stack is
 * the leaf side). Decimal `+off` offsets are dropped unless --includeoffset;
 * `stack_mode=perf` frames `HEXIP sym (module)` keep only the symbol. The map
 * name is the sample's event label. A sample whose keys are all empty stacks
 * is the one frame `[empty stack]`, so its weight is kept. */
#include "textdump.h"

#include "framename.h"
#include "../analyze/transform.h"
#include "lines.h"
#include "names.h"

#include <string.h>

#define EMPTY_STACK "[empty stack]"

typedef struct {
  FkInput *in;
  const FkReadOptions *opts;
  FkLines *lines;
  const char *file;
  const char *host;
  gboolean json;
  /* the open record */
  gboolean in_record;
  guint64 record_line;
  const char *map;
  GPtrArray *keys;   /* interned scalar keys */
  GPtrArray *frames; /* interned frames, as printed (leaf first per stack) */
  GPtrArray *out;
  GString *buf;
  /* -f json: the entries of the current map line still to hand out */
  GString *jline;   /* the JSON line being walked (owned copy) */
  gsize jpos;       /* position in jline of the next entry */
  const char *jmap; /* its map name */
  guint64 jline_no;
  GString *jkey;
  guint64 deep_stacks;
} Bpftrace;

static int
bpftrace_bid(const guint8 *head, gsize len)
{
  if (memchr(head, '\0', len) != NULL)
    return 0;
  const char *p = (const char *)head, *end = p + len;
  int maps = 0, frames = 0, bad = 0, lines = 0;
  gboolean json = FALSE;
  while (p < end && lines < 200) {
    const char *next = NULL;
    const char *nl = fk_lines_head_line(p, end, &next);
    const char *e = nl ? nl : end; /* a partial last line: its start counts */
    gsize l = (gsize)(e - p);
    lines++;
    if (l >= 9 && memcmp(p, "{\"type\": ", 9) == 0) {
      json = TRUE;
      if (g_strstr_len(p, (gssize)l, "\"type\": \"map\"") != NULL ||
          g_strstr_len(p, (gssize)l, "\"type\": \"attached_probes\"") != NULL)
        maps++;
    } else if (l > 0 && p[0] == '@') {
      const char *q = p + 1;
      while (q < e && (g_ascii_isalnum(*q) || *q == '_'))
        q++;
      if (q < e && (*q == '[' || *q == ':'))
        maps++;
      else
        bad++;
    } else if (l > 0 && (p[0] == ' ' || p[0] == '\t' || p[0] == ',' || p[0] == ']')) {
      frames++;
    } else if (l == 0 || (l >= 9 && memcmp(p, "Attaching", 9) == 0)) {
      /* blank, or bpftrace's banner */
    } else if (nl != NULL) {
      bad++;
    }
    if (nl == NULL)
      break;
    p = next;
  }
  if (json && maps > 0)
    return 85;
  if (maps > 0 && bad == 0)
    return frames > 0 ? 85 : 40;
  return 0;
}

static gpointer
bpftrace_open(FkInput *in, const FkReadOptions *opts, GError **error)
{
  (void)error;
  Bpftrace *b = g_new0(Bpftrace, 1);
  b->in = in;
  b->opts = opts;
  b->lines = fk_lines_new(in, opts->max_line);
  b->file = fk_interner_intern0(opts->strings, fk_input_name(in));
  b->host = fk_td_host(opts, in);
  b->keys = g_ptr_array_new();
  b->frames = g_ptr_array_new();
  b->out = g_ptr_array_new();
  b->buf = g_string_new(NULL);
  b->jline = g_string_new(NULL);
  b->jkey = g_string_new(NULL);
  return b;
}

static void
bpftrace_close(gpointer state)
{
  Bpftrace *b = state;
  fk_diag_note_deep(b->opts->diag, fk_input_name(b->in), b->deep_stacks,
                    fk_name_max_depth(b->opts));
  fk_lines_report(b->lines, b->opts->diag, fk_input_name(b->in));
  fk_lines_free(b->lines);
  g_ptr_array_free(b->keys, TRUE);
  g_ptr_array_free(b->frames, TRUE);
  g_ptr_array_free(b->out, TRUE);
  g_string_free(b->buf, TRUE);
  g_string_free(b->jline, TRUE);
  g_string_free(b->jkey, TRUE);
  g_free(b);
}

static void
start_record(Bpftrace *b, const char *map, guint64 line)
{
  b->in_record = TRUE;
  b->record_line = line;
  b->map = map;
  g_ptr_array_set_size(b->keys, 0);
  g_ptr_array_set_size(b->frames, 0);
}

/* One frame line (S..E, trimmed) of a stack key. */
static void
add_frame(Bpftrace *b, const char *s, const char *e)
{
  /* stack_mode=perf: `HEXIP sym+off (module)`. */
  const char *t = s;
  while (t < e && fk_td_is_hex(*t))
    t++;
  if (t > s && t < e && fk_td_is_space(*t) && !(t - s > 1 && s[0] == '0' && s[1] == 'x')) {
    const char *q = t;
    while (q < e && fk_td_is_space(*q))
      q++;
    s = q;
    if (e > s && e[-1] == ')') {
      const char *o = e - 1;
      int depth = 0;
      for (; o >= s; o--) {
        if (*o == ')')
          depth++;
        else if (*o == '(' && --depth == 0)
          break;
      }
      if (o > s && fk_td_is_space(o[-1])) {
        e = o;
        while (e > s && fk_td_is_space(e[-1]))
          e--;
      }
    }
  }
  gsize n = (gsize)(e - s);
  /* bpftrace's decimal `+55`, stack_mode=perf's `+0x37`; the function is
   * named as every reader names it (formats/names.h) */
  gsize keep = b->opts->include_offset ? n : fk_name_offset_start(s, n);
  gsize off = fk_name_offset_start(s, keep);
  GString *f = b->buf;
  g_string_truncate(f, 0);
  fk_name_append_frame(f, s, off, fk_name_flags(b->opts, NULL, 0));
  g_string_append_len(f, s + off, (gssize)(keep - off));
  if (f->len == 0)
    g_string_assign(f, "[unknown]");
  g_ptr_array_add(b->frames, (gpointer)fk_frame_intern(b->opts->strings, f->str, f->len));
}

/* Parses the inline text of a key line (after `@name[` or a `,`): scalar
 * keys separated by SEP, maybe the end `]: VALUE`. Returns TRUE at the end,
 * with *VALUE; FALSE when a stack key follows on the next lines. *OK is FALSE
 * when the value is not a number. */
static gboolean
inline_keys(Bpftrace *b, const char *s, gsize n, const char *sep, gint64 *value, gboolean *ok)
{
  *ok = TRUE;
  gboolean ended = FALSE;
  gsize body = n;
  /* The end: `]: VALUE` */
  const char *end = NULL;
  for (gsize i = n; i >= 3; i--) {
    if (s[i - 3] == ']' && s[i - 2] == ':' && s[i - 1] == ' ') {
      end = s + i - 3;
      break;
    }
  }
  if (end != NULL) {
    const char *v = end + 3, *ve = s + n;
    fk_td_trim(&v, &ve);
    char *stop = NULL;
    g_autofree char *num = g_strndup(v, (gsize)(ve - v));
    gint64 x = g_ascii_strtoll(num, &stop, 10);
    if (ve > v && stop != NULL && *stop == '\0') {
      *value = x;
      ended = TRUE;
      body = (gsize)(end - s);
    } else {
      *ok = FALSE;
      ended = TRUE;
      body = (gsize)(end - s);
    }
  }
  gsize sl = strlen(sep);
  gsize i = 0;
  for (;;) {
    const char *hit = NULL;
    for (gsize j = i; j + sl <= body; j++)
      if (memcmp(s + j, sep, sl) == 0) {
        hit = s + j;
        break;
      }
    gsize pe = hit ? (gsize)(hit - s) : body;
    if (pe > i) {
      const char *ks = s + i, *ke = s + pe;
      fk_td_trim(&ks, &ke);
      if (ke > ks)
        g_ptr_array_add(b->keys, (gpointer)fk_frame_intern(b->opts->strings, ks, (gsize)(ke - ks)));
    }
    if (hit == NULL)
      break;
    i = pe + sl;
  }
  return ended;
}

static void
emit(Bpftrace *b, FkSample *s, gint64 value)
{
  b->in_record = FALSE;
  gsize max_depth = fk_name_max_depth(b->opts);
  GPtrArray *out = b->out;
  g_ptr_array_set_size(out, 0);
  for (guint i = 0; i < b->keys->len && out->len < max_depth; i++)
    g_ptr_array_add(out, b->keys->pdata[i]);
  for (guint i = b->frames->len; i > 0 && out->len < max_depth; i--)
    g_ptr_array_add(out, b->frames->pdata[i - 1]);
  if (b->keys->len + b->frames->len > max_depth)
    b->deep_stacks++;
  if (out->len == 0)
    g_ptr_array_add(out, (gpointer)fk_interner_intern0(b->opts->strings, EMPTY_STACK));
  fk_sample_init(s);
  s->frames = (const char **)out->pdata;
  s->n_frames = out->len;
  s->weight = fk_weight_int(value);
  s->file = b->file;
  s->host = b->host;
  s->event = b->map;
}

/* Feeds one line of a map entry (text form, or a line of a JSON key) to the
 * open record. Returns TRUE when the record ended with *VALUE. */
static gboolean
record_line(Bpftrace *b, const char *l, gsize n, const char *sep, gint64 *value, gboolean *ok)
{
  *ok = TRUE;
  const char *s = l, *e = l + n;
  fk_td_trim(&s, &e);
  if (n > 0 && l[0] == ',') {
    const char *t = l + 1;
    if (t < l + n && *t == ' ')
      t++;
    return inline_keys(b, t, (gsize)(l + n - t), sep, value, ok);
  }
  if (n > 0 && l[0] == ']')
    return inline_keys(b, l, n, sep, value, ok);
  if (s < e)
    add_frame(b, s, e);
  return FALSE;
}

/* ---- -f json ---- */

/* Reads the JSON string at *P (just after its opening quote) into OUT. */
static gboolean
json_string(const char **p, const char *end, GString *out)
{
  const char *q = *p;
  g_string_truncate(out, 0);
  while (q < end) {
    char c = *q++;
    if (c == '"') {
      *p = q;
      return TRUE;
    }
    if (c != '\\') {
      g_string_append_c(out, c);
      continue;
    }
    if (q >= end)
      return FALSE;
    c = *q++;
    switch (c) {
    case 'n':
      g_string_append_c(out, '\n');
      break;
    case 't':
      g_string_append_c(out, '\t');
      break;
    case 'r':
      g_string_append_c(out, '\r');
      break;
    case 'b':
      g_string_append_c(out, '\b');
      break;
    case 'f':
      g_string_append_c(out, '\f');
      break;
    case 'u': {
      if (end - q < 4 || !fk_td_all_hex(q, 4))
        return FALSE;
      char hex[5] = {q[0], q[1], q[2], q[3], 0};
      gunichar u = (gunichar)strtoul(hex, NULL, 16);
      q += 4;
      if (u == 0 || (u >= 0xD800 && u <= 0xDFFF))
        u = 0xFFFD;
      g_string_append_unichar(out, u);
      break;
    }
    default:
      g_string_append_c(out, c);
      break;
    }
  }
  return FALSE;
}

static const char *
skip_ws(const char *p, const char *end)
{
  while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
    p++;
  return p;
}

/* The next `"key": NUMBER` entry of the map line, as a sample. 0: the map
 * is done; -1: malformed (the rest of the line is skipped). */
static int
json_next_entry(Bpftrace *b, FkSample *s)
{
  const char *base = b->jline->str, *end = base + b->jline->len;
  const char *p = skip_ws(base + b->jpos, end);
  if (p < end && *p == ',')
    p = skip_ws(p + 1, end);
  if (p >= end || *p == '}')
    return 0;
  if (*p != '"')
    return -1;
  p++;
  if (!json_string(&p, end, b->jkey))
    return -1;
  p = skip_ws(p, end);
  if (p >= end || *p != ':')
    return -1;
  p = skip_ws(p + 1, end);
  char *stop;
  gint64 v = g_ascii_strtoll(p, &stop, 10);
  if (stop == p || (stop < end && *stop == '.'))
    return -1; /* hist and stats values are not counts */
  b->jpos = (gsize)(stop - base);
  /* The key is the text form's keys joined with ","; stacks are "\n"-led
   * lines. Walk it as text lines. */
  start_record(b, b->jmap, b->jline_no);
  const char *k = b->jkey->str, *ke = k + b->jkey->len;
  gboolean first = TRUE;
  while (k <= ke) {
    const char *nl = memchr(k, '\n', (gsize)(ke - k));
    const char *le = nl ? nl : ke;
    gint64 dummy;
    gboolean ok;
    if (first) {
      (void)inline_keys(b, k, (gsize)(le - k), ",", &dummy, &ok);
      first = FALSE;
    } else {
      (void)record_line(b, k, (gsize)(le - k), ",", &dummy, &ok);
    }
    if (nl == NULL)
      break;
    k = nl + 1;
  }
  emit(b, s, v);
  return 1;
}

/* Starts walking a `{"type": "map", "data": {"@name": {...}}}` line. */
static gboolean
json_map_line(Bpftrace *b, const char *l, gsize n, guint64 no)
{
  const char *end = l + n;
  const char *d = g_strstr_len(l, (gssize)n, "\"data\":");
  if (d == NULL)
    return FALSE;
  const char *p = skip_ws(d + 7, end);
  if (p >= end || *p != '{')
    return FALSE;
  p = skip_ws(p + 1, end);
  if (p >= end || *p != '"')
    return FALSE;
  p++;
  if (!json_string(&p, end, b->jkey))
    return FALSE;
  b->jmap = fk_interner_intern(b->opts->strings, b->jkey->str, b->jkey->len);
  p = skip_ws(p, end);
  if (p >= end || *p != ':')
    return FALSE;
  p = skip_ws(p + 1, end);
  if (p >= end || *p != '{')
    return FALSE; /* a scalar map */
  g_string_assign(b->jline, p + 1);
  b->jpos = 0;
  b->jline_no = no;
  return TRUE;
}

static FkReadStatus
bpftrace_next(gpointer state, FkSample *s, GError **error)
{
  Bpftrace *b = state;
  for (;;) {
    if (b->jline->len > 0) {
      int r = json_next_entry(b, s);
      if (r == 1)
        return FK_READ_SAMPLE;
      g_string_truncate(b->jline, 0);
      if (r < 0 && !fk_td_skip(b->opts, b->in, b->jline_no, NULL, error,
                               "map entries that are not `\"key\": count` (the rest of the map)"))
        return FK_READ_ERROR;
      continue;
    }
    char *line;
    gsize len;
    FkLineStatus st = fk_lines_next(b->lines, &line, &len, error);
    if (st == FK_LINE_ERROR)
      return FK_READ_ERROR;
    guint64 no = fk_lines_number(b->lines);
    if (st == FK_LINE_END) {
      if (b->in_record) {
        b->in_record = FALSE;
        if (!fk_td_skip(b->opts, b->in, b->record_line, NULL, error,
                        "map entry ends without its value (output cut short?)"))
          return FK_READ_ERROR;
      }
      return FK_READ_END;
    }
    if (st == FK_LINE_TOO_LONG) {
      if (!fk_td_skip(b->opts, b->in, no, NULL, error, "line longer than the limit"))
        return FK_READ_ERROR;
      continue;
    }
    if (!b->in_record && len > 0 && line[0] == '{') {
      b->json = TRUE;
      if (g_strstr_len(line, (gssize)len, "\"type\": \"hist\"") != NULL ||
          g_strstr_len(line, (gssize)len, "\"type\": \"stats\"") != NULL) {
        if (!fk_td_skip(b->opts, b->in, no, NULL, error, "a histogram or stats map, not stacks"))
          return FK_READ_ERROR;
        continue;
      }
      if (g_strstr_len(line, (gssize)len, "\"type\": \"lost_events\"") != NULL) {
        g_autofree char *where = g_strdup_printf("%s:%" G_GUINT64_FORMAT, fk_input_name(b->in), no);
        fk_diag_note(b->opts->diag, where, "bpftrace lost events while tracing");
        continue;
      }
      if (g_strstr_len(line, (gssize)len, "\"type\": \"map\"") == NULL)
        continue; /* attached_probes, printf output, ... */
      if (!json_map_line(b, line, len, no) &&
          !fk_td_skip(b->opts, b->in, no, NULL, error, "map without stack keys"))
        return FK_READ_ERROR;
      continue;
    }
    if (len > 0 && line[0] == '@') {
      if (b->in_record) {
        guint64 at = b->record_line;
        b->in_record = FALSE;
        if (!fk_td_skip(b->opts, b->in, at, NULL, error, "map entry ends without its value"))
          return FK_READ_ERROR;
      }
      gsize i = 1;
      while (i < len && (g_ascii_isalnum(line[i]) || line[i] == '_'))
        i++;
      const char *map = fk_interner_intern(b->opts->strings, line, i);
      if (i >= len || line[i] != '[') {
        if (!fk_td_skip(b->opts, b->in, no, NULL, error, "map value without keys"))
          return FK_READ_ERROR;
        continue;
      }
      start_record(b, map, no);
      gint64 v;
      gboolean ok;
      if (inline_keys(b, line + i + 1, len - i - 1, ", ", &v, &ok)) {
        b->in_record = FALSE;
        if (!ok) {
          if (!fk_td_skip(b->opts, b->in, no, NULL, error, "map value is not a count"))
            return FK_READ_ERROR;
          continue;
        }
        emit(b, s, v);
        return FK_READ_SAMPLE;
      }
      continue;
    }
    if (!b->in_record) {
      const char *ts = line, *te = line + len;
      fk_td_trim(&ts, &te);
      if (ts == te || (len >= 9 && memcmp(line, "Attaching", 9) == 0))
        continue;
      if (!fk_td_skip(b->opts, b->in, no, NULL, error, "not part of a bpftrace map"))
        return FK_READ_ERROR;
      continue;
    }
    gint64 v;
    gboolean ok;
    if (record_line(b, line, len, ", ", &v, &ok)) {
      b->in_record = FALSE;
      if (!ok) {
        if (!fk_td_skip(b->opts, b->in, b->record_line, NULL, error, "map value is not a count"))
          return FK_READ_ERROR;
        continue;
      }
      emit(b, s, v);
      return FK_READ_SAMPLE;
    }
  }
}

const FkReader fk_reader_bpftrace = {
    .name = "bpftrace",
    .summary = "bpftrace stack maps, `@[kstack, ustack]: N`, also -f json",
    .bid = bpftrace_bid,
    .open = bpftrace_open,
    .next = bpftrace_next,
    .close = bpftrace_close,
};
