/* container.c -- paths, directories and archives as inputs, through libarchive.
 *
 * What a stream is gets decided by a probe on its first bytes: libarchive
 * opens them from memory with every archive format but `raw`. A format
 * that reads a header means an archive; a compression filter without a
 * format means a compressed stream, which the real open (with `raw` added)
 * resolves into an archive or one compressed file; anything else is a plain
 * input for the readers. The peeked bytes are served again by FkInput, so
 * nothing is read twice from disk or from the enclosing archive.
 *
 * Archives inside archives are a stack of levels: each level is a libarchive
 * reader whose read callback pulls from the member of the level below. Only
 * the top level is ever read, so one buffer per level is all the memory
 * nesting costs. 7z needs to seek, so a nested 7z is held in memory (bounded
 * by max_buffer); a 7z given as a file is read from disk.
 *
 * Nothing is dropped without a count: links, devices and FIFOs among the
 * members, hard links to members not read before, archives nested too deep
 * and archives without a single member are reported as skipped. */
#include "container.h"
#include "archivelib.h"

#include "decompress.h"
#include "lentblocks.h"

#include <dirent.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

/* libarchive's F, through the table archivelib.c loads: only where the
 * table is known to be loaded (probe and level_open load it; everything
 * else works on an archive they made). */
#define LA(f) (fk_archive_lib(NULL)->f)

/* clang-format off: it would space the dashes of the quark name */
G_DEFINE_QUARK(fk - container - error - quark, fk_container_error)
/* clang-format on */

#define PROBE_BYTES (64 * 1024)
#define READ_BLOCK (64 * 1024)
/* Bytes out of an archive before its expansion ratio is checked: small
 * members of zeros or repeated lines compress far better than dumps do. */
#define RATIO_FLOOR ((guint64)64 << 20)

typedef struct Level Level;

/* The state behind the FkInput of one archive member. */
typedef struct {
  FkContainer *owner;
  Level *level;     /* the archive the member streams from */
  char *name;       /* for messages */
  gboolean counted; /* bytes count towards max_total (a leaf, not an archive) */
  /* The data block libarchive returned last, and where the member stands:
   * read by blocks, because archive_read_data drops the bytes it copied in
   * a call that then fails, and a member cut short must keep them. */
  const guint8 *block;
  gsize block_len;
  gint64 block_offset; /* of block[0] in the member (sparse files leave gaps) */
  gint64 pos;          /* bytes handed out */
  gboolean ended;
  guint8 *scratch; /* bytes lent that are not in a lent block (member_lend) */
} Member;

struct Level {
  struct archive *a;
  FkInput *source;   /* the stream it reads, or NULL (opened by file name) */
  GBytes *memory;    /* a nested 7z held in memory */
  char *name;        /* the archive's name for messages */
  char *path;        /* the file on disk the outermost archive is, or "-" */
  GPtrArray *levels; /* char*: the path given, then the member path per level */
  gboolean root_is_container;
  guint depth;        /* 1 for an archive given as a path */
  char *last_member;  /* the last member whose header was read */
  char *source_error; /* why the source failed, when it did */
  guint8 *buf;
  guint64 side_files;  /* side files noted without a callback */
  gboolean raw_seen;   /* a single compressed stream: the one entry is yielded */
  guint64 entries;     /* headers read, directories aside */
  GHashTable *regular; /* member paths read as regular files: what hard links may name */
};

typedef struct {
  char *path;  /* on disk */
  char *root;  /* the directory given */
  char *rel;   /* the path below it */
  char *error; /* a directory that could not be read: a failure, in its place */
} Pending;

/* What a container and the ones detached from it count together (updated
 * from the threads that read them). */
typedef struct {
  gint refs;
  guint64 bytes;
  guint64 members;
  gint stopped;      /* the member limit ended the run */
  guint64 disk_done; /* sizes of the files finished */
} Counts;

#define COUNT_ADD(field, n) __atomic_add_fetch(&(field), (n), __ATOMIC_RELAXED)
#define COUNT_GET(field) __atomic_load_n(&(field), __ATOMIC_RELAXED)

/* An archive file on disk to be opened by the thread that will read it
 * (detach_archives): opening decompresses its first block. */
typedef struct {
  char *path;
  char *name;
  int kind;
  GPtrArray *levels;
  GPtrArray *host_levels; /* found in a directory: the chain the host rules see */
  gboolean root_is_container;
} Deferred;

static void
deferred_free(Deferred *d)
{
  if (d == NULL)
    return;
  g_free(d->path);
  g_free(d->name);
  g_ptr_array_unref(d->levels);
  if (d->host_levels)
    g_ptr_array_unref(d->host_levels);
  g_free(d);
}

struct FkContainer {
  FkContainerOptions opts;
  Deferred *deferred; /* see Deferred */
  char **paths;
  guint next_path;
  GPtrArray *stack; /* Level*, innermost last */
  GQueue pending;   /* Pending*: files of a directory walk, sorted */
  Counts *counts;
  guint64 disk_total; /* sizes of the files named or walked */
  guint64 root_size;  /* the size of the file the open archive levels come from */
  guint64 root_out;   /* bytes the members in the open outermost archive declare */
};

/* Files or paths not opened yet. */
static gboolean
more_to_open(const FkContainer *self)
{
  return self->pending.length > 0 || (self->paths != NULL && self->paths[self->next_path] != NULL);
}

void
fk_container_options_init(FkContainerOptions *opts)
{
  memset(opts, 0, sizeof *opts);
  opts->max_total = (guint64)64 << 30;
  opts->max_member = (guint64)16 << 30;
  opts->max_nesting = 4;
  opts->max_members = 1000000;
  opts->max_buffer = (guint64)1 << 30;
  opts->max_ratio = 1000;
}

static void
pending_free(Pending *p)
{
  g_free(p->path);
  g_free(p->root);
  g_free(p->rel);
  g_free(p->error);
  g_free(p);
}

static void
level_free(Level *l)
{
  if (l == NULL)
    return;
  if (l->a != NULL)
    LA(archive_read_free)(l->a);
  fk_input_free(l->source);
  if (l->memory)
    g_bytes_unref(l->memory);
  g_free(l->name);
  g_free(l->path);
  g_ptr_array_unref(l->levels);
  g_free(l->last_member);
  g_free(l->source_error);
  g_free(l->buf);
  if (l->regular)
    g_hash_table_unref(l->regular);
  g_free(l);
}

/* Bytes L has taken from its file or stream so far (compressed). */
static guint64
level_bytes_in(Level *l)
{
  if (l->memory != NULL)
    return g_bytes_get_size(l->memory);
  if (l->source != NULL && fk_decompress_is(l->source))
    return fk_decompress_consumed(l->source);
  if (l->source != NULL && fk_lent_blocks_is(l->source))
    return fk_lent_blocks_mark(l->source);
  la_int64_t n = LA(archive_filter_bytes)(l->a, -1);
  return n > 0 ? (guint64)n : 0;
}

FkContainer *
fk_container_new(char *const *paths, const FkContainerOptions *opts)
{
  FkContainer *self = g_new0(FkContainer, 1);
  self->opts = *opts;
  self->paths = g_strdupv((char **)paths);
  self->stack = g_ptr_array_new();
  g_queue_init(&self->pending);
  self->counts = g_new0(Counts, 1);
  self->counts->refs = 1;
  for (char *const *p = paths; p && *p; p++) {
    struct stat st;
    if (strcmp(*p, "-") != 0 && stat(*p, &st) == 0 && S_ISREG(st.st_mode))
      self->disk_total += (guint64)st.st_size;
  }
  return self;
}

void
fk_container_free(FkContainer *self)
{
  if (self == NULL)
    return;
  while (self->stack->len > 0)
    level_free(g_ptr_array_steal_index(self->stack, self->stack->len - 1));
  g_ptr_array_unref(self->stack);
  g_queue_clear_full(&self->pending, (GDestroyNotify)pending_free);
  g_strfreev(self->paths);
  deferred_free(self->deferred);
  if (g_atomic_int_dec_and_test(&self->counts->refs))
    g_free(self->counts);
  g_free(self);
}

void
fk_container_set_diag(FkContainer *self, FkDiag *diag)
{
  self->opts.diag = diag;
}

FkContainer *
fk_container_detach(FkContainer *self)
{
  g_return_val_if_fail(self->deferred != NULL, NULL);
  FkContainer *sub = g_new0(FkContainer, 1);
  sub->opts = self->opts;
  sub->opts.detach_archives = FALSE;
  sub->opts.lend_members = FALSE; /* read on a worker, members and all: no pipes */
  sub->deferred = g_steal_pointer(&self->deferred);
  sub->stack = g_ptr_array_new();
  g_queue_init(&sub->pending);
  sub->counts = self->counts;
  g_atomic_int_inc(&sub->counts->refs);
  sub->root_size = self->root_size;
  self->root_size = 0;
  return sub;
}

guint64
fk_container_bytes(const FkContainer *self)
{
  return COUNT_GET(self->counts->bytes);
}

guint64
fk_container_members(const FkContainer *self)
{
  return COUNT_GET(self->counts->members);
}

void
fk_container_progress(const FkContainer *self, guint64 *done, guint64 *total)
{
  guint64 d = COUNT_GET(self->counts->disk_done);
  if (self->stack->len > 0) {
    Level *root = g_ptr_array_index(self->stack, 0);
    la_int64_t n = (la_int64_t)level_bytes_in(root);
    if (n > 0)
      d += MIN((guint64)n, self->root_size);
  }
  *done = d;
  *total = MAX(self->disk_total, d);
}

/* ---- path rules ---- */

static const char *const archive_exts[] = {
    ".tar",  ".tgz", ".tbz", ".tbz2", ".txz", ".tzst", ".tlz4", ".gz",   ".bz2", ".xz",  ".zst",
    ".zstd", ".lz4", ".lz",  ".lzma", ".z",   ".zip",  ".7z",   ".cpio", ".ar",  ".iso", NULL,
};

/* NAME's last component without archive and compression extensions. */
static char *
stem(const char *name)
{
  const char *slash = strrchr(name, '/');
  char *s = g_strdup(slash ? slash + 1 : name);
  for (gboolean again = TRUE; again;) {
    again = FALSE;
    gsize len = strlen(s);
    for (const char *const *e = archive_exts; *e; e++) {
      gsize el = strlen(*e);
      if (len > el && g_ascii_strcasecmp(s + len - el, *e) == 0) {
        s[len - el] = '\0';
        again = TRUE;
        break;
      }
    }
  }
  return s;
}

static gboolean
usable_component(const char *c)
{
  return c[0] != '\0' && strcmp(c, ".") != 0 && strcmp(c, "..") != 0 && strcmp(c, "-") != 0 &&
         strcmp(c, "/") != 0;
}

static char *
host_from_name(const char *component)
{
  static GRegex *sos, *sos_short, *perfall;
  if (g_once_init_enter(&perfall)) {
    sos = g_regex_new("^sosreport-(.+?)(?:-[0-9]{5,})?-(?:[0-9]{8}|[0-9]{4}-[0-9]{2}-[0-9]{2})",
                      G_REGEX_OPTIMIZE, 0, NULL);
    sos_short = g_regex_new("^sosreport-([^-.]+)", 0, 0, NULL);
    g_once_init_leave(&perfall,
                      g_regex_new("^perf\\.all-(.+?)-(?:[0-9]{8}|[0-9]{4}-[0-9]{2}-[0-9]{2})",
                                  G_REGEX_OPTIMIZE, 0, NULL));
  }
  GRegex *const res[] = {sos, sos_short, perfall};
  for (gsize i = 0; i < G_N_ELEMENTS(res); i++) {
    g_autoptr(GMatchInfo) m = NULL;
    if (g_regex_match(res[i], component, 0, &m)) {
      char *h = g_match_info_fetch(m, 1);
      if (h != NULL && h[0] != '\0')
        return h;
      g_free(h);
    }
  }
  return NULL;
}

char *
fk_container_host_from_path(const char *const *levels, gsize n_levels, gboolean root_is_container)
{
  if (n_levels == 0)
    return NULL;
  /* Every component, outermost first, and whether it holds the dump (a
   * directory or an archive below the path given). */
  g_autoptr(GPtrArray) comps = g_ptr_array_new_with_free_func(g_free);
  g_autoptr(GArray) below = g_array_new(FALSE, FALSE, sizeof(gboolean));
  for (gsize l = 0; l < n_levels; l++) {
    g_auto(GStrv) parts = g_strsplit(levels[l], "/", -1);
    guint n = g_strv_length(parts);
    for (guint i = 0; i < n; i++) {
      if (!usable_component(parts[i]))
        continue;
      gboolean is_leaf = l == n_levels - 1 && i == n - 1;
      gboolean holder = l > 0 && !is_leaf;
      g_ptr_array_add(comps, g_strdup(parts[i]));
      g_array_append_val(below, holder);
    }
  }
  for (guint i = comps->len; i-- > 0;) {
    char *h = host_from_name(g_ptr_array_index(comps, i));
    if (h != NULL)
      return h;
  }
  for (guint i = 0; i < comps->len; i++)
    if (g_array_index(below, gboolean, i)) {
      char *s = stem(g_ptr_array_index(comps, i));
      if (usable_component(s))
        return s;
      g_free(s);
    }
  if (root_is_container) {
    g_autofree char *trimmed = g_strdup(levels[0]);
    gsize len = strlen(trimmed);
    while (len > 1 && trimmed[len - 1] == '/')
      trimmed[--len] = '\0';
    char *s = stem(trimmed);
    if (usable_component(s))
      return s;
    g_free(s);
  }
  return NULL;
}

static gboolean
is_hex_id(const char *s, gsize len)
{
  if (len < 16 || len > 128)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isxdigit(s[i]))
      return FALSE;
  return TRUE;
}

gboolean
fk_container_is_side_file(const char *member)
{
  while (member[0] == '.' && member[1] == '/')
    member += 2;
  while (member[0] == '/')
    member++;
  if (g_str_has_prefix(member, ".build-id/") || g_str_has_prefix(member, "[kernel.kallsyms]/") ||
      g_str_has_prefix(member, "[vdso]/"))
    return TRUE;
  /* perf's build-id cache layout: <dso path>/<build id>/elf */
  const char *last = strrchr(member, '/');
  if (last == NULL || last == member)
    return FALSE;
  const char *leaf = last + 1;
  if (strcmp(leaf, "elf") != 0 && strcmp(leaf, "debug") != 0 && strcmp(leaf, "kallsyms") != 0 &&
      strcmp(leaf, "vdso") != 0 && strcmp(leaf, "probes") != 0)
    return FALSE;
  const char *id = last;
  while (id > member && id[-1] != '/')
    id--;
  return is_hex_id(id, (gsize)(last - id));
}

char *
fk_container_sanitize_path(const char *member)
{
  g_auto(GStrv) parts = g_strsplit(member, "/", -1);
  GString *out = g_string_new(NULL);
  for (char **p = parts; *p; p++) {
    if ((*p)[0] == '\0' || strcmp(*p, ".") == 0 || strcmp(*p, "..") == 0)
      continue;
    if (out->len > 0)
      g_string_append_c(out, '/');
    for (const char *c = *p; *c; c++)
      g_string_append_c(out, (guchar)*c < 0x20 || *c == 0x7f || *c == '\\' ? '_' : *c);
  }
  if (out->len == 0)
    g_string_append(out, "_");
  return g_string_free(out, FALSE);
}

/* ---- archive streams ---- */

static void
set_formats(struct archive *a, gboolean raw)
{
  LA(archive_read_support_filter_all)(a);
  /* Not format_all: it includes mtree, whose reader opens files on disk that
   * the text names. */
  LA(archive_read_support_format_tar)(a);
  LA(archive_read_support_format_gnutar)(a);
  LA(archive_read_support_format_zip)(a);
  LA(archive_read_support_format_cpio)(a);
  LA(archive_read_support_format_7zip)(a);
  LA(archive_read_support_format_ar)(a);
  LA(archive_read_support_format_iso9660)(a);
  LA(archive_read_support_format_rar)(a);
  LA(archive_read_support_format_rar5)(a);
  LA(archive_read_support_format_xar)(a);
  LA(archive_read_support_format_cab)(a);
  LA(archive_read_support_format_lha)(a);
  LA(archive_read_support_format_warc)(a);
  if (raw)
    LA(archive_read_support_format_raw)(a);
}

static const struct {
  const char *magic;
  gsize len;
} compressor_sigs[] = {
    {"\x1f\x8b", 2}, /* gzip */
    {"BZh", 3},      /* bzip2 */
    {"\xfd"
     "7zXZ\0",
     6},                     /* xz */
    {"\x28\xb5\x2f\xfd", 4}, /* zstd */
    {"\x04\x22\x4d\x18", 4}, /* lz4 */
};

static gboolean
compressed_magic(const guint8 *h, gsize len)
{
  for (gsize i = 0; i < G_N_ELEMENTS(compressor_sigs); i++)
    if (len >= compressor_sigs[i].len &&
        memcmp(h, compressor_sigs[i].magic, compressor_sigs[i].len) == 0)
      return TRUE;
  return FALSE;
}

/* A compressor's or archive's signature, for streams too damaged for
 * libarchive to open at all (a small .gz cut short fails before any bid):
 * they must be reported as broken archives, not read as text. */
static gboolean
damaged_magic(const guint8 *h, gsize len)
{
  if (compressed_magic(h, len) || (len >= 4 && memcmp(h, "PK\x03\x04", 4) == 0) ||
      (len >= 6 && memcmp(h, "070701", 6) == 0)) /* zip, cpio newc */
    return TRUE;
  return len >= 262 && memcmp(h + 257, "ustar", 5) == 0;
}

/* KIND_DECODE: an archive inside gzip or zstd, decoded by decompress.c (a
 * cut stream keeps what decodes) and read by libarchive from there. */
typedef enum { KIND_PLAIN, KIND_ARCHIVE, KIND_COMPRESSED, KIND_7Z, KIND_DECODE } Kind;

/* TRUE when HEAD is text no archive format or compressor can start with:
 * every format libarchive reads here begins with binary bytes, except ar
 * ("!<arch>"), warc ("WARC/") and uuencode ("begin "), and cpio's ASCII
 * headers are followed by a NUL within the first bytes. Lets the common
 * case (a text dump) skip the libarchive probe, which costs the thread that
 * walks the archive more than the copy of the member does. */
static gboolean
surely_text(const guint8 *head, gsize len)
{
  if (len < 8 || memcmp(head, "!<arch>", 7) == 0 || memcmp(head, "WARC/", 5) == 0 ||
      memcmp(head, "begin", 5) == 0)
    return FALSE;
  gsize n = MIN(len, (gsize)4096);
  for (gsize i = 0; i < n; i++) {
    guint8 c = head[i];
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v') || c == 0x7f)
      return FALSE;
  }
  return TRUE;
}

/* What the first bytes of a stream are. */
static Kind
probe(const guint8 *head, gsize len)
{
  if (surely_text(head, len))
    return KIND_PLAIN;
  static const guint8 sig7z[] = {'7', 'z', 0xBC, 0xAF, 0x27, 0x1C};
  if (len >= sizeof sig7z && memcmp(head, sig7z, sizeof sig7z) == 0)
    return KIND_7Z;
  /* A compressor's signature: the open with `raw` tells an archive inside
   * from a single compressed file. Probing it here would decompress its
   * first block (most of a bzip2 or xz member) only to throw it away. */
  if (compressed_magic(head, len))
    return KIND_COMPRESSED;
  if (len == 0)
    return KIND_PLAIN;
  /* perf.data (perf's magic, either byte order): the binary input nearly
   * every run has, which no archive format claims; so that such runs never
   * load libarchive (archivelib.h) */
  if (len >= 8 && (memcmp(head, "PERFILE2", 8) == 0 || memcmp(head, "2ELIFREP", 8) == 0))
    return KIND_PLAIN;
  if (fk_archive_lib(NULL) == NULL)
    return damaged_magic(head, len) ? KIND_COMPRESSED : KIND_PLAIN; /* level_open says why */
  struct archive *a = LA(archive_read_new)();
  set_formats(a, FALSE);
  Kind kind = KIND_PLAIN;
  if (LA(archive_read_open_memory)(a, head, len) == ARCHIVE_OK) {
    struct archive_entry *e;
    int r = LA(archive_read_next_header)(a, &e);
    if (r == ARCHIVE_OK || r == ARCHIVE_WARN)
      kind = KIND_ARCHIVE;
  }
  LA(archive_read_free)(a);
  if (kind == KIND_ARCHIVE)
    return kind;
  /* Opening needs a format that bids: `raw` takes anything, so a filter
   * other than none now means one compressed stream (or an archive whose
   * first header lies past the probe, as in a large bzip2 block). */
  a = LA(archive_read_new)();
  LA(archive_read_support_filter_all)(a);
  LA(archive_read_support_format_raw)(a);
  if (LA(archive_read_open_memory)(a, head, len) == ARCHIVE_OK && LA(archive_filter_count)(a) > 1 &&
      LA(archive_filter_code)(a, 0) != ARCHIVE_FILTER_NONE)
    kind = KIND_COMPRESSED;
  LA(archive_read_free)(a);
  if (kind == KIND_PLAIN && damaged_magic(head, len))
    kind = KIND_COMPRESSED; /* so that the real open says what is wrong */
  return kind;
}

static la_ssize_t
level_read_cb(struct archive *a, void *user_data, const void **buf)
{
  Level *l = user_data;
  g_autoptr(GError) error = NULL;
  /* Lent blocks (lentblocks.h) are lent as they are: libarchive keeps a
   * buffer only until its next call, as long as the block is lent. */
  guint8 *lent = NULL;
  gssize n = fk_input_borrow(l->source, &lent, &error);
  if (n == -2)
    n = fk_input_read(l->source, l->buf, READ_BLOCK, &error);
  else if (n > 0)
    *buf = lent;
  if (n < 0) {
    g_free(l->source_error);
    l->source_error = g_strdup(error->message);
    LA(archive_set_error)(a, EIO, "%s", error->message);
    return -1;
  }
  if (lent == NULL)
    *buf = l->buf;
  return n;
}

/* Why M's data stopped, with the offset in the member and in the archive. */
static void
member_error(Member *m, GError **error)
{
  Level *l = m->level;
  if (l->source_error != NULL)
    g_set_error(error, FK_CONTAINER_ERROR, FK_CONTAINER_ERROR_CORRUPT,
                "%s: cut at byte %" G_GINT64_FORMAT " of the member: %s", m->name, m->pos,
                l->source_error);
  else
    g_set_error(error, FK_CONTAINER_ERROR, FK_CONTAINER_ERROR_CORRUPT,
                "%s: cut at byte %" G_GINT64_FORMAT " of the member (the %" G_GINT64_FORMAT
                " bytes before it were read): damaged at byte %" G_GINT64_FORMAT " of %s: %s",
                m->name, m->pos, m->pos, (gint64)LA(archive_filter_bytes)(l->a, -1), l->name,
                LA(archive_error_string)(l->a) ? LA(archive_error_string)(l->a) : "read error");
}

/* The next bytes of M, at most MAX, where they lie (*DATA; NULL for a hole
 * of a sparse member, which reads as zeros): the count, 0 at the end, -1
 * with ERROR. They stay valid until the next call. */
static la_ssize_t
member_next(Member *m, gsize max, const guint8 **data, GError **error)
{
  Level *l = m->level;
  while (!m->ended && m->pos >= m->block_offset + (gint64)m->block_len) {
    const void *b;
    size_t blen;
    la_int64_t off;
    int r = LA(archive_read_data_block)(l->a, &b, &blen, &off);
    if (r == ARCHIVE_EOF) {
      m->ended = TRUE;
      break;
    }
    if (r < ARCHIVE_WARN) {
      m->block_len = 0;
      m->block_offset = m->pos;
      member_error(m, error);
      return -1;
    }
    m->block = b;
    m->block_len = blen;
    m->block_offset = off < m->pos ? m->pos : off; /* never backwards */
  }
  la_ssize_t n = 0;
  *data = NULL;
  if (m->pos < m->block_offset) { /* a hole of a sparse member: zeros */
    n = (la_ssize_t)MIN((gint64)max, m->block_offset - m->pos);
  } else if (m->pos < m->block_offset + (gint64)m->block_len) {
    gsize at = (gsize)(m->pos - m->block_offset);
    n = (la_ssize_t)MIN(max, m->block_len - at);
    *data = m->block + at;
  }
  m->pos += n;
  return n;
}

static la_ssize_t
member_read_data(Member *m, void *buf, gsize len, GError **error)
{
  const guint8 *data;
  la_ssize_t n = member_next(m, len, &data, error);
  if (n > 0 && data != NULL)
    memcpy(buf, data, (gsize)n);
  else if (n > 0)
    memset(buf, 0, (gsize)n);
  return n;
}

/* Counts N decompressed bytes of NAME towards max_total. */
static gboolean
count_total(gpointer data, const char *name, gsize n, GError **error)
{
  FkContainer *c = data;
  guint64 bytes = COUNT_ADD(c->counts->bytes, (guint64)n);
  if (c->opts.max_total != 0 && bytes > c->opts.max_total) {
    /* The run stops here: every later member would hit it again. */
    g_atomic_int_set(&c->counts->stopped, TRUE);
    g_set_error(error, FK_INPUT_ERROR, FK_INPUT_ERROR_LIMIT,
                "%s: the limit of %" G_GUINT64_FORMAT
                " decompressed bytes in all was reached (--max-total-bytes); this and the rest "
                "are skipped",
                name, c->opts.max_total);
    return FALSE;
  }
  return TRUE;
}

static gssize
member_read(gpointer user_data, void *buf, gsize len, GError **error)
{
  Member *m = user_data;
  la_ssize_t n = member_read_data(m, buf, len, error);
  if (n < 0)
    return -1;
  if (m->counted && !count_total(m->owner, m->name, (gsize)n, error))
    return -1;
  return n;
}

/* A member of an archive read in lent blocks (lend_members) lends its
 * bytes: where they lie when that is in one of those blocks (which the pipeline
 * hands on as they are, fk_container_lent_bytes), else copied into the
 * member's own buffer, since lent bytes are the reader's to write to and
 * libarchive's own are not. */
static gssize
member_lend(gpointer user_data, guint8 **out, GError **error)
{
  Member *m = user_data;
  const guint8 *data;
  la_ssize_t n = member_next(m, G_MAXSSIZE, &data, error);
  if (n <= 0)
    return n < 0 ? -1 : 0;
  if (data == NULL || !fk_lent_blocks_holds(m->level->source, data, (gsize)n)) {
    if (n > READ_BLOCK) { /* the rest comes with the next call */
      m->pos -= n - READ_BLOCK;
      n = READ_BLOCK;
    }
    if (m->scratch == NULL)
      m->scratch = g_malloc(READ_BLOCK);
    if (data != NULL)
      memcpy(m->scratch, data, (gsize)n);
    else
      memset(m->scratch, 0, (gsize)n);
    data = m->scratch;
  }
  if (m->counted && !count_total(m->owner, m->name, (gsize)n, error))
    return -1;
  *out = (guint8 *)data;
  return n;
}

GBytes *
fk_container_lent_bytes(const FkInput *in, const guint8 *data, gsize len)
{
  Member *m = fk_input_source(in, member_read);
  if (m == NULL || m->level->source == NULL)
    return NULL;
  return fk_lent_blocks_slice(m->level->source, data, len);
}

static void
member_free(gpointer user_data)
{
  Member *m = user_data;
  g_free(m->scratch);
  g_free(m->name);
  g_free(m);
}

/* Opens an archive level over SOURCE (taken), or over the file PATH when
 * SOURCE is NULL (seekable: zip's central directory, 7z). */
static Level *
level_open(FkContainer *self, FkInput *source, const char *path, Kind kind, const char *name,
           GPtrArray *levels, gboolean root_is_container, guint depth, GError **error)
{
  g_autoptr(FkInput) src = source;
  if (fk_archive_lib(error) == NULL) {
    g_prefix_error(error, "%s: ", name);
    return NULL;
  }
  Level *l = g_new0(Level, 1);
  l->name = g_strdup(name);
  l->path = g_strdup(path);
  l->levels = g_ptr_array_ref(levels);
  l->root_is_container = root_is_container;
  l->depth = depth;
  l->a = LA(archive_read_new)();
  set_formats(l->a, TRUE);
  int r;
  if (kind == KIND_DECODE) {
    if (src == NULL) {
      GError *e = NULL;
      src = fk_input_new_file(path, &e);
      if (src == NULL) {
        g_propagate_error(error, e);
        level_free(l);
        return NULL;
      }
    }
    /* no limits of its own: the members are bounded as any are */
    l->source = fk_decompress_new(g_steal_pointer(&src), 0, NULL, 0);
    /* The archive given (not one inside another, whose source is a member
     * of the level below): decoded in blocks whose bytes go to the
     * members' readers without a copy. */
    if (self->opts.lend_members && depth == 1)
      l->source = fk_lent_blocks_new(l->source, READ_BLOCK, fk_decompress_consumed);
    l->buf = g_malloc(READ_BLOCK);
    r = LA(archive_read_open)(l->a, l, NULL, level_read_cb, NULL);
  } else if (src == NULL) {
    r = LA(archive_read_open_filename)(l->a, path, READ_BLOCK);
  } else if (kind == KIND_7Z) {
    g_autoptr(GError) e = NULL;
    gsize max = self->opts.max_buffer ? (gsize)self->opts.max_buffer : 0;
    l->memory = fk_input_read_all(src, max, "--max-buffer-bytes", &e);
    if (l->memory == NULL) {
      g_propagate_error(error, g_steal_pointer(&e));
      level_free(l);
      return NULL;
    }
    r = LA(archive_read_open_memory)(l->a, g_bytes_get_data(l->memory, NULL),
                                     g_bytes_get_size(l->memory));
  } else {
    l->source = g_steal_pointer(&src);
    l->buf = g_malloc(READ_BLOCK);
    r = LA(archive_read_open)(l->a, l, NULL, level_read_cb, NULL);
  }
  if (r != ARCHIVE_OK) {
    g_set_error(error, FK_CONTAINER_ERROR, FK_CONTAINER_ERROR_CORRUPT, "%s: %s", name,
                l->source_error                  ? l->source_error
                : LA(archive_error_string)(l->a) ? LA(archive_error_string)(l->a)
                                                 : "cannot open archive");
    level_free(l);
    return NULL;
  }
  return l;
}

/* Decides what IN is and either returns it as a plain input (*OUT) or pushes
 * an archive level over it. IN is taken. MEMBER: what IN reads from when it
 * is an archive member (its bytes stop counting as a leaf's when it turns
 * out to be compressed or an archive), else NULL. FALSE with ERROR when it
 * could be neither. */
static gboolean
classify(FkContainer *self, FkInput *in, Member *member, GPtrArray *levels, gboolean from_disk,
         guint depth, FkInput **out, GError **error)
{
  const guint8 *head;
  gssize n = fk_input_peek(in, PROBE_BYTES, &head, error);
  if (n < 0) {
    fk_input_free(in);
    return FALSE;
  }
  Kind kind = probe(head, (gsize)n);
  if (kind == KIND_PLAIN) {
    *out = in;
    return TRUE;
  }
  /* A single gzip or zstd file, not an archive inside one: decoded here, so
   * that a stream cut short keeps every byte that decodes (see
   * decompress.h). What it holds is told from the peeked bytes decoded. */
  if (kind == KIND_COMPRESSED && fk_decompress_handles(head, (gsize)n)) {
    g_autofree guint8 *dec = g_malloc(PROBE_BYTES);
    gsize dn = fk_decompress_peek(head, (gsize)n, dec, PROBE_BYTES);
    Kind inner = dn > 0 ? probe(dec, dn) : KIND_COMPRESSED;
    if (inner == KIND_ARCHIVE)
      kind = KIND_DECODE;
    if (inner == KIND_PLAIN) {
      /* its decoded bytes count towards max_total, not the compressed ones */
      if (member != NULL)
        member->counted = FALSE;
      *out =
          fk_decompress_new(in, self->opts.max_member, "--max-member-bytes", self->opts.max_ratio);
      fk_decompress_set_count(*out, count_total, self);
      return TRUE;
    }
  }
  if (depth > self->opts.max_nesting + 1) {
    /* A skip like any other (counted, the first few shown): a bomb nests
     * thousands of archives at the limit. */
    if (self->opts.diag != NULL)
      fk_diag_skip(self->opts.diag, fk_input_name(in), NULL,
                   "archive nested deeper than the limit of %u (--max-nesting); skipped",
                   self->opts.max_nesting);
    fk_input_free(in);
    *out = NULL;
    return TRUE;
  }
  if (member != NULL)
    member->counted = FALSE;
  g_autofree char *name = g_strdup(fk_input_name(in));
  g_autofree char *path = g_strdup(fk_input_path(in));
  gboolean root_is_container = depth == 1 ? TRUE : FALSE;
  if (depth > 1)
    root_is_container =
        ((Level *)g_ptr_array_index(self->stack, self->stack->len - 1))->root_is_container;
  FkInput *source = in;
  if (from_disk) {
    fk_input_free(in);
    source = NULL;
  }
  if (from_disk && depth == 1 && kind != KIND_7Z && self->opts.detach_archives &&
      more_to_open(self)) {
    Deferred *d = g_new0(Deferred, 1);
    d->path = g_steal_pointer(&path);
    d->name = g_steal_pointer(&name);
    d->kind = kind;
    d->levels = g_ptr_array_ref(levels);
    d->root_is_container = root_is_container;
    self->deferred = d;
    *out = NULL;
    return TRUE;
  }
  Level *l = level_open(self, source, path, kind, name, levels, root_is_container, depth, error);
  if (l == NULL)
    return FALSE;
  g_ptr_array_add(self->stack, l);
  *out = NULL;
  return TRUE;
}

static void
finish_input(FkContainer *self, FkInput *in, GPtrArray *levels, gboolean root_is_container)
{
  (void)self;
  fk_input_set_host(in, fk_container_host_from_path((const char *const *)levels->pdata, levels->len,
                                                    root_is_container));
}

static void
note_side_files(FkContainer *self, Level *l)
{
  if (l->side_files > 0 && self->opts.diag != NULL)
    fk_diag_note(self->opts.diag, l->name,
                 "%" G_GUINT64_FORMAT " symbol %s of a perf archive (.build-id) not used: no "
                 "reader in this run takes them",
                 l->side_files, l->side_files == 1 ? "file" : "files");
}

static void
pop_level(FkContainer *self)
{
  if (self->stack->len == 1) {
    self->root_out = 0;
    COUNT_ADD(self->counts->disk_done, self->root_size);
    self->root_size = 0;
  }
  Level *l = g_ptr_array_steal_index(self->stack, self->stack->len - 1);
  note_side_files(self, l);
  level_free(l);
}

static gboolean
count_member(FkContainer *self, const char *name, GError **error)
{
  guint64 members = COUNT_ADD(self->counts->members, 1);
  if (self->opts.max_members != 0 && members > self->opts.max_members) {
    g_atomic_int_set(&self->counts->stopped, TRUE);
    g_set_error(error, FK_CONTAINER_ERROR, FK_CONTAINER_ERROR_LIMIT,
                "%s: the limit of %" G_GUINT64_FORMAT
                " members and files was reached (--max-members); this and the rest are skipped",
                name, self->opts.max_members);
    return FALSE;
  }
  return TRUE;
}

/* Hands a side file to the callback (or counts it). */
static gboolean
side_file(FkContainer *self, Level *l, struct archive_entry *e, const char *member, GError **error)
{
  if (self->opts.side_file == NULL) {
    l->side_files++;
    return TRUE;
  }
  if (LA(archive_entry_filetype)(e) == AE_IFLNK) {
    self->opts.side_file(l->name, member, NULL, LA(archive_entry_symlink)(e),
                         self->opts.side_file_data);
    return TRUE;
  }
  Member m = {.owner = self,
              .level = l,
              .name = g_strdup_printf("%s:%s", l->name, member),
              .counted = TRUE};
  GByteArray *buf = g_byte_array_new();
  guint8 chunk[READ_BLOCK];
  gboolean ok = TRUE;
  for (;;) {
    gssize n = member_read(&m, chunk, sizeof chunk, error);
    if (n < 0) {
      ok = FALSE;
      break;
    }
    if (n == 0)
      break;
    if (self->opts.max_buffer != 0 && buf->len + (guint64)n > self->opts.max_buffer) {
      g_set_error(error, FK_INPUT_ERROR, FK_INPUT_ERROR_LIMIT,
                  "%s: a symbol file larger than the limit of %" G_GUINT64_FORMAT
                  " bytes to hold in memory (--max-buffer-bytes)",
                  m.name, self->opts.max_buffer);
      ok = FALSE;
      break;
    }
    g_byte_array_append(buf, chunk, (guint)n);
  }
  if (ok) {
    g_autoptr(GBytes) bytes = g_byte_array_free_to_bytes(buf);
    self->opts.side_file(l->name, member, bytes, NULL, self->opts.side_file_data);
  } else {
    g_byte_array_unref(buf);
  }
  g_free(m.name);
  return ok;
}

/* Adds SIZE, the size a member of L declares, to what the outermost
 * archive expands to, and checks it against max_ratio: a decompression
 * bomb expands without end, and the sizes in its headers say so before
 * anything is decompressed. An archive on disk is judged against its size
 * (nothing in it can make it expand less); one from a pipe or another
 * archive by what its members before this one declared against the bytes
 * taken so far, which hold theirs (a large first member of a real archive
 * declares its size before any of its bytes are read). Declared sizes and
 * the bytes taken when a header is read are the same for every -j. FALSE
 * (with ERROR, the open archives closed) past the ratio. */
static gboolean
expansion_ok(FkContainer *self, Level *l, guint64 size, const char *member, GError **error)
{
  guint64 before = self->root_out;
  self->root_out += size;
  if (self->opts.max_ratio == 0)
    return TRUE;
  Level *root = g_ptr_array_index(self->stack, 0);
  guint64 out = self->root_size > 0 ? self->root_out : before;
  guint64 in = self->root_size > 0 ? self->root_size : level_bytes_in(root);
  if (out <= RATIO_FLOOR || out / MAX(in, 1) <= self->opts.max_ratio)
    return TRUE;
  g_set_error(error, FK_CONTAINER_ERROR, FK_CONTAINER_ERROR_LIMIT,
              "%s:%s: %s would expand more than %" G_GUINT64_FORMAT " times (%" G_GUINT64_FORMAT
              " bytes in its members out of %" G_GUINT64_FORMAT
              "; --max-ratio), as a decompression bomb does; the rest of it is skipped",
              l->name, member, root->name, self->opts.max_ratio, out, in);
  while (self->stack->len > 0)
    pop_level(self);
  return FALSE;
}

/* The next entry of the innermost archive. */
static FkContainerStatus
next_in_archive(FkContainer *self, FkInput **in, GError **error)
{
  Level *l = g_ptr_array_index(self->stack, self->stack->len - 1);
  struct archive_entry *e;
  int r = LA(archive_read_next_header)(l->a, &e);
  if (r == ARCHIVE_EOF) {
    if (l->entries == 0 && self->opts.diag != NULL)
      fk_diag_skip(
          self->opts.diag, l->name, NULL,
          "no recognised input: not one file among its members (an empty archive, or only zeros)");
    pop_level(self);
    return FK_CONTAINER_END;
  }
  if (r < ARCHIVE_WARN) {
    if (l->source_error != NULL)
      g_set_error(error, FK_CONTAINER_ERROR, FK_CONTAINER_ERROR_CORRUPT, "%s: stopped: %s", l->name,
                  l->source_error);
    else if (l->last_member != NULL)
      g_set_error(error, FK_CONTAINER_ERROR, FK_CONTAINER_ERROR_CORRUPT,
                  "%s: damaged at byte %" G_GINT64_FORMAT " after member '%s': %s", l->name,
                  (gint64)LA(archive_filter_bytes)(l->a, -1), l->last_member,
                  LA(archive_error_string)(l->a) ? LA(archive_error_string)(l->a) : "read error");
    else
      g_set_error(error, FK_CONTAINER_ERROR, FK_CONTAINER_ERROR_CORRUPT,
                  "%s: damaged at byte %" G_GINT64_FORMAT " before the first member: %s", l->name,
                  (gint64)LA(archive_filter_bytes)(l->a, -1),
                  LA(archive_error_string)(l->a) ? LA(archive_error_string)(l->a) : "read error");
    pop_level(self);
    return FK_CONTAINER_FAILED;
  }
  gboolean raw = LA(archive_format)(l->a) == ARCHIVE_FORMAT_RAW;
  if (raw && l->raw_seen) /* raw yields one entry; anything after is noise */
    return FK_CONTAINER_END;

  const char *pathname = LA(archive_entry_pathname)(e);
  g_autofree char *member = g_strdup(pathname != NULL && pathname[0] ? pathname : "data");
  g_free(l->last_member);
  l->last_member = g_strdup(member);
  if (r == ARCHIVE_WARN && self->opts.diag != NULL && LA(archive_error_string)(l->a) != NULL)
    fk_diag_note(self->opts.diag, l->name, "%s: %s", member, LA(archive_error_string)(l->a));
  int type = LA(archive_entry_filetype)(e);
  if (type != AE_IFDIR)
    l->entries++; /* directories alone hold nothing to read */
  if (type == AE_IFREG && LA(archive_entry_size_is_set)(e) && LA(archive_entry_size)(e) > 0 &&
      !expansion_ok(self, l, (guint64)LA(archive_entry_size)(e), member, error))
    return FK_CONTAINER_FAILED;
  if (type == AE_IFDIR)
    return FK_CONTAINER_INPUT; /* nothing yielded: the caller loops */
  if (!raw && fk_container_is_side_file(member) && (type == AE_IFREG || type == AE_IFLNK)) {
    if (!side_file(self, l, e, member, error))
      return FK_CONTAINER_FAILED;
    return FK_CONTAINER_INPUT;
  }
  if (type != 0 && type != AE_IFREG) {
    if (self->opts.diag != NULL)
      fk_diag_skip(self->opts.diag, l->name, NULL, "%s: not a regular file (%s); skipped", member,
                   type == AE_IFLNK    ? "a symbolic link"
                   : type == AE_IFIFO  ? "a FIFO"
                   : type == AE_IFCHR  ? "a character device"
                   : type == AE_IFBLK  ? "a block device"
                   : type == AE_IFSOCK ? "a socket"
                                       : "a special file");
    return FK_CONTAINER_INPUT;
  }
  /* A hard link without data of its own (tar; cpio keeps the data on one
   * link): its content is the member it names, read under that name. */
  const char *target = LA(archive_entry_hardlink)(e);
  if (!raw && target != NULL && LA(archive_entry_size)(e) == 0) {
    if (self->opts.diag == NULL)
      return FK_CONTAINER_INPUT;
    if (l->regular != NULL && g_hash_table_contains(l->regular, target))
      fk_diag_note(self->opts.diag, l->name, "%s: a hard link to '%s', read as that member", member,
                   target);
    else
      fk_diag_skip(self->opts.diag, l->name, NULL,
                   "%s: a hard link to '%s', which is not a member read before it; skipped", member,
                   target);
    return FK_CONTAINER_INPUT;
  }
  if (!raw) {
    if (l->regular == NULL)
      l->regular = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    g_hash_table_add(l->regular, g_strdup(pathname ? pathname : member));
  }
  g_autofree char *name = raw ? g_strdup(l->name) : g_strdup_printf("%s:%s", l->name, member);
  if (!count_member(self, name, error))
    return FK_CONTAINER_FAILED;
  l->raw_seen = raw;

  Member *m = g_new0(Member, 1);
  m->owner = self;
  m->level = l;
  m->name = g_strdup(name);
  m->counted = TRUE;
  FkInput *mi = fk_input_new_stream(name, member_read, m, member_free);
  if (l->source != NULL && fk_lent_blocks_is(l->source))
    fk_input_set_lend(mi, member_lend);
  Level *root = g_ptr_array_index(self->stack, 0);
  /* The member path from the outermost archive: "web01.tar.gz:perf.txt". */
  const char *outer = g_str_has_prefix(l->name, l->path) ? l->name + strlen(l->path) : "";
  g_autofree char *mpath = NULL;
  if (raw)
    mpath = outer[0] == ':' ? g_strdup(outer + 1) : NULL;
  else
    mpath = outer[0] == ':' ? g_strdup_printf("%s:%s", outer + 1, member) : g_strdup(member);
  fk_input_set_origin(mi, l->path, mpath);
  fk_input_set_size(mi, LA(archive_entry_size_is_set)(e) && !raw ? LA(archive_entry_size)(e) : -1);
  fk_input_set_limit(mi, self->opts.max_member, "--max-member-bytes");
  g_autoptr(GPtrArray) levels =
      g_ptr_array_copy(l->levels, (GCopyFunc)(void (*)(void))g_strdup, NULL);
  g_ptr_array_set_free_func(levels, g_free);
  if (!raw)
    g_ptr_array_add(levels, g_strdup(member));
  /* A single compressed file given as a path is not named after a host. */
  gboolean root_is_container = root->root_is_container && !(raw && l == root);
  FkInput *plain = NULL;
  if (!classify(self, mi, m, levels, FALSE, l->depth + 1, &plain, error))
    return FK_CONTAINER_FAILED;
  if (plain != NULL) {
    finish_input(self, plain, levels, root_is_container);
    *in = plain;
  }
  return FK_CONTAINER_INPUT;
}

static int
cmp_str(gconstpointer a, gconstpointer b)
{
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Appends the regular files below DIR (relative REL) to the pending queue,
 * sorted, depth first. Symbolic links to directories are not followed. */
static void
walk(FkContainer *self, const char *root, const char *dir, const char *rel)
{
  DIR *d = opendir(dir);
  if (d == NULL) {
    /* As a file that cannot be opened: a failure, reported in its place. */
    Pending *p = g_new0(Pending, 1);
    p->error = g_strdup_printf("%s: cannot read directory: %s", dir, g_strerror(errno));
    g_queue_push_tail(&self->pending, p);
    return;
  }
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
  for (struct dirent *e; (e = readdir(d)) != NULL;)
    if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
      g_ptr_array_add(names, g_strdup(e->d_name));
  closedir(d);
  g_ptr_array_sort(names, cmp_str);
  for (guint i = 0; i < names->len; i++) {
    const char *n = g_ptr_array_index(names, i);
    g_autofree char *full = g_build_filename(dir, n, NULL);
    g_autofree char *r = rel ? g_build_filename(rel, n, NULL) : g_strdup(n);
    struct stat st;
    if (lstat(full, &st) != 0)
      continue;
    if (S_ISLNK(st.st_mode) && stat(full, &st) != 0)
      continue;
    if (S_ISDIR(st.st_mode)) {
      struct stat lst;
      if (lstat(full, &lst) == 0 && S_ISLNK(lst.st_mode)) {
        if (self->opts.diag != NULL)
          fk_diag_note(self->opts.diag, full, "symbolic link to a directory not followed");
        continue;
      }
      walk(self, root, full, r);
    } else if (S_ISREG(st.st_mode)) {
      self->disk_total += (guint64)st.st_size;
      Pending *p = g_new0(Pending, 1);
      p->path = g_steal_pointer(&full);
      p->root = g_strdup(root);
      p->rel = g_steal_pointer(&r);
      g_queue_push_tail(&self->pending, p);
    }
  }
}

/* Opens a file (or stdin) given or found by a walk. */
static FkContainerStatus
open_path(FkContainer *self, const char *path, const char *root, const char *rel, FkInput **in,
          GError **error)
{
  g_autoptr(GError) e = NULL;
  FkInput *fi = fk_input_new_file(path, &e);
  if (fi == NULL) {
    g_set_error(error, FK_CONTAINER_ERROR, FK_CONTAINER_ERROR_IO, "%s", e->message);
    return FK_CONTAINER_FAILED;
  }
  if (!count_member(self, path, error)) {
    fk_input_free(fi);
    return FK_CONTAINER_FAILED;
  }
  fk_input_set_limit(fi, self->opts.max_member, "--max-member-bytes");
  guint64 fsize = fk_input_size(fi) > 0 ? (guint64)fk_input_size(fi) : 0;
  g_autoptr(GPtrArray) levels = g_ptr_array_new_with_free_func(g_free);
  if (root != NULL) {
    g_ptr_array_add(levels, g_strdup(root));
    g_ptr_array_add(levels, g_strdup(rel));
    /* Members of an archive in a walked directory are named from the
     * archive's path, which is LEVELS[0] for the archive's own level. */
  } else {
    g_ptr_array_add(levels, g_strdup(path));
  }
  /* stdin from a file has its fd, but no path to open an archive again by */
  gboolean from_disk = fk_input_fd(fi) >= 0 && strcmp(path, "-") != 0;
  FkInput *plain = NULL;
  if (root != NULL) {
    /* An archive inside a walked directory: its levels start at the archive
     * file, but the host rules see the directory too. */
    g_autoptr(GPtrArray) alevels = g_ptr_array_new_with_free_func(g_free);
    g_ptr_array_add(alevels, g_strdup(path));
    if (!classify(self, fi, NULL, alevels, from_disk, 1, &plain, error))
      return FK_CONTAINER_FAILED;
    if (plain == NULL) {
      /* levels[0] must stay the path for member names; host rules get the
       * directory chain through the root flag and the rel path. */
      if (self->deferred != NULL) {
        self->deferred->host_levels = g_ptr_array_ref(levels);
      } else {
        Level *l = g_ptr_array_index(self->stack, self->stack->len - 1);
        g_ptr_array_unref(l->levels);
        l->levels = g_ptr_array_ref(levels);
      }
      self->root_size = fsize;
      return FK_CONTAINER_INPUT;
    }
    COUNT_ADD(self->counts->disk_done, fsize);
    finish_input(self, plain, levels, TRUE);
    *in = plain;
    return FK_CONTAINER_INPUT;
  }
  if (!classify(self, fi, NULL, levels, from_disk, 1, &plain, error)) {
    COUNT_ADD(self->counts->disk_done, fsize);
    return FK_CONTAINER_FAILED;
  }
  if (plain != NULL) {
    COUNT_ADD(self->counts->disk_done, fsize);
    finish_input(self, plain, levels, FALSE);
    *in = plain;
  } else {
    self->root_size = fsize;
  }
  return FK_CONTAINER_INPUT;
}

FkContainerStatus
fk_container_next(FkContainer *self, FkInput **in, GError **error)
{
  *in = NULL;
  for (;;) {
    if (g_atomic_int_get(&self->counts->stopped))
      return FK_CONTAINER_END;
    FkContainerStatus st;
    if (self->deferred != NULL && !self->opts.detach_archives) {
      /* A detached archive, opened on the thread that reads it. */
      Deferred *d = g_steal_pointer(&self->deferred);
      Level *l = level_open(self, NULL, d->path, (Kind)d->kind, d->name, d->levels,
                            d->root_is_container, 1, error);
      if (l != NULL && d->host_levels != NULL) {
        g_ptr_array_unref(l->levels);
        l->levels = g_ptr_array_ref(d->host_levels);
      }
      deferred_free(d);
      if (l == NULL) {
        COUNT_ADD(self->counts->disk_done, self->root_size);
        self->root_size = 0;
        return FK_CONTAINER_FAILED;
      }
      g_ptr_array_add(self->stack, l);
      continue;
    }
    if (self->stack->len > 0) {
      st = next_in_archive(self, in, error);
      if (st == FK_CONTAINER_END)
        continue; /* that level is done */
    } else if (!g_queue_is_empty(&self->pending)) {
      Pending *p = g_queue_pop_head(&self->pending);
      if (p->error != NULL) {
        g_set_error_literal(error, FK_CONTAINER_ERROR, FK_CONTAINER_ERROR_IO, p->error);
        pending_free(p);
        return FK_CONTAINER_FAILED;
      }
      st = open_path(self, p->path, p->root, p->rel, in, error);
      pending_free(p);
    } else if (self->paths != NULL && self->paths[self->next_path] != NULL) {
      const char *path = self->paths[self->next_path++];
      if (strcmp(path, "-") != 0 && g_file_test(path, G_FILE_TEST_IS_DIR)) {
        walk(self, path, path, NULL);
        continue;
      }
      st = open_path(self, path, NULL, NULL, in, error);
    } else {
      return FK_CONTAINER_END;
    }
    if (st == FK_CONTAINER_FAILED)
      return st;
    if (*in != NULL)
      return FK_CONTAINER_INPUT;
    if (self->deferred != NULL)
      return FK_CONTAINER_ARCHIVE;
  }
}
