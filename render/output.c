/* output.c -- write to PATH.XXXXXX, then rename over PATH. */
#include "writer.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <string.h>
#include <unistd.h>

struct FkOutput {
  char *path;
  char *tmp; /* NULL for stdout */
  FILE *file;
};

FkOutput *
fk_output_open(const char *path, GError **error)
{
  FkOutput *self = g_new0(FkOutput, 1);
  self->path = g_strdup(path);
  if (strcmp(path, "-") == 0) {
    self->file = stdout;
    return self;
  }
  self->tmp = g_strdup_printf("%s.XXXXXX", path);
  int fd = g_mkstemp_full(self->tmp, O_WRONLY | O_CLOEXEC, 0666 & ~0022);
  if (fd < 0) {
    int e = errno;
    g_set_error(error, FK_RENDER_ERROR, FK_RENDER_ERROR_IO, "%s: %s", path, g_strerror(e));
    g_free(self->tmp);
    g_free(self->path);
    g_free(self);
    return NULL;
  }
  /* mkstemp makes 0600; give the file the usual mode under the umask. */
  mode_t mask = umask(0);
  umask(mask);
  (void)fchmod(fd, 0666 & ~mask);
  self->file = fdopen(fd, "w");
  return self;
}

FILE *
fk_output_file(FkOutput *self)
{
  return self->file;
}

gboolean
fk_output_commit(FkOutput *self, GError **error)
{
  gboolean ok = TRUE;
  int e = 0;
  if (fflush(self->file) != 0 || ferror(self->file)) {
    e = errno ? errno : EIO;
    ok = FALSE;
  }
  if (self->tmp != NULL) {
    if (fclose(self->file) != 0 && ok) {
      e = errno;
      ok = FALSE;
    }
    if (ok && rename(self->tmp, self->path) != 0) {
      e = errno;
      ok = FALSE;
    }
    if (!ok)
      unlink(self->tmp);
  }
  if (!ok)
    g_set_error(error, FK_RENDER_ERROR, FK_RENDER_ERROR_IO, "%s: %s",
                self->tmp ? self->path : "standard output", g_strerror(e));
  g_free(self->tmp);
  g_free(self->path);
  g_free(self);
  return ok;
}

void
fk_output_abort(FkOutput *self)
{
  if (self == NULL)
    return;
  if (self->tmp != NULL) {
    fclose(self->file);
    unlink(self->tmp);
  }
  g_free(self->tmp);
  g_free(self->path);
  g_free(self);
}
