/* jsonlib.c -- json-glib loaded on first use (see jsonlib.h). */
#include "jsonlib.h"

#ifndef FK_JSONGLIB_SONAME
#define FK_JSONGLIB_SONAME "libjson-glib-1.0.so.0"
#endif

static FkJsonLib table;

static gpointer
fill(void *h, const char *soname, char **why)
{
#define FK_JSON_LOAD(f) FK_DYNLIB_SYM(h, soname, table, f, why)
  FK_JSON_FUNCTIONS(FK_JSON_LOAD)
#undef FK_JSON_LOAD
  return &table;
}

const FkJsonLib *
fk_json_lib(GError **error)
{
  static FkDynlib lib = {FK_JSONGLIB_SONAME, "reading report.json needs json-glib", fill,
                         G_ONCE_INIT, NULL};
  return fk_dynlib_get(&lib, error);
}
