#!/bin/sh
# Two names of one length for one function (an alias, as identical code
# folding gives Rust's ToLowercase and ToUppercase iterators): flamekit
# names it as perf does, by the one first in the symbol table.
. "$(dirname "$0")/lib.sh"
if ! command -v perf >/dev/null 2>&1 || ! perf record -q -o "$T/probe.data" true >/dev/null 2>&1; then
  skip "perf cannot record here"
  done_testing
  exit
fi
cc -O1 -g -fno-omit-frame-pointer -o "$T/alias" -x c - <<'C'
#include <stdlib.h>
static volatile double sink;
__attribute__((noinline)) void zzz_spin(long n) { double s = 0; for (long i = 0; i < n; i++) s += i * 0.5; sink = s; }
void aaa_spin(long n) __attribute__((alias("zzz_spin")));
int main(int argc, char **argv) { aaa_spin(argc > 1 ? atol(argv[1]) : 60000000); return 0; }
C
first=$(readelf -sW "$T/alias" | awk '$8 ~ /^(aaa|zzz)_spin$/ { print $8; exit }')
perf record -q -g -o "$T/al.data" "$T/alias" >/dev/null 2>&1
want=$(perf script -i "$T/al.data" 2>/dev/null | grep -o '\(aaa\|zzz\)_spin' | sort | uniq -c | sort -nr | awk 'NR == 1 { print $2 }')
is "$want" "$first" "perf names the function by the alias first in .symtab"
got=$("$FLAMEKIT" fold -q --no-inline "$T/al.data" | grep -o '\(aaa\|zzz\)_spin' | sort -u)
is "$got" "$want" "flamekit names it as perf does"
done_testing
