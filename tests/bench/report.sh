#!/bin/sh
# report.sh -- `flamekit report`'s two figures (issue 17):
#  1. a 100-host fleet archive (made here from corpora/hosts: host001..host100
#     each holding one of its four `perf script --header` captures, the host
#     taken from the path with --host-from): report -o report.html against
#     graph -o graph.svg on it, cpu time (user+sys) and wall time per run over
#     BENCH_RUNS (default 20) runs each; the report must take at most twice.
#  2. a 100k-frame profile (gen-folded 6 60000: 103k frames): the page's
#     size, what its graph draws and leaves out, and how soon it is
#     interactive in chromium (must be within 2 s).
#   sh tests/bench/report.sh BUILD/flamekit
set -e
FLAMEKIT=$(cd "$(dirname "${1:?usage: sh tests/bench/report.sh FLAMEKIT}")" && pwd)/$(basename "$1")
TOP=$(cd "$(dirname "$0")/../.." && pwd)
DIR=${BENCH_DIR:-$(dirname "$FLAMEKIT")/bench-report}
RUNS=${BENCH_RUNS:-20}
mkdir -p "$DIR"

if [ ! -s "$DIR/fleet.tar" ]; then
  rm -rf "$DIR/fleet"
  i=1
  for h in $(seq 1 100); do
    src=$(echo db01 db02 web01 web02 | cut -d' ' -f$(((h - 1) % 4 + 1)))
    mkdir -p "$DIR/fleet/$(printf host%03d "$h")"
    cp "$TOP/corpora/hosts/$src/perf.txt" "$DIR/fleet/$(printf host%03d "$h")/perf.txt"
  done
  tar -C "$DIR/fleet" -cf "$DIR/fleet.tar" .
fi

# loop_time OUT CMD...: "cpu wall" seconds of RUNS runs of CMD in a row
# (one figure over all runs: /usr/bin/time counts in hundredths, a run
# takes a few of them), per run, into OUT
loop_time() {
  out=$1
  shift
  /usr/bin/time -f '%U %S %e' -o "$DIR/t" sh -c 'n=$1; shift; i=0
    while [ $i -lt "$n" ]; do "$@" >/dev/null 2>&1; i=$((i + 1)); done' sh "$RUNS" "$@"
  awk -v n="$RUNS" '{ printf "%.4f %.4f\n", ($1 + $2) / n, $3 / n }' "$DIR/t" >"$out"
}
hf='(host[0-9]+)/'
loop_time "$DIR/graph.t" "$FLAMEKIT" graph -q --host-from "$hf" -o "$DIR/graph.svg" "$DIR/fleet.tar"
loop_time "$DIR/report.t" "$FLAMEKIT" report -q --host-from "$hf" -o "$DIR/report.html" "$DIR/fleet.tar"
read -r gc gw <"$DIR/graph.t"
read -r rc rw <"$DIR/report.t"
echo "100-host archive ($(stat -c %s "$DIR/fleet.tar") bytes; per run, mean of $RUNS):"
printf '  graph  -o graph.svg    %7.4f s cpu %7.4f s wall  %9d bytes\n' "$gc" "$gw" "$(stat -c %s "$DIR/graph.svg")"
printf '  report -o report.html  %7.4f s cpu %7.4f s wall  %9d bytes\n' "$rc" "$rw" "$(stat -c %s "$DIR/report.html")"
awk -v g="$gc" -v r="$rc" 'BEGIN { printf "  report / graph: %.2fx cpu (limit 2x)\n", (g > 0 ? r / g : 0) }'

cc -O2 -o "$DIR/gen-folded" "$TOP/tests/bench/gen-folded.c"
[ -s "$DIR/big.folded" ] || "$DIR/gen-folded" 6 60000 >"$DIR/big.folded"
"$FLAMEKIT" report -q -o "$DIR/big.html" "$DIR/big.folded"
drawn=$(python3 - "$DIR/big.html" <<'PY'
import json, re, sys
page = open(sys.argv[1], encoding="utf-8").read()
svg = json.loads(re.search(r'id="svg-flame">(.*?)</script>', page, re.S).group(1))
data = json.loads(re.search(r'id="fk-data">(.*?)</script>', page, re.S).group(1))
elided = re.search(r'id="elided"[^>]*>([^<]*)<', svg)
print(svg.count("<g>") + svg.count("<g "), len(data["tree"]["p"]) - 1, data["sandwichLeftOut"],
      '"' + (elided.group(1) if elided else "nothing left out") + '"')
PY
)
set -- $drawn
echo "100k-frame profile ($(($2 + $3)) frames, gen-folded 6 60000), page $(stat -c %s "$DIR/big.html") bytes:"
echo "  flame graph: $1 frames drawn; its title line: ${*#* * * }"
echo "  callers/callees data: $2 frames kept, $3 left out (under 0.001% of the total)"
if [ -x "${CHROMIUM:-/usr/bin/chromium}" ] && [ -d "$TOP/tests/browser/node_modules/playwright-core" ]; then
  node "$TOP/tests/bench/report-page.js" "$DIR/big.html" 3 | sed 's/^ready \(.*\)/  interactive in chromium after \1 ms (limit 2000; median of 3)/; s/^zoom \(.*\)/  table click to zoomed graph: \1 ms/; s/^busy \(.*\)/  main-thread tasks took \1 ms of it/'
else
  echo "  (chromium or playwright-core absent: page time not measured)"
fi
