/* test-perf-handover.c -- the perf-data reader's batch handover between its
 * decoding thread and the reading one (formats/perf/handover.h): batches
 * arrive in the order pushed, the producer never gets more than DEPTH ahead
 * (back pressure), and a consumer that stops early ends a blocked producer. */
#include "../../formats/perf/handover.h"

typedef struct {
  PdHandover *h;
  guint n;         /* batches to push */
  guint pushed;    /* pushed so far (atomic) */
  guint refused;   /* the push that failed, + 1 (0: none did) */
  guint ahead_max; /* most batches pushed but not yet popped, as the producer saw it */
  guint *popped;   /* the consumer's count (atomic) */
} Producer;

static gpointer
produce(gpointer data)
{
  Producer *p = data;
  for (guint i = 0; i < p->n; i++) {
    guint *b = pd_handover_take_empty(p->h);
    if (b == NULL)
      b = g_new(guint, 1);
    *b = i;
    if (!pd_handover_push(p->h, b)) {
      p->refused = i + 1;
      g_free(b);
      break;
    }
    g_atomic_int_inc(&p->pushed);
    guint ahead = (guint)g_atomic_int_get(&p->pushed) - (guint)g_atomic_int_get(p->popped);
    p->ahead_max = MAX(p->ahead_max, ahead);
  }
  pd_handover_finish(p->h);
  return NULL;
}

/* Every batch, in order, whatever the depth; the producer is held back. */
static void
test_order_and_back_pressure(void)
{
  for (guint depth = 1; depth <= 4; depth++) {
    guint popped = 0;
    Producer p = {.h = pd_handover_new(depth, depth), .n = 2000, .popped = &popped};
    GThread *t = g_thread_new("producer", produce, &p);
    guint *b;
    guint expect = 0;
    while ((b = pd_handover_pop(p.h)) != NULL) {
      g_assert_cmpuint(*b, ==, expect);
      expect++;
      g_atomic_int_inc(&popped);
      if (expect % 97 == 0)
        g_usleep(200); /* a slow consumer: the producer must wait, not pile up */
      if (!pd_handover_give_back(p.h, b))
        g_free(b);
    }
    g_thread_join(t);
    g_assert_cmpuint(expect, ==, 2000);
    g_assert_cmpuint(p.refused, ==, 0);
    /* never more than DEPTH full batches waiting; the one being pushed and
     * the one being consumed come on top */
    g_assert_cmpuint(pd_handover_max_waiting(p.h), <=, depth);
    g_assert_cmpuint(pd_handover_max_waiting(p.h), >=, 1);
    g_assert_cmpuint(p.ahead_max, <=, depth + 1);
    pd_handover_free(p.h, g_free);
  }
}

/* A consumer that stops after a few batches: the producer, blocked on a
 * full handover, is refused and ends; what waited is freed. */
static void
test_early_stop(void)
{
  guint popped = 0;
  Producer p = {.h = pd_handover_new(2, 2), .n = 1000000, .popped = &popped};
  GThread *t = g_thread_new("producer", produce, &p);
  for (guint i = 0; i < 5; i++) {
    guint *b = pd_handover_pop(p.h);
    g_assert_nonnull(b);
    g_assert_cmpuint(*b, ==, i);
    g_atomic_int_inc(&popped);
    if (!pd_handover_give_back(p.h, b))
      g_free(b);
  }
  g_usleep(10000); /* let the producer fill the handover and block */
  pd_handover_stop(p.h);
  g_thread_join(t);
  g_assert_cmpuint(p.refused, >, 5);
  g_assert_cmpuint(p.refused, <=, 5 + 2 + 1);
  pd_handover_free(p.h, g_free);
}

/* A producer that finishes before the consumer comes: every batch is still
 * there, then the end. */
static void
test_finish_first(void)
{
  PdHandover *h = pd_handover_new(8, 8);
  for (guint i = 0; i < 3; i++) {
    guint *b = g_new(guint, 1);
    *b = i;
    g_assert_true(pd_handover_push(h, b));
  }
  pd_handover_finish(h);
  for (guint i = 0; i < 3; i++) {
    guint *b = pd_handover_pop(h);
    g_assert_nonnull(b);
    g_assert_cmpuint(*b, ==, i);
    g_free(b);
  }
  g_assert_null(pd_handover_pop(h));
  g_assert_null(pd_handover_pop(h));
  pd_handover_free(h, g_free);
}

/* Waits (up to 5 s) until the producer has pushed N; then gives it 20 ms
 * more to show that it is held at N, not just slow. */
static void
pushed_reaches(Producer *p, guint n)
{
  for (guint i = 0; i < 500 && (guint)g_atomic_int_get(&p->pushed) < n; i++)
    g_usleep(10000);
  g_usleep(20000);
  g_assert_cmpuint((guint)g_atomic_int_get(&p->pushed), ==, n);
}

static guint *
pop_one(Producer *p)
{
  guint *b = pd_handover_pop(p->h);
  g_assert_nonnull(b);
  g_atomic_int_inc(p->popped);
  return b;
}

/* FIRST_DEPTH batches wait while the consumer is on its first; from its
 * second on, DEPTH; spares beyond DEPTH are the consumer's to free. */
static void
test_first_depth(void)
{
  guint popped = 0;
  Producer p = {.h = pd_handover_new(2, 6), .n = 40, .popped = &popped};
  GThread *t = g_thread_new("producer", produce, &p);
  pushed_reaches(&p, 6); /* nothing popped: six wait */
  guint *first = pop_one(&p);
  pushed_reaches(&p, 7); /* on its first: six wait again */
  guint *b[6];
  b[0] = pop_one(&p);
  pushed_reaches(&p, 7); /* on its second: five wait, more than 2 */
  for (guint i = 1; i < 5; i++)
    b[i] = pop_one(&p);
  pushed_reaches(&p, 8); /* one waited: the producer fills up to 2 */
  g_assert_true(pd_handover_give_back(p.h, first));
  g_assert_true(pd_handover_give_back(p.h, b[0]));
  for (guint i = 1; i < 5; i++) {
    g_assert_false(pd_handover_give_back(p.h, b[i])); /* two spares kept */
    g_free(b[i]);
  }
  guint *x;
  guint n = 6; /* 0 to 5 were popped above */
  while ((x = pd_handover_pop(p.h)) != NULL) {
    g_assert_cmpuint(*x, ==, n);
    n++;
    g_atomic_int_inc(&popped);
    if (!pd_handover_give_back(p.h, x))
      g_free(x);
  }
  g_thread_join(t);
  g_assert_cmpuint(n, ==, 40);
  g_assert_cmpuint(pd_handover_max_waiting(p.h), ==, 6);
  pd_handover_free(p.h, g_free);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/perf-handover/order-and-back-pressure", test_order_and_back_pressure);
  g_test_add_func("/perf-handover/early-stop", test_early_stop);
  g_test_add_func("/perf-handover/finish-first", test_finish_first);
  g_test_add_func("/perf-handover/first-depth", test_first_depth);
  return g_test_run();
}
