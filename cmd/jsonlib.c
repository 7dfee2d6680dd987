/* jsonlib.c -- json-glib loaded on first use (see jsonlib.h). */
#include "jsonlib.h"

#ifndef FK_JSONGLIB_SONAME
#define FK_JSONGLIB_SONAME "libjson-glib-1.0.so.0"
#endif

FK_DYNLIB_DEFINE(FkJsonLib, fk_json_lib, FK_JSON_FUNCTIONS, FK_JSONGLIB_SONAME,
                 "reading report.json needs json-glib")
