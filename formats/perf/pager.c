/* pager.c -- a capture's pages mapped in ahead and given back behind, on a
 * thread of their own. */
#include "pager.h"

#include <sys/mman.h>
#include <unistd.h>

struct PdPager {
  const guint8 *map;
  gsize len;
  guint64 page_mask;
  GThread *thread;
  GMutex lock;
  GCond wake;
  /* under lock: what the decoder said, and what the thread has done */
  guint64 pos, low;
  guint64 populated; /* pages below this were mapped in (or are behind) */
  guint64 dropped;   /* pages below this were given back */
  gboolean stop;
  /* the decoder's own: the position of its last wake-up */
  guint64 posted;
  gboolean posted_once;
};

/* Under lock: the next range to map in, [*from, *to), if any. */
static gboolean
next_populate(PdPager *self, guint64 *from, guint64 *to)
{
  /* both ends on a page (but the mapping's end), so that the windows
   * map_in touches stay on the same boundaries from range to range. (When
   * this was MADV_POPULATE_READ, an unaligned end made the next call fail
   * with EINVAL: nothing was mapped in past the first PD_PAGER_AHEAD.) */
  guint64 f = MAX(self->populated, self->pos & ~self->page_mask);
  guint64 t =
      MIN((guint64)self->len, (self->pos + PD_PAGER_AHEAD + self->page_mask) & ~self->page_mask);
  if (f >= t)
    return FALSE;
  *from = f;
  *to = MIN(t, f + PD_PAGER_STEP);
  return TRUE;
}

/* Under lock: the next range to give back, [*from, *to), if any. */
static gboolean
next_drop(PdPager *self, guint64 *from, guint64 *to)
{
  guint64 low = self->low & ~self->page_mask;
  if (low < self->dropped + PD_PAGER_DROP)
    return FALSE;
  *from = self->dropped;
  *to = low;
  return TRUE;
}

/* Maps [FROM, TO) of MAP in by reading a byte of each fault-around window
 * (64 KiB on Linux: one fault maps the window's pages that are in the page
 * cache). Cheaper than MADV_POPULATE_READ, which faults the same windows
 * and then walks every page again to pin and unpin it (get_user_pages):
 * 17-30 ms against 34-41 ms for a 650 MB capture here. A page the touch
 * leaves out (a kernel without fault-around) is faulted in by the decoder
 * with the same bytes. */
static void
map_in(const guint8 *map, guint64 from, guint64 to)
{
  const volatile guint8 *m = map;
  guint8 sink = 0;
  for (guint64 o = from; o < to; o += PD_PAGER_WINDOW)
    sink ^= m[o];
  (void)sink;
}

static gpointer
pager_thread(gpointer data)
{
  PdPager *self = data;
  g_mutex_lock(&self->lock);
  for (;;) {
    guint64 pf = 0, pt = 0, df = 0, dt = 0;
    gboolean pop = FALSE, drop = FALSE;
    while (!self->stop && !(pop = next_populate(self, &pf, &pt)) &&
           !(drop = next_drop(self, &df, &dt)))
      g_cond_wait(&self->wake, &self->lock);
    if (self->stop)
      break;
    if (!drop)
      drop = next_drop(self, &df, &dt);
    if (pop)
      self->populated = pt;
    if (drop)
      self->dropped = dt;
    g_mutex_unlock(&self->lock);
    if (pop)
      map_in(self->map, pf, pt);
    if (drop)
      (void)madvise((void *)(self->map + df), dt - df, MADV_DONTNEED);
    g_mutex_lock(&self->lock);
  }
  g_mutex_unlock(&self->lock);
  return NULL;
}

PdPager *
pd_pager_new(const guint8 *map, gsize len)
{
  PdPager *self = g_new0(PdPager, 1);
  self->map = map;
  self->len = len;
  self->page_mask = (guint64)sysconf(_SC_PAGESIZE) - 1;
  g_mutex_init(&self->lock);
  g_cond_init(&self->wake);
  self->thread = g_thread_try_new("fk-perf-pager", pager_thread, self, NULL);
  if (self->thread == NULL) {
    g_mutex_clear(&self->lock);
    g_cond_clear(&self->wake);
    g_free(self);
    return NULL;
  }
  return self;
}

gboolean
pd_pager_due(const PdPager *self, guint64 pos)
{
  return !self->posted_once || pos >= self->posted + PD_PAGER_STEP;
}

void
pd_pager_progress(PdPager *self, guint64 pos, guint64 low)
{
  self->posted = pos;
  self->posted_once = TRUE;
  g_mutex_lock(&self->lock);
  self->pos = pos;
  self->low = MIN(low, pos);
  /* a thread that gets no processor (a busy machine) must not let the
   * resident set grow with the file: past twice the batch, the decoder
   * gives the pages back itself, as it did without a pager */
  guint64 from = self->dropped, to = self->low & ~self->page_mask;
  gboolean lagging = to > from + 2 * PD_PAGER_DROP;
  if (lagging)
    self->dropped = to;
  g_cond_signal(&self->wake);
  g_mutex_unlock(&self->lock);
  if (lagging)
    (void)madvise((void *)(self->map + from), to - from, MADV_DONTNEED);
}

void
pd_pager_free(PdPager *self)
{
  if (self == NULL)
    return;
  g_mutex_lock(&self->lock);
  self->stop = TRUE;
  g_cond_signal(&self->wake);
  g_mutex_unlock(&self->lock);
  g_thread_join(self->thread);
  g_mutex_clear(&self->lock);
  g_cond_clear(&self->wake);
  g_free(self);
}
