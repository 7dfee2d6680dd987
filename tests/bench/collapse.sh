#!/bin/sh
# collapse.sh -- `perf script` collapse throughput and peak memory.
#
#   sh tests/bench/collapse.sh BUILD/flamekit
#
# Input: ../shared/peers/flamegraph-pl/example-perf-stacks.txt.gz unpacked and
# concatenated 30 times (about 94 MB). Measures `flamekit fold` (on stdin
# redirected from the file, which it cuts in pieces read on every core, as
# a named file), and next to it
# stackcollapse-perf.pl when FLAMEGRAPH_DIR is set (a FlameGraph checkout) and
# inferno-collapse-perf when INFERNO_DIR is set (a directory holding the
# binary, or a cargo checkout with target/release/). Prints one line per tool:
#   TOOL  SECONDS  MB/s  CPU-SECONDS  CPU-MB/s  PEAK-RSS-KB
# CPU-MB/s uses user+system time, which is steadier than wall time on a busy
# machine; the best of RUNS (default 3) runs is kept.
set -eu
FLAMEKIT=${1:?usage: collapse.sh FLAMEKIT}
RUNS=${RUNS:-3}
TOP=$(cd "$(dirname "$0")/../.." && pwd)
GZ="$TOP/../shared/peers/flamegraph-pl/example-perf-stacks.txt.gz"
if [ ! -f "$GZ" ]; then
  echo "# skip: $GZ absent"
  exit 0
fi
TIME=/usr/bin/time
if [ ! -x "$TIME" ]; then
  echo "# skip: /usr/bin/time absent (apt-get install time)"
  exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cc -O2 -o "$tmp/walltime" "$TOP/tests/bench/walltime.c" || exit 1
gzip -dc "$GZ" >"$tmp/one.txt"
i=0
while [ $i -lt 30 ]; do cat "$tmp/one.txt"; i=$((i + 1)); done >"$tmp/in.txt"
bytes=$(wc -c <"$tmp/in.txt")
mb=$(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1e6 }')
echo "# collapse: $mb MB of perf script text, best of $RUNS runs"
printf '%-24s %8s %8s %8s %8s %10s\n' tool seconds MB/s cpu-s cpu-MB/s peak-KB

measure() { # NAME CMD... (reads $tmp/in.txt on stdin)
  name=$1
  shift
  best=""
  r=0
  while [ $r -lt "$RUNS" ]; do
    # the wall time to the millisecond by walltime (flamekit's run is about
    # 0.05 s, where GNU time's hundredths move the ratio by a fifth), the
    # CPU times and peak by GNU time inside it
    : >"$tmp/w"
    if ! "$tmp/walltime" "$tmp/w" "$TIME" -f '%U %S %M' -o "$tmp/t" "$@" <"$tmp/in.txt" >"$tmp/out" 2>"$tmp/err"; then
      echo "# $name failed:"
      sed 's/^/#   /' "$tmp/err" | head -5
      return
    fi
    line="$(cut -d' ' -f1 "$tmp/w") $(tail -1 "$tmp/t")"
    best=$(printf '%s\n%s\n' "$best" "$line" | awk 'NF == 4 { c = $2 + $3; if (m == "" || c < m) { m = c; l = $0 } } END { print l }')
    r=$((r + 1))
  done
  echo "$best" | awk -v n="$name" -v b="$bytes" '{
    c = $2 + $3; if (c <= 0) c = 0.01; e = $1; if (e <= 0) e = 0.001
    printf "%-24s %8.3f %8.0f %8.2f %8.0f %10d\n", n, e, b / 1e6 / e, c, b / 1e6 / c, $4 }'
  wc -l <"$tmp/out" | awk -v n="$name" '{ print "#   " n ": " $1 " folded lines" }'
}

measure flamekit "$FLAMEKIT" fold -
if [ -n "${INFERNO_DIR:-}" ]; then
  inf=""
  for c in "$INFERNO_DIR/inferno-collapse-perf" "$INFERNO_DIR/target/release/inferno-collapse-perf"; do
    [ -x "$c" ] && inf=$c && break
  done
  if [ -n "$inf" ]; then
    measure inferno-collapse-perf "$inf"
    measure "inferno (1 thread)" "$inf" --nthreads 1
  else
    echo "# INFERNO_DIR has no inferno-collapse-perf"
  fi
fi
if [ -n "${FLAMEGRAPH_DIR:-}" ]; then
  if [ -f "$FLAMEGRAPH_DIR/stackcollapse-perf.pl" ]; then
    measure stackcollapse-perf.pl perl "$FLAMEGRAPH_DIR/stackcollapse-perf.pl"
  else
    echo "# FLAMEGRAPH_DIR has no stackcollapse-perf.pl"
  fi
fi
