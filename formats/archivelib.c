/* archivelib.c -- libarchive loaded on first use (see archivelib.h). */
#include "archivelib.h"

#ifndef FK_LIBARCHIVE_SONAME
#define FK_LIBARCHIVE_SONAME "libarchive.so.13"
#endif

static FkArchiveLib table;

static gpointer
fill(void *h, const char *soname, char **why)
{
#define FK_ARCHIVE_LOAD(f) FK_DYNLIB_SYM(h, soname, table, f, why)
  FK_ARCHIVE_FUNCTIONS(FK_ARCHIVE_LOAD)
#undef FK_ARCHIVE_LOAD
  return &table;
}

const FkArchiveLib *
fk_archive_lib(GError **error)
{
  static FkDynlib lib = {FK_LIBARCHIVE_SONAME, "archives and compressed inputs need libarchive",
                         fill, G_ONCE_INIT, NULL};
  return fk_dynlib_get(&lib, error);
}
