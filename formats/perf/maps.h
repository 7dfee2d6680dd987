/* maps.h -- processes, threads and their address maps over time.
 *
 * The perf-data reader replays MMAP, MMAP2, COMM, FORK and EXIT records in
 * time order; this module keeps what they say: per process (pid) a sorted,
 * non-overlapping list of executable mappings (a new mapping cuts the parts
 * of older ones it covers, as the kernel does), per thread (tid) its comm, and
 * the kernel's mappings (pid -1) apart. */
#pragma once

#include <glib.h>

typedef struct {
  guint64 start, end, pgoff; /* [start, end) */
  const char *path;          /* interned by the caller */
  guint8 build_id[20];
  guint8 build_id_len; /* 0: none known */
  /* The reader's `[dso]` label for this path, made once (NULL until then):
   * the same for every part of a cut mapping and every forked copy. */
  const char *label;
  guint8 kind; /* PD_MAP_* bits of path, set by pd_maps_add */
} PdMap;

/* What a mapping's path says, worked out once per mapping rather than per
 * frame looked up in it (string prefixes were a tenth of a dwarf capture's
 * time). */
enum {
  PD_MAP_KERNEL = 1 << 0,   /* for --kernel, as stackcollapse-perf.pl: [bracketed] pseudo-dsos (not
                               [unknown]), *.ko, vmlinux */
  PD_MAP_ANON = 1 << 1,     /* anonymous memory, as perf's is_anon_memory() */
  PD_MAP_JIT = 1 << 2,      /* JIT code: anonymous, /tmp/perf-PID.map, jitted-*.so */
  PD_MAP_NO_CFI = 1 << 3,   /* JIT memory for the unwinder: anonymous, perf-PID.map, [anon:...] */
  PD_MAP_KALLSYMS = 1 << 4, /* [kernel.kallsyms] */
  PD_MAP_PERF_MAP = 1 << 5, /* symbols from /tmp/perf-PID.map: anonymous, or that file itself */
};
guint8 pd_map_kind(const char *path);

typedef struct PdMaps PdMaps;

PdMaps *pd_maps_new(void);
void pd_maps_free(PdMaps *self);

/* Adds MAP to process PID (-1: the kernel), cutting what it overlaps. */
void pd_maps_add(PdMaps *self, gint64 pid, const PdMap *map);
/* The mapping of PID (-1: the kernel) holding ADDR, or NULL. Valid until the
 * next change. */
const PdMap *pd_maps_find(PdMaps *self, gint64 pid, guint64 addr);
/* The mapping of PID starting last at or below ADDR, as if each mapping ran
 * up to the next one: perf's map__fixup_end() view of the kernel's maps,
 * whose MMAP records stop at _etext while kernel code lies beyond. */
const PdMap *pd_maps_find_floor(PdMaps *self, gint64 pid, guint64 addr);
/* Process CHILD was forked from PARENT: it starts with a copy of its maps. */
void pd_maps_fork(PdMaps *self, gint64 parent, gint64 child);
/* The version of PID's maps: a number no other state of any process's maps
 * had or will have (0: PID has none yet). Equal stamps mean the same maps,
 * so whatever was worked out from them holds. */
guint64 pd_maps_stamp(PdMaps *self, gint64 pid);

/* Thread TID's comm (interned by the caller), or NULL when never seen. */
const char *pd_maps_comm(PdMaps *self, gint64 tid);
void pd_maps_set_comm(PdMaps *self, gint64 tid, const char *comm);
/* Changes at every pd_maps_set_comm: comms looked up under one value hold. */
guint64 pd_maps_comm_stamp(const PdMaps *self);
