/* archivelib.h -- libarchive, loaded the first time an input needs it.
 *
 * Linked in, libarchive and the eleven libraries it needs in turn
 * (libxml2 and ICU with libstdc++, nettle, acl, lzma, lz4, bz2) were
 * mapped and relocated by every run before main: 2.5-3 ms on this
 * machine (an empty program linked with -larchive starts in 3.9 ms
 * against 0.9), a twentieth of a 94 MB perf script collapse, whatever the
 * inputs, while most runs read no archive and no compressed file that the
 * container does not decode itself (decompress.h). The container calls
 * libarchive through this table, which dlopen(3) fills once (dynlib.h). */
#pragma once

#include <archive.h>
#include <archive_entry.h>
#include <glib.h>

#include "dynlib.h"

/* Every libarchive function the container calls. */
#define FK_ARCHIVE_FUNCTIONS(X)                                                                    \
  X(archive_entry_filetype)                                                                        \
  X(archive_entry_hardlink)                                                                        \
  X(archive_entry_pathname)                                                                        \
  X(archive_entry_size)                                                                            \
  X(archive_entry_size_is_set)                                                                     \
  X(archive_entry_symlink)                                                                         \
  X(archive_error_string)                                                                          \
  X(archive_filter_bytes)                                                                          \
  X(archive_filter_code)                                                                           \
  X(archive_filter_count)                                                                          \
  X(archive_format)                                                                                \
  X(archive_read_data_block)                                                                       \
  X(archive_read_free)                                                                             \
  X(archive_read_new)                                                                              \
  X(archive_read_next_header)                                                                      \
  X(archive_read_open)                                                                             \
  X(archive_read_open_filename)                                                                    \
  X(archive_read_open_memory)                                                                      \
  X(archive_read_support_filter_all)                                                               \
  X(archive_read_support_format_7zip)                                                              \
  X(archive_read_support_format_ar)                                                                \
  X(archive_read_support_format_cab)                                                               \
  X(archive_read_support_format_cpio)                                                              \
  X(archive_read_support_format_gnutar)                                                            \
  X(archive_read_support_format_iso9660)                                                           \
  X(archive_read_support_format_lha)                                                               \
  X(archive_read_support_format_rar)                                                               \
  X(archive_read_support_format_rar5)                                                              \
  X(archive_read_support_format_raw)                                                               \
  X(archive_read_support_format_tar)                                                               \
  X(archive_read_support_format_warc)                                                              \
  X(archive_read_support_format_xar)                                                               \
  X(archive_read_support_format_zip)                                                               \
  X(archive_set_error)

typedef struct {
  FK_ARCHIVE_FUNCTIONS(FK_DYNLIB_FIELD)
} FkArchiveLib;

/* The table, loaded on the first call from any thread; NULL, with ERROR
 * set (may be NULL) saying why, when libarchive cannot be loaded: then
 * every later call says the same. */
const FkArchiveLib *fk_archive_lib(GError **error);
