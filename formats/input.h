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

typedef struct FkInput FkInput;
struct FkInput {
  char *name;   /* for messages: "path", "-" or "archive.tar.gz:member/path" */
  char *path;   /* the file on disk it comes from, or "-" */
  char *member; /* the member path inside an archive, or NULL */
  char *host;   /* a host label known from the path, or NULL */
  gint64 size;  /* -1 when unknown */
  int fd;       /* an open regular file (readers may mmap it), or -1 */
  guint64 limit; /* bytes this input may yield (0: no limit) */
  const char *limit_option; /* the option that set LIMIT, for its message (static), or NULL */
  /* private */
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

/* Bytes of SELF read when a reader is done with it: the offset, or the
 * whole size of a file on disk, since a reader that maps the file
 * (perf.data) consumes nothing through SELF and has read all of it. */
guint64 fk_input_consumed(const FkInput *self);
