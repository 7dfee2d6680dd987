/* maps.c -- processes, threads and their address maps over time. */
#include "maps.h"
#include "../sorted.h"

#include <string.h>

typedef struct {
  gint64 pid;
  GArray *maps;  /* PdMap sorted by start */
  guint64 stamp; /* drawn from PdMaps.stamps at each change */
  guint hint;    /* the mapping found last: a stack's addresses come in runs of one dso */
} PdProc;

struct PdMaps {
  GHashTable *procs; /* gint64* pid -> PdProc* */
  GHashTable *comms; /* gint64* tid -> const char* (interned elsewhere) */
  guint64 stamps;    /* the last stamp given */
  guint64 comm_stamp;
  PdProc *last; /* the last process looked up: samples come in runs of one */
};

static void
proc_free(gpointer p)
{
  PdProc *proc = p;
  g_array_free(proc->maps, TRUE);
  g_free(proc);
}

PdMaps *
pd_maps_new(void)
{
  PdMaps *self = g_new0(PdMaps, 1);
  self->procs = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, proc_free);
  self->comms = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
  return self;
}

void
pd_maps_free(PdMaps *self)
{
  if (self == NULL)
    return;
  g_hash_table_destroy(self->procs);
  g_hash_table_destroy(self->comms);
  g_free(self);
}

static PdProc *
get_proc(PdMaps *self, gint64 pid, gboolean create)
{
  if (self->last != NULL && self->last->pid == pid)
    return self->last;
  PdProc *proc = g_hash_table_lookup(self->procs, &pid);
  if (proc == NULL && create) {
    proc = g_new0(PdProc, 1);
    proc->pid = pid;
    proc->maps = g_array_new(FALSE, FALSE, sizeof(PdMap));
    g_hash_table_insert(self->procs, g_memdup2(&pid, sizeof pid), proc);
  }
  if (proc != NULL)
    self->last = proc;
  return proc;
}

static GArray *
proc_maps(PdMaps *self, gint64 pid, gboolean create)
{
  PdProc *proc = get_proc(self, pid, create);
  return proc != NULL ? proc->maps : NULL;
}

/* PID's maps are about to change: a stamp no state of any process had. */
static void
restamp(PdMaps *self, gint64 pid)
{
  get_proc(self, pid, TRUE)->stamp = ++self->stamps;
}

guint64
pd_maps_stamp(PdMaps *self, gint64 pid)
{
  PdProc *proc = get_proc(self, pid, FALSE);
  return proc != NULL ? proc->stamp : 0;
}

/* Index of the first mapping whose end is above ADDR. */
static guint
first_ending_after(GArray *a, guint64 addr)
{
  return FK_SORTED_UPTO(a, PdMap, end, addr);
}

static gboolean
is_anon_path(const char *p)
{
  return strcmp(p, "//anon") == 0 || g_str_has_prefix(p, "/dev/zero") ||
         g_str_has_prefix(p, "/anon_hugepage");
}

guint8
pd_map_kind(const char *p)
{
  guint8 k = 0;
  if (p[0] == '[' ? strcmp(p, "[unknown]") != 0
                  : g_str_has_suffix(p, ".ko") || g_str_has_suffix(p, "vmlinux"))
    k |= PD_MAP_KERNEL;
  if (g_str_has_prefix(p, "[kernel.kallsyms]"))
    k |= PD_MAP_KALLSYMS;
  gboolean anon = is_anon_path(p);
  gboolean perf_map = g_str_has_prefix(p, "/tmp/perf-") && g_str_has_suffix(p, ".map");
  if (anon)
    k |= PD_MAP_ANON;
  if (anon || perf_map)
    k |= PD_MAP_PERF_MAP;
  const char *base = strrchr(p, '/');
  base = base ? base + 1 : p;
  if (anon || perf_map || (g_str_has_prefix(base, "jitted-") && g_str_has_suffix(base, ".so")))
    k |= PD_MAP_JIT;
  if (anon || perf_map || g_str_has_prefix(p, "[anon"))
    k |= PD_MAP_NO_CFI;
  return k;
}

void
pd_maps_add(PdMaps *self, gint64 pid, const PdMap *map_in)
{
  if (map_in->end <= map_in->start)
    return;
  PdMap copy = *map_in;
  copy.kind = pd_map_kind(copy.path);
  const PdMap *map = &copy;
  restamp(self, pid);
  GArray *a = proc_maps(self, pid, TRUE);
  guint i = first_ending_after(a, map->start);
  /* Cut what the new mapping covers from the mappings it overlaps; keep the
   * parts that stick out on either side. */
  while (i < a->len && g_array_index(a, PdMap, i).start < map->end) {
    PdMap old = g_array_index(a, PdMap, i);
    g_array_remove_index(a, i);
    if (old.start < map->start) {
      PdMap left = old;
      left.end = map->start;
      g_array_insert_val(a, i, left);
      i++;
    }
    if (old.end > map->end) {
      PdMap right = old;
      right.pgoff += map->end - old.start;
      right.start = map->end;
      g_array_insert_val(a, i, right);
      i++;
    }
  }
  g_array_insert_val(a, first_ending_after(a, map->start), *map);
}

const PdMap *
pd_maps_find(PdMaps *self, gint64 pid, guint64 addr)
{
  PdProc *proc = get_proc(self, pid, FALSE);
  if (proc == NULL)
    return NULL;
  GArray *a = proc->maps;
  /* the mappings do not overlap: one that holds ADDR is the answer */
  if (proc->hint < a->len && g_array_index(a, PdMap, proc->hint).start <= addr &&
      addr < g_array_index(a, PdMap, proc->hint).end)
    return &g_array_index(a, PdMap, proc->hint);
  guint i = first_ending_after(a, addr);
  if (i < a->len && g_array_index(a, PdMap, i).start <= addr) {
    proc->hint = i;
    return &g_array_index(a, PdMap, i);
  }
  return NULL;
}

const PdMap *
pd_maps_find_floor(PdMaps *self, gint64 pid, guint64 addr)
{
  GArray *a = proc_maps(self, pid, FALSE);
  if (a == NULL)
    return NULL;
  /* the last mapping starting at or below ADDR */
  guint lo = FK_SORTED_UPTO(a, PdMap, start, addr);
  return lo > 0 ? &g_array_index(a, PdMap, lo - 1) : NULL;
}

void
pd_maps_fork(PdMaps *self, gint64 parent, gint64 child)
{
  if (parent == child)
    return;
  restamp(self, child);
  GArray *from = proc_maps(self, parent, FALSE);
  GArray *to = proc_maps(self, child, TRUE);
  g_array_set_size(to, 0);
  if (from != NULL && from->len > 0)
    g_array_append_vals(to, from->data, from->len);
}

const char *
pd_maps_comm(PdMaps *self, gint64 tid)
{
  return g_hash_table_lookup(self->comms, &tid);
}

void
pd_maps_set_comm(PdMaps *self, gint64 tid, const char *comm)
{
  g_hash_table_insert(self->comms, g_memdup2(&tid, sizeof tid), (gpointer)comm);
  self->comm_stamp++;
}

guint64
pd_maps_comm_stamp(const PdMaps *self)
{
  return self->comm_stamp;
}
