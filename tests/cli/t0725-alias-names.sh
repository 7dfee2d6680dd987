#!/bin/sh
# Two names of one length for one function (an alias, as identical code
# folding gives Rust's ToLowercase and ToUppercase iterators): flamekit
# names it as perf does, by the one first in the symbol table; with inline
# frames (a dwarf capture) by the one its DWARF subprogram names, as perf
# script does then.
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

# With inline frames perf names a frame by addr2line's subprogram, the
# function the code was compiled as. The linker orders .symtab by a hash:
# build the pair both ways and keep the one whose first alias is not the
# defined function, so that the two rules disagree.
for def in spin_b spin_a; do
  other=spin_a
  [ $def = spin_a ] && other=spin_b
  cc -O1 -g -fomit-frame-pointer -o "$T/icf" -x c - <<C
#include <stdlib.h>
static volatile double sink;
void $other(long n) __attribute__((alias("$def")));
static inline __attribute__((always_inline)) double step(double s, long i) {
  for (int k = 0; k < 16; k++) s = s * 0.999999 + (double)(i + k);
  return s;
}
__attribute__((noinline)) void $def(long n) { double s = 0; for (long i = 0; i < n; i++) s = step(s, i); sink = s; }
int main(int argc, char **argv) { $other(argc > 1 ? atol(argv[1]) : 4000000); return 0; }
C
  first=$(readelf -sW "$T/icf" | awk '$8 ~ /^spin_[ab]$/ { print $8; exit }')
  [ "$first" != $def ] && break
done
ok "$([ "$first" != "$def" ]; echo $?)" "the first alias in .symtab ($first) is not the function DWARF names ($def)"
perf record -q -F 499 --call-graph dwarf,4096 -o "$T/icf.data" "$T/icf" >/dev/null 2>&1
perf script -i "$T/icf.data" 2>/dev/null | grep -o 'spin_[ab]' | sort -u >"$T/perf-inline"
is "$(cat "$T/perf-inline")" "$def" "perf script names it by DWARF ($def) with inline frames"
"$FLAMEKIT" fold -q "$T/icf.data" >"$T/fk-inline" 2>/dev/null
is "$(grep -o 'spin_[ab]' "$T/fk-inline" | sort -u)" "$def" "flamekit too, in every stack"
like ";$def;step " "$(cat "$T/fk-inline")" "under it, the inlined function"
perf script --no-inline -i "$T/icf.data" 2>/dev/null | grep -o 'spin_[ab]' | sort -u >"$T/perf-noinline"
is "$(cat "$T/perf-noinline")" "$first" "without inline frames perf names it by the first alias ($first)"
is "$("$FLAMEKIT" fold -q --no-inline "$T/icf.data" 2>/dev/null | grep -o 'spin_[ab]' | sort -u)" "$first" \
  "flamekit too"
done_testing
