#!/bin/sh
# --call-graph dwarf captures: the unwound stacks, the [truncated] marker of a
# stack the copy size cut, the per-capture line on stderr and in `info`, and
# --unwind=dwarf|fp|none (corpora/perf-dwarf/README.md says what each holds).
. "$(dirname "$0")/lib.sh"
D="$TOP/corpora/perf-dwarf"
mkdir -p "$T/home"
export HOME="$T/home" # no build-id cache of this host
# The captures name the paths they were recorded at (another worktree): a
# --symfs tree maps them to the corpus binaries, as on any other machine.
need_perf_script
symfs_for "$T/symfs" "$D"/*.data "$TOP/corpora/perf-c/inl.data"

run "$FLAMEKIT" fold --symfs "$T/symfs" --weight samples "$D/nofp.16k.data"
is "$rc" 0 "dwarf,16384: exit 0"
like '^nofp;\[truncated\];deep;deep;.*;deep_leaf [0-9]+$' "$out" \
  "the recursion deeper than the 16 KiB copy is marked [truncated] on its root side"
like '^nofp;_start;__libc_start_main;__libc_start_call_main;main;run;scan.constprop.0;leaf_hash.constprop.0 [0-9]+$' \
  "$out" "frames without frame pointers are unwound to _start"
like "^flamekit: fold: .*nofp.16k.data: 65 samples unwound with DWARF: 53 to a root, 12 cut by the stack copy size \(marked \[truncated\]\), 0 stopped early$" \
  "$err" "one line on stderr says how the walks ended"
is "$(printf '%s\n' "$out" | awk '{ n += $NF } END { print n }')" 65 "every sample is kept"

run "$FLAMEKIT" fold --symfs "$T/symfs" --weight samples "$D/nofp.64k.data"
like '^nofp;_start;.*;main;run;deep;deep;.*;deep_leaf [0-9]+$' "$out" \
  "dwarf,64000 holds the whole recursion: it reaches main"
is "$(printf '%s\n' "$out" | grep -c 'truncated')" 0 "and nothing is marked [truncated]"

run "$FLAMEKIT" fold --symfs "$T/symfs" --strict "$D/nofp.16k.data"
is "$rc" 0 "--strict: a [truncated] stack is not a skip (nothing is lost)"

run "$FLAMEKIT" fold --symfs "$T/symfs" --weight samples "$D/sig.16k.data"
like '^sig;_start;.*;main;spin;[^;]+;in_handler [0-9]+$' "$out" \
  "a signal handler's stack continues through the signal frame into the interrupted code"

run "$FLAMEKIT" fold --symfs "$T/symfs" --weight samples "$D/thr.16k.data"
like '^thr;clone3;start_thread;worker;crunch;step [0-9]+$' "$out" "threads are unwound to clone3"

run "$FLAMEKIT" fold --symfs "$T/symfs" --weight samples "$D/wordstats.z.data"
like ';main;std::rt::lang_start_internal;.*;wordstats::main;wordstats::word_counts;wordstats::normalize' \
  "$out" "the Rust program (-z): normalize <- word_counts <- main"

run "$FLAMEKIT" fold --symfs "$T/symfs" --weight samples "$D/nofp.pipe.data"
like '^nofp;_start;.*;main;run;scan.constprop.0;leaf_hash.constprop.0 [0-9]+$' "$out" \
  "pipe mode is unwound too"

run "$FLAMEKIT" fold --symfs "$T/symfs" --weight samples --unwind=none "$D/nofp.64k.data"
is "$(printf '%s\n' "$out" | grep -c ';main;')" 0 "--unwind=none: the sampled pc only"
is "$(printf '%s\n' "$err" | grep -c 'unwound')" 0 "--unwind=none: no unwind line"

run "$FLAMEKIT" fold --symfs "$T/symfs" --weight samples --unwind=fp "$D/nofp.64k.data"
is "$(printf '%s\n' "$out" | grep -c ';main;')" 0 \
  "--unwind=fp on code without frame pointers: no stack reaches main"
like 'samples unwound with frame pointers: 0 to a root, .*stopped early \(26 at ' "$err" \
  "--unwind=fp: the line says why the walks stopped"

run "$FLAMEKIT" fold --symfs "$T/symfs" --unwind=dwarf --weight samples "$D/nofp.64k.data"
like '^nofp;_start;.*;main;run;deep' "$out" "--unwind=dwarf is the default for dwarf captures"

run "$FLAMEKIT" fold --symfs "$T/symfs" --unwind=bogus "$D/nofp.64k.data"
is "$rc" 2 "--unwind=bogus: usage error"
like "^flamekit: fold: --unwind: expected 'dwarf', 'fp' or 'none', not 'bogus'" "$err" \
  "--unwind=bogus: says what it takes"

run "$FLAMEKIT" info --symfs "$T/symfs" "$D/nofp.16k.data"
like 'user-stacks +65 samples unwound with DWARF: 53 to a root, 12 cut' "$out" \
  "info: how the walks ended"
like 'unwind-truncated +12' "$out" "info: the count per outcome"

# a frame-pointer capture is read as before: its callchains
run "$FLAMEKIT" fold --symfs "$T/symfs" --weight samples "$TOP/corpora/perf-c/inl.data"
is "$(printf '%s\n' "$err" | grep -c 'unwound')" 0 "frame-pointer captures: no unwinding"
done_testing
