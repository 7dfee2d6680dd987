#!/bin/sh
# The text-dump readers from the command line: detection, reader options,
# exit codes and messages for bad input.
. "$(dirname "$0")/lib.sh"
C="$TOP/corpora"

run "$FLAMEKIT" fold "$C/perf-script/default.txt"
ok "$rc" "perf script text is detected and read"
like '^spin;__libc_start_call_main;main;' "$out" "the comm is the root frame"
like 'std::function<int \(int, int\)>::operator\(\);' "$out" "C++ names keep their parameter lists"

run "$FLAMEKIT" fold --pid "$C/perf-script/pidtid.txt"
like '^spin-[0-9]+;' "$out" "--pid makes the root frame comm-PID"

run "$FLAMEKIT" fold --format dtrace "$C/perf-script/default.txt"
is "$rc" 1 "--format dtrace on perf text reads nothing: no samples is a failure"
like "default.txt: no samples in the input" "$err" "... and says so"
is "$out" "" "... and writes nothing"

run "$FLAMEKIT" fold --event-filter "" "$C/perf-script/default.txt"
is "$rc" 2 "an empty --event-filter is a usage error"
like "^flamekit: fold: --event-filter: must not be empty" "$err" "... and says so"

printf 'a 1 1.0: 5 ev:\n\t10 f (/x)\n\tWEIRD\n\n' >"$T/bad.txt"
run "$FLAMEKIT" fold "$T/bad.txt"
is "$rc" 0 "a bad frame line is skipped"
is "$out" "a;f 5" "... and the sample kept"
like "bad.txt:3: not a stack frame line" "$err" "... and reported with its line"
run "$FLAMEKIT" fold --strict "$T/bad.txt"
is "$rc" 1 "--strict fails on it"

printf '@[\n    f+1\n' >"$T/cut.bt"
run "$FLAMEKIT" fold --strict --format bpftrace "$T/cut.bt"
is "$rc" 1 "--strict fails on a bpftrace entry cut short"
like "cut.bt:1: map entry ends without its value" "$err" "... and says where it started"

run "$FLAMEKIT" fold --help
for o in --pid --tid --kernel --jit --all --addrs --event-filter --includeoffset; do
  like "$o" "$out" "fold --help lists $o"
done
done_testing
