/* input.c -- byte streams with a peek buffer. */
#include "input.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* clang-format off: it would space the dashes of the quark name */
G_DEFINE_QUARK(fk - input - error - quark, fk_input_error)
/* clang-format on */

struct FkInput {
  char *name;               /* for messages: "path", "-" or "archive.tar.gz:member/path" */
  char *path;               /* the file on disk it comes from, or "-" */
  char *member;             /* the member path inside an archive, or NULL */
  char *host;               /* a host label known from the path, or NULL */
  gint64 size;              /* -1 when unknown */
  int fd;                   /* an open regular file (readers may mmap it), or -1 */
  guint64 limit;            /* bytes this input may yield (0: no limit) */
  const char *limit_option; /* the option that set LIMIT, for its message (static), or NULL */
  FkInputReadFunc read;
  gpointer user_data;
  GDestroyNotify destroy;
  FkInputLendFunc lend; /* NULL: the source only reads */
  guint8 *head;
  gsize head_len, head_pos;
  guint64 offset; /* bytes handed out so far */
  gboolean eof;
  GError *pending; /* a read error met while peeking, returned after the peeked bytes */
};

typedef struct {
  int fd;
  gboolean owned;
  char *name;
} FdSource;

static gssize
fd_read(gpointer user_data, void *buf, gsize len, GError **error)
{
  FdSource *src = user_data;
  for (;;) {
    ssize_t n = read(src->fd, buf, len);
    if (n >= 0)
      return n;
    if (errno == EINTR)
      continue;
    int e = errno;
    g_set_error(error, FK_INPUT_ERROR, FK_INPUT_ERROR_IO, "%s: %s", src->name, g_strerror(e));
    return -1;
  }
}

static void
fd_destroy(gpointer user_data)
{
  FdSource *src = user_data;
  if (src->owned)
    close(src->fd);
  g_free(src->name);
  g_free(src);
}

FkInput *
fk_input_new_file(const char *path, GError **error)
{
  gboolean is_stdin = strcmp(path, "-") == 0;
  int fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int e = errno;
    g_set_error(error, FK_INPUT_ERROR, FK_INPUT_ERROR_IO, "%s: %s", path, g_strerror(e));
    return NULL;
  }
  struct stat st;
  if (fstat(fd, &st) != 0 || S_ISDIR(st.st_mode)) {
    int e = S_ISDIR(st.st_mode) ? EISDIR : errno;
    g_set_error(error, FK_INPUT_ERROR, FK_INPUT_ERROR_IO, "%s: %s", path, g_strerror(e));
    if (!is_stdin)
      close(fd);
    return NULL;
  }
  FdSource *src = g_new0(FdSource, 1);
  src->fd = fd;
  src->owned = !is_stdin;
  src->name = g_strdup(path);
  FkInput *in = fk_input_new_stream(path, fd_read, src, fd_destroy);
  g_free(in->path);
  in->path = g_strdup(path);
  /* stdin redirected from a file at its start is that file: read in
   * pieces, mapped, sized as any other */
  if (S_ISREG(st.st_mode) && (!is_stdin || lseek(fd, 0, SEEK_CUR) == 0)) {
    in->fd = fd;
    in->size = st.st_size;
  }
  return in;
}

FkInput *
fk_input_new_stream(const char *name, FkInputReadFunc read, gpointer user_data,
                    GDestroyNotify destroy)
{
  FkInput *in = g_new0(FkInput, 1);
  in->name = g_strdup(name);
  in->path = g_strdup(name);
  in->size = -1;
  in->fd = -1;
  in->read = read;
  in->user_data = user_data;
  in->destroy = destroy;
  return in;
}

FkInput *
fk_input_new_like(const FkInput *like, FkInputReadFunc read, FkInputLendFunc lend,
                  gpointer user_data, GDestroyNotify destroy)
{
  FkInput *in = fk_input_new_stream(like->name, read, user_data, destroy);
  in->lend = lend;
  g_free(in->path);
  in->path = g_strdup(like->path);
  in->member = g_strdup(like->member);
  in->host = g_strdup(like->host);
  in->size = like->size;
  return in;
}

typedef struct {
  GBytes *bytes;
  gsize pos;
} BytesSource;

static gssize
bytes_read(gpointer user_data, void *buf, gsize len, GError **error)
{
  (void)error;
  BytesSource *src = user_data;
  gsize size;
  const guint8 *data = g_bytes_get_data(src->bytes, &size);
  gsize n = MIN(len, size - src->pos);
  if (n > 0)
    memcpy(buf, data + src->pos, n);
  src->pos += n;
  return (gssize)n;
}

static void
bytes_destroy(gpointer user_data)
{
  BytesSource *src = user_data;
  g_bytes_unref(src->bytes);
  g_free(src);
}

FkInput *
fk_input_new_bytes(const char *name, GBytes *bytes)
{
  BytesSource *src = g_new0(BytesSource, 1);
  src->bytes = g_bytes_ref(bytes);
  FkInput *in = fk_input_new_stream(name, bytes_read, src, bytes_destroy);
  in->size = (gint64)g_bytes_get_size(bytes);
  return in;
}

void
fk_input_free(FkInput *self)
{
  if (self == NULL)
    return;
  if (self->destroy)
    self->destroy(self->user_data);
  g_free(self->name);
  g_free(self->path);
  g_free(self->member);
  g_free(self->host);
  g_free(self->head);
  g_clear_error(&self->pending);
  g_free(self);
}

/* Reads from the source; a failure met while peeking comes now. */
static gssize
raw_read(FkInput *self, void *buf, gsize len, GError **error)
{
  if (self->pending != NULL) {
    g_propagate_error(error, g_steal_pointer(&self->pending));
    return -1;
  }
  if (self->eof)
    return 0;
  gssize n = self->read(self->user_data, buf, len, error);
  if (n == 0)
    self->eof = TRUE;
  return n;
}

gssize
fk_input_peek(FkInput *self, gsize n, const guint8 **data, GError **error)
{
  gsize have = self->head_len - self->head_pos;
  if (have < n) {
    guint8 *nh = g_malloc(n);
    if (have > 0)
      memcpy(nh, self->head + self->head_pos, have);
    g_free(self->head);
    self->head = nh;
    self->head_pos = 0;
    self->head_len = have;
    while (self->head_len < n && self->pending == NULL) {
      GError *e = NULL;
      gssize r = raw_read(self, self->head + self->head_len, n - self->head_len, &e);
      if (r < 0 && self->head_len == 0) {
        g_propagate_error(error, e);
        return -1;
      }
      if (r < 0) { /* keep what came before the failure */
        self->pending = e;
        break;
      }
      if (r == 0)
        break;
      self->head_len += (gsize)r;
    }
  }
  *data = self->head + self->head_pos;
  return (gssize)(self->head_len - self->head_pos);
}

static void
set_limit_error(FkInput *self, GError **error)
{
  g_set_error(error, FK_INPUT_ERROR, FK_INPUT_ERROR_LIMIT,
              "%s: larger than the limit of %" G_GUINT64_FORMAT
              " bytes%s%s%s; the first %" G_GUINT64_FORMAT " bytes were read",
              self->name, self->limit, self->limit_option ? " (" : "",
              self->limit_option ? self->limit_option : "", self->limit_option ? ")" : "",
              self->limit);
}

/* Whether the source holds another byte: after LIMIT bytes, the input is
 * over the limit only when it does. */
static gboolean
more_past_limit(FkInput *self, GError **error)
{
  if (self->head_pos < self->head_len)
    return TRUE;
  guint8 b;
  gssize n = raw_read(self, &b, 1, error);
  return n != 0; /* an error or a byte */
}

/* How many of LEN bytes may still be handed out: 0 with ERROR at the limit
 * (or when the source fails), else LEN clamped so that exactly the limit is
 * handed out; *AT_END: the source ended exactly at the limit. */
static gsize
allowed(FkInput *self, gsize len, gboolean *at_end, GError **error)
{
  *at_end = FALSE;
  if (self->limit == 0 || self->offset + len <= self->limit)
    return len;
  if (self->offset < self->limit)
    return (gsize)(self->limit - self->offset);
  GError *e = NULL;
  if (!more_past_limit(self, &e)) {
    *at_end = TRUE;
    return 0;
  }
  if (e != NULL)
    g_propagate_error(error, e);
  else
    set_limit_error(self, error);
  return 0;
}

gssize
fk_input_read(FkInput *self, void *buf, gsize len, GError **error)
{
  gboolean at_end;
  if (len > 0) {
    len = allowed(self, len, &at_end, error);
    if (len == 0)
      return at_end ? 0 : -1;
  }
  gssize n;
  if (self->head_pos < self->head_len) {
    n = (gssize)MIN(len, self->head_len - self->head_pos);
    memcpy(buf, self->head + self->head_pos, (gsize)n);
    self->head_pos += (gsize)n;
  } else {
    n = raw_read(self, buf, len, error);
    if (n < 0)
      return -1;
  }
  self->offset += (guint64)n;
  return n;
}

gssize
fk_input_borrow(FkInput *self, guint8 **data, GError **error)
{
  gssize n;
  gboolean at_end;
  if (self->lend == NULL)
    return -2;
  if (allowed(self, 1, &at_end, error) == 0)
    return at_end ? 0 : -1;
  if (self->head_pos < self->head_len) {
    /* The peeked bytes first: the head is ours to lend. */
    *data = self->head + self->head_pos;
    n = (gssize)(self->head_len - self->head_pos);
    self->head_pos = self->head_len;
  } else if (self->pending != NULL) {
    g_propagate_error(error, g_steal_pointer(&self->pending));
    return -1;
  } else if (self->eof) {
    n = 0;
  } else {
    n = self->lend(self->user_data, data, error);
    if (n < 0)
      return -1;
    if (n == 0)
      self->eof = TRUE;
  }
  /* Past the limit: the rest of this chunk is not handed out, and the
   * next call says so. */
  if (self->limit != 0 && self->offset + (guint64)n > self->limit) {
    n = (gssize)(self->limit - self->offset);
    if (self->pending == NULL)
      set_limit_error(self, &self->pending);
  }
  self->offset += (guint64)n;
  return n;
}

GBytes *
fk_input_read_all(FkInput *self, gsize max, const char *option, GError **error)
{
  GByteArray *buf =
      g_byte_array_sized_new(self->size > 0 ? (guint)MIN(self->size, 1 << 30) + 1 : 65536);
  guint8 chunk[65536];
  for (;;) {
    gssize n = fk_input_read(self, chunk, sizeof chunk, error);
    if (n < 0) {
      g_byte_array_unref(buf);
      return NULL;
    }
    if (n == 0)
      break;
    if (max != 0 && buf->len + (gsize)n > max) {
      g_set_error(error, FK_INPUT_ERROR, FK_INPUT_ERROR_LIMIT,
                  "%s: more than the limit of %" G_GSIZE_FORMAT " bytes%s%s%s to hold in memory",
                  self->name, max, option ? " (" : "", option ? option : "", option ? ")" : "");
      g_byte_array_unref(buf);
      return NULL;
    }
    g_byte_array_append(buf, chunk, (guint)n);
  }
  return g_byte_array_free_to_bytes(buf);
}

guint64
fk_input_offset(const FkInput *self)
{
  return self->offset;
}

guint64
fk_input_consumed(const FkInput *self)
{
  guint64 off = fk_input_offset(self);
  if (self->fd >= 0 && self->size > 0 && (guint64)self->size > off)
    off = (guint64)self->size;
  return off;
}

const char *
fk_input_name(const FkInput *self)
{
  return self->name;
}

const char *
fk_input_path(const FkInput *self)
{
  return self->path;
}

const char *
fk_input_member(const FkInput *self)
{
  return self->member;
}

const char *
fk_input_host(const FkInput *self)
{
  return self->host;
}

gint64
fk_input_size(const FkInput *self)
{
  return self->size;
}

int
fk_input_fd(const FkInput *self)
{
  return self->fd;
}

gboolean
fk_input_at_end(const FkInput *self)
{
  return self->eof;
}

void
fk_input_set_origin(FkInput *self, const char *path, const char *member)
{
  if (path != NULL) {
    char *p = g_strdup(path); /* PATH may be SELF's own */
    g_free(self->path);
    self->path = p;
  }
  char *m = g_strdup(member);
  g_free(self->member);
  self->member = m;
}

void
fk_input_set_host(FkInput *self, char *host)
{
  g_free(self->host);
  self->host = host;
}

void
fk_input_set_size(FkInput *self, gint64 size)
{
  self->size = size;
}

void
fk_input_set_limit(FkInput *self, guint64 limit, const char *option)
{
  self->limit = limit;
  self->limit_option = option;
}

void
fk_input_set_lend(FkInput *self, FkInputLendFunc lend)
{
  self->lend = lend;
}

gpointer
fk_input_source(const FkInput *self, FkInputReadFunc read)
{
  return self->read == read ? self->user_data : NULL;
}
