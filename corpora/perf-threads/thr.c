/* thr.c -- four threads doing different work, to be told apart by tid. */
#include <math.h>
#include <pthread.h>
#include <stdio.h>

static double results[4];

__attribute__((noinline)) static double
spin_sqrt(long n)
{
  double s = 0;
  for (long i = 0; i < n; i++)
    s += sqrt((double)i);
  return s;
}

__attribute__((noinline)) static double
spin_div(long n)
{
  double s = 1;
  for (long i = 1; i < n; i++)
    s = s / 1.0000001 + 1.0 / (double)i;
  return s;
}

static void *
worker(void *arg)
{
  long k = (long)arg;
  results[k] = (k % 2) ? spin_div(15000000L * (k + 1)) : spin_sqrt(20000000L * (k + 1));
  return NULL;
}

int
main(void)
{
  pthread_t t[4];
  for (long k = 0; k < 4; k++)
    pthread_create(&t[k], NULL, worker, (void *)k);
  for (int k = 0; k < 4; k++)
    pthread_join(t[k], NULL);
  printf("%f\n", results[0] + results[1] + results[2] + results[3]);
  return 0;
}
