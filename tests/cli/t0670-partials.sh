#!/bin/sh
# Partial results (issue 19): `fold --partial` per shard, `fold`/`graph`
# over the partials; what a merge needs travels in the partial's header.
. "$(dirname "$0")/lib.sh"
cd "$TOP" || exit 1
H=corpora/hosts

# Without --partial nothing changes: no header line at all.
run "$FLAMEKIT" fold --group-by host $H/db01/perf.txt $H/web01/perf.folded
is "$(printf '%s\n' "$out" | grep -c '^#')" 0 "fold without --partial writes no header"

run "$FLAMEKIT" fold --partial --group-by host $H/db01/perf.txt -o "$T/db01.folded"
is $rc 0 "fold --partial"
is "$(head -n 1 "$T/db01.folded")" "# flamekit-partial version=1 unit=nanoseconds event=cpu-clock" \
  "the header names the unit and the event"
like "^# flamekit-input name=$H/db01/perf.txt path=$H/db01/perf.txt reader=perf-script host=db01 event=cpu-clock period=1 samples=[0-9]+ total=[0-9]+$" \
  "$(sed -n 3p "$T/db01.folded")" "and each input's facts"
# flamegraph.pl takes any line ending in a space and a number for a stack.
is "$(grep '^#' "$T/db01.folded" | grep -Ec '[[:space:]][0-9]+(\.[0-9]*)?$')" 0 \
  "no header line ends like a stack line"
is "$(grep -v '^#' "$T/db01.folded")" "$("$FLAMEKIT" fold --group-by host $H/db01/perf.txt)" \
  "the stacks are those of fold without --partial"

# The weight unit travels: a graph of the partial is in nanoseconds, not samples.
run "$FLAMEKIT" graph "$T/db01.folded" -o "$T/db01.json"
like '"unit":"nanoseconds"' "$(head -c 300 "$T/db01.json")" "graph of a partial: the unit of the original"
like '"path":"corpora/hosts/db01/perf.txt"' "$(cat "$T/db01.json")" "and its inputs are the original inputs"

# Skips travel: counts, messages and the exit code under --strict.
printf 'a;b 1\nnot a stack\nx 12V\n' >"$T/bad.txt"
run "$FLAMEKIT" fold --partial "$T/bad.txt" $H/web01/perf.folded -o "$T/bad.folded"
like "^# flamekit-skip message=$T/bad.txt:2:%20not%20a%20folded%20stack%20line$" \
  "$(grep flamekit-skip "$T/bad.folded" | head -n 1)" "a skipped line travels, with file and line"
like "^# flamekit-skipped items=2 weight=0$" "$(grep flamekit-skipped "$T/bad.folded")" "and the count"
run "$FLAMEKIT" fold "$T/db01.folded" "$T/bad.folded"
is $rc 0 "merging partials with skips: exit 0"
like "bad.txt:3: not a folded stack line" "$err" "the merge reports the shard's skips where they were"
like "skipped 2 items in all; --strict makes this fail" "$err" "and counts them"
run "$FLAMEKIT" fold --strict "$T/db01.folded" "$T/bad.folded"
is $rc 1 "--strict: a shard's skip fails the merge"

# Decimal weights stay exact through partials.
printf 'a;b 0.1\n' >"$T/d1.txt"
printf 'a;b 0.2\na;c 2.567\n' >"$T/d2.txt"
"$FLAMEKIT" fold --partial "$T/d1.txt" -o "$T/d1.folded" 2>/dev/null
"$FLAMEKIT" fold --partial "$T/d2.txt" -o "$T/d2.folded" 2>/dev/null
is "$("$FLAMEKIT" fold "$T/d1.folded" "$T/d2.folded" 2>&1)" "a;b 0.3
a;c 2.567" "decimal weights merge exactly"

# diff of partials equals diff of what they were made from.
"$FLAMEKIT" fold -q --partial corpora/demo/web1.perf.txt -o "$T/before.folded"
"$FLAMEKIT" fold -q --partial corpora/demo/web2.perf.txt -o "$T/after.folded"
"$FLAMEKIT" diff corpora/demo/web1.perf.txt corpora/demo/web2.perf.txt \
  -o "$T/d1.json" -o "$T/d1.svg" -o "$T/d1.diff.folded" >"$T/d1.out" 2>&1
"$FLAMEKIT" diff "$T/before.folded" "$T/after.folded" \
  -o "$T/d2.json" -o "$T/d2.svg" -o "$T/d2.diff.folded" >"$T/d2.out" 2>&1
for x in json svg diff.folded out; do
  ok "$(cmp -s "$T/d1.$x" "$T/d2.$x"; echo $?)" "diff of two partials: the same $x as diff of their inputs"
done

# Partials in a (nested) archive, read by one thread or two: the same run.
"$FLAMEKIT" fold -q --partial --group-by host $H/db01/perf.txt $H/web01/perf.txt -o "$T/q1.folded"
"$FLAMEKIT" fold -q --partial --group-by host $H/db02/perf.txt $H/README.md -o "$T/q2.folded" 2>/dev/null
(cd "$T" && tar cf qq.tar q1.folded q2.folded && tar cf nested.tar qq.tar)
"$FLAMEKIT" fold -q --group-by host $H/db01/perf.txt $H/web01/perf.txt $H/db02/perf.txt $H/README.md \
  -o "$T/w.json" -o "$T/w.folded" 2>"$T/w.err"
for j in 1 2; do
  "$FLAMEKIT" fold -q -j $j "$T/nested.tar" -o "$T/t.json" -o "$T/t.folded" 2>"$T/t.err"
  ok "$(cmp -s "$T/t.json" "$T/w.json" && cmp -s "$T/t.folded" "$T/w.folded" &&
    cmp -s "$T/t.err" "$T/w.err"; echo $?)" "partials in a nested archive, -j $j: the one run's outputs and messages"
done

# cat of partials is a partial too (several headers in one input).
cat "$T/db01.folded" "$T/bad.folded" >"$T/cat.folded"
is "$("$FLAMEKIT" fold "$T/cat.folded" -o "$T/cat.json" 2>&1; cat "$T/cat.json" | grep -c bad.txt)" \
  "$("$FLAMEKIT" fold "$T/db01.folded" "$T/bad.folded" -o "$T/two.json" 2>&1; grep -c bad.txt "$T/two.json")" \
  "partials concatenated read as the partials one by one"

# A damaged header: reported where it is, the stacks still read.
printf '# flamekit-partial version=1 unit=samples\n# flamekit-input name=x samples=zz total=1\na;b 3\n' >"$T/dam.folded"
run "$FLAMEKIT" fold "$T/dam.folded"
is "$out" "a;b 3" "a damaged header loses no stack"
like "dam.folded:2: not a partial header line \(flamekit-input\)" "$err" "and says which line"
printf '# flamekit-partial version=9 unit=cycles\na;b 3\n' >"$T/v9.folded"
run "$FLAMEKIT" fold "$T/v9.folded" -o "$T/v9.json"
like "a partial of version 9 \(this flamekit reads 1\): its header is ignored" "$err" \
  "a partial of a later version: a note, read as plain folded stacks"
like '"unit":"samples"' "$(head -c 300 "$T/v9.json")" "without its unit"
printf '# flamekit-partial version=1 unit=samples\n# flamekit-arg path=a%%2\na;b 3\n' >"$T/esc.folded"
run "$FLAMEKIT" fold "$T/esc.folded"
like "esc.folded:2: not a partial header line" "$err" "a cut %-escape is a damaged line"

# Peers read partials as plain folded stacks.
B="$SHARED/peers/bin"
if [ -x "$B/inferno-flamegraph" ]; then
  "$B/inferno-flamegraph" "$T/bad.folded" >"$T/inferno-p.svg" 2>"$T/inferno-p.err"
  "$FLAMEKIT" fold "$T/bad.folded" 2>/dev/null | "$B/inferno-flamegraph" >"$T/inferno-f.svg" 2>/dev/null
  ok "$(cmp -s "$T/inferno-p.svg" "$T/inferno-f.svg"; echo $?)" \
    "inferno-flamegraph draws a partial as the same stacks without header"
  is "$(cat "$T/inferno-p.err")" "" "and says nothing of the header"
else
  skip "no $B/inferno-flamegraph (../shared/peers): peer check not run"
  skip "no inferno-flamegraph"
fi

# The property: random splits of the real corpora, merged in random
# bracketings, equal one run byte for byte; other orders give the same stacks.
mkdir -p "$T/prop"
run python3 "$TOP/tests/cli/partials-prop.py" "$FLAMEKIT" "$T/prop" 10 \
  $H/db01/perf.txt $H/README.md $H/web01/perf.folded corpora/perf-script/*.txt \
  corpora/bpftrace/*.txt corpora/demo/web1.perf.txt $H/web02/perf.txt $H/db02/perf.folded \
  corpora/perf-script/README.md $H/db02/perf.txt $H/web02/perf.folded
is $rc 0 "random splits: associative and commutative (fold, graph: folded, SVG, JSON, stderr, exit)"
[ $rc = 0 ] || printf '%s\n' "$out" | head -n 20 | sed 's/^/# /' >&2
like "^checked [0-9]+" "$out" "the property was checked"
done_testing
