/* input.h -- one stream of bytes to read, with where it came from.
 *
 * The container layer turns paths, directories, stdin and archive members
 * into FkInputs; a reader reads one. The first bytes can be peeked (readers
 * bid on them) and are then served again by fk_input_read. */
#pragma once

#include <glib.h>

#define FK_INPUT_ERROR (fk_input_error_quark())
GQuark fk_input_error_quark(void);
typedef enum {
  FK_INPUT_ERROR_IO,
  FK_INPUT_ERROR_LIMIT, /* a configured size limit was reached */
} FkInputError;

/* Reads up to LEN bytes into BUF: the count, 0 at the end, -1 with ERROR. */
typedef gssize (*FkInputReadFunc)(gpointer user_data, void *buf, gsize len, GError **error);

/* Lends the next bytes the source holds, without copying them: *DATA stays
 * valid, and may be written to, until the next read, lend or free of the
 * input. The count, 0 at the end, -1 with ERROR. */
typedef gssize (*FkInputLendFunc)(gpointer user_data, guint8 **data, GError **error);

/* Opaque: what an input says of itself is read through the accessors
 * below; the container sets it (fk_input_set_*) when it makes one. */
typedef struct FkInput FkInput;

/* PATH, or stdin for "-". */
FkInput *fk_input_new_file(const char *path, GError **error);
/* A stream; DESTROY (may be NULL) is called on USER_DATA at free. */
FkInput *fk_input_new_stream(const char *name, FkInputReadFunc read, gpointer user_data,
                             GDestroyNotify destroy);
/* A stream from READ (and LEND, may be NULL) that LIKE's description goes
 * with: its name, path, member, host and size, copied; not its file
 * descriptor, limit or bytes. For a relay of LIKE's bytes through another
 * thread. */
FkInput *fk_input_new_like(const FkInput *like, FkInputReadFunc read, FkInputLendFunc lend,
                           gpointer user_data, GDestroyNotify destroy);
/* Bytes already in memory (referenced). */
FkInput *fk_input_new_bytes(const char *name, GBytes *bytes);
void fk_input_free(FkInput *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(FkInput, fk_input_free)

/* Makes at least N bytes (fewer at the end) available in *DATA without
 * consuming them. Returns the count available, -1 with ERROR. When the
 * source fails after some bytes, those are returned (and later read) first:
 * the error comes with the read that would go past them, so that a member
 * cut short still yields what it holds. */
gssize fk_input_peek(FkInput *self, gsize n, const guint8 **data, GError **error);

/* Reads up to LEN bytes: the count, 0 at the end, -1 with ERROR. Short reads
 * happen; only 0 means the end. With a limit, exactly LIMIT bytes are
 * handed out; the read after them fails with FK_INPUT_ERROR_LIMIT when the
 * source holds more. */
gssize fk_input_read(FkInput *self, void *buf, gsize len, GError **error);

/* Like fk_input_read, but the bytes stay where the source holds them (see
 * FkInputLendFunc): *DATA is valid, and writable, until the next read,
 * borrow, peek or free. -2 (nothing consumed) when the source cannot lend:
 * read it instead. */
gssize fk_input_borrow(FkInput *self, guint8 **data, GError **error);

/* Reads everything that is left, failing with FK_INPUT_ERROR_LIMIT past MAX
 * bytes (0: no limit); the message names OPTION (may be NULL), the option
 * that set MAX. */
GBytes *fk_input_read_all(FkInput *self, gsize max, const char *option, GError **error);

/* Bytes consumed so far (the offset of the next byte). */
guint64 fk_input_offset(const FkInput *self);

/* ---- what the input is ---- */

/* For messages: "path", "-" or "archive.tar.gz:member/path". */
const char *fk_input_name(const FkInput *self);
/* The file on disk it comes from (the archive, for a member), or "-". */
const char *fk_input_path(const FkInput *self);
/* The member path inside an archive, or NULL. */
const char *fk_input_member(const FkInput *self);
/* A host label known from the path, or NULL. */
const char *fk_input_host(const FkInput *self);
/* Its size in bytes, -1 when unknown. */
gint64 fk_input_size(const FkInput *self);
/* An open regular file that readers may mmap (owned by SELF), or -1. */
int fk_input_fd(const FkInput *self);
/* TRUE once the source has said it has no more bytes (what is peeked may
 * still be unread). */
gboolean fk_input_at_end(const FkInput *self);

/* ---- for the code that makes inputs (the container layer) ---- */

/* Where SELF comes from: PATH (NULL keeps it) and MEMBER (may be NULL). */
void fk_input_set_origin(FkInput *self, const char *path, const char *member);
/* The host label (taken; may be NULL). */
void fk_input_set_host(FkInput *self, char *host);
void fk_input_set_size(FkInput *self, gint64 size);
/* At most LIMIT bytes (0: no limit); the message of the read past it names
 * OPTION (static, may be NULL). */
void fk_input_set_limit(FkInput *self, guint64 limit, const char *option);
/* The source can also lend its bytes (see FkInputLendFunc). */
void fk_input_set_lend(FkInput *self, FkInputLendFunc lend);
/* The user data of SELF's source when it was made with READ, else NULL:
 * the module that made a stream finds its state again by it. */
gpointer fk_input_source(const FkInput *self, FkInputReadFunc read);

/* Bytes of SELF read when a reader is done with it: the offset, or the
 * whole size of a file on disk, since a reader that maps the file
 * (perf.data) consumes nothing through SELF and has read all of it. */
guint64 fk_input_consumed(const FkInput *self);
