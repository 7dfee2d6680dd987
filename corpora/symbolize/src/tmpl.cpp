// tmpl.cpp -- C++ with templates, std::function and lambdas (symbolizer tests).
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace shapes {
template <typename T> struct Accumulator {
  std::vector<T> values;
  void push(T v) { values.push_back(v); }
  T total() const {
    T s{};
    for (const T &v : values)
      s += v;
    return s;
  }
};

template <typename T> __attribute__((noinline)) T churn(int n) {
  Accumulator<T> acc;
  for (int i = 0; i < n; i++)
    acc.push(static_cast<T>(i % 97));
  std::sort(acc.values.begin(), acc.values.end());
  return acc.total();
}
} // namespace shapes

static __attribute__((noinline)) double run(const std::function<double()> &f, int times) {
  double s = 0;
  for (int i = 0; i < times; i++)
    s += f();
  return s;
}

int main(int argc, char **argv) {
  int n = argc > 1 ? std::atoi(argv[1]) : 20000;
  std::map<std::string, int> words;
  auto count = [&words](int k) {
    for (int i = 0; i < k; i++)
      words[std::to_string(i % 1000)]++;
    return static_cast<double>(words.size());
  };
  double a = run([n] { return static_cast<double>(shapes::churn<int>(n)); }, 20);
  double b = run([n] { return shapes::churn<double>(n); }, 20);
  double c = run([&count, n] { return count(n); }, 5);
  std::printf("%g %g %g\n", a, b, c);
  return 0;
}
