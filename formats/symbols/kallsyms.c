/* kallsyms.c -- kallsyms and perf-PID.map tables. */
#include "kallsyms.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
  guint64 start, end; /* end 0: runs to the next symbol */
  const char *name;
  guint8 rank; /* for aliases at one address: lower wins */
} KsSym;

struct FkSymMap {
  GStringChunk *strings;
  char *text;   /* kallsyms: a private copy of the file; names point into it */
  GArray *ents; /* KsSym sorted by start */
  gsize zero;
};

static int
cmp_ent(gconstpointer pa, gconstpointer pb)
{
  const KsSym *a = pa, *b = pb;
  if (a->start != b->start)
    return a->start < b->start ? -1 : 1;
  if (a->rank != b->rank)
    return a->rank < b->rank ? -1 : 1;
  return strcmp(a->name, b->name);
}

static FkSymMap *
symmap_new(void)
{
  FkSymMap *self = g_new0(FkSymMap, 1);
  self->strings = g_string_chunk_new(1 << 16);
  self->ents = g_array_new(FALSE, FALSE, sizeof(KsSym));
  return self;
}

static void
finish(FkSymMap *self)
{
  /* /proc/kallsyms is nearly sorted already: sort only when it is not */
  gboolean sorted = TRUE;
  for (guint i = 1; i < self->ents->len && sorted; i++)
    sorted = cmp_ent(&g_array_index(self->ents, KsSym, i - 1),
                     &g_array_index(self->ents, KsSym, i)) <= 0;
  if (!sorted)
    g_array_sort(self->ents, cmp_ent);
  /* keep the first (best ranked) of aliases at one address */
  guint w = 0;
  for (guint i = 0; i < self->ents->len; i++) {
    KsSym *e = &g_array_index(self->ents, KsSym, i);
    if (w > 0 && g_array_index(self->ents, KsSym, w - 1).start == e->start)
      continue;
    g_array_index(self->ents, KsSym, w++) = *e;
  }
  g_array_set_size(self->ents, w);
}

/* The next line of [*P, E) into BUF (NUL-terminated, no newline). FALSE
 * at the end. */
static gboolean
next_line(const char **p, const char *e, GString *buf)
{
  if (*p >= e)
    return FALSE;
  const char *nl = memchr(*p, '\n', (gsize)(e - *p));
  const char *stop = nl != NULL ? nl : e;
  g_string_truncate(buf, 0);
  g_string_append_len(buf, *p, stop - *p);
  *p = nl != NULL ? nl + 1 : e;
  return TRUE;
}

static int
hexval(char c)
{
  return c >= '0' && c <= '9'   ? c - '0'
         : c >= 'a' && c <= 'f' ? c - 'a' + 10
         : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                : -1;
}

/* Parsed in place over the text it takes: /proc/kallsyms has 10^5
 * lines, and the time to read a capture's kernel frames should be the time to
 * scan them once, not to copy and intern every name. */
FkSymMap *
fk_symmap_new_kallsyms(char *text, gsize len, guint *bad)
{
  FkSymMap *self = symmap_new();
  *bad = 0;
  self->text = text;
  /* about one line in 40 bytes: grow the array once, not 20 times */
  g_array_set_size(self->ents, (guint)MIN(len / 40, (gsize)G_MAXUINT / 2));
  g_array_set_size(self->ents, 0);
  char *p = self->text, *e = self->text + len;
  while (p < e) {
    char *nl = memchr(p, '\n', (gsize)(e - p));
    char *stop = nl != NULL ? nl : e;
    *stop = '\0';
    char *line = p;
    p = stop + 1;
    if (line == stop)
      continue;
    guint64 addr = 0;
    char *q = line;
    int v, digits = 0;
    while ((v = hexval(*q)) >= 0 && digits < 17) {
      addr = addr << 4 | (guint64)v;
      q++;
      digits++;
    }
    if (digits == 0 || digits > 16 || q[0] != ' ' || q[1] == '\0' || q[2] != ' ') {
      (*bad)++;
      continue;
    }
    char type = q[1];
    char *name = q + 3;
    if (*name == '\0') {
      (*bad)++;
      continue;
    }
    if (type != 't' && type != 'T' && type != 'w' && type != 'W')
      continue;
    /* "name\t[module]": the frame is the name alone */
    char *tab = strpbrk(name, "\t ");
    if (tab != NULL)
      *tab = '\0';
    if (addr == 0) {
      self->zero++;
      continue;
    }
    /* perf's preference: global over weak over local, fewer underscores */
    guint8 rank = type == 'T' ? 0 : type == 'W' || type == 'w' ? 64 : 128;
    gsize u = strspn(name, "_");
    rank = (guint8)(rank + MIN(u, 63));
    KsSym ent = {addr, 0, name, rank};
    g_array_append_val(self->ents, ent);
  }
  finish(self);
  return self;
}

FkSymMap *
fk_symmap_new_perf_map(const char *text, gsize len, guint *bad)
{
  FkSymMap *self = symmap_new();
  *bad = 0;
  g_autoptr(GString) buf = g_string_new(NULL);
  const char *p = text, *e = text + len;
  while (next_line(&p, e, buf)) {
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
    KsSym ent = {start, start + size, g_string_chunk_insert_const(self->strings, end2 + 1), 0};
    g_array_append_val(self->ents, ent);
  }
  finish(self);
  return self;
}

void
fk_symmap_free(FkSymMap *self)
{
  if (self == NULL)
    return;
  g_array_unref(self->ents);
  g_string_chunk_free(self->strings);
  g_free(self->text);
  g_free(self);
}

const char *
fk_symmap_lookup(const FkSymMap *self, guint64 addr)
{
  guint lo = 0, hi = self->ents->len;
  while (lo < hi) {
    guint mid = lo + (hi - lo) / 2;
    if (g_array_index(self->ents, KsSym, mid).start <= addr)
      lo = mid + 1;
    else
      hi = mid;
  }
  if (lo == 0)
    return NULL;
  const KsSym *e = &g_array_index(self->ents, KsSym, lo - 1);
  if (e->end != 0)
    return addr < e->end ? e->name : NULL;
  /* kallsyms has no sizes: a symbol runs to the next one; the last one to
   * a page boundary at most */
  if (lo == self->ents->len && addr - e->start >= 4096)
    return NULL;
  return e->name;
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
