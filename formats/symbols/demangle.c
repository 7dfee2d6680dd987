/* demangle.c -- libiberty's cplus_demangle behind one call. */
#include "demangle.h"

#include <string.h>

/* libiberty-dev's demangle.h drags in ansidecl.h; the two prototypes and flags
 * needed are stable ABI since the 1990s, so they are declared here. */
#define FK_DMGL_PARAMS (1 << 0)
#define FK_DMGL_ANSI (1 << 1)
extern char *cplus_demangle(const char *mangled, int options);

char *
fk_demangle(const char *raw, gboolean demangle, gboolean params)
{
  /* Versioned names from .symtab: "memcpy@@GLIBC_2.14", "stat@GLIBC_2.2.5".
   * A leading '@' is not a version (some Objective-C names). */
  const char *at = strchr(raw, '@');
  gsize len = at != NULL && at != raw ? (gsize)(at - raw) : strlen(raw);
  g_autofree char *base = g_strndup(raw, len);
  /* a PLT stub's synthesized name (plt.h) keeps its suffix, demangled
   * before it as perf does: `operator new(unsigned long)@plt` */
  if (at != NULL && at != raw && strcmp(at, "@plt") == 0) {
    g_autofree char *d = fk_demangle(base, demangle, params);
    return g_strconcat(d, "@plt", NULL);
  }
  if (!demangle)
    return g_steal_pointer(&base);
  /* Only names that look mangled: cplus_demangle also "demangles" some
   * plain C names in GNU v2 style when auto-detecting. */
  if (!(g_str_has_prefix(base, "_Z") || g_str_has_prefix(base, "_R") ||
        g_str_has_prefix(base, "__Z") || g_str_has_prefix(base, "__R")))
    return g_steal_pointer(&base);
  char *d = cplus_demangle(base, params ? (FK_DMGL_PARAMS | FK_DMGL_ANSI) : 0);
  if (d == NULL)
    return g_steal_pointer(&base);
  char *out = g_strdup(d);
  free(d);
  return out;
}
