#!/bin/sh
# shape.sh FLAMEKIT -- time and peak memory of `flamekit diff` on two large
# generated profiles and of the json and speedscope writers on a large folded
# input. Prints one line per measurement: NAME SECONDS PEAK_KB.
# Runnable alone: sh tests/bench/shape.sh build/flamekit
set -eu
FK=${1:?usage: shape.sh FLAMEKIT}
N=${SHAPE_BENCH_STACKS:-400000}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fk-shape-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
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
measure() { # name cmd...
  name=$1
  shift
  /usr/bin/time -f '%e %M' -o "$tmp/time" "$@" >/dev/null 2>"$tmp/err" || {
    echo "$name FAILED"
    sed 's/^/  /' "$tmp/err"
    return 0
  }
  printf '%-22s %s s %s KB\n' "$name" $(cat "$tmp/time" | tr ' ' '\n' | head -1) $(cut -d' ' -f2 "$tmp/time")
}
echo "shape bench: $N stacks per profile, $(( size / 1048576 )) MB each"
measure fold "$FK" fold "$tmp/after.folded" -o "$tmp/out.folded"
measure diff "$FK" diff "$tmp/before.folded" "$tmp/after.folded" -o "$tmp/diff.folded"
measure diff-normalize-csv "$FK" diff -n "$tmp/before.folded" "$tmp/after.folded" -o "$tmp/diff.csv"
measure json "$FK" fold "$tmp/after.folded" -o "$tmp/out.json"
measure speedscope "$FK" fold "$tmp/after.folded" -o "$tmp/out.speedscope.json"
measure transforms "$FK" fold --strip-hex --hide '^fn_1' --collapse-recursion --minwidth 0.1 "$tmp/after.folded" -o "$tmp/t.folded"
