#!/bin/sh
# Runs every libFuzzer target of build-fuzz/ for SECONDS each, JOBS at a time,
# from a copy of its seeds (tests/fuzz/corpus/NAME/), and prints a line per
# target: runs, executions per second, and whether it found anything. A
# crasher is copied to tests/fuzz/regress/NAME/ so that `make check` replays it
# from then on. Usage: run.sh [SECONDS] [JOBS] [NAME...]   (make fuzz-run)
secs=${1:-600}
jobs=${2:-2}
shift 2 2>/dev/null || shift $#
top=$(cd "$(dirname "$0")/../.." && pwd)
work="$top/build-fuzz/work"
mkdir -p "$work"
names="$*"
[ -n "$names" ] || names=$(for b in "$top"/build-fuzz/fuzz-*; do n=${b##*/fuzz-}; echo "$n"; done)
one() { # NAME
  name=$1
  rm -rf "$work/$name" && mkdir -p "$work/$name/corpus" "$work/$name/artifacts"
  [ -d "$top/tests/fuzz/corpus/$name" ] && cp -r "$top/tests/fuzz/corpus/$name/." "$work/$name/corpus/"
  "$top/build-fuzz/fuzz-$name" -max_total_time="$secs" -timeout=20 -rss_limit_mb=2048 \
    -artifact_prefix="$work/$name/artifacts/" -print_final_stats=1 \
    "$work/$name/corpus" >"$work/$name/log" 2>&1
  rc=$?
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$work/$name/log" | grep -o '[0-9]*$')
  speed=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$work/$name/log" | grep -o '[0-9]*$')
  found=$(ls "$work/$name/artifacts" | wc -l)
  if [ "$found" -gt 0 ]; then
    mkdir -p "$top/tests/fuzz/regress/$name"
    cp "$work/$name/artifacts/"* "$top/tests/fuzz/regress/$name/"
  fi
  echo "fuzz $name: ${secs} s, ${runs:-?} runs (${speed:-?}/s), exit $rc, $found finding(s)"
}
running=0
for n in $names; do
  one "$n" &
  running=$((running + 1))
  if [ "$running" -ge "$jobs" ]; then
    wait
    running=0
  fi
done
wait
