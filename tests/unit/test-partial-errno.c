/* test-partial-errno.c -- a partial's header reads the same whatever errno
 * the library calls under its parser leave behind.
 *
 * Under load, with two reading threads, a valid first line `# flamekit-partial
 * version=1 ...` was skipped as damaged (3 runs in 100 of partials-prop.py):
 * g_ascii_string_to_unsigned fails when errno is set after its
 * g_ascii_strtoull, and GLib 2.74 sets it there (EAGAIN, from the futex of
 * the once-only C locale that strtoull_l is given) when two threads parse
 * their first number at the same moment. That race cannot be timed from a
 * test; its effect can: this binary interposes strtoull_l, which
 * g_ascii_strtoull calls, and leaves errno at EAGAIN after every call, as
 * the contended once does. */
#include "../../formats/diag.h"
#include "../../formats/partial.h"

#include <dlfcn.h>
#include <errno.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

static unsigned long long int (*real_strtoull_l)(const char *, char **, int, locale_t);

/* GLib's g_ascii_strtoull comes here (the executable's definition comes
 * before libc's): the real conversion, then the errno the race leaves. */
unsigned long long int
strtoull_l(const char *restrict nptr, char **restrict endptr, int base, locale_t loc)
{
  if (real_strtoull_l == NULL) {
    void *sym = dlsym(RTLD_NEXT, "strtoull_l");
    g_assert_nonnull(sym);
    memcpy(&real_strtoull_l, &sym, sizeof real_strtoull_l);
  }
  unsigned long long int v = real_strtoull_l(nptr, endptr, base, loc);
  errno = EAGAIN;
  return v;
}

/* The interposition is in effect: GLib's parser now fails on "1", so the
 * test below would catch a header parser that used it. */
static void
test_interposed(void)
{
  guint64 v = 0;
  g_assert_false(g_ascii_string_to_unsigned("1", 10, 0, G_MAXUINT64, &v, NULL));
}

static void
test_header_read(void)
{
  static const char *const lines[] = {
      "# flamekit-partial version=1 unit=weight",
      "# flamekit-arg path=a.txt",
      "# flamekit-input name=a.txt path=a.txt reader=folded samples=3 total=12",
      "# flamekit-skipped items=2 weight=0",
  };
  g_autoptr(FkDiag) d = fk_diag_new(5);
  FkPartialReader *r = fk_partial_reader_new("p.folded", d);
  for (guint i = 0; i < G_N_ELEMENTS(lines); i++)
    g_assert_true(fk_partial_reader_line(r, lines[i], strlen(lines[i]), "p.folded:1"));
  g_assert_cmpstr(fk_partial_reader_unit(r), ==, "weight");
  fk_partial_reader_free(r);
  /* the two carried skips only: no line of the header skipped as damaged */
  g_assert_cmpuint(fk_diag_skipped(d), ==, 2);
  g_assert_cmpuint(fk_diag_messages(d)->len, ==, 0);
  GPtrArray *origins = fk_diag_origins(d);
  g_assert_cmpuint(origins->len, ==, 1);
  const FkPartialOrigin *o = g_ptr_array_index(origins, 0);
  g_assert_cmpuint(o->inputs->len, ==, 1);
  g_assert_cmpuint(g_array_index(o->inputs, FkPartialInput, 0).samples, ==, 3);
}

/* What the parser refuses, it still refuses: digits only, within 64 bits. */
static void
test_numbers_checked(void)
{
  static const char *const bad[] = {"version=",     "version=-1", "version=+1",
                                    "version=%201", "version=1x", "version=18446744073709551616"};
  for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
    g_autofree char *line = g_strdup_printf("# flamekit-partial %s", bad[i]);
    g_autoptr(FkDiag) d = fk_diag_new(5);
    FkPartialReader *r = fk_partial_reader_new("p.folded", d);
    g_assert_true(fk_partial_reader_line(r, line, strlen(line), "p.folded:1"));
    fk_partial_reader_free(r);
    g_assert_cmpuint(fk_diag_skipped(d), ==, 1);
  }
  g_autoptr(FkDiag) d = fk_diag_new(5);
  FkPartialReader *r = fk_partial_reader_new("p.folded", d);
  const char *big = "# flamekit-input name=a samples=18446744073709551615 total=1";
  const char *first = "# flamekit-partial version=1";
  g_assert_true(fk_partial_reader_line(r, first, strlen(first), "p.folded:1"));
  g_assert_true(fk_partial_reader_line(r, big, strlen(big), "p.folded:2"));
  fk_partial_reader_free(r);
  g_assert_cmpuint(fk_diag_skipped(d), ==, 0);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/partial-errno/interposed", test_interposed);
  g_test_add_func("/partial-errno/header-read", test_header_read);
  g_test_add_func("/partial-errno/numbers-checked", test_numbers_checked);
  return g_test_run();
}
