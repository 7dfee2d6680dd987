/* kallsyms.h -- address-sorted text symbol maps: kallsyms and
 * JIT maps (/tmp/perf-PID.map). */
#pragma once

#include <glib.h>

typedef struct FkSymMap FkSymMap;

/* Parses /proc/kallsyms text ("ADDR TYPE NAME [MODULE]"), keeping text
 * symbols (t, T, w, W). Addresses are absolute; each symbol runs to the
 * next. Lines that do not parse are counted in *BAD. Never NULL. */
/* Takes TEXT (g_malloc'd, LEN bytes plus a NUL) and parses it in place. */
FkSymMap *fk_symmap_new_kallsyms(char *text, gsize len, guint *bad);

/* Parses a perf JIT map ("START SIZE NAME", hex, NAME may have spaces). */
FkSymMap *fk_symmap_new_perf_map(const char *text, gsize len, guint *bad);

void fk_symmap_free(FkSymMap *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(FkSymMap, fk_symmap_free)

/* The name covering ADDR, or NULL. */
const char *fk_symmap_lookup(const FkSymMap *self, guint64 addr);
gsize fk_symmap_count(const FkSymMap *self);
/* TRUE when every address is 0 (kptr_restrict hid them). */
gboolean fk_symmap_all_zero(const FkSymMap *self);
