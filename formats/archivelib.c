/* archivelib.c -- libarchive loaded on first use (see archivelib.h). */
#include "archivelib.h"

#ifndef FK_LIBARCHIVE_SONAME
#define FK_LIBARCHIVE_SONAME "libarchive.so.13"
#endif

FK_DYNLIB_DEFINE(FkArchiveLib, fk_archive_lib, FK_ARCHIVE_FUNCTIONS, FK_LIBARCHIVE_SONAME,
                 "archives and compressed inputs need libarchive")
