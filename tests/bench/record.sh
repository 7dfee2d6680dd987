#!/bin/sh
# record.sh -- the record bench: `flamekit record -o a.svg -- ./wordstats N`
# against cargo-flamegraph's `flamegraph -o b.svg -- ./wordstats N` (from
# ../shared/peers/bin), with the same perf arguments (-F 997 --call-graph
# dwarf,64000 -g, flamekit's defaults; the peer's release defaults to
# dwarf,16384, so it gets them through -c), in one run: wall seconds end to
# end, and for the part after the program exits (the program writes the time
# it ended; the part after is the tool's end minus that), as ratios; then how
# much of the weight the two graphs' stacks agree on (shares of each total,
# since flamekit weighs by period and inferno counts samples).
#   sh tests/bench/record.sh BUILD/flamekit      (make bench runs it)
#   RECORD_SECS  about how long the program runs (default 30)
#   CALL_GRAPH   dwarf (default) or fp: fp builds with frame pointers
set -u
FK=$(cd "$(dirname "${1:?usage: sh tests/bench/record.sh BUILD/flamekit}")" && pwd)/$(basename "$1")
top=$(cd "$(dirname "$0")/../.." && pwd)
peer=${PEER_DIR:-$top/../shared/peers/bin}/flamegraph
secs=${RECORD_SECS:-30}
mode=${CALL_GRAPH:-dwarf}
T=$(mktemp -d "${BENCH_DIR:-${TMPDIR:-/tmp}}/fk-bench-record.XXXXXX")
[ -n "${KEEP:-}" ] || trap 'rm -rf "$T"' EXIT
for need in perf cargo; do
  command -v $need >/dev/null || { echo "record: skipped: needs $need"; exit 0; }
done
[ -x "$peer" ] || { echo "record: skipped: no peer flamegraph at $peer"; exit 0; }
. "$top/tests/cli/wordstats.sh"
make_wordstats "$T/ws"
rf=""
[ "$mode" = fp ] && rf="-C force-frame-pointers=yes"
(cd "$T/ws" && RUSTFLAGS="$rf" CARGO_PROFILE_RELEASE_DEBUG=true cargo build -q --offline --release) ||
  { echo "record: wordstats does not build"; exit 1; }
ws=$T/ws/target/release/wordstats
# N for about $secs seconds: a calibration run of at least 1 s (rounds
# doubled from 250 until one takes that long), so that a loaded machine's
# noise is a small part of it
cal=250
while :; do
  t0=$(date +%s.%N); "$ws" "$cal" >/dev/null; t1=$(date +%s.%N)
  long=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print (b - a >= 1) ? 1 : 0 }')
  [ "$long" = 1 ] || [ "$cal" -ge 64000 ] && break
  cal=$((cal * 2))
done
n=$(awk -v a="$t0" -v b="$t1" -v s="$secs" -v c="$cal" 'BEGIN { r = c * s / (b - a); printf "%d", r < 1 ? 1 : r }')
echo "calibration: wordstats $cal took $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }') s"
# the program between two time stamps (its start, the time it ended)
cat >"$T/prog" <<SH
#!/bin/sh
date +%s.%N >"\$STAMP.start"
"$ws" "\$@" >/dev/null
date +%s.%N >"\$STAMP"
SH
chmod +x "$T/prog"
if [ "$mode" = fp ]; then perfargs="record -F 997 --call-graph fp -g"; else perfargs="record -F 997 --call-graph dwarf,64000 -g"; fi
echo "wordstats $n (about ${secs} s), perf $perfargs"
cd "$T" || exit 1
timed() { # LABEL STAMPFILE CMD...: prints seconds end to end and after the program's exit
  label=$1 stamp=$2
  shift 2
  s=$(date +%s.%N)
  STAMP=$stamp "$@" >"$T/$label.out" 2>"$T/$label.err" || { echo "$label failed: $(tail -2 "$T/$label.err")"; return 1; }
  e=$(date +%s.%N)
  awk -v s="$s" -v e="$e" -v x="$(cat "$stamp")" -v p="$(cat "$stamp.start")" -v l="$label" \
    'BEGIN { printf "%-10s end to end %7.2f s   after the program exited %7.2f s   (the program ran %.1f s)\n", l, e - s, e - x, x - p }'
  awk -v s="$s" -v e="$e" -v x="$(cat "$stamp")" 'BEGIN { print e - s, e - x }' >"$T/$label.t"
}
timed flamekit "$T/a.stamp" "$FK" record -q --call-graph "$([ "$mode" = fp ] && echo fp || echo dwarf,64000)" \
  -o a.svg -- "$T/prog" "$n" || exit 1
timed flamegraph "$T/b.stamp" "$peer" -c "$perfargs" --post-process "tee b.folded" -o b.svg -- "$T/prog" "$n" ||
  exit 1
read -r fe fa <"$T/flamekit.t"
read -r pe pa <"$T/flamegraph.t"
awk -v fe="$fe" -v fa="$fa" -v pe="$pe" -v pa="$pa" 'BEGIN {
  printf "  ratio end to end: %.1fx   after the program exited: %.1fx (target >= 20x)\n", pe / fe, pa / fa }'
# stacks: on ONE capture (a third run, not timed, kept with --perfdata),
# flamekit's own reading against what the peer's pipeline makes of it
# (perf script | inferno-collapse-perf), compared as tests/cli/t0730 does
# (tests/cli/unwind-compare.py --names: inline names, aliases, glibc
# suffixes). Separate captures cannot be compared stack for stack.
STAMP=$T/c.stamp "$FK" record -q --perfdata "$T/c.data" \
  --call-graph "$([ "$mode" = fp ] && echo fp || echo dwarf,64000)" -o a.folded -- "$T/prog" "$n" \
  >/dev/null 2>&1
collapse=$(dirname "$peer")/inferno-collapse-perf
if [ -x "$collapse" ]; then
  # kernel frames marked on both sides and cut (alias names of one kernel
  # function differ between perf's and flamekit's kallsyms reading)
  perf script -i "$T/c.data" 2>/dev/null | "$collapse" --kernel >b.folded 2>/dev/null
  "$FK" fold -q b.folded >b.norm.folded 2>/dev/null
  "$FK" fold -q --kernel "$T/c.data" >a.norm.folded 2>/dev/null
  python3 "$top/tests/cli/unwind-compare.py" --names --cut-kernel --stopped-early \
    a.norm.folded b.norm.folded 5 >cmp.txt
  sed 1d cmp.txt | sed 's/^/  /' | cut -c1-200
  head -1 cmp.txt |
    awk 'NR == 1 { printf "  stacks that agree: %.1f%% of the weight, one capture read both ways (target >= 98%%):\n", $1 + $4
      printf "    %.1f%% the same to the root, %.1f%% where perf'"'"'s stop 1-4 frames short of the root flamekit reaches\n", $1, $4 }'
else
  echo "  stacks: skipped: no inferno-collapse-perf beside $peer"
fi
