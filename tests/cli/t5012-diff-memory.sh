#!/bin/sh
# flamekit diff holds no more than its two sides (issue 18): on a generated
# pair of profiles of distinct stacks (the shape of tests/bench/shape.sh's
# diff row, smaller), the peak memory of `diff A B` stays within that of
# `fold A` and `fold B` together (each side is read into its tree, each is
# made one profile in place, and BEFORE is freed as it is moved into the
# diff), and within a generous multiple of the inputs' size. Before, the two
# sides were copied twice each (split, merge) and the peak was three times
# the folds' and 15 times the inputs'; with a total and a self weight
# stored a node and column, and the finish writing zeros over the column
# a side has no weight in, 4.9 times the inputs (the bench's 400k-stack
# pair: 4.2); with one number a node and column, untouched where zero,
# 3.4 (the bench's pair: 2.9). Skipped under the sanitizers, whose
# own memory is the most of any peak, and without /usr/bin/time (Debian's
# "time" package, in tests/deps.sh).
. "$(dirname "$0")/lib.sh"
# SEED: 30,000 stacks of 9 to 32 frames over 2,000 names (their offsets are
# stripped, as by default), nearly all distinct: the bench's generator.
gen() {
  awk -v seed="$1" 'BEGIN {
    srand(seed)
    for (i = 0; i < 30000; i++) {
      d = 8 + int(rand() * 24); s = "main"
      for (k = 0; k < d; k++) s = s ";fn_" int(rand() * rand() * 2000) "+0x" sprintf("%x", int(rand() * 4096))
      print s, 1 + int(rand() * 100)
    }
  }'
}
gen 1 >"$T/before.folded"
gen 2 >"$T/after.folded"
# KB of peak resident memory of CMD... (its output to $T/o, kept)
peak() {
  /usr/bin/time -f %M -o "$T/time" "$@" >"$T/o" 2>"$T/e"
  rc=$?
  tail -1 "$T/time"
}
run "$FLAMEKIT" diff "$T/before.folded" "$T/after.folded"
is "$rc" 0 "diff of two 30,000-stack profiles exits 0"
want=$(cat "$T/before.folded" "$T/after.folded" | cut -d' ' -f1 | sed 's/+0x[0-9a-f]*//g' |
  sort -u | wc -l)
is "$(printf '%s\n' "$out" | wc -l)" "$want" "one line per distinct stack of either side"
is "$(printf '%s\n' "$out" | awk '{b += $(NF-1); a += $NF} END {print b, a}')" \
  "$(awk '{s += $NF} END {printf "%d ", s}' "$T/before.folded")$(awk '{s += $NF} END {print s}' "$T/after.folded")" \
  "each column sums to its side's total"
if [ -n "${ASAN_OPTIONS:-}${UBSAN_OPTIONS:-}" ] || [ ! -x /usr/bin/time ]; then
  skip "peak memory: under the sanitizers or without /usr/bin/time"
  skip "peak memory against the inputs"
  skip "peak memory of a node's weights"
else
  kb_diff=$(peak "$FLAMEKIT" diff "$T/before.folded" "$T/after.folded" -o "$T/d.svg")
  is "$rc" 0 "diff to an SVG exits 0"
  kb_a=$(peak "$FLAMEKIT" fold "$T/before.folded" -o "$T/a.folded")
  kb_b=$(peak "$FLAMEKIT" fold "$T/after.folded" -o "$T/b.folded")
  inputs=$((($(wc -c <"$T/before.folded") + $(wc -c <"$T/after.folded")) / 1024))
  echo "# peak KB: diff $kb_diff, fold A $kb_a, fold B $kb_b; inputs $inputs KB"
  ok "$([ $((kb_diff * 100)) -le $(((kb_a + kb_b) * 125)) ] && echo 0 || echo 1)" \
    "peak of diff ($kb_diff KB) within 1.25x the two folds' ($kb_a + $kb_b KB)"
  ok "$([ "$kb_diff" -le $((inputs * 9)) ] && echo 0 || echo 1)" \
    "peak of diff ($kb_diff KB) within 9x the two inputs ($inputs KB)"
  ok "$([ "$kb_diff" -le $((inputs * 4)) ] && echo 0 || echo 1)" \
    "peak of diff ($kb_diff KB) within 4x the two inputs ($inputs KB): one weight a node and column"
fi
done_testing
