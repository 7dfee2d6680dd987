/* kallsyms.c -- kallsyms and perf-PID.map tables.
 *
 * A table is an array of 16-byte entries (address, where the name starts in
 * the text, a size) over text that stays as it was read: kallsyms files are
 * mapped, not copied; a tarball member's bytes are referenced; only
 * /proc/kallsyms (which cannot be mapped) and JIT maps are copied, and then
 * only the symbols' own lines. Why: on a VM every fresh page costs a fault
 * that clears it, and copying the 5.4 MB of a kernel's kallsyms into memory
 * and parsing it into 32-byte entries cost more than reading a 200,000-sample
 * capture. */
#include "kallsyms.h"

#include "hex.h"
#include "../sorted.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct {
  guint64 start;
  guint32 name; /* offset of the name in the text; in a perf map the u64
                 * size of the symbol comes just before it (kallsyms symbols
                 * have none: each runs to the next) */
  guint32 unused;
} KsSym;

struct FkSymMap {
  gboolean jit;      /* a perf map: names run to the line end, entries have sizes */
  const char *text;  /* what the names point into */
  gsize len;         /* of text */
  GMappedFile *file; /* text is this mapping, or */
  GBytes *bytes;     /* these bytes, or */
  GByteArray *copy;  /* the lines copied from a stream or a perf map */
  GArray *ents;      /* KsSym sorted by start */
  gsize zero;
};

/* The length of the name at S: kallsyms names end at a tab or space (the
 * module follows), perf map names at the line end. */
static gsize
name_len(const FkSymMap *self, const char *s)
{
  const char *e = self->text + self->len;
  const char *p = s;
  if (self->jit)
    while (p < e && *p != '\n' && *p != '\0')
      p++;
  else
    while (p < e && *p != '\n' && *p != '\0' && *p != '\t' && *p != ' ')
      p++;
  return (gsize)(p - s);
}

/* perf's preference among aliases at one address (kallsyms): global over
 * weak over local, then fewer leading underscores; the type letter is two
 * bytes before the name ("ADDR T name"). */
static guint
rank_of(const FkSymMap *self, const KsSym *e)
{
  if (self->jit)
    return 0;
  const char *name = self->text + e->name;
  char type = name[-2];
  guint rank = type == 'T' ? 0 : type == 'W' || type == 'w' ? 64 : 128;
  gsize n = name_len(self, name), u = 0;
  while (u < n && name[u] == '_')
    u++;
  return rank + (guint)MIN(u, 63);
}

static int
cmp_ent(gconstpointer pa, gconstpointer pb, gpointer data)
{
  const FkSymMap *self = data;
  const KsSym *a = pa, *b = pb;
  if (a->start != b->start)
    return a->start < b->start ? -1 : 1;
  guint ra = rank_of(self, a), rb = rank_of(self, b);
  if (ra != rb)
    return ra < rb ? -1 : 1;
  /* as strcmp would on the names alone */
  const char *na = self->text + a->name, *nb = self->text + b->name;
  gsize la = name_len(self, na), lb = name_len(self, nb);
  int c = memcmp(na, nb, MIN(la, lb));
  if (c != 0)
    return c;
  return la < lb ? -1 : la > lb;
}

static FkSymMap *
symmap_new(gboolean jit)
{
  FkSymMap *self = g_new0(FkSymMap, 1);
  self->jit = jit;
  self->ents = g_array_new(FALSE, FALSE, sizeof(KsSym));
  return self;
}

static void
finish(FkSymMap *self)
{
  /* kallsyms is sorted by address already (only the aliases at one address
   * are in no order): sort only when it is not */
  gboolean sorted = TRUE;
  for (guint i = 1; i < self->ents->len && sorted; i++)
    sorted =
        g_array_index(self->ents, KsSym, i - 1).start <= g_array_index(self->ents, KsSym, i).start;
  if (!sorted)
    g_array_sort_with_data(self->ents, cmp_ent, self);
  /* keep the best ranked of the aliases at one address (the first, once
   * sorted) */
  guint w = 0;
  for (guint i = 0; i < self->ents->len; i++) {
    KsSym *e = &g_array_index(self->ents, KsSym, i);
    if (w > 0 && g_array_index(self->ents, KsSym, w - 1).start == e->start) {
      if (cmp_ent(e, &g_array_index(self->ents, KsSym, w - 1), self) < 0)
        g_array_index(self->ents, KsSym, w - 1) = *e;
      continue;
    }
    g_array_index(self->ents, KsSym, w++) = *e;
  }
  g_array_set_size(self->ents, w);
}

static int
hexval(char c)
{
  /* a digit's value plus one, 0 for any other byte: one load per digit, not
   * three range tests (the 122k lines of a kallsyms are parsed at start) */
#define H(c, v) [c] = (v) + 1
  static const guint8 plus1[256] = {
      H('0', 0),  H('1', 1),  H('2', 2),  H('3', 3),  H('4', 4),  H('5', 5),
      H('6', 6),  H('7', 7),  H('8', 8),  H('9', 9),  H('a', 10), H('b', 11),
      H('c', 12), H('d', 13), H('e', 14), H('f', 15), H('A', 10), H('B', 11),
      H('C', 12), H('D', 13), H('E', 14), H('F', 15),
  };
#undef H
  return (int)plus1[(guchar)c] - 1;
}

enum { KS_SKIP, KS_BAD, KS_ZERO, KS_TEXT };

/* One kallsyms line [P, E), without its newline: "ADDR TYPE NAME[\t[MODULE]]".
 * KS_TEXT with *ADDR and *NAME (the offset from P) for a text symbol (t, T,
 * w, W) at a non-zero address. */
static int
parse_line(const char *p, const char *e, guint64 *addr, gsize *name)
{
  if (p == e)
    return KS_SKIP;
  guint64 a = 0;
  const char *q = p;
  int v, digits = 0;
  guint32 hi, lo;
  /* the usual line, 16 digits and then no digit, 8 digits at a time: as
   * the loop below would read it */
  if (e - p > 16 && hexval(p[16]) < 0 && fk_hex8(p, &hi) && fk_hex8(p + 8, &lo)) {
    a = (guint64)hi << 32 | lo;
    q = p + 16;
    digits = 16;
  } else {
    while (q < e && (v = hexval(*q)) >= 0 && digits < 17) {
      a = a << 4 | (guint64)v;
      q++;
      digits++;
    }
  }
  if (digits == 0 || digits > 16 || e - q < 3 || q[0] != ' ' || q[1] == '\0' || q[2] != ' ')
    return KS_BAD;
  char type = q[1];
  const char *n = q + 3;
  if (n == e || *n == '\0')
    return KS_BAD;
  if (type != 't' && type != 'T' && type != 'w' && type != 'W')
    return KS_SKIP;
  if (a == 0)
    return KS_ZERO;
  *addr = a;
  *name = (gsize)(n - p);
  return KS_TEXT;
}

/* TRUE for a text symbol's line [P, STOP) (*ADDR, *NAME as parse_line
 * gives them); a bad line counts in *BAD, a zeroed address (kptr_restrict)
 * in SELF->zero, both parsers alike. */
static inline gboolean
text_line(FkSymMap *self, const char *p, const char *stop, guint64 *addr, gsize *name, guint *bad)
{
  switch (parse_line(p, stop, addr, name)) {
  case KS_BAD:
    (*bad)++;
    return FALSE;
  case KS_ZERO:
    self->zero++;
    return FALSE;
  case KS_TEXT:
    return TRUE;
  default:
    return FALSE;
  }
}

/* Parses kallsyms text [TEXT, TEXT+LEN) in place: entries point into it. */
static void
parse_text(FkSymMap *self, const char *text, gsize len, guint *bad)
{
  /* about one line in 40 bytes: grow the array once, not 20 times; filled
   * directly (n entries), not through g_array_append_val's call per line */
  g_array_set_size(self->ents, (guint)MAX(MIN(len / 40, (gsize)G_MAXUINT / 4), 16));
  guint n = 0;
  const char *p = text, *e = text + MIN(len, (gsize)G_MAXUINT32);
  if (len > G_MAXUINT32)
    (*bad)++; /* the rest: no kallsyms is 4 GiB */
  while (p < e) {
    const char *nl = memchr(p, '\n', (gsize)(e - p));
    const char *stop = nl != NULL ? nl : e;
    guint64 addr;
    gsize name;
    if (text_line(self, p, stop, &addr, &name, bad)) {
      if (n == self->ents->len)
        g_array_set_size(self->ents, n * 2);
      KsSym ent = {addr, (guint32)(p + name - text), 0};
      g_array_index(self->ents, KsSym, n++) = ent;
    }
    p = stop + 1;
  }
  g_array_set_size(self->ents, n);
  self->text = text;
  self->len = len;
}

FkSymMap *
fk_symmap_new_kallsyms(GBytes *text, guint *bad)
{
  FkSymMap *self = symmap_new(FALSE);
  *bad = 0;
  self->bytes = g_bytes_ref(text);
  gsize len;
  const char *p = g_bytes_get_data(text, &len);
  parse_text(self, p != NULL ? p : "", len, bad);
  finish(self);
  return self;
}

/* /proc/kallsyms cannot be mapped (procfs makes it as it is read): read it
 * in pieces, keeping only the text symbols' lines from their type letter on
 * ("T name\n"), which is what rank_of and name_len read. */
static gboolean
read_stream(FkSymMap *self, int fd, guint *bad, GError **error)
{
  self->copy = g_byte_array_new();
  g_autofree char *buf = g_malloc(1 << 16);
  gsize have = 0;
  for (gboolean eof = FALSE; !eof;) {
    ssize_t r = read(fd, buf + have, (1 << 16) - have);
    if (r < 0 && errno == EINTR)
      continue;
    if (r < 0) {
      int e = errno;
      g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(e), "%s", g_strerror(e));
      return FALSE;
    }
    have += (gsize)r;
    eof = r == 0;
    const char *p = buf, *e = buf + have;
    for (;;) {
      const char *nl = memchr(p, '\n', (gsize)(e - p));
      if (nl == NULL && !(eof && p < e)) {
        if (p == buf && have == (1 << 16)) {
          (*bad)++; /* a line longer than the buffer: no kallsyms line is */
          p = e;
        }
        break;
      }
      const char *stop = nl != NULL ? nl : e;
      guint64 addr;
      gsize name;
      if (text_line(self, p, stop, &addr, &name, bad)) {
        if (self->copy->len + (gsize)(stop - p) + 1 < G_MAXUINT32) {
          KsSym ent = {addr, self->copy->len + 2, 0};
          g_array_append_val(self->ents, ent);
          g_byte_array_append(self->copy, (const guint8 *)p + name - 2,
                              (guint)(stop - p - name + 2));
          g_byte_array_append(self->copy, (const guint8 *)"\n", 1);
        } else
          (*bad)++;
      }
      p = stop + (nl != NULL);
      if (nl == NULL)
        break;
    }
    have = (gsize)(e - p);
    memmove(buf, p, have);
  }
  self->text = (const char *)self->copy->data;
  self->len = self->copy->len;
  return TRUE;
}

FkSymMap *
fk_symmap_new_kallsyms_file(const char *path, guint *bad, GError **error)
{
  *bad = 0;
  int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) {
    int e = errno;
    g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(e), "Failed to open file “%s”: %s",
                path, g_strerror(e));
    return NULL;
  }
  FkSymMap *self = symmap_new(FALSE);
  struct stat st;
  if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
    self->file = g_mapped_file_new_from_fd(fd, FALSE, NULL);
    if (self->file != NULL)
      parse_text(self, g_mapped_file_get_contents(self->file), g_mapped_file_get_length(self->file),
                 bad);
  }
  if (self->file == NULL) {
    g_autoptr(GError) e = NULL;
    if (!read_stream(self, fd, bad, &e)) {
      g_set_error(error, G_FILE_ERROR, e->code, "Failed to read from file “%s”: %s", path,
                  e->message);
      close(fd);
      fk_symmap_free(self);
      return NULL;
    }
  }
  close(fd);
  finish(self);
  return self;
}

FkSymMap *
fk_symmap_new_perf_map(const char *text, gsize len, guint *bad)
{
  FkSymMap *self = symmap_new(TRUE);
  *bad = 0;
  self->copy = g_byte_array_new();
  const char *p = text, *e = text + len;
  g_autoptr(GString) buf = g_string_new(NULL);
  while (p < e) {
    const char *nl = memchr(p, '\n', (gsize)(e - p));
    const char *stop = nl != NULL ? nl : e;
    g_string_truncate(buf, 0);
    g_string_append_len(buf, p, stop - p);
    p = nl != NULL ? nl + 1 : e;
    char *line = buf->str;
    if (line[0] == '\0')
      continue;
    char *end = NULL, *end2 = NULL;
    guint64 start = g_ascii_strtoull(line, &end, 16);
    if (end == line || *end != ' ') {
      (*bad)++;
      continue;
    }
    guint64 size = g_ascii_strtoull(end + 1, &end2, 16);
    if (end2 == end + 1 || *end2 != ' ' || end2[1] == '\0' || size == 0) {
      (*bad)++;
      continue;
    }
    g_strchomp(end2 + 1);
    gsize n = strlen(end2 + 1);
    if (self->copy->len + n + 16 >= G_MAXUINT32) {
      (*bad)++;
      continue;
    }
    g_byte_array_append(self->copy, (const guint8 *)&size, sizeof size);
    KsSym ent = {start, self->copy->len, 0};
    g_array_append_val(self->ents, ent);
    /* with its NUL, and padded so that the next size is aligned */
    g_byte_array_append(self->copy, (const guint8 *)end2 + 1, (guint)n + 1);
    static const guint8 pad[8];
    g_byte_array_append(self->copy, pad, (guint)(-(n + 1) & 7));
  }
  self->text = (const char *)self->copy->data;
  self->len = self->copy->len;
  finish(self);
  return self;
}

void
fk_symmap_free(FkSymMap *self)
{
  if (self == NULL)
    return;
  g_array_unref(self->ents);
  if (self->file != NULL)
    g_mapped_file_unref(self->file);
  if (self->bytes != NULL)
    g_bytes_unref(self->bytes);
  if (self->copy != NULL)
    g_byte_array_unref(self->copy);
  g_free(self);
}

const char *
fk_symmap_lookup(const FkSymMap *self, guint64 addr, gsize *len)
{
  guint lo = FK_SORTED_UPTO(self->ents, KsSym, start, addr);
  if (lo == 0)
    return NULL;
  const KsSym *e = &g_array_index(self->ents, KsSym, lo - 1);
  if (self->jit) {
    guint64 size;
    memcpy(&size, self->text + e->name - sizeof size, sizeof size);
    if (addr - e->start >= size)
      return NULL;
  } else if (lo == self->ents->len && addr - e->start >= 4096) {
    /* kallsyms has no sizes: a symbol runs to the next one; the last one to
     * a page boundary at most */
    return NULL;
  }
  const char *name = self->text + e->name;
  *len = name_len(self, name);
  return name;
}

gsize
fk_symmap_count(const FkSymMap *self)
{
  return self->ents->len;
}

gboolean
fk_symmap_all_zero(const FkSymMap *self)
{
  return self->ents->len == 0 && self->zero > 0;
}
