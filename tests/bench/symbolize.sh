#!/bin/sh
# symbolize.sh -- speed of the offline symbolizer on a large binary with DWARF.
#
#   sh tests/bench/symbolize.sh BUILD/flamekit
#
# Needs /usr/bin/python3.11 with its Debian debug info (apt-get install
# python3.11-dbg) and BUILD/tests/bench/symbolize-lookups (built by
# `make check`, or `make BUILD/tests/bench/symbolize-lookups`). Compares, in
# CPU seconds and peak memory, flamekit's lookups (a fresh symbolizer: open,
# index, look up, with inline frames and source lines) against
# `addr2line -a -f -i -C` on the same addresses: 1000 random .text addresses,
# and the distinct addresses of a `perf record` of a Python workload when
# perf works here. When FLAMEKIT reads perf.data, also times
# `flamekit fold` of that capture against the perf script pipelines.
set -u
FLAMEKIT=${1:?usage: sh tests/bench/symbolize.sh BUILD/flamekit}
BUILD=$(dirname "$FLAMEKIT")
DRIVER="$BUILD/tests/bench/symbolize-lookups"
PY=/usr/bin/python3.11
T=$(mktemp -d "${TMPDIR:-/tmp}/fk-bench-symbolize.XXXXXX")
trap 'rm -rf "$T"' EXIT

if [ ! -x "$DRIVER" ]; then
  echo "symbolize: $DRIVER missing: run make $DRIVER" >&2
  exit 0
fi
id=$(readelf -n "$PY" 2>/dev/null | awk '/Build ID/ {print $3}')
dbg="/usr/lib/debug/.build-id/$(echo "$id" | cut -c1-2)/$(echo "$id" | cut -c3-).debug"
if [ -z "$id" ] || [ ! -f "$dbg" ]; then
  echo "symbolize: skipped: $PY or its debug info $dbg missing (apt-get install python3.11-dbg)"
  exit 0
fi

# cpu_mem CMD...: prints "CPU-SECONDS PEAK-KB" of CMD (stdin from $IN)
cpu_mem() {
  /usr/bin/time -f '%U %S %M' -o "$T/time" "$@" <"$IN" >"$T/out" 2>/dev/null
  awk '{printf "%.2f %d", $1 + $2, $3}' "$T/time"
}

compare() { # label addrfile [driver options]
  label=$1
  IN=$2
  shift 2
  n=$(wc -l <"$IN")
  set -- $(cpu_mem "$DRIVER" "$@" "$PY") $(cpu_mem addr2line -a -f -i -C -e "$PY")
  fk_cpu=$1 fk_kb=$2 a2l_cpu=$3 a2l_kb=$4
  warm=$("$DRIVER" --bench 1 "$PY" <"$IN" | awk '/^warm/ {print $(NF-1)}')
  printf '%-44s %6d %8s s %7d KB %8s s %7d KB %6.1fx %9s/s\n' "$label" "$n" "$fk_cpu" "$fk_kb" "$a2l_cpu" \
    "$a2l_kb" "$(echo "$a2l_cpu $fk_cpu" | awk '{print ($2 > 0 ? $1 / $2 : 0)}')" "$warm"
}

printf '%-44s %6s %10s %10s %10s %10s %7s %11s\n' "addresses" "n" "flamekit" "mem" "addr2line" "mem" "ratio" "cached"
set -- $(readelf -SW "$PY" | awk '$2 == ".text" {print $4, $6} $3 == ".text" {print $5, $7}')
start=$((0x$1))
size=$((0x$2))
awk -v s="$start" -v n="$size" 'BEGIN { x = 7; for (i = 0; i < 1000; i++) { x = (x * 1103515245 + 12345) % 2147483648; printf "%x\n", s + (x % n) } }' >"$T/random"
compare "1000 random .text addresses (cold)" "$T/random"

if command -v perf >/dev/null && cat >"$T/work.py" <<'PYEOF'
import json, re
def fib(n): return n if n < 2 else fib(n - 1) + fib(n - 2)
s = 0
for i in range(300):
    d = {str(k): [k, k * 2, {"x": k}] for k in range(200)}
    t = json.dumps(d); s += len(json.loads(t)); s += len(re.findall(r"\d+", t))
    s += fib(15); s += sum(sorted(x * 7 % 13 for x in range(2000)))
print(s)
PYEOF
  perf record -q -F 4000 -g -o "$T/py.data" "$PY" "$T/work.py" >/dev/null 2>&1; then
  # perf script prints callchain addresses as file offsets
  perf script -i "$T/py.data" -F ip,dso --no-inline 2>/dev/null | awk '$2 == "('"$PY"')" {print $1}' | sort -u >"$T/sampled"
  if [ -s "$T/sampled" ]; then
    # offsets to addresses through the executable's first PT_LOAD (non-PIE: +0x400000)
    base=$(readelf -lW "$PY" | awk '$1 == "LOAD" {print $3; exit}')
    while read -r off; do printf '%x\n' $((0x$off + base)); done <"$T/sampled" >"$T/sampled-va"
    compare "distinct addresses of a perf record (cold)" "$T/sampled-va"
  fi
  # only once flamekit reads perf.data (the reader names python3.11's frames)
  if "$FLAMEKIT" fold "$T/py.data" 2>/dev/null | grep -q 'python\|Py'; then
    for c in "$FLAMEKIT fold $T/py.data" "perf script -i $T/py.data --no-inline | $FLAMEKIT fold" \
      "perf script -i $T/py.data -F +srcline"; do
      /usr/bin/time -f '%e s %U+%S CPU %M KB' -o "$T/time" sh -c "$c" >/dev/null 2>&1
      printf '%-70s %s\n' "$c" "$(cat "$T/time")" | sed "s|$T/||g"
    done
  fi
fi
