/* inflatecache.c -- inflated DWARF sections kept on disk between runs. */
#include "inflatecache.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../analyze/intern.h"

/* An entry: this header, N entries, then each section's bytes at its
 * entry's DATA (a multiple of 16 from the file's start, as the DWARF
 * readers may read words of it). Host order: an entry is this machine's. */
#define MAGIC "FKINFL01"
#define ALIGN 16
#define DEFAULT_MAX_MB 1024
/* a temporary file older than this is one its writer left (it died) */
#define STALE_TMP_SECONDS 3600

typedef struct {
  char magic[8];
  guint32 n;
  guint32 reserved;
} IcHeader;

typedef struct {
  guint64 offset, src_len, size, data;
} IcEntry;

struct FkInflateCacheHit {
  GMappedFile *map;
  const guint8 *base;
  GArray *entries; /* IcEntry */
};

/* The cache directory (g_free), or NULL when the cache is off. */
static char *
cache_dir(void)
{
  const char *d = g_getenv("FLAMEKIT_CACHE_DIR");
  if (d != NULL)
    return *d != '\0' ? g_strdup(d) : NULL;
  return g_build_filename(g_get_user_cache_dir(), "flamekit", NULL);
}

/* The limit in bytes; 0: off. A value that is not a number is the default:
 * a typo must not fill a disk. */
static guint64
cache_max(void)
{
  const char *m = g_getenv("FLAMEKIT_CACHE_MAX_MB");
  guint64 mb = DEFAULT_MAX_MB;
  if (m != NULL && *m != '\0') {
    char *end = NULL;
    errno = 0;
    guint64 v = g_ascii_strtoull(m, &end, 10);
    if (errno == 0 && end != NULL && *end == '\0' && v <= (G_MAXUINT64 >> 20))
      mb = v;
  }
  return mb << 20;
}

/* The cache's own path for KEY, or NULL when off. */
static char *
entry_path(const char *key, guint64 *max)
{
  *max = cache_max();
  g_autofree char *dir = cache_dir();
  if (dir == NULL || *max == 0 || key == NULL)
    return NULL;
  return g_build_filename(dir, key, NULL);
}

char *
fk_inflate_cache_key(const char *file, const guint8 *id, gsize len, const FkInflateSection *secs,
                     guint n)
{
  if (file == NULL || id == NULL || len == 0 || len > 64)
    return NULL;
  /* a sample of each stream, not all of it: hashing 3 MB of libc's streams
   * on every run would cost a tenth of what the cache saves */
  const gsize piece = 4096;
  guint64 h = fk_hash_bytes(file, strlen(file)) * 0x9E3779B97F4A7C15ULL ^ n;
  for (guint i = 0; i < n; i++) {
    const FkInflateSection *s = &secs[i];
    guint64 geo[3] = {s->offset, s->src_len, s->size};
    h = h * 0x9E3779B97F4A7C15ULL ^ fk_hash_bytes(geo, sizeof geo);
    gsize at[3] = {0, s->src_len / 2, s->src_len > piece ? s->src_len - piece : 0};
    for (guint k = 0; k < 3; k++)
      h = h * 0x9E3779B97F4A7C15ULL ^ fk_hash_bytes(s->src + at[k], MIN(piece, s->src_len - at[k]));
  }
  GString *k = g_string_new("dwarf-");
  for (gsize i = 0; i < len; i++)
    g_string_append_printf(k, "%02x", id[i]);
  g_string_append_printf(k, "-%016" G_GINT64_MODIFIER "x", h);
  return g_string_free(k, FALSE);
}

static const IcEntry *
find_entry(const GArray *entries, const FkInflateSection *sec)
{
  for (guint i = 0; i < entries->len; i++) {
    const IcEntry *e = &g_array_index(entries, IcEntry, i);
    if (e->offset == sec->offset && e->src_len == sec->src_len && e->size == sec->size)
      return e;
  }
  return NULL;
}

FkInflateCacheHit *
fk_inflate_cache_open(const char *key, const FkInflateSection *secs, guint n)
{
  guint64 max;
  g_autofree char *path = entry_path(key, &max);
  if (path == NULL || n == 0)
    return NULL;
  int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0)
    return NULL;
  struct stat st;
  /* only a file this user wrote: another's could say anything */
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid() ||
      (guint64)st.st_size < sizeof(IcHeader)) {
    close(fd);
    return NULL;
  }
  /* private and writable as FkElf maps its file: nothing writes to the
   * sections, and a write would stay this process's */
  GMappedFile *m = g_mapped_file_new_from_fd(fd, TRUE, NULL);
  (void)futimens(fd, NULL); /* used now: the last to be removed */
  close(fd);
  if (m == NULL)
    return NULL;
  const guint8 *b = (const guint8 *)g_mapped_file_get_contents(m);
  gsize sz = g_mapped_file_get_length(m);
  IcHeader h;
  memcpy(&h, b, sizeof h);
  if (memcmp(h.magic, MAGIC, sizeof h.magic) != 0 || h.n == 0 || h.n > 1024 ||
      sizeof h + (gsize)h.n * sizeof(IcEntry) > sz) {
    g_mapped_file_unref(m);
    return NULL;
  }
  GArray *entries = g_array_sized_new(FALSE, FALSE, sizeof(IcEntry), h.n);
  gboolean good = TRUE;
  for (guint i = 0; good && i < h.n; i++) {
    IcEntry e;
    memcpy(&e, b + sizeof h + (gsize)i * sizeof e, sizeof e);
    good = e.data % ALIGN == 0 && e.data <= sz && e.size <= sz - e.data;
    g_array_append_val(entries, e);
  }
  for (guint i = 0; good && i < n; i++)
    good = find_entry(entries, &secs[i]) != NULL;
  if (!good) {
    g_array_unref(entries);
    g_mapped_file_unref(m);
    return NULL;
  }
  FkInflateCacheHit *hit = g_new(FkInflateCacheHit, 1);
  *hit = (FkInflateCacheHit){m, b, entries};
  return hit;
}

const guint8 *
fk_inflate_cache_bytes(const FkInflateCacheHit *hit, const FkInflateSection *sec)
{
  const IcEntry *e = find_entry(hit->entries, sec);
  return e != NULL ? hit->base + e->data : NULL;
}

void
fk_inflate_cache_close(FkInflateCacheHit *hit)
{
  if (hit == NULL)
    return;
  g_array_unref(hit->entries);
  g_mapped_file_unref(hit->map);
  g_free(hit);
}

typedef struct {
  char *name;
  guint64 size;
  gint64 mtime;
} IcFile;

static int
cmp_older(gconstpointer a, gconstpointer b)
{
  gint64 x = ((const IcFile *)a)->mtime, y = ((const IcFile *)b)->mtime;
  return x < y ? -1 : x > y;
}

static void
ic_file_clear(gpointer p)
{
  g_free(((IcFile *)p)->name);
}

/* Removes the least recently used entries of DIR (and temporary files
 * their writers left) until the entries take at most MAX bytes. Only names
 * this cache makes are looked at: the directory may be the user's. */
static void
prune(const char *dir, guint64 max)
{
  GDir *d = g_dir_open(dir, 0, NULL);
  if (d == NULL)
    return;
  g_autoptr(GArray) files = g_array_new(FALSE, FALSE, sizeof(IcFile));
  g_array_set_clear_func(files, ic_file_clear);
  guint64 total = 0;
  gint64 now = g_get_real_time() / G_USEC_PER_SEC;
  for (const char *name; (name = g_dir_read_name(d)) != NULL;) {
    gboolean tmp = g_str_has_prefix(name, ".dwarf-");
    if (!tmp && !g_str_has_prefix(name, "dwarf-"))
      continue;
    g_autofree char *p = g_build_filename(dir, name, NULL);
    struct stat st;
    if (lstat(p, &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid())
      continue;
    if (tmp) {
      if (now - st.st_mtime > STALE_TMP_SECONDS)
        (void)unlink(p);
      continue;
    }
    IcFile f = {g_steal_pointer(&p), (guint64)st.st_size, st.st_mtime};
    g_array_append_val(files, f);
    total += f.size;
  }
  g_dir_close(d);
  g_array_sort(files, cmp_older);
  for (guint i = 0; i < files->len && total > max; i++) {
    IcFile *f = &g_array_index(files, IcFile, i);
    if (unlink(f->name) == 0 || errno == ENOENT)
      total -= f->size;
  }
}

void
fk_inflate_cache_store(const char *key, const FkInflateSection *secs, const guint8 *const *outs,
                       guint n)
{
  guint64 max;
  g_autofree char *path = entry_path(key, &max);
  if (path == NULL || n == 0)
    return;
  g_autofree char *dir = g_path_get_dirname(path);
  g_autofree IcEntry *entries = g_new(IcEntry, n);
  guint64 at = sizeof(IcHeader) + (guint64)n * sizeof(IcEntry);
  for (guint i = 0; i < n; i++) {
    at = (at + ALIGN - 1) & ~(guint64)(ALIGN - 1);
    entries[i] = (IcEntry){secs[i].offset, secs[i].src_len, secs[i].size, at};
    at += secs[i].size;
  }
  if (at > max || g_mkdir_with_parents(dir, 0700) != 0)
    return; /* an entry that can never fit is not written */
  g_autofree char *tmp = g_strdup_printf("%s/.%s.XXXXXX", dir, key);
  int fd = g_mkstemp_full(tmp, O_WRONLY | O_CLOEXEC, 0600);
  FILE *f = fd >= 0 ? fdopen(fd, "wb") : NULL;
  if (f == NULL) {
    if (fd >= 0) {
      close(fd);
      (void)unlink(tmp);
    }
    return;
  }
  IcHeader h = {.n = n};
  memcpy(h.magic, MAGIC, sizeof h.magic);
  static const guint8 zeros[ALIGN];
  gboolean ok = fwrite(&h, sizeof h, 1, f) == 1 && fwrite(entries, sizeof(IcEntry), n, f) == n;
  guint64 pos = sizeof(IcHeader) + (guint64)n * sizeof(IcEntry);
  for (guint i = 0; ok && i < n; i++) {
    gsize pad = (gsize)(entries[i].data - pos);
    ok = fwrite(zeros, 1, pad, f) == pad && fwrite(outs[i], 1, secs[i].size, f) == secs[i].size;
    pos = entries[i].data + secs[i].size;
  }
  ok = fclose(f) == 0 && ok;
  if (!ok || rename(tmp, path) != 0) {
    (void)unlink(tmp);
    return;
  }
  prune(dir, max);
}
