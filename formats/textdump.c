/* textdump.c -- helpers shared by the text-dump readers. */
#include "textdump.h"

#include <string.h>

gboolean
fk_td_all_hex(const char *s, gsize n)
{
  if (n == 0)
    return FALSE;
  for (gsize i = 0; i < n; i++)
    if (!fk_td_is_hex(s[i]))
      return FALSE;
  return TRUE;
}

#define RUST_HASH_LEN 17 /* "h" and 16 hex digits */

gboolean
fk_td_fix_rust(const char *s, gsize n, GString *out)
{
  /* LLVM's `.llvm.NNNN` clone suffix (DTrace prints it as ` (.llvm.NNNN)`). */
  const char *llvm = g_strstr_len(s, (gssize)n, ".llvm.");
  if (llvm != NULL) {
    const char *q = llvm + 6;
    while (q < s + n && fk_td_is_digit(*q))
      q++;
    if (q > llvm + 6 && (q == s + n || (*q == ')' && q + 1 == s + n))) {
      const char *c = llvm;
      if (c > s && c[-1] == '(')
        c--;
      while (c > s && fk_td_is_space(c[-1]))
        c--;
      n = (gsize)(c - s);
    }
  }
  if (n < RUST_HASH_LEN + 2 || s[n - RUST_HASH_LEN] != 'h' ||
      !fk_td_all_hex(s + n - RUST_HASH_LEN + 1, RUST_HASH_LEN - 1))
    return FALSE;
  gsize e = n - RUST_HASH_LEN;
  if (e >= 2 && s[e - 1] == ':' && s[e - 2] == ':')
    e -= 2;
  gsize i = 0;
  if (e >= 2 && s[0] == '_' && s[1] == '$')
    i = 1;
  static const struct {
    const char *from, *to;
  } esc[] = {
      {"$SP$", "@"},  {"$BP$", "*"},  {"$RF$", "&"},  {"$LT$", "<"},  {"$GT$", ">"},
      {"$LP$", "("},  {"$RP$", ")"},  {"$C$", ","},   {"$u7e$", "~"}, {"$u20$", " "},
      {"$u27$", "'"}, {"$u3d$", "="}, {"$u5b$", "["}, {"$u5d$", "]"}, {"$u7b$", "{"},
      {"$u7d$", "}"}, {"$u3b$", ";"}, {"$u2b$", "+"}, {"$u21$", "!"}, {"$u22$", "\""},
  };
  while (i < e) {
    if (s[i] == '.') {
      if (i + 1 < e && s[i + 1] == '.') {
        g_string_append(out, "::");
        i += 2;
      } else {
        g_string_append_c(out, '.');
        i++;
      }
    } else if (s[i] == '$') {
      gboolean found = FALSE;
      for (gsize k = 0; k < G_N_ELEMENTS(esc); k++) {
        gsize l = strlen(esc[k].from);
        if (l <= e - i && memcmp(s + i, esc[k].from, l) == 0) {
          g_string_append(out, esc[k].to);
          i += l;
          found = TRUE;
          break;
        }
      }
      if (!found) {
        g_string_append_len(out, s + i, (gssize)(e - i));
        break;
      }
    } else {
      gsize j = i;
      while (j < e && s[j] != '.' && s[j] != '$')
        j++;
      g_string_append_len(out, s + i, (gssize)(j - i));
      i = j;
    }
  }
  return TRUE;
}

static gboolean
is_vmlinux(const char *m, gsize n)
{
  const char *v = g_strrstr_len(m, (gssize)n, "vmlinux");
  const char *last = NULL;
  /* the last occurrence */
  while (v != NULL) {
    last = v;
    gsize off = (gsize)(v - m) + 1;
    v = off < n ? g_strstr_len(m + off, (gssize)(n - off), "vmlinux") : NULL;
  }
  if (last == NULL)
    return FALSE;
  for (const char *p = last; p < m + n; p++)
    if (!g_ascii_isalnum(*p) && *p != '-' && *p != '.' && *p != '_')
      return FALSE;
  return TRUE;
}

gboolean
fk_td_is_kernel_dso(const char *m, gsize n)
{
  if (n == 9 && memcmp(m, "[unknown]", 9) == 0)
    return FALSE;
  if (n > 0 && m[0] == '[')
    return TRUE;
  if (n >= 3 && memcmp(m + n - 3, ".ko", 3) == 0)
    return TRUE;
  return is_vmlinux(m, n);
}

gboolean
fk_td_is_jit_dso(const char *m, gsize n)
{
  const char *p = g_strstr_len(m, (gssize)n, "/tmp/perf-");
  if (p != NULL) {
    const char *d = p + 10, *e = m + n;
    const char *q = d;
    while (q < e && fk_td_is_digit(*q))
      q++;
    if (q > d && e - q >= 4 && memcmp(q, ".map", 4) == 0)
      return TRUE;
  }
  return n >= 3 && memcmp(m + n - 3, ".so", 3) == 0 && g_strstr_len(m, (gssize)n, "/jitted-");
}

gboolean
fk_td_skip(const FkReadOptions *opts, FkInput *in, guint64 line, const FkWeight *w, GError **error,
           const char *what)
{
  g_autofree char *where = line ? g_strdup_printf("%s:%" G_GUINT64_FORMAT, fk_input_name(in), line)
                                : g_strdup(fk_input_name(in));
  fk_diag_skip(opts->diag, where, w, "%s", what);
  if (opts->strict) {
    g_set_error(error, FK_READER_ERROR, FK_READER_ERROR_STRICT, "%s: %s", where, what);
    return FALSE;
  }
  return TRUE;
}

const char *
fk_td_host(const FkReadOptions *opts, FkInput *in)
{
  return fk_interner_intern0(opts->strings, fk_input_host(in));
}
