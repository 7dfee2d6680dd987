/* dynlib.h -- a library loaded with dlopen(3) the first time a run needs
 * it, its functions looked up by name into a table of pointers.
 *
 * For the libraries few runs use (libarchive: archivelib.h; json-glib:
 * cmd/jsonlib.h). Linked, each was mapped and relocated with the libraries
 * it needs by every run before main, whatever the run read. A table lists
 * its functions once (an X macro of their names), declares its struct
 * with FK_DYNLIB_FIELD, and FK_DYNLIB_DEFINE writes its getter. */
#pragma once

#include <glib.h>

/* A library of a table: its soname, what needs it (for the message), and
 * FILL, which looks the table's functions up in the opened library H and
 * gives the table (NULL, with *WHY set, when one is missing). Static, with
 * .once = G_ONCE_INIT. */
typedef struct {
  const char *soname;
  const char *needed_by; /* "archives and compressed inputs need libarchive" */
  gpointer (*fill)(void *h, const char *soname, char **why);
  GOnce once;
  char *failure; /* why it did not load, once tried */
} FkDynlib;

/* LIB's table, loaded on the first call from any thread; NULL, with ERROR
 * set (may be NULL; FK_DYNLIB_ERROR, so that it is told apart from what
 * the library's own calls fail with) saying why, when it cannot be loaded:
 * then every later call says the same. */
gconstpointer fk_dynlib_get(FkDynlib *lib, GError **error);

#define FK_DYNLIB_ERROR (fk_dynlib_error_quark())
GQuark fk_dynlib_error_quark(void);

/* A table's field for the function F, of F's own type. */
#define FK_DYNLIB_FIELD(f) __typeof__(&f) f;

/* Looks NAME up in H (the library SONAME and the ones it needs) into the
 * function pointer at FP (SIZE bytes): FALSE with *WHY set when it is not
 * there. */
gboolean fk_dynlib_sym(void *h, const char *soname, const char *name, void *fp, gsize size,
                       char **why);

/* Fills T's field F in the fill function FK_DYNLIB_DEFINE makes (its
 * H, SO, T and WHY): returns NULL from it, with *WHY set, when the library
 * has no F. */
#define FK_DYNLIB_FILL(f)                                                                          \
  if (!fk_dynlib_sym(h, so, #f, &t->f, sizeof t->f, why))                                          \
    return NULL;

/* Defines `const TYPE *GETTER(GError **error)`: TYPE's table (a struct of
 * FK_DYNLIB_FIELD for each of FUNCTIONS, an X macro of function names)
 * filled from SONAME on the first call, as fk_dynlib_get does; NEEDED_BY
 * begins the message when it cannot be loaded ("archives need
 * libarchive"). */
#define FK_DYNLIB_DEFINE(TYPE, GETTER, FUNCTIONS, SONAME, NEEDED_BY)                               \
  static gpointer GETTER##_fill(void *h, const char *so, char **why)                               \
  {                                                                                                \
    static TYPE table;                                                                             \
    TYPE *t = &table;                                                                              \
    FUNCTIONS(FK_DYNLIB_FILL)                                                                      \
    return t;                                                                                      \
  }                                                                                                \
  const TYPE *GETTER(GError **error)                                                               \
  {                                                                                                \
    static FkDynlib lib = {SONAME, NEEDED_BY, GETTER##_fill, G_ONCE_INIT, NULL};                   \
    return fk_dynlib_get(&lib, error);                                                             \
  }
