/* output.c -- an -o PATH written safely: a regular file is written to a
 * temporary file beside it and renamed into place (readers never see half a
 * file, a failed run leaves the old one); anything else is written in place
 * and never replaced.
 *
 * Why each case is what it is:
 * - A character or block device, a FIFO, a socket: `-o /dev/null`, `-o
 *   /dev/full`, a pipe to a viewer. Renaming over them would replace the node
 *   for every process on the machine (as root, /dev/null became a regular
 *   file). They are opened (a socket is connected) and written directly.
 * - /dev/stdout, /dev/stderr, /dev/fd/N, /proc/self/fd/N: the descriptor the
 *   shell gave us, duplicated, so `>>` still appends and nothing is renamed.
 * - A symlink to a regular file (or a dangling one): the target is replaced,
 *   the link kept, as editors and `sed -i --follow-symlinks` do.
 * - An existing regular file keeps its mode (and, where we may, its owner);
 *   one the user could not write is refused rather than replaced, since
 *   rename needs only the directory to be writable.
 * - A directory whose files we may write but where we may not create the
 *   temporary file: the file is truncated and written in place.
 *
 * Temporary files are registered so that fk_output_remove_pending(), which
 * cmd/main.c calls from its SIGINT/SIGTERM/SIGHUP/SIGPIPE handler, removes
 * them: an interrupted write of hundreds of megabytes leaves nothing behind. */
#include "writer.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

struct FkOutput {
  char *path;   /* as given, for messages */
  char *target; /* the file renamed over; NULL when written in place */
  char *tmp;    /* the temporary beside TARGET; NULL when written in place */
  int slot;     /* index in pending[], or -1 */
  FILE *file;
  gboolean is_stdout; /* "-": stdout, never closed here */
};

/* Temporary files being written, for the signal handler. Lock-free so that a
 * handler on any thread may read it; a full table only means a temporary
 * file is not removed on a signal. */
#define PENDING_SLOTS 64
static char *pending[PENDING_SLOTS];

static int
pending_add(char *tmp)
{
  for (int i = 0; i < PENDING_SLOTS; i++)
    if (g_atomic_pointer_compare_and_exchange(&pending[i], NULL, tmp))
      return i;
  return -1;
}

static void
pending_remove(int slot)
{
  if (slot >= 0)
    g_atomic_pointer_set(&pending[slot], NULL);
}

void
fk_output_remove_pending(void)
{
  /* Only async-signal-safe calls: atomic loads and unlink(2). */
  for (int i = 0; i < PENDING_SLOTS; i++) {
    char *tmp = g_atomic_pointer_get(&pending[i]);
    if (tmp != NULL)
      unlink(tmp);
  }
}

static FkOutput *
fail(FkOutput *self, const char *path, int e, GError **error)
{
  g_set_error(error, FK_RENDER_ERROR, FK_RENDER_ERROR_IO, "%s: %s", path, g_strerror(e));
  g_free(self->path);
  g_free(self->target);
  g_free(self->tmp);
  g_free(self);
  return NULL;
}

static FkOutput *
finish_open(FkOutput *self, int fd, const char *path, GError **error)
{
  self->file = fdopen(fd, "w");
  if (self->file == NULL) {
    int e = errno;
    close(fd);
    if (self->tmp != NULL) {
      pending_remove(self->slot);
      unlink(self->tmp);
    }
    return fail(self, path, e, error);
  }
  return self;
}

/* The descriptor N that PATH names (/dev/stdout, /dev/fd/N, ...), or -1. */
static int
descriptor_name(const char *path)
{
  if (strcmp(path, "/dev/stdout") == 0)
    return 1;
  if (strcmp(path, "/dev/stderr") == 0)
    return 2;
  const char *n = NULL;
  if (g_str_has_prefix(path, "/dev/fd/"))
    n = path + strlen("/dev/fd/");
  else if (g_str_has_prefix(path, "/proc/self/fd/"))
    n = path + strlen("/proc/self/fd/");
  if (n == NULL || !g_ascii_isdigit(*n))
    return -1;
  char *end = NULL;
  long fd = strtol(n, &end, 10);
  return *end == '\0' && fd <= INT_MAX ? (int)fd : -1;
}

/* Where the symlink CUR points, as a path usable from here; NULL when CUR is
 * not a symlink. */
static char *
link_target(const char *cur)
{
  char *link = g_file_read_link(cur, NULL);
  if (link == NULL || g_path_is_absolute(link))
    return link;
  g_autofree char *dir = g_path_get_dirname(cur);
  char *joined = g_build_filename(dir, link, NULL);
  g_free(link);
  return joined;
}

/* The descriptor that PATH, or a symlink on the way from PATH, names; -1. */
static int
named_descriptor(const char *path)
{
  g_autofree char *cur = g_strdup(path);
  for (int hops = 0; hops < 40 && cur != NULL; hops++) {
    int fd = descriptor_name(cur);
    if (fd >= 0)
      return fd;
    char *next = link_target(cur);
    g_free(cur);
    cur = next;
  }
  return -1;
}

/* Follows the symlinks of a PATH that does not exist to the name a new file
 * should get (a dangling link is kept: its target is created). A loop ends
 * after 40 hops; creating that name then fails with ELOOP. */
static char *
resolve_dangling(const char *path)
{
  char *cur = g_strdup(path);
  for (int hops = 0; hops < 40; hops++) {
    char *next = link_target(cur);
    if (next == NULL)
      return cur;
    g_free(cur);
    cur = next;
  }
  return cur;
}

static int
connect_socket(const char *path)
{
  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  if (strlen(path) >= sizeof addr.sun_path) {
    errno = ENAMETOOLONG;
    return -1;
  }
  memcpy(addr.sun_path, path, strlen(path) + 1);
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return -1;
  if (connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
    int e = errno;
    close(fd);
    errno = e;
    return -1;
  }
  return fd;
}

/* A temporary file beside TARGET with MODE (and OWNER where given and we
 * may); -1 with errno set when it cannot be made. */
static int
make_temporary(FkOutput *self, const struct stat *existing)
{
  /* The name is registered for the signal handler before the file exists:
   * registered after, a signal between the two (seen 1 run in 6 under load)
   * would leave the file behind. So the name is made here, not by mkstemp,
   * and the file created with O_EXCL; a name that exists is never ours. */
  static const char chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  int fd = -1;
  for (int attempt = 0; attempt < 100 && fd < 0; attempt++) {
    g_free(self->tmp);
    char suffix[7];
    for (int i = 0; i < 6; i++)
      suffix[i] = chars[g_random_int_range(0, (gint32)sizeof chars - 1)];
    suffix[6] = '\0';
    self->tmp = g_strdup_printf("%s.%s", self->target, suffix);
    struct stat st;
    if (lstat(self->tmp, &st) == 0)
      continue;
    self->slot = pending_add(self->tmp);
    fd = open(self->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOCTTY, 0600);
    if (fd < 0) {
      int e = errno;
      pending_remove(self->slot);
      self->slot = -1;
      if (e != EEXIST) {
        g_clear_pointer(&self->tmp, g_free);
        errno = e;
        return -1;
      }
    }
  }
  if (fd < 0) {
    g_clear_pointer(&self->tmp, g_free);
    errno = EEXIST;
    return -1;
  }
  mode_t mode;
  if (existing != NULL) {
    mode = existing->st_mode & 07777;
    if (existing->st_uid != geteuid() || existing->st_gid != getegid())
      (void)!fchown(fd, existing->st_uid, existing->st_gid); /* best effort */
  } else {
    mode_t mask = umask(0);
    umask(mask);
    mode = 0666 & ~mask;
  }
  (void)fchmod(fd, mode);
  return fd;
}

FkOutput *
fk_output_open(const char *path, GError **error)
{
  FkOutput *self = g_new0(FkOutput, 1);
  self->path = g_strdup(path);
  self->slot = -1;
  if (strcmp(path, "-") == 0) {
    self->file = stdout;
    self->is_stdout = TRUE;
    return self;
  }
  int named = named_descriptor(path);
  if (named >= 0) {
    int fd = fcntl(named, F_DUPFD_CLOEXEC, 3);
    if (fd < 0)
      return fail(self, path, errno, error);
    return finish_open(self, fd, path, error);
  }

  struct stat st;
  if (stat(path, &st) != 0) {
    if (errno != ENOENT)
      return fail(self, path, errno, error);
    self->target = resolve_dangling(path);
    int fd = make_temporary(self, NULL);
    if (fd < 0)
      return fail(self, path, errno, error);
    return finish_open(self, fd, path, error);
  }
  if (S_ISDIR(st.st_mode))
    return fail(self, path, EISDIR, error);
  if (S_ISSOCK(st.st_mode)) {
    int fd = connect_socket(path);
    if (fd < 0)
      return fail(self, path, errno, error);
    return finish_open(self, fd, path, error);
  }
  if (!S_ISREG(st.st_mode)) {
    /* Device or FIFO: written where it is, never truncated or replaced. A
     * FIFO's open waits for its reader, as a shell redirection does. */
    int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
      return fail(self, path, errno, error);
    return finish_open(self, fd, path, error);
  }
  /* A regular file, maybe through symlinks: replace the file, keep the links.
   * Refuse what the user could not write, though the directory would allow
   * the rename. */
  if (access(path, W_OK) != 0)
    return fail(self, path, errno, error);
  self->target = realpath(path, NULL);
  if (self->target == NULL)
    return fail(self, path, errno, error);
  {
    /* realpath's malloc, our g_free: keep one allocator. */
    char *t = g_strdup(self->target);
    free(self->target);
    self->target = t;
  }
  int fd = make_temporary(self, &st);
  if (fd < 0) {
    if (errno != EACCES && errno != EPERM && errno != EROFS)
      return fail(self, path, errno, error);
    /* The directory refuses new files but the file is ours to write. */
    g_clear_pointer(&self->target, g_free);
    fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
      return fail(self, path, errno, error);
  }
  return finish_open(self, fd, path, error);
}

FILE *
fk_output_file(FkOutput *self)
{
  return self->file;
}

static void
output_free(FkOutput *self)
{
  pending_remove(self->slot);
  g_free(self->tmp);
  g_free(self->target);
  g_free(self->path);
  g_free(self);
}

gboolean
fk_output_commit(FkOutput *self, GError **error)
{
  gboolean ok = TRUE;
  int e = 0;
  errno = 0;
  if (fflush(self->file) != 0 || ferror(self->file)) {
    e = errno ? errno : EIO;
    ok = FALSE;
  }
  if (!self->is_stdout) {
    if (fclose(self->file) != 0 && ok) {
      e = errno;
      ok = FALSE;
    }
    if (ok && self->tmp != NULL && rename(self->tmp, self->target) != 0) {
      e = errno;
      ok = FALSE;
    }
    if (!ok && self->tmp != NULL)
      unlink(self->tmp);
  }
  if (!ok)
    g_set_error(error, FK_RENDER_ERROR, FK_RENDER_ERROR_IO, "%s: %s",
                self->is_stdout ? "standard output" : self->path, g_strerror(e));
  output_free(self);
  return ok;
}

void
fk_output_abort(FkOutput *self)
{
  if (self == NULL)
    return;
  if (!self->is_stdout) {
    fclose(self->file);
    if (self->tmp != NULL)
      unlink(self->tmp);
  }
  output_free(self);
}
