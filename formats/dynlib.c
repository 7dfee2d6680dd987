/* dynlib.c -- libraries loaded on first use (see dynlib.h). */
#include "dynlib.h"

#include <dlfcn.h>
#include <string.h>

GQuark
fk_dynlib_error_quark(void)
{
  return g_quark_from_static_string("fk-dynlib-error-quark");
}

static gpointer
load(gpointer data)
{
  FkDynlib *lib = data;
  void *h = dlopen(lib->soname, RTLD_NOW | RTLD_LOCAL);
  if (h == NULL) {
    const char *e = dlerror(); /* names the file */
    lib->failure = e != NULL ? g_strdup(e) : g_strdup_printf("%s: not loaded", lib->soname);
    return NULL;
  }
  return lib->fill(h, lib->soname, &lib->failure);
}

gconstpointer
fk_dynlib_get(FkDynlib *lib, GError **error)
{
  gconstpointer t = g_once(&lib->once, load, lib);
  if (t == NULL)
    g_set_error(error, FK_DYNLIB_ERROR, 0, "%s, which cannot be loaded: %s", lib->needed_by,
                lib->failure);
  return t;
}

gboolean
fk_dynlib_sym(void *h, const char *soname, const char *name, void *fp, gsize size, char **why)
{
  void *p = dlsym(h, name);
  if (p == NULL || size != sizeof p) {
    *why = g_strdup_printf("%s has no %s", soname, name);
    return FALSE;
  }
  /* a function pointer from dlsym's void *, as POSIX has it, without the
   * conversion ISO C leaves undefined */
  memcpy(fp, &p, size);
  return TRUE;
}
