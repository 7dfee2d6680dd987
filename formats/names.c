/* names.c -- frame and event names, one rule for every reader. */
#include "names.h"

#include "symbols/demangle.h"

#include <string.h>

static gboolean
is_ident(char c)
{
  return g_ascii_isalnum(c) || c == '_' || c == '$';
}

/* TRUE when C is one of SET's characters (never for NUL, unlike strchr). */
static gboolean
is_one_of(char c, const char *set)
{
  return c != '\0' && strchr(set, c) != NULL;
}

/* When the keyword `operator` starts at S + I (a whole word), the index just
 * past the operator's symbol (`()`, `[]`, `<<=`, `->*`, ...), whose brackets
 * must not count as nesting; else I. Named operators (`operator new`,
 * conversions `operator unsigned int`) are words and need nothing. */
static gsize
skip_operator(const char *s, gsize n, gsize i)
{
  static const char kw[] = "operator";
  gsize k = sizeof kw - 1;
  if (i + k > n || memcmp(s + i, kw, k) != 0 || (i > 0 && is_ident(s[i - 1])) ||
      (i + k < n && is_ident(s[i + k])))
    return i;
  gsize j = i + k;
  while (j < n && s[j] == ' ')
    j++;
  static const char *const sym[] = {
      "()", "[]", "->*", "->", "<=>", "<<=", ">>=", "<<", ">>", "<=", ">=", "<", ">"};
  for (gsize m = 0; m < G_N_ELEMENTS(sym); m++) {
    gsize l = strlen(sym[m]);
    if (j + l <= n && memcmp(s + j, sym[m], l) == 0)
      return j + l;
  }
  return i + k;
}

/* TRUE when S[0..N) can be a C++ return type (`oopDesc*`, `std::pair<int,
 * int> const&`), not the first words of a JIT name (`LazyCompile:*f /a.js`). */
static gboolean
looks_like_type(const char *s, gsize n)
{
  if (n == 0)
    return FALSE;
  for (gsize i = 0; i < n; i++) {
    char c = s[i];
    if (c == ':' && i + 1 < n && s[i + 1] == ':')
      i++;
    else if (!is_ident(c) && !is_one_of(c, " *&<>,[](){}#"))
      return FALSE;
  }
  return TRUE;
}

/* TRUE when the parenthesized group at S + I is followed by `::`: the
 * parameters of an enclosing function (`f(int)::$_1::operator()`, a local
 * class), which libiberty keeps too, not the trailing parameter list. */
static gboolean
is_scope(const char *s, gsize n, gsize i)
{
  int depth = 0;
  gsize j = i;
  for (; j < n; j++) {
    if (s[j] == '(')
      depth++;
    else if (s[j] == ')' && --depth == 0)
      break;
  }
  if (j >= n)
    return FALSE;
  j++;
  if (n - j >= 6 && memcmp(s + j, " const", 6) == 0)
    j += 6;
  return n - j >= 2 && s[j] == ':' && s[j + 1] == ':';
}

void
fk_name_function(const char *s, gsize n, gsize *start, gsize *end)
{
  static const char anon[] = "(anonymous namespace)";
  gsize anon_n = sizeof anon - 1;
  int depth = 0;
  gsize last_space = G_MAXSIZE; /* the last space outside brackets, before any operator */
  gboolean in_operator = FALSE;
  *start = 0;
  *end = n;
  for (gsize i = 0; i < n; i++) {
    gsize j = skip_operator(s, n, i);
    if (j != i) {
      in_operator = TRUE; /* `operator new`'s space is not a return type's */
      i = j - 1;
      continue;
    }
    char c = s[i];
    if (c == '<' || c == '{' || c == '[') {
      depth++;
    } else if (c == '>' || c == '}' || c == ']' || c == ')') {
      if (depth > 0)
        depth--;
    } else if (c == ' ' && depth == 0 && !in_operator) {
      last_space = i;
    } else if (c == '(') {
      if (depth == 0 && !(i > 0 && s[i - 1] == '.') &&
          !(n - i >= anon_n && memcmp(s + i, anon, anon_n) == 0) && !is_scope(s, n, i)) {
        /* the parameter list; a leading return type goes with it */
        *end = i;
        while (*end > 0 && s[*end - 1] == ' ')
          (*end)--;
        if (last_space != G_MAXSIZE && last_space + 1 < *end && looks_like_type(s, last_space))
          *start = last_space + 1;
        return;
      }
      depth++; /* a Go receiver `.(*T)` or `(anonymous namespace)` */
    }
  }
}

gsize
fk_name_version_start(const char *s, gsize n)
{
  /* NAME_VERSION after one or two `@`: GLIBC_2.2.5, GLIBCXX_3.4.21, OPENSSL_3.0.0 */
  gsize i = n;
  while (i > 0 && (g_ascii_isdigit(s[i - 1]) || s[i - 1] == '.'))
    i--;
  if (i == n || i == 0 || s[i - 1] != '_')
    return n;
  i--;
  while (i > 0 && (g_ascii_isupper(s[i - 1]) || g_ascii_isdigit(s[i - 1]) || s[i - 1] == '_'))
    i--;
  if (i == 0 || s[i - 1] != '@' || !g_ascii_isupper(s[i]))
    return n;
  i--;
  if (i > 0 && s[i - 1] == '@')
    i--;
  return i > 0 ? i : n;
}

gboolean
fk_name_inline_arrow(const char *s, gsize n, gsize i)
{
  if (i + 1 >= n || s[i] != '-' || s[i + 1] != '>')
    return FALSE;
  gsize j = i;
  while (j > 0 && s[j - 1] == ' ')
    j--;
  return !(j >= 8 && memcmp(s + j - 8, "operator", 8) == 0 && (j == 8 || !is_ident(s[j - 9])));
}

void
fk_name_append_frame(GString *out, const char *s, gsize n, FkNameFlags flags)
{
  gsize from = out->len;
  n = fk_name_version_start(s, n);
  g_autofree char *demangled = NULL;
  if ((flags & FK_NAME_DEMANGLE) && n > 2 && s[0] == '_' &&
      (s[1] == 'Z' || s[1] == 'R' || (s[1] == '_' && (s[2] == 'Z' || s[2] == 'R')))) {
    g_autofree char *raw = g_strndup(s, n);
    demangled = fk_demangle(raw, TRUE, (flags & FK_NAME_PARAMS) != 0);
    s = demangled;
    n = strlen(demangled);
  }
  gsize a = 0, b = n;
  if (!(flags & FK_NAME_PARAMS))
    fk_name_function(s, n, &a, &b);
  if ((flags & FK_NAME_JAVA) && b - a > 1 && s[a] == 'L' && memchr(s + a, '/', b - a) != NULL)
    a++; /* a JVM type descriptor `Lorg/x/Y;` names the class `org/x/Y` */
  g_string_append_len(out, s + a, (gssize)(b - a));
  for (gsize k = from; k < out->len; k++)
    if (out->str[k] == ';')
      out->str[k] = ':';
}

FkNameFlags
fk_name_flags(const FkReadOptions *opts, const char *comm, gsize comm_n)
{
  FkNameFlags f = 0;
  if (opts->symbolize != NULL && opts->symbolize->demangle_params)
    f |= FK_NAME_PARAMS;
  if (opts->symbolize == NULL || opts->symbolize->demangle)
    f |= FK_NAME_DEMANGLE;
  if (comm != NULL && comm_n >= 4 && memcmp(comm, "java", 4) == 0)
    f |= FK_NAME_JAVA;
  return f;
}

gsize
fk_event_base_len(const char *s, gsize n)
{
  /* perf's modifier letters (tools/perf/util/parse-events.l) after the last
   * colon: `cycles:uppp`, `sched:sched_switch:u`; not `sched:sched_switch` */
  const char *c = s + n;
  while (c > s && c[-1] != ':')
    c--;
  if (c <= s + 1 || c == s + n)
    return n;
  for (const char *p = c; p < s + n; p++)
    if (!is_one_of(*p, "ukhHIGpPSDWebR"))
      return n;
  return (gsize)(c - 1 - s);
}

const char *
fk_event_intern(FkInterner *strings, const char *s, gsize n)
{
  return fk_interner_intern(strings, s, fk_event_base_len(s, n));
}

gsize
fk_name_max_depth(const FkReadOptions *opts)
{
  return opts->max_depth ? opts->max_depth : FK_NAME_MAX_DEPTH;
}

void
fk_name_append_process(GString *out, const char *comm, gsize n, gint64 pid, gint64 tid,
                       const FkReadOptions *opts)
{
  gsize from = out->len;
  g_string_append_len(out, comm, (gssize)n);
  for (gsize k = from; k < out->len; k++)
    if (out->str[k] == ' ')
      out->str[k] = '_';
  if (!opts->include_tid && !opts->include_pid)
    return;
  if (pid >= 0)
    g_string_append_printf(out, "-%" G_GINT64_FORMAT, pid);
  else
    g_string_append(out, "-?");
  if (opts->include_tid)
    g_string_append_printf(out, "/%" G_GINT64_FORMAT, tid);
}
