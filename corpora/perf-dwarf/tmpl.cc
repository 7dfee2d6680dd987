// tmpl.cc -- C++ at -O2 without frame pointers: a class template, std::sort
// with a lambda comparator, std::function and a generic lambda.
#include <algorithm>
#include <cstdio>
#include <functional>
#include <vector>

template <typename T> struct Accumulator {
  T total{};
  __attribute__((noinline)) void add(const std::vector<T> &v)
  {
    for (const T &x : v)
      total += x * x;
  }
};

template <typename T>
__attribute__((noinline)) static std::vector<T>
make(std::size_t n, unsigned seed)
{
  std::vector<T> v(n);
  for (auto &x : v) {
    seed = seed * 1103515245u + 12345u;
    x = static_cast<T>(seed % 100000);
  }
  return v;
}

__attribute__((noinline)) static void
work(const std::function<void(int)> &each, int rounds)
{
  for (int i = 0; i < rounds; i++)
    each(i);
}

int
main(int argc, char **)
{
  Accumulator<double> acc;
  auto sorter = [&](int round) {
    auto v = make<double>(200000, (unsigned)round);
    std::sort(v.begin(), v.end(), [](double a, double b) { return a > b; });
    acc.add(v);
  };
  auto generic = [](auto x) { return x + 1; };
  work(sorter, argc > 1 ? 8 : 6);
  std::printf("%f %d\n", acc.total, generic(1));
  return 0;
}
