#!/bin/sh
# make bench: speed and peak memory of flamekit, side by side with the peers
# that are on this machine. A benchmark, not a test: it prints figures.
#   FLAMEGRAPH_DIR  a checkout of brendangregg/FlameGraph (optional)
#   INFERNO_DIR     a directory holding inferno's binaries (optional)
#   BENCH_MB        size of the generated folded input (default 300)
# Other benches (tests/bench/*.sh, one per area: report.sh is the report's
# fleet time against graph and its page's time to interactive) run after this one.
set -u
FLAMEKIT=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
top=$(cd "$(dirname "$0")/../.." && pwd)
shared="$top/../shared"
work=${BENCH_DIR:-$top/build/bench}
mkdir -p "$work"
mb=${BENCH_MB:-300}
# A cache of inflated DWARF of the bench's own (formats/symbols/inflatecache.h):
# the user's is not touched, and every bench starts from an empty one (the
# first run of each capture inflates, the later ones map what it wrote;
# unwind.sh shows both). FLAMEKIT_CACHE_DIR= runs them all without it.
if [ -z "${FLAMEKIT_CACHE_DIR+set}" ]; then
  FLAMEKIT_CACHE_DIR="$work/dwarf-cache"
  rm -rf "$FLAMEKIT_CACHE_DIR"
  export FLAMEKIT_CACHE_DIR
fi
# The peers' binaries on this machine, unless told otherwise: every bench
# then prints its rows as ratios to them.
if [ -z "${INFERNO_DIR:-}" ] && [ -x "$shared/peers/bin/inferno-flamegraph" ]; then
  INFERNO_DIR=$(cd "$shared/peers/bin" && pwd)
  export INFERNO_DIR
fi

# time_cmd LABEL INPUT_BYTES CMD...: prints label, seconds, MB/s, peak RSS.
time_cmd() {
  label=$1 bytes=$2
  shift 2
  /usr/bin/time -f '%e %M' -o "$work/time" "$@" >"$work/out" 2>"$work/err" || {
    echo "$label: failed: $(tail -1 "$work/err")"
    return 1
  }
  read -r secs kb <"$work/time"
  awk -v l="$label" -v s="$secs" -v b="$bytes" -v kb="$kb" 'BEGIN {
    mbs = (s > 0) ? b / 1048576 / s : 0
    printf "%-44s %7.2f s %9.1f MB/s %8.1f MB peak RSS\n", l, s, mbs, kb / 1024 }'
  echo "$secs" >"$work/last"
}

echo "== folded parse+merge (flamekit fold) =="
cc -O2 -o "$work/gen-folded" "$top/tests/bench/gen-folded.c"
# share=1: stacks that share prefixes as real ones do; share=0: adversarial,
# nearly every frame of every distinct stack is a new tree node.
for share in 1 0; do
  f="$work/gen-$mb-$share.folded"
  [ -f "$f" ] || "$work/gen-folded" "$mb" 200000 "$share" >"$f"
  kind=$([ "$share" = 1 ] && echo "shared prefixes" || echo "adversarial")
  time_cmd "generated $mb MB, 200k distinct, $kind" "$(stat -c %s "$f")" "$FLAMEKIT" fold "$f"
  echo "  (output: $(wc -l <"$work/out") distinct stacks)"
  small="$work/gen-$((mb / 3))-$share.folded"
  [ -f "$small" ] || "$work/gen-folded" $((mb / 3)) 200000 "$share" >"$small"
  time_cmd "  the same stacks, a third of the input" "$(stat -c %s "$small")" "$FLAMEKIT" fold "$small"
  sorted="$work/gen-sorted-$share.folded"
  [ -f "$sorted" ] || "$FLAMEKIT" fold "$f" >"$sorted"
  time_cmd "  its own output (folded once, sorted)" "$(stat -c %s "$sorted")" "$FLAMEKIT" fold "$sorted"
done

# One big file from the second core (issue 18's row: >= 1.7x): the
# pipeline cuts it in pieces that both workers read. -j 1 and -j 2 run in
# turn three times, medians kept; SHARE=2 is gen-folded's uniform
# generator, where each worker's tree holds nearly every distinct stack.
echo "== one big file, -j 2 vs -j 1 (flamekit fold) =="
for share in 1 2; do
  f="$work/gen-$mb-$share.folded"
  [ -f "$f" ] || "$work/gen-folded" "$mb" 200000 "$share" >"$f"
  : >"$work/j1"
  : >"$work/j2"
  for r in 1 2 3; do
    /usr/bin/time -f '%e %M' -a -o "$work/j1" "$FLAMEKIT" fold -q -j 1 "$f" >"$work/out.j1"
    /usr/bin/time -f '%e %M' -a -o "$work/j2" "$FLAMEKIT" fold -q -j 2 "$f" >"$work/out.j2"
  done
  cmp -s "$work/out.j1" "$work/out.j2" || echo "  -j 1 and -j 2 differ on $f"
  a=$(sort -n "$work/j1" | sed -n 2p)
  b=$(sort -n "$work/j2" | sed -n 2p)
  echo "$a $b" | awk -v n="generated $mb MB, share=$share" '{
    printf "%-44s -j 1 %6.2f s %6.0f MB  -j 2 %6.2f s %6.0f MB  speedup %.2fx (target >= 1.7x)\n",
      n, $1, $2 / 1024, $3, $4 / 1024, ($3 > 0 ? $1 / $3 : 0) }'
done

peer="$shared/peers/flamegraph-pl/example-perf-stacks.txt.gz"
if [ -f "$peer" ]; then
  # The peers' benchmark capture, collapsed by flamekit itself, then repeated
  # so the run is long enough to time.
  ex="$work/example-perf-stacks.folded"
  [ -f "$ex" ] || gzip -dc "$peer" | "$FLAMEKIT" fold >"$ex"
  rep="$work/example-x300.folded"
  [ -f "$rep" ] || for i in $(seq 300); do cat "$ex"; done >"$rep"
  time_cmd "peers' example-perf-stacks folded, x300" "$(stat -c %s "$rep")" "$FLAMEKIT" fold "$rep"
else
  echo "(../shared/peers absent: peer inputs skipped)"
fi

for b in "$top"/tests/bench/*.sh; do
  case "$b" in */run.sh) continue ;; esac
  echo
  echo "== $(basename "$b" .sh) =="
  sh "$b" "$FLAMEKIT" || echo "($(basename "$b") failed)"
done
