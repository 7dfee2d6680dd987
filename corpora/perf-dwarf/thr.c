/* thr.c -- four threads without frame pointers: each thread starts in
 * clone3 -> start_thread -> worker -> crunch -> step, main waits. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

static volatile unsigned long sink;

__attribute__((noinline)) static unsigned long
step(unsigned long x)
{
  for (int i = 0; i < 1000; i++)
    x = x * 2862933555777941757ul + 3037000493ul;
  return x;
}

__attribute__((noinline)) static unsigned long
crunch(unsigned long x, long n)
{
  for (long i = 0; i < n; i++)
    x = step(x);
  return x;
}

static void *
worker(void *arg)
{
  sink += crunch((unsigned long)(size_t)arg, *(long *)arg == 0 ? 0 : 30000);
  return NULL;
}

int
main(void)
{
  pthread_t t[4];
  static long go = 1;
  for (int i = 0; i < 4; i++)
    pthread_create(&t[i], NULL, worker, &go);
  for (int i = 0; i < 4; i++)
    pthread_join(t[i], NULL);
  printf("%lu\n", sink);
  return 0;
}
