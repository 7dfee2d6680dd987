/* kallsyms.h -- address-sorted text symbol maps: kallsyms and
 * JIT maps (/tmp/perf-PID.map). */
#pragma once

#include <glib.h>

typedef struct FkSymMap FkSymMap;

/* Parses kallsyms text ("ADDR TYPE NAME[\t[MODULE]]" lines, as
 * /proc/kallsyms), keeping text symbols (t, T, w, W). Addresses are absolute;
 * each symbol runs to the next. Lines that do not parse are counted in *BAD.
 * Never NULL. The names stay in TEXT, which the map keeps referenced. */
FkSymMap *fk_symmap_new_kallsyms(GBytes *text, guint *bad);
/* The same from the file at PATH: mapped when it is a regular file, else
 * (/proc/kallsyms, a pipe) read in pieces, keeping only the text symbols.
 * NULL with ERROR when it cannot be opened or read. */
FkSymMap *fk_symmap_new_kallsyms_file(const char *path, guint *bad, GError **error);

/* Parses a perf JIT map ("START SIZE NAME", hex, NAME may have spaces). */
FkSymMap *fk_symmap_new_perf_map(const char *text, gsize len, guint *bad);

void fk_symmap_free(FkSymMap *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(FkSymMap, fk_symmap_free)

/* The name covering ADDR (*LEN bytes, not NUL-terminated), or NULL. */
const char *fk_symmap_lookup(const FkSymMap *self, guint64 addr, gsize *len);
gsize fk_symmap_count(const FkSymMap *self);
/* TRUE when every address is 0 (kptr_restrict hid them). */
gboolean fk_symmap_all_zero(const FkSymMap *self);
