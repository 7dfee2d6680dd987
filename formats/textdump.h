/* textdump.h -- helpers the text-dump readers (perf-script, dtrace, bpftrace)
 * share: byte classes, trimming, the skip report, and the text-frame rules the
 * peers agree on (Rust legacy names, kernel/JIT dsos). Offsets and names have
 * one rule for every reader: fk_name_offset_start (analyze/transform.h) and
 * names.h. */
#pragma once

#include "reader.h"

static inline gboolean
fk_td_is_space(char c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static inline gboolean
fk_td_is_hex(char c)
{
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static inline gboolean
fk_td_is_digit(char c)
{
  return c >= '0' && c <= '9';
}

/* Moves *S and *E inward past spaces. */
static inline void
fk_td_trim(const char **s, const char **e)
{
  while (*s < *e && fk_td_is_space(**s))
    (*s)++;
  while (*e > *s && fk_td_is_space((*e)[-1]))
    (*e)--;
}

/* TRUE when the N bytes at S are all hex digits (and N > 0). */
gboolean fk_td_all_hex(const char *s, gsize n);

/* When the N bytes at S are a partially demangled Rust legacy name (ending in
 * `::h` + 16 hex digits, with `$LT$`-style escapes and `..` for `::`), appends
 * the readable name to OUT and returns TRUE; else leaves OUT alone. */
gboolean fk_td_fix_rust(const char *s, gsize n, GString *out);

/* Kernel dsos: `[kernel.kallsyms]`, `[module]`, `*.ko`, `vmlinux[-version]`,
 * but not `[unknown]`. */
gboolean fk_td_is_kernel_dso(const char *m, gsize n);
/* JIT dsos: `/tmp/perf-PID.map` and `.../jitted-*.so`. */
gboolean fk_td_is_jit_dso(const char *m, gsize n);

/* Reports a skipped piece of IN at LINE (0: no line) with weight W (may be
 * NULL). Returns FALSE, with ERROR set, under --strict. */
gboolean fk_td_skip(const FkReadOptions *opts, FkInput *in, guint64 line, const FkWeight *w,
                    GError **error, const char *what);

/* The host of a text dump: IN's host label, interned (may be NULL). */
const char *fk_td_host(const FkReadOptions *opts, FkInput *in);
