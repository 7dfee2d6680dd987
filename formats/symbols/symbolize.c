/* symbolize.c -- the symbolizer: finds each mapping's ELF (build id first,
 * then path), keeps one index per ELF, and turns addresses into frames.
 *
 * Frame names (documented in docs/symbolize.md):
 * - the function: the ELF symbol (.symtab, else .dynsym) covering the
 *   address, version suffix cut, demangled without parameter lists, as
 *   `perf script` prints it; the DWARF subprogram name when no symbol covers it;
 * - with inline_frames, then the functions inlined there from DWARF, outermost
 *   first, named the same way;
 * - with srcline, each frame gets " FILE:LINE" (FILE's basename, as perf's
 *   srcline prints it): the innermost the line-table row of the address,
 *   the others the call site of the frame inlined into them; nothing is
 *   appended when DWARF does not say;
 * - unresolved: as stackcollapse-perf names `perf script`'s `[unknown]`
 *   frames: "[DSO]" (the mapping's basename: "[libc.so.6]", "[[vdso]]"),
 *   "[[kernel.kallsyms]]", "[perf-PID.map]" for anonymous memory, or
 *   "[unknown]" without a mapping; with addrs "[DSO <hex>]" (the address
 *   within the dso, as perf prints it) or "[unknown <hex>]". */
#include "symbolize.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../framename.h"
#include "demangle.h"
#include "dwarf.h"
#include "elf.h"
#include "kallsyms.h"

typedef struct {
  guint n;
  const char *f[];
} SyFrames;

/* Address -> value (never NULL): open addressing, linear probing, at most
 * half full, the key in the slot, so that a probe reads one cache line;
 * a single frame (every frame without inline ones) sits in the slot too,
 * not behind a pointer that is a second cache miss.
 * GHashTable with g_int64 keys (each key its own allocation) cost three
 * cache misses per lookup, a fifth of reading a 200k-sample capture, and a
 * free per entry at the end. */
typedef struct {
  guint64 addr;
  gconstpointer val; /* one frame itself (n 1), else an SyFrames of n */
  guint n;
} SySlot;

typedef struct {
  SySlot *slots; /* NULL until the first put */
  guint32 mask, n;
} SyAddrMap;

static inline guint32
addr_hash(guint64 a)
{
  return (guint32)((a * 0x9e3779b97f4a7c15ull) >> 32);
}

/* The slot of ADDR, valid until the next put, or NULL. */
static const SySlot *
addrmap_get(const SyAddrMap *m, guint64 addr)
{
  if (m->slots == NULL)
    return NULL;
  for (guint32 i = addr_hash(addr) & m->mask;; i = (i + 1) & m->mask) {
    const SySlot *sl = &m->slots[i];
    if (sl->val == NULL)
      return NULL;
    if (sl->addr == addr)
      return sl;
  }
}

static const char *const *
slot_frames(const SySlot *sl)
{
  return sl->n == 1 ? (const char *const *)&sl->val : ((const SyFrames *)sl->val)->f;
}

static void
addrmap_insert(SySlot *slots, guint32 mask, const SySlot *from)
{
  guint32 i = addr_hash(from->addr) & mask;
  while (slots[i].val != NULL)
    i = (i + 1) & mask;
  slots[i] = *from;
}

/* ADDR must not be in M yet; VAL is N's frame or SyFrames. */
static void
addrmap_put(SyAddrMap *m, guint64 addr, gconstpointer val, guint n)
{
  if (m->slots == NULL || ((guint64)m->n + 1) * 2 > (guint64)m->mask + 1) {
    guint32 mask = m->slots == NULL ? 255 : m->mask * 2 + 1;
    SySlot *slots = g_new0(SySlot, (gsize)mask + 1);
    for (guint32 i = 0; m->slots != NULL && i <= m->mask; i++)
      if (m->slots[i].val != NULL)
        addrmap_insert(slots, mask, &m->slots[i]);
    g_free(m->slots);
    m->slots = slots;
    m->mask = mask;
  }
  SySlot sl = {addr, val, n};
  addrmap_insert(m->slots, m->mask, &sl);
  m->n++;
}

/* The frame lists of every dso, freed together: 64 KiB blocks, not an
 * allocation per address. */
typedef struct {
  GPtrArray *blocks;
  gsize used, size; /* of the last block */
} SyArena;

static gpointer
arena_alloc(SyArena *a, gsize n)
{
  n = (n + 7) & ~(gsize)7;
  if (a->blocks->len == 0 || a->size - a->used < n) {
    a->size = MAX(n, (gsize)64 << 10);
    g_ptr_array_add(a->blocks, g_malloc(a->size));
    a->used = 0;
  }
  gpointer p = (char *)g_ptr_array_index(a->blocks, a->blocks->len - 1) + a->used;
  a->used += n;
  return p;
}

typedef struct FkSymDso {
  char *path;
  char *want_id;    /* hex, or NULL when the mapping had none */
  guint8 *want_raw; /* the same id's bytes (get_dso compares these: formatting per lookup cost) */
  gsize want_len;
  const char *label; /* "[basename]" interned */
  FkElf *load;       /* PT_LOAD segments (any accepted file) */
  FkElf *syms;       /* the symbol table source */
  FkElf *dwelf;      /* the DWARF source */
  FkDwarf *dwarf;    /* lazily built */
  gboolean dwarf_tried;
  SyAddrMap cache; /* vaddr -> SyFrames* (in the symbolizer's arena) */
} SyDso;

struct FkSymbolizer {
  FkSymbolizeOptions opts;
  char *symfs, *kallsyms_path;
  char **debug_dirs;
  GHashTable *elfs;          /* path or "added:" member -> FkElf* (NULL: failed) */
  GHashTable *dsos;          /* "path\nid" -> SyDso* */
  GHashTable *added;         /* member path -> GBytes */
  GHashTable *added_id;      /* build id hex -> GPtrArray of member paths, in add order */
  GPtrArray *added_kallsyms; /* member paths */
  FkSymMap *kernel;
  gboolean kernel_tried;
  struct FkKernelLoad_ *kload; /* kallsyms being loaded (kernel_start), else NULL */
  GThread *kthread;
  SyAddrMap kernel_cache; /* ip -> interned frame */
  SyArena arena;          /* the SyFrames of every dso */
  GHashTable *jit;        /* pid -> FkSymMap* (NULL: none) */
  GHashTable *jit_labels; /* pid -> interned "[perf-PID.map]" */
  const char *unknown;    /* interned "[unknown]", once used */
  const char *one;        /* the frame the last *_frames call returned alone */
  GArray *dwframes;
  /* The dsos of the last lookups, newest first: a call chain goes back and
   * forth between a few (the binary, libc, the interpreter), and finding a
   * dso by its key formats the build id, which per frame was most of the
   * cost of reading a big capture. */
  SyDso *recent[8];
};

void
fk_symbolize_options_init(FkSymbolizeOptions *opts)
{
  memset(opts, 0, sizeof *opts);
  opts->inline_frames = TRUE;
  opts->demangle = TRUE;
  opts->max_jit_map = FK_MAX_JIT_MAP_DEFAULT;
}

static void
dso_free(gpointer p)
{
  SyDso *d = p;
  fk_dwarf_free(d->dwarf);
  g_free(d->cache.slots);
  g_free(d->path);
  g_free(d->want_id);
  g_free(d->want_raw);
  g_free(d);
}

static void
elf_free0(gpointer p)
{
  fk_elf_free(p);
}

static void
symmap_free0(gpointer p)
{
  fk_symmap_free(p);
}

FkSymbolizer *
fk_symbolizer_new(const FkSymbolizeOptions *opts)
{
  FkSymbolizer *self = g_new0(FkSymbolizer, 1);
  self->opts = *opts;
  self->symfs = g_strdup(opts->symfs);
  self->kallsyms_path = g_strdup(opts->kallsyms);
  self->debug_dirs = g_strdupv(opts->debug_dirs);
  self->opts.symfs = self->symfs;
  self->opts.kallsyms = self->kallsyms_path;
  self->opts.debug_dirs = self->debug_dirs;
  self->elfs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, elf_free0);
  self->dsos = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, dso_free);
  self->added =
      g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)g_bytes_unref);
  self->added_id =
      g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)g_ptr_array_unref);
  self->added_kallsyms = g_ptr_array_new_with_free_func(g_free);
  self->jit = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, symmap_free0);
  self->jit_labels = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
  self->dwframes = g_array_new(FALSE, FALSE, sizeof(FkDwFrame));
  self->arena.blocks = g_ptr_array_new_with_free_func(g_free);
  return self;
}

static void kernel_load_free(struct FkKernelLoad_ *k);

void
fk_symbolizer_free(FkSymbolizer *self)
{
  if (self == NULL)
    return;
  if (self->kthread != NULL)
    g_thread_join(self->kthread);
  kernel_load_free(self->kload);
  g_hash_table_unref(self->dsos); /* before the ELFs they point to */
  g_hash_table_unref(self->elfs);
  g_hash_table_unref(self->added);
  g_hash_table_unref(self->added_id);
  g_ptr_array_unref(self->added_kallsyms);
  g_hash_table_unref(self->jit);
  g_hash_table_unref(self->jit_labels);
  fk_symmap_free(self->kernel);
  g_free(self->kernel_cache.slots);
  g_ptr_array_unref(self->arena.blocks);
  g_array_unref(self->dwframes);
  g_strfreev(self->debug_dirs);
  g_free(self->symfs);
  g_free(self->kallsyms_path);
  g_free(self);
}

static gboolean
is_hex(const char *s, gsize min)
{
  gsize n = 0;
  for (; s[n] != '\0'; n++)
    if (!g_ascii_isxdigit(s[n]))
      return FALSE;
  return n >= min;
}

/* The build id a member path names: ".build-id/xx/rest[.debug]" or
 * ".../<id>/elf|debug|vdso". NULL when it names none. */
static char *
member_build_id(const char *path)
{
  g_auto(GStrv) parts = g_strsplit(path, "/", -1);
  guint n = g_strv_length(parts);
  for (guint i = 0; i + 2 < n; i++) {
    if (strcmp(parts[i], ".build-id") == 0 && strlen(parts[i + 1]) == 2 &&
        is_hex(parts[i + 1], 2)) {
      g_autofree char *rest = g_strdup(parts[i + 2]);
      if (g_str_has_suffix(rest, ".debug"))
        rest[strlen(rest) - 6] = '\0';
      if (is_hex(rest, 8) && i + 3 == n) {
        g_autofree char *id = g_strconcat(parts[i + 1], rest, NULL);
        return g_ascii_strdown(id, -1);
      }
    }
  }
  if (n >= 2 && is_hex(parts[n - 2], 16) &&
      (strcmp(parts[n - 1], "elf") == 0 || strcmp(parts[n - 1], "debug") == 0 ||
       strcmp(parts[n - 1], "vdso") == 0))
    return g_ascii_strdown(parts[n - 2], -1);
  return NULL;
}

void
fk_symbolizer_add_file(FkSymbolizer *self, const char *path, GBytes *data)
{
  g_return_if_fail(path != NULL && data != NULL);
  g_autofree char *norm = g_strdup(path);
  while (g_str_has_prefix(norm, "./"))
    memmove(norm, norm + 2, strlen(norm + 2) + 1);
  const char *base = strrchr(norm, '/') != NULL ? strrchr(norm, '/') + 1 : norm;
  g_hash_table_replace(self->added, g_strdup(norm), g_bytes_ref(data));
  if (strcmp(base, "kallsyms") == 0) {
    g_ptr_array_add(self->added_kallsyms, g_strdup(norm));
    return;
  }
  char *id = member_build_id(norm);
  if (id == NULL && g_bytes_get_size(data) >= 4 &&
      memcmp(g_bytes_get_data(data, NULL), ELFMAG, 4) == 0) {
    /* any other ELF member: index it by its own note */
    g_autoptr(FkElf) elf = fk_elf_open_bytes(norm, data, NULL);
    gsize len;
    const guint8 *bid = elf != NULL ? fk_elf_build_id(elf, &len) : NULL;
    id = fk_build_id_hex(bid, bid != NULL ? len : 0);
  }
  if (id != NULL) {
    /* perf archive has both PATH/<id>/debug and PATH/<id>/elf: keep all */
    GPtrArray *members = g_hash_table_lookup(self->added_id, id);
    if (members == NULL) {
      members = g_ptr_array_new_with_free_func(g_free);
      g_hash_table_insert(self->added_id, id, members);
    } else
      g_free(id);
    g_ptr_array_add(members, g_strdup(norm));
  }
}

/* The FkElf for a file (opened once) or NULL. KEY "added:MEMBER" reads an
 * added file. */
static FkElf *
get_elf(FkSymbolizer *self, const char *key)
{
  gpointer v;
  if (g_hash_table_lookup_extended(self->elfs, key, NULL, &v))
    return v;
  FkElf *elf = NULL;
  if (g_str_has_prefix(key, "added:")) {
    GBytes *b = g_hash_table_lookup(self->added, key + 6);
    if (b != NULL)
      elf = fk_elf_open_bytes(key + 6, b, NULL);
  } else {
    struct stat st;
    if (stat(key, &st) == 0 && S_ISREG(st.st_mode))
      elf = fk_elf_open_file(key, NULL);
  }
  g_hash_table_insert(self->elfs, g_strdup(key), elf);
  return elf;
}

static char *
with_symfs(FkSymbolizer *self, const char *path)
{
  return self->symfs != NULL ? g_build_filename(self->symfs, path, NULL) : g_strdup(path);
}

/* Offers the file KEY for DSO; takes the roles it can fill. A build-id
 * mismatch rejects it and says so once. */
static void
offer(FkSymbolizer *self, SyDso *dso, const char *key, gboolean *mismatch)
{
  FkElf *elf = get_elf(self, key);
  if (elf == NULL)
    return;
  gsize len;
  const guint8 *bid = fk_elf_build_id(elf, &len);
  g_autofree char *hex = fk_build_id_hex(bid, len);
  if (dso->want_id != NULL && (hex == NULL || strcmp(hex, dso->want_id) != 0)) {
    if (!*mismatch && self->opts.diag != NULL)
      fk_diag_note(self->opts.diag, dso->path,
                   "build id mismatch: the capture has %s, %s has %s; not used", dso->want_id,
                   fk_elf_name(elf), hex != NULL ? hex : "none");
    *mismatch = TRUE;
    return;
  }
  if (dso->want_id == NULL && dso->load != NULL) {
    /* no id to check by: a debug file must at least match the binary */
    gsize l0;
    const guint8 *b0 = fk_elf_build_id(dso->load, &l0);
    if (b0 != NULL && (bid == NULL || l0 != len || memcmp(b0, bid, len) != 0))
      return;
  }
  /* segments from the binary itself: a debug-only file's are guessed */
  if (dso->load == NULL || (!fk_elf_has_code(dso->load) && fk_elf_has_code(elf)))
    dso->load = elf;
  if (fk_elf_has_symtab(elf) && (dso->syms == NULL || !fk_elf_has_symtab(dso->syms)))
    dso->syms = elf;
  else if (dso->syms == NULL && fk_elf_symbol_count(elf) > 0)
    dso->syms = elf;
  if (dso->dwelf == NULL && fk_elf_has_dwarf(elf))
    dso->dwelf = elf;
}

static gboolean
dso_complete(const SyDso *dso)
{
  return dso->syms != NULL && fk_elf_has_symtab(dso->syms) && dso->dwelf != NULL &&
         dso->load != NULL && fk_elf_has_code(dso->load);
}

/* A .build-id entry may be the ELF itself or (perf's cache) a directory
 * holding it. */
static void
offer_cache_entry(FkSymbolizer *self, SyDso *dso, const char *path, gboolean *mismatch)
{
  if (g_file_test(path, G_FILE_TEST_IS_DIR)) {
    static const char *const names[] = {"elf", "debug", "vdso"};
    for (guint i = 0; i < G_N_ELEMENTS(names); i++) {
      g_autofree char *p = g_build_filename(path, names[i], NULL);
      offer(self, dso, p, mismatch);
    }
  } else
    offer(self, dso, path, mismatch);
}

static void
find_files(FkSymbolizer *self, SyDso *dso)
{
  gboolean mismatch = FALSE;
  gboolean special = dso->path[0] == '[';
  const char *id = dso->want_id;
  if (id != NULL && strlen(id) > 2) {
    g_autofree char *xx = g_strndup(id, 2);
    const char *rest = id + 2;
    for (char **d = self->debug_dirs; d != NULL && *d != NULL && !dso_complete(dso); d++) {
      g_autofree char *p = g_build_filename(*d, ".build-id", xx, rest, NULL);
      g_autofree char *pd = g_strconcat(p, ".debug", NULL);
      offer_cache_entry(self, dso, p, &mismatch);
      offer(self, dso, pd, &mismatch);
    }
    GPtrArray *members = g_hash_table_lookup(self->added_id, id);
    for (guint i = 0; members != NULL && i < members->len && !dso_complete(dso); i++) {
      g_autofree char *k = g_strconcat("added:", (char *)g_ptr_array_index(members, i), NULL);
      offer(self, dso, k, &mismatch);
    }
    const char *home = g_get_home_dir();
    if (home != NULL && !dso_complete(dso)) {
      g_autofree char *p = g_build_filename(home, ".debug", ".build-id", xx, rest, NULL);
      offer_cache_entry(self, dso, p, &mismatch);
      g_autofree char *q = g_build_filename(home, ".debug", dso->path, id, NULL);
      offer_cache_entry(self, dso, q, &mismatch);
    }
    if (!dso_complete(dso)) {
      g_autofree char *rd = g_strconcat(rest, ".debug", NULL);
      g_autofree char *p = g_build_filename("/usr/lib/debug/.build-id", xx, rd, NULL);
      g_autofree char *sp = with_symfs(self, p);
      offer(self, dso, sp, &mismatch);
    }
  }
  if (!special && !dso_complete(dso)) {
    g_autofree char *p = with_symfs(self, dso->path);
    offer(self, dso, p, &mismatch);
  }
  /* The binary's own build-id note, when the capture recorded none (perf 6.1
   * records none for libc here): Debian's -dbg packages install their debug
   * files only under /usr/lib/debug/.build-id. */
  if (!special && id == NULL && dso->load != NULL && !dso_complete(dso)) {
    gsize blen;
    const guint8 *bid = fk_elf_build_id(dso->load, &blen);
    g_autofree char *hex = fk_build_id_hex(bid, blen);
    if (hex != NULL && strlen(hex) > 2) {
      g_autofree char *xx = g_strndup(hex, 2);
      g_autofree char *rd = g_strconcat(hex + 2, ".debug", NULL);
      g_autofree char *p = g_build_filename("/usr/lib/debug/.build-id", xx, rd, NULL);
      g_autofree char *sp = with_symfs(self, p);
      offer(self, dso, sp, &mismatch);
    }
  }
  /* .gnu_debuglink of the binary: next to it, in .debug/, under /usr/lib/debug */
  if (!special && dso->load != NULL && !dso_complete(dso) && fk_elf_debuglink(dso->load) != NULL) {
    const char *link = fk_elf_debuglink(dso->load);
    g_autofree char *dir = g_path_get_dirname(dso->path);
    g_autofree char *a = g_build_filename(dir, link, NULL);
    g_autofree char *b = g_build_filename(dir, ".debug", link, NULL);
    g_autofree char *c = g_build_filename("/usr/lib/debug", dir, link, NULL);
    const char *cands[] = {a, b, c};
    for (guint i = 0; i < G_N_ELEMENTS(cands) && !dso_complete(dso); i++) {
      g_autofree char *p = with_symfs(self, cands[i]);
      if (strcmp(p, fk_elf_name(dso->load)) != 0)
        offer(self, dso, p, &mismatch);
    }
  }
  if (dso->load == NULL && !mismatch && self->opts.diag != NULL && !special)
    fk_diag_note(self->opts.diag, dso->path, "no ELF file found%s%s; frames shown as the dso",
                 id ? " for build id " : "", id ? id : "");
}

/* The vdso of this process: the same kernel's vdso, so usable when the
 * capture's build id matches it (or it has none and is from this host). */
static void
offer_own_vdso(FkSymbolizer *self, SyDso *dso)
{
  const guint8 *base = (const guint8 *)(uintptr_t)getauxval(AT_SYSINFO_EHDR);
  if (base == NULL || memcmp(base, ELFMAG, 4) != 0 || base[EI_CLASS] != ELFCLASS64)
    return;
  if (dso->want_id == NULL && !self->opts.use_proc_kallsyms)
    return;
  const Elf64_Ehdr *eh = (const Elf64_Ehdr *)base;
  gsize size = eh->e_shoff + (gsize)eh->e_shnum * eh->e_shentsize;
  if (size == 0 || size > (1u << 20))
    return;
  g_autoptr(GBytes) b = g_bytes_new(base, size);
  g_hash_table_replace(self->added, g_strdup("[vdso]/self"), g_bytes_ref(b));
  gboolean mismatch = TRUE; /* no note: this is only a fallback */
  offer(self, dso, "added:[vdso]/self", &mismatch);
}

static SyDso *
get_dso_slow(FkSymbolizer *self, const FkMapping *map)
{
  g_autofree char *id = fk_build_id_hex(map->build_id, map->build_id_len);
  g_autofree char *key = g_strconcat(map->path, "\n", id ? id : "", NULL);
  SyDso *dso = g_hash_table_lookup(self->dsos, key);
  if (dso != NULL)
    return dso;
  dso = g_new0(SyDso, 1);
  dso->path = g_strdup(map->path);
  dso->want_id = g_steal_pointer(&id);
  if (dso->want_id != NULL) {
    dso->want_raw = g_memdup2(map->build_id, map->build_id_len);
    dso->want_len = map->build_id_len;
  }
  const char *slash = strrchr(map->path, '/');
  /* stackcollapse-perf's name for `[unknown] (DSO)`: "[" basename "]",
   * so "[vdso]" gives "[[vdso]]" */
  g_autofree char *label = g_strdup_printf("[%s]", slash ? slash + 1 : map->path);
  dso->label = fk_frame_intern0(self->opts.strings, label);
  find_files(self, dso);
  if (dso->load == NULL && strcmp(map->path, "[vdso]") == 0)
    offer_own_vdso(self, dso);
  g_hash_table_insert(self->dsos, g_steal_pointer(&key), dso);
  return dso;
}

static gboolean
dso_is(const SyDso *dso, const FkMapping *map)
{
  /* the id's bytes first: cheaper than the path, and they tell most dsos apart */
  if (map->build_id == NULL || map->build_id_len == 0) {
    if (dso->want_id != NULL)
      return FALSE;
  } else if (dso->want_len != map->build_id_len ||
             memcmp(dso->want_raw, map->build_id, map->build_id_len) != 0) {
    return FALSE;
  }
  return strcmp(dso->path, map->path) == 0;
}

/* The dso of MAP, found (and its files searched) once per (path, build id). */
static SyDso *
get_dso(FkSymbolizer *self, const FkMapping *map)
{
  const guint n = G_N_ELEMENTS(self->recent);
  for (guint i = 0; i < n && self->recent[i] != NULL; i++)
    if (dso_is(self->recent[i], map)) {
      SyDso *d = self->recent[i];
      memmove(&self->recent[1], &self->recent[0], i * sizeof self->recent[0]);
      self->recent[0] = d;
      return d;
    }
  memmove(&self->recent[1], &self->recent[0], (n - 1) * sizeof self->recent[0]);
  self->recent[0] = get_dso_slow(self, map);
  return self->recent[0];
}

static const char *
intern_name(FkSymbolizer *self, const char *raw, const char *file, guint line)
{
  g_autofree char *name = fk_demangle(raw, self->opts.demangle, self->opts.demangle_params);
  if (self->opts.srcline && file != NULL && line > 0) {
    const char *b = strrchr(file, '/');
    g_autofree char *s = g_strdup_printf("%s %s:%u", name, b ? b + 1 : file, line);
    return fk_frame_intern0(self->opts.strings, s);
  }
  return fk_frame_intern0(self->opts.strings, name);
}

static const char *
unresolved(FkSymbolizer *self, const char *label, guint64 ip)
{
  if (!self->opts.addrs)
    return fk_interner_intern0(self->opts.strings, label);
  g_autofree char *s =
      g_strdup_printf("%.*s <%" G_GINT64_MODIFIER "x>]", (int)strlen(label) - 1, label, ip);
  return fk_interner_intern0(self->opts.strings, s);
}

/* DSO's DWARF will be read soon: inflating its sections starts now, on
 * other threads. The unwinder finds a dwarf capture's dsos while it walks a
 * sample, which is symbolized after (libc6-dbg's .debug_info alone took a
 * fifth of a run to inflate). Not for fk_symbolizer_locate (`info`), which
 * reads no DWARF. */
static void
dwarf_soon(FkSymbolizer *self, SyDso *dso)
{
  if ((self->opts.inline_frames || self->opts.srcline || self->opts.dwarf_for_others) &&
      dso->dwelf != NULL)
    fk_elf_inflate_start(dso->dwelf, self->opts.srcline || self->opts.srcline_for_others);
}

/* One skip per entry of WHAT (NULL: none), "ENTRY: CONSEQUENCE", under
 * DSO's debug file's name. */
static void
report_dwarf_skips(FkSymbolizer *self, SyDso *dso, GPtrArray *what, const char *consequence)
{
  for (guint i = 0; what != NULL && self->opts.diag != NULL && i < what->len; i++)
    fk_diag_skip(self->opts.diag, fk_elf_name(dso->dwelf), NULL, "%s: %s",
                 (const char *)g_ptr_array_index(what, i), consequence);
}

/* The frames of DSO at VADDR, computed once. */
static const SySlot *
dso_frames(FkSymbolizer *self, SyDso *dso, guint64 vaddr)
{
  const SySlot *cached = addrmap_get(&dso->cache, vaddr);
  if (cached != NULL)
    return cached;
  /* a PLT stub first, by the binary's relocations, as perf names it; no
   * DWARF covers a stub */
  const FkElfSym *sym = dso->load != NULL ? fk_elf_plt_at(dso->load, vaddr) : NULL;
  gboolean plt = sym != NULL;
  if (!plt && dso->syms != NULL)
    sym = fk_elf_symbol_at(dso->syms, vaddr);
  GArray *dw = self->dwframes;
  g_array_set_size(dw, 0);
  if ((self->opts.inline_frames || self->opts.srcline) && dso->dwelf != NULL && !plt) {
    if (!dso->dwarf_tried) {
      dso->dwarf_tried = TRUE;
      dwarf_soon(self, dso); /* two threads, even when it is needed now */
      fk_elf_inflate_finish(dso->dwelf);
      g_autoptr(GPtrArray) inflate_bad = fk_elf_inflate_take_errors(dso->dwelf);
      report_dwarf_skips(self, dso, inflate_bad,
                         "the DWARF that needs it is not read; functions of this file may get "
                         "no inline frames or source lines");
      dso->dwarf = fk_dwarf_new(fk_elf_handle(dso->dwelf), self->opts.srcline);
    }
    if (dso->dwarf != NULL) {
      fk_dwarf_lookup(dso->dwarf, vaddr, dw);
      g_autoptr(GPtrArray) bad = fk_dwarf_take_errors(dso->dwarf);
      report_dwarf_skips(self, dso, bad,
                         "the rest of the DWARF unit is not read; its functions get no inline "
                         "frames or source lines");
    }
  }
  GPtrArray *names = g_ptr_array_new();
  const FkDwFrame *d0 = dw->len > 0 ? &g_array_index(dw, FkDwFrame, 0) : NULL;
  const FkDwFrame *dl = dw->len > 0 ? &g_array_index(dw, FkDwFrame, dw->len - 1) : NULL;
  const char *outer = sym != NULL ? sym->name : d0 != NULL ? d0->name : NULL;
  /* Identical code folded under names perf's rules cannot order (lld's
   * --icf: Rust's ToLowercase and ToUppercase iterators): the subprogram
   * whose DWARF kept the code names it, so that the name and its inline
   * frames and lines agree, as perf names it with inline frames. Without
   * inline frames perf's ELF choice (the first in the table) stays. */
  if (self->opts.inline_frames && sym != NULL && sym->ties != 0 && d0 != NULL && d0->name != NULL &&
      strcmp(d0->name, sym->name) != 0 && fk_elf_symbol_tied(dso->syms, sym, d0->name))
    outer = d0->name;
  if (outer == NULL) {
    g_ptr_array_add(names, (gpointer)dso->label); /* lookup adds the address */
  } else if (!self->opts.inline_frames || dw->len <= 1) {
    g_ptr_array_add(names,
                    (gpointer)intern_name(self, outer, dl ? dl->file : NULL, dl ? dl->line : 0));
  } else {
    g_ptr_array_add(names, (gpointer)intern_name(self, outer, d0->file, d0->line));
    for (guint i = 1; i < dw->len; i++) {
      const FkDwFrame *f = &g_array_index(dw, FkDwFrame, i);
      g_ptr_array_add(names,
                      (gpointer)intern_name(self, f->name ? f->name : "??", f->file, f->line));
    }
  }
  if (names->len == 1) {
    addrmap_put(&dso->cache, vaddr, names->pdata[0], 1);
  } else {
    SyFrames *fr = arena_alloc(&self->arena, sizeof *fr + names->len * sizeof(char *));
    fr->n = names->len;
    memcpy(fr->f, names->pdata, names->len * sizeof(char *));
    addrmap_put(&dso->cache, vaddr, fr, fr->n);
  }
  g_ptr_array_unref(names);
  return addrmap_get(&dso->cache, vaddr);
}

/* Loading kallsyms, on a thread of its own from fk_symbolizer_kernel_soon
 * (reading /proc/kallsyms is procfs generating 122k lines: a tenth of a
 * dwarf capture's run), or here at the first kernel address. Only files are
 * read there; the notes wait for kernel_finish, so that they come where and
 * in the order they would without the thread. */
typedef struct FkKernelLoad_ {
  char *kallsyms_path, *id, *home, *where, *note_where, *read_error;
  GBytes *added; /* the tarball's copy, picked before the thread starts */
  char *added_name;
  gboolean use_proc;
  FkSymMap *map;
  guint bad;
} SyKernelLoad;

static gpointer
kernel_read(gpointer data)
{
  SyKernelLoad *k = data;
  if (k->kallsyms_path != NULL) {
    g_autoptr(GError) err = NULL;
    k->map = fk_symmap_new_kallsyms_file(k->kallsyms_path, &k->bad, &err);
    if (k->map == NULL)
      k->read_error = g_strdup(err->message);
    k->where = g_strdup(k->kallsyms_path);
  }
  if (k->map == NULL && k->added != NULL) {
    k->map = fk_symmap_new_kallsyms(k->added, &k->bad);
    g_free(k->where);
    k->where = g_strdup(k->added_name);
  }
  if (k->map == NULL && k->id != NULL && k->home != NULL) {
    g_autofree char *p =
        g_build_filename(k->home, ".debug", "[kernel.kallsyms]", k->id, "kallsyms", NULL);
    k->map = fk_symmap_new_kallsyms_file(p, &k->bad, NULL);
    if (k->map != NULL) {
      g_free(k->where);
      k->where = g_strdup(p);
    }
  }
  if (k->map == NULL && k->use_proc) {
    k->map = fk_symmap_new_kallsyms_file("/proc/kallsyms", &k->bad, NULL);
    if (k->map != NULL) {
      g_free(k->where);
      k->where = g_strdup("/proc/kallsyms");
    }
  }
  return NULL;
}

static void
kernel_start(FkSymbolizer *self, const FkMapping *map, gboolean thread)
{
  self->kernel_tried = TRUE;
  SyKernelLoad *k = self->kload = g_new0(SyKernelLoad, 1);
  k->kallsyms_path = g_strdup(self->kallsyms_path);
  k->id = map != NULL ? fk_build_id_hex(map->build_id, map->build_id_len) : NULL;
  k->home = g_strdup(g_get_home_dir());
  k->use_proc = self->opts.use_proc_kallsyms;
  if (self->added_kallsyms->len > 0) {
    /* the tarball's copy for this kernel's build id, else the first */
    const char *pick = g_ptr_array_index(self->added_kallsyms, 0);
    for (guint i = 0; k->id != NULL && i < self->added_kallsyms->len; i++)
      if (strstr(g_ptr_array_index(self->added_kallsyms, i), k->id) != NULL)
        pick = g_ptr_array_index(self->added_kallsyms, i);
    k->added = g_bytes_ref(g_hash_table_lookup(self->added, pick));
    k->added_name = g_strdup(pick);
  }
  if (thread)
    self->kthread = g_thread_try_new("fk-kallsyms", kernel_read, k, NULL);
  if (self->kthread == NULL)
    kernel_read(k);
}

static void
kernel_load_free(SyKernelLoad *k)
{
  if (k == NULL)
    return;
  g_free(k->kallsyms_path);
  g_free(k->id);
  g_free(k->home);
  g_free(k->where);
  g_free(k->read_error);
  if (k->added != NULL)
    g_bytes_unref(k->added);
  g_free(k->added_name);
  fk_symmap_free(k->map);
  g_free(k);
}

/* The kernel's symbols once loaded (NULL: none), with the notes saying why
 * not. */
static FkSymMap *
kernel_finish(FkSymbolizer *self)
{
  SyKernelLoad *k = self->kload;
  if (k == NULL)
    return self->kernel;
  if (self->kthread != NULL)
    g_thread_join(self->kthread);
  self->kthread = NULL;
  self->kload = NULL;
  FkDiag *diag = self->opts.diag;
  if (diag != NULL && k->read_error != NULL)
    fk_diag_note(diag, k->kallsyms_path, "cannot read kallsyms: %s", k->read_error);
  if (k->map == NULL) {
    if (diag != NULL)
      fk_diag_note(diag, "[kernel.kallsyms]",
                   "no kallsyms for the capture's kernel (give --kallsyms or a perf archive); "
                   "kernel frames unresolved");
  } else {
    self->kernel = g_steal_pointer(&k->map);
    if (diag != NULL && fk_symmap_all_zero(self->kernel))
      fk_diag_note(diag, k->where,
                   "kallsyms addresses are all zero (kptr_restrict); kernel frames unresolved");
    else if (diag != NULL && k->bad > 0)
      fk_diag_note(diag, k->where, "%u lines of kallsyms not understood", k->bad);
  }
  kernel_load_free(k);
  return self->kernel;
}

void
fk_symbolizer_kernel_soon(FkSymbolizer *self, const FkMapping *map)
{
  if (!self->kernel_tried)
    kernel_start(self, map, TRUE);
}

static void
load_kernel(FkSymbolizer *self, const FkMapping *map)
{
  if (!self->kernel_tried)
    kernel_start(self, map, FALSE);
  kernel_finish(self);
}

/* Reads the JIT map at PATH as perf does (dso__load_perf_map after its
 * ownership check): any process on the capturing host, or whoever filled the
 * --symfs tree, can put anything at /tmp/perf-PID.map -- a FIFO (reading it
 * would hang), a symlink to /dev/zero (reading would never end), a file of
 * another user. So: not through a symlink (O_NOFOLLOW), opened without
 * blocking, then checked on the open file (fstat, so nothing can be swapped
 * in between): a regular file, owned by us or root, at most MAX bytes (read
 * no further even if it grows meanwhile). Returns the contents (NUL-terminated,
 * *LEN bytes), or NULL: *WHY says why the map was ignored, or is NULL when
 * there is no such file (the common case: most processes have no JIT). */
static char *
read_jit_map(const char *path, gint64 max, gsize *len, char **why)
{
  *why = NULL;
  int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) {
    if (errno == ELOOP)
      *why = g_strdup("a symbolic link");
    else if (errno != ENOENT && errno != ENOTDIR)
      *why = g_strdup_printf("cannot open it: %s", g_strerror(errno));
    return NULL;
  }
  struct stat st;
  if (fstat(fd, &st) != 0) {
    *why = g_strdup_printf("cannot stat it: %s", g_strerror(errno));
  } else if (!S_ISREG(st.st_mode)) {
    *why = g_strdup(S_ISFIFO(st.st_mode)  ? "a FIFO, not a regular file"
                    : S_ISCHR(st.st_mode) ? "a device, not a regular file"
                    : S_ISDIR(st.st_mode) ? "a directory, not a regular file"
                                          : "not a regular file");
  } else if (st.st_uid != 0 && st.st_uid != geteuid()) {
    *why =
        g_strdup_printf("owned by uid %u, neither by this user nor by root", (unsigned)st.st_uid);
  } else if (st.st_size > max) {
    *why = g_strdup_printf("%" G_GINT64_FORMAT " bytes, over --max-jit-map-bytes %" G_GINT64_FORMAT,
                           (gint64)st.st_size, max);
  }
  if (*why != NULL) {
    close(fd);
    return NULL;
  }
  /* the fd is non-blocking, which a regular file ignores */
  gsize cap = (gsize)st.st_size + 1, n = 0;
  char *buf = g_malloc(cap + 1);
  for (;;) {
    if (n == cap) {
      if ((gint64)cap > max)
        break;
      cap = MIN(cap * 2, (gsize)max + 1);
      buf = g_realloc(buf, cap + 1);
    }
    ssize_t r = read(fd, buf + n, cap - n);
    if (r < 0 && errno == EINTR)
      continue;
    if (r < 0) {
      *why = g_strdup_printf("cannot read it: %s", g_strerror(errno));
      break;
    }
    if (r == 0)
      break;
    n += (gsize)r;
  }
  close(fd);
  if (*why == NULL && (gint64)n > max)
    *why = g_strdup_printf("grew over --max-jit-map-bytes %" G_GINT64_FORMAT " while read", max);
  if (*why != NULL) {
    g_free(buf);
    return NULL;
  }
  buf[n] = '\0';
  *len = n;
  return buf;
}

static FkSymMap *
get_jit(FkSymbolizer *self, gint64 pid)
{
  gpointer v;
  if (g_hash_table_lookup_extended(self->jit, &pid, NULL, &v))
    return v;
  g_autofree char *name = g_strdup_printf("perf-%" G_GINT64_FORMAT ".map", pid);
  g_autofree char *tmp = g_build_filename("/tmp", name, NULL);
  g_autofree char *text = NULL;
  const char *where = tmp;
  gsize len = 0;
  GHashTableIter it;
  gpointer k, b;
  g_hash_table_iter_init(&it, self->added);
  while (text == NULL && g_hash_table_iter_next(&it, &k, &b))
    if (g_str_has_suffix(k, name) &&
        (strlen(k) == strlen(name) || ((char *)k)[strlen(k) - strlen(name) - 1] == '/')) {
      len = g_bytes_get_size(b);
      text = g_strndup(g_bytes_get_data(b, NULL), len);
      where = k;
    }
  const char *paths[2] = {NULL, tmp};
  g_autofree char *in_symfs = self->symfs != NULL ? with_symfs(self, tmp) : NULL;
  paths[0] = in_symfs;
  for (guint i = 0; i < 2 && text == NULL; i++) {
    if (paths[i] == NULL)
      continue;
    g_autofree char *why = NULL;
    text = read_jit_map(paths[i], self->opts.max_jit_map, &len, &why);
    if (text != NULL)
      where = paths[i];
    /* get_jit runs once per pid: one message per map */
    if (why != NULL && self->opts.diag != NULL)
      fk_diag_note(self->opts.diag, paths[i], "JIT map ignored: %s; frames shown as [%s]", why,
                   name);
  }
  FkSymMap *m = NULL;
  if (text != NULL) {
    guint bad = 0;
    m = fk_symmap_new_perf_map(text, len, &bad);
    if (bad > 0 && self->opts.diag != NULL)
      fk_diag_note(self->opts.diag, where, "%u lines not understood", bad);
  }
  g_hash_table_insert(self->jit, g_memdup2(&pid, sizeof pid), m);
  return m;
}

/* Anonymous memory as perf's is_anon_memory() tells it, whose symbols come
 * from /tmp/perf-PID.map (or a mapping of that file itself). */
static gboolean
is_anon(const char *path)
{
  return strcmp(path, "//anon") == 0 || g_str_has_prefix(path, "/dev/zero") ||
         g_str_has_prefix(path, "/anon_hugepage") ||
         (g_str_has_prefix(path, "/tmp/perf-") && g_str_has_suffix(path, ".map"));
}

/* "[perf-PID.map]", the frame of JIT code without a symbol (with addrs,
 * "[perf-PID.map <IP>]"). */
static const char *
jit_label(FkSymbolizer *self, gint64 pid, guint64 ip)
{
  const char *label = self->opts.addrs ? NULL : g_hash_table_lookup(self->jit_labels, &pid);
  if (label != NULL)
    return label;
  g_autofree char *raw = g_strdup_printf("[perf-%" G_GINT64_FORMAT ".map]", pid);
  label = unresolved(self, raw, ip);
  if (!self->opts.addrs)
    g_hash_table_insert(self->jit_labels, g_memdup2(&pid, sizeof pid), (gpointer)label);
  return label;
}

static guint8
mapping_kind(const FkMapping *map)
{
  if (map->kind & FK_MAPPING_KNOWN)
    return map->kind;
  return FK_MAPPING_KNOWN |
         (g_str_has_prefix(map->path, "[kernel.kallsyms]") ? FK_MAPPING_KALLSYMS : 0) |
         (is_anon(map->path) ? FK_MAPPING_PERF_MAP : 0);
}

/* One frame for the *_frames functions to return: valid until the next. */
static const char *const *
one(FkSymbolizer *self, const char *frame, guint *n)
{
  self->one = frame;
  *n = 1;
  return &self->one;
}

const char *const *
fk_symbolizer_frames(FkSymbolizer *self, const FkMapping *map, guint64 ip, gboolean kernel,
                     guint *n)
{
  guint8 kind = map != NULL && map->path != NULL ? mapping_kind(map) : 0;
  if (kernel || (kind & FK_MAPPING_KALLSYMS)) {
    const SySlot *sl = addrmap_get(&self->kernel_cache, ip);
    const char *frame = sl != NULL ? sl->val : NULL;
    if (frame == NULL) {
      if (!self->kernel_tried || self->kload != NULL)
        load_kernel(self, map);
      gsize len = 0;
      const char *name = self->kernel != NULL ? fk_symmap_lookup(self->kernel, ip, &len) : NULL;
      g_autofree char *raw = name != NULL ? g_strndup(name, len) : NULL;
      frame = raw != NULL ? intern_name(self, raw, NULL, 0)
                          : unresolved(self, "[[kernel.kallsyms]]", ip);
      addrmap_put(&self->kernel_cache, ip, frame, 1);
    }
    return one(self, frame, n);
  }
  if (map == NULL || map->path == NULL) {
    if (self->unknown == NULL && !self->opts.addrs)
      self->unknown = fk_interner_intern0(self->opts.strings, "[unknown]");
    return one(self, self->opts.addrs ? unresolved(self, "[unknown]", ip) : self->unknown, n);
  }
  if (kind & FK_MAPPING_PERF_MAP) {
    FkSymMap *jit = get_jit(self, map->pid);
    gsize len = 0;
    const char *name = jit != NULL ? fk_symmap_lookup(jit, ip, &len) : NULL;
    /* JIT names are not mangled the Itanium way; keep them whole */
    if (name != NULL)
      return one(self, fk_frame_intern(self->opts.strings, name, len), n);
    /* perf names anonymous memory's dso after its symbol file; the name
     * is made once per process, not per frame */
    return one(self, jit_label(self, map->pid, ip), n);
  }
  /* perf prints a dso's unresolved address relative to the dso */
  return fk_symbolizer_dso_frames(self, get_dso(self, map), ip - map->start + map->pgoff, n);
}

void
fk_symbolizer_lookup(FkSymbolizer *self, const FkMapping *map, guint64 ip, gboolean kernel,
                     GPtrArray *out)
{
  guint n;
  const char *const *f = fk_symbolizer_frames(self, map, ip, kernel, &n);
  for (guint i = 0; i < n; i++)
    g_ptr_array_add(out, (gpointer)f[i]);
}

FkSymDso *
fk_symbolizer_dso(FkSymbolizer *self, const FkMapping *map)
{
  if (map == NULL || map->path == NULL ||
      (mapping_kind(map) & (FK_MAPPING_KALLSYMS | FK_MAPPING_PERF_MAP)))
    return NULL;
  return get_dso(self, map);
}

const char *const *
fk_symbolizer_dso_frames(FkSymbolizer *self, FkSymDso *dso, guint64 off, guint *n)
{
  guint64 vaddr;
  if (dso->load == NULL || !fk_elf_offset_to_vaddr(dso->load, off, &vaddr))
    /* the label is interned: only addrs makes a name per address */
    return one(self, self->opts.addrs ? unresolved(self, dso->label, off) : dso->label, n);
  const SySlot *sl = dso_frames(self, dso, vaddr);
  const char *const *f = slot_frames(sl);
  if (self->opts.addrs && sl->n == 1 && f[0] == dso->label)
    return one(self, unresolved(self, dso->label, off), n);
  *n = sl->n;
  return f;
}

const char *
fk_symbolizer_locate(FkSymbolizer *self, const char *path, const guint8 *build_id,
                     gsize build_id_len)
{
  FkMapping map = {0};
  map.path = path;
  map.build_id = build_id;
  map.build_id_len = build_id_len;
  if (g_str_has_prefix(path, "[kernel.kallsyms]")) {
    if (!self->kernel_tried || self->kload != NULL)
      load_kernel(self, &map);
    return self->kernel != NULL ? "kallsyms" : NULL;
  }
  if (path[0] == '[' || is_anon(path))
    return NULL;
  SyDso *dso = get_dso(self, &map);
  return dso->load != NULL ? fk_elf_name(dso->load) : NULL;
}

gboolean
fk_symbolizer_unwind_files(FkSymbolizer *self, const FkMapping *map, guint64 ip, struct Elf **eh,
                           struct Elf **debug, guint64 *bias, gconstpointer *key)
{
  if (map == NULL || map->path == NULL ||
      (mapping_kind(map) & (FK_MAPPING_PERF_MAP | FK_MAPPING_KALLSYMS)))
    return FALSE;
  SyDso *dso = get_dso(self, map);
  dwarf_soon(self, dso);
  guint64 vaddr;
  if (dso->load == NULL || !fk_elf_offset_to_vaddr(dso->load, ip - map->start + map->pgoff, &vaddr))
    return FALSE;
  *bias = ip - vaddr;
  *eh = fk_elf_has_code(dso->load) ? fk_elf_handle(dso->load) : NULL;
  *debug = dso->dwelf != NULL ? fk_elf_handle(dso->dwelf) : NULL;
  *key = dso;
  return TRUE;
}
