/* dtrace.c -- the DTrace aggregation reader: `stack()`, `ustack()`,
 * `jstack()` keys, combined `stack(), ustack()`, string and integer keys.
 *
 * libdtrace prints an aggregation record as its keys, then each stack key
 * after a blank line with its frames indented and leaf first, then the value
 * on the line right after the last frame:
 *
 *                   bash                  <- a string key (then a blank line)
 *
 *                 unix`trap+0x2c7         <- frames: module`func+0xoff,
 *                 unix`0xfffffffffb8001d6    module`0xaddr, 0xaddr, helpers
 *                   1                     <- the value, right after a frame
 *
 * An optional header (`CPU ID FUNCTION:NAME` and the probe lines, absent with
 * -q) runs up to the first blank line. Keys become root frames (in key
 * order); an integer line is a count only when it follows a frame directly,
 * else it is an integer key. A key-only record (`bash   12`, no stack) is a
 * one-frame stack. Frame names lose the `+0xoff` offset (--includeoffset
 * keeps it on all frames but the leaf, as the peers do) and the parameter
 * list (formats/names.h; --demangle-params keeps it); `;` becomes `:`, Rust
 * legacy names are finished, Java `a->b` inline chains become frames with
 * `_[i]`. */
#include "textdump.h"

#include "framename.h"
#include "../analyze/transform.h"
#include "lines.h"
#include "names.h"

#include <string.h>

typedef struct {
  FkInput *in;
  const FkReadOptions *opts;
  FkLines *lines;
  const char *file;
  const char *host;
  gboolean in_header; /* before the first blank line */
  gboolean header_checked;
  /* the open record */
  GPtrArray *keys;   /* interned key frames, in order */
  GPtrArray *frames; /* interned frames of the record's stacks, as printed */
  GPtrArray *group;  /* names of the current blank-separated group */
  gboolean group_has_frame;
  gboolean last_was_frame; /* the previous line was a frame (no blank since) */
  guint64 record_line;
  GPtrArray *out;
  GString *buf;
  GString *buf2;
  guint64 deep_stacks;
} Dtrace;

static gboolean
is_number(const char *s, gsize n)
{
  if (n == 0)
    return FALSE;
  gsize i = (s[0] == '-') ? 1 : 0;
  if (i == n)
    return FALSE;
  for (; i < n; i++)
    if (!fk_td_is_digit(s[i]))
      return FALSE;
  return TRUE;
}

/* A frame as DTrace prints them: `module`func...`, `0xaddr`. */
static gboolean
frame_like(const char *s, gsize n)
{
  if (memchr(s, '`', n) != NULL)
    return TRUE;
  return n > 2 && s[0] == '0' && s[1] == 'x' && fk_td_all_hex(s + 2, n - 2);
}

static int
dtrace_bid(const guint8 *head, gsize len)
{
  if (memchr(head, '\0', len) != NULL)
    return 0;
  const char *p = (const char *)head, *end = p + len;
  int frames = 0, counts = 0, bad = 0, lines = 0;
  gboolean header = len >= 3 && memcmp(p, "CPU", 3) == 0;
  gboolean seen_blank = FALSE, in_stack = FALSE;
  while (p < end && lines < 200) {
    const char *next = NULL;
    const char *nl = fk_lines_head_line(p, end, &next);
    if (nl == NULL)
      break;
    const char *s = p, *e = nl;
    fk_td_trim(&s, &e);
    lines++;
    if (s == e) {
      seen_blank = TRUE;
    } else if (seen_blank) {
      /* After the header everything libdtrace prints is indented. */
      if (!fk_td_is_space(p[0])) {
        bad++;
      } else if (frame_like(s, (gsize)(e - s))) {
        frames++;
        in_stack = TRUE;
      } else if (is_number(s, (gsize)(e - s)) && in_stack) {
        counts++;
        in_stack = FALSE;
      }
    }
    p = next;
  }
  if (bad > 0 || frames == 0)
    return 0;
  if (counts > 0)
    return header ? 90 : 70;
  return header ? 60 : 0; /* a first record longer than the head */
}

static gpointer
dtrace_open(FkInput *in, const FkReadOptions *opts, GError **error)
{
  (void)error;
  Dtrace *d = g_new0(Dtrace, 1);
  d->in = in;
  d->opts = opts;
  d->lines = fk_lines_new(in, opts->max_line);
  d->file = fk_interner_intern0(opts->strings, fk_input_name(in));
  d->host = fk_td_host(opts, in);
  d->in_header = TRUE;
  d->keys = g_ptr_array_new();
  d->frames = g_ptr_array_new();
  d->group = g_ptr_array_new();
  d->out = g_ptr_array_new();
  d->buf = g_string_new(NULL);
  d->buf2 = g_string_new(NULL);
  return d;
}

static void
dtrace_close(gpointer state)
{
  Dtrace *d = state;
  fk_diag_note_deep(d->opts->diag, fk_input_name(d->in), d->deep_stacks,
                    fk_name_max_depth(d->opts));
  fk_lines_report(d->lines, d->opts->diag, fk_input_name(d->in));
  fk_lines_free(d->lines);
  g_ptr_array_free(d->keys, TRUE);
  g_ptr_array_free(d->frames, TRUE);
  g_ptr_array_free(d->group, TRUE);
  g_ptr_array_free(d->out, TRUE);
  g_string_free(d->buf, TRUE);
  g_string_free(d->buf2, TRUE);
  g_free(d);
}

/* Appends the frames of one printed frame S (N bytes) to D->group, in
 * printed (leaf-first) order. */
static void
add_frame(Dtrace *d, const char *s, gsize n)
{
  const FkReadOptions *o = d->opts;
  /* module`func+0xoff: the offset goes unless --includeoffset; the function
   * is named as every reader names it (formats/names.h), Rust legacy names
   * finished first; a kept offset goes back after it. */
  gsize keep = o->include_offset ? n : fk_name_offset_start(s, n);
  gsize off = fk_name_offset_start(s, keep);
  const char *tick = memchr(s, '`', off);
  gsize fs = tick ? (gsize)(tick - s) + 1 : 0;
  GString *fixed = d->buf2;
  g_string_truncate(fixed, 0);
  const char *fn = s + fs;
  gsize fn_n = off - fs;
  if (fk_td_fix_rust(fn, fn_n, fixed)) {
    fn = fixed->str;
    fn_n = fixed->len;
  }
  if (keep == 0) {
    g_ptr_array_add(d->group, (gpointer)fk_interner_intern(o->strings, "-", 1));
    return;
  }
  FkNameFlags flags = fk_name_flags(o, NULL, 0);
  /* `a->b->c`: a is the caller; the later ones were inlined into it. They
   * are stored leaf first, so the last part goes first. */
  guint first = d->group->len;
  gsize i = 0;
  gboolean inl = FALSE;
  while (i <= fn_n) {
    gsize j = i;
    while (j < fn_n && !fk_name_inline_arrow(fn, fn_n, j))
      j++;
    GString *f = d->buf;
    g_string_truncate(f, 0);
    if (!inl)
      g_string_append_len(f, s, (gssize)fs);
    fk_name_append_frame(f, fn + i, j - i, flags);
    if (j >= fn_n)
      g_string_append_len(f, s + off, (gssize)(keep - off));
    if (inl)
      g_string_append(f, "_[i]");
    g_ptr_array_insert(d->group, (gint)first,
                       (gpointer)fk_frame_intern(o->strings, f->str, f->len));
    inl = TRUE;
    i = j + 2;
    if (j >= fn_n)
      break;
  }
}

/* Moves the current group into the record's keys or frames. */
static void
close_group(Dtrace *d)
{
  if (d->group->len == 0)
    return;
  GPtrArray *to = (!d->group_has_frame && d->frames->len == 0) ? d->keys : d->frames;
  for (guint i = 0; i < d->group->len; i++)
    g_ptr_array_add(to, d->group->pdata[i]);
  g_ptr_array_set_size(d->group, 0);
  d->group_has_frame = FALSE;
}

static void
reset_record(Dtrace *d)
{
  g_ptr_array_set_size(d->keys, 0);
  g_ptr_array_set_size(d->frames, 0);
  g_ptr_array_set_size(d->group, 0);
  d->group_has_frame = FALSE;
  d->last_was_frame = FALSE;
  d->record_line = 0;
}

/* The sample of the open record with COUNT. */
static void
emit(Dtrace *d, FkSample *s, gint64 count)
{
  close_group(d);
  gsize max_depth = fk_name_max_depth(d->opts);
  GPtrArray *out = d->out;
  g_ptr_array_set_size(out, 0);
  for (guint i = 0; i < d->keys->len && out->len < max_depth; i++)
    g_ptr_array_add(out, d->keys->pdata[i]);
  for (guint i = d->frames->len; i > 0 && out->len < max_depth; i--)
    g_ptr_array_add(out, d->frames->pdata[i - 1]);
  if (d->keys->len + d->frames->len > max_depth)
    d->deep_stacks++;
  /* --includeoffset: the leaf is the sampled pc, whose offset only splits it. */
  if (d->opts->include_offset && d->frames->len > 0 && out->len == d->keys->len + d->frames->len) {
    const char *leaf = out->pdata[out->len - 1];
    gsize n = strlen(leaf), k = fk_name_offset_start(leaf, n);
    if (k < n)
      out->pdata[out->len - 1] = (gpointer)fk_interner_intern(d->opts->strings, leaf, k);
  }
  fk_sample_init(s);
  s->frames = (const char **)out->pdata;
  s->n_frames = out->len;
  s->weight = fk_weight_int(count);
  s->file = d->file;
  s->host = d->host;
  g_ptr_array_set_size(d->keys, 0);
  g_ptr_array_set_size(d->frames, 0);
  d->last_was_frame = FALSE;
  d->record_line = 0;
}

static FkReadStatus
dtrace_next(gpointer state, FkSample *s, GError **error)
{
  Dtrace *d = state;
  for (;;) {
    char *line;
    gsize len;
    FkLineStatus st = fk_lines_next(d->lines, &line, &len, error);
    if (st == FK_LINE_ERROR)
      return FK_READ_ERROR;
    guint64 no = fk_lines_number(d->lines);
    if (st == FK_LINE_END) {
      if (d->record_line != 0) {
        guint64 at = d->record_line;
        guint n = d->keys->len + d->frames->len + d->group->len;
        reset_record(d);
        g_autofree char *what =
            g_strdup_printf("record of %u frames ends without a count (output cut short?)", n);
        if (!fk_td_skip(d->opts, d->in, at, NULL, error, what))
          return FK_READ_ERROR;
      }
      return FK_READ_END;
    }
    if (st == FK_LINE_TOO_LONG) {
      if (!fk_td_skip(d->opts, d->in, no, NULL, error, "line longer than the limit"))
        return FK_READ_ERROR;
      continue;
    }
    const char *ts = line, *te = line + len;
    fk_td_trim(&ts, &te);
    gsize tn = (gsize)(te - ts);
    if (d->in_header) {
      /* Everything before the first blank line is the header, unless the
       * dump starts right away with a record (frames indented). */
      if (tn == 0) {
        d->in_header = FALSE;
        continue;
      }
      if (d->header_checked || !(line[0] == ' ' && frame_like(ts, tn))) {
        d->header_checked = TRUE;
        continue;
      }
      d->in_header = FALSE;
    }
    if (tn == 0) {
      close_group(d);
      d->last_was_frame = FALSE;
      continue;
    }
    if (d->record_line == 0)
      d->record_line = no;
    if (is_number(ts, tn)) {
      gint64 v = g_ascii_strtoll(ts, NULL, 10);
      if (d->last_was_frame || d->group_has_frame || d->frames->len > 0) {
        /* After a stack (an empty ustack() leaves a blank line before it). */
        emit(d, s, v);
        return FK_READ_SAMPLE;
      }
      /* An integer key. */
      g_ptr_array_add(d->group, (gpointer)fk_frame_intern(d->opts->strings, ts, tn));
      continue;
    }
    /* `key   COUNT`: a record without a stack. */
    if (!frame_like(ts, tn) && d->frames->len == 0 && d->group->len == 0 && d->keys->len == 0) {
      const char *c = te;
      while (c > ts && fk_td_is_digit(c[-1]))
        c--;
      if (c < te && c > ts && fk_td_is_space(c[-1])) {
        const char *ke = c;
        while (ke > ts && fk_td_is_space(ke[-1]))
          ke--;
        gint64 v = g_ascii_strtoll(c, NULL, 10);
        g_ptr_array_add(d->keys, (gpointer)fk_frame_intern(d->opts->strings, ts, (gsize)(ke - ts)));
        emit(d, s, v);
        return FK_READ_SAMPLE;
      }
    }
    if (frame_like(ts, tn))
      d->group_has_frame = TRUE;
    add_frame(d, ts, tn);
    d->last_was_frame = TRUE;
  }
}

const FkReader fk_reader_dtrace = {
    .name = "dtrace",
    .summary = "DTrace stack()/ustack()/jstack() aggregations (--includeoffset)",
    .bid = dtrace_bid,
    .open = dtrace_open,
    .next = dtrace_next,
    .close = dtrace_close,
};
