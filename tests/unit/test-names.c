/* test-names.c -- formats/names.c: the function inside a printed signature,
 * frame names as every reader writes them, event names. */
#include "../../formats/names.h"

#include <string.h>

static char *
function_of(const char *s)
{
  gsize a, b;
  fk_name_function(s, strlen(s), &a, &b);
  return g_strndup(s + a, b - a);
}

static void
test_function(void)
{
  static const struct {
    const char *in, *out;
  } cases[] = {
      /* what old perf and DTrace print -> what perf.data (libiberty) names */
      {"StealTask::do_it(GCTaskManager*, unsigned int)", "StealTask::do_it"},
      {"oopDesc* PSPromotionManager::copy_to_survivor_space<false>(oopDesc*)",
       "PSPromotionManager::copy_to_survivor_space<false>"},
      {"int shapes::churn<int>(int)", "shapes::churn<int>"},
      {"std::vector<int, std::allocator<int> >::size() const",
       "std::vector<int, std::allocator<int> >::size"},
      {"void f(int) &&", "f"},
      {"foo(int) [clone .isra.0]", "foo"},
      {"unsigned long long (anonymous namespace)::hash(char const*)",
       "(anonymous namespace)::hash"},
      {"std::pair<int, int> const& g()", "g"},
      {"std::enable_if<v<int, main::{lambda(int)#2}&>, int>::type std::__invoke_r<int>(int&&)",
       "std::__invoke_r<int>"},
      /* brackets that are not a parameter list stay */
      {"std::function<int (int, int)>::operator()(int, int) const",
       "std::function<int (int, int)>::operator()"},
      {"std::function<int (int, int)>::operator()", "std::function<int (int, int)>::operator()"},
      {"std::_Function_handler<int (int, int), main::{lambda(int, "
       "int)#1}>::_M_invoke",
       "std::_Function_handler<int (int, int), main::{lambda(int, "
       "int)#1}>::_M_invoke"},
      {"main::{lambda(int)#1}::operator()(int) const", "main::{lambda(int)#1}::operator()"},
      {"std::ostream::operator<<(int)", "std::ostream::operator<<"},
      {"bool operator< <int>(A<int> const&, A<int> const&)", "operator< <int>"},
      {"X::operator->() const", "X::operator->"},
      {"X::operator new(unsigned long)", "X::operator new"},
      {"X::operator unsigned int() const", "X::operator unsigned int"},
      {"rs::main::{{closure}}", "rs::main::{{closure}}"},
      {"<T as core::ops::Fn>::call", "<T as core::ops::Fn>::call"},
      {"(anonymous namespace)::work", "(anonymous namespace)::work"},
      {"net/http.(*Client).Do", "net/http.(*Client).Do"},
      {"fuzzer::F::RunOne(unsigned char const*, bool*)::$_1::operator()(unsigned long) const",
       "fuzzer::F::RunOne(unsigned char const*, bool*)::$_1::operator()"},
      {"f() const::{lambda()#1}::operator()", "f() const::{lambda()#1}::operator()"},
      {"Lorg/x/Y:.call(Lorg/x/Z:)Ljava/lang/Object:", "Lorg/x/Y:.call"},
      /* JIT names with spaces are not return types */
      {"LazyCompile:*tick /app/x.js:10", "LazyCompile:*tick /app/x.js:10"},
      {"LazyCompile:*run /app/(x).js", "LazyCompile:*run /app/"},
      {"plain", "plain"},
      {"", ""},
      {"(", ""},
      {"operator", "operator"},
  };
  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autofree char *got = function_of(cases[i].in);
    g_assert_cmpstr(got, ==, cases[i].out);
  }
}

static void
test_append_frame(void)
{
  g_autoptr(GString) out = g_string_new(NULL);
  fk_name_append_frame(out, "Lorg/x/Y;.m(I)V", 15, FK_NAME_JAVA);
  g_assert_cmpstr(out->str, ==, "org/x/Y:.m");
  g_string_truncate(out, 0);
  fk_name_append_frame(out, "Lorg/x/Y;.m(I)V", 15, 0);
  g_assert_cmpstr(out->str, ==, "Lorg/x/Y:.m");
  g_string_truncate(out, 0);
  fk_name_append_frame(out, "Lorg/x/Y;.m(I)V", 15, FK_NAME_PARAMS);
  g_assert_cmpstr(out->str, ==, "Lorg/x/Y:.m(I)V");
  g_string_truncate(out, 0);
  fk_name_append_frame(out, "Leaf", 4, FK_NAME_JAVA); /* no '/': not a descriptor */
  g_assert_cmpstr(out->str, ==, "Leaf");
  /* appends */
  fk_name_append_frame(out, "f(int)", 6, 0);
  g_assert_cmpstr(out->str, ==, "Leaff");
}

static void
test_inline_arrow(void)
{
  const char *java = "Lx/A;.f->Lx/B;.g";
  g_assert_true(fk_name_inline_arrow(java, strlen(java), 7));
  g_assert_false(fk_name_inline_arrow(java, strlen(java), 6));
  const char *op = "Ptr<T>::operator->()";
  g_assert_false(fk_name_inline_arrow(op, strlen(op), 16));
  const char *op2 = "X::operator ->*";
  g_assert_false(fk_name_inline_arrow(op2, strlen(op2), 12));
  const char *notop = "my_operator->x";
  g_assert_true(fk_name_inline_arrow(notop, strlen(notop), 11));
}

static void
test_version(void)
{
  static const struct {
    const char *in, *out;
  } cases[] = {
      {"memcpy@@GLIBC_2.14", "memcpy"},
      {"__exp_finite@GLIBC_2.15", "__exp_finite"},
      {"pthread_cond_signal@@GLIBC_2.3.2", "pthread_cond_signal"},
      {"_ZNSs4_Rep10_M_disposeERKSaIcE@GLIBCXX_3.4", "_ZNSs4_Rep10_M_disposeERKSaIcE"},
      {"gettimeofday@plt", "gettimeofday@plt"},
      {"a@b", "a@b"},
      {"@GLIBC_2.2", "@GLIBC_2.2"},
      {"user@host_1", "user@host_1"},
      {"f@GLIBC_", "f@GLIBC_"},
  };
  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    gsize n = strlen(cases[i].in);
    g_autofree char *got = g_strndup(cases[i].in, fk_name_version_start(cases[i].in, n));
    g_assert_cmpstr(got, ==, cases[i].out);
  }
}

static void
test_demangle(void)
{
  g_autoptr(GString) out = g_string_new(NULL);
  fk_name_append_frame(out, "_ZN10JavaThread3runEv", 21, FK_NAME_DEMANGLE);
  g_assert_cmpstr(out->str, ==, "JavaThread::run");
  g_string_truncate(out, 0);
  fk_name_append_frame(out, "_ZL10java_startP6Thread", 23, FK_NAME_DEMANGLE | FK_NAME_PARAMS);
  g_assert_cmpstr(out->str, ==, "java_start(Thread*)");
  g_string_truncate(out, 0);
  fk_name_append_frame(out, "_ZL10java_startP6Thread", 23, 0);
  g_assert_cmpstr(out->str, ==, "_ZL10java_startP6Thread");
  g_string_truncate(out, 0);
  fk_name_append_frame(out, "__libc_start_main", 17, FK_NAME_DEMANGLE);
  g_assert_cmpstr(out->str, ==, "__libc_start_main");
  g_string_truncate(out, 0);
  fk_name_append_frame(out, "_Zbad", 5, FK_NAME_DEMANGLE); /* not mangled after all */
  g_assert_cmpstr(out->str, ==, "_Zbad");
}

static void
test_flags(void)
{
  FkReadOptions o = {0};
  g_assert_cmpint(fk_name_flags(&o, "java", 4), ==, FK_NAME_JAVA | FK_NAME_DEMANGLE);
  g_assert_cmpint(fk_name_flags(&o, "javac", 5), ==, FK_NAME_JAVA | FK_NAME_DEMANGLE);
  g_assert_cmpint(fk_name_flags(&o, "jav", 3), ==, FK_NAME_DEMANGLE);
  g_assert_cmpint(fk_name_flags(&o, NULL, 0), ==, FK_NAME_DEMANGLE);
  FkSymbolizeOptions so;
  fk_symbolize_options_init(&so);
  so.demangle_params = TRUE;
  o.symbolize = &so;
  g_assert_cmpint(fk_name_flags(&o, "x", 1), ==, FK_NAME_PARAMS | FK_NAME_DEMANGLE);
  so.demangle = FALSE;
  g_assert_cmpint(fk_name_flags(&o, "x", 1), ==, FK_NAME_PARAMS);
}

static void
test_events(void)
{
  static const struct {
    const char *in, *out;
  } cases[] = {
      {"cpu-clock:ppp", "cpu-clock"},
      {"cpu-clock", "cpu-clock"},
      {"cycles:u", "cycles"},
      {"cycles:uppp", "cycles"},
      {"cpu-clock:uhH", "cpu-clock"},
      {"sched:sched_switch", "sched:sched_switch"},
      {"sched:sched_switch:u", "sched:sched_switch"},
      {"raw_syscalls:sys_enter", "raw_syscalls:sys_enter"},
      {"cycles:", "cycles:"},
      {":u", ":u"},
      {"probe_x:main", "probe_x:main"},
  };
  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    gsize n = strlen(cases[i].in);
    g_autofree char *got = g_strndup(cases[i].in, fk_event_base_len(cases[i].in, n));
    g_assert_cmpstr(got, ==, cases[i].out);
  }
  FkInterner *strings = fk_interner_new();
  g_assert_true(fk_event_intern(strings, "cpu-clock:ppp", 13) ==
                fk_event_intern(strings, "cpu-clock", 9));
  fk_interner_unref(strings);
}

/* The process root frame, as stackcollapse-perf.pl and inferno name it;
 * pid < 0 (not printed, or perf's -1 for no task) is their `?`. */
static void
test_process(void)
{
  static const struct {
    gboolean pid, tid;
    const char *comm;
    gint64 p, t;
    const char *out;
  } cases[] = {
      {FALSE, FALSE, "java", 25607, 25610, "java"},
      {TRUE, FALSE, "java", 25607, 25610, "java-25607"},
      {FALSE, TRUE, "java", 25607, 25610, "java-25607/25610"},
      {TRUE, TRUE, "java", 25607, 25610, "java-25607/25610"}, /* --tid wins */
      {FALSE, TRUE, "V8 WorkerThread", 24636, 25607, "V8_WorkerThread-24636/25607"},
      {TRUE, FALSE, "java", -1, 10992, "java-?"},
      {FALSE, TRUE, "java", -1, 10992, "java-?/10992"},
      {FALSE, TRUE, ":-1", -1, -1, ":-1-?/-1"},
      {TRUE, FALSE, ":-1", -1, -1, ":-1-?"},
      {FALSE, FALSE, ":-1", -1, -1, ":-1"},
      {FALSE, TRUE, "swapper", 0, 0, "swapper-0/0"},
  };
  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    FkReadOptions o = {0};
    o.include_pid = cases[i].pid;
    o.include_tid = cases[i].tid;
    g_autoptr(GString) out = g_string_new("x;");
    fk_name_append_process(out, cases[i].comm, strlen(cases[i].comm), cases[i].p, cases[i].t, &o);
    g_assert_cmpstr(out->str + 2, ==, cases[i].out);
  }
}

static void
test_max_depth(void)
{
  FkReadOptions o = {0};
  g_assert_cmpuint(fk_name_max_depth(&o), ==, 65536);
  o.max_depth = 3;
  g_assert_cmpuint(fk_name_max_depth(&o), ==, 3);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/names/function", test_function);
  g_test_add_func("/names/append-frame", test_append_frame);
  g_test_add_func("/names/inline-arrow", test_inline_arrow);
  g_test_add_func("/names/version", test_version);
  g_test_add_func("/names/demangle", test_demangle);
  g_test_add_func("/names/flags", test_flags);
  g_test_add_func("/names/events", test_events);
  g_test_add_func("/names/process", test_process);
  g_test_add_func("/names/max-depth", test_max_depth);
  return g_test_run();
}
