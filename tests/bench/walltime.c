/* walltime [-c] OUT CMD [ARG...]: runs CMD, then appends "SECONDS KB" to OUT,
 * as `/usr/bin/time -f '%e %M' -a -o OUT CMD...` does, but with the wall
 * time in milliseconds rather than GNU time's hundredths: a 0.12 s run
 * timed to 10 ms moves a ratio by 8% on rounding alone. KB is the peak
 * resident set of CMD and the children it waited for (wait4's ru_maxrss,
 * the figure GNU time prints). Exits with CMD's status; a command killed by
 * a signal exits 128 + the signal. With -c, "SECONDS KB USER SYS": the CPU
 * seconds of CMD and its waited-for children too, so that a run timed to
 * the millisecond needs no GNU time inside it (whose own start is in the
 * wall time). A bench tool, built by the scripts that
 * use it; not part of flamekit. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double
now(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
  int cpu = argc > 1 && strcmp(argv[1], "-c") == 0;
  argc -= cpu;
  argv += cpu;
  if (argc < 3) {
    fprintf(stderr, "usage: walltime [-c] OUT CMD [ARG...]\n");
    return 2;
  }
  double t0 = now();
  pid_t pid = fork();
  if (pid < 0) {
    perror("walltime: fork");
    return 2;
  }
  if (pid == 0) {
    execvp(argv[2], argv + 2);
    perror("walltime: exec");
    _exit(127);
  }
  int status;
  struct rusage ru;
  if (wait4(pid, &status, 0, &ru) < 0) {
    perror("walltime: wait4");
    return 2;
  }
  double secs = now() - t0;
  double user = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6;
  double sys = (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
  FILE *out = fopen(argv[1], "a");
  if (out == NULL ||
      (cpu ? fprintf(out, "%.3f %ld %.3f %.3f\n", secs, ru.ru_maxrss, user, sys)
           : fprintf(out, "%.3f %ld\n", secs, ru.ru_maxrss)) < 0 ||
      fclose(out) != 0) {
    perror(argv[1]);
    return 2;
  }
  if (WIFSIGNALED(status))
    return 128 + WTERMSIG(status);
  return WEXITSTATUS(status);
}
