#!/bin/sh
# shape.sh FLAMEKIT -- flamekit against inferno-flamegraph on every
# shape of folded input (shared prefixes, all distinct, deep 1000-frame
# stacks, wide flat profiles, gen-folded's uniform generator), then the diff,
# json, speedscope and transform writers on two large generated profiles.
# Each row: seconds and peak memory of both, and the ratios (inferno / flamekit
# time: 2.0 means flamekit is twice as fast; flamekit / inferno memory).
# Runnable alone: sh tests/bench/shape.sh build/flamekit
#   SHAPE_BENCH_MB      size of each generated shape input (default 60)
#   SHAPE_BENCH_BIG_MB  size of the uniform input (default 225)
#   SHAPE_BENCH_STACKS  distinct stacks of the diff profiles (default 400000)
#   SHAPE_BENCH_RUNS    runs of each graph row and of -j 1/-j 2, interleaved,
#                       medians (default 5: with 3, a slow stretch of this VM
#                       over two of them put wide flat at 1.33x where paired
#                       runs gave 1.9-2.1x)
#   INFERNO_DIR         inferno's binaries (default ../shared/peers/bin)
set -eu
FK=${1:?usage: shape.sh FLAMEKIT}
top=$(cd "$(dirname "$0")/../.." && pwd)
N=${SHAPE_BENCH_STACKS:-400000}
MB=${SHAPE_BENCH_MB:-60}
BIG=${SHAPE_BENCH_BIG_MB:-225}
RUNS=${SHAPE_BENCH_RUNS:-5}
INF=${INFERNO_DIR:-$top/../shared/peers/bin}/inferno-flamegraph
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fk-shape-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cc -O2 -o "$tmp/gen-folded" "$top/tests/bench/gen-folded.c"

# t CMD...: runs CMD, stdout thrown away; "SECONDS KB" in $tmp/t (or "- -").
t() {
  if /usr/bin/time -f '%e %M' -o "$tmp/t" "$@" >/dev/null 2>"$tmp/err"; then :; else
    echo "- -" >"$tmp/t"
    sed 's/^/  failed: /' "$tmp/err" | tail -2
  fi
}
# median FILE: the median line (by its first field) of the lines in FILE.
median() { sort -n "$1" | awk '{ l[NR] = $0 } END { print l[int((NR + 1) / 2)] }'; }
# row NAME FILE: flamekit graph and inferno-flamegraph on FILE, RUNS times
# each, interleaved (so a slow moment of the machine hits both), medians of
# time and of peak memory; then flamekit fold once.
row() {
  name=$1 f=$2
  : >"$tmp/g" && : >"$tmp/gm" && : >"$tmp/i" && : >"$tmp/im"
  k=0
  while [ "$k" -lt "$RUNS" ]; do
    t "$FK" graph -q "$f"
    read -r s m <"$tmp/t" && echo "$s" >>"$tmp/g" && echo "$m" >>"$tmp/gm"
    if [ -x "$INF" ]; then
      t "$INF" "$f"
      read -r s m <"$tmp/t" && echo "$s" >>"$tmp/i" && echo "$m" >>"$tmp/im"
    fi
    k=$((k + 1))
  done
  gs=$(median "$tmp/g") gk=$(median "$tmp/gm")
  is=- ik=-
  if [ -x "$INF" ]; then is=$(median "$tmp/i") ik=$(median "$tmp/im"); fi
  t "$FK" fold -q "$f"
  read -r fs fk <"$tmp/t"
  awk -v n="$name" -v mb="$(($(stat -c %s "$f") / 1048576))" -v gs="$gs" -v gk="$gk" \
    -v fs="$fs" -v fk="$fk" -v is="$is" -v ik="$ik" 'BEGIN {
      r = (is != "-" && gs > 0) ? sprintf("%5.2fx", is / gs) : "    -"
      rf = (is != "-" && fs > 0) ? sprintf("%5.2fx", is / fs) : "    -"
      m = (ik != "-" && gk > 0) ? sprintf("%5.2f", gk / ik) : "    -"
      printf "%-30s %4d MB  graph %6.2f s %6.0f MB  fold %6.2f s  inferno %6s s %6s MB  speed graph %s fold %s  memory %s\n",
        n, mb, gs, gk / 1024, fs, is, (ik == "-" ? "-" : sprintf("%.0f", ik / 1024)), r, rf, m }'
}

echo "shape rows (graph: medians of $RUNS interleaved runs; fold: one run): speed = inferno-flamegraph time / flamekit time (target >= 2x), memory = flamekit / inferno peak (target <= 1)"
"$tmp/gen-folded" "$MB" 200000 1 >"$tmp/shared.folded"
row "shared prefixes" "$tmp/shared.folded"
"$tmp/gen-folded" "$MB" 200000 0 >"$tmp/distinct.folded"
row "all distinct" "$tmp/distinct.folded"
# 2,000 stacks of 1,000 frames from 500 names, repeated.
awk -v mb="$MB" 'BEGIN { srand(3); for (i = 0; i < 2000; i++) { s = "main"
    for (k = 1; k < 1000; k++) s = s ";deep_" int(rand() * 500); L[i] = s }
  for (w = 0; w < mb * 1048576; ) for (i = 0; i < 2000 && w < mb * 1048576; i++) {
    l = L[i] " " (1 + int(rand() * 100)); print l; w += length(l) + 1 } }' >"$tmp/deep.folded"
row "deep 1000-frame stacks" "$tmp/deep.folded"
# 1,000,000 leaves under a handful of frames.
awk -v mb="$MB" 'BEGIN { srand(4); for (w = 0; w < mb * 1048576; ) {
    l = "main;worker_" int(rand() * 8) ";leaf_" int(rand() * 1000000) " " (1 + int(rand() * 100))
    print l; w += length(l) + 1 } }' >"$tmp/wide.folded"
row "wide flat" "$tmp/wide.folded"
rm -f "$tmp"/shared.folded "$tmp"/distinct.folded "$tmp"/deep.folded "$tmp"/wide.folded
"$tmp/gen-folded" "$BIG" 200000 2 >"$tmp/uniform.folded"
row "uniform generator (SHARE=2)" "$tmp/uniform.folded"
# One big file from the second core: -j 2 against -j 1 (target >= 1.7x).
: >"$tmp/j1" && : >"$tmp/j2"
k=0
while [ "$k" -lt "$RUNS" ]; do
  t "$FK" graph -q -j 1 "$tmp/uniform.folded"
  cat "$tmp/t" >>"$tmp/j1"
  t "$FK" graph -q -j 2 "$tmp/uniform.folded"
  cat "$tmp/t" >>"$tmp/j2"
  k=$((k + 1))
done
median "$tmp/j1" >"$tmp/t"
read -r j1 k1 <"$tmp/t"
median "$tmp/j2" >"$tmp/t"
read -r j2 k2 <"$tmp/t"
awk -v a="$j1" -v b="$j2" -v ka="$k1" -v kb="$k2" 'BEGIN {
  printf "%-30s -j 1 %6.2f s %6.0f MB  -j 2 %6.2f s %6.0f MB  speedup %s (target >= 1.7x; medians)\n",
    "one big file, -j 2 vs -j 1", a, ka / 1024, b, kb / 1024, (b > 0 ? sprintf("%.2fx", a / b) : "-") }'
rm -f "$tmp/uniform.folded"

# Deterministic synthetic profiles: N distinct stacks, depth 8-31, 2000 names.
gen() { # seed
  awk -v n="$N" -v seed="$1" 'BEGIN {
    srand(seed)
    for (i = 0; i < n; i++) {
      d = 8 + int(rand() * 24); s = "main"
      for (k = 0; k < d; k++) s = s ";fn_" int(rand() * rand() * 2000) "+0x" sprintf("%x", int(rand() * 4096))
      print s, 1 + int(rand() * 100)
    }
  }'
}
gen 1 >"$tmp/before.folded"
gen 2 >"$tmp/after.folded"
size=$(wc -c <"$tmp/after.folded")
both=$(($(wc -c <"$tmp/before.folded") + size))
measure() { # name cmd...
  name=$1
  shift
  /usr/bin/time -f '%e %M' -o "$tmp/time" "$@" >/dev/null 2>"$tmp/err" || {
    echo "$name FAILED"
    sed 's/^/  /' "$tmp/err"
    return 0
  }
  read -r s kb <"$tmp/time"
  awk -v n="$name" -v s="$s" -v kb="$kb" -v both="$both" 'BEGIN {
    printf "%-22s %6.2f s %7.0f MB peak (%.1fx the two inputs)\n", n, s, kb / 1024, kb * 1024 / both }'
}
echo "writers: $N stacks per profile, $((size / 1048576)) MB each"
measure fold "$FK" fold "$tmp/after.folded" -o "$tmp/out.folded"
measure diff "$FK" diff "$tmp/before.folded" "$tmp/after.folded" -o "$tmp/diff.folded"
measure diff-normalize-csv "$FK" diff -n "$tmp/before.folded" "$tmp/after.folded" -o "$tmp/diff.csv"
measure json "$FK" fold "$tmp/after.folded" -o "$tmp/out.json"
measure speedscope "$FK" fold "$tmp/after.folded" -o "$tmp/out.speedscope.json"
measure transforms "$FK" fold --strip-hex --hide '^fn_1' --collapse-recursion --minwidth 0.1 "$tmp/after.folded" -o "$tmp/t.folded"
