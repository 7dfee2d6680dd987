#!/bin/sh
# CFI that only .debug_frame holds, in a separate debug file found by
# .gnu_debuglink: a program built here without .eh_frame for its own code
# (-fno-asynchronous-unwind-tables -fno-unwind-tables), its debug info split
# off with objcopy, recorded with --call-graph dwarf. Skips without perf, gcc
# or objcopy.
. "$(dirname "$0")/lib.sh"
for tool in perf gcc objcopy readelf; do
  if ! command -v $tool >/dev/null 2>&1; then
    skip "$tool is not installed"
    done_testing
    exit 0
  fi
done
mkdir -p "$T/home" "$T/b"
export HOME="$T/home"
cp "$TOP/corpora/perf-dwarf/nofp.c" "$T/b/"
cd "$T/b" || exit 1
gcc -O2 -g -fomit-frame-pointer -fno-asynchronous-unwind-tables -fno-unwind-tables -o df nofp.c
objcopy --only-keep-debug df df.debug
objcopy --strip-debug --add-gnu-debuglink=df.debug df
is "$(readelf -SW df | grep -c debug_frame)" 0 "the binary has no .debug_frame"
is "$(readelf -SW df.debug 2>/dev/null | grep -c debug_frame)" 1 "its debug file has"
if ! perf record -q -e cpu-clock -F 999 --call-graph dwarf,65528 -o df.data ./df 300 >/dev/null 2>&1; then
  skip "perf record failed"
  done_testing
  exit 0
fi
run "$FLAMEKIT" fold --no-inline --weight samples df.data
like '^df;_start;__libc_start_main;__libc_start_call_main;main;run;' "$out" \
  "stacks are unwound with the debug file's .debug_frame"
is "$(printf '%s\n' "$out" | grep -vc ';main;run;')" 0 "every stack reaches main"
like ' 0 stopped early$' "$err" "no walk stops early"
mv df.debug df.debug.away
run "$FLAMEKIT" fold --no-inline --weight samples df.data
is "$(printf '%s\n' "$out" | grep -c ';main;')" 0 "without the debug file no stack reaches main"
like 'stopped early \([0-9]+ at no CFI and no frame pointer\)' "$err" \
  "and the line says the CFI was missing"
done_testing
