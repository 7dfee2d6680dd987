#!/bin/sh
# Conformance with the peers (../shared/peers): flamekit fold on the peers'
# test inputs, compared as stack -> weight maps with their expected outputs,
# flamekit's names as they are. The deliberate differences (docs/formats/
# perf-script.md and dtrace.md, "Differences from the peers") are named per
# comparison below (diffs_of); compare.py fails a comparison whose named
# difference no longer shows, and this test checks that the FlameGraph suite
# is 78/78 and that every listed difference is still seen.
. "$(dirname "$0")/lib.sh"
P="$SHARED/peers"
CMP="$TOP/tests/cli/conformance/compare.py"
if [ ! -d "$P" ]; then
  skip "../shared/peers absent: no conformance tests"
  done_testing
  exit
fi
if ! command -v python3 >/dev/null 2>&1; then
  skip "python3 absent: no conformance tests"
  done_testing
  exit
fi
pass=0
total=0
fg=0
check() { # MODE EXPECTED DESC INPUT [OPTIONS...]
  mode=$1 expected=$2 desc=$3
  shift 3
  diffs=$(diffs_of "$desc")
  total=$((total + 1))
  "$FLAMEKIT" fold "$@" >"$T/got" 2>"$T/err"
  frc=$?
  # Deliberate difference (docs/flamekit-fold.md): input without a single
  # sample fails, where inferno-collapse-perf prints nothing and exits 0.
  if [ "$frc" = 1 ] && [ ! -s "$expected" ] && grep -q 'no samples' "$T/err"; then
    pass=$((pass + 1))
    _report 0 "$desc (no samples: exit 1 on purpose, peers exit 0)"
    return
  fi
  if [ "$frc" != 0 ]; then
    _report 1 "$desc (flamekit exit $frc)"
    sed 's/^/#   /' "$T/err" | head -5 >&2
    return
  fi
  cp "$T/got" "$T/got.$total"
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$mode" "$expected" "$T/got.$total" "$desc" "$diffs" "$1" \
    >>"$T/manifest"
}
compare_all() { # one python run for every comparison (its start is slow)
  [ -f "$T/manifest" ] || return
  python3 "$CMP" "$T/manifest" >"$T/results"
  while IFS= read -r l; do
    case $l in
    PASS\ flamegraph-pl\ *) pass=$((pass + 1)) fg=$((fg + 1)); _report 0 "${l#PASS }" ;;
    PASS\ *) pass=$((pass + 1)); _report 0 "${l#PASS }" ;;
    DIFF\ *) l=${l#DIFF }; echo "${l%% *}" >>"$T/seen" ;;
    FAIL\ *) _report 1 "${l#FAIL }" ;;
    *) echo "$l" >&2 ;;
    esac
  done <"$T/results"
}
# The deliberate differences, by comparison (compare.py's DIFFERENCES).
# return-type: old perf printed `oopDesc* A::copy<false>(oopDesc*)`; the
#   peers keep the return type, flamekit drops it with the parameter list.
# operator-call: inferno names `std::function<int (int, int)>::operator()`
#   `...::operator`; flamekit keeps `operator()`.
# dtrace-unscoped-params: inferno-collapse-dtrace keeps `java_start(Thread*)`
#   (names without `::`); flamekit drops every parameter list.
# dtrace-generic-cut: inferno-collapse-dtrace cuts scoped names at the last
#   `<` or `(` (`<tokio::...::PollFn<F> as Future>::poll` ->
#   `<tokio::...::PollFn`); flamekit keeps them whole.
# symbol-version: the peers keep `pthread_cond_signal@@GLIBC_2.3.2`;
#   flamekit drops the version, as its perf.data reader does.
# demangle: the peers keep what a perf without demangling printed
#   (`_ZN10JavaThread3runEv`); flamekit demangles it (`JavaThread::run`).
DIFFERENCES="return-type operator-call dtrace-unscoped-params dtrace-generic-cut symbol-version demangle"
diffs_of() { # DESC -> comma-separated deliberate differences
  case $1 in
  "flamegraph-pl perf-vertx-stacks-01-"*) echo return-type,symbol-version ;;
  "flamegraph-pl perf-java-faults-01-"*) echo demangle ;;
  "inferno collapse-perf example-perf-stacks-collapsed.txt") echo return-type ;;
  "inferno collapse-perf cpp-stacks-std-function-collapsed.txt") echo operator-call ;;
  "inferno collapse-dtrace hex-addresses.txt") echo dtrace-unscoped-params ;;
  "inferno collapse-dtrace scope_with_no_argument_list.txt") echo dtrace-unscoped-params ;;
  "inferno collapse-dtrace stack-ustack.txt") echo dtrace-generic-cut ;;
  *) echo "" ;;
  esac
}
opts_of() { # RESULT-FILE -> fold options
  case $1 in
  *-collapsed-pid.txt) echo --pid ;;
  *-collapsed-tid.txt) echo --tid ;;
  *-collapsed-kernel.txt) echo --kernel ;;
  *-collapsed-jit.txt) echo --jit ;;
  *-collapsed-all.txt) echo --all ;;
  *-collapsed-addrs.txt) echo --addrs ;;
  *) echo "" ;;
  esac
}

# FlameGraph: every test input with each option set, against results-complete.
for r in "$P"/flamegraph-pl/results-complete/perf-*-collapsed-*.txt; do
  b=${r##*/}
  in="$P/flamegraph-pl/test/${b%-collapsed-*}.txt"
  mode=perl
  case $b in perf-rust-*) mode=inferno ;; esac
  # shellcheck disable=SC2046
  check $mode "$r" "flamegraph-pl $b" "$in" $(opts_of "$b")
done

# inferno collapse-perf: its own inputs against its results.
for r in "$P"/inferno/collapse-perf/results/*-collapsed*.txt; do
  b=${r##*/}
  stem=${b%-collapsed*}
  in="$P/inferno/collapse-perf/$stem.txt"
  [ -f "$in" ] || in="$P/flamegraph-pl/test/$stem.txt"
  if [ "$stem" = example-perf-stacks ]; then
    gzip -dc "$P/flamegraph-pl/example-perf-stacks.txt.gz" >"$T/example.txt"
    in="$T/example.txt"
  fi
  # shellcheck disable=SC2046
  check inferno "$r" "inferno collapse-perf $b" "$in" $(opts_of "$b")
done

# inferno collapse-dtrace: its inputs (and FlameGraph's example) against its
# results; the offsets cases were made with --includeoffset.
D="$P/inferno/collapse-dtrace"
for r in "$D"/results/*.txt; do
  b=${r##*/}
  case $b in
  dtrace-example.txt) in="$P/flamegraph-pl/example-dtrace-stacks.txt" opt="" ;;
  dtrace-example-offsets.txt) in="$P/flamegraph-pl/example-dtrace-stacks.txt" opt=--includeoffset ;;
  flamegraph-bug.txt) in="$D/$b" opt=--includeoffset ;;
  *) in="$D/$b" opt="" ;;
  esac
  # shellcheck disable=SC2086
  check dtrace "$r" "inferno collapse-dtrace $b" "$in" $opt
done

# bpftrace: the maps of inferno's history, against the truth compare.py
# computes from each dump (its old *.orig.folded lose the `@[]: N` entries
# of empty stacks and keep indentation and offsets: docs/formats/bpftrace.md).
for in in "$P"/bpftrace/inferno-history/*.trace; do
  check bpftrace "$in" "bpftrace ${in##*/}" "$in"
done

compare_all
is "$fg" 78 "FlameGraph suite: 78/78 results-complete matched"
for d in $DIFFERENCES; do
  n=$(grep -cx "$d" "$T/seen" 2>/dev/null)
  ok "$([ "${n:-0}" -gt 0 ] && echo 0 || echo 1)" "deliberate difference $d seen (${n:-0} comparisons)"
done
echo "# conformance: $pass/$total passed"
echo "conformance with the peers: $pass/$total passed" >&2
done_testing
