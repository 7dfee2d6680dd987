#!/bin/sh
# flamekit diff over repeated runs, on folded runs written here with known
# values, so that every number can be checked by hand: the three ways to give
# runs (a directory, an archive, BEFORE... -- AFTER...), the verdict table,
# --fail-on, --fail-on-total, -n, --test, --min-samples, one run a side, and
# the usage errors. (t5010 does the same on real perf captures.)
. "$(dirname "$0")/lib.sh"
mkdir -p "$T/before" "$T/after"
# a: 100 +- 2 before, 15% more after; b: 500 both sides, a little noise; c:
# 25 and 26, too noisy to decide; tiny: 3 samples a run, after only
set -- 100 20 102 30 98 25 101 22 99 28
for b in 500 501 499 500 500; do
  printf 'main;a %s\nmain;b %s\nmain;c %s\n' "$1" "$b" "$2" >"$T/before/run$b-$1.folded"
  shift 2
done
set -- 115 22 117 31 113 27 116 21 114 29
for b in 500 499 501 500 500; do
  printf 'main;a %s\nmain;b %s\nmain;c %s\nmain;tiny 3\n' "$1" "$b" "$2" >"$T/after/run$b-$1.folded"
  shift 2
done

# Welch by hand for a: means 100 and 115, variances 2.5 and 2.5, se = 1, t =
# 15, df = 8, t(0.975; 8) = 2.306: change +15%, interval +15 -+ 2.306 (%).
run "$FLAMEKIT" diff "$T/before" "$T/after"
is "$rc" 3 "a directory of runs a side: a is slower, exit 3"
like '^# 5 runs before, 5 after; Welch.s t test of the weight per run \(samples\); Benjamini-Hochberg q <= 0.05; floor 2%' \
  "$out" "the header says the runs, the test, the unit, q and the floor"
like 'slower +self +100.00 +115.00 +\+15.00% \[\+12.69%, \+17.31%\] +<0.0001 a$' "$out" \
  "a: self slower, +15%, the interval by hand"
like 'slower +total +100.00 +115.00 +\+15.00% \[\+12.69%, \+17.31%\] +<0.0001 a$' "$out" \
  "a: inclusive slower"
like 'unchanged +(self|total) +500.00 +500.00 +\+0.00% \[-0.2[0-9]%, \+0.2[0-9]%\] +1.0000 b$' "$out" \
  "b: unchanged (interval within the floor), not flagged because a grew"
like '# 1 functions below 10 samples a run \(--min-samples\) not tested: inconclusive' "$out" \
  "tiny (3 samples a run) is not tested, and the table says so"
like 'regression: a is slower: (self|inclusive) weight \+15.00%' "$err" "the regression is named on stderr"
printf '%s\n' "$out" | sed -n '3,$p' | grep -v '^#' | grep -v '\[total\]' | awk '{print $NF}' >"$T/order"
is "$(sed -n 1p "$T/order")" "a" "most significant first"

# the same runs as an archive a side, and as repeated inputs
(cd "$T/before" && tar cf "$T/before.tar" ./*.folded)
(cd "$T/after" && tar czf "$T/after.tgz" ./*.folded)
run "$FLAMEKIT" diff "$T/before.tar" "$T/after.tgz"
is "$rc" 3 "archives: each member one run, the same verdict"
like 'slower +self .* a$' "$out" "archives: a slower"
like '^# 5 runs before, 5 after' "$out" "archives: 5 runs a side"
run "$FLAMEKIT" diff -o "$T/v.json" -o "$T/v.csv" "$T"/before/*.folded -- "$T"/after/*.folded
is "$rc" 3 "BEFORE... -- AFTER...: the same verdict"
like 'slower +self .* a$' "$out" "BEFORE... -- AFTER...: the table beside -o files"
like '"before":\{"runs":5,"inputs":\[".*run500-100.folded"' "$(cat "$T/v.json")" "the JSON names every run's input"
like '"name":"a","verdict":"slower"' "$(cat "$T/v.json")" "the JSON: a slower"
like '"name":"b","verdict":"unchanged"' "$(cat "$T/v.json")" "the JSON: b unchanged"
is "$(head -1 "$T/v.csv" | tr -d '\r' | cut -d, -f1-8)" \
  "rank,kind,function,verdict,self_verdict,self_before_samples,self_after_samples,self_change_pct" \
  "the CSV header"
like '^[0-9]+,function,a,slower,slower,100,115,15.0000,12.6' "$(grep ',a,' "$T/v.csv")" "the CSV row of a"
if python3 -c 'import jsonschema' 2>/dev/null; then
  python3 -c '
import json, sys, jsonschema
jsonschema.validate(json.load(open(sys.argv[2])), json.load(open(sys.argv[1])))' \
    "$TOP/docs/flamekit-verdict.schema.json" "$T/v.json" >"$T/check" 2>&1
  ok $? "the verdict JSON validates against its schema"
  sed 's/"format_version":1/"format_version":2/' "$T/v.json" >"$T/bad.json"
  python3 -c '
import json, sys, jsonschema
jsonschema.validate(json.load(open(sys.argv[2])), json.load(open(sys.argv[1])))' \
    "$TOP/docs/flamekit-verdict.schema.json" "$T/bad.json" >"$T/check-bad" 2>&1
  is $? 1 "the schema is strict: another version fails"
else
  skip "python3-jsonschema absent: verdict schema validation"
  skip "python3-jsonschema absent: verdict schema validation"
fi

# what counts for the exit code
run "$FLAMEKIT" diff --fail-on '^b$' "$T/before" "$T/after"
is "$rc" 0 "--fail-on '^b$': a is slower but not matched, exit 0"
run "$FLAMEKIT" diff --fail-on '^a$' "$T/before" "$T/after"
is "$rc" 3 "--fail-on '^a$': exit 3"
# the total: 625 -> 644 (+3.04%): slower at the 2% floor, not at 4%
run "$FLAMEKIT" diff --fail-on-total "$T/before" "$T/after"
is "$rc" 3 "--fail-on-total: the total is 3% slower"
like 'regression: the total is slower' "$err" "--fail-on-total: said on stderr"
run "$FLAMEKIT" diff --fail-on-total --min-change 4 "$T/before" "$T/after"
is "$rc" 0 "--fail-on-total --min-change 4: the total's 3% is below the floor"
# -n compares shares: b's share fell (500/625 -> 500/644)
run "$FLAMEKIT" diff -n "$T/before" "$T/after"
like 'faster +(self|total) +80.0[0-9]+% +77.6[0-9]+% .* b$' "$out" "-n: b's share is smaller: faster"
# the rank test: 5 against 5 completely apart, p = 2/252
run "$FLAMEKIT" diff --test mann-whitney -o "$T/mw.json" "$T/before" "$T/after"
like '^# 5 runs before, 5 after; Mann-Whitney U test' "$out" "--test mann-whitney: said in the header"
like '"name":"a","verdict":"slower","self":\{"verdict":"slower","tested":true,"before":100,"after":115,"change_pct":15,"interval_pct":\[[0-9.]+,[0-9.]+\],"p":0.00793651' \
  "$(cat "$T/mw.json")" "--test mann-whitney: a's p is 2/252"
run "$FLAMEKIT" diff --min-samples 1 "$T/before" "$T/after"
like 'tiny$' "$out" "--min-samples 1: tiny is tested"
like '"name":"c","verdict":"inconclusive","self":\{"verdict":"inconclusive","tested":true,.*"runs_needed":[0-9]+' \
  "$(cat "$T/v.json")" "c: inconclusive, with how many runs would decide"
run "$FLAMEKIT" diff "$T/before" "$T/after"
like 'inconclusive \(~[0-9]+ runs\) +self .* c$' "$out" "the table says it too"

# one run a side: today's comparison, and a note when a verdict was asked for
run "$FLAMEKIT" diff "$T/before/run500-100.folded" "$T/after/run500-115.folded"
is "$rc" 0 "one run a side: exit 0"
is "$out" "$(printf 'main;a 100 115\nmain;b 500 500\nmain;c 20 22\nmain;tiny 0 3')" "one run a side: the folded diff as before"
is "$err" "" "one run a side, no verdict option: nothing on stderr"
run "$FLAMEKIT" diff --fail-on-total "$T/before/run500-100.folded" "$T/after/run500-115.folded"
like 'no statistics possible: 1 run before, 1 after' "$err" "one run a side with a verdict option: no statistics possible"
run "$FLAMEKIT" diff "$T/before/run500-100.folded" "$T/after"
like 'no statistics possible: 1 run before, 5 after' "$err" "one run against five: no statistics possible"
is "$rc" 0 "one run against five: the merged comparison, exit 0"

# usage
run "$FLAMEKIT" diff --fdr 0 "$T/before" "$T/after"
is "$rc" 2 "--fdr 0 is a usage error"
like "^flamekit: diff: --fdr takes a number above 0 and at most 1" "$err" "--fdr: the message"
run "$FLAMEKIT" diff --test anova "$T/before" "$T/after"
is "$rc" 2 "--test anova is a usage error"
run "$FLAMEKIT" diff --fail-on '(' "$T/before" "$T/after"
is "$rc" 2 "--fail-on with a bad regex is a usage error"
run "$FLAMEKIT" diff "$T/before" --
is "$rc" 2 "nothing after -- is a usage error"
like "expected inputs on both sides of '--'" "$err" "the message says what is missing"
run "$FLAMEKIT" diff --min-change -1 "$T/before" "$T/after"
is "$rc" 2 "--min-change -1 is a usage error"
done_testing
