// tmpl.cc -- a C++ workload: templates, std::function, lambdas, std::sort.
#include <algorithm>
#include <cstdio>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace work {
template <typename T> struct Accumulator {
  std::vector<T> values;
  __attribute__((noinline)) void add(T v) { values.push_back(v); }
  __attribute__((noinline)) T total() const
  {
    T t{};
    for (const T &v : values)
      t += v;
    return t;
  }
};

template <typename K, typename V>
__attribute__((noinline)) std::map<K, V> count_words(const std::vector<K> &words)
{
  std::map<K, V> m;
  for (const K &w : words)
    m[w]++;
  return m;
}
} // namespace work

int main(int argc, char **)
{
  std::vector<std::function<double()>> jobs;
  work::Accumulator<double> acc;
  jobs.push_back([&] {
    for (int i = 0; i < 2000000; i++)
      acc.add(i * 0.5);
    return acc.total();
  });
  jobs.push_back([] {
    std::vector<std::string> words;
    for (int i = 0; i < 300000; i++)
      words.push_back("w" + std::to_string(i % 997));
    auto m = work::count_words<std::string, long>(words);
    return (double)m.size();
  });
  jobs.push_back([argc] {
    std::vector<int> v(3000000);
    for (size_t i = 0; i < v.size(); i++)
      v[i] = (int)((i * 2654435761u) ^ (unsigned)argc);
    std::sort(v.begin(), v.end());
    return (double)v[v.size() / 2];
  });
  double s = 0;
  for (auto &j : jobs)
    s += j();
  std::printf("%f\n", s);
  return 0;
}
