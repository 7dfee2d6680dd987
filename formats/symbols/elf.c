/* elf.c -- ELF files through libelf: the parts symbolization needs. */
#include "elf.h"

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gelf.h>
#include <string.h>

#include "inflatecache.h"
#include "inflatejob.h"
#include "plt.h"
#include "zinflate.h"
#include "../sorted.h"

typedef struct {
  guint64 offset, filesz, vaddr;
} EfLoad;

typedef struct {
  FkElfSym sym;
  guint8 bind;
  gboolean sized;
  guint order; /* its place in the symbol table */
} EfSym;

struct FkElf {
  char *name;
  GMappedFile *mapped; /* one of mapped / bytes holds the image */
  GBytes *bytes;
  Elf *elf;
  GByteArray *build_id;
  GArray *loads; /* EfLoad */
  char *debuglink;
  gboolean has_symtab, has_dynsym, has_dwarf, has_code;
  GArray *syms;     /* FkElfSym sorted by start; NULL until first use */
  GPtrArray *ties;  /* names of fully tied aliases, each symbol's run ended by NULL */
  FkPltTable *plt;  /* NAME@plt stubs; NULL until first use */
  FkElfSym plt_sym; /* fk_elf_plt_at's answer */
  /* the file's identity, for sharing its inflated sections with another
   * FkElf of it (inflatejob.h); NULL when opened from bytes */
  char *share_key;
  /* fk_elf_inflate_start: the sections wanted and the job inflating them */
  gboolean inflate_started, inflate_installed;
  GArray *inflate;           /* EfInflate */
  FkInflateJob *job;         /* NULL: nothing to inflate */
  GPtrArray *inflate_errors; /* "SECTION: what is wrong", or NULL */
};

typedef struct {
  Elf_Scn *scn;
  const char *name; /* the section's, in libelf's string table */
  FkInflateSection sec;
  guint64 align; /* inflated, from the Chdr */
} EfInflate;

static gsize
underscores(const char *s)
{
  gsize n = 0;
  while (s[n] == '_')
    n++;
  return n;
}

/* perf's choose_best_symbol (util/symbol.c): of two symbols at one address,
 * prefer sized, then non-weak, then global, then fewer leading underscores,
 * then the longer name. TRUE if A wins. */
static gboolean
sym_better(const EfSym *a, const EfSym *b)
{
  if (a->sized != b->sized)
    return a->sized;
  if ((a->bind == STB_WEAK) != (b->bind == STB_WEAK))
    return b->bind == STB_WEAK;
  if ((a->bind == STB_GLOBAL) != (b->bind == STB_GLOBAL))
    return a->bind == STB_GLOBAL;
  gsize ua = underscores(a->sym.name), ub = underscores(b->sym.name);
  if (ua != ub)
    return ua < ub;
  return strlen(a->sym.name) >= strlen(b->sym.name);
}

static int
cmp_tmp(gconstpointer pa, gconstpointer pb)
{
  const EfSym *a = pa, *b = pb;
  if (a->sym.start != b->sym.start)
    return a->sym.start < b->sym.start ? -1 : 1;
  /* the preferred alias first, so de-duplication keeps it */
  gboolean ab = sym_better(a, b), ba = sym_better(b, a);
  if (ab && !ba)
    return -1;
  if (ba && !ab)
    return 1;
  /* A full tie (identical code folded under two names of one length, as
   * Rust's ToLowercase and ToUppercase iterators): perf keeps the one met
   * first in the symbol table (symbols__fixup_duplicate keeps the earlier
   * of its insertion order), and so does flamekit, so both name it alike. */
  return a->order < b->order ? -1 : a->order > b->order;
}

static void
scan_sections(FkElf *self)
{
  size_t shstrndx;
  if (elf_getshdrstrndx(self->elf, &shstrndx) != 0)
    return;
  for (Elf_Scn *scn = elf_nextscn(self->elf, NULL); scn != NULL;
       scn = elf_nextscn(self->elf, scn)) {
    GElf_Shdr sh;
    if (gelf_getshdr(scn, &sh) == NULL)
      continue;
    const char *name = elf_strptr(self->elf, shstrndx, sh.sh_name);
    if (name == NULL)
      continue;
    if (sh.sh_type == SHT_SYMTAB)
      self->has_symtab = TRUE;
    else if (sh.sh_type == SHT_DYNSYM)
      self->has_dynsym = TRUE;
    else if (strcmp(name, ".debug_info") == 0 && sh.sh_type != SHT_NOBITS && sh.sh_size > 0)
      self->has_dwarf = TRUE;
    else if (strcmp(name, ".text") == 0 && sh.sh_type != SHT_NOBITS && sh.sh_size > 0)
      self->has_code = TRUE;
    else if (strcmp(name, ".gnu_debuglink") == 0 && sh.sh_type != SHT_NOBITS) {
      Elf_Data *d = elf_getdata(scn, NULL);
      if (d != NULL && d->d_buf != NULL && d->d_size > 4) {
        const char *s = d->d_buf;
        gsize n = strnlen(s, d->d_size);
        if (n > 0 && n < d->d_size)
          self->debuglink = g_strndup(s, n);
      }
    } else if (sh.sh_type == SHT_NOTE && self->build_id == NULL) {
      Elf_Data *d = elf_getdata(scn, NULL);
      if (d == NULL)
        continue;
      size_t off = 0, noff, doff;
      GElf_Nhdr nh;
      while (off < d->d_size && (off = gelf_getnote(d, off, &nh, &noff, &doff)) > 0) {
        if (nh.n_type == NT_GNU_BUILD_ID && nh.n_namesz == 4 &&
            memcmp((const char *)d->d_buf + noff, "GNU", 4) == 0 && nh.n_descsz > 0 &&
            nh.n_descsz <= 64) {
          self->build_id = g_byte_array_new();
          g_byte_array_append(self->build_id, (const guint8 *)d->d_buf + doff, nh.n_descsz);
          break;
        }
      }
    }
  }
}

static void
scan_segments(FkElf *self)
{
  size_t n;
  self->loads = g_array_new(FALSE, FALSE, sizeof(EfLoad));
  if (elf_getphdrnum(self->elf, &n) != 0)
    return;
  for (size_t i = 0; i < n; i++) {
    GElf_Phdr ph;
    if (gelf_getphdr(self->elf, (int)i, &ph) == NULL || ph.p_type != PT_LOAD)
      continue;
    /* Debug-only files keep the program headers but may set p_filesz 0 for
     * NOBITS-only segments; p_memsz still says how far the segment runs. */
    EfLoad l = {ph.p_offset, MAX(ph.p_filesz, ph.p_memsz), ph.p_vaddr};
    g_array_append_val(self->loads, l);
  }
  if (!self->has_code && self->loads->len > 0) {
    /* A debug-only file (objcopy --only-keep-debug) zeroes p_offset. The
     * usual layout maps file offset = vaddr - first segment's page, which
     * holds for the read-only and code segments that samples hit. */
    guint64 base = g_array_index(self->loads, EfLoad, 0).vaddr & ~(guint64)0xfff;
    for (guint i = 0; i < self->loads->len; i++) {
      EfLoad *l = &g_array_index(self->loads, EfLoad, i);
      l->offset = l->vaddr - base;
    }
  }
}

static FkElf *
open_common(FkElf *self, char *image, gsize size, GError **error)
{
  if (size < EI_NIDENT || memcmp(image, ELFMAG, SELFMAG) != 0) {
    g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%s: not an ELF file", self->name);
    fk_elf_free(self);
    return NULL;
  }
  self->elf = elf_memory(image, size);
  if (self->elf == NULL || elf_kind(self->elf) != ELF_K_ELF) {
    g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%s: %s", self->name, elf_errmsg(-1));
    fk_elf_free(self);
    return NULL;
  }
  scan_sections(self);
  scan_segments(self);
  return self;
}

static void
init_libelf(void)
{
  static gsize once;
  if (g_once_init_enter(&once)) {
    elf_version(EV_CURRENT);
    g_once_init_leave(&once, 1);
  }
}

FkElf *
fk_elf_open_file(const char *path, GError **error)
{
  init_libelf();
  /* libelf may convert the image in place, so the mapping is writable, but
   * private (copy on write) over a read-only descriptor: opening a binary for
   * writing fails with ETXTBSY while it runs (bash in a system-wide capture)
   * and, while open, makes every exec of it fail with ETXTBSY. Paths come
   * from captures of other hosts: O_NONBLOCK so that a FIFO swapped in after
   * the caller's stat cannot hang the open, and fstat on what was opened. */
  int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  if (fd < 0) {
    int e = errno;
    g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(e), "%s: %s", path, g_strerror(e));
    return NULL;
  }
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    close(fd);
    g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%s: not a regular file", path);
    return NULL;
  }
  GMappedFile *m = g_mapped_file_new_from_fd(fd, TRUE, error);
  close(fd);
  if (m == NULL)
    return NULL;
  FkElf *self = g_new0(FkElf, 1);
  self->name = g_strdup(path);
  self->mapped = m;
  self->share_key =
      g_strdup_printf("%ju:%ju:%jd:%jd.%09ld:%jd.%09ld", (uintmax_t)st.st_dev, (uintmax_t)st.st_ino,
                      (intmax_t)st.st_size, (intmax_t)st.st_mtim.tv_sec, st.st_mtim.tv_nsec,
                      (intmax_t)st.st_ctim.tv_sec, st.st_ctim.tv_nsec);
  return open_common(self, g_mapped_file_get_contents(m), g_mapped_file_get_length(m), error);
}

FkElf *
fk_elf_open_bytes(const char *name, GBytes *bytes, GError **error)
{
  init_libelf();
  FkElf *self = g_new0(FkElf, 1);
  self->name = g_strdup(name);
  /* a private copy: libelf's elf_memory wants a mutable image */
  gsize size;
  const void *data = g_bytes_get_data(bytes, &size);
  void *copy = g_memdup2(data != NULL ? data : "", MAX(size, 1));
  self->bytes = g_bytes_new_take(copy, size);
  return open_common(self, copy, size, error);
}

/* The sections fk_dwarf_new decompresses (formats/symbols/dwarf.c); not
 * .debug_loclists, which only libdwarf reads, and only when it is made. */
static const char *const inflate_names[] = {
    ".debug_info",     ".debug_abbrev", ".debug_line", ".debug_line_str",   ".debug_str",
    ".debug_rnglists", ".debug_ranges", ".debug_addr", ".debug_str_offsets"};

static void G_GNUC_PRINTF(3, 4)
    inflate_error(FkElf *self, const char *section, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  g_autofree char *what = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  if (self->inflate_errors == NULL)
    self->inflate_errors = g_ptr_array_new_with_free_func(g_free);
  g_ptr_array_add(self->inflate_errors, g_strdup_printf("%s: %s", section, what));
}

void
fk_elf_inflate_start(FkElf *self, gboolean lines)
{
  if (self->inflate_started)
    return;
  self->inflate_started = TRUE;
  size_t shstrndx;
  if (elf_getshdrstrndx(self->elf, &shstrndx) != 0)
    return;
  for (Elf_Scn *scn = elf_nextscn(self->elf, NULL); scn != NULL;
       scn = elf_nextscn(self->elf, scn)) {
    GElf_Shdr sh;
    if (gelf_getshdr(scn, &sh) == NULL || !(sh.sh_flags & SHF_COMPRESSED) ||
        sh.sh_type == SHT_NOBITS)
      continue;
    const char *n = elf_strptr(self->elf, shstrndx, sh.sh_name);
    gboolean wanted = FALSE;
    for (guint i = 0; n != NULL && i < G_N_ELEMENTS(inflate_names); i++)
      wanted = wanted || strcmp(n, inflate_names[i]) == 0;
    if (!lines && n != NULL && strcmp(n, ".debug_line") == 0)
      wanted = FALSE;
    /* elf_getdata first, so that libelf's data descriptor exists before
     * the threads run and finish only changes it */
    Elf_Data *d = wanted ? elf_getdata(scn, NULL) : NULL;
    Elf_Data *raw = d != NULL ? elf_rawdata(scn, NULL) : NULL;
    if (raw == NULL || raw->d_buf == NULL)
      continue;
    GElf_Chdr ch;
    gsize hdr;
    if (!fk_zlib_section(self->elf, scn, raw->d_size, &ch, &hdr)) {
      if (raw->d_size < hdr)
        continue; /* not even a header: nothing to say what it held */
      /* left to elf_compress and libdwarf, which fail on it as well */
      inflate_error(self, n,
                    "its compression header is not one of zlib's or gives a size of "
                    "%" G_GUINT64_FORMAT " bytes that %" G_GSIZE_FORMAT
                    " compressed bytes cannot hold",
                    (guint64)ch.ch_size, (gsize)raw->d_size);
      continue;
    }
    if (self->inflate == NULL)
      self->inflate = g_array_new(FALSE, FALSE, sizeof(EfInflate));
    EfInflate f = {scn,
                   n,
                   {sh.sh_offset, (const guint8 *)raw->d_buf + hdr, raw->d_size - hdr, ch.ch_size},
                   ch.ch_addralign};
    g_array_append_val(self->inflate, f);
  }
  if (self->inflate == NULL)
    return;
  g_autoptr(GArray) secs = g_array_new(FALSE, FALSE, sizeof(FkInflateSection));
  for (guint i = 0; i < self->inflate->len; i++)
    g_array_append_val(secs, g_array_index(self->inflate, EfInflate, i).sec);
  /* the job keeps the image its streams are in: this FkElf may go first */
  gpointer keep = self->mapped != NULL ? (gpointer)g_mapped_file_ref(self->mapped)
                                       : (gpointer)g_bytes_ref(self->bytes);
  GDestroyNotify keep_free =
      self->mapped != NULL ? (GDestroyNotify)g_mapped_file_unref : (GDestroyNotify)g_bytes_unref;
  /* the cache on disk only for a file on disk with a build id: not the
   * bytes of an archive's member or a fuzzer's input */
  g_autofree char *cache_key =
      self->mapped != NULL && self->build_id != NULL
          ? fk_inflate_cache_key(self->share_key, self->build_id->data, self->build_id->len,
                                 (const FkInflateSection *)(gpointer)secs->data, secs->len)
          : NULL;
  self->job =
      fk_inflate_job_get(self->share_key, cache_key, (const FkInflateSection *)(gpointer)secs->data,
                         secs->len, keep, keep_free);
}

void
fk_elf_inflate_finish(FkElf *self)
{
  if (self->inflate == NULL || self->inflate_installed)
    return;
  fk_inflate_job_wait(self->job);
  self->inflate_installed = TRUE;
  for (guint i = 0; i < self->inflate->len; i++) {
    EfInflate *f = &g_array_index(self->inflate, EfInflate, i);
    gboolean known;
    const guint8 *out =
        fk_inflate_job_output(self->job, f->sec.offset, f->sec.src_len, f->sec.size, &known);
    if (!known)
      continue; /* another FkElf's job, of other sections: left compressed, as allowed */
    GElf_Shdr sh;
    if (out == NULL)
      inflate_error(self, f->name,
                    "the compressed section does not inflate to its %" G_GUINT64_FORMAT
                    " bytes (corrupt or truncated)",
                    f->sec.size);
    if (out == NULL || gelf_getshdr(f->scn, &sh) == NULL)
      continue;
    /* what elf_compress(scn, 0, 0) leaves: the data and the raw data are
     * the inflated bytes, the header says so. libelf does not free a
     * d_buf it did not allocate; the job's bytes live until fk_elf_free. */
    Elf_Data *d = elf_getdata(f->scn, NULL);
    Elf_Data *raw = elf_rawdata(f->scn, NULL);
    if (d == NULL || raw == NULL)
      continue;
    for (Elf_Data *x = d;; x = raw) {
      x->d_buf = (void *)out;
      x->d_size = f->sec.size;
      x->d_type = ELF_T_BYTE;
      x->d_align = f->align;
      if (x == raw)
        break;
    }
    sh.sh_flags &= ~(GElf_Xword)SHF_COMPRESSED;
    sh.sh_size = f->sec.size;
    sh.sh_addralign = f->align;
    gelf_update_shdr(f->scn, &sh);
  }
}

GPtrArray *
fk_elf_inflate_take_errors(FkElf *self)
{
  GPtrArray *e = self->inflate_errors;
  self->inflate_errors = NULL;
  return e;
}

void
fk_elf_free(FkElf *self)
{
  if (self == NULL)
    return;
  if (self->elf != NULL)
    elf_end(self->elf);
  /* after elf_end, whose data may point into the job's bytes */
  fk_inflate_job_unref(self->job);
  if (self->inflate_errors != NULL)
    g_ptr_array_unref(self->inflate_errors);
  if (self->inflate != NULL)
    g_array_unref(self->inflate);
  if (self->mapped != NULL)
    g_mapped_file_unref(self->mapped);
  if (self->bytes != NULL)
    g_bytes_unref(self->bytes);
  if (self->build_id != NULL)
    g_byte_array_unref(self->build_id);
  if (self->loads != NULL)
    g_array_unref(self->loads);
  if (self->syms != NULL)
    g_array_unref(self->syms);
  if (self->ties != NULL)
    g_ptr_array_unref(self->ties);
  fk_plt_free(self->plt);
  g_free(self->debuglink);
  g_free(self->share_key);
  g_free(self->name);
  g_free(self);
}

const char *
fk_elf_name(const FkElf *self)
{
  return self->name;
}

const guint8 *
fk_elf_build_id(const FkElf *self, gsize *len)
{
  *len = self->build_id != NULL ? self->build_id->len : 0;
  return self->build_id != NULL ? self->build_id->data : NULL;
}

gboolean
fk_elf_offset_to_vaddr(const FkElf *self, guint64 off, guint64 *vaddr)
{
  for (guint i = 0; i < self->loads->len; i++) {
    const EfLoad *l = &g_array_index(self->loads, EfLoad, i);
    if (off >= l->offset && off - l->offset < l->filesz) {
      *vaddr = off - l->offset + l->vaddr;
      return TRUE;
    }
  }
  return FALSE;
}

gboolean
fk_elf_vaddr_to_offset(const FkElf *self, guint64 vaddr, guint64 *off)
{
  for (guint i = 0; i < self->loads->len; i++) {
    const EfLoad *l = &g_array_index(self->loads, EfLoad, i);
    if (vaddr >= l->vaddr && vaddr - l->vaddr < l->filesz) {
      *off = vaddr - l->vaddr + l->offset;
      return TRUE;
    }
  }
  return FALSE;
}

static void
load_symbols(FkElf *self)
{
  self->syms = g_array_new(FALSE, FALSE, sizeof(FkElfSym));
  guint want = self->has_symtab ? SHT_SYMTAB : SHT_DYNSYM;
  g_autoptr(GArray) tmp = g_array_new(FALSE, FALSE, sizeof(EfSym));
  for (Elf_Scn *scn = elf_nextscn(self->elf, NULL); scn != NULL;
       scn = elf_nextscn(self->elf, scn)) {
    GElf_Shdr sh;
    if (gelf_getshdr(scn, &sh) == NULL || sh.sh_type != want || sh.sh_entsize == 0)
      continue;
    Elf_Data *d = elf_getdata(scn, NULL);
    if (d == NULL)
      continue;
    gsize n = sh.sh_size / sh.sh_entsize;
    for (gsize i = 0; i < n; i++) {
      GElf_Sym s;
      if (gelf_getsym(d, (int)i, &s) == NULL)
        break;
      int type = GELF_ST_TYPE(s.st_info);
      if ((type != STT_FUNC && type != STT_GNU_IFUNC && type != STT_NOTYPE) ||
          s.st_shndx == SHN_UNDEF || s.st_shndx >= SHN_LORESERVE || s.st_value == 0)
        continue;
      const char *name = elf_strptr(self->elf, sh.sh_link, s.st_name);
      if (name == NULL || name[0] == '\0')
        continue;
      if (type == STT_NOTYPE) {
        /* perf's labels: untyped symbols in code (`_start`, `_dl_start_user`
         * of ld.so), but not local assembler labels or mapping symbols */
        GElf_Shdr tsh;
        Elf_Scn *ts = elf_getscn(self->elf, s.st_shndx);
        if (name[0] == '.' || name[0] == '$' || ts == NULL || gelf_getshdr(ts, &tsh) == NULL ||
            !(tsh.sh_flags & SHF_EXECINSTR))
          continue;
      }
      EfSym t = {{s.st_value, s.st_value + s.st_size, name, 0},
                 GELF_ST_BIND(s.st_info),
                 s.st_size > 0,
                 tmp->len};
      g_array_append_val(tmp, t);
    }
  }
  g_array_sort(tmp, cmp_tmp);
  self->ties = g_ptr_array_new();
  const EfSym *kept = NULL;
  for (guint i = 0; i < tmp->len; i++) {
    const EfSym *t = &g_array_index(tmp, EfSym, i);
    if (kept != NULL && kept->sym.start == t->sym.start) {
      /* an alias: the better one came first; a full tie is remembered, for
       * DWARF to decide (fk_elf_symbol_tied) */
      if (!sym_better(kept, t) || !sym_better(t, kept))
        continue;
      FkElfSym *last = &g_array_index(self->syms, FkElfSym, self->syms->len - 1);
      if (last->ties == 0) {
        last->ties = self->ties->len + 1;
        g_ptr_array_add(self->ties, (gpointer)last->name);
      } else
        g_ptr_array_set_size(self->ties, self->ties->len - 1); /* drop the run's NULL */
      g_ptr_array_add(self->ties, (gpointer)t->sym.name);
      g_ptr_array_add(self->ties, NULL);
      continue;
    }
    kept = t;
    g_array_append_val(self->syms, t->sym);
  }
  /* perf's symbols__fixup_end: an unsized symbol runs to the next one */
  for (guint i = 0; i < self->syms->len; i++) {
    FkElfSym *s = &g_array_index(self->syms, FkElfSym, i);
    if (s->end <= s->start)
      s->end = i + 1 < self->syms->len ? g_array_index(self->syms, FkElfSym, i + 1).start
                                       : s->start + 4096 - (s->start & 4095);
  }
}

const FkElfSym *
fk_elf_symbol_at(FkElf *self, guint64 vaddr)
{
  if (self->syms == NULL)
    load_symbols(self);
  /* the last symbol starting at or before VADDR; sizes may overlap (a
   * sized symbol nested in a larger one), so look back a few entries */
  guint lo = FK_SORTED_UPTO(self->syms, FkElfSym, start, vaddr);
  for (guint i = lo, k = 0; i > 0 && k < 4; i--, k++) {
    const FkElfSym *s = &g_array_index(self->syms, FkElfSym, i - 1);
    if (vaddr < s->end)
      return s;
  }
  return NULL;
}

/* An ifunc's name for its PLT stub: the symbol this file's table names at
 * its resolver, by the same rules as any sample there. */
static const char *
resolver_name(gpointer data, guint64 addr)
{
  const FkElfSym *s = fk_elf_symbol_at(data, addr);
  return s != NULL && s->start == addr ? s->name : NULL;
}

const FkElfSym *
fk_elf_plt_at(FkElf *self, guint64 vaddr)
{
  if (!self->has_code)
    return NULL;
  if (self->plt == NULL)
    self->plt = fk_plt_new(self->elf, resolver_name, self);
  const FkPltStub *st = fk_plt_at(self->plt, vaddr);
  if (st == NULL)
    return NULL;
  self->plt_sym = (FkElfSym){st->start, st->end, st->name, 0};
  return &self->plt_sym;
}

gboolean
fk_elf_symbol_tied(const FkElf *self, const FkElfSym *sym, const char *name)
{
  if (sym->ties == 0 || self->ties == NULL)
    return FALSE;
  for (guint i = sym->ties - 1; i < self->ties->len; i++) {
    const char *n = g_ptr_array_index(self->ties, i);
    if (n == NULL)
      return FALSE;
    if (strcmp(n, name) == 0)
      return TRUE;
  }
  return FALSE;
}

gsize
fk_elf_symbol_count(FkElf *self)
{
  if (self->syms == NULL)
    load_symbols(self);
  return self->syms->len;
}

gboolean
fk_elf_has_symtab(const FkElf *self)
{
  return self->has_symtab;
}

gboolean
fk_elf_has_dwarf(const FkElf *self)
{
  return self->has_dwarf;
}

gboolean
fk_elf_has_code(const FkElf *self)
{
  return self->has_code;
}

const char *
fk_elf_debuglink(const FkElf *self)
{
  return self->debuglink;
}

Elf *
fk_elf_handle(const FkElf *self)
{
  return self->elf;
}

char *
fk_build_id_hex(const guint8 *id, gsize len)
{
  if (id == NULL || len == 0)
    return NULL;
  GString *s = g_string_sized_new(len * 2);
  for (gsize i = 0; i < len; i++)
    g_string_append_printf(s, "%02x", id[i]);
  return g_string_free(s, FALSE);
}
