/* archivelib.c -- libarchive loaded on first use (see archivelib.h). */
#include "archivelib.h"

#include <dlfcn.h>
#include <string.h>

#ifndef FK_LIBARCHIVE_SONAME
#define FK_LIBARCHIVE_SONAME "libarchive.so.13"
#endif

static FkArchiveLib lib;
static char *failure; /* why it did not load, once tried */

static gpointer
load(gpointer data)
{
  (void)data;
  void *h = dlopen(FK_LIBARCHIVE_SONAME, RTLD_NOW | RTLD_LOCAL);
  if (h == NULL) {
    const char *why = dlerror();
    failure = g_strdup(why != NULL ? why : FK_LIBARCHIVE_SONAME ": not loaded");
    return NULL;
  }
  /* a function pointer from dlsym's void *, as POSIX has it, without the
   * conversion ISO C does not define */
#define FK_ARCHIVE_LOAD(f)                                                                         \
  {                                                                                                \
    void *p = dlsym(h, #f);                                                                        \
    if (p == NULL) {                                                                               \
      failure = g_strdup_printf("%s has no %s", FK_LIBARCHIVE_SONAME, #f);                         \
      return NULL;                                                                                 \
    }                                                                                              \
    memcpy(&lib.f, &p, sizeof p);                                                                  \
  }
  FK_ARCHIVE_FUNCTIONS(FK_ARCHIVE_LOAD)
#undef FK_ARCHIVE_LOAD
  return &lib;
}

const FkArchiveLib *
fk_archive_lib(GError **error)
{
  static GOnce once = G_ONCE_INIT;
  const FkArchiveLib *l = g_once(&once, load, NULL);
  if (l == NULL)
    g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_FAILED,
                "archives and compressed inputs need libarchive, which cannot be loaded: %s",
                failure);
  return l;
}
