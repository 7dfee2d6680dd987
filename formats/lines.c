/* lines.c -- a growable buffer scanned with memchr; UTF-16 decoded on the fly. */
#include "lines.h"

#include <string.h>

enum { ENC_UNKNOWN, ENC_UTF8, ENC_UTF16LE, ENC_UTF16BE };

struct FkLines {
  FkInput *in;
  gsize max_line;
  char *buf;
  gsize cap, start, end;
  gboolean eof;
  int enc;
  guint8 raw[65536]; /* UTF-16 bytes not yet decoded */
  gsize raw_len;
  guint64 raw_offset;     /* input offset of raw[0] */
  guint64 replaced;       /* UTF-16 code units read as U+FFFD */
  guint64 replaced_first; /* input offset of the first */
  guint64 number;
  gboolean unterminated; /* the last line returned had no line end */
  /* UTF-8 from a source that lends its bytes (fk_input_borrow): lines are
   * returned where they lie, and only a line cut by the chunk's end is
   * copied into buf. */
  guint8 *lent;
  gsize lent_len, lent_pos;
  gsize lent_cr; /* offset of the next CR at or after lent_pos (lent_len: none) */
  gboolean lent_cr_known;
  gboolean no_lend;
  /* The same for buf: the offset in buf of the first CR at or after the
   * start when it was looked for, or the end then (none); forgotten when
   * buf's bytes move. */
  gsize buf_cr;
  gboolean buf_cr_known;
};

FkLines *
fk_lines_new(FkInput *in, gsize max_line)
{
  FkLines *self = g_new0(FkLines, 1);
  self->in = in;
  self->max_line = max_line ? max_line : 16u << 20;
  self->cap = MIN((gsize)256 * 1024, self->max_line + 2);
  self->cap = MAX(self->cap, (gsize)1024);
  self->buf = g_malloc(self->cap + 1);
  return self;
}

void
fk_lines_free(FkLines *self)
{
  if (self == NULL)
    return;
  g_free(self->buf);
  g_free(self);
}

void
fk_lines_set_piece(FkLines *self)
{
  self->enc = ENC_UTF8;
}

static gsize
put_utf8(char *out, gunichar c)
{
  return (gsize)g_unichar_to_utf8(c, out);
}

static void
replace(FkLines *self, gsize at)
{
  if (self->replaced++ == 0)
    self->replaced_first = self->raw_offset + at;
}

/* Decodes UTF-16 from raw into buf[end..cap): each unit pair yields at most 4
 * bytes, so stop when fewer than 4 bytes of room are left. A lone surrogate
 * (and, at the end, an odd last byte) becomes U+FFFD and is counted. */
static void
decode_utf16(FkLines *self)
{
  gsize i = 0;
  gboolean le = self->enc == ENC_UTF16LE;
  while (i + 2 <= self->raw_len && self->cap - self->end >= 4) {
    guint u = le ? (guint)(self->raw[i] | self->raw[i + 1] << 8)
                 : (guint)(self->raw[i] << 8 | self->raw[i + 1]);
    gunichar c = u;
    gsize used = 2;
    if (u >= 0xD800 && u < 0xDC00) {
      if (i + 4 > self->raw_len) {
        if (!fk_input_at_end(self->in))
          break; /* the low half has not arrived yet */
        c = 0xFFFD;
        replace(self, i);
      } else {
        guint lo = le ? (guint)(self->raw[i + 2] | self->raw[i + 3] << 8)
                      : (guint)(self->raw[i + 2] << 8 | self->raw[i + 3]);
        if (lo >= 0xDC00 && lo < 0xE000) {
          c = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
          used = 4;
        } else {
          c = 0xFFFD;
          replace(self, i);
        }
      }
    } else if (u >= 0xDC00 && u < 0xE000) {
      c = 0xFFFD;
      replace(self, i);
    }
    self->end += put_utf8(self->buf + self->end, c);
    i += used;
  }
  if (i + 1 == self->raw_len && fk_input_at_end(self->in) && self->cap - self->end >= 4) {
    /* the odd last byte of a torn UTF-16 file */
    self->end += put_utf8(self->buf + self->end, 0xFFFD);
    replace(self, i);
    i++;
  }
  memmove(self->raw, self->raw + i, self->raw_len - i);
  self->raw_len -= i;
  self->raw_offset += i;
}

/* Decides the encoding from a BOM, which it consumes. */
static gboolean
detect(FkLines *self, GError **error)
{
  if (self->enc == ENC_UNKNOWN) {
    const guint8 *h;
    gssize n = fk_input_peek(self->in, 3, &h, error);
    if (n < 0)
      return FALSE;
    guint8 bom[3];
    self->enc = ENC_UTF8;
    if (n >= 3 && h[0] == 0xEF && h[1] == 0xBB && h[2] == 0xBF) {
      (void)fk_input_read(self->in, bom, 3, error);
    } else if (n >= 2 && h[0] == 0xFF && h[1] == 0xFE) {
      self->enc = ENC_UTF16LE;
      (void)fk_input_read(self->in, bom, 2, error);
      self->raw_offset = 2;
    } else if (n >= 2 && h[0] == 0xFE && h[1] == 0xFF) {
      self->enc = ENC_UTF16BE;
      (void)fk_input_read(self->in, bom, 2, error);
      self->raw_offset = 2;
    }
  }
  return TRUE;
}

/* Appends lent bytes to buf, up to the next line end: the count, 0 at the
 * end, -1 on error, -2 when the input does not lend. */
static gssize
fill_lent(FkLines *self, GError **error)
{
  if (self->lent_pos == self->lent_len) {
    guint8 *d;
    gssize n = fk_input_borrow(self->in, &d, error);
    if (n <= 0)
      return n;
    self->lent = d;
    self->lent_len = (gsize)n;
    self->lent_pos = 0;
    self->lent_cr_known = FALSE;
  }
  const guint8 *p = self->lent + self->lent_pos;
  gsize avail = self->lent_len - self->lent_pos;
  const guint8 *nl = memchr(p, '\n', avail);
  gsize take = MIN(nl ? (gsize)(nl - p) + 1 : avail, self->cap - self->end);
  memcpy(self->buf + self->end, p, take);
  self->end += take;
  self->lent_pos += take;
  return (gssize)take;
}

/* Appends more bytes to buf; returns bytes added, 0 at the end, -1 on error. */
static gssize
fill(FkLines *self, GError **error)
{
  if (self->enc == ENC_UNKNOWN && !detect(self, error))
    return -1;
  if (self->enc == ENC_UTF8 && !self->no_lend) {
    gssize n = fill_lent(self, error);
    if (n != -2)
      return n;
    self->no_lend = TRUE;
  }
  if (self->enc == ENC_UTF8) {
    gssize n = fk_input_read(self->in, self->buf + self->end, self->cap - self->end, error);
    if (n > 0)
      self->end += (gsize)n;
    return n;
  }
  gsize before = self->end;
  for (;;) {
    gssize n = 0;
    if (self->raw_len < sizeof self->raw) {
      n = fk_input_read(self->in, self->raw + self->raw_len, sizeof self->raw - self->raw_len,
                        error);
      if (n < 0)
        return -1;
      self->raw_len += (gsize)n;
    }
    decode_utf16(self);
    if (self->end > before)
      return (gssize)(self->end - before);
    if (n == 0 || self->cap - self->end < 4)
      return 0;
  }
}

/* The first line end in P[0..N): LF, CRLF or a lone CR (classic Mac OS and
 * some exporters end lines so: taking CR for text made `a;b 1\rc;d 2\r` one
 * stack). Returns its offset and *TERM its length, or -1 when there is none
 * yet; a CR that is the last byte is undecided (an LF may follow) unless
 * AT_EOF. Two memchr passes: lines with no CR cost one extra scan. */
static gssize
find_line_end(const char *p, gsize n, gboolean at_eof, gsize *term)
{
  const char *nl = memchr(p, '\n', n);
  gsize upto = nl ? (gsize)(nl - p) : n;
  const char *cr = memchr(p, '\r', upto);
  if (cr != NULL) {
    gsize at = (gsize)(cr - p);
    if (at + 1 >= n && !at_eof)
      return -1;
    *term = at + 1 < n && p[at + 1] == '\n' ? 2 : 1;
    return (gssize)at;
  }
  if (nl == NULL)
    return -1;
  *term = 1;
  return (gssize)upto;
}

/* Hands out the line S of L bytes (its line end not included): counts it,
 * NUL-terminates it in place. */
static FkLineStatus
give_line(FkLines *self, char *s, gsize l, gboolean too_long, char **line, gsize *len)
{
  self->number++;
  if (too_long || l > self->max_line)
    return FK_LINE_TOO_LONG;
  s[l] = '\0';
  *line = s;
  *len = l;
  return FK_LINE_OK;
}

gsize
fk_lines_ahead(const FkLines *self, const char **p)
{
  /* where fk_lines_next looks first: buf, then the lent chunk */
  if (self->start < self->end) {
    *p = self->buf + self->start;
    return self->end - self->start;
  }
  if (self->enc == ENC_UTF8 && self->lent != NULL && self->lent_pos < self->lent_len) {
    *p = (const char *)self->lent + self->lent_pos;
    return self->lent_len - self->lent_pos;
  }
  return 0;
}

gboolean
fk_lines_ahead_line(const FkLines *self, guint k, gsize max, const char **p, gsize *len)
{
  const char *at;
  gsize n = fk_lines_ahead(self, &at);
  const char *stop = at + MIN(n, max);
  for (; k > 0 && at < stop; k--) {
    const char *nl = memchr(at, '\n', (gsize)(stop - at));
    if (nl == NULL)
      return FALSE;
    if (k == 1) {
      *p = at;
      *len = (gsize)(nl - at);
      return TRUE;
    }
    at = nl + 1;
  }
  return FALSE;
}

FkLineStatus
fk_lines_next(FkLines *self, char **line, gsize *len, GError **error)
{
  gboolean skipping = FALSE;
  gsize scanned = 0;
  if (self->enc == ENC_UNKNOWN && !detect(self, error))
    return FK_LINE_ERROR;
  gsize term = 0;
  /* A whole line in the lent chunk: no copy. */
  if (self->start == self->end && self->lent_pos < self->lent_len) {
    char *p = (char *)self->lent + self->lent_pos;
    gsize avail = self->lent_len - self->lent_pos;
    /* Where the chunk has no CR before the next LF (nearly always), one
     * memchr per line; the next CR is looked for once, not per line. */
    if (!self->lent_cr_known || self->lent_cr < self->lent_pos) {
      const char *cr = memchr(p, '\r', avail);
      self->lent_cr = cr ? (gsize)(cr - (char *)self->lent) : self->lent_len;
      self->lent_cr_known = TRUE;
    }
    const char *nl = memchr(p, '\n', avail);
    gssize at = -1;
    if (nl != NULL && (gsize)(nl - (char *)self->lent) < self->lent_cr) {
      at = nl - p;
      term = 1;
    } else {
      at = find_line_end(p, avail, FALSE, &term);
    }
    if (at >= 0) {
      self->lent_pos += (gsize)at + term;
      self->unterminated = FALSE;
      return give_line(self, p, (gsize)at, FALSE, line, len);
    }
  }
  /* A whole line in buf: one memchr per line, as above. */
  if (self->start < self->end) {
    char *p = self->buf + self->start;
    gsize avail = self->end - self->start;
    if (!self->buf_cr_known || self->buf_cr < self->start) {
      const char *cr = memchr(p, '\r', avail);
      self->buf_cr = cr ? (gsize)(cr - self->buf) : self->end;
      self->buf_cr_known = TRUE;
    }
    const char *nl = memchr(p, '\n', avail);
    if (nl != NULL && (gsize)(nl - self->buf) < self->buf_cr) {
      gsize at = (gsize)(nl - p);
      self->start += at + 1;
      self->unterminated = FALSE;
      return give_line(self, p, at, FALSE, line, len);
    }
  }
  for (;;) {
    char *s = self->buf + self->start;
    gssize at = find_line_end(s + scanned, self->end - self->start - scanned, self->eof, &term);
    if (at >= 0 || (self->eof && self->end > self->start)) {
      gsize l = at >= 0 ? scanned + (gsize)at : self->end - self->start;
      self->start += l + (at >= 0 ? term : 0);
      self->unterminated = at < 0;
      return give_line(self, s, l, skipping, line, len);
    }
    if (self->eof) {
      if (skipping) {
        self->number++;
        return FK_LINE_TOO_LONG;
      }
      return FK_LINE_END;
    }
    scanned = self->end - self->start;
    /* a CR at the end is undecided: look at it again with the next byte */
    gboolean cr_last = scanned > 0 && self->buf[self->end - 1] == '\r';
    if (cr_last)
      scanned--;
    self->buf_cr_known = FALSE; /* buf's bytes move or grow below */
    if (scanned > self->max_line) {
      /* Too long: drop what we have and keep skipping to the next line end. */
      skipping = TRUE;
      self->start = 0;
      self->end = cr_last ? 1 : 0;
      self->buf[0] = '\r';
      scanned = 0;
    } else if (self->start > 0) {
      memmove(self->buf, self->buf + self->start, self->end - self->start);
      self->end -= self->start;
      self->start = 0;
    }
    if (self->cap - self->end < 4) {
      gsize ncap = MIN(self->cap * 2, self->max_line + 8);
      if (ncap <= self->cap)
        ncap = self->cap + 8;
      self->buf = g_realloc(self->buf, ncap + 1);
      self->cap = ncap;
    }
    gssize n = fill(self, error);
    if (n < 0)
      return FK_LINE_ERROR;
    if (n == 0)
      self->eof = TRUE;
  }
}

guint64
fk_lines_number(const FkLines *self)
{
  return self->number;
}

gboolean
fk_lines_unterminated(const FkLines *self)
{
  return self->unterminated;
}

void
fk_lines_report(const FkLines *self, FkDiag *diag, const char *where)
{
  if (self == NULL || self->replaced == 0 || diag == NULL)
    return;
  fk_diag_skip(diag, where, NULL,
               "%" G_GUINT64_FORMAT
               " UTF-16 code %s that %s no character (a lone surrogate or an odd "
               "last byte), the first at byte %" G_GUINT64_FORMAT ", read as U+FFFD",
               self->replaced, self->replaced == 1 ? "unit" : "units",
               self->replaced == 1 ? "is" : "are", self->replaced_first);
}

const char *
fk_lines_head_line(const char *p, const char *end, const char **next)
{
  gsize term;
  gssize at = find_line_end(p, (gsize)(end - p), FALSE, &term);
  if (at < 0)
    return NULL;
  *next = p + at + term;
  return p + at;
}

/* One pass, 16 bytes at a time (LFs into byte counters, summed every 255
 * rounds before they overflow; CRs only noted, a block that holds one
 * looked at again bytewise): the pipeline counts the pieces of a cut
 * input before one that has a message to give (FkPiece), and such a piece
 * comes from memory, not the cache. Two memchr passes (one for LF, one
 * for CR) cost about twice as much on `perf script` text. */
guint64
fk_lines_count(const char *p, gsize n)
{
  guint64 lines = 0;
  gsize i = 0;
  for (;;) {
    gsize from = i;
    gboolean cr = FALSE;
#if defined(__GNUC__)
    typedef char V16 __attribute__((vector_size(16)));
    V16 acc = {0}, seen = {0};
    for (guint r = 0; r < 255 && i + 16 <= n; r++, i += 16) {
      V16 v;
      memcpy(&v, p + i, 16);
      acc -= (V16)(v == '\n'); /* a match is all ones: -1 */
      seen |= (V16)(v == '\r');
    }
    for (guint k = 0; k < 16; k++) {
      lines += (guint8)acc[k];
      cr |= seen[k] != 0;
    }
    if (i == from)
#endif
    {
      for (; i < n; i++) {
        lines += p[i] == '\n';
        cr |= p[i] == '\r';
      }
    }
    for (gsize k = from; cr && k < i; k++)
      if (p[k] == '\r' && (k + 1 == n || p[k + 1] != '\n'))
        lines++;
    if (i >= n)
      break;
  }
  return lines;
}
