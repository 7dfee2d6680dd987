#!/bin/sh
# unwind.sh -- the DWARF unwinding speed check: a --call-graph dwarf capture of >= 25,000
# samples of the Rust tutorial program (corpora/perf-dwarf/wordstats.bin, no
# frame pointers), recorded here at bench time (never committed), turned into a
# flame graph by flamekit directly against what cargo-flamegraph runs (perf
# script | a collapser), in wall seconds and peak memory, as ratios; and the CFI
# libraries compared (tests/bench/cfi-libdw*.c). flamekit's rows are run with a
# DWARF cache of their own (formats/symbols/inflatecache.h): warm (the first of
# its runs filled it; every later capture on a host names the same libc),
# cold (emptied before each run), and off.
#   sh tests/bench/unwind.sh BUILD/flamekit
#   BENCH_UNWIND_COPY  the stack copy size (default 16384; cargo-flamegraph now 64000)
#   BENCH_UNWIND_ROUNDS  wordstats rounds (default 2400, about 30 s of samples at 997 Hz)
#   BENCH_UNWIND_RUNS  runs of each timed command, interleaved, medians (default 3)
set -u
FK=${1:?usage: sh tests/bench/unwind.sh BUILD/flamekit}
top=$(cd "$(dirname "$0")/../.." && pwd)
BIN="$top/corpora/perf-dwarf/wordstats.bin"
COPY=${BENCH_UNWIND_COPY:-16384}
ROUNDS=${BENCH_UNWIND_ROUNDS:-2400}
RUNS=${BENCH_UNWIND_RUNS:-3}
T=$(mktemp -d "${TMPDIR:-/tmp}/fk-bench-unwind.XXXXXX")
trap 'rm -rf "$T"' EXIT
if ! command -v perf >/dev/null || [ ! -x "$BIN" ]; then
  echo "unwind: skipped: needs perf and $BIN"
  exit 0
fi
# cargo flamegraph's arguments: perf record -F 997 --call-graph dwarf,SIZE -g
perf record -q -F 997 --call-graph "dwarf,$COPY" -g -o "$T/x.data" "$BIN" "$ROUNDS" >/dev/null 2>&1
n=$(perf report -i "$T/x.data" --stats 2>/dev/null | awk '/SAMPLE events:/ {print $3; exit}')
echo "capture: $n samples of wordstats (perf record -F 997 --call-graph dwarf,$COPY -g), $(du -m "$T/x.data" | cut -f1) MB; each row the median of $RUNS interleaved runs"
# t NAME COMMAND: one run of COMMAND (through sh), stdout thrown away, its
# "SECONDS KB" appended to $T/NAME.t and its stderr kept in $T/NAME.err.
# Wall times to the millisecond (tests/bench/walltime.c): flamekit's run is
# about 0.05 s, where GNU time's hundredths moved the ratio by 20%.
cc -O2 -o "$T/walltime" "$top/tests/bench/walltime.c" || exit 1
t() {
  "$T/walltime" "$T/$1.t" sh -c "$2" >/dev/null 2>"$T/$1.err"
}
# median FILE FIELD: the median of column FIELD of FILE's lines.
median() { awk -v f="$2" '{ print $f }' "$1" | sort -n | awk '{ l[NR] = $0 } END { print l[int((NR + 1) / 2)] }'; }
# row LABEL NAME: the line of NAME's runs, medians of time and of peak memory
# (each on its own); "SECONDS KB" of them in $T/last.
row() {
  secs=$(median "$T/$2.t" 1) kb=$(median "$T/$2.t" 2)
  printf '%-60s %7.3f s %8.1f MB\n' "$1" "$secs" "$(echo "$kb" | awk '{print $1 / 1024}')"
  echo "$secs $kb" >"$T/last"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1fx", (b > 0 ? a / b : 0) }'; }
# Every command RUNS times, one run of each in turn, so that a slow moment of
# the machine hits them all and one noisy run does not decide a ratio.
k=0
while [ "$k" -lt "$RUNS" ]; do
  t cat "cat '$T/x.data' > /dev/null"
  t fk "FLAMEKIT_CACHE_DIR='$T/cache' '$FK' graph '$T/x.data' -o '$T/a.svg'"
  rm -rf "$T/cold"
  t fkcold "FLAMEKIT_CACHE_DIR='$T/cold' '$FK' graph '$T/x.data' -o '$T/a.svg'"
  t fkoff "FLAMEKIT_CACHE_DIR= '$FK' graph '$T/x.data' -o '$T/a.svg'"
  t fkn "FLAMEKIT_CACHE_DIR='$T/cache' '$FK' graph --no-inline '$T/x.data' -o '$T/b.svg'"
  t ps "perf script -i '$T/x.data' | '$FK' graph -o '$T/c.svg'"
  t psn "perf script --no-inline -i '$T/x.data' | '$FK' graph -o '$T/d.svg'"
  k=$((k + 1))
done
row "cat x.data > /dev/null" cat
read -r cat_s _ <"$T/last"
row "flamekit graph x.data (inline frames, the default)" fk
read -r fk_s fk_kb <"$T/last"
grep 'unwound' "$T/fk.err" | sed 's/^/  /'
row "  the same, a cold DWARF cache (a first run on this host)" fkcold
read -r fkcold_s _ <"$T/last"
row "  the same, the DWARF cache off (FLAMEKIT_CACHE_DIR=)" fkoff
read -r fkoff_s _ <"$T/last"
row "flamekit graph --no-inline x.data" fkn
read -r fkn_s _ <"$T/last"
row "perf script | flamekit graph (what cargo-flamegraph runs)" ps
read -r ps_s ps_kb <"$T/last"
row "perf script --no-inline | flamekit graph" psn
read -r psn_s _ <"$T/last"
echo "  flamekit graph vs perf script | flamekit graph: $(ratio "$ps_s" "$fk_s") faster (target >= 20x; a cold cache $(ratio "$ps_s" "$fkcold_s"), none $(ratio "$ps_s" "$fkoff_s"))"
echo "  flamekit graph vs perf script --no-inline | flamekit graph: $(ratio "$psn_s" "$fk_s") faster (target >= 5x)"
echo "  flamekit graph vs cat: $(ratio "$fk_s" "$cat_s") the time of cat (target <= 3x)"
echo "  flamekit graph --no-inline vs perf script --no-inline: $(ratio "$psn_s" "$fkn_s") faster"
echo "  peak memory: flamekit $(echo "$fk_kb" | awk '{printf "%.0f", $1 / 1024}') MB, perf script pipeline $(echo "$ps_kb" | awk '{printf "%.0f", $1 / 1024}') MB (target: no more)"
awk -v n="$n" -v s="$fk_s" 'BEGIN { if (s > 0) printf "  samples unwound and symbolized per second: %.0f\n", n / s }'

echo "CFI lookups, every 97th byte of libc's .text (the unwinder caches each pc's rule once):"
L=/usr/lib/x86_64-linux-gnu/libc.so.6
set -- $(readelf -SW "$L" | awk '$2 == ".text" { print $4, $6 }')
lo=0x$1
hi=$(printf '0x%x' $((0x$1 + 0x$2)))
if cc -O2 -o "$T/cfi-libdw" "$top/tests/bench/cfi-libdw.c" -ldw -lelf 2>/dev/null &&
  cc -O2 -I/usr/include/libdwarf -o "$T/cfi-libdwarf" "$top/tests/bench/cfi-libdwarf.c" -ldwarf -lelf -lz 2>/dev/null; then
  "$T/cfi-libdw" "$L" "$lo" "$hi" 97 | sed 's/^/  /'
  "$T/cfi-libdwarf" "$L" "$lo" "$hi" 97 | sed 's/^/  /'
else
  echo "  skipped: cannot build tests/bench/cfi-libdw*.c"
fi
