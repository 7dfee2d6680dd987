/* container.h -- paths, directories, stdin and archives as a sequence of inputs.
 *
 * The container layer turns what the user named into the byte streams readers
 * read: a plain file as itself; a directory walked recursively in sorted order;
 * stdin; an archive (tar in every variant, zip, cpio, 7z, ar, iso9660, ...)
 * compressed or not (gzip, bzip2, xz, zstd, lz4, ...) as one input per regular
 * member; a single compressed file as its decompressed bytes; and archives
 * inside archives, streamed through libarchive without temporary files. What
 * an input is gets decided by its content, never by its name.
 *
 * Every input carries its name for messages ("fleet.tar:web01/perf.txt"), its
 * path and member, and a host label derived from the path (see
 * fk_container_host_from_path). Limits bound what a hostile archive can cost.
 * The container is sequential: an input returned by fk_container_next must be
 * read (or abandoned) and freed before the next call, because it streams from
 * the archive that is still open. */
#pragma once

#include "diag.h"
#include "input.h"

#define FK_CONTAINER_ERROR (fk_container_error_quark())
GQuark fk_container_error_quark(void);
typedef enum {
  FK_CONTAINER_ERROR_IO,      /* a path could not be opened or read */
  FK_CONTAINER_ERROR_CORRUPT, /* an archive is damaged or truncated */
  FK_CONTAINER_ERROR_LIMIT,   /* a configured limit was reached */
} FkContainerError;

/* A member of a `perf archive` tarball (or any .build-id tree) found in an
 * input: ARCHIVE is the name of the archive it is in, MEMBER its path inside
 * (".build-id/ab/cdef...", "[kernel.kallsyms]/<id>/kallsyms",
 * "usr/lib/libc.so.6/<id>/elf"). DATA holds a regular file's bytes, or is
 * NULL for a symbolic link, whose target is LINK_TARGET. Such members are
 * symbol files for the perf-data reader, not dumps: they go here instead of
 * to the readers. Called from the thread that iterates the container. */
typedef void (*FkSideFileFunc)(const char *archive, const char *member, GBytes *data,
                               const char *link_target, gpointer user_data);

typedef struct {
  guint64 max_total;        /* decompressed bytes over the whole run (0: no limit) */
  guint64 max_member;       /* bytes of one member or file (0: no limit); sets FkInput.limit */
  guint max_nesting;        /* archives inside archives (0: none allowed) */
  guint64 max_members;      /* members and files over the whole run (0: no limit) */
  guint64 max_buffer;       /* bytes of a member held in memory because it must be seeked: a nested
                             * 7z (0: no limit) */
  guint64 max_ratio;        /* bytes the members of an archive may expand to, per byte of the
                             * archive, once 64 MiB have come out (0: no limit): a bomb */
  FkDiag *diag;             /* notes: skipped directories, links, special files, side files */
  FkSideFileFunc side_file; /* NULL: side files are counted and noted */
  gpointer side_file_data;
  /* fk_container_next returns FK_CONTAINER_ARCHIVE for an archive file on
   * disk (named or found in a directory) that is not the last file to open,
   * so that fk_container_detach can hand it to another thread. */
  gboolean detach_archives;
  /* A gzip or zstd archive this container reads itself (given, or the last
   * of several; not one detached) is decompressed in blocks that its
   * members lend (lentblocks.h, fk_container_lent_bytes): for a caller
   * that hands the members' bytes to other threads. */
  gboolean lend_members;
} FkContainerOptions;

/* Defaults: 64 GiB in all, 16 GiB per member, nesting 4, a million members,
 * 1 GiB in memory, a ratio of 1000 (real dumps compress 10 to 100 times). */
void fk_container_options_init(FkContainerOptions *opts);

typedef struct FkContainer FkContainer;

/* A container over PATHS (NULL-terminated; "-" is stdin; copied). OPTS is
 * copied; its diag must outlive the container. */
FkContainer *fk_container_new(char *const *paths, const FkContainerOptions *opts);
void fk_container_free(FkContainer *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(FkContainer, fk_container_free)

typedef enum {
  FK_CONTAINER_END = 0,
  FK_CONTAINER_INPUT = 1,   /* *IN is the next input (transfer full) */
  FK_CONTAINER_FAILED = 2,  /* ERROR says what broke; calling again goes on with the rest */
  FK_CONTAINER_ARCHIVE = 3, /* detach_archives: an archive was opened, see fk_container_detach */
} FkContainerStatus;

/* The next input. An error stops only the path or archive it names (a
 * truncated archive ends after the members read before the damage; the
 * member limit ends the run); the next call goes on. The previous input must
 * have been freed. */
FkContainerStatus fk_container_next(FkContainer *self, FkInput **in, GError **error);

/* After FK_CONTAINER_ARCHIVE: the archive just opened, as a container of
 * its own that yields its members as SELF would have (names, hosts, limits)
 * and may be read on another thread. Counts and limits stay shared with
 * SELF; its side files go to the same callback, from that thread. */
FkContainer *fk_container_detach(FkContainer *self);

/* Where SELF reports from now on (a detached container's own). */
void fk_container_set_diag(FkContainer *self, FkDiag *diag);

/* LEN bytes at DATA, just lent by fk_input_borrow from IN (an input this
 * container returned), as a reference to the decoded block they lie in
 * (transfer full), to hand on to another thread without a copy; NULL when
 * they do not lie in one (copy them). */
GBytes *fk_container_lent_bytes(const FkInput *in, const guint8 *data, gsize len);

/* Decompressed bytes handed out so far, and the members and files seen. */
guint64 fk_container_bytes(const FkContainer *self);
guint64 fk_container_members(const FkContainer *self);

/* For progress: bytes of the files on disk (or stdin) consumed so far, and
 * the size of all the files named or found so far (0 when unknown: stdin). */
void fk_container_progress(const FkContainer *self, guint64 *done, guint64 *total);

/* The host label the path rules give NAME's levels, or NULL (transfer full).
 * LEVELS is the chain from what the user named to the member: LEVELS[0] the
 * path given, then for each archive level the member path inside it
 * ("fleet.tar", "web01/perf.txt"); for a directory given, LEVELS[0] is the
 * directory and LEVELS[1] the file's path below it. ROOT_IS_CONTAINER: the
 * path given is a directory or an archive (not a plain or single compressed
 * file). The rules, first match wins:
 *   1. a component named `sosreport-HOST-...` or `perf.all-HOST-...`
 *      (innermost first);
 *   2. the first directory or nested archive below the path given;
 *   3. the name of the directory or archive given, archive extensions removed.
 * Nested archive names count as directories (extensions removed). */
char *fk_container_host_from_path(const char *const *levels, gsize n_levels,
                                  gboolean root_is_container);

/* TRUE when MEMBER (a path inside an archive) is a symbol file of a `perf
 * archive` tarball rather than a dump: under ".build-id/", "[kernel.kallsyms]/",
 * "[vdso]/", or "<path>/<build id>/{elf,debug,kallsyms,vdso,probes}". */
gboolean fk_container_is_side_file(const char *member);

/* MEMBER made safe to use as a relative output path: no absolute prefix, no
 * "..", "." or empty components, no control characters (transfer full; never
 * empty). */
char *fk_container_sanitize_path(const char *member);
