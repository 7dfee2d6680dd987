/* names.h -- frame and event names, one rule for every reader.
 *
 * Every naming rule the readers share with the peers lives here, one function
 * each: the process root frame (fk_name_append_process), the depth stacks are
 * cut at (fk_name_max_depth), frame names (fk_name_append_frame) and event
 * names (fk_event_intern). The one exception is the offset rule
 * (fk_name_offset_start, `f+0x1a` -> `f`): the strip transform in analyze/
 * applies it to finished trees too, and analyze/ cannot depend on formats/,
 * so it lives in analyze/transform.c and the readers call it from there.
 *
 * The same function must get the same frame whatever path its samples took:
 * perf.data names `StealTask::do_it` (libiberty without DMGL_PARAMS, as perf
 * 4+ prints), so the text readers (perf-script, dtrace, bpftrace) cut what old
 * perf and DTrace print around it (`void StealTask::do_it(GCTaskManager*,
 * unsigned int) const`) unless --demangle-params asks for whole signatures.
 * Likewise one event has one name, without perf's modifiers (`cpu-clock`, not
 * `cpu-clock:ppp`), and --event-filter may give them or not.
 * docs/formats/perf-script.md
 * ("Frame names") says what the peers do and where flamekit differs. */
#pragma once

#include "reader.h"

typedef enum {
  FK_NAME_PARAMS = 1 << 0,   /* keep parameter lists, qualifiers and return types */
  FK_NAME_JAVA = 1 << 1,     /* a Java process: `Lpkg/Class;::m` is named `pkg/Class:::m` */
  FK_NAME_DEMANGLE = 1 << 2, /* demangle `_Z...`/`_R...` names as perf.data's (not --no-demangle) */
} FkNameFlags;

/* The function name inside the (demangled) frame S[0..N), as [*START, *END):
 * without a trailing parameter list and what follows it (` const`, `&&`,
 * ` [clone .isra.0]`) and, when there was one, without a leading return type
 * (`oopDesc* `). Parsed with brackets balanced, so that what only looks like
 * a parameter list stays: templates (`f<int (int)>`), `operator()`,
 * `operator<<`, lambdas (`{lambda(int)#1}`), Rust `{{closure}}`, Go methods
 * (`net/http.(*Client).Do`), `(anonymous namespace)`. A name with no
 * parameter list is returned whole. */
void fk_name_function(const char *s, gsize n, gsize *start, gsize *end);

/* The length of S[0..N) without an ELF symbol version (`memcpy@@GLIBC_2.14`,
 * `__exp_finite@GLIBC_2.15`), which perf script prints and the perf.data
 * reader drops (one function, one frame); `gettimeofday@plt` stays. */
gsize fk_name_version_start(const char *s, gsize n);

/* TRUE when S[I..] (N bytes in all) is a `->` that chains an inlined Java
 * frame (`a->b`, perf-map-agent's and DTrace's form), not part of a C++
 * `operator->` or `operator->*`. */
gboolean fk_name_inline_arrow(const char *s, gsize n, gsize i);

/* Appends the frame name S[0..N) (offset already cut) to OUT as every text
 * reader names frames: the symbol version goes (fk_name_version_start), a
 * mangled name (a perf built without demangling
 * prints `_ZN10JavaThread3runEv`) is demangled as the perf.data reader does
 * under FK_NAME_DEMANGLE, `;` (the folded separator) becomes `:`, the
 * signature is cut to fk_name_function's name unless FK_NAME_PARAMS, and a
 * Java type descriptor loses its `L` under FK_NAME_JAVA. */
void fk_name_append_frame(GString *out, const char *s, gsize n, FkNameFlags flags);

/* The flags for frames read with OPTS (--demangle-params, --no-demangle) in a
 * process named COMM[0..COMM_N) (may be NULL): FK_NAME_JAVA for `java*`, as
 * both peers. */
FkNameFlags fk_name_flags(const FkReadOptions *opts, const char *comm, gsize comm_n);

/* The length of the event name S[0..N) without perf's modifiers (`:ppp`,
 * `:u`, `:uppp`): the base name `cpu-clock`, the one name of an event. perf
 * itself prints one event both ways (`cycles:u:` then `cycles:` in one
 * `perf script`), and perf.data's EVENT_DESC says `cpu-clock:ppp` where the
 * user asked for `cpu-clock`. */
gsize fk_event_base_len(const char *s, gsize n);

/* The event name S[0..N) interned as every reader (and --event-filter)
 * names it: fk_event_base_len's base name. */
const char *fk_event_intern(FkInterner *strings, const char *s, gsize n);

/* The depth stacks are cut at when FkReadOptions.max_depth is 0: deep
 * recursion still fits, a runaway (corrupt) chain does not eat the memory. */
#define FK_NAME_MAX_DEPTH 65536

/* The number of frames a reader keeps of one stack under OPTS (the root
 * side; the process root frame counts): --max-stack-depth, else
 * FK_NAME_MAX_DEPTH. */
gsize fk_name_max_depth(const FkReadOptions *opts);

/* Appends the process root frame of a sample of the process named
 * COMM[0..N) to OUT, as stackcollapse-perf.pl and inferno name it: COMM with
 * spaces as `_`, then `-PID/TID` under --tid (opts->include_tid), else `-PID`
 * under --pid. PID < 0 is a pid not known: perf script printed none (its
 * default layout shows only the tid) or perf said -1 (a sample without a task,
 * `:-1    -1` in perf script): `?`, the peers' mark, on every path. */
void fk_name_append_process(GString *out, const char *comm, gsize n, gint64 pid, gint64 tid,
                            const FkReadOptions *opts);
