#!/bin/sh
# flamekit diff over repeated runs (docs/statistics.md), on real captures made here:
# diff-runs/phases.c (three CPU-bound phases of known cost, frame pointers)
# recorded with `perf record -F 999 -g`, 105 runs of about 0.3 s each, once:
#   - A/B, 5 runs a side, phase_b 50% longer: phase_b slower (self and
#     inclusive), exit 3; phase_a and phase_c not flagged at --fdr 0.001;
#   - the same with 3 runs a side at --fdr 0.001: phase_b slower or
#     inconclusive, never faster, phase_a and phase_c never slower;
#   - A/A over 10 disjoint sets of 5 + 5 runs of the same build: the observed
#     false-positive rate, printed and bounded (docs/statistics.md).
# A and B runs are recorded interleaved, and each A/A set alternates its two
# sides, so that the machine's drift (a shared VM) hits both sides alike.
# Why phase_b is 50% longer, not 15%: this is a shared VM, whose host takes
# the vCPU away in bursts that the guest's cpu-clock still counts, so a
# phase's per-run weight varies by 3-5% on a quiet day and by 7% or more on
# a bad one. 15% is found in 5 + 5 runs on the first (docs/statistics.md),
# but in one CI run the 5 + 5 runs measured it as +8% +-6.5% (q 0.15); a CI
# check needs a change that noise cannot hide, and 50% stays significant at
# several times that noise.
# Why phase_a and phase_c are checked at --fdr 0.001, not at the default 0.05:
# they did not change, so any flag on them is a false positive, and at 0.05 a
# single A/B comparison flags one by chance in about 5-8% of recordings here
# (measured: 3 of 40 random 5+5 draws from 10+10 interleaved runs; once in
# CI). That is the test working as documented, not a bug, and a CI check
# cannot assert it. BH at q 0.001 lets a null through with p <= 0.001 (k+1)/m
# at most, so the assertion fails by chance in well under 1% of recordings;
# the default level's false-positive rate is what the A/A part measures.
# Skipped when perf or a compiler is missing or perf may not record.
. "$(dirname "$0")/lib.sh"
D="$TOP/tests/cli/diff-runs"
PY=python3
UNIT=${FK_PHASES_UNIT:-60000000} # about 65 ms a phase here
rec() { # OUT ARGS...: one run
  out=$1
  shift
  perf record -q -N -B --no-bpf-event -F 999 -g -o "$out" "$T/phases" "$@" >>"$T/perf.log" 2>&1
}
if ! command -v perf >/dev/null 2>&1 || ! command -v cc >/dev/null 2>&1; then
  skip "perf or cc absent: repeated-run verdicts on real captures"
  done_testing
  exit
fi
cc -O1 -g -fno-omit-frame-pointer -fno-inline -o "$T/phases" "$D/phases.c"
if ! rec "$T/probe.data" 1000; then
  skip "perf record cannot record here (perf_event_paranoid?): repeated-run verdicts"
  done_testing
  exit
fi
mkdir -p "$T/a" "$T/b"
i=1
while [ $i -le 5 ]; do
  rec "$T/a/$i.data" "$UNIT" 100
  rec "$T/b/$i.data" "$UNIT" 150
  i=$((i + 1))
done
while [ $i -le 100 ]; do
  rec "$T/a/$i.data" "$UNIT" 100
  i=$((i + 1))
done
ls "$T/a" | wc -l >"$T/count"
is "$(cat "$T/count")" 100 "100 A runs recorded"

# A/B, 5 runs a side: a directory of captures against an archive of them
mkdir -p "$T/ab/before"
for i in 1 2 3 4 5; do cp "$T/a/$i.data" "$T/ab/before/$i.data"; done
(cd "$T/b" && tar cf "$T/ab/after.tar" 1.data 2.data 3.data 4.data 5.data)
run "$FLAMEKIT" diff -o "$T/ab.json" -o "$T/ab.csv" -o "$T/ab.svg" "$T/ab/before" "$T/ab/after.tar"
is "$rc" 3 "A/B 5+5: exit 3"
like 'regression: phase_b is slower' "$err" "A/B 5+5: phase_b named on stderr"
like '^# 5 runs before, 5 after' "$out" "A/B 5+5: the table on stdout says the runs"
like "slower +self .* phase_b" "$out" "A/B 5+5: the table shows phase_b's self weight slower"
"$PY" "$D/verdicts.py" "$T/ab.json" phase_a phase_b phase_c >"$T/v" 2>&1
is "$(grep phase_b "$T/v")" "phase_b slower slower slower" "A/B 5+5: phase_b slower, self and inclusive"
cat "$T/v" | sed 's/^/# /'
run "$FLAMEKIT" diff -q --fdr 0.001 -o "$T/ab-strict.json" "$T/ab/before" "$T/ab/after.tar"
"$PY" "$D/verdicts.py" "$T/ab-strict.json" phase_a phase_b phase_c >"$T/vs" 2>&1
sed 's/^/# --fdr 0.001: /' "$T/vs"
is "$(grep -E 'phase_[ac]' "$T/vs" | grep -cE 'slower|faster')" 0 "A/B 5+5: phase_a and phase_c not flagged at --fdr 0.001"
is "$(sed -n 2p "$T/ab.csv" | cut -d, -f1-2)" "0,total" "A/B: the CSV starts with the total"
like "^[0-9]+,function,phase_b,slower,slower," "$(grep ",phase_b," "$T/ab.csv")" "A/B: the CSV says phase_b slower, self slower"
# the graph: phase_b coloured, its siblings grey, a legend
fill_of() { grep -o "<title>$1 ([^<]*</title><rect [^>]*" "$T/ab.svg" | sed -n 's/.* fill="\([^"]*\)".*/\1/p' | head -1; }
# grey exactly where the verdict (at the default level, the graph's) is not significant
want_fill() { # NAME: "grey" when its verdict in ab.json is not slower/faster, else "colour"
  case "$(grep "^$1 " "$T/v" | cut -d' ' -f2)" in
  slower | faster) echo colour ;;
  *) echo grey ;;
  esac
}
got_fill() { [ "$(fill_of "$1")" = "#c8c8c8" ] && echo grey || echo colour; }
is "$(got_fill phase_a) $(got_fill phase_c)" "$(want_fill phase_a) $(want_fill phase_c)" \
  "A/B: the graph draws phase_a and phase_c grey exactly where not significant"
like '^#ff' "$(fill_of phase_b)" "A/B: the graph draws phase_b red (slower)"
like 'id="legend".*slower.*faster.*significantly.*not significant' "$(cat "$T/ab.svg")" "A/B: the graph's legend names significance"
like '5 runs before: .*5 runs after: .*Welch' "$(cat "$T/ab.svg")" "A/B: the graph's second legend line says the runs and the test"
if "$PY" -c 'import jsonschema' 2>/dev/null; then
  "$PY" -c '
import json, sys, jsonschema
jsonschema.validate(json.load(open(sys.argv[2])), json.load(open(sys.argv[1])))' \
    "$TOP/docs/flamekit-verdict.schema.json" "$T/ab.json" >"$T/check" 2>&1
  ok $? "A/B: the verdict JSON validates against docs/flamekit-verdict.schema.json"
else
  skip "python3-jsonschema absent: verdict schema validation"
fi

# 3 runs a side, repeated inputs: BEFORE... -- AFTER...
run "$FLAMEKIT" diff --fdr 0.001 -o "$T/ab3.json" "$T/a/1.data" "$T/a/2.data" "$T/a/3.data" -- \
  "$T/b/1.data" "$T/b/2.data" "$T/b/3.data"
"$PY" "$D/verdicts.py" "$T/ab3.json" phase_a phase_b phase_c >"$T/v3" 2>&1
sed 's/^/# 3+3: /' "$T/v3"
like '^phase_b (slower|inconclusive) ' "$(grep phase_b "$T/v3")" "A/B 3+3: phase_b slower or inconclusive"
is "$(grep -c faster "$T/v3")" 0 "A/B 3+3: nothing in the wrong direction (faster)"
is "$(grep -E 'phase_[ac]' "$T/v3" | grep -c slower)" 0 "A/B 3+3: phase_a and phase_c not slower"

# A/A: 10 disjoint sets of 10 runs, odd runs before, even after
sets=0
flagged_sets=0
slower_sets=0
flagged=0
k=0
while [ $k -lt 10 ]; do
  mkdir -p "$T/aa$k/before" "$T/aa$k/after"
  j=1
  while [ $j -le 10 ]; do
    side=before
    [ $((j % 2)) = 0 ] && side=after
    ln -s "$T/a/$((k * 10 + j)).data" "$T/aa$k/$side/$j.data"
    j=$((j + 1))
  done
  "$FLAMEKIT" diff -q -o "$T/aa$k.json" "$T/aa$k/before" "$T/aa$k/after" >"$T/aa$k.out" 2>"$T/aa$k.err"
  echo $? >"$T/aa$k.rc"
  "$PY" "$D/verdicts.py" "$T/aa$k.json" >"$T/aa$k.v"
  n=$(sed -n 's/^flagged //p' "$T/aa$k.v")
  sets=$((sets + 1))
  flagged=$((flagged + n))
  [ "$n" -gt 0 ] && flagged_sets=$((flagged_sets + 1))
  # exit 3 says a function is slower; a set flagged only faster exits 0
  [ "$(awk '$2 == "slower"' "$T/aa$k.v" | wc -l)" -gt 0 ] && slower_sets=$((slower_sets + 1))
  [ "$n" -gt 0 ] && sed "s/^/# A\/A set $k: /" "$T/aa$k.out"
  k=$((k + 1))
done
msg="A/A false positives: $flagged_sets of $sets sets had a function flagged ($flagged functions in all)"
echo "# $msg"
echo "# $msg" >&2 # shown by prove too
is "$sets" 10 "A/A: 10 disjoint sets compared"
# BH at q 0.05 allows a set with a flag 5% of the time (every null true):
# 3 or more of 10 would happen by chance with probability 0.1%.
ok "$([ "$flagged_sets" -le 2 ] && echo 0 || echo 1)" "A/A: at most 2 of 10 sets flagged (observed: $flagged_sets)"
is "$(cat "$T"/aa*.rc | grep -c 3)" "$slower_sets" "A/A: exit 3 exactly where a function was flagged slower"
done_testing
