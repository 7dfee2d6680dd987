/* symbolize.h -- addresses to frame names, offline.
 *
 * The perf-data reader resolves every address of a callchain through the
 * process's maps to an FkMapping and asks the symbolizer for the frames at
 * that address: ELF symbols (.symtab/.dynsym), DWARF inline frames and source
 * lines, kallsyms for the kernel, perf-PID.map for JITs. ELF files are found
 * by build id first (debug dirs, ~/.debug, /usr/lib/debug/.build-id,
 * .gnu_debuglink), then by path (under --symfs). Each ELF is opened once per
 * run and indexed once; lookups are cached per address. */
#pragma once

#include "../../analyze/intern.h"
#include "../diag.h"

typedef struct {
  FkInterner *strings;        /* frame names are interned here */
  FkDiag *diag;               /* notes: missing files, build-id mismatches */
  const char *symfs;          /* --symfs DIR: prefix for every dso path, or NULL */
  char **debug_dirs;          /* --debug-dir DIR (NULL-terminated, may be NULL): .build-id trees */
  const char *kallsyms;       /* --kallsyms FILE, or NULL */
  gboolean use_proc_kallsyms; /* the capture is from this host and kernel */
  gboolean inline_frames;     /* --inline (default) / --no-inline */
  gboolean srcline;           /* --srcline: append " file:line" */
  /* Another symbolizer of this run reads the DWARF of the files this one
   * finds (the perf reader's symbolizing side, for its decoder's): their
   * compressed sections start inflating as they are found (inflatejob.h). */
  gboolean dwarf_for_others;
  gboolean srcline_for_others; /* and it reads their line tables (--srcline) */
  gboolean demangle;           /* default TRUE; --no-demangle */
  gboolean demangle_params;    /* --demangle-params */
  gboolean addrs;              /* --addrs: unresolved frames as addresses */
  gint64 max_jit_map;          /* --max-jit-map-bytes: larger perf-PID.map files are ignored */
  const char *unwind;          /* perf-data --unwind: NULL (auto), "dwarf", "fp", "none" */
} FkSymbolizeOptions;

/* The default of max_jit_map: a large JVM's perf-map-agent map is tens of MB. */
#define FK_MAX_JIT_MAP_DEFAULT (G_GINT64_CONSTANT(256) << 20)

void fk_symbolize_options_init(FkSymbolizeOptions *opts);

/* A mapping of a process as MMAP/MMAP2 records give it. */
typedef struct {
  const char *path;       /* "/usr/bin/x", "[kernel.kallsyms]", "[vdso]", "//anon", ... */
  const guint8 *build_id; /* may be NULL */
  gsize build_id_len;
  guint64 start, len, pgoff;
  gint64 pid;  /* for /tmp/perf-PID.map */
  guint8 kind; /* FK_MAPPING_* of path when the caller knows them, else 0 */
} FkMapping;

/* A caller that classified the path once (per mapping) saves the symbolizer
 * the string tests per address: KNOWN says the other bits are set. */
enum {
  FK_MAPPING_KNOWN = 1 << 0,
  FK_MAPPING_KALLSYMS = 1 << 1, /* "[kernel.kallsyms]..." */
  FK_MAPPING_PERF_MAP = 1 << 2, /* anonymous memory or /tmp/perf-PID.map: JIT symbols */
};

typedef struct FkSymbolizer FkSymbolizer;

FkSymbolizer *fk_symbolizer_new(const FkSymbolizeOptions *opts);
void fk_symbolizer_free(FkSymbolizer *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(FkSymbolizer, fk_symbolizer_free)

/* Files of a `perf archive` tarball (or any .build-id tree) read from an input:
 * PATH is the member path inside it (".build-id/ab/cdef...", "[kernel.kallsyms]/
 * <id>/kallsyms", ...); DATA its bytes. Lets a tarball given as an input serve
 * build ids without unpacking it. */
void fk_symbolizer_add_file(FkSymbolizer *self, const char *path, GBytes *data);

/* A kernel address will be looked up soon: kallsyms starts loading on
 * another thread (MAP is the kernel's mapping, for its build id; may be
 * NULL). Optional; the first kernel lookup waits for it, and its notes are
 * made then, as without it. */
void fk_symbolizer_kernel_soon(FkSymbolizer *self, const FkMapping *map);

/* Appends to OUT (interned const char*) the frames at address IP within MAP
 * (NULL: unmapped), outermost first: the function, then the frames inlined
 * into it down to the innermost. IP is the address to look up (callers pass
 * return addresses minus one). KERNEL: IP is a kernel address. Always appends
 * at least one frame ("[unknown]" or, with addrs, the address). */
void fk_symbolizer_lookup(FkSymbolizer *self, const FkMapping *map, guint64 ip, gboolean kernel,
                          GPtrArray *out);
/* The frames fk_symbolizer_lookup appends, without appending them: *N (at
 * least one) at the pointer returned, valid until the next lookup (for a
 * caller that appends them itself, cheaper than g_ptr_array_add). */
const char *const *fk_symbolizer_frames(FkSymbolizer *self, const FkMapping *map, guint64 ip,
                                        gboolean kernel, guint *n);

typedef struct FkSymDso FkSymDso;

/* The dso whose file MAP maps, for many lookups (fk_symbolizer_dso_frames):
 * found, its files searched and its notes made as fk_symbolizer_lookup does
 * at its first address. NULL when MAP is not a file's to look addresses up
 * in (NULL, kallsyms, anonymous or perf-PID.map memory): fk_symbolizer_lookup
 * is for those, and for kernel addresses. Two mappings of one path and build
 * id give the same dso, so that a caller who knows them alike (an interned
 * path) asks once; valid for SELF's life. */
FkSymDso *fk_symbolizer_dso(FkSymbolizer *self, const FkMapping *map);

/* The frames fk_symbolizer_lookup appends for a user address at file
 * offset OFF (ip - start + pgoff of its mapping) in DSO, without finding the
 * dso again: *N of them (at least one), outermost first, at the pointer
 * returned, valid until the next lookup. */
const char *const *fk_symbolizer_dso_frames(FkSymbolizer *self, FkSymDso *dso, guint64 off,
                                            guint *n);

/* Where the symbols for PATH (a dso as MMAP records name it) with build id
 * BUILD_ID (BUILD_ID_LEN bytes, may be NULL) come from: the file used, "kallsyms
 * from WHERE" for the kernel, or NULL when nothing was found. For `flamekit
 * info`. The string is owned by SELF. */
const char *fk_symbolizer_locate(FkSymbolizer *self, const char *path, const guint8 *build_id,
                                 gsize build_id_len);

struct Elf;

/* For the unwinder: the ELF files holding the CFI of the code at IP within
 * MAP, found as for symbols (build id, path, debug link): *EH the binary
 * (.eh_frame) or NULL for a debug-only file, *DEBUG the DWARF file
 * (.debug_frame, maybe the binary itself) or NULL; *BIAS is IP minus its ELF
 * virtual address, *KEY the same for the same files. FALSE when no ELF file
 * holds IP (unmapped, kernel, anonymous memory, not found). */
gboolean fk_symbolizer_unwind_files(FkSymbolizer *self, const FkMapping *map, guint64 ip,
                                    struct Elf **eh, struct Elf **debug, guint64 *bias,
                                    gconstpointer *key);
