/* sig.c -- samples taken inside a signal handler: the stack runs
 * main -> spin, interrupted by SIGPROF -> handler -> in_handler. Unwinding
 * through the kernel's signal frame (__restore_rt) needs the 'S' CIE and an
 * exact (not minus one) pc for the interrupted frame. No frame pointers. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/time.h>

static volatile unsigned long sink;
static volatile int ticks;

__attribute__((noinline)) static void
in_handler(void)
{
  for (int i = 0; i < 300000; i++)
    sink = sink * 31 + (unsigned long)i;
}

static void
handler(int sig)
{
  (void)sig;
  ticks++;
  in_handler();
}

__attribute__((noinline)) static void
spin(long n)
{
  for (long i = 0; i < n; i++)
    sink += (unsigned long)i ^ sink;
}

int
main(int argc, char **argv)
{
  struct sigaction sa = {0};
  sa.sa_handler = handler;
  sigaction(SIGPROF, &sa, NULL);
  struct itimerval it = {{0, 2000}, {0, 2000}};
  setitimer(ITIMER_PROF, &it, NULL);
  long n = argc > 1 ? atol(argv[1]) : 100000000;
  spin(n);
  printf("%lu %d\n", sink, ticks);
  return 0;
}
