/* data.c -- the perf.data reader: `perf record` captures, symbolized offline.
 *
 * Reads file mode (seekable: mmap'd, or held in memory up to a limit) and pipe
 * mode (`perf record -o -`, streamed), in either byte order; the attrs and
 * their ids; the feature sections (host, OS release, arch, CPUs, command line,
 * event names, build ids, clock); zstd-compressed records (`-z`). Records are
 * replayed in time order within FINISHED_ROUND windows, as perf does, so that
 * the MMAP/COMM/FORK records that build each process's maps are applied before
 * the samples that need them. Each sample's callchain is split at its context
 * markers and every address is handed to the symbolizer with its mapping.
 * docs/formats/perf-data.md says what is read, what is skipped and how this
 * differs from perf. */
#include "../reader.h"

#include "../framename.h"
#include "../bits.h"
#include "../names.h"
#include "abi.h"
#include "handover.h"
#include "maps.h"
#include "pager.h"
#include "options.h"
#include "stackcache.h"
#include "symfiles.h"
#include "user-stack.h"

#include <string.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <zstd.h>

#define PD_DEFAULT_MAX_BUFFER (G_GUINT64_CONSTANT(1) << 32)
#define PD_MAX_DECOMPRESSED (256u << 20) /* pending decompressed bytes */
#define PD_MAX_ATTRS 4096
#define PD_MAX_IDS (1u << 20)    /* event ids kept, over all attrs */
#define PD_MAX_QUEUED (1u << 22) /* records waiting for a FINISHED_ROUND */
#define PD_HEADER_AHEAD 4        /* records on whose header outer_next asks for */
#define PD_PREFETCH_RECORD 1024  /* bytes of the next record asked for (prefetch_event) */

typedef struct {
  guint32 type, size;
  guint64 config, sample_period, sample_type, read_format, flags;
  const char *name; /* interned; NULL until known */
  guint64 samples;  /* emitted */
  guint64 period;   /* summed over emitted samples */
  guint64 first_id;
  gboolean has_id;
  guint64 branch_sample_type, sample_regs_user; /* 0 in attrs too old to have them */
} PdAttr;

/* One record waiting for its turn in time order. */
typedef struct {
  guint64 time, seq, offset;
  const guint8 *rec;
  guint8 *owned; /* rec's copy when the source is not stable, else NULL */
  guint32 size;
} PdEvent;

typedef struct {
  PdAttr *attr;
  guint64 ip, time, period, id;
  gint64 pid, tid;
  gint32 cpu;
  gboolean has_ip, has_time, has_period, has_tid, has_cpu, has_chain;
  const guint8 *chain; /* nr raw u64s */
  guint64 nr;
  /* --call-graph dwarf: REGS_USER (n_uregs u64s, none when the abi is 0)
   * and STACK_USER (ustack_dyn valid bytes of ustack_size reserved) */
  gboolean has_ustack;
  const guint8 *uregs, *ustack;
  guint n_uregs;
  guint64 ustack_size, ustack_dyn;
} PdFields;

typedef struct {
  guint64 addr;
  guint8 mode; /* PD_CPUMODE_*, or PD_ADDR_TRUNCATED */
} PdAddr;

/* The decoder's comm of a thread and how its JIT frames are named
 * (thread_name). */
typedef struct {
  gint64 pid, tid;
  guint64 stamp;    /* pd_maps_comm_stamp + 1 when made; 0: empty */
  const char *comm; /* in pd->strings1, NULL: none known */
  FkNameFlags jit_names;
} PdThreadName;

/* Samples with at least this many addresses go through the stack cache. */
#define PD_STACK_CACHE_MIN 4

/* A batch of the decoder's (below) holds at most this many samples or
 * addresses, and at most PD_BATCHES_WAITING full ones wait for the
 * symbolizing side: a few MiB ahead at most. PD_BATCHES_FIRST while that
 * side is on its first batch, loading its debug files (see handover.h): a
 * DWARF capture of wordstats filled 8 of them then, and its run took 15%
 * less time than when 4 held the decoder back; a frame-pointer capture
 * of python3.11 (its decoder faster than the symbolizing side) filled all
 * 12 and peaked 4% higher (80 MB against 77), the same in time. */
#define PD_BATCH_SAMPLES 2048
/* on one thread a batch is used up at once: a small one stays in cache */
#define PD_BATCH_SAMPLES_ONE 256
#define PD_BATCH_ADDRS 131072
#define PD_BATCHES_WAITING 4
#define PD_BATCHES_FIRST 12
#define PD_NO_MAP G_MAXUINT32
#define PD_NO_STACK G_MAXUINT32

/* An address of a sample with the mapping it fell in when it was sampled
 * (an index into its batch's maps, PD_NO_MAP: none). */
typedef struct {
  guint64 addr;
  guint32 map;
  guint8 mode; /* PD_CPUMODE_*, or PD_ADDR_TRUNCATED */
} PdResAddr;

/* A mapping the unwinder met first in a sample: the symbolizing side asks
 * its symbolizer for the same files in the same order, so that its notes
 * (a missing ELF file) and its early DWARF loads come as on one thread. */
typedef struct {
  guint64 pc;
  guint32 map;
} PdTouch;

/* One sample as the decoder hands it over: its labels, and either the id of
 * a stack symbolized before or its addresses (leaf first) to symbolize. */
typedef struct {
  gint64 weight; /* an integer weight (fk_weight_int) */
  guint64 time;
  const char *event, *comm, *host; /* in pd->strings1; comm NULL: none known */
  gint32 pid, tid, cpu;            /* pid_t, as the record has them */
  guint32 stack;                   /* id in the stack table, PD_NO_STACK: not cached */
  guint32 addr_from, n_addrs, touch_from, n_touch;
  guint8 jit_names; /* FkNameFlags */
  guint8 period, has_time, has_tid;
  guint8 fresh; /* symbolize the addresses and keep the frames under stack */
  guint8 reset; /* the stack table starts over (at this stack's id) first */
} PdItem;
G_STATIC_ASSERT(sizeof(PdItem) <= 80); /* batches are written on one core, read on another */

/* The decoder's messages that came before item ITEM (ITEM == the number of
 * items: after the last). */
typedef struct {
  guint item;
  FkDiag *diag;
} PdBatchDiag;

/* A batch's growing array: kept from batch to batch, so it grows only at
 * first (GArray's append cost a sixth of a frame-pointer capture's time). */
typedef struct {
  guint8 *data;
  guint len, cap;
} PdVec;

static void
pd_vec_grow(PdVec *v, gsize elt)
{
  v->cap = MAX(v->cap * 2, 64);
  v->data = g_realloc_n(v->data, v->cap, elt);
}

/* Room for one more element of ELT bytes at the end of V. */
static inline gpointer
pd_vec_push(PdVec *v, gsize elt)
{
  if (v->len == v->cap)
    pd_vec_grow(v, elt);
  return v->data + elt * v->len++;
}

#define PD_VEC_AT(v, type, i) (((type *)(gpointer)(v).data)[i])

typedef struct {
  PdVec items;      /* PdItem */
  PdVec addrs;      /* PdResAddr */
  PdVec maps;       /* PdMap: copies, as they were at the sample */
  PdVec touch;      /* PdTouch */
  GArray *diags;    /* PdBatchDiag */
  FkReadStatus end; /* FK_READ_SAMPLE: more follow; FK_READ_END; FK_READ_ERROR: error */
  GError *error;
} PdBatch;

/* The symbolizing side's root frame and comm of a thread (thread_label). */
typedef struct {
  gint64 pid, tid;
  const char *comm1; /* the decoder's comm it was made for */
  gboolean used;
  const char *comm, *pname;
} PdThreadLabel;

/* A dso the symbolizing side asked the symbolizer for, by the mapping's
 * path and build id: the path is interned in pd->strings1, so that its
 * pointer tells paths apart (the symbolizer compares the strings and the
 * ids for every address: 155 instructions, a ninth of the symbolizing
 * thread on a frame-pointer capture of python3.11). */
typedef struct {
  const char *path; /* NULL: an empty entry */
  guint8 build_id[20], build_id_len;
  FkSymDso *dso; /* NULL: not a file's (kallsyms, JIT memory): fk_symbolizer_lookup */
} PdDsoSeen;

/* The root-side marker of a user stack cut by the stack copy size. */
#define PD_ADDR_TRUNCATED 0xff

typedef struct {
  FkInput *in;
  const FkReadOptions *opts;
  const FkPerfDataOptions *own; /* opts->own[FK_READER_SLOT_PERF_DATA], or the defaults */
  gboolean swap, pipe;
  const char *file, *host;

  /* file mode: the whole file */
  const guint8 *mem;
  gsize mem_len;
  void *map_addr;
  guint64 dropped; /* pages of the mapping below this were given back */
  PdPager *pager;  /* with a decoder's thread: maps pages in and gives them back */
  GBytes *bytes;
  guint64 pos, end; /* next record, end of the data section */
  guint64 data_offset, data_size;

  /* pipe mode */
  GByteArray *rbuf;
  guint64 stream_pos;

  /* -z */
  ZSTD_DCtx *zctx;
  GByteArray *zbuf;
  gsize zpos;
  guint64 zoffset; /* offset of the compressed record being consumed */
  guint64 zrecords;

  GArray *attrs;   /* PdAttr */
  GHashTable *ids; /* guint64* id -> GUINT_TO_POINTER(index + 1) */
  GArray *queue;   /* PdEvent, not yet due */
  GArray *ready;   /* PdEvent, in order */
  guint ready_pos;
  guint64 seq, max_time, flush_limit;
  gboolean done;

  /* Two sides, each with state of its own (docs/ARCHITECTURE.md): the
   * decoder (records, maps, unwinding, which stacks were seen) and the
   * symbolizing side (the symbolizer, names, the frames of each stack).
   * They share only PdBatches, handed over in order, and what neither
   * changes after open (the options, attrs' numbers, the features). With
   * two threads the decoder runs on a thread of its own; with one (-j 1,
   * pipe mode) perf_data_next fills a batch whenever it has run out. */
  FkInterner *strings1; /* the decoder's: paths, comms, events, hosts */
  PdBatch *fill;        /* the batch the decoder fills; NULL outside decoding */
  PdHandover *handover; /* two threads: the batches between them */
  GThread *decoder;
  guint batch_samples; /* most samples in a batch */

  PdMaps *maps;
  FkSymbolizeOptions symopts;
  FkSymbolizeOptions usymopts;
  FkSymbolizer *usym;    /* the unwinder's own, on the decoder's side: no notes, no DWARF */
  FkDiag *udiag;         /* its notes, dropped: the symbolizing side gives them */
  GArray *addrs;         /* PdAddr, leaf first */
  GHashTable *build_ids; /* path in strings1 -> GBytes */
  PdUnwindMethod unwind_method;
  PdUnwind *unwind;     /* made with the symbolizer, for captures with user stacks */
  GArray *uframes;      /* FkUnwindFrame, one sample's */
  PdStackCache *stacks; /* a stack's id by what its frames depend on (stack_key) */
  GArray *key;          /* guint64: the open sample's key */
  guint64 stack_lookups;
  guint32 next_stack;  /* the id the next stack stored gets */
  gboolean stacks_off; /* too few stacks repeat for the cache to pay */

  /* features */
  char *hostname, *osrelease, *arch, *cmdline, *version;
  guint32 nr_cpus_avail, nr_cpus_online;
  gboolean has_nrcpus, has_clockid, has_compressed;
  guint64 clockid_res_ns;
  guint32 comp_type, comp_level, comp_ratio;
  GPtrArray *build_id_list; /* "HEX PATH" strings, for describe */

  /* counts */
  guint64 samples, lost, lost_samples, rejected, bad, unknown_id, data_maps;
  guint64 time_min, time_max;
  guint64 skips;            /* skip reports made */
  const char *event_filter; /* interned: the event read; NULL until the first sample */
  guint64 other_samples;    /* samples of other events, not read */
  PdThreadName names[64];   /* by tid */
  const char *host_name;    /* hostname in strings1, for the hostname it was made of */
  const char *host_of;
  gboolean torn_noted;

  /* The symbolizing side's own, written for every sample on its thread:
   * apart from everything the decoder writes, by more than a cache line
   * pair each side (Intel's adjacent-line prefetcher fetches 128 bytes),
   * so that neither thread's writes take the other's cache lines away.
   * Sharing a line with the decoder's pd->fill, pd->samples and time_max
   * made reading pd->cur for every sample a cross-core miss: 7% of the
   * symbolizing thread's time on a 200k-sample frame-pointer capture. */
  char apart_before[128];
  gboolean decoder_done; /* its last batch was popped, or it was stopped */
  PdBatch *cur;          /* the symbolizing side's batch */
  guint cur_item, cur_diag;
  FkSymbolizer *sym; /* made at the first sample, once pipe-mode features are in */
  GPtrArray *frames;
  guint frames_room;     /* at most what pd->frames has room for (frames_append) */
  FkNameFlags jit_names; /* how the open sample's JIT frames are named (its comm) */
  gboolean kernel_soon;  /* the symbolizer was told kernel frames are coming */
  guint64 deep;          /* samples cut to the most frames */
  GString *scratch;
  /* the symbolizing side's stack table: the frames of stack id table_base +
   * i at table_spans[i] (offset, count into table_frames) */
  GPtrArray *table_frames;
  GArray *table_spans;
  guint32 table_base;
  GHashTable *labels; /* path in strings1 -> `[dso]` label */
  const char *event1, *event_pub, *hostname1, *hostname_pub;
  PdThreadLabel labels_by_tid[64];
  PdDsoSeen dsos[4]; /* newest first: a stack goes back and forth between a few */
  char apart_after[128];
} PerfData;
/* The symbolizing side's block is the struct's tail, with its pads whole:
 * a field added after apart_after, or a pad cut, fails the build. */
G_STATIC_ASSERT(offsetof(PerfData, decoder_done) - offsetof(PerfData, apart_before) >= 128);
G_STATIC_ASSERT(sizeof(PerfData) - offsetof(PerfData, apart_after) == 128);

/* ---- byte access ---- */

static inline guint64
ld64(const PerfData *pd, const guint8 *p)
{
  guint64 v;
  memcpy(&v, p, 8);
  return pd->swap ? GUINT64_SWAP_LE_BE(v) : v;
}

static inline guint32
ld32(const PerfData *pd, const guint8 *p)
{
  guint32 v;
  memcpy(&v, p, 4);
  return pd->swap ? GUINT32_SWAP_LE_BE(v) : v;
}

static inline guint16
ld16(const PerfData *pd, const guint8 *p)
{
  guint16 v;
  memcpy(&v, p, 2);
  return pd->swap ? GUINT16_SWAP_LE_BE(v) : v;
}

static char *
where_at(const PerfData *pd, guint64 offset)
{
  return g_strdup_printf("%s:0x%" G_GINT64_MODIFIER "x", fk_input_name(pd->in), offset);
}

/* Where the decoder reports: the reader's diag while opening, else a diag
 * of the batch being filled, placed before the sample that comes next, so
 * that the symbolizing side moves it to the reader's between the samples
 * it came between (fk_diag_move keeps the order and the limits). */
static FkDiag *
decoder_diag(PerfData *pd)
{
  PdBatch *b = pd->fill;
  if (b == NULL)
    return pd->opts->diag;
  if (b->diags->len > 0) {
    PdBatchDiag *last = &g_array_index(b->diags, PdBatchDiag, b->diags->len - 1);
    if (last->item == b->items.len)
      return last->diag;
  }
  PdBatchDiag d = {b->items.len, fk_diag_new_like(pd->opts->diag)};
  g_array_append_val(b->diags, d);
  return d.diag;
}

static void note_at(PerfData *pd, guint64 offset, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
static void
note_at(PerfData *pd, guint64 offset, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  g_autofree char *msg = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  g_autofree char *where = where_at(pd, offset);
  fk_diag_note(decoder_diag(pd), where, "%s", msg);
}

static void skip_at(PerfData *pd, guint64 offset, const FkWeight *w, const char *fmt, ...)
    G_GNUC_PRINTF(4, 5);
static void
skip_at(PerfData *pd, guint64 offset, const FkWeight *w, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  g_autofree char *msg = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  g_autofree char *where = where_at(pd, offset);
  fk_diag_skip(decoder_diag(pd), where, w, "%s", msg);
  pd->skips++;
}

/* A feature string: {u32 len; char str[len]} NUL-padded. Advances *P. */
static char *
read_string(PerfData *pd, const guint8 **p, const guint8 *end)
{
  if (end - *p < 4)
    return NULL;
  guint32 len = ld32(pd, *p);
  if ((guint64)(end - *p - 4) < len)
    return NULL;
  const char *s = (const char *)*p + 4;
  *p += 4 + (gsize)len;
  return g_strndup(s, strnlen(s, len));
}

/* ---- attrs and events ---- */

static const char *
default_event_name(guint32 type, guint64 config, char *buf, gsize n)
{
  static const char *const hw[] = {"cycles",
                                   "instructions",
                                   "cache-references",
                                   "cache-misses",
                                   "branch-instructions",
                                   "branch-misses",
                                   "bus-cycles",
                                   "stalled-cycles-frontend",
                                   "stalled-cycles-backend",
                                   "ref-cycles"};
  static const char *const sw[] = {
      "cpu-clock",        "task-clock",   "page-faults",  "context-switches",
      "cpu-migrations",   "minor-faults", "major-faults", "alignment-faults",
      "emulation-faults", "dummy",        "bpf-output",   "cgroup-switches"};
  if (type == 0 && config < G_N_ELEMENTS(hw))
    return hw[config];
  if (type == 1 && config < G_N_ELEMENTS(sw))
    return sw[config];
  g_snprintf(buf, n, "raw-%u-0x%" G_GINT64_MODIFIER "x", type, config);
  return buf;
}

/* Parses a perf_event_attr of N bytes at P. The flags bitfield of a file of
 * the other byte order has its bits reversed within each byte (perf's
 * swap_bitfield): the compiler allocates bitfields from the other end. */
static gboolean
parse_attr(PerfData *pd, const guint8 *p, gsize n, PdAttr *a)
{
  if (n < PD_ATTR_SIZE_VER0)
    return FALSE;
  memset(a, 0, sizeof *a);
  a->type = ld32(pd, p);
  a->size = ld32(pd, p + 4);
  a->config = ld64(pd, p + 8);
  a->sample_period = ld64(pd, p + 16);
  a->sample_type = ld64(pd, p + 24);
  a->read_format = ld64(pd, p + 32);
  if (pd->swap) {
    guint64 f = 0;
    for (guint i = 0; i < 8; i++) {
      guint8 b = p[40 + i], r = 0;
      for (guint k = 0; k < 8; k++)
        if (b & (1u << k))
          r |= (guint8)(0x80u >> k);
      f |= (guint64)r << (8 * i);
    }
    a->flags = f;
  } else {
    memcpy(&a->flags, p + 40, 8);
  }
  /* attr sizes: VER2 (80) adds branch_sample_type, VER3 (96) the user regs */
  if (n >= 80)
    a->branch_sample_type = ld64(pd, p + 72);
  if (n >= 96)
    a->sample_regs_user = ld64(pd, p + 80);
  return TRUE;
}

static void
add_attr(PerfData *pd, const PdAttr *a, const guint8 *ids, guint64 n_ids)
{
  if (pd->attrs->len >= PD_MAX_ATTRS)
    return;
  PdAttr copy = *a;
  guint index = pd->attrs->len;
  for (guint64 i = 0; i < n_ids && g_hash_table_size(pd->ids) < PD_MAX_IDS; i++) {
    guint64 id = ld64(pd, ids + 8 * i);
    if (i == 0) {
      copy.first_id = id;
      copy.has_id = TRUE;
    }
    g_hash_table_insert(pd->ids, g_memdup2(&id, sizeof id), GUINT_TO_POINTER(index + 1));
  }
  g_array_append_val(pd->attrs, copy);
}

static PdAttr *
attr_by_id(PerfData *pd, guint64 id)
{
  gpointer v = g_hash_table_lookup(pd->ids, &id);
  if (v == NULL)
    return NULL;
  return &g_array_index(pd->attrs, PdAttr, GPOINTER_TO_UINT(v) - 1);
}

static void
name_attr(PerfData *pd, guint64 id, guint index, const char *name)
{
  PdAttr *a = attr_by_id(pd, id);
  if (a == NULL && index < pd->attrs->len)
    a = &g_array_index(pd->attrs, PdAttr, index);
  if (a != NULL)
    a->name = fk_event_intern(pd->strings1, name, strlen(name));
}

static const char *
attr_name(PerfData *pd, PdAttr *a)
{
  if (a->name == NULL) {
    char buf[64];
    a->name =
        fk_interner_intern0(pd->strings1, default_event_name(a->type, a->config, buf, sizeof buf));
  }
  return a->name;
}

/* ---- feature sections ---- */

static void
parse_build_id_entry(PerfData *pd, const guint8 *p, gsize n)
{
  /* {header; s32 pid; u8 build_id[24] (20 + u8 size + pad); char filename[]} */
  if (n < 36)
    return;
  guint16 misc = ld16(pd, p + 4);
  gsize len = 20;
  if (misc & PD_MISC_BUILD_ID_SIZE)
    len = MIN(p[12 + 20], 20);
  const char *fn = (const char *)p + 36;
  g_autofree char *path = g_strndup(fn, strnlen(fn, n - 36));
  if (path[0] == '\0')
    return;
  /* Trailing zero bytes are padding in 20-byte ids written without a size. */
  if (!(misc & PD_MISC_BUILD_ID_SIZE))
    while (len > 0 && p[12 + len - 1] == 0)
      len--;
  if (len == 0)
    return;
  const char *ipath = fk_interner_intern0(pd->strings1, path);
  g_hash_table_replace(pd->build_ids, (gpointer)ipath, g_bytes_new(p + 12, len));
  GString *s = g_string_new(NULL);
  for (gsize i = 0; i < len; i++)
    g_string_append_printf(s, "%02x", p[12 + i]);
  g_string_append_printf(s, " %s", path);
  g_ptr_array_add(pd->build_id_list, g_string_free(s, FALSE));
}

static void
parse_feature(PerfData *pd, guint feat, const guint8 *p, gsize n)
{
  const guint8 *end = p + n;
  const guint8 *q = p;
  switch (feat) {
  case PD_FEAT_HOSTNAME:
    g_free(pd->hostname);
    pd->host_of = NULL; /* the next may be made at the same address */
    pd->hostname = read_string(pd, &q, end);
    break;
  case PD_FEAT_OSRELEASE:
    g_free(pd->osrelease);
    pd->osrelease = read_string(pd, &q, end);
    break;
  case PD_FEAT_ARCH:
    g_free(pd->arch);
    pd->arch = read_string(pd, &q, end);
    break;
  case PD_FEAT_VERSION:
    g_free(pd->version);
    pd->version = read_string(pd, &q, end);
    break;
  case PD_FEAT_NRCPUS:
    if (n >= 8) {
      pd->nr_cpus_avail = ld32(pd, p);
      pd->nr_cpus_online = ld32(pd, p + 4);
      pd->has_nrcpus = TRUE;
    }
    break;
  case PD_FEAT_CMDLINE: {
    if (n < 4)
      break;
    guint32 nr = ld32(pd, p);
    q = p + 4;
    GString *s = g_string_new(NULL);
    for (guint32 i = 0; i < nr; i++) {
      g_autofree char *arg = read_string(pd, &q, end);
      if (arg == NULL)
        break;
      if (i > 0)
        g_string_append_c(s, ' ');
      g_string_append(s, arg);
    }
    g_free(pd->cmdline);
    pd->cmdline = g_string_free(s, FALSE);
    break;
  }
  case PD_FEAT_EVENT_DESC: {
    /* u32 nr; u32 attr_size; nr * {attr; u32 nr_ids; string name; u64 ids[nr_ids]} */
    if (n < 8)
      break;
    guint32 nr = ld32(pd, p), asz = ld32(pd, p + 4);
    q = p + 8;
    for (guint32 i = 0; i < nr; i++) {
      if ((guint64)(end - q) < (guint64)asz + 4)
        break;
      q += asz;
      guint32 nids = ld32(pd, q);
      q += 4;
      g_autofree char *name = read_string(pd, &q, end);
      if (name == NULL || (guint64)(end - q) / 8 < nids)
        break;
      guint64 id = nids > 0 ? ld64(pd, q) : G_MAXUINT64;
      name_attr(pd, id, i, name);
      q += 8 * (gsize)nids;
    }
    break;
  }
  case PD_FEAT_BUILD_ID:
    while (end - q >= 8) {
      guint16 sz = ld16(pd, q + 6);
      if (sz < 8 || sz > end - q)
        break;
      parse_build_id_entry(pd, q, sz);
      q += sz;
    }
    break;
  case PD_FEAT_CLOCKID:
    if (n >= 8) {
      pd->clockid_res_ns = ld64(pd, p);
      pd->has_clockid = TRUE;
    }
    break;
  case PD_FEAT_COMPRESSED:
    if (n >= 16) {
      pd->comp_type = ld32(pd, p + 4);
      pd->comp_level = ld32(pd, p + 8);
      pd->comp_ratio = ld32(pd, p + 12);
      pd->has_compressed = TRUE;
    }
    break;
  default:
    break; /* the rest: skipped by size */
  }
}

/* ---- sample parsing ---- */

static PdAttr *
first_attr(PerfData *pd)
{
  return pd->attrs->len ? &g_array_index(pd->attrs, PdAttr, 0) : NULL;
}

/* The attr a SAMPLE record belongs to, found by id at the position the first
 * attr's sample_type puts it (perf requires all attrs to agree on it). NULL
 * when the id is unknown. */
static PdAttr *
sample_attr(PerfData *pd, const guint8 *rec, guint32 size)
{
  PdAttr *a0 = first_attr(pd);
  if (a0 == NULL)
    return NULL;
  if (pd->attrs->len == 1)
    return a0;
  guint64 st = a0->sample_type;
  guint idx;
  if (st & PD_SAMPLE_IDENTIFIER)
    idx = 0;
  else if (st & PD_SAMPLE_ID)
    idx = fk_popcount64(st & (PD_SAMPLE_IP | PD_SAMPLE_TID | PD_SAMPLE_TIME | PD_SAMPLE_ADDR));
  else
    return a0;
  if (8 + 8 * (guint64)idx + 8 > size)
    return NULL;
  return attr_by_id(pd, ld64(pd, rec + 8 + 8 * idx));
}

static const guint64 trailer_bits = PD_SAMPLE_TID | PD_SAMPLE_TIME | PD_SAMPLE_ID |
                                    PD_SAMPLE_STREAM_ID | PD_SAMPLE_CPU | PD_SAMPLE_IDENTIFIER;

/* The time in a non-sample record's sample_id trailer; FALSE when it has none. */
static gboolean
other_time(PerfData *pd, const guint8 *rec, guint32 size, guint64 *time)
{
  PdAttr *a = first_attr(pd);
  if (a == NULL || !(a->flags & PD_ATTR_FLAG_SAMPLE_ID_ALL))
    return FALSE;
  guint64 st = a->sample_type;
  if (pd->attrs->len > 1) {
    /* Locate the id from the end and use that attr's layout. */
    guint64 id = 0;
    gboolean have = FALSE;
    if ((st & PD_SAMPLE_IDENTIFIER) && size >= 16) {
      id = ld64(pd, rec + size - 8);
      have = TRUE;
    } else if (st & PD_SAMPLE_ID) {
      guint from_end = 1 + !!(st & PD_SAMPLE_STREAM_ID) + !!(st & PD_SAMPLE_CPU);
      if (size >= 8 + 8 * from_end) {
        id = ld64(pd, rec + size - 8 * from_end);
        have = TRUE;
      }
    }
    PdAttr *b = have ? attr_by_id(pd, id) : NULL;
    if (b != NULL) {
      if (!(b->flags & PD_ATTR_FLAG_SAMPLE_ID_ALL))
        return FALSE;
      st = b->sample_type;
    }
  }
  if (!(st & PD_SAMPLE_TIME))
    return FALSE;
  guint n = fk_popcount64(st & trailer_bits);
  if (size < 8 + 8 * (guint64)n)
    return FALSE;
  const guint8 *p = rec + size - 8 * n;
  if (st & PD_SAMPLE_TID)
    p += 8;
  *time = ld64(pd, p);
  return TRUE;
}

/* Size of a READ field, by read_format; G_MAXUINT64 when it cannot fit. */
static guint64
read_size(PerfData *pd, PdAttr *a, const guint8 *p, const guint8 *end)
{
  guint64 rf = a->read_format;
  guint64 per = 8 * (1 + !!(rf & PD_FORMAT_ID) + !!(rf & PD_FORMAT_LOST));
  guint64 times =
      8 * (!!(rf & PD_FORMAT_TOTAL_TIME_ENABLED) + !!(rf & PD_FORMAT_TOTAL_TIME_RUNNING));
  if (!(rf & PD_FORMAT_GROUP))
    return per + times;
  if (end - p < 8)
    return G_MAXUINT64;
  guint64 nr = ld64(pd, p);
  if (nr > (guint64)(end - p) / per)
    return G_MAXUINT64;
  return 8 + times + nr * per;
}

/* parse_sample sets PdFields field by field; this size changes with a new
 * field, which must then be set there too (on 64-bit hosts; 32-bit ones
 * lay the struct out otherwise). */
G_STATIC_ASSERT(GLIB_SIZEOF_VOID_P != 8 || sizeof(PdFields) == 152);

/* Parses a SAMPLE record's fields up to the callchain. FALSE when it does not
 * fit its size. */
static gboolean
parse_sample(PerfData *pd, PdAttr *a, const guint8 *rec, guint32 size, PdFields *f)
{
  /* every field set, not memset: rep stos of the whole struct was a tenth
   * of apply_event, and a compound literal compiles to the same rep stos */
  f->attr = a;
  f->ip = f->time = f->period = f->id = 0;
  f->pid = f->tid = -1;
  f->cpu = -1;
  f->has_ip = f->has_time = f->has_period = f->has_tid = f->has_cpu = f->has_chain = FALSE;
  f->chain = NULL;
  f->nr = 0;
  f->has_ustack = FALSE;
  f->uregs = f->ustack = NULL;
  f->n_uregs = 0;
  f->ustack_size = f->ustack_dyn = 0;
  const guint8 *p = rec + 8, *end = rec + size;
  guint64 st = a->sample_type;
#define NEED(n)                                                                                    \
  do {                                                                                             \
    if ((guint64)(end - p) < (guint64)(n))                                                         \
      return FALSE;                                                                                \
  } while (0)
  if (st & PD_SAMPLE_IDENTIFIER) {
    NEED(8);
    f->id = ld64(pd, p);
    p += 8;
  }
  if (st & PD_SAMPLE_IP) {
    NEED(8);
    f->ip = ld64(pd, p);
    f->has_ip = TRUE;
    p += 8;
  }
  if (st & PD_SAMPLE_TID) {
    NEED(8);
    f->pid = (gint32)ld32(pd, p); /* pid_t: -1 for no task */
    f->tid = (gint32)ld32(pd, p + 4);
    f->has_tid = TRUE;
    p += 8;
  }
  if (st & PD_SAMPLE_TIME) {
    NEED(8);
    f->time = ld64(pd, p);
    f->has_time = TRUE;
    p += 8;
  }
  if (st & PD_SAMPLE_ADDR) {
    NEED(8);
    p += 8;
  }
  if (st & PD_SAMPLE_ID) {
    NEED(8);
    f->id = ld64(pd, p);
    p += 8;
  }
  if (st & PD_SAMPLE_STREAM_ID) {
    NEED(8);
    p += 8;
  }
  if (st & PD_SAMPLE_CPU) {
    NEED(8);
    f->cpu = (gint32)ld32(pd, p);
    f->has_cpu = TRUE;
    p += 8;
  }
  if (st & PD_SAMPLE_PERIOD) {
    NEED(8);
    f->period = ld64(pd, p);
    f->has_period = TRUE;
    p += 8;
  }
  if (st & PD_SAMPLE_READ) {
    guint64 rs = read_size(pd, a, p, end);
    if (rs == G_MAXUINT64)
      return FALSE;
    NEED(rs);
    p += rs;
  }
  if (st & PD_SAMPLE_CALLCHAIN) {
    NEED(8);
    f->nr = ld64(pd, p);
    p += 8;
    if (f->nr > (guint64)(end - p) / 8)
      return FALSE; /* perf: "the callchain is corrupted" */
    f->chain = p;
    f->has_chain = TRUE;
    p += 8 * f->nr;
  }
  /* The user registers and stack of --call-graph dwarf come after RAW and
   * BRANCH_STACK; a sample that cannot hold them keeps its callchain. */
  if (st & (PD_SAMPLE_REGS_USER | PD_SAMPLE_STACK_USER)) {
    if (st & PD_SAMPLE_RAW) {
      if (end - p < 4)
        return TRUE;
      guint64 rs = ld32(pd, p);
      if (rs > (guint64)(end - p) - 4)
        return TRUE;
      p += 4 + rs;
    }
    if (st & PD_SAMPLE_BRANCH_STACK) {
      if (end - p < 8)
        return TRUE;
      guint64 bnr = ld64(pd, p);
      p += 8;
      if (a->branch_sample_type & PD_BRANCH_HW_INDEX) {
        if (end - p < 8)
          return TRUE;
        p += 8;
      }
      if (bnr > (guint64)(end - p) / 24)
        return TRUE;
      p += 24 * bnr;
    }
    if (st & PD_SAMPLE_REGS_USER) {
      if (end - p < 8)
        return TRUE;
      guint64 abi = ld64(pd, p);
      p += 8;
      if (abi != 0) {
        guint n = fk_popcount64(a->sample_regs_user);
        if ((guint64)(end - p) / 8 < n)
          return TRUE;
        f->uregs = p;
        f->n_uregs = n;
        p += 8u * n;
      }
    }
    if (st & PD_SAMPLE_STACK_USER) {
      if (end - p < 8)
        return TRUE;
      guint64 ss = ld64(pd, p);
      p += 8;
      if (ss > (guint64)(end - p) || (ss > 0 && (guint64)(end - p) - ss < 8))
        return TRUE;
      f->ustack = p;
      f->ustack_size = ss;
      f->ustack_dyn = ss > 0 ? ld64(pd, p + ss) : 0;
      f->has_ustack = TRUE;
    }
  }
#undef NEED
  return TRUE;
}

/* A SAMPLE record's time for the time-order queue, when it has one and
 * parse_sample would accept the record (the queue's test): the fields are
 * stepped over, not stored, since apply_event parses the record again. */
static gboolean
sample_time(PerfData *pd, PdAttr *a, const guint8 *rec, guint32 size, guint64 *time)
{
  guint64 st = a->sample_type;
  if (!(st & PD_SAMPLE_TIME))
    return FALSE;
  const guint8 *p = rec + 8, *end = rec + size;
  guint64 before = 8u * fk_popcount64(st & (PD_SAMPLE_IDENTIFIER | PD_SAMPLE_IP | PD_SAMPLE_TID));
  guint64 after = 8u * fk_popcount64(st & (PD_SAMPLE_ADDR | PD_SAMPLE_ID | PD_SAMPLE_STREAM_ID |
                                           PD_SAMPLE_CPU | PD_SAMPLE_PERIOD));
  if ((guint64)(end - p) < before + 8 + after)
    return FALSE;
  *time = ld64(pd, p + before);
  p += before + 8 + after;
  if (st & PD_SAMPLE_READ) {
    guint64 rs = read_size(pd, a, p, end);
    if (rs == G_MAXUINT64 || (guint64)(end - p) < rs)
      return FALSE;
    p += rs;
  }
  if (st & PD_SAMPLE_CALLCHAIN) {
    if (end - p < 8)
      return FALSE;
    guint64 nr = ld64(pd, p);
    p += 8;
    if (nr > (guint64)(end - p) / 8)
      return FALSE;
  }
  return TRUE;
}

/* ---- record sources ---- */

/* Reads exactly LEN bytes from the stream unless it ends first: the count. */
static gssize
read_exact(PerfData *pd, guint8 *buf, gsize len, GError **error)
{
  gsize got = 0;
  while (got < len) {
    gssize n = fk_input_read(pd->in, buf + got, len - got, error);
    if (n < 0)
      return -1;
    if (n == 0)
      break;
    got += (gsize)n;
  }
  pd->stream_pos += got;
  return (gssize)got;
}

static gboolean
skip_stream(PerfData *pd, guint64 len, GError **error)
{
  guint8 tmp[8192];
  while (len > 0) {
    gssize n = read_exact(pd, tmp, (gsize)MIN(len, sizeof tmp), error);
    if (n < 0)
      return FALSE;
    if (n == 0)
      return TRUE;
    len -= (guint64)n;
  }
  return TRUE;
}

/* Payload that some records carry after header.size. */
static guint64
extra_payload(PerfData *pd, const guint8 *rec, guint32 size)
{
  guint32 type = ld32(pd, rec);
  if (type == PD_RECORD_AUXTRACE && size >= 16)
    return ld64(pd, rec + 8);
  if (type == PD_RECORD_HEADER_TRACING_DATA && size >= 12)
    return ((guint64)ld32(pd, rec + 8) + 7) & ~(guint64)7;
  return 0;
}

static void
note_torn(PerfData *pd, guint64 offset, guint64 have, const char *what)
{
  if (pd->torn_noted)
    return;
  pd->torn_noted = TRUE;
  /* The torn record is lost: a skip, counted (and failing --strict). */
  skip_at(pd, offset, NULL,
          "%s: the capture ends inside a record (%" G_GUINT64_FORMAT
          " bytes of it present); every complete record before it was used",
          what, have);
}

/* The next record of the file or stream (not of decompressed data): 1 with
 * *REC, *SIZE, *OFFSET set; 0 at the end; -1 with ERROR. *STABLE: *REC stays
 * valid until close. */
static int
outer_next(PerfData *pd, const guint8 **rec, guint32 *size, guint64 *offset, gboolean *stable,
           GError **error)
{
  if (!pd->pipe) {
    for (;;) {
      if (pd->pos >= pd->end)
        return 0;
      guint64 left = pd->end - pd->pos;
      if (left < 8) {
        note_torn(pd, pd->pos, left, "record header");
        return 0;
      }
      const guint8 *r = pd->mem + pd->pos;
      guint16 sz = ld16(pd, r + 6);
      if (sz < 8 || (ld32(pd, r) == 0 && sz == 8)) {
        /* Zero-filled space after the records loses nothing; anything else
         * are records that cannot be read: a counted skip. */
        gboolean zeros = TRUE;
        for (guint64 i = 0; i < left && zeros; i++)
          zeros = r[i] == 0;
        if (zeros)
          note_at(pd, pd->pos,
                  "the remaining %" G_GUINT64_FORMAT
                  " bytes of the data section are zeros; ignored",
                  left);
        else
          skip_at(pd, pd->pos, NULL,
                  "invalid record header (type %u, size %u); the remaining %" G_GUINT64_FORMAT
                  " bytes of the data section are ignored",
                  ld32(pd, r), sz, left);
        pd->pos = pd->end;
        return 0;
      }
      if (sz > left) {
        note_torn(pd, pd->pos, left, "record");
        return 0;
      }
      *rec = r;
      *size = sz;
      *offset = pd->pos;
      *stable = TRUE;
      guint64 extra = extra_payload(pd, r, sz);
      pd->pos += sz;
      pd->pos = extra > pd->end - pd->pos ? pd->end : pd->pos + extra;
      /* Where the header PD_HEADER_AHEAD records on is if they are all
       * this one's size, asked for now: a dwarf capture's samples are (all
       * 16,632 bytes for dwarf,16384 wordstats), so every header is on a
       * page of its own and reading them one after another was a miss, and
       * a TLB miss, each (70% of decode_batch's own cycles). A wrong guess
       * costs one line. */
      guint64 guess = pd->pos + (guint64)(PD_HEADER_AHEAD - 1) * sz;
      if (guess < pd->end)
        __builtin_prefetch(pd->mem + guess);
      return 1;
    }
  }
  guint8 hdr[8];
  guint64 at = pd->stream_pos;
  gssize n = read_exact(pd, hdr, 8, error);
  if (n < 0)
    return -1;
  if (n == 0)
    return 0;
  if (n < 8) {
    note_torn(pd, at, (guint64)n, "record header");
    return 0;
  }
  guint16 sz = ld16(pd, hdr + 6);
  if (sz < 8) {
    skip_at(pd, at, NULL,
            "invalid record header (type %u, size %u); the rest of the stream is ignored",
            ld32(pd, hdr), sz);
    return 0;
  }
  g_byte_array_set_size(pd->rbuf, sz);
  memcpy(pd->rbuf->data, hdr, 8);
  n = read_exact(pd, pd->rbuf->data + 8, sz - 8u, error);
  if (n < 0)
    return -1;
  if ((gsize)n < sz - 8u) {
    note_torn(pd, at, 8 + (guint64)n, "record");
    return 0;
  }
  guint64 extra = extra_payload(pd, pd->rbuf->data, sz);
  if (extra > 0 && !skip_stream(pd, extra, error))
    return -1;
  *rec = pd->rbuf->data;
  *size = sz;
  *offset = at;
  *stable = FALSE;
  return 1;
}

/* Appends the decompressed bytes of one COMPRESSED(2) record to zbuf. */
static void
decompress(PerfData *pd, const guint8 *src, gsize n, guint64 offset)
{
  if (pd->zctx == NULL)
    pd->zctx = ZSTD_createDCtx();
  if (pd->zpos > 0) {
    g_byte_array_remove_range(pd->zbuf, 0, (guint)pd->zpos);
    pd->zpos = 0;
  }
  pd->zoffset = offset;
  pd->zrecords++;
  ZSTD_inBuffer zin = {src, n, 0};
  for (;;) {
    gsize old = pd->zbuf->len;
    gsize room = MAX(ZSTD_DStreamOutSize(), 2 * n);
    g_byte_array_set_size(pd->zbuf, (guint)(old + room));
    ZSTD_outBuffer zout = {pd->zbuf->data + old, room, 0};
    gsize r = ZSTD_decompressStream(pd->zctx, &zout, &zin);
    g_byte_array_set_size(pd->zbuf, (guint)(old + zout.pos));
    if (ZSTD_isError(r)) {
      skip_at(pd, offset, NULL,
              "compressed records that do not decompress (%s); %u pending bytes dropped",
              ZSTD_getErrorName(r), pd->zbuf->len);
      g_byte_array_set_size(pd->zbuf, 0);
      ZSTD_DCtx_reset(pd->zctx, ZSTD_reset_session_only);
      return;
    }
    if (pd->zbuf->len > PD_MAX_DECOMPRESSED) {
      skip_at(pd, offset, NULL,
              "more than %u decompressed bytes without a complete record; dropped",
              PD_MAX_DECOMPRESSED);
      g_byte_array_set_size(pd->zbuf, 0);
      return;
    }
    if (zin.pos == zin.size && zout.pos < room)
      return;
  }
}

/* The next record: from decompressed data first, else from the file. */
static int
next_record(PerfData *pd, const guint8 **rec, guint32 *size, guint64 *offset, gboolean *stable,
            gboolean *inner, GError **error)
{
  gsize left = pd->zbuf->len - pd->zpos;
  if (left >= 8) {
    const guint8 *r = pd->zbuf->data + pd->zpos;
    guint16 sz = ld16(pd, r + 6);
    if (sz < 8) {
      skip_at(pd, pd->zoffset, NULL,
              "invalid record header in compressed data; %" G_GSIZE_FORMAT
              " decompressed bytes dropped",
              left);
      g_byte_array_set_size(pd->zbuf, 0);
      pd->zpos = 0;
    } else if (sz <= left) {
      *rec = r;
      *size = sz;
      *offset = pd->zoffset;
      *stable = FALSE;
      *inner = TRUE;
      pd->zpos += sz;
      return 1;
    }
  }
  *inner = FALSE;
  int rc = outer_next(pd, rec, size, offset, stable, error);
  if (rc == 0 && pd->zbuf->len > pd->zpos) {
    note_torn(pd, pd->zoffset, pd->zbuf->len - pd->zpos, "compressed record");
    g_byte_array_set_size(pd->zbuf, 0);
    pd->zpos = 0;
  }
  return rc;
}

/* ---- ordering ---- */

static inline gboolean
event_before(const PdEvent *x, const PdEvent *y)
{
  return x->time != y->time ? x->time < y->time : x->seq < y->seq;
}

/* Sorts the queue by (time, seq): a natural merge sort, because a round is
 * a few runs already in order (one per CPU buffer perf read, and the part
 * of the previous round not yet due), which it merges in linear time with
 * the comparison inline (g_array_sort through a comparison function was
 * 7% of reading a 200k-sample capture). */
static void
sort_queue(PerfData *pd)
{
  GArray *q = pd->queue;
  guint n = q->len;
  PdEvent *a = (PdEvent *)(gpointer)q->data;
  guint i = 1;
  while (i < n && !event_before(&a[i], &a[i - 1]))
    i++;
  if (i >= n)
    return;
  g_autofree PdEvent *tmp = g_new(PdEvent, n);
  PdEvent *src = a, *dst = tmp;
  for (;;) {
    /* one pass: merge neighbouring runs of SRC into DST */
    guint runs = 0;
    for (guint lo = 0; lo < n;) {
      guint mid = lo + 1;
      while (mid < n && !event_before(&src[mid], &src[mid - 1]))
        mid++;
      guint hi = mid;
      if (hi < n) {
        hi++;
        while (hi < n && !event_before(&src[hi], &src[hi - 1]))
          hi++;
      }
      guint x = lo, y = mid, o = lo;
      while (x < mid && y < hi)
        dst[o++] = event_before(&src[y], &src[x]) ? src[y++] : src[x++];
      while (x < mid)
        dst[o++] = src[x++];
      while (y < hi)
        dst[o++] = src[y++];
      lo = hi;
      runs++;
    }
    PdEvent *t = src;
    src = dst;
    dst = t;
    if (runs <= 1)
      break;
  }
  if (src != a)
    memcpy(a, src, (gsize)n * sizeof *a);
}

/* Moves the queued events due (time <= LIMIT, or all) to the ready list. */
static void
flush_queue(PerfData *pd, gboolean all, guint64 limit)
{
  if (pd->queue->len == 0)
    return;
  sort_queue(pd);
  guint k = 0;
  while (k < pd->queue->len && (all || g_array_index(pd->queue, PdEvent, k).time <= limit))
    k++;
  g_array_append_vals(pd->ready, pd->queue->data, k);
  g_array_remove_range(pd->queue, 0, k);
}

static void
push_event(PerfData *pd, GArray *to, const guint8 *rec, guint32 size, guint64 offset,
           gboolean stable, guint64 time)
{
  PdEvent ev = {time, pd->seq++, offset, rec, NULL, size};
  if (!stable) {
    ev.owned = g_memdup2(rec, size);
    ev.rec = ev.owned;
  }
  g_array_append_val(to, ev);
}

/* ---- record handling ---- */

static void
handle_header_attr(PerfData *pd, const guint8 *rec, guint32 size, guint64 offset)
{
  /* {header; attr (attr.size bytes); u64 id[]} */
  if (size < 8 + PD_ATTR_SIZE_VER0) {
    skip_at(pd, offset, NULL, "attr record too short");
    return;
  }
  PdAttr a;
  parse_attr(pd, rec + 8, size - 8, &a);
  guint32 asz = a.size ? a.size : PD_ATTR_SIZE_VER0;
  if (asz < PD_ATTR_SIZE_VER0 || asz > size - 8u) {
    skip_at(pd, offset, NULL, "attr record with an attr size of %u", asz);
    return;
  }
  add_attr(pd, &a, rec + 8 + asz, (size - 8u - asz) / 8);
}

static void
handle_user_record(PerfData *pd, guint32 type, const guint8 *rec, guint32 size, guint64 offset,
                   gboolean inner)
{
  switch (type) {
  case PD_RECORD_HEADER_ATTR:
    handle_header_attr(pd, rec, size, offset);
    break;
  case PD_RECORD_HEADER_FEATURE:
    if (size >= 16) {
      guint64 feat = ld64(pd, rec + 8);
      if (feat < PD_FEAT_MAX)
        parse_feature(pd, (guint)feat, rec + 16, size - 16u);
    }
    break;
  case PD_RECORD_HEADER_BUILD_ID:
    parse_build_id_entry(pd, rec, size);
    break;
  case PD_RECORD_EVENT_UPDATE:
    if (size > 24 && ld64(pd, rec + 8) == PD_EVENT_UPDATE_NAME) {
      g_autofree char *name = g_strndup((const char *)rec + 24, size - 24u);
      name_attr(pd, ld64(pd, rec + 16), G_MAXUINT, name);
    }
    break;
  case PD_RECORD_FINISHED_ROUND:
    flush_queue(pd, FALSE, pd->flush_limit);
    pd->flush_limit = pd->max_time;
    break;
  case PD_RECORD_COMPRESSED:
  case PD_RECORD_COMPRESSED2:
    if (inner) {
      skip_at(pd, offset, NULL, "a compressed record inside compressed data");
      break;
    }
    if (type == PD_RECORD_COMPRESSED) {
      decompress(pd, rec + 8, size - 8u, offset);
    } else if (size >= 16) {
      guint64 dsz = ld64(pd, rec + 8);
      decompress(pd, rec + 16, (gsize)MIN(dsz, (guint64)size - 16), offset);
    }
    break;
  default:
    break; /* ID_INDEX, THREAD_MAP, CPU_MAP, TIME_CONV, FINISHED_INIT, ...: not needed */
  }
}

/* Sorts a record into the time-ordered queue, handles the perf tool's own
 * records at once. */
static void
handle_record(PerfData *pd, const guint8 *rec, guint32 size, guint64 offset, gboolean stable,
              gboolean inner)
{
  guint32 type = ld32(pd, rec);
  if (type >= 64) {
    handle_user_record(pd, type, rec, size, offset, inner);
    return;
  }
  guint64 time = 0;
  gboolean timed;
  if (type == PD_RECORD_SAMPLE) {
    PdAttr *a = sample_attr(pd, rec, size);
    timed = a != NULL && sample_time(pd, a, rec, size, &time);
  } else {
    timed = other_time(pd, rec, size, &time);
  }
  if (!timed || time == 0) {
    /* perf delivers records without a time at once. */
    push_event(pd, pd->ready, rec, size, offset, stable, 0);
    return;
  }
  if (time > pd->max_time)
    pd->max_time = time;
  push_event(pd, pd->queue, rec, size, offset, stable, time);
  if (pd->queue->len >= PD_MAX_QUEUED) {
    /* No FINISHED_ROUND for too long: deliver the older half, as perf does
     * when its queue outgrows its memory limit. */
    sort_queue(pd);
    flush_queue(pd, FALSE, g_array_index(pd->queue, PdEvent, pd->queue->len / 2).time);
  }
}

static const char *
kernel_path(const char *path)
{
  return g_str_has_prefix(path, "[kernel.kallsyms]") ? "[kernel.kallsyms]" : path;
}

static void
handle_mmap(PerfData *pd, guint32 type, guint16 misc, const guint8 *rec, guint32 size)
{
  gsize fn_at = type == PD_RECORD_MMAP ? 40 : 72;
  if (size <= fn_at)
    return;
  if (misc & PD_MISC_MMAP_DATA) {
    pd->data_maps++;
    return;
  }
  gint64 pid = (gint32)ld32(pd, rec + 8);
  PdMap m = {0};
  m.start = ld64(pd, rec + 16);
  guint64 len = ld64(pd, rec + 24);
  m.end = len > G_MAXUINT64 - m.start ? G_MAXUINT64 : m.start + len;
  m.pgoff = ld64(pd, rec + 32);
  const char *fn = (const char *)rec + fn_at;
  g_autofree char *path = g_strndup(fn, strnlen(fn, size - fn_at));
  m.path = fk_interner_intern0(pd->strings1, kernel_path(path));
  if (type == PD_RECORD_MMAP2 && (misc & PD_MISC_MMAP_BUILD_ID)) {
    m.build_id_len = MIN(rec[40], 20);
    memcpy(m.build_id, rec + 44, m.build_id_len);
  } else {
    GBytes *b = g_hash_table_lookup(pd->build_ids, m.path);
    if (b != NULL) {
      gsize bl;
      const guint8 *bd = g_bytes_get_data(b, &bl);
      m.build_id_len = (guint8)MIN(bl, 20);
      memcpy(m.build_id, bd, m.build_id_len);
    }
  }
  guint cpumode = misc & PD_MISC_CPUMODE_MASK;
  if (cpumode == PD_CPUMODE_KERNEL || cpumode == PD_CPUMODE_GUEST_KERNEL)
    pid = -1;
  pd_maps_add(pd->maps, pid, &m);
}

/* Which mappings are kernel, anonymous or JIT code: pd_map_kind (maps.c). */
static void symbolize_addr(PerfData *pd, const PdMap *m, gint64 pid, guint64 addr, gboolean kernel);
static void name_jit(PerfData *pd, guint from);
static void annotate(PerfData *pd, const PdMap *m, guint from);

/* ---- the symbolizing side ---- */

/* The `[dso]` label of a mapping of PATH (the decoder's), made once per path
 * (the same for every part of a cut mapping and every forked copy):
 * formatting and interning it for every unresolved frame of every sample was
 * most of the time. */
static const char *
map_label(PerfData *pd, const char *path)
{
  const char *label = g_hash_table_lookup(pd->labels, path);
  if (label == NULL) {
    char buf[512];
    const char *slash = strrchr(path, '/');
    g_snprintf(buf, sizeof buf, "[%s]", slash ? slash + 1 : path);
    label = fk_frame_intern0(pd->opts->strings, buf);
    g_hash_table_insert(pd->labels, (gpointer)path, (gpointer)label);
  }
  return label;
}

/* Looks ADDR up in M (the decoder's copy; NULL: unmapped) and appends its
 * frames (outermost first) to pd->frames. */
static void
lookup_addr(PerfData *pd, const PdMap *m, gint64 pid, guint64 addr, guint8 mode)
{
  gboolean kernel = mode == PD_CPUMODE_KERNEL || mode == PD_CPUMODE_GUEST_KERNEL;
  guint from = pd->frames->len;
  if (pd->own->dso_only) {
    const char *name = "[unknown]";
    char buf[512];
    if (m != NULL && m->path[0] == '[') {
      name = m->path;
    } else if (m != NULL && (m->kind & PD_MAP_ANON)) {
      /* perf names anonymous executable memory by its JIT symbol file */
      g_snprintf(buf, sizeof buf, "[perf-%" G_GINT64_FORMAT ".map]", pid);
      name = buf;
    } else if (m != NULL) {
      g_ptr_array_add(pd->frames, (gpointer)map_label(pd, m->path));
      annotate(pd, m, from);
      return;
    }
    g_ptr_array_add(pd->frames, (gpointer)fk_frame_intern0(pd->opts->strings, name));
  } else {
    symbolize_addr(pd, m, pid, addr, kernel);
    if (m != NULL && (m->kind & PD_MAP_JIT))
      name_jit(pd, from);
  }
  annotate(pd, m, from);
}

/* JIT symbols (perf-PID.map, perf-map-agent's `Lorg/x/Y;::m(J)V`) are named
 * as the perf-script reader names the same capture's text (formats/names.h):
 * `org/x/Y:::m` in a java process. */
static void
name_jit(PerfData *pd, guint from)
{
  GString *b = pd->scratch;
  for (guint i = from; i < pd->frames->len; i++) {
    const char *n = g_ptr_array_index(pd->frames, i);
    if (n[0] == '[')
      continue; /* unresolved: `[perf-PID.map]` */
    g_string_truncate(b, 0);
    fk_name_append_frame(b, n, strlen(n), pd->jit_names);
    pd->frames->pdata[i] = (gpointer)fk_frame_intern(pd->opts->strings, b->str, b->len);
  }
}

static void
to_mapping(const PdMap *m, gint64 pid, FkMapping *fm)
{
  fm->path = m->path;
  fm->build_id = m->build_id_len ? m->build_id : NULL;
  fm->build_id_len = m->build_id_len;
  fm->start = m->start;
  fm->len = m->end - m->start;
  fm->pgoff = m->pgoff;
  fm->pid = pid;
  fm->kind = FK_MAPPING_KNOWN | (m->kind & PD_MAP_KALLSYMS ? FK_MAPPING_KALLSYMS : 0) |
             (m->kind & PD_MAP_PERF_MAP ? FK_MAPPING_PERF_MAP : 0);
}

static void
ensure_symbolizer(PerfData *pd)
{
  if (pd->sym != NULL)
    return;
  struct utsname u;
  if (pd->symopts.kallsyms == NULL && pd->hostname && pd->osrelease && uname(&u) == 0 &&
      strcmp(u.nodename, pd->hostname) == 0 && strcmp(u.release, pd->osrelease) == 0)
    pd->symopts.use_proc_kallsyms = TRUE;
  pd->sym = fk_symbolizer_new(&pd->symopts);
  if (pd->opts->symbol_files != NULL)
    fk_symbol_files_apply(pd->opts->symbol_files, pd->sym);
}

/* A capture whose events sample the kernel, and whose header names the
 * kernel's build id (what the kernel's mapping will carry): kallsyms starts
 * loading at open, on its own thread, while the decoder starts. Started at
 * the first sample with kernel frames, its 122k lines were read while both
 * other threads waited for it (the decoder once its batches were full): 5 ms
 * of a 45 ms run of issue 18's capture. Without the build id the kernel's
 * mapping is awaited, as its id chooses the file. */
static void
kernel_early(PerfData *pd)
{
  if (pd->own->dso_only || pd->kernel_soon)
    return;
  gboolean samples_kernel = FALSE;
  for (guint i = 0; i < pd->attrs->len; i++)
    if (!(g_array_index(pd->attrs, PdAttr, i).flags & PD_ATTR_FLAG_EXCLUDE_KERNEL))
      samples_kernel = TRUE;
  const char *path = fk_interner_intern0(pd->strings1, "[kernel.kallsyms]");
  GBytes *id = g_hash_table_lookup(pd->build_ids, path);
  if (!samples_kernel || id == NULL)
    return;
  ensure_symbolizer(pd);
  gsize len;
  FkMapping fm = {0};
  fm.path = path;
  fm.build_id = g_bytes_get_data(id, &len);
  fm.build_id_len = MIN(len, 20);
  fm.pid = -1;
  fm.kind = FK_MAPPING_KNOWN | FK_MAPPING_KALLSYMS;
  fk_symbolizer_kernel_soon(pd->sym, &fm);
  pd->kernel_soon = TRUE;
}

/* The first sample with kernel frames: kallsyms starts loading on another
 * thread while the user stack is symbolized (frames are looked up root
 * first), with the mapping its first kernel lookup will pass. */
static void
kernel_soon(PerfData *pd, const PdBatch *b, const PdItem *it)
{
  for (guint i = it->n_addrs; i-- > 0;) {
    const PdResAddr *a = &PD_VEC_AT(b->addrs, PdResAddr, it->addr_from + i);
    if (a->mode != PD_CPUMODE_KERNEL && a->mode != PD_CPUMODE_GUEST_KERNEL)
      continue;
    pd->kernel_soon = TRUE;
    const PdMap *m = a->mode == PD_CPUMODE_KERNEL && a->map != PD_NO_MAP
                         ? &PD_VEC_AT(b->maps, PdMap, a->map)
                         : NULL;
    FkMapping fm;
    if (m != NULL)
      to_mapping(m, it->pid, &fm);
    fk_symbolizer_kernel_soon(pd->sym, m ? &fm : NULL);
    return;
  }
}

/* The symbolizer's dso of M (NULL: not a file's), asked for once per path
 * and build id while they stay among the last few met. */
static FkSymDso *
dso_of(PerfData *pd, const PdMap *m, gint64 pid)
{
  const guint n = G_N_ELEMENTS(pd->dsos);
  guint i = 0;
  for (; i < n; i++) {
    const PdDsoSeen *d = &pd->dsos[i];
    /* all 20 bytes, a size the compiler compares inline: bytes past the
     * id's length that differ only cost a second entry of the dso */
    if (d->path == NULL || (d->path == m->path && d->build_id_len == m->build_id_len &&
                            memcmp(d->build_id, m->build_id, sizeof d->build_id) == 0))
      break;
  }
  PdDsoSeen hit;
  if (i == 0 && pd->dsos[0].path != NULL)
    return pd->dsos[0].dso;
  if (i < n && pd->dsos[i].path != NULL) {
    hit = pd->dsos[i];
  } else {
    FkMapping fm;
    to_mapping(m, pid, &fm);
    hit.path = m->path;
    hit.build_id_len = m->build_id_len;
    memcpy(hit.build_id, m->build_id, sizeof hit.build_id);
    hit.dso = fk_symbolizer_dso(pd->sym, &fm);
    i = MIN(i, n - 1); /* an empty entry, else the oldest goes */
  }
  memmove(&pd->dsos[1], &pd->dsos[0], i * sizeof pd->dsos[0]);
  pd->dsos[0] = hit;
  return hit.dso;
}

/* Appends F's N frames to pd->frames: g_ptr_array_add was a library call
 * of 40 instructions a frame, three a sample of a frame-pointer capture of
 * python3.11. pd->frames only grows through GLib, so pd->frames_room,
 * what it last grew to here, never overstates its room. */
static inline void
frames_append(PerfData *pd, const char *const *f, guint n)
{
  GPtrArray *a = pd->frames;
  if (G_UNLIKELY(a->len + n > pd->frames_room)) {
    guint len = a->len;
    g_ptr_array_set_size(a, MAX(len + n, MAX(64, 2 * pd->frames_room)));
    pd->frames_room = a->len;
    a->len = len; /* no free function: nothing to free */
  }
  for (guint i = 0; i < n; i++)
    a->pdata[a->len + i] = (gpointer)f[i];
  a->len += n;
}

/* Appends the symbolizer's frames at ADDR within M (NULL: unmapped). */
static void
symbolize_addr(PerfData *pd, const PdMap *m, gint64 pid, guint64 addr, gboolean kernel)
{
  FkSymDso *dso = m != NULL && !kernel ? dso_of(pd, m, pid) : NULL;
  const char *const *f;
  guint n;
  if (dso != NULL) {
    /* perf prints a dso's unresolved address relative to the dso */
    f = fk_symbolizer_dso_frames(pd->sym, dso, addr - m->start + m->pgoff, &n);
  } else {
    FkMapping fm;
    if (m != NULL)
      to_mapping(m, pid, &fm);
    f = fk_symbolizer_frames(pd->sym, m ? &fm : NULL, addr, kernel, &n);
  }
  frames_append(pd, f, n);
}

/* --kernel, --jit: marks the frames from FROM on, which came from mapping M,
 * as stackcollapse-perf.pl marks them. */
static void
annotate(PerfData *pd, const PdMap *m, guint from)
{
  const char *suffix = NULL;
  if (m != NULL && pd->opts->annotate_kernel && (m->kind & PD_MAP_KERNEL))
    suffix = "_[k]";
  else if (m != NULL && pd->opts->annotate_jit && (m->kind & PD_MAP_JIT))
    suffix = "_[j]";
  if (suffix != NULL)
    for (guint i = from; i < pd->frames->len; i++) {
      g_autofree char *n = g_strconcat(g_ptr_array_index(pd->frames, i), suffix, NULL);
      pd->frames->pdata[i] = (gpointer)fk_interner_intern0(pd->opts->strings, n);
    }
}

/* Appends the frames of IT's addresses (root first) to pd->frames,
 * "[unknown]" when there are none. */
static void
symbolize_stack(PerfData *pd, const PdBatch *b, const PdItem *it)
{
  guint from = pd->frames->len;
  for (guint i = it->n_addrs; i-- > 0;) {
    const PdResAddr *a = &PD_VEC_AT(b->addrs, PdResAddr, it->addr_from + i);
    if (a->mode == PD_ADDR_TRUNCATED)
      g_ptr_array_add(pd->frames, (gpointer)fk_interner_intern0(pd->opts->strings, "[truncated]"));
    else
      lookup_addr(pd, a->map == PD_NO_MAP ? NULL : &PD_VEC_AT(b->maps, PdMap, a->map), it->pid,
                  a->addr, a->mode);
  }
  if (pd->frames->len == from)
    g_ptr_array_add(pd->frames, (gpointer)fk_interner_intern0(pd->opts->strings, "[unknown]"));
}

/* The comm and root frame of thread TID of process PID whose decoder's comm
 * is COMM1 (NULL: none known), made once per thread and comm (formatting
 * and interning the root frame for every sample was a tenth of reading a
 * capture). */
static const PdThreadLabel *
thread_label(PerfData *pd, gint64 pid, gint64 tid, const char *comm1)
{
  PdThreadLabel *t = &pd->labels_by_tid[(guint64)tid % G_N_ELEMENTS(pd->labels_by_tid)];
  if (t->used && t->pid == pid && t->tid == tid && t->comm1 == comm1)
    return t;
  const char *comm = fk_interner_intern0(pd->opts->strings, comm1);
  if (comm == NULL && tid == 0)
    comm = fk_interner_intern0(pd->opts->strings, "swapper"); /* perf's idle task */
  if (comm == NULL) {
    char buf[32];
    g_snprintf(buf, sizeof buf, ":%" G_GINT64_FORMAT, tid);
    comm = fk_interner_intern0(pd->opts->strings, buf);
  }
  /* The process-name root frame, as stackcollapse-perf.pl makes it. */
  GString *pn = pd->scratch;
  g_string_truncate(pn, 0);
  fk_name_append_process(pn, comm, strlen(comm), pid, tid, pd->opts);
  t->pname = fk_frame_intern(pd->opts->strings, pn->str, pn->len);
  t->comm = comm;
  t->comm1 = comm1;
  t->pid = pid;
  t->tid = tid;
  t->used = TRUE;
  return t;
}

/* Builds IT's frames in pd->frames and fills *S: the frames of a stack seen
 * before come from the stack table, the others are symbolized (and kept
 * there when the decoder gave them an id). */
static void
emit_item(PerfData *pd, const PdBatch *b, const PdItem *it, FkSample *s)
{
  const char *comm = NULL, *pname = NULL;
  if (it->has_tid) {
    const PdThreadLabel *t = thread_label(pd, it->pid, it->tid, it->comm);
    comm = t->comm;
    pname = t->pname;
  }
  pd->jit_names = (FkNameFlags)it->jit_names;
  pd->frames->len = 0; /* no free function: g_ptr_array_set_size's removal is for nothing */
  if (pname != NULL)
    frames_append(pd, &pname, 1);
  if (!pd->own->dso_only)
    ensure_symbolizer(pd);
  if (it->reset) {
    g_ptr_array_set_size(pd->table_frames, 0);
    g_array_set_size(pd->table_spans, 0);
    pd->table_base = it->stack;
  }
  gboolean seen = it->stack != PD_NO_STACK && !it->fresh;
  if (!seen && !pd->kernel_soon && !pd->own->dso_only && it->n_addrs > 0)
    kernel_soon(pd, b, it);
  if (it->n_touch > 0)
    ensure_symbolizer(pd);
  for (guint i = 0; i < it->n_touch; i++) {
    const PdTouch *t = &PD_VEC_AT(b->touch, PdTouch, it->touch_from + i);
    FkMapping fm;
    to_mapping(&PD_VEC_AT(b->maps, PdMap, t->map), it->pid, &fm);
    struct Elf *eh, *debug;
    guint64 bias;
    gconstpointer key;
    fk_symbolizer_unwind_files(pd->sym, &fm, t->pc, &eh, &debug, &bias, &key);
  }
  guint from = pd->frames->len;
  if (seen) {
    const guint32 *span =
        &g_array_index(pd->table_spans, guint32, 2 * (it->stack - pd->table_base));
    g_ptr_array_set_size(pd->frames, from + span[1]);
    memcpy(pd->frames->pdata + from, pd->table_frames->pdata + span[0], span[1] * sizeof(gpointer));
  } else {
    symbolize_stack(pd, b, it);
    if (it->fresh) {
      guint32 span[2] = {pd->table_frames->len, pd->frames->len - from};
      g_assert(it->stack - pd->table_base == pd->table_spans->len / 2);
      g_array_append_vals(pd->table_spans, span, 2);
      for (guint i = from; i < pd->frames->len; i++)
        g_ptr_array_add(pd->table_frames, pd->frames->pdata[i]);
    }
  }
  gsize max_depth = fk_name_max_depth(pd->opts);
  if (pd->frames->len > max_depth) {
    g_ptr_array_set_size(pd->frames, (guint)max_depth);
    pd->deep++;
  }
  if (it->event != pd->event1) {
    pd->event1 = it->event;
    pd->event_pub = fk_interner_intern0(pd->opts->strings, it->event);
  }
  fk_sample_init(s);
  s->frames = (const char **)pd->frames->pdata;
  s->n_frames = pd->frames->len;
  s->weight = fk_weight_int(it->weight);
  s->period = it->period;
  s->file = pd->file;
  if (it->host != NULL && it->host != pd->hostname1) {
    pd->hostname1 = it->host;
    pd->hostname_pub = fk_interner_intern0(pd->opts->strings, it->host);
  }
  s->host = it->host ? pd->hostname_pub : pd->host;
  s->event = pd->event_pub;
  s->pid = it->pid;
  s->tid = it->tid;
  s->cpu = it->cpu;
  s->time = it->time;
  s->has_time = it->has_time;
  s->comm = comm;
}

/* ---- the decoder's side of a sample ---- */

static void
ensure_unwinder(PerfData *pd)
{
  if (pd->unwind != NULL)
    return;
  /* A symbolizer of its own: the symbolizing side's is not thread safe, and
   * this one only finds the ELF files of the CFI (no DWARF is read, no
   * names are made; ELF files are mapped, so a second opening costs little). */
  pd->usym = fk_symbolizer_new(&pd->usymopts);
  if (pd->opts->symbol_files != NULL)
    fk_symbol_files_apply(pd->opts->symbol_files, pd->usym);
  pd->unwind = pd_unwind_new(pd->unwind_method, pd->arch, pd->maps, pd->usym);
}

/* Appends the user stack unwound from F's registers and stack copy after
 * the kernel part, and the [truncated] marker when the copy size cut it. */
static void
unwind_user(PerfData *pd, const PdFields *f)
{
  ensure_unwinder(pd);
  g_array_set_size(pd->uframes, 0);
  FkUnwindOutcome o =
      pd_unwind_sample(pd->unwind, f->pid, f->attr->sample_regs_user, f->uregs, f->n_uregs,
                       f->ustack, f->ustack_size, f->ustack_dyn, pd->swap, pd->uframes);
  guint from = pd->addrs->len;
  g_array_set_size(pd->addrs, from + pd->uframes->len);
  PdAddr *out = (PdAddr *)(gpointer)pd->addrs->data + from;
  for (guint i = 0; i < pd->uframes->len; i++) {
    const FkUnwindFrame *u = &g_array_index(pd->uframes, FkUnwindFrame, i);
    out[i].addr = u->exact ? u->pc : u->pc - 1;
    out[i].mode = PD_CPUMODE_USER;
  }
  if (o == FK_UNWIND_TRUNCATED) {
    PdAddr a = {0, PD_ADDR_TRUNCATED};
    g_array_append_val(pd->addrs, a);
  }
}

/* Fills pd->key with everything a stack's frames for process PID depend
 * on, and returns its hash: the process; the stamps of its maps and of the
 * kernel's (pd_maps_stamp: any MMAP, FORK or exec in between gives new
 * ones, so the same addresses in another process, or in this one after its
 * maps changed, never meet an old entry); how JIT frames are named
 * (JIT_NAMES, from the comm); the number of addresses, their modes (a byte
 * each, eight to a word) and the addresses. The symbolizer and the options
 * are fixed for the reader's life, and the symbolizer answers an address in
 * a mapping always alike. */
static guint64
stack_key(PerfData *pd, gint64 pid, FkNameFlags jit_names)
{
  guint n = pd->addrs->len;
  guint words = 5 + (n + 7) / 8 + n;
  g_array_set_size(pd->key, words);
  guint64 *k = (guint64 *)(gpointer)pd->key->data;
  k[0] = (guint64)pid;
  k[1] = pd_maps_stamp(pd->maps, pid);
  k[2] = pd_maps_stamp(pd->maps, -1);
  k[3] = (guint64)jit_names;
  k[4] = n;
  guint64 *modes = k + 5, *addrs = k + 5 + (n + 7) / 8;
  memset(modes, 0, (n + 7) / 8 * sizeof *modes);
  for (guint i = 0; i < n; i++) {
    const PdAddr *a = &g_array_index(pd->addrs, PdAddr, i);
    modes[i / 8] |= (guint64)a->mode << (8 * (i % 8));
    addrs[i] = a->addr;
  }
  return pd_stack_cache_hash(k, words);
}

/* Fills pd->addrs (leaf first) with a sample's addresses; FALSE when its
 * callchain is rejected. */
static gboolean
sample_addrs(PerfData *pd, const PdFields *f, guint16 misc)
{
  guint8 mode = misc & PD_MISC_CPUMODE_MASK;
  gboolean unwind = f->has_ustack && f->uregs != NULL && pd->unwind_method != PD_UNWIND_NONE;
  /* room for every entry and the sampled address, written in place */
  g_array_set_size(pd->addrs, (guint)MIN(f->has_chain ? f->nr : 0, G_MAXUINT32 - 1) + 1);
  PdAddr *out = (PdAddr *)(gpointer)pd->addrs->data;
  guint n = 0;
  if (f->has_chain) {
    gboolean first = TRUE;
    for (guint64 i = 0; i < f->nr; i++) {
      guint64 ip = ld64(pd, f->chain + 8 * i);
      if (ip >= PD_CONTEXT_MAX) {
        if (ip == PD_CONTEXT_HV)
          mode = PD_CPUMODE_HYPERVISOR;
        else if (ip == PD_CONTEXT_KERNEL)
          mode = PD_CPUMODE_KERNEL;
        else if (ip == PD_CONTEXT_USER)
          mode = PD_CPUMODE_USER;
        else if (ip == PD_CONTEXT_USER_DEFERRED) {
          mode = PD_CPUMODE_USER;
          i++; /* its cookie */
        } else if (ip == PD_CONTEXT_GUEST || ip == PD_CONTEXT_GUEST_KERNEL)
          mode = PD_CPUMODE_GUEST_KERNEL;
        else if (ip == PD_CONTEXT_GUEST_USER)
          mode = PD_CPUMODE_GUEST_USER;
        else {
          g_array_set_size(pd->addrs, 0);
          return FALSE; /* perf: "invalid callchain context" */
        }
        first = TRUE;
        continue;
      }
      /* The first entry of each context is where that context was
       * interrupted; the others are return addresses, whose call is the
       * instruction before. */
      if (unwind && mode == PD_CPUMODE_USER)
        continue; /* the unwound stack replaces the recorded user part */
      out[n].addr = first ? ip : ip - 1;
      out[n].mode = mode;
      n++;
      first = FALSE;
    }
  }
  g_array_set_size(pd->addrs, n);
  if (unwind)
    unwind_user(pd, f);
  if (pd->addrs->len == 0 && f->has_ip) {
    PdAddr a = {f->ip, misc & PD_MISC_CPUMODE_MASK};
    g_array_append_val(pd->addrs, a);
  }
  return TRUE;
}

/* The index in B's maps of a copy of M (the last few copies of the open
 * sample are reused: its maps do not change while it is decoded). */
static guint32
batch_map(PdBatch *b, const PdMap *m, const PdMap **seen, guint32 *at, guint *n_seen)
{
  for (guint i = 0; i < *n_seen; i++)
    if (seen[i] == m)
      return at[i];
  guint32 idx = b->maps.len;
  *(PdMap *)pd_vec_push(&b->maps, sizeof(PdMap)) = *m;
  guint slot = *n_seen < 4 ? (*n_seen)++ : idx % 4;
  seen[slot] = m;
  at[slot] = idx;
  return idx;
}

/* The mappings the unwinder met first while the open sample was decoded
 * (the symbolizing side asks for their files first, see PdTouch). */
static void
touches(PerfData *pd, PdBatch *b, PdItem *it)
{
  it->touch_from = b->touch.len;
  if (pd->unwind == NULL)
    return;
  guint n;
  const PdUnwindTouch *t = pd_unwind_touched(pd->unwind, &n);
  for (guint i = 0; i < n; i++) {
    PdTouch tt = {t[i].pc, b->maps.len};
    *(PdMap *)pd_vec_push(&b->maps, sizeof(PdMap)) = t[i].map;
    *(PdTouch *)pd_vec_push(&b->touch, sizeof(PdTouch)) = tt;
  }
  it->n_touch = n;
  pd_unwind_touched_clear(pd->unwind);
}

/* Completes IT from pd->addrs: the id of a stack seen before, or the
 * addresses with their mappings (and the mappings the unwinder met first)
 * for the symbolizing side. */
static void
decode_stack(PerfData *pd, PdBatch *b, PdItem *it)
{
  it->stack = PD_NO_STACK;
  /* Short stacks are looked up address by address: one probe of the cache
   * costs about what two addresses cost (a cache miss for the slot, one for
   * the entry), and Python's 2-frame stacks of a frame-pointer capture ran
   * 1.2x slower through it; 17-frame C stacks 1.45x faster. */
  if (!pd->stacks_off && pd->addrs->len >= PD_STACK_CACHE_MIN) {
    guint64 hash = stack_key(pd, it->pid, (FkNameFlags)it->jit_names);
    const guint64 *key = (const guint64 *)(gpointer)pd->key->data;
    guint n;
    const char *const *cached = pd_stack_cache_find(pd->stacks, key, pd->key->len, hash, &n);
    if (cached != NULL) {
      it->stack = GPOINTER_TO_UINT(cached[0]);
    } else {
      guint64 gen = pd_stack_cache_generation(pd->stacks);
      it->stack = pd->next_stack++;
      it->fresh = TRUE;
      const char *id = GUINT_TO_POINTER(it->stack);
      pd_stack_cache_put(pd->stacks, key, pd->key->len, hash, &id, 1);
      it->reset = pd_stack_cache_generation(pd->stacks) != gen;
    }
    /* A capture whose stacks hardly repeat (long DWARF-unwound ones) pays
     * for keys it never uses again: stop caching. */
    if (++pd->stack_lookups == 65536 && pd_stack_cache_hits(pd->stacks) < 65536 / 8)
      pd->stacks_off = TRUE;
  }
  touches(pd, b, it);
  if (it->stack != PD_NO_STACK && !it->fresh)
    return;
  const PdMap *seen[4];
  guint32 at[4];
  guint n_seen = 0;
  it->addr_from = b->addrs.len;
  it->n_addrs = pd->addrs->len;
  for (guint i = 0; i < pd->addrs->len; i++) {
    const PdAddr *a = &g_array_index(pd->addrs, PdAddr, i);
    const PdMap *m = NULL;
    if (a->mode == PD_CPUMODE_KERNEL)
      m = pd_maps_find_floor(pd->maps, -1, a->addr);
    else if (a->mode == PD_CPUMODE_USER)
      m = pd_maps_find(pd->maps, it->pid, a->addr);
    PdResAddr r = {a->addr, m ? batch_map(b, m, seen, at, &n_seen) : PD_NO_MAP, a->mode};
    *(PdResAddr *)pd_vec_push(&b->addrs, sizeof(PdResAddr)) = r;
  }
}

/* The decoder's comm of thread TID of process PID and how its JIT frames
 * are named, looked up once per thread while no COMM record changes what
 * pd_maps_comm says. */
static const PdThreadName *
thread_name(PerfData *pd, gint64 pid, gint64 tid)
{
  PdThreadName *t = &pd->names[(guint64)tid % G_N_ELEMENTS(pd->names)];
  guint64 stamp = pd_maps_comm_stamp(pd->maps) + 1; /* 0: an empty slot */
  if (t->stamp == stamp && t->pid == pid && t->tid == tid)
    return t;
  const char *comm = pd_maps_comm(pd->maps, tid);
  /* the names given to a thread of no known comm ("swapper", ":TID")
   * never begin with "java" */
  t->jit_names = fk_name_flags(pd->opts, comm, comm ? strlen(comm) : 0);
  t->comm = comm;
  t->pid = pid;
  t->tid = tid;
  t->stamp = stamp;
  return t;
}

/* Applies one record in time order; a sample becomes an item of the batch
 * being filled. */
static void
apply_event(PerfData *pd, const PdEvent *ev)
{
  const guint8 *rec = ev->rec;
  guint32 size = ev->size;
  guint32 type = ld32(pd, rec);
  guint16 misc = ld16(pd, rec + 4);
  switch (type) {
  case PD_RECORD_SAMPLE: {
    PdAttr *a = sample_attr(pd, rec, size);
    if (a == NULL) {
      pd->unknown_id++;
      skip_at(pd, ev->offset, NULL, "sample of an unknown event id");
      return;
    }
    PdFields f;
    if (!parse_sample(pd, a, rec, size, &f)) {
      pd->bad++;
      skip_at(pd, ev->offset, NULL, "sample record shorter than its fields (%s)", attr_name(pd, a));
      return;
    }
    guint64 period = f.has_period                     ? f.period
                     : (a->flags & PD_ATTR_FLAG_FREQ) ? 1
                                                      : a->sample_period;
    /* One event per read, as stackcollapse-perf: --event-filter, else the
     * first event sampled. */
    const char *ev_name = attr_name(pd, a);
    if (pd->event_filter == NULL)
      pd->event_filter = ev_name;
    if (ev_name != pd->event_filter) {
      pd->other_samples++;
      a->samples++;
      a->period += period;
      return;
    }
    PdBatch *b = pd->fill;
    PdItem it = {0};
    it.pid = (gint32)f.pid;
    it.tid = (gint32)f.tid;
    /* The period by default, as the perf-script reader weighs what
     * `perf script` prints and as perf report's Overhead sums; one per
     * sample (stackcollapse-perf's count) with --weight samples. */
    it.weight =
        pd->opts->weight != FK_WEIGHT_SAMPLES ? (gint64)MIN(period, (guint64)G_MAXINT64) : 1;
    it.period =
        pd->opts->weight != FK_WEIGHT_SAMPLES && (f.has_period || !(a->flags & PD_ATTR_FLAG_FREQ));
    if (f.has_tid) {
      const PdThreadName *t = thread_name(pd, f.pid, f.tid);
      it.comm = t->comm;
      it.jit_names = (guint8)t->jit_names;
      it.has_tid = TRUE;
    } else
      it.jit_names = (guint8)fk_name_flags(pd->opts, NULL, 0);
    if (!sample_addrs(pd, &f, misc)) {
      /* perf drops such a chain but keeps the sample: so do we, with its
       * sampled address as the only frame. */
      pd->rejected++;
      skip_at(pd, ev->offset, NULL,
              "callchain with an unknown context marker dropped, as perf drops it; the sample "
              "keeps only its sampled address");
      PdFields bare = f;
      bare.has_chain = FALSE;
      sample_addrs(pd, &bare, misc);
    }
    decode_stack(pd, b, &it);
    a->samples++;
    a->period += period;
    pd->samples++;
    if (f.has_time) {
      if (pd->time_min == 0 || f.time < pd->time_min)
        pd->time_min = f.time;
      if (f.time > pd->time_max)
        pd->time_max = f.time;
    }
    if (pd->hostname != pd->host_of) {
      pd->host_of = pd->hostname;
      pd->host_name = fk_interner_intern0(pd->strings1, pd->hostname);
    }
    it.host = pd->hostname ? pd->host_name : NULL;
    it.event = ev_name;
    it.cpu = f.cpu;
    it.time = f.time;
    it.has_time = f.has_time;
    *(PdItem *)pd_vec_push(&b->items, sizeof(PdItem)) = it;
    return;
  }
  case PD_RECORD_MMAP:
  case PD_RECORD_MMAP2:
    handle_mmap(pd, type, misc, rec, size);
    return;
  case PD_RECORD_COMM:
    if (size > 16) {
      gint64 tid = (gint32)ld32(pd, rec + 12);
      const char *c = (const char *)rec + 16;
      const char *comm = fk_interner_intern(pd->strings1, c, strnlen(c, size - 16u));
      /* An exec keeps the old maps, as perf does: the kernel reports the exec
       * before it is done, samples inside execve still walk the old image's
       * stack, and the new image's MMAPs replace what they overlap. */
      pd_maps_set_comm(pd->maps, tid, comm);
    }
    return;
  case PD_RECORD_FORK:
    if (size >= 24) {
      gint64 pid = (gint32)ld32(pd, rec + 8), ppid = (gint32)ld32(pd, rec + 12);
      gint64 tid = (gint32)ld32(pd, rec + 16), ptid = (gint32)ld32(pd, rec + 20);
      if (pid != ppid)
        pd_maps_fork(pd->maps, ppid, pid);
      const char *comm = pd_maps_comm(pd->maps, ptid);
      if (comm != NULL)
        pd_maps_set_comm(pd->maps, tid, comm);
    }
    return;
  case PD_RECORD_LOST:
    if (size >= 24)
      pd->lost += ld64(pd, rec + 16);
    return;
  case PD_RECORD_LOST_SAMPLES:
    if (size >= 16)
      pd->lost_samples += ld64(pd, rec + 8);
    return;
  default:
    return; /* EXIT, THROTTLE, SWITCH, KSYMBOL, ...: nothing to keep */
  }
}

/* ---- open ---- */

static gboolean
open_file_mode(PerfData *pd, GError **error)
{
  const guint8 *h = pd->mem;
  if (pd->mem_len < PD_FILE_HEADER_SIZE) {
    g_set_error(error, FK_READER_ERROR, FK_READER_ERROR_FORMAT, "%s: perf.data header cut short",
                fk_input_name(pd->in));
    return FALSE;
  }
  guint64 attr_size = ld64(pd, h + 16);
  guint64 attrs_off = ld64(pd, h + 24), attrs_size = ld64(pd, h + 32);
  pd->data_offset = ld64(pd, h + 40);
  pd->data_size = ld64(pd, h + 48);
  guint64 len = pd->mem_len;
  if (pd->data_offset < PD_FILE_HEADER_SIZE || pd->data_offset > len) {
    g_set_error(error, FK_READER_ERROR, FK_READER_ERROR_FORMAT,
                "%s: the data section starts at 0x%" G_GINT64_MODIFIER "x, outside the file",
                fk_input_name(pd->in), pd->data_offset);
    return FALSE;
  }
  /* attrs: attr_size-byte entries: the attr, then a {offset, size} ids section */
  if (attr_size < PD_ATTR_SIZE_VER0 + 16 || attr_size > 65536 || attrs_off > len ||
      attrs_size > len - attrs_off) {
    g_set_error(error, FK_READER_ERROR, FK_READER_ERROR_FORMAT,
                "%s: the attr section (entry size %" G_GUINT64_FORMAT ") is not within the file",
                fk_input_name(pd->in), attr_size);
    return FALSE;
  }
  for (guint64 i = 0; i < attrs_size / attr_size; i++) {
    const guint8 *e = pd->mem + attrs_off + i * attr_size;
    PdAttr a;
    parse_attr(pd, e, attr_size - 16, &a);
    guint64 ids_off = ld64(pd, e + attr_size - 16), ids_size = ld64(pd, e + attr_size - 8);
    if (ids_off > len || ids_size > len - ids_off) {
      note_at(pd, attrs_off + i * attr_size,
              "the ids of attr %" G_GUINT64_FORMAT " lie outside the file", i);
      ids_off = ids_size = 0;
    }
    add_attr(pd, &a, pd->mem + ids_off, ids_size / 8);
  }
  if (pd->attrs->len == 0) {
    g_set_error(error, FK_READER_ERROR, FK_READER_ERROR_FORMAT, "%s: no event attrs",
                fk_input_name(pd->in));
    return FALSE;
  }
  pd->pos = pd->data_offset;
  if (pd->data_size == 0) {
    pd->end = len;
    note_at(pd, 48,
            "the header's data size is 0 (the recording did not finish); reading the "
            "records up to the end of the file");
  } else if (pd->data_size > len - pd->data_offset) {
    pd->end = len;
    note_at(pd, len,
            "the capture is cut: its data section should end at 0x%" G_GINT64_MODIFIER
            "x; feature sections (host, event names, build ids) are missing",
            pd->data_offset + pd->data_size);
  } else {
    pd->end = pd->data_offset + pd->data_size;
    /* feature sections: one {offset, size} per set bit, after the data */
    guint64 sec = pd->end;
    for (guint feat = 0; feat < PD_FEAT_MAX; feat++) {
      guint64 word = ld64(pd, h + 72 + 8 * (feat / 64));
      if (!(word & (G_GUINT64_CONSTANT(1) << (feat % 64))))
        continue;
      if (sec + 16 > len) {
        note_at(pd, sec, "the feature section table is cut short");
        break;
      }
      guint64 off = ld64(pd, pd->mem + sec), size = ld64(pd, pd->mem + sec + 8);
      if (off > len || size > len - off)
        note_at(pd, sec, "feature %u lies outside the file; skipped", feat);
      else
        parse_feature(pd, feat, pd->mem + off, (gsize)size);
      sec += 16;
    }
  }
  return TRUE;
}

static int
perf_data_bid(const guint8 *head, gsize len)
{
  if (len < 8)
    return 0;
  guint64 m;
  memcpy(&m, head, 8);
  return m == PD_MAGIC || m == PD_MAGIC_SWAPPED ? 100 : 0;
}

static void perf_data_close(gpointer state);
static void start_decoder(PerfData *pd);

/* Reads IN into BUF until it holds UPTO bytes or IN ends; fails past MAX. */
static gboolean
grow(PerfData *pd, GByteArray *buf, guint64 upto, guint64 max, GError **error)
{
  guint8 chunk[65536];
  while (buf->len < upto) {
    gsize want = (gsize)MIN(upto - buf->len, (guint64)sizeof chunk);
    gssize n = fk_input_read(pd->in, chunk, want, error);
    if (n < 0)
      return FALSE;
    if (n == 0)
      break;
    if ((guint64)buf->len + (guint64)n > max) {
      g_set_error(error, FK_INPUT_ERROR, FK_INPUT_ERROR_LIMIT,
                  "%s: more than the limit of %" G_GUINT64_FORMAT
                  " bytes (--max-buffer-bytes) to hold in memory",
                  fk_input_name(pd->in), max);
      return FALSE;
    }
    g_byte_array_append(buf, chunk, (guint)n);
  }
  return TRUE;
}

static guint64
end_of(guint64 off, guint64 size)
{
  return off > G_MAXUINT64 - size ? G_MAXUINT64 : off + size;
}

/* A file-mode capture from a stream, in memory: only the bytes its header,
 * attrs and feature table say it has, so that a capture padded with
 * gigabytes costs its real size; within MAX. What follows its last section
 * is drained, not kept, and noted. A header with data size 0 (a killed
 * recording) has no end: all of it is read. */
static GBytes *
read_capture(PerfData *pd, guint64 max, GError **error)
{
  g_autoptr(GByteArray) buf = g_byte_array_new();
  if (!grow(pd, buf, PD_FILE_HEADER_SIZE, max, error))
    return NULL;
  if (buf->len < PD_FILE_HEADER_SIZE)
    return g_byte_array_free_to_bytes(g_steal_pointer(&buf));
  const guint8 *h = buf->data;
  guint64 attr_size = ld64(pd, h + 16), attrs_off = ld64(pd, h + 24), attrs_size = ld64(pd, h + 32),
          data_off = ld64(pd, h + 40), data_size = ld64(pd, h + 48);
  if (data_size == 0) {
    if (!grow(pd, buf, G_MAXUINT64, max, error))
      return NULL;
    return g_byte_array_free_to_bytes(g_steal_pointer(&buf));
  }
  guint nfeat = 0;
  for (guint i = 0; i < 4; i++)
    nfeat += fk_popcount64(ld64(pd, h + 72 + 8 * i));
  guint64 data_end = end_of(data_off, data_size);
  guint64 need = MAX(end_of(attrs_off, attrs_size), end_of(data_end, 16 * (guint64)nfeat));
  if (!grow(pd, buf, need, max, error))
    return NULL;
  /* the sections the attrs and the feature table point to */
  guint64 more = need;
  if (attr_size >= 16 && attr_size <= 65536)
    for (guint64 e = attrs_off; e < attrs_off + attrs_size && end_of(e, attr_size) <= buf->len;
         e += attr_size)
      more = MAX(more, end_of(ld64(pd, buf->data + e + attr_size - 16),
                              ld64(pd, buf->data + e + attr_size - 8)));
  for (guint i = 0; i < nfeat && end_of(data_end, 16 * (guint64)(i + 1)) <= buf->len; i++) {
    const guint8 *f = buf->data + data_end + 16 * i;
    more = MAX(more, end_of(ld64(pd, f), ld64(pd, f + 8)));
  }
  if (!grow(pd, buf, more, max, error))
    return NULL;
  guint64 extra = 0;
  guint8 chunk[65536];
  g_autoptr(GError) e = NULL;
  for (gssize n; (n = fk_input_read(pd->in, chunk, sizeof chunk, &e)) > 0;)
    extra += (guint64)n;
  if (extra > 0)
    note_at(pd, buf->len,
            "%" G_GUINT64_FORMAT " bytes after the capture's last section ignored (no "
            "section points there; not held in memory)",
            extra);
  if (e != NULL)
    fk_diag_note(pd->opts->diag, fk_input_name(pd->in), "after the capture: %s", e->message);
  return g_byte_array_free_to_bytes(g_steal_pointer(&buf));
}

static gpointer
perf_data_open(FkInput *in, const FkReadOptions *opts, GError **error)
{
  const guint8 *head;
  gssize n = fk_input_peek(in, PD_PIPE_HEADER_SIZE, &head, error);
  if (n < 0)
    return NULL;
  guint64 m = 0;
  if (n >= 16)
    memcpy(&m, head, 8);
  if (m != PD_MAGIC && m != PD_MAGIC_SWAPPED) {
    g_set_error(error, FK_READER_ERROR, FK_READER_ERROR_FORMAT,
                "%s: not a perf.data file (no PERFILE2 magic)", fk_input_name(in));
    return NULL;
  }
  PerfData *pd = g_new0(PerfData, 1);
  pd->in = in;
  pd->opts = opts;
  static const FkPerfDataOptions defaults = {0};
  pd->own = opts->own[FK_READER_SLOT_PERF_DATA] ? opts->own[FK_READER_SLOT_PERF_DATA] : &defaults;
  pd->swap = m == PD_MAGIC_SWAPPED;
  pd->strings1 = fk_interner_new();
  pd->file = fk_interner_intern0(opts->strings, fk_input_name(in));
  pd->host = fk_interner_intern0(opts->strings, fk_input_host(in));
  pd->rbuf = g_byte_array_new();
  pd->zbuf = g_byte_array_new();
  pd->attrs = g_array_new(FALSE, FALSE, sizeof(PdAttr));
  pd->ids = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
  pd->queue = g_array_new(FALSE, FALSE, sizeof(PdEvent));
  pd->ready = g_array_new(FALSE, FALSE, sizeof(PdEvent));
  pd->maps = pd_maps_new();
  pd->frames = g_ptr_array_new();
  pd->addrs = g_array_new(FALSE, FALSE, sizeof(PdAddr));
  pd->uframes = g_array_new(FALSE, FALSE, sizeof(FkUnwindFrame));
  /* 8 MiB: a few tens of thousands of stacks */
  pd->stacks = pd_stack_cache_new(8u << 20);
  pd->key = g_array_new(FALSE, FALSE, sizeof(guint64));
  pd->table_frames = g_ptr_array_new();
  pd->table_spans = g_array_new(FALSE, FALSE, sizeof(guint32));
  pd->labels = g_hash_table_new(g_direct_hash, g_direct_equal);
  pd->build_ids =
      g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, (GDestroyNotify)g_bytes_unref);
  pd->build_id_list = g_ptr_array_new_with_free_func(g_free);
  if (opts->symbolize)
    pd->symopts = *opts->symbolize;
  else
    fk_symbolize_options_init(&pd->symopts);
  if (opts->include_addrs)
    pd->symopts.addrs = TRUE;
  if (opts->event_filter != NULL)
    pd->event_filter =
        fk_event_intern(pd->strings1, opts->event_filter, strlen(opts->event_filter));
  pd->scratch = g_string_new(NULL);
  pd->symopts.strings = opts->strings;
  pd->symopts.diag = opts->diag;
  /* made now: the symbolizing side changes symopts as it makes its own */
  pd->usymopts = pd->symopts;
  pd->usymopts.strings = pd->strings1;
  pd->udiag = fk_diag_new(0);
  pd->usymopts.diag = pd->udiag;
  pd->usymopts.dwarf_for_others =
      (pd->symopts.inline_frames || pd->symopts.srcline) && !pd->own->dso_only;
  pd->usymopts.srcline_for_others = pd->usymopts.dwarf_for_others && pd->symopts.srcline;
  pd->usymopts.inline_frames = FALSE;
  pd->usymopts.srcline = FALSE;
  if (!pd_unwind_parse_method(pd->symopts.unwind, &pd->unwind_method))
    pd->unwind_method = PD_UNWIND_AUTO; /* cmd/ rejects it first */

  guint64 hsize = ld64(pd, head + 8);
  if (hsize == PD_PIPE_HEADER_SIZE) {
    pd->pipe = TRUE;
    guint8 skip[PD_PIPE_HEADER_SIZE];
    if (read_exact(pd, skip, sizeof skip, error) < 0) {
      perf_data_close(pd);
      return NULL;
    }
    start_decoder(pd); /* one thread: it only sets the batch size */
    return pd;
  }
  if (fk_input_fd(in) >= 0 && fk_input_size(in) > 0) {
    void *addr = mmap(NULL, (gsize)fk_input_size(in), PROT_READ, MAP_PRIVATE, fk_input_fd(in), 0);
    if (addr != MAP_FAILED) {
      pd->map_addr = addr;
      pd->mem = addr;
      pd->mem_len = (gsize)fk_input_size(in);
    }
  }
  if (pd->mem == NULL) {
    guint64 max = pd->own->max_buffer ? pd->own->max_buffer : PD_DEFAULT_MAX_BUFFER;
    pd->bytes = read_capture(pd, max, error);
    if (pd->bytes == NULL) {
      perf_data_close(pd);
      return NULL;
    }
    pd->mem = g_bytes_get_data(pd->bytes, &pd->mem_len);
  }
  if (!open_file_mode(pd, error)) {
    perf_data_close(pd);
    return NULL;
  }
  kernel_early(pd);
  start_decoder(pd);
  return pd;
}

/* Gives back the pages of the mapped file below every record still to
 * apply (the queued ones point into it), every 16 MiB of progress: else the
 * resident set grows to the file's size, 470 MB for 30 s of cargo-flamegraph's
 * dwarf samples. The pages stay in the page cache; the mapping is read-only
 * and private, so nothing is lost and a later access faults them back in. */
static void
drop_consumed(PerfData *pd)
{
  if (pd->map_addr == NULL)
    return;
  gboolean pager = pd->pager != NULL;
  if (pager ? !pd_pager_due(pd->pager, pd->pos)
            : pd->pos < pd->dropped + (G_GUINT64_CONSTANT(16) << 20))
    return;
  guint64 low = MIN(pd->pos, pd->mem_len);
  for (guint i = 0; i < pd->queue->len; i++)
    low = MIN(low, g_array_index(pd->queue, PdEvent, i).offset);
  if (pager) { /* the decoder's thread neither faults the pages in nor gives them back */
    pd_pager_progress(pd->pager, pd->pos, low);
    return;
  }
  low &= ~(guint64)(sysconf(_SC_PAGESIZE) - 1);
  if (low > pd->dropped) {
    madvise((guint8 *)pd->map_addr + pd->dropped, (gsize)(low - pd->dropped), MADV_DONTNEED);
    pd->dropped = low;
  }
}

/* ---- the handover ---- */

static PdBatch *
batch_new(void)
{
  PdBatch *b = g_new0(PdBatch, 1);
  b->diags = g_array_new(FALSE, FALSE, sizeof(PdBatchDiag));
  return b;
}

static void
batch_clear(PdBatch *b)
{
  b->items.len = b->addrs.len = b->maps.len = b->touch.len = 0;
  for (guint i = 0; i < b->diags->len; i++)
    fk_diag_free(g_array_index(b->diags, PdBatchDiag, i).diag);
  g_array_set_size(b->diags, 0);
  g_clear_error(&b->error);
  b->end = FK_READ_SAMPLE;
}

static void
batch_free(gpointer p)
{
  PdBatch *b = p;
  if (b == NULL)
    return;
  batch_clear(b);
  g_free(b->items.data);
  g_free(b->addrs.data);
  g_free(b->maps.data);
  g_free(b->touch.data);
  g_array_free(b->diags, TRUE);
  g_free(b);
}

/* Asks for the head of EV's record (up to PD_PREFETCH_RECORD bytes) and
 * its last line while the one before it is applied. A dwarf sample's
 * record is mostly its stack copy (16 KiB reserved for dwarf,16384), so
 * each record starts on lines and pages no earlier access brought in, and
 * its fields are read in series (the callchain's length says where the
 * registers and the stack start): misses one after another, where applying
 * the record before (an unwind of a few dozen frames) is time enough for
 * them to arrive together. The head covers the header, the callchain, the
 * registers and the part of the stack copy a walk of a typical sample
 * reads; the last line the copy's dyn_size after it (and any fields after
 * that), read to know how much of the copy is valid. */
static inline void
prefetch_event(const PdEvent *ev)
{
  guint32 n = MIN(ev->size, (guint32)PD_PREFETCH_RECORD);
  for (guint32 off = 0; off < n; off += 64)
    __builtin_prefetch(ev->rec + off);
  if (ev->size > n)
    __builtin_prefetch(ev->rec + ev->size - 1);
}

/* The decoder: applies records in time order into B until it holds
 * PD_BATCH_SAMPLES samples or PD_BATCH_ADDRS addresses, or the input ends
 * (B->end says how). */
static void
decode_batch(PerfData *pd, PdBatch *b)
{
  pd->fill = b;
  b->end = FK_READ_SAMPLE;
  for (;;) {
    if (pd->opts->strict && pd->skips > 0) {
      g_set_error(&b->error, FK_READER_ERROR, FK_READER_ERROR_STRICT,
                  "%s: records were skipped (--strict)", fk_input_name(pd->in));
      b->end = FK_READ_ERROR;
      break;
    }
    if (b->items.len >= pd->batch_samples || b->addrs.len >= PD_BATCH_ADDRS)
      break;
    if (pd->ready_pos < pd->ready->len) {
      PdEvent *ev = &g_array_index(pd->ready, PdEvent, pd->ready_pos++);
      if (pd->ready_pos < pd->ready->len)
        prefetch_event(&g_array_index(pd->ready, PdEvent, pd->ready_pos));
      apply_event(pd, ev);
      /* A sample's addresses are in the batch; its record is no longer needed. */
      g_clear_pointer(&ev->owned, g_free);
      continue;
    }
    g_array_set_size(pd->ready, 0);
    pd->ready_pos = 0;
    drop_consumed(pd);
    if (pd->done) {
      b->end = FK_READ_END;
      break;
    }
    const guint8 *rec;
    guint32 size;
    guint64 offset;
    gboolean stable, inner;
    int rc = next_record(pd, &rec, &size, &offset, &stable, &inner, &b->error);
    if (rc < 0) {
      b->end = FK_READ_ERROR;
      break;
    }
    if (rc == 0) {
      pd->done = TRUE;
      flush_queue(pd, TRUE, 0);
      continue;
    }
    handle_record(pd, rec, size, offset, stable, inner);
  }
  pd->fill = NULL;
}

/* The decoder's thread: batches until the input ends or the reader stops
 * taking them. */
static gpointer
decoder_thread(gpointer data)
{
  PerfData *pd = data;
  for (;;) {
    PdBatch *b = pd_handover_take_empty(pd->handover);
    if (b == NULL)
      b = batch_new();
    decode_batch(pd, b);
    gboolean last = b->end != FK_READ_SAMPLE;
    if (!pd_handover_push(pd->handover, b)) {
      batch_free(b);
      break;
    }
    if (last)
      break;
  }
  pd_handover_finish(pd->handover);
  return NULL;
}

/* Ends the decoder's thread, if any: once it is joined, everything it kept
 * (counts, maps, the unwinder's) is the calling thread's to read. */
static void
stop_decoder(PerfData *pd)
{
  if (pd->decoder == NULL)
    return;
  pd_handover_stop(pd->handover);
  g_thread_join(pd->decoder);
  pd->decoder = NULL;
  pd->decoder_done = TRUE;
}

/* Moves the decoder's messages that came before item I of B (all of them
 * from *CURSOR on with item <= I) to the reader's diag. */
static void
move_diags(PerfData *pd, PdBatch *b, guint i, guint *cursor)
{
  while (*cursor < b->diags->len) {
    PdBatchDiag *d = &g_array_index(b->diags, PdBatchDiag, *cursor);
    if (d->item > i)
      break;
    fk_diag_move(pd->opts->diag, d->diag);
    (*cursor)++;
  }
}

/* The next batch for the symbolizing side: from the decoder's thread, or
 * filled here (one thread). NULL when there is none (never after a batch
 * that ended the input). */
static PdBatch *
next_batch(PerfData *pd)
{
  if (pd->decoder_done)
    return NULL;
  if (pd->handover == NULL) {
    PdBatch *b = pd->cur != NULL ? pd->cur : batch_new();
    pd->cur = NULL;
    batch_clear(b);
    decode_batch(pd, b);
    if (b->end != FK_READ_SAMPLE)
      pd->decoder_done = TRUE;
    return b;
  }
  if (pd->cur != NULL) {
    batch_clear(pd->cur);
    if (!pd_handover_give_back(pd->handover, pd->cur))
      batch_free(pd->cur);
    pd->cur = NULL;
  }
  PdBatch *b = pd_handover_pop(pd->handover);
  if (b == NULL || b->end != FK_READ_SAMPLE) {
    /* its last batch: the thread is ending */
    g_thread_join(pd->decoder);
    pd->decoder = NULL;
    pd->decoder_done = TRUE;
  }
  return b;
}

static FkReadStatus
perf_data_next(gpointer state, FkSample *s, GError **error)
{
  PerfData *pd = state;
  for (;;) {
    PdBatch *b = pd->cur;
    if (b != NULL) {
      move_diags(pd, b, pd->cur_item, &pd->cur_diag);
      if (pd->cur_item < b->items.len) {
        emit_item(pd, b, &PD_VEC_AT(b->items, PdItem, pd->cur_item++), s);
        return FK_READ_SAMPLE;
      }
      if (b->end == FK_READ_ERROR) {
        g_propagate_error(error, g_steal_pointer(&b->error));
        b->end = FK_READ_END;
        return FK_READ_ERROR;
      }
      if (b->end == FK_READ_END)
        return FK_READ_END;
    }
    PdBatch *n = next_batch(pd);
    if (n == NULL)
      return FK_READ_END;
    if (pd->cur != NULL && pd->cur != n)
      batch_free(pd->cur);
    pd->cur = n;
    pd->cur_item = 0;
    pd->cur_diag = 0;
  }
}

/* Two threads for a capture read from memory (file mode), unless -j 1: the
 * decoder then never touches the input. Pipe mode reads its input as it
 * decodes and stays on one thread. */
static void
start_decoder(PerfData *pd)
{
  pd->batch_samples = pd->own->batch_samples ? pd->own->batch_samples : PD_BATCH_SAMPLES_ONE;
  if (pd->pipe || pd->own->threads == 1)
    return;
  pd->handover = pd_handover_new(PD_BATCHES_WAITING, PD_BATCHES_FIRST);
  if (pd->own->batch_samples == 0)
    pd->batch_samples = PD_BATCH_SAMPLES;
  /* the mapping's page tables on a third thread, off the decoder's (the
   * one a run waits for): see pager.h */
  if (pd->map_addr != NULL)
    pd->pager = pd_pager_new(pd->map_addr, pd->mem_len);
  pd->decoder = g_thread_try_new("fk-perf-decode", decoder_thread, pd, NULL);
  if (pd->decoder == NULL) {
    pd_pager_free(pd->pager);
    pd->pager = NULL;
    pd->batch_samples = pd->own->batch_samples ? pd->own->batch_samples : PD_BATCH_SAMPLES_ONE;
    pd_handover_free(pd->handover, NULL);
    pd->handover = NULL;
  }
}

static void
free_events(GArray *a, guint from)
{
  for (guint i = from; i < a->len; i++)
    g_free(g_array_index(a, PdEvent, i).owned);
  g_array_free(a, TRUE);
}

/* A symbolizer's caches (DWARF indexes, ELF images, libdwarf's records)
 * took 30 to 170 ms to free after a 10 s DWARF capture, and nothing after
 * the input's end needs them: they are freed on a thread of their own, so
 * that the outputs do not wait (flamekit record's time after the command
 * exits). A symbolizer holds no state shared with others. */
static gpointer
free_symbolizer(gpointer sym)
{
  fk_symbolizer_free(sym);
  return NULL;
}

static void
perf_data_close(gpointer state)
{
  PerfData *pd = state;
  stop_decoder(pd);
  pd_pager_free(pd->pager); /* before the mapping goes */
  pd->pager = NULL;
  batch_free(pd->cur);
  pd_handover_free(pd->handover, batch_free);
  if (pd->lost > 0 || pd->lost_samples > 0)
    fk_diag_note(pd->opts->diag, fk_input_name(pd->in),
                 "perf lost %" G_GUINT64_FORMAT " events and %" G_GUINT64_FORMAT
                 " samples while recording (its buffers were full)",
                 pd->lost, pd->lost_samples);
  fk_diag_note_deep(pd->opts->diag, fk_input_name(pd->in), pd->deep, fk_name_max_depth(pd->opts));
  if (pd->other_samples > 0)
    fk_diag_note(pd->opts->diag, fk_input_name(pd->in),
                 "%" G_GUINT64_FORMAT " samples of events other than %s were not read; "
                 "--event-filter picks the event",
                 pd->other_samples, pd->event_filter);
  if (pd->event_filter != NULL && pd->samples == 0 && pd->opts->event_filter != NULL)
    fk_diag_note(pd->opts->diag, fk_input_name(pd->in), "no samples of event %s", pd->event_filter);
  g_autofree char *unwound = pd_unwind_summary(pd->unwind);
  if (unwound != NULL)
    fk_diag_note(pd->opts->diag, fk_input_name(pd->in), "%s", unwound);
  pd_unwind_free(pd->unwind);
  pd->unwind = NULL;
  fk_symbolizer_free(pd->usym);
  if (pd->udiag != NULL)
    fk_diag_free(pd->udiag);
  g_string_free(pd->scratch, TRUE);
  if (pd->map_addr)
    munmap(pd->map_addr, pd->mem_len);
  if (pd->bytes)
    g_bytes_unref(pd->bytes);
  g_byte_array_unref(pd->rbuf);
  g_byte_array_unref(pd->zbuf);
  if (pd->zctx)
    ZSTD_freeDCtx(pd->zctx);
  g_array_free(pd->attrs, TRUE);
  g_hash_table_destroy(pd->ids);
  free_events(pd->queue, 0);
  free_events(pd->ready, pd->ready_pos);
  pd_maps_free(pd->maps);
  if (pd->sym) /* off the way to the outputs: see free_symbolizer */
    g_thread_unref(g_thread_new("fk-symbolizer-free", free_symbolizer, pd->sym));
  g_ptr_array_free(pd->frames, TRUE);
  g_array_free(pd->addrs, TRUE);
  g_array_free(pd->uframes, TRUE);
  pd_stack_cache_free(pd->stacks);
  g_array_free(pd->key, TRUE);
  g_ptr_array_free(pd->table_frames, TRUE);
  g_array_free(pd->table_spans, TRUE);
  g_hash_table_destroy(pd->labels);
  g_hash_table_destroy(pd->build_ids);
  g_ptr_array_free(pd->build_id_list, TRUE);
  g_free(pd->hostname);
  g_free(pd->osrelease);
  g_free(pd->arch);
  g_free(pd->cmdline);
  g_free(pd->version);
  fk_interner_unref(pd->strings1);
  g_free(pd);
}

/* ---- describe ---- */

static void
pair(GPtrArray *pairs, const char *key, char *value)
{
  g_ptr_array_add(pairs, g_strdup(key));
  g_ptr_array_add(pairs, value);
}

static void
perf_data_describe(gpointer state, GPtrArray *pairs)
{
  PerfData *pd = state;
  stop_decoder(pd); /* its counts are read below */
  pair(pairs, "mode",
       g_strdup_printf("perf.data, %s mode, %s-endian%s", pd->pipe ? "pipe" : "file",
                       (G_BYTE_ORDER == G_LITTLE_ENDIAN) != pd->swap ? "little" : "big",
                       pd->zrecords ? ", zstd-compressed records" : ""));
  if (pd->hostname)
    pair(pairs, "hostname", g_strdup(pd->hostname));
  if (pd->osrelease)
    pair(pairs, "os-release", g_strdup(pd->osrelease));
  if (pd->arch)
    pair(pairs, "arch", g_strdup(pd->arch));
  if (pd->has_nrcpus)
    pair(pairs, "nr-cpus",
         g_strdup_printf("%u online, %u available", pd->nr_cpus_online, pd->nr_cpus_avail));
  if (pd->version)
    pair(pairs, "perf-version", g_strdup(pd->version));
  if (pd->cmdline)
    pair(pairs, "cmdline", g_strdup(pd->cmdline));
  for (guint i = 0; i < pd->attrs->len; i++) {
    PdAttr *a = &g_array_index(pd->attrs, PdAttr, i);
    pair(pairs, "event",
         g_strdup_printf("%s: %" G_GUINT64_FORMAT " samples, period %" G_GUINT64_FORMAT,
                         attr_name(pd, a), a->samples, a->period));
  }
  if (pd->time_max > 0)
    pair(pairs, "time-range",
         g_strdup_printf("%" G_GUINT64_FORMAT ".%09" G_GUINT64_FORMAT " .. %" G_GUINT64_FORMAT
                         ".%09" G_GUINT64_FORMAT " (%.3f s)",
                         pd->time_min / 1000000000, pd->time_min % 1000000000,
                         pd->time_max / 1000000000, pd->time_max % 1000000000,
                         (double)(pd->time_max - pd->time_min) / 1e9));
  if (pd->has_clockid)
    pair(pairs, "clock-resolution",
         g_strdup_printf("%" G_GUINT64_FORMAT " ns", pd->clockid_res_ns));
  if (pd->has_compressed)
    pair(pairs, "compression",
         g_strdup_printf("%s level %u, ratio %u", pd->comp_type == 1 ? "zstd" : "unknown",
                         pd->comp_level, pd->comp_ratio));
  if (pd->lost || pd->lost_samples)
    pair(pairs, "lost",
         g_strdup_printf("%" G_GUINT64_FORMAT " events, %" G_GUINT64_FORMAT " samples", pd->lost,
                         pd->lost_samples));
  if (pd->rejected)
    pair(pairs, "rejected-callchains", g_strdup_printf("%" G_GUINT64_FORMAT, pd->rejected));
  if (pd->unwind != NULL && pd_unwind_count(pd->unwind) > 0) {
    const guint64 *o = pd_unwind_outcomes(pd->unwind);
    g_autofree char *sum = pd_unwind_summary(pd->unwind);
    pair(pairs, "user-stacks", g_strdup(sum));
    for (guint i = 0; i < FK_UNWIND_N_OUTCOMES; i++)
      if (o[i] > 0) {
        char key[64];
        g_snprintf(key, sizeof key, "unwind-%s", fk_unwind_outcome_name((FkUnwindOutcome)i));
        pair(pairs, key, g_strdup_printf("%" G_GUINT64_FORMAT, o[i]));
      }
  }
  for (guint i = 0; i < pd->build_id_list->len; i++) {
    /* "HEX PATH": say whether the symbolizer finds a file for it */
    const char *entry = g_ptr_array_index(pd->build_id_list, i);
    const char *sp = strchr(entry, ' ');
    const char *found = NULL;
    if (pd->sym != NULL && sp != NULL && !pd->own->dso_only) {
      gsize hl = (gsize)(sp - entry) / 2;
      g_autofree guint8 *id = g_new0(guint8, hl + 1);
      for (gsize k = 0; k < hl; k++)
        id[k] = (guint8)(g_ascii_xdigit_value(entry[2 * k]) << 4 |
                         g_ascii_xdigit_value(entry[2 * k + 1]));
      found = fk_symbolizer_locate(pd->sym, sp + 1, id, hl);
      pair(
          pairs, "build-id",
          g_strdup_printf("%s (%s%s)", entry, found ? "found: " : "not found", found ? found : ""));
    } else {
      pair(pairs, "build-id", g_strdup(entry));
    }
  }
}

const FkReader fk_reader_perf_data = {
    .name = "perf-data",
    .summary = "perf.data captures (file and pipe mode, -z), symbolized offline",
    .bid = perf_data_bid,
    .open = perf_data_open,
    .next = perf_data_next,
    .close = perf_data_close,
    .describe = perf_data_describe,
    .flags = FK_READER_WANTS_SYMBOL_FILES,
    .slot = FK_READER_SLOT_PERF_DATA,
};
