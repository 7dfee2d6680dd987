/* pieces.c -- pieces of an output rendered on several threads, written in
 * order (pieces.h). */
#include "pieces.h"

#include <stdlib.h>

/* What a piece rendered ahead of its turn left: its bytes, or a failure. */
typedef struct {
  char *bytes;
  size_t len;
  gboolean done, ok;
} Rendered;

typedef struct {
  GMutex lock;
  GCond cond; /* a piece done, a piece written, or the write stopped */
  gsize n, window;
  gsize claimed; /* the next piece no thread has taken */
  gsize written; /* the next piece to write */
  gboolean stop;
  Rendered *pieces;
  FkPieceFunc func;
  gpointer data;
} Pieces;

/* Renders piece I into memory and says so (lock not held). */
static void
render_apart(Pieces *p, gsize i)
{
  Rendered r = {NULL, 0, TRUE, FALSE};
  FILE *to = open_memstream(&r.bytes, &r.len);
  if (to != NULL) {
    r.ok = p->func(i, to, p->data);
    /* the stream's bytes and length are only final once it is closed */
    if (fclose(to) != 0)
      r.ok = FALSE;
  }
  g_mutex_lock(&p->lock);
  p->pieces[i] = r;
  g_cond_broadcast(&p->cond);
  g_mutex_unlock(&p->lock);
}

/* A worker: takes the next piece while it is at most WINDOW ahead of the one
 * being written. */
static gpointer
worker(gpointer data)
{
  Pieces *p = data;
  g_mutex_lock(&p->lock);
  for (;;) {
    if (p->stop || p->claimed >= p->n)
      break;
    if (p->claimed >= p->written + p->window) {
      g_cond_wait(&p->cond, &p->lock);
      continue;
    }
    gsize i = p->claimed++;
    g_mutex_unlock(&p->lock);
    render_apart(p, i);
    g_mutex_lock(&p->lock);
  }
  g_mutex_unlock(&p->lock);
  return NULL;
}

gboolean
fk_pieces_write(gsize n, guint jobs, FkPieceFunc func, gpointer data, FILE *out)
{
  Pieces p = {.n = n, .window = 4 * (gsize)MAX(jobs, 1), .func = func, .data = data};
  p.pieces = g_new0(Rendered, n);
  g_mutex_init(&p.lock);
  g_cond_init(&p.cond);
  GPtrArray *threads = g_ptr_array_new();
  for (guint t = 1; t < jobs && t < n; t++) {
    GThread *th = g_thread_try_new("fk-pieces", worker, &p, NULL);
    if (th == NULL)
      break; /* fewer threads: this one renders what they would have */
    g_ptr_array_add(threads, th);
  }
  gboolean ok = TRUE;
  g_mutex_lock(&p.lock);
  while (ok && p.written < n) {
    Rendered *r = &p.pieces[p.written];
    if (r->done) {
      /* written without the lock: the workers render on meanwhile */
      g_mutex_unlock(&p.lock);
      ok = r->ok && fwrite(r->bytes, 1, r->len, out) == r->len;
      free(r->bytes);
      r->bytes = NULL;
      g_mutex_lock(&p.lock);
      p.written++;
      g_cond_broadcast(&p.cond);
    } else if (p.claimed < n && p.claimed < p.written + p.window) {
      /* the next piece no one has: the one to write now goes straight out */
      gsize i = p.claimed++;
      g_mutex_unlock(&p.lock);
      if (i == p.written) {
        ok = func(i, out, data);
        g_mutex_lock(&p.lock);
        p.written++;
        g_cond_broadcast(&p.cond);
      } else {
        render_apart(&p, i);
        g_mutex_lock(&p.lock);
      }
    } else {
      g_cond_wait(&p.cond, &p.lock);
    }
  }
  p.stop = TRUE;
  g_cond_broadcast(&p.cond);
  g_mutex_unlock(&p.lock);
  for (guint t = 0; t < threads->len; t++)
    g_thread_join(threads->pdata[t]);
  g_ptr_array_free(threads, TRUE);
  for (gsize i = 0; i < n; i++)
    free(p.pieces[i].bytes);
  g_free(p.pieces);
  g_mutex_clear(&p.lock);
  g_cond_clear(&p.cond);
  return ok;
}
