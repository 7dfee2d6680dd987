// spin.cc -- a small CPU-bound program for the perf-script and bpftrace
// corpora: C++ names with spaces and parentheses (std::function, lambdas,
// an anonymous namespace), a thread whose name has a space and a colon.
#include <pthread.h>

#include <chrono>
#include <cstdlib>
#include <functional>
#include <thread>

namespace {
volatile unsigned long sink;

__attribute__((noinline)) unsigned long leaf(unsigned long n) {
  unsigned long x = 0;
  for (unsigned long i = 0; i < n; i++)
    x += i * i ^ (x >> 3);
  return x;
}
}  // namespace

template <typename T> struct Box {
  __attribute__((noinline)) T run(T n) { return leaf(n) + 1; }
};

__attribute__((noinline)) int via_function(const std::function<int(int, int)> &f) {
  return f(20000, 3);
}

static bool until(std::chrono::steady_clock::time_point end) {
  return std::chrono::steady_clock::now() < end;
}

int main(int argc, char **argv) {
  double secs = argc > 1 ? std::atof(argv[1]) : 0.5;
  auto end = std::chrono::steady_clock::now() +
             std::chrono::microseconds(static_cast<long>(secs * 1e6));
  std::thread worker([end] {
    pthread_setname_np(pthread_self(), "worker 1:a");
    Box<unsigned long> box;
    while (until(end))
      sink = box.run(30000);
  });
  std::function<int(int, int)> f = [](int a, int b) { return static_cast<int>(leaf(a) % 97) + b; };
  auto lambda = [&] { return via_function(f); };
  while (until(end))
    sink = lambda();
  worker.join();
  return 0;
}
