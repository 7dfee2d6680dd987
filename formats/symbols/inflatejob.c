/* inflatejob.c -- compressed sections inflated once a file, shared. */
#include "inflatejob.h"

#include "inflatecache.h"
#include "zinflate.h"

typedef struct {
  FkInflateSection sec;
  guint8 *out; /* NULL until inflated (and if it failed) */
  guint thread;
} IjSection;

struct FkInflateJob {
  char *key;       /* NULL: a job of its own caller's, not in the registry */
  char *cache_key; /* the entry in the cache on disk (inflatecache.h), or NULL */
  /* the cache's entry, when the sections came from it: the outs point into
   * its mapping */
  FkInflateCacheHit *hit;
  guint refs;   /* under registry_lock: a lookup must not find a job being freed */
  GArray *secs; /* IjSection, written only by their thread until done */
  gpointer keep;
  GDestroyNotify keep_free;
  GThread *th[2];
  GMutex lock;
  GCond cond;
  guint running; /* threads not done, under lock */
};

typedef struct {
  FkInflateJob *job;
  guint thread;
} IjWork;

static GMutex registry_lock;
static GHashTable *registry; /* key -> FkInflateJob, while referenced */

/* The cache entry of JOB's sections, when every one inflated. Run by the
 * thread that finished last: the sections change no more, and the job is
 * not freed before its threads are joined. */
static void
store(FkInflateJob *job)
{
  guint n = job->secs->len;
  g_autofree FkInflateSection *secs = g_new(FkInflateSection, n);
  g_autofree const guint8 **outs = g_new(const guint8 *, n);
  for (guint i = 0; i < n; i++) {
    const IjSection *s = &g_array_index(job->secs, IjSection, i);
    if (s->out == NULL)
      return; /* a stream that does not inflate: said on every run */
    secs[i] = s->sec;
    outs[i] = s->out;
  }
  fk_inflate_cache_store(job->cache_key, secs, outs, n);
}

static void
inflate_part(FkInflateJob *job, guint thread)
{
  for (guint i = 0; i < job->secs->len; i++) {
    IjSection *s = &g_array_index(job->secs, IjSection, i);
    if (s->thread != thread)
      continue;
    guint8 *out = g_try_malloc(s->sec.size);
    if (out != NULL && fk_zlib_inflate(s->sec.src, s->sec.src_len, out, s->sec.size))
      s->out = out;
    else
      g_free(out);
  }
  g_mutex_lock(&job->lock);
  gboolean last = --job->running == 0;
  g_cond_broadcast(&job->cond);
  g_mutex_unlock(&job->lock);
  if (last && job->cache_key != NULL)
    store(job); /* after the wait is over: the readers do not wait for the disk */
}

static gpointer
inflate_thread(gpointer data)
{
  IjWork *w = data;
  inflate_part(w->job, w->thread);
  g_free(w);
  return NULL;
}

static int
cmp_src_len(gconstpointer a, gconstpointer b)
{
  gsize x = ((const IjSection *)a)->sec.src_len, y = ((const IjSection *)b)->sec.src_len;
  return x < y ? 1 : x > y ? -1 : 0;
}

static FkInflateJob *
job_new(const char *key, const char *cache_key, const FkInflateSection *secs, guint n,
        gpointer keep, GDestroyNotify keep_free)
{
  FkInflateJob *job = g_new0(FkInflateJob, 1);
  job->key = g_strdup(key);
  job->refs = 1;
  job->keep = keep;
  job->keep_free = keep_free;
  g_mutex_init(&job->lock);
  g_cond_init(&job->cond);
  job->secs = g_array_sized_new(FALSE, TRUE, sizeof(IjSection), n);
  for (guint i = 0; i < n; i++) {
    IjSection s = {secs[i], NULL, 0};
    g_array_append_val(job->secs, s);
  }
  /* the cache's entry if it has one: no thread, nothing to wait for */
  job->hit = fk_inflate_cache_open(cache_key, secs, n);
  for (guint i = 0; job->hit != NULL && i < n; i++) {
    IjSection *s = &g_array_index(job->secs, IjSection, i);
    s->out = (guint8 *)fk_inflate_cache_bytes(job->hit, &s->sec);
  }
  if (job->hit != NULL)
    return job;
  job->cache_key = g_strdup(cache_key);
  /* the largest stream on one thread, the others on the second, balanced
   * by compressed size */
  g_array_sort(job->secs, cmp_src_len);
  gsize load[2] = {0, 0};
  for (guint i = 0; i < job->secs->len; i++) {
    IjSection *s = &g_array_index(job->secs, IjSection, i);
    s->thread = load[1] < load[0];
    load[s->thread] += s->sec.src_len;
  }
  for (guint t = 0; t < 2; t++)
    job->running += load[t] > 0;
  for (guint t = 0; t < 2; t++) {
    if (load[t] == 0)
      continue;
    IjWork *w = g_new(IjWork, 1);
    *w = (IjWork){job, t};
    job->th[t] = g_thread_try_new("fk-inflate", inflate_thread, w, NULL);
    if (job->th[t] == NULL) {
      g_free(w);
      inflate_part(job, t); /* no thread: inflate here */
    }
  }
  return job;
}

FkInflateJob *
fk_inflate_job_get(const char *key, const char *cache_key, const FkInflateSection *secs, guint n,
                   gpointer keep, GDestroyNotify keep_free)
{
  if (key == NULL)
    return job_new(NULL, cache_key, secs, n, keep, keep_free);
  g_mutex_lock(&registry_lock);
  if (registry == NULL)
    registry = g_hash_table_new(g_str_hash, g_str_equal);
  FkInflateJob *job = g_hash_table_lookup(registry, key);
  if (job != NULL) {
    job->refs++;
    g_mutex_unlock(&registry_lock);
    if (keep_free != NULL)
      keep_free(keep);
    return job;
  }
  /* started under the lock: a second caller of the same key waits for the
   * threads' creation, not for the inflating */
  job = job_new(key, cache_key, secs, n, keep, keep_free);
  g_hash_table_insert(registry, job->key, job);
  g_mutex_unlock(&registry_lock);
  return job;
}

void
fk_inflate_job_wait(FkInflateJob *job)
{
  g_mutex_lock(&job->lock);
  while (job->running > 0)
    g_cond_wait(&job->cond, &job->lock);
  g_mutex_unlock(&job->lock);
}

const guint8 *
fk_inflate_job_output(FkInflateJob *job, guint64 offset, gsize src_len, guint64 size,
                      gboolean *known)
{
  for (guint i = 0; i < job->secs->len; i++) {
    const IjSection *s = &g_array_index(job->secs, IjSection, i);
    if (s->sec.offset == offset && s->sec.src_len == src_len && s->sec.size == size) {
      *known = TRUE;
      return s->out;
    }
  }
  *known = FALSE;
  return NULL;
}

void
fk_inflate_job_unref(FkInflateJob *job)
{
  if (job == NULL)
    return;
  g_mutex_lock(&registry_lock);
  gboolean last = --job->refs == 0;
  if (last && job->key != NULL)
    g_hash_table_remove(registry, job->key);
  g_mutex_unlock(&registry_lock);
  if (!last)
    return;
  for (guint t = 0; t < 2; t++)
    if (job->th[t] != NULL)
      g_thread_join(job->th[t]);
  for (guint i = 0; job->hit == NULL && i < job->secs->len; i++)
    g_free(g_array_index(job->secs, IjSection, i).out);
  fk_inflate_cache_close(job->hit);
  g_array_unref(job->secs);
  if (job->keep_free != NULL)
    job->keep_free(job->keep);
  g_mutex_clear(&job->lock);
  g_cond_clear(&job->cond);
  g_free(job->key);
  g_free(job->cache_key);
  g_free(job);
}
