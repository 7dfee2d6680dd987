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
if ! perf record -q -e cpu-clock -F 999 --call-graph dwarf,65528 -o df.data ./df 3000 >/dev/null 2>&1; then
  skip "perf record failed"
  done_testing
  exit 0
fi
run "$FLAMEKIT" fold --no-inline --weight samples df.data
like '^df;_start;__libc_start_main;__libc_start_call_main;main;run;' "$out" \
  "stacks are unwound with the debug file's .debug_frame"
# A sample or two may land in the dynamic loader before main (a page fault
# in ld.so's memset, more often on a loaded machine): the program's own
# stacks are what this is about, so 95% of the samples must reach main, and
# walks may stop early only as often.
share() { # PATTERN: the share of the samples whose stack matches it
  printf '%s\n' "$out" | awk -v re="$1" '{ n = $NF; all += n; if ($0 ~ re) m += n }
    END { printf "%.3f\n", all ? m / all : 0 }'
}
s=$(share ';main;run;')
ok "$(awk -v s="$s" 'BEGIN { print (s >= 0.95) ? 0 : 1 }')" "stacks reach main in $s of the samples (want >= 0.95)"
early=$(printf '%s\n' "$err" | sed -n 's/.*: \([0-9]*\) samples unwound with DWARF:.* \([0-9]*\) stopped early.*/\1 \2/p')
ok "$(echo "$early" | awk '{ print ($1 > 0 && $2 <= $1 * 0.05) ? 0 : 1 }')" \
  "walks stop early in at most 5% of the samples ($early)"
mv df.debug df.debug.away
run "$FLAMEKIT" fold --no-inline --weight samples df.data
# Without it a walk from libc (whose own CFI is there) may reach main, but
# none gets past it: main's CFI was in the debug file.
is "$(printf '%s\n' "$out" | grep -c '__libc_start_call_main;main;')" 0 \
  "without the debug file no stack goes from the root through main"
like 'stopped early \([0-9]+ at no CFI and no frame pointer\)' "$err" \
  "and the line says the CFI was missing"
done_testing
