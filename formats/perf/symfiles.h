/* symfiles.h -- symbol files met among a run's inputs, for every
 * perf-data reader's symbolizer.
 *
 * A `perf archive` tarball given as an input holds the binaries, debug files
 * and kallsyms of a capture under their build ids. The container layer hands
 * such members to a side-file callback instead of to a reader;
 * fk_symbol_files_side_file() is one (it has the FkSideFileFunc signature),
 * collecting them here, and each perf-data reader given this store in
 * FkReadOptions.symbol_files adds them to its symbolizer when it makes it (at
 * its first sample). So a tarball must be read before the captures it serves:
 * name it first. Thread safe: readers run in parallel. */
#pragma once

#include "../symbols/symbolize.h"

typedef struct FkSymbolFiles FkSymbolFiles;

FkSymbolFiles *fk_symbol_files_new(void);
void fk_symbol_files_free(FkSymbolFiles *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(FkSymbolFiles, fk_symbol_files_free)

/* Keeps DATA (referenced) as member PATH (".build-id/ab/cdef...", ...). */
void fk_symbol_files_add(FkSymbolFiles *self, const char *path, GBytes *data);

/* A side-file callback (FkSideFileFunc): USER_DATA is the FkSymbolFiles.
 * Symbolic links are dropped: the symbolizer indexes ELF members by their own
 * build-id notes, so the .build-id/ links of a perf archive are not needed. */
void fk_symbol_files_side_file(const char *archive, const char *member, GBytes *data,
                               const char *link_target, gpointer user_data);

/* Adds every file kept so far to SYM. */
void fk_symbol_files_apply(FkSymbolFiles *self, FkSymbolizer *sym);

/* Number of files kept. */
guint fk_symbol_files_count(FkSymbolFiles *self);
