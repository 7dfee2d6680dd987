/* remap.c -- a process whose maps keep changing: it loads and unloads a
 * shared library (new MMAP records, at the same or another address), forks
 * children that exec /bin/true (COMM exec, FORK, EXIT), and spends its time
 * in its own code and in the library's. Several run at once (make.sh). */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static double __attribute__((noinline))
spin(int n)
{
  double s = 0;
  for (int i = 0; i < n; i++)
    s += (double)(i % 7) * 0.5;
  return s;
}

static double __attribute__((noinline))
through(const char *lib, const char *fn, int n)
{
  void *h = dlopen(lib, RTLD_NOW | RTLD_LOCAL);
  if (h == NULL)
    return 0;
  double (*f)(double) = (double (*)(double))dlsym(h, fn);
  double s = 0;
  for (int i = 0; f != NULL && i < n; i++)
    s += f((double)i);
  dlclose(h);
  return s;
}

int
main(int argc, char **argv)
{
  int rounds = argc > 1 ? atoi(argv[1]) : 100;
  volatile double s = 0;
  for (int r = 0; r < rounds; r++) {
    s += spin(200000);
    s += through("libm.so.6", r % 2 ? "cos" : "sin", 50000);
    if (r % 10 == 0) {
      pid_t p = fork();
      if (p == 0) {
        execl("/bin/true", "true", (char *)NULL);
        _exit(127);
      }
      if (p > 0)
        waitpid(p, NULL, 0);
    }
  }
  printf("%g\n", s);
  return 0;
}
