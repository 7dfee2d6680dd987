/* perf-script.c -- the `perf script` text reader.
 *
 * A sample is an event line (`comm [pid/]tid [cpu] time: [period] event:`,
 * any -F subset of those fields, `-F +tod` dates) followed by frame lines
 * `ip sym[+off] (dso)`, leaf first, and ends at a blank line. Frames of the
 * old layouts may be unindented or sit on the event line itself; `-F
 * +srcline` lines between frames are ignored. The root frame is the process
 * name, as stackcollapse-perf.pl and inferno make it (`comm`, `comm-PID`,
 * `comm-PID/TID`, spaces turned into `_`).
 *
 * Names are what perf.data gives for the same function (formats/names.h):
 * the symbol offset and the parameter list (with old perf's return type) are
 * dropped unless --demangle-params, `;` becomes `:` (it separates folded
 * frames), partially demangled Rust legacy names are finished, Java `a->b`
 * inline chains become frames with `_[i]`, Java descriptors lose their `L`,
 * and `[unknown]` takes the dso's base name. The event is named without
 * perf's modifiers (`cpu-clock:ppp:` is `cpu-clock`), as perf.data's.
 * docs/formats/perf-script.md says why.
 *
 * Speed: frame lines repeat, so the interned result of each distinct
 * `sym (dso)` text is cached; nothing is allocated per line. */
#include "perf-script.h"
#include "textdump.h"

#include "framename.h"
#include "../analyze/pages.h"
#include "../analyze/transform.h"
#include "lines.h"
#include "names.h"

#include <string.h>

#define CACHE_MAX 1000000 /* distinct frame texts remembered (then forgotten) */

typedef struct {
  guint n;
  const char *names[]; /* root side first, as they go into the stack */
} Frames;

typedef struct {
  guint64 hash; /* 0: empty */
  gsize len;
  const char *key;
  FkNameFlags flags; /* the names depend on the process too (Java) */
  Frames *frames;
} CacheSlot;

/* The frame cache: `sym (dso)` text -> Frames, open addressing. Its names
 * are interned in the reader's FkReadOptions.strings: a piece read by the
 * pipeline leaves it for the next piece its thread reads into the same
 * strings (FkPiece.keep), which would otherwise make again the frames of
 * every text the pieces before it met (526 distinct texts in each 3 MB of
 * the bench input, 5% of the instructions of a -j 2 fold of it). */
typedef struct {
  CacheSlot *slots;
  gsize mask;
  gsize used;
  GStringChunk *keys;
  struct IpMemo *memo; /* MEMO_SIZE entries, made at the first frame line; NULL: none yet */
} FrameCache;

/* A frame line's ip says which slot of the cache its text is most likely
 * in: one slot of the memo per ip (its hex digits, up to 16, as two
 * words; direct-mapped, a newer ip takes the place of an older), which
 * remembers the text that ip came with last. A line whose ip and text are
 * those of its memo slot (the text compared byte for byte) takes the
 * frames without hashing its text or probing the cache: on the bench
 * input (1632 distinct ips, each with one text, in every 3 MB) that is
 * 150 instructions of a frame line's about 550 saved. */
#define MEMO_SIZE 4096

typedef struct IpMemo {
  guint64 ip[2];
  const char *key; /* the cache's copy of the text (NULL: empty) */
  gsize len;
  FkNameFlags flags;
  Frames *frames;
} IpMemo;

/* The open sample's frames. Frame lines come leaf first, so they are
 * stored from the top down: the frames read so far are v[top..cap), root
 * first, and v[top - 1] is left for the process name, which makes the
 * sample's stack v[top - 1..cap) without a copy. */
typedef struct {
  const char **v;
  gsize cap;
  gsize top; /* >= 1 */
} Stack;

typedef struct {
  FkInput *in;
  const FkReadOptions *opts;
  FkLines *lines;
  /* Lines are numbered from 1 in the piece (a line's number, below, is its
   * number there); a message names the dump's: that plus the lines before
   * the piece, FIRST_LINE or, for a piece read by the pipeline, PIECE's
   * (counted only then, fk_piece_lines_before). */
  guint64 first_line;
  FkPiece *piece; /* read as a piece by the pipeline (FkReadOptions.piece), or NULL */
  gboolean later; /* a piece after the dump's first */
  const char *file;
  const char *host;
  GString *pending;   /* an event line met while a sample was open */
  guint64 pending_no; /* its line number (in the piece) */
  gboolean have_pending;
  /* the open sample */
  gboolean in_event;
  gboolean bad_event;   /* its event line did not parse */
  gboolean filtered;    /* another event than the one read */
  guint64 event_no;     /* line number (in the piece) of its event line */
  guint64 n_frames_bad; /* frame lines of a bad event */
  gboolean orphan;      /* the bad event is frames without their event line */
  gboolean dso_layout;  /* frame lines end in `(dso)` (a complete one was seen) */
  gboolean seen_event;  /* an event line parsed */
  FkSample cur;
  gboolean has_period;
  gint64 period;
  const char *pname;
  FkNameFlags name_flags; /* for the open sample's frames */
  Stack stack;
  /* the previous event line's names (NULL: none yet) */
  GString *last_comm_text;
  const char *last_comm;
  FkNameFlags last_flags;
  gint64 last_pid, last_tid;
  const char *last_pname; /* of last_comm, last_pid and last_tid */
  GString *last_event_text;
  const char *last_event;
  GString *scratch;
  GString *scratch2;
  /* events */
  const char *event_filter; /* interned base name; NULL until the first event */
  GHashTable *other_events; /* interned name -> GUINT_TO_POINTER(count) */
  GPtrArray *other_order;   /* their names as first met: the message's order */
  FkWeight other_weight;
  guint64 other_samples;
  guint64 samples; /* of the event read */
  FrameCache *cache;
  guint64 deep_stacks;
} PerfScript;

/* The cache's tables are written when made, not calloc'd: a calloc of more
 * than malloc's mmap threshold (the 4096-entry memo, 192 KiB; the slots
 * once they grow) is fresh zero pages, which the first probe reads,
 * mapping the shared zero page, and the insert after it copies and
 * flushes from every other core this process runs on (pages.h). Reading
 * 100 hosts' dumps on two cores, those flushes were 4.5% of the run. */
static void *
table0(gsize bytes)
{
  return fk_pages_alloc0(bytes, G_MAXSIZE);
}

/* A thread's memo table, zeroed, from a reader of it that ended: each
 * dump of an archive of many hosts is a reader of its own, and a fresh
 * memo each, written whole, was 3% of reading 100 of them on one thread. */
static GPrivate spare_memo = G_PRIVATE_INIT(fk_pages_free);

static FrameCache *
cache_new(void)
{
  FrameCache *c = g_new0(FrameCache, 1);
  c->mask = 255;
  c->slots = table0((c->mask + 1) * sizeof(CacheSlot));
  c->keys = g_string_chunk_new(1 << 16);
  return c;
}

static void
cache_clear(FrameCache *c)
{
  for (gsize i = 0; i <= c->mask; i++)
    g_free(c->slots[i].frames);
  memset(c->slots, 0, (c->mask + 1) * sizeof(CacheSlot));
  c->used = 0;
  g_string_chunk_clear(c->keys);
  if (c->memo != NULL)
    memset(c->memo, 0, MEMO_SIZE * sizeof(IpMemo)); /* its frames are freed */
}

static void
cache_free(gpointer cache)
{
  FrameCache *c = cache;
  cache_clear(c);
  fk_pages_free(c->slots);
  g_string_chunk_free(c->keys);
  if (c->memo != NULL && g_private_get(&spare_memo) == NULL)
    g_private_set(&spare_memo, c->memo); /* cleared above */
  else
    fk_pages_free(c->memo);
  g_free(c);
}

static void
stack_clear(Stack *st)
{
  st->top = st->cap;
}

/* Puts F's frames below (rootward of) those read so far. */
static inline void
stack_push(Stack *st, const Frames *f)
{
  if (G_UNLIKELY(st->top < (gsize)f->n + 1)) {
    gsize n = st->cap - st->top;
    gsize cap = MAX(st->cap * 2, st->cap + f->n + 1);
    const char **v = g_new(const char *, cap);
    memcpy(v + cap - n, st->v + st->top, n * sizeof *v);
    g_free(st->v);
    st->v = v;
    st->cap = cap;
    st->top = cap - n;
  }
  st->top -= f->n;
  memcpy(st->v + st->top, f->names, f->n * sizeof *st->v);
}

/* The cache's hash: two independent 8-byte lanes, so a 60-byte frame text
 * costs about half of a one-lane hash; every hit is confirmed by memcmp. */
static inline guint64
line_hash(const char *p, gsize n)
{
  const char *start = p;
  guint64 a = 0x9e3779b97f4a7c15ULL ^ (n * 0xff51afd7ed558ccdULL), b = 0xc2b2ae3d27d4eb4fULL;
  guint64 x, y;
  while (n >= 16) {
    memcpy(&x, p, 8);
    memcpy(&y, p + 8, 8);
    a = (a ^ x) * 0xbf58476d1ce4e5b9ULL;
    b = (b ^ y) * 0x94d049bb133111ebULL;
    a ^= a >> 29;
    b ^= b >> 31;
    p += 16;
    n -= 16;
  }
  if (n >= 8) {
    memcpy(&x, p, 8);
    a = (a ^ x) * 0xbf58476d1ce4e5b9ULL;
    a ^= a >> 29;
    p += 8;
    n -= 8;
  }
  if (n > 0) {
    /* the last 8 bytes of the key when it has them (overlapping what was
     * hashed: a fixed-size load, not a byte loop) */
    y = 0;
    if (p - start >= 8 - (gssize)n)
      memcpy(&y, p + n - 8, 8);
    else
      memcpy(&y, p, n);
    b = (b ^ y) * 0x94d049bb133111ebULL;
    b ^= b >> 31;
  }
  guint64 h = a ^ (b * 0x9e3779b97f4a7c15ULL);
  h ^= h >> 32;
  return h ? h : 1;
}

/* ---- scanning ---- */

/* Frame lines are mostly an indent and a 12-16 digit ip: both are skipped
 * eight bytes at a time, where the line has eight more bytes (a line is
 * NUL-terminated, and the loads stay below its end). */
#define ONES 0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL

/* The high bit of each byte of X that is zero. */
static inline guint64
zero_bytes(guint64 x)
{
  return ~(((x & ~HIGHS) + ~HIGHS) | x) & HIGHS;
}

/* The high bit of each byte of X that is an ASCII hex digit. */
static inline guint64
hex_bytes(guint64 x)
{
  guint64 y = x & ~HIGHS;
  guint64 z = y | 0x20 * ONES;                            /* 'A'-'F' as 'a'-'f' */
  guint64 digit = (y + 0x50 * ONES) & ~(y + 0x46 * ONES); /* >= '0' and not >= ':' */
  guint64 alpha = (z + 0x1f * ONES) & ~(z + 0x19 * ONES); /* >= 'a' and not >= 'g' */
  return (digit | alpha) & ~x & HIGHS;
}

/* The index of the first byte at or after I in L[0..N) that is not a hex
 * digit (N when there is none). */
static inline gsize
skip_hex(const char *l, gsize i, gsize n)
{
#if G_BYTE_ORDER == G_LITTLE_ENDIAN && defined(__GNUC__)
  while (i + 8 <= n) {
    guint64 x;
    memcpy(&x, l + i, 8);
    guint64 other = ~hex_bytes(x) & HIGHS;
    if (other != 0)
      return i + ((gsize)__builtin_ctzll(other) >> 3);
    i += 8;
  }
#endif
  while (i < n && fk_td_is_hex(l[i]))
    i++;
  return i;
}

/* The index of the first byte at or after I in L[0..N) that is no blank
 * (fk_td_is_space; N when there is none). */
static inline gsize
skip_space(const char *l, gsize i, gsize n)
{
#if G_BYTE_ORDER == G_LITTLE_ENDIAN && defined(__GNUC__)
  while (i + 8 <= n) {
    guint64 x;
    memcpy(&x, l + i, 8);
    guint64 other = ~(zero_bytes(x ^ (0x20 * ONES)) | zero_bytes(x ^ (0x09 * ONES))) & HIGHS;
    if (other != 0) {
      i += (gsize)__builtin_ctzll(other) >> 3;
      break;
    }
    i += 8;
  }
#endif
  while (i < n && fk_td_is_space(l[i]))
    i++;
  return i;
}

/* ---- bidding ---- */

/* Does the N bytes at L look like a frame line `ip sym (dso)` or `ip sym`? */
static gboolean
looks_like_frame(const char *l, gsize n)
{
  const char *s = l, *e = l + n;
  fk_td_trim(&s, &e);
  const char *t = s;
  while (t < e && fk_td_is_hex(*t))
    t++;
  return t > s && (t == e || fk_td_is_space(*t));
}

static gboolean is_id_token(const char *t, gsize tl, gint64 *pid, gint64 *tid);

/* Is L (N bytes) an event line: a token, a pid or pid/tid token, and later
 * a token ending in ':'? */
static gboolean
looks_like_event(const char *l, gsize n)
{
  const char *p = l, *e = l + n;
  fk_td_trim(&p, &e);
  gboolean seen_word = FALSE, seen_pid = FALSE;
  while (p < e) {
    const char *t = p;
    while (p < e && !fk_td_is_space(*p))
      p++;
    gsize tl = (gsize)(p - t);
    if (seen_pid && t[tl - 1] == ':')
      return TRUE;
    if (seen_word && !seen_pid) {
      gsize i = 0;
      while (i < tl && (fk_td_is_digit(t[i]) || t[i] == '/'))
        i++;
      gint64 pid, tid;
      if ((i == tl && fk_td_is_digit(t[0])) || is_id_token(t, tl, &pid, &tid))
        seen_pid = TRUE;
    }
    seen_word = TRUE;
    while (p < e && fk_td_is_space(*p))
      p++;
  }
  return FALSE;
}

static gboolean
has_prefix(const char *p, gsize l, const char *prefix)
{
  gsize n = strlen(prefix);
  return l >= n && memcmp(p, prefix, n) == 0;
}

static int
perf_script_bid(const guint8 *head, gsize len)
{
  if (memchr(head, '\0', len) != NULL)
    return 0;
  const char *p = (const char *)head, *end = p + len;
  int events = 0, frames = 0, bad = 0, headers = 0, orphans = 0;
  gboolean in_event = FALSE;
  while (p < end && events + frames + bad + orphans < 64) {
    const char *next = NULL;
    const char *nl = fk_lines_head_line(p, end, &next);
    if (nl == NULL)
      break;
    gsize l = (gsize)(nl - p);
    const char *s = p, *e = nl;
    fk_td_trim(&s, &e);
    if (s == e) {
      in_event = FALSE;
    } else if (p[0] == '#') {
      if (has_prefix(p, l, "# ====") || has_prefix(p, l, "# captured on") ||
          has_prefix(p, l, "# hostname"))
        headers++;
    } else if (in_event && looks_like_frame(p, l)) {
      frames++;
    } else if (events == 0 && fk_td_is_space(p[0]) && looks_like_frame(p, l)) {
      /* indented frames before any event line: the dump begins inside a
       * sample whose event line was lost (a cut or a `tail`) */
      orphans++;
    } else if (looks_like_event(p, l)) {
      events++;
      in_event = TRUE;
    } else if (in_event) {
      /* srcline lines and the like */
    } else {
      bad++;
    }
    p = next;
  }
  if (headers > 0 && bad == 0)
    return 80;
  if (events > 0 && frames > 0 && bad <= events)
    return 80;
  if (events > 0 && bad == 0)
    return 30;
  if (events == 0 && orphans >= 2 && bad == 0)
    return 30; /* a stack deeper than the head: frames only */
  return 0;
}

/* ---- parsing ---- */

/* TRUE when the `#` line L (N bytes) is the header's `# hostname : NAME`,
 * with NAME at *S..*E. */
static gboolean
header_host(const char *l, gsize n, const char **s, const char **e)
{
  if (n <= 10 || memcmp(l, "# hostname", 10) != 0)
    return FALSE;
  const char *c = memchr(l, ':', n);
  if (c == NULL)
    return FALSE;
  *s = c + 1;
  *e = l + n;
  fk_td_trim(s, e);
  return *s < *e;
}

gpointer
fk_perf_script_open_piece(FkInput *in, const FkReadOptions *opts, const FkPerfScriptPiece *piece,
                          GError **error)
{
  (void)error;
  PerfScript *ps = g_new0(PerfScript, 1);
  ps->in = in;
  ps->opts = opts;
  ps->lines = fk_lines_new(in, opts->max_line);
  ps->file = fk_interner_intern0(opts->strings, fk_input_name(in));
  ps->host = fk_td_host(opts, in);
  ps->pending = g_string_new(NULL);
  ps->stack.cap = 256;
  ps->stack.top = ps->stack.cap;
  ps->stack.v = g_new(const char *, ps->stack.cap);
  ps->scratch = g_string_new(NULL);
  ps->scratch2 = g_string_new(NULL);
  ps->last_comm_text = g_string_new(NULL);
  ps->last_event_text = g_string_new(NULL);
  ps->other_events = g_hash_table_new(NULL, NULL);
  ps->other_order = g_ptr_array_new();
  ps->other_weight = fk_weight_int(0);
  if (opts->piece != NULL && opts->piece->keep != NULL) {
    ps->cache = g_steal_pointer(&opts->piece->keep); /* the same strings: FkPiece.keep */
    opts->piece->keep_free = NULL;
  } else {
    ps->cache = cache_new();
  }
  if (opts->event_filter != NULL)
    ps->event_filter =
        fk_event_intern(opts->strings, opts->event_filter, strlen(opts->event_filter));
  if (piece != NULL) {
    ps->first_line = piece->first_line;
    ps->later = piece->first_line > 0;
    if (ps->later)
      fk_lines_set_piece(ps->lines); /* UTF-8, as the first piece found it: no BOM here */
    if (piece->host != NULL)
      ps->host = fk_interner_intern0(opts->strings, piece->host);
    if (opts->event_filter == NULL && piece->event != NULL)
      ps->event_filter = fk_event_intern(opts->strings, piece->event, strlen(piece->event));
    /* a piece after the first: the dump does not begin here, so frames
     * without an event line are no sign of a dump cut at its start */
    ps->seen_event = piece->first_line > 0;
  }
  return ps;
}

static gpointer
perf_script_open(FkInput *in, const FkReadOptions *opts, GError **error)
{
  if (opts->piece == NULL)
    return fk_perf_script_open_piece(in, opts, NULL, error);
  const FkPiece *p = opts->piece;
  FkPerfScriptPiece piece = {0, p->carry.host, p->carry.event};
  PerfScript *ps = fk_perf_script_open_piece(in, opts, &piece, error);
  ps->piece = opts->piece;
  /* as fk_perf_script_open_piece does for a piece after the first, whose
   * lines before it are counted only for a message */
  ps->later = !p->first;
  ps->seen_event = !p->first;
  if (ps->later)
    fk_lines_set_piece(ps->lines);
  return ps;
}

/* The bytes that may make up a blank line (a CR or LF ends one). */
static inline gboolean
blank_byte(char c)
{
  return c == ' ' || c == '\t' || c == '\v' || c == '\f';
}

/* TRUE when the line that ends just before offset I (a line start, I > 0)
 * is blank. */
static gboolean
blank_before(const char *buf, gsize i)
{
  gsize k = i - 1;
  if (buf[k] == '\n' && k > 0 && buf[k - 1] == '\r')
    k--;
  while (k > 0 && blank_byte(buf[k - 1]))
    k--;
  return k == 0 || buf[k - 1] == '\n' || buf[k - 1] == '\r';
}

/* The offset of the first LF or CR at or after I in BUF[0..LEN), or LEN:
 * looked for a window at a time, so that neither scan runs to the end of a
 * big input for a line end that is near (an input without CRs). */
static gsize
line_end(const char *buf, gsize len, gsize i)
{
  while (i < len) {
    gsize w = MIN(len - i, (gsize)4096);
    const char *nl = memchr(buf + i, '\n', w);
    gsize stop = nl != NULL ? (gsize)(nl - buf) : i + w;
    const char *cr = memchr(buf + i, '\r', stop - i);
    if (cr != NULL)
      return (gsize)(cr - buf);
    if (nl != NULL)
      return stop;
    i += w;
  }
  return len;
}

gsize
fk_perf_script_boundary(const char *buf, gsize len, gsize at)
{
  if (at == 0 || at >= len)
    return MIN(at, len);
  gsize i = at;
  if (buf[i - 1] == '\r' && buf[i] == '\n')
    i++; /* inside a CRLF: the line starts after it */
  if (i >= len)
    return len;
  gboolean blank; /* the line holding i is blank up to i */
  if (buf[i - 1] == '\n' || buf[i - 1] == '\r') {
    if (blank_before(buf, i))
      return i;
    blank = TRUE;
  } else {
    gsize k = i;
    while (k > 0 && blank_byte(buf[k - 1]))
      k--;
    blank = k == 0 || buf[k - 1] == '\n' || buf[k - 1] == '\r';
  }
  /* Line by line. */
  for (;;) {
    gsize e = line_end(buf, len, i);
    if (e >= len)
      return len; /* the last line does not end within BUF */
    for (gsize k = i; blank && k < e; k++)
      blank = blank_byte(buf[k]);
    gsize term = 1;
    if (buf[e] == '\r') {
      if (e + 1 >= len)
        return len; /* a CR last: an LF may follow */
      term = buf[e + 1] == '\n' ? 2 : 1;
    }
    i = e + term;
    if (i >= len)
      return len;
    if (blank)
      return i;
    blank = TRUE;
  }
}

/* What a piece read by the pipeline leaves for the notes about the whole
 * dump (perf_script_note_pieces). */
typedef struct {
  char *event; /* the event read (NULL: none met) */
  guint64 samples, other_samples;
  gint64 other_weight;
  GPtrArray *other; /* char*, the events left out in the order first met */
  GArray *counts;   /* guint64, their samples */
} Tally;

static void
tally_free(Tally *t)
{
  g_ptr_array_unref(t->other);
  g_array_unref(t->counts);
  g_free(t->event);
  g_free(t);
}

static Tally *
tally_new(void)
{
  Tally *t = g_new0(Tally, 1);
  t->other = g_ptr_array_new_with_free_func(g_free);
  t->counts = g_array_new(FALSE, TRUE, sizeof(guint64));
  return t;
}

/* The notes of a dump whose samples of the event read were SAMPLES and
 * whose samples of other events are T's (NULL: none). */
static void
note_events(FkDiag *diag, const char *where, const FkReadOptions *opts, const char *event,
            guint64 samples, const Tally *t)
{
  if (samples == 0 && opts->event_filter != NULL)
    fk_diag_note(diag, where, "no samples of event %s", event);
  if (t != NULL && t->other_samples > 0) {
    g_autoptr(GString) names = g_string_new(NULL);
    for (guint i = 0; i < t->other->len; i++)
      g_string_append_printf(names, "%s%s (%u)", names->len ? ", " : "",
                             (const char *)t->other->pdata[i],
                             (guint)g_array_index(t->counts, guint64, i));
    fk_diag_note(diag, where,
                 "read only event '%s'; %" G_GUINT64_FORMAT " samples of other events (%s, weight "
                 "%" G_GINT64_FORMAT ") were left out: pick one with --event-filter",
                 event, t->other_samples, names->str, t->other_weight);
  }
}

/* FkReader.note_pieces: the pieces' tallies added up, the events left out
 * in the order the dump first names them. */
static void
perf_script_note_pieces(gpointer *tallies, guint n, const FkReadOptions *opts, const char *where,
                        FkDiag *diag)
{
  Tally *sum = tally_new();
  g_autoptr(GHashTable) at = g_hash_table_new(g_str_hash, g_str_equal); /* name -> index + 1 */
  for (guint i = 0; i < n; i++) {
    Tally *t = tallies[i];
    if (t == NULL)
      continue;
    sum->samples += t->samples;
    sum->other_samples += t->other_samples;
    sum->other_weight += t->other_weight;
    for (guint k = 0; k < t->other->len; k++) {
      const char *name = t->other->pdata[k];
      guint j = GPOINTER_TO_UINT(g_hash_table_lookup(at, name));
      if (j == 0) {
        g_ptr_array_add(sum->other, g_strdup(name));
        guint64 zero = 0;
        g_array_append_val(sum->counts, zero);
        j = sum->other->len;
        g_hash_table_insert(at, sum->other->pdata[j - 1], GUINT_TO_POINTER(j));
      }
      g_array_index(sum->counts, guint64, j - 1) += g_array_index(t->counts, guint64, k);
    }
  }
  /* The event read: --event-filter's base name, else the dump's first,
   * which every piece but those before it was told (FkPieceCarry). */
  if (diag != NULL) {
    const char *event = NULL;
    for (guint i = 0; event == NULL && i < n; i++)
      if (tallies[i] != NULL)
        event = ((Tally *)tallies[i])->event;
    note_events(diag, where, opts, event, sum->samples, sum);
  }
  for (guint i = 0; i < n; i++)
    if (tallies[i] != NULL)
      tally_free(tallies[i]);
  tally_free(sum);
}

/* What PS counted of the events. The events left out are in the order
 * first met, not the table's (which follows the names' addresses, and so
 * changed with any unrelated allocation). */
static Tally *
tally_of(const PerfScript *ps)
{
  Tally *t = tally_new();
  t->event = g_strdup(ps->event_filter);
  t->samples = ps->samples;
  t->other_samples = ps->other_samples;
  t->other_weight = ps->other_weight.v[0];
  for (guint i = 0; i < ps->other_order->len; i++) {
    gpointer k = ps->other_order->pdata[i];
    g_ptr_array_add(t->other, g_strdup(k));
    guint64 c = GPOINTER_TO_UINT(g_hash_table_lookup(ps->other_events, k));
    g_array_append_val(t->counts, c);
  }
  return t;
}

static void
perf_script_close(gpointer state)
{
  PerfScript *ps = state;
  Tally *t = tally_of(ps);
  if (ps->piece != NULL) {
    ps->piece->tally = t; /* the pipeline notes the dump's sums */
    ps->piece->deep_stacks = ps->deep_stacks;
  } else {
    note_events(ps->opts->diag, fk_input_name(ps->in), ps->opts, ps->event_filter, ps->samples, t);
    tally_free(t);
    fk_diag_note_deep(ps->opts->diag, fk_input_name(ps->in), ps->deep_stacks,
                      fk_name_max_depth(ps->opts));
  }
  fk_lines_report(ps->lines, ps->opts->diag, fk_input_name(ps->in));
  fk_lines_free(ps->lines);
  g_string_free(ps->pending, TRUE);
  g_free(ps->stack.v);
  g_string_free(ps->scratch, TRUE);
  g_string_free(ps->scratch2, TRUE);
  g_string_free(ps->last_comm_text, TRUE);
  g_string_free(ps->last_event_text, TRUE);
  g_hash_table_destroy(ps->other_events);
  g_ptr_array_free(ps->other_order, TRUE);
  if (ps->piece != NULL) {
    ps->piece->keep = g_steal_pointer(&ps->cache); /* for the thread's next piece */
    ps->piece->keep_free = cache_free;
  } else {
    cache_free(ps->cache);
  }
  g_free(ps);
}

/* Parses a decimal number of seconds ("1410597.984841") into nanoseconds. */
static gboolean
parse_seconds(const char *s, gsize n, guint64 *ns)
{
  guint64 sec = 0, frac = 0;
  gsize i = 0, fd = 0;
  while (i < n && fk_td_is_digit(s[i])) {
    if (sec > G_MAXUINT64 / 10 / 1000000000)
      return FALSE;
    sec = sec * 10 + (guint64)(s[i++] - '0');
  }
  if (i == 0)
    return FALSE;
  if (i < n && s[i] == '.') {
    i++;
    while (i < n && fk_td_is_digit(s[i])) {
      if (fd < 9) {
        frac = frac * 10 + (guint64)(s[i] - '0');
        fd++;
      }
      i++;
    }
  }
  if (i != n)
    return FALSE;
  while (fd < 9) {
    frac *= 10;
    fd++;
  }
  *ns = sec * 1000000000u + frac;
  return TRUE;
}

static gboolean
parse_int(const char *s, gsize n, gint64 *v)
{
  if (n == 0 || n > 18)
    return FALSE;
  gint64 x = 0;
  for (gsize i = 0; i < n; i++) {
    if (!fk_td_is_digit(s[i]))
      return FALSE;
    x = x * 10 + (s[i] - '0');
  }
  *v = x;
  return TRUE;
}

/* A pid or tid as perf script prints one: digits, or -1 for a sample
 * without a task (an exiting one; the comm is then `:-1`). The peers match
 * digits only and so read such a line's period as its tid. */
static gboolean
parse_id(const char *s, gsize n, gint64 *v)
{
  if (n == 2 && s[0] == '-' && s[1] == '1') {
    *v = -1;
    return TRUE;
  }
  return parse_int(s, n, v);
}

/* TRUE when the token T (TL bytes) is a pid token: `TID` or `PID/TID`. */
static gboolean
is_id_token(const char *t, gsize tl, gint64 *pid, gint64 *tid)
{
  const char *slash = memchr(t, '/', tl);
  gint64 p = -1, q;
  if (slash == NULL ? !parse_id(t, tl, &q)
                    : !parse_id(t, (gsize)(slash - t), &p) ||
                          !parse_id(slash + 1, (gsize)(t + tl - slash - 1), &q))
    return FALSE;
  *pid = p;
  *tid = q;
  return TRUE;
}

static void add_frame_line(PerfScript *ps, char *s, char *e);
static void add_frame_parts(PerfScript *ps, const char *ip, gsize ip_n, char *s, char *e);

/* Starts a sample from the event line L (LEN bytes). FALSE: not parseable. */
static gboolean
parse_event(PerfScript *ps, char *l, gsize len)
{
  char *p = l, *end = l + len;
  while (p < end && fk_td_is_space(*p))
    p++;
  while (end > p && fk_td_is_space(end[-1]))
    end--;
  char *comm_s = p, *comm_e = NULL;
  /* The pid token: the first `TID` or `PID/TID` token (is_id_token) after
   * the first one. */
  char *t = p;
  while (t < end && !fk_td_is_space(*t))
    t++;
  gint64 pid = -1, tid = -1;
  while (t < end) {
    char *prev_end = t;
    while (t < end && fk_td_is_space(*t))
      t++;
    char *ts = t;
    while (t < end && !fk_td_is_space(*t))
      t++;
    if (is_id_token(ts, (gsize)(t - ts), &pid, &tid)) {
      comm_e = prev_end;
      break;
    }
  }
  if (comm_e == NULL)
    return FALSE;
  FkSample *s = &ps->cur;
  fk_sample_init(s);
  s->pid = pid;
  s->tid = tid;
  gsize comm_n = (gsize)(comm_e - comm_s);
  /* Consecutive samples mostly share their process and event: their
   * interned names are kept, and only other bytes are interned again. */
  if (ps->last_comm == NULL || ps->last_comm_text->len != comm_n ||
      memcmp(ps->last_comm_text->str, comm_s, comm_n) != 0) {
    g_string_truncate(ps->last_comm_text, 0);
    g_string_append_len(ps->last_comm_text, comm_s, (gssize)comm_n);
    ps->last_comm = fk_interner_intern(ps->opts->strings, comm_s, comm_n);
    ps->last_flags = fk_name_flags(ps->opts, comm_s, comm_n);
    ps->last_pname = NULL;
  }
  s->comm = ps->last_comm;
  s->file = ps->file;
  s->host = ps->host;
  ps->has_period = FALSE;
  ps->period = 1;
  const char *event_s = NULL;
  gsize event_n = 0;
  char *rest = NULL;
  while (t < end) {
    while (t < end && fk_td_is_space(*t))
      t++;
    char *ts = t;
    while (t < end && !fk_td_is_space(*t))
      t++;
    gsize tl = (gsize)(t - ts);
    if (tl == 0)
      break;
    gint64 v;
    guint64 ns;
    if (ts[0] == '[' && ts[tl - 1] == ']' && parse_int(ts + 1, tl - 2, &v)) {
      s->cpu = (gint32)MIN(v, G_MAXINT32);
    } else if (ts[tl - 1] == ':' && parse_seconds(ts, tl - 1, &ns)) {
      s->time = ns;
      s->has_time = TRUE;
    } else if (parse_int(ts, tl, &v)) {
      ps->period = v;
      ps->has_period = TRUE;
    } else if (tl >= 8 && fk_td_is_digit(ts[0]) && (memchr(ts, '-', tl) || memchr(ts, ':', tl)) &&
               ts[tl - 1] != ':') {
      /* -F +tod: `2026-11-23 17:59:13.660006` */
    } else if (ts[tl - 1] == ':') {
      event_s = ts;
      event_n = tl - 1;
      rest = t;
      break;
    } else {
      break; /* fields perf prints after the event (trace data, ...) */
    }
  }
  /* The process name frame. */
  if (ps->last_pname == NULL || ps->last_pid != pid || ps->last_tid != tid) {
    GString *pn = ps->scratch;
    g_string_truncate(pn, 0);
    fk_name_append_process(pn, comm_s, comm_n, pid, tid, ps->opts);
    ps->last_pname = fk_frame_intern(ps->opts->strings, pn->str, pn->len);
    ps->last_pid = pid;
    ps->last_tid = tid;
  }
  ps->pname = ps->last_pname;
  ps->name_flags = ps->last_flags;
  ps->filtered = FALSE;
  if (event_s != NULL) {
    if (ps->last_event == NULL || ps->last_event_text->len != event_n ||
        memcmp(ps->last_event_text->str, event_s, event_n) != 0) {
      g_string_truncate(ps->last_event_text, 0);
      g_string_append_len(ps->last_event_text, event_s, (gssize)event_n);
      ps->last_event = fk_event_intern(ps->opts->strings, event_s, event_n);
    }
    const char *ev = ps->last_event;
    s->event = ev;
    if (ps->event_filter == NULL)
      ps->event_filter = ev;
    else if (ev != ps->event_filter)
      ps->filtered = TRUE;
  }
  /* A frame on the event line itself (old perf, single-frame stacks). */
  if (rest != NULL && !ps->filtered) {
    char *rs = rest, *re = end;
    while (rs < re && fk_td_is_space(*rs))
      rs++;
    if (rs < re && looks_like_frame(rs, (gsize)(re - rs)))
      add_frame_line(ps, rs, re);
  }
  return TRUE;
}

/* Computes the frames of one `sym (dso)` text into a new Frames. */
static Frames *
make_frames(PerfScript *ps, const char *ip, gsize ip_n, const char *sym, gsize sym_n,
            const char *dso, gsize dso_n, gboolean has_dso, gboolean *uses_ip)
{
  const FkReadOptions *o = ps->opts;
  *uses_ip = FALSE;
  sym_n = fk_name_offset_start(sym, sym_n);
  /* perf's process-name pseudo frames `(comm)`, dropped as the peers drop
   * them; but `(anonymous namespace)::leaf` is a C++ function */
  if (sym_n > 0 && sym[0] == '(' && !(sym_n > 21 && memcmp(sym, "(anonymous namespace)", 21) == 0))
    return g_malloc0(sizeof(Frames));
  GString *fixed = ps->scratch2;
  g_string_truncate(fixed, 0);
  if (fk_td_fix_rust(sym, sym_n, fixed)) {
    sym = fixed->str;
    sym_n = fixed->len;
  }
  /* Count the `->` parts. */
  guint parts = 1;
  for (gsize i = 0; i + 1 < sym_n; i++)
    if (fk_name_inline_arrow(sym, sym_n, i))
      parts++;
  Frames *f = g_malloc(sizeof(Frames) + parts * sizeof(char *));
  f->n = 0;
  gboolean kernel = has_dso && o->annotate_kernel && fk_td_is_kernel_dso(dso, dso_n);
  gboolean jit = has_dso && o->annotate_jit && fk_td_is_jit_dso(dso, dso_n);
  GString *b = ps->scratch;
  gsize i = 0;
  for (guint part = 0; part < parts; part++) {
    gsize j = i;
    while (j < sym_n && !fk_name_inline_arrow(sym, sym_n, j))
      j++;
    const char *fs = sym + i;
    gsize fn = j - i;
    g_string_truncate(b, 0);
    if ((fn == 9 && memcmp(fs, "[unknown]", 9) == 0) || fn == 0) {
      const char *base = "unknown";
      gsize base_n = 7;
      gboolean known = FALSE;
      if (has_dso && !(dso_n == 9 && memcmp(dso, "[unknown]", 9) == 0) && dso_n > 0) {
        const char *sl = dso + dso_n;
        while (sl > dso && sl[-1] != '/')
          sl--;
        base = sl;
        base_n = (gsize)(dso + dso_n - sl);
        known = TRUE;
      }
      if (!known && !o->include_addrs) {
        g_string_append(b, "[unknown]");
      } else {
        g_string_append_c(b, '[');
        g_string_append_len(b, base, (gssize)base_n);
        if (o->include_addrs) {
          g_string_append(b, " <");
          g_string_append_len(b, ip, (gssize)ip_n);
          g_string_append_c(b, '>');
          *uses_ip = TRUE;
        }
        g_string_append_c(b, ']');
      }
      for (gsize k = 0; k < b->len; k++)
        if (b->str[k] == ';')
          b->str[k] = ':';
    } else {
      fk_name_append_frame(b, fs, fn, ps->name_flags);
    }
    if (part > 0) {
      if (strstr(b->str, "_[i]") == NULL)
        g_string_append(b, "_[i]");
    } else if (kernel) {
      g_string_append(b, "_[k]");
    } else if (jit && strstr(b->str, "_[j]") == NULL) {
      g_string_append(b, "_[j]");
    }
    f->names[f->n++] = fk_frame_intern(o->strings, b->str, b->len);
    i = j + 2;
  }
  return f;
}

/* The slot of KEY (LEN bytes, hash H): its entry, or the empty slot where it
 * goes. */
static CacheSlot *
cache_slot(const FrameCache *c, const char *key, gsize len, guint64 h, FkNameFlags flags)
{
  gsize i = h & c->mask;
  for (;;) {
    CacheSlot *sl = &c->slots[i];
    if (sl->hash == 0 ||
        (sl->hash == h && sl->len == len && sl->flags == flags && memcmp(sl->key, key, len) == 0))
      return sl;
    i = (i + 1) & c->mask;
  }
}

/* The memo slot of the ip IP (IP_N hex digits) in C, its digits in *W; NULL
 * when the ip is not 1-16 digits or the line (ending at LINE_END) has no 16
 * bytes from it to load. */
static inline IpMemo *
memo_slot(FrameCache *c, const char *ip, gsize ip_n, const char *line_end, guint64 w[2])
{
  if (ip_n - 1 >= 16 || line_end - ip < 16)
    return NULL;
  memcpy(&w[0], ip, 8);
  memcpy(&w[1], ip + 8, 8);
  if (ip_n < 8) {
    w[0] &= (G_GUINT64_CONSTANT(1) << (8 * ip_n)) - 1;
    w[1] = 0;
  } else if (ip_n < 16) {
    w[1] &= (G_GUINT64_CONSTANT(1) << (8 * (ip_n - 8))) - 1; /* 0 for 8 digits */
  }
  if (G_UNLIKELY(c->memo == NULL)) {
    c->memo = g_private_get(&spare_memo);
    if (c->memo != NULL)
      g_private_set(&spare_memo, NULL);
    else
      c->memo = table0(MEMO_SIZE * sizeof(IpMemo));
  }
  guint64 x = (w[0] ^ (w[1] * 0x9e3779b97f4a7c15ULL)) * 0xff51afd7ed558ccdULL;
  return &c->memo[x >> 52]; /* 12 bits: MEMO_SIZE */
}

static void
cache_put(FrameCache *c, const char *key, gsize len, guint64 h, FkNameFlags flags, Frames *f)
{
  if (c->used >= CACHE_MAX)
    cache_clear(c);
  if ((c->used + 1) * 2 > c->mask + 1) {
    gsize old_n = c->mask + 1;
    CacheSlot *old = c->slots;
    c->mask = old_n * 2 - 1;
    c->slots = table0((c->mask + 1) * sizeof(CacheSlot));
    for (gsize i = 0; i < old_n; i++)
      if (old[i].hash != 0)
        *cache_slot(c, old[i].key, old[i].len, old[i].hash, old[i].flags) = old[i];
    fk_pages_free(old);
  }
  CacheSlot *sl = cache_slot(c, key, len, h, flags);
  sl->hash = h;
  sl->len = len;
  sl->flags = flags;
  sl->key = g_string_chunk_insert_len(c->keys, key, (gssize)len);
  sl->frames = f;
  c->used++;
}

/* Remembers in M (NULL: none) that its ip came with the text of slot SL. */
static inline void
memo_put(IpMemo *m, const guint64 w[2], const CacheSlot *sl)
{
  if (m == NULL)
    return;
  m->ip[0] = w[0];
  m->ip[1] = w[1];
  m->key = sl->key;
  m->len = sl->len;
  m->flags = sl->flags;
  m->frames = sl->frames;
}

/* Adds the frame line S..E (leading blanks skipped, writable) to the open
 * sample. */
static void
add_frame_line(PerfScript *ps, char *s, char *e)
{
  while (s < e && fk_td_is_space(*s))
    s++;
  char *ip = s;
  while (s < e && fk_td_is_hex(*s))
    s++;
  add_frame_parts(ps, ip, (gsize)(s - ip), s, e);
}

/* The frame line whose ip is IP (IP_N hex digits) and whose rest is S..E. */
static void
add_frame_parts(PerfScript *ps, const char *ip, gsize ip_n, char *s, char *e)
{
  guint64 w[2];
  IpMemo *m = memo_slot(ps->cache, ip, ip_n, e, w);
  while (e > s && fk_td_is_space(e[-1]))
    e--;
  while (s < e && fk_td_is_space(*s))
    s++;
  /* s..e: `sym (dso)`; it is the cache key. */
  gsize key_len = (gsize)(e - s);
  if (m != NULL && m->key != NULL && m->ip[0] == w[0] && m->ip[1] == w[1] && m->len == key_len &&
      m->flags == ps->name_flags && memcmp(m->key, s, key_len) == 0) {
    stack_push(&ps->stack, m->frames);
    return;
  }
  guint64 h = line_hash(s, key_len);
  CacheSlot *sl = cache_slot(ps->cache, s, key_len, h, ps->name_flags);
  if (G_LIKELY(sl->hash != 0)) {
    memo_put(m, w, sl);
    stack_push(&ps->stack, sl->frames);
    return;
  }
  const char *sym = s, *dso = NULL;
  gsize sym_n = (gsize)(e - s), dso_n = 0;
  gboolean has_dso = FALSE;
  if (e > s && e[-1] == ')') {
    /* The dso is the last parenthesized group, parentheses balanced. */
    int depth = 0;
    char *q = e - 1;
    for (; q >= s; q--) {
      if (*q == ')')
        depth++;
      else if (*q == '(' && --depth == 0)
        break;
    }
    if (q >= s && (q == s || fk_td_is_space(q[-1]))) {
      has_dso = TRUE;
      dso = q + 1;
      dso_n = (gsize)(e - 1 - dso);
      char *se = q;
      while (se > s && fk_td_is_space(se[-1]))
        se--;
      sym_n = (gsize)(se - s);
    }
  }
  gboolean uses_ip;
  Frames *f = make_frames(ps, ip, ip_n, sym, sym_n, dso, dso_n, has_dso, &uses_ip);
  stack_push(&ps->stack, f);
  if (!uses_ip) {
    cache_put(ps->cache, s, key_len, h, ps->name_flags, f);
    memo_put(m, w, cache_slot(ps->cache, s, key_len, h, ps->name_flags));
  } else
    g_free(f); /* not cacheable: its names hold the ip */
}

/* Is the in-sample line L a `-F +srcline` line (`file.c:12`, `dso[1f0]`,
 * `??:0`)? */
static gboolean
looks_like_srcline(const char *l, gsize n)
{
  const char *s = l, *e = l + n;
  fk_td_trim(&s, &e);
  if (s == e)
    return FALSE;
  if (e[-1] == ']')
    return memchr(s, '[', (gsize)(e - s)) != NULL;
  const char *c = e;
  while (c > s && fk_td_is_digit(c[-1]))
    c--;
  return c < e && c > s && c[-1] == ':';
}

/* Closes the open sample into *S. FALSE: nothing to emit. */
static gboolean
finish(PerfScript *ps, FkSample *s)
{
  ps->in_event = FALSE;
  if (ps->bad_event) {
    ps->bad_event = FALSE;
    stack_clear(&ps->stack);
    return FALSE;
  }
  if (ps->filtered) {
    ps->filtered = FALSE;
    ps->other_samples++;
    gpointer k = (gpointer)ps->cur.event;
    guint count = GPOINTER_TO_UINT(g_hash_table_lookup(ps->other_events, k));
    if (count == 0)
      g_ptr_array_add(ps->other_order, k);
    g_hash_table_insert(ps->other_events, k, GUINT_TO_POINTER(count + 1));
    ps->other_weight.v[0] += ps->period;
    stack_clear(&ps->stack);
    return FALSE;
  }
  gsize max_depth = fk_name_max_depth(ps->opts);
  Stack *st = &ps->stack;
  gsize n = st->cap - st->top;
  st->v[st->top - 1] = ps->pname;
  if (n + 1 > max_depth)
    ps->deep_stacks++;
  *s = ps->cur;
  s->frames = st->v + st->top - 1;
  s->n_frames = (guint)MAX((gsize)1, MIN(n + 1, max_depth));
  stack_clear(st); /* the frames stay where they are until the next push */
  gint64 w = 1;
  if (ps->opts->weight != FK_WEIGHT_SAMPLES && ps->has_period)
    w = ps->period;
  s->weight = fk_weight_int(w);
  s->period = ps->opts->weight != FK_WEIGHT_SAMPLES && ps->has_period;
  ps->samples++;
  return TRUE;
}

/* Handles a `#` line: the header's hostname becomes the host label (it names
 * the machine that recorded; the input's own host label, from its path, is
 * only the fallback). */
static void
header_line(PerfScript *ps, const char *l, gsize n)
{
  const char *s, *e;
  if (header_host(l, n, &s, &e))
    ps->host = fk_interner_intern(ps->opts->strings, s, (gsize)(e - s));
}

/* The dump's number of line NO of the piece (see PerfScript.first_line). */
static guint64
dump_line(PerfScript *ps, guint64 no)
{
  return no + (ps->piece != NULL ? fk_piece_lines_before(ps->piece) : ps->first_line);
}

/* fk_td_skip at line NO of the piece. */
static gboolean
skip_at(PerfScript *ps, guint64 no, const FkWeight *w, GError **error, const char *what)
{
  return fk_td_skip(ps->opts, ps->in, dump_line(ps, no), w, error, what);
}

/* Reports the open sample whose event line did not parse, and closes it. */
static gboolean
report_bad_event(PerfScript *ps, GError **error)
{
  g_autofree char *what =
      ps->orphan ? g_strdup_printf("%" G_GUINT64_FORMAT " %s without an event line skipped%s",
                                   ps->n_frames_bad, ps->n_frames_bad == 1 ? "frame" : "frames",
                                   ps->seen_event ? "" : " (the dump begins inside a sample?)")
                 : g_strdup_printf("not a perf script event line (its sample of %" G_GUINT64_FORMAT
                                   " frames skipped)",
                                   ps->n_frames_bad);
  ps->in_event = FALSE;
  ps->bad_event = FALSE;
  stack_clear(&ps->stack);
  return skip_at(ps, ps->event_no, NULL, error, what);
}

static gboolean
blank(const char *l, gsize n)
{
  for (gsize i = 0; i < n; i++)
    if (!fk_td_is_space(l[i]))
      return FALSE;
  return TRUE;
}

/* Is L (N bytes, not blank), the last line of the input and without a line
 * end, cut? perf script ends every line, but a dump can lose only its last
 * line end to an editor or a shell's $(...) (speedscope's own test data
 * does): a frame line that ends its `(dso)` is whole. One that does not, in
 * a dump whose frames have dsos, or that ends in a bare `+`, `+0` or `+0x`, was
 * cut; so was an event line or anything else (a sample always has more). */
static gboolean
cut_line(const PerfScript *ps, const char *l, gsize n, gboolean *unsure)
{
  const char *s = l, *e = l + n;
  fk_td_trim(&s, &e);
  *unsure = FALSE;
  if (!ps->in_event || !fk_td_is_space(l[0]) || !looks_like_frame(l, n))
    return TRUE;
  if (e[-1] == ')')
    return FALSE;
  if (ps->dso_layout)
    return TRUE;
  /* a piece after the first does not know whether those before it saw a
   * `(dso)` */
  *unsure = ps->later;
  /* perf prints offsets as +0xHEX: a bare `+`, `+0` or `+0x` is cut short */
  return e[-1] == '+' || (e - s >= 2 && memcmp(e - 2, "+0", 2) == 0) ||
         (e - s >= 3 && memcmp(e - 3, "+0x", 3) == 0);
}

/* A piece (FkReadOptions.piece) cannot read right what it met at line NO:
 * the pipeline reads the dump again whole. */
static FkReadStatus
uncut(PerfScript *ps, guint64 no, const char *what, GError **error)
{
  g_set_error(error, FK_READER_ERROR, FK_READER_ERROR_UNCUT,
              "%s:%" G_GUINT64_FORMAT ": %s: read whole", fk_input_name(ps->in), dump_line(ps, no),
              what);
  return FK_READ_ERROR;
}

/* The input ends inside line NO: perf script ends every line, and a sample
 * with a blank one, so the dump was cut (a copy, a full disk, a killed
 * perf). The cut line is no frame (`__libc_start_call_main+0x` would be a
 * made-up one) and the open sample's stack is incomplete: both are dropped
 * and counted, with the sample's weight. */
static FkReadStatus
cut_at_end(PerfScript *ps, guint64 no, GError **error)
{
  gboolean sample = ps->in_event && !ps->bad_event && !ps->filtered;
  FkWeight w =
      fk_weight_int(ps->opts->weight != FK_WEIGHT_SAMPLES && ps->has_period ? ps->period : 1);
  g_autofree char *what =
      sample ? g_strdup_printf("the input ends inside this line (cut?): its sample, of which %u "
                               "frames were read, dropped",
                               (guint)(ps->stack.cap - ps->stack.top))
             : g_strdup("the input ends inside this line (cut?): the line dropped");
  ps->in_event = FALSE;
  ps->bad_event = FALSE;
  ps->filtered = FALSE;
  stack_clear(&ps->stack);
  return skip_at(ps, no, sample ? &w : NULL, error, what) ? FK_READ_END : FK_READ_ERROR;
}

static FkReadStatus
perf_script_next(gpointer state, FkSample *s, GError **error)
{
  PerfScript *ps = state;
  for (;;) {
    char *line;
    gsize len;
    guint64 no;
    if (ps->have_pending) {
      /* An event line that closed the previous sample. */
      ps->have_pending = FALSE;
      line = ps->pending->str;
      len = ps->pending->len;
      no = ps->pending_no;
    } else {
      FkLineStatus st = fk_lines_next(ps->lines, &line, &len, error);
      if (st == FK_LINE_ERROR)
        return FK_READ_ERROR;
      no = fk_lines_number(ps->lines);
      if (st == FK_LINE_END) {
        /* a piece before the last ends after a blank line */
        if (ps->piece != NULL && !ps->piece->last && ps->in_event)
          return uncut(ps, no, "a sample open at the end of a piece", error);
        if (ps->in_event && ps->bad_event)
          return report_bad_event(ps, error) ? FK_READ_END : FK_READ_ERROR;
        if (ps->in_event && finish(ps, s))
          return FK_READ_SAMPLE;
        return FK_READ_END;
      }
      if (st == FK_LINE_TOO_LONG) {
        if (!skip_at(ps, no, NULL, error, "line longer than the limit"))
          return FK_READ_ERROR;
        continue;
      }
      if (fk_lines_unterminated(ps->lines) && !blank(line, len) && line[0] != '#') {
        gboolean unsure;
        gboolean cut = cut_line(ps, line, len, &unsure);
        if (unsure)
          return uncut(ps, no, "a last line cut short or not", error);
        if (cut)
          return cut_at_end(ps, no, error);
      }
    }
    if (len > 0 && line[0] == '#') {
      header_line(ps, line, len);
      continue;
    }
    gsize i = skip_space(line, 0, len);
    if (i == len) {
      if (ps->in_event) {
        if (ps->bad_event) {
          if (!report_bad_event(ps, error))
            return FK_READ_ERROR;
          continue;
        }
        if (finish(ps, s))
          return FK_READ_SAMPLE;
      }
      continue;
    }
    if (ps->in_event) {
      gsize j = skip_hex(line, i, len);
      gboolean frame = j > i && (j == len || fk_td_is_space(line[j])) &&
                       (i > 0 || line[len - 1] == ')' || !looks_like_event(line, len));
      if (frame) {
        if (line[len - 1] == ')')
          ps->dso_layout = TRUE;
        if (ps->bad_event)
          ps->n_frames_bad++;
        else if (!ps->filtered)
          add_frame_parts(ps, line + i, j - i, line + j, line + len);
        continue;
      }
      if (i > 0 && !looks_like_event(line, len)) {
        if (looks_like_srcline(line, len))
          continue;
        if (!skip_at(ps, no, NULL, error, "not a stack frame line"))
          return FK_READ_ERROR;
        continue;
      }
      /* A new event line without the blank line before it. */
      if (!ps->bad_event) {
        g_string_assign(ps->pending, line);
        ps->pending_no = no;
        ps->have_pending = TRUE;
        if (finish(ps, s))
          return FK_READ_SAMPLE;
        continue;
      }
      if (!report_bad_event(ps, error))
        return FK_READ_ERROR;
    }
    ps->in_event = TRUE;
    ps->event_no = no;
    if (parse_event(ps, line, len)) {
      ps->seen_event = TRUE;
    } else {
      ps->bad_event = TRUE;
      ps->orphan = i > 0 && looks_like_frame(line, len);
      ps->n_frames_bad = ps->orphan ? 1 : 0;
    }
  }
}

static void
perf_script_describe(gpointer state, GPtrArray *pairs)
{
  PerfScript *ps = state;
  if (ps->host != NULL) {
    g_ptr_array_add(pairs, g_strdup("hostname"));
    g_ptr_array_add(pairs, g_strdup(ps->host));
  }
  if (ps->event_filter != NULL) {
    g_ptr_array_add(pairs, g_strdup("event"));
    g_ptr_array_add(pairs, g_strdup(ps->event_filter));
  }
}

/* ---- one dump in pieces (FkReader.cut) ---- */

/* UTF-8 text only: fk_lines decodes UTF-16 from the start (its bytes hold
 * NULs, which perf_script_bid refuses too). */
static gboolean
perf_script_cut(const guint8 *head, gsize len)
{
  if (len >= 2 && ((head[0] == 0xff && head[1] == 0xfe) || (head[0] == 0xfe && head[1] == 0xff)))
    return FALSE;
  return perf_script_bid(head, len) > 0;
}

/* The last `# hostname` header of BUF[0..LEN) (a piece; FIRST: the dump's
 * first, which may begin with a BOM) into *HOST, as perf_script_next
 * takes one: a line of at most MAX_LINE bytes that begins with it. */
static void
scan_hosts(const char *buf, gsize len, gboolean first, gsize max_line, char **host)
{
  const char *end = buf + len;
  const char *bom_end = first && len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0 ? buf + 3 : buf;
  /* by memchr on '#', which perf script text rarely holds but in its header */
  for (const char *q = buf; (q = memchr(q, '#', (gsize)(end - q))) != NULL; q++) {
    if ((q != buf && q != bom_end && q[-1] != '\n' && q[-1] != '\r') || end - q < 10 ||
        memcmp(q, "# hostname", 10) != 0)
      continue;
    const char *lf = memchr(q, '\n', (gsize)(end - q));
    const char *cr = memchr(q, '\r', (gsize)((lf != NULL ? lf : end) - q));
    const char *e = cr != NULL ? cr : lf != NULL ? lf : end;
    const char *hs, *he;
    if ((gsize)(e - q) <= max_line && header_host(q, (gsize)(e - q), &hs, &he)) {
      g_free(*host);
      *host = g_strndup(hs, (gsize)(he - hs));
    }
  }
}

/* FkReader.carry: the host header for the pieces after BUF; and, from the
 * first piece, the dump's first event (read with a throwaway state up to
 * the first event line that names one). A first piece without one (no
 * event line, or none naming its event) cannot tell the pieces after it
 * what a whole reading would: their orphan frames' message, the event
 * read. */
static gboolean
perf_script_carry(const char *buf, gsize len, gboolean first, const FkReadOptions *opts,
                  FkPieceCarry *carry)
{
  scan_hosts(buf, len, first, opts->max_line ? opts->max_line : 16u << 20, &carry->host);
  if (!first)
    return TRUE;
  g_autoptr(FkInterner) strings = fk_interner_new();
  g_autoptr(FkDiag) diag = fk_diag_new(0);
  FkReadOptions o = *opts;
  o.strings = strings;
  o.diag = diag;
  o.strict = FALSE;
  o.piece = NULL;
  g_autoptr(GBytes) bytes = g_bytes_new_static(buf, len);
  g_autoptr(FkInput) in = fk_input_new_bytes("carry", bytes); /* (which takes a reference) */
  PerfScript *ps = fk_perf_script_open_piece(in, &o, NULL, NULL);
  FkSample s;
  while (!(ps->seen_event && ps->event_filter != NULL) &&
         perf_script_next(ps, &s, NULL) == FK_READ_SAMPLE)
    ;
  gboolean known = ps->seen_event && ps->event_filter != NULL;
  if (known && opts->event_filter == NULL)
    carry->event = g_strdup(ps->event_filter);
  perf_script_close(ps);
  return known;
}

const FkReader fk_reader_perf_script = {
    .name = "perf-script",
    .summary = "`perf script` text (every layout; --pid, --tid, --kernel, --jit, --addrs)",
    .bid = perf_script_bid,
    .open = perf_script_open,
    .next = perf_script_next,
    .close = perf_script_close,
    .describe = perf_script_describe,
    .cut = perf_script_cut,
    .boundary = fk_perf_script_boundary,
    .carry = perf_script_carry,
    .carry_mark = '#', /* of `# hostname` */
    .note_pieces = perf_script_note_pieces,
};
