#!/bin/sh
# flamekit record reads perf's pipe-mode stream while the command runs
# (docs/flamekit-record.md, "How it works"): what it draws is what reading
# the kept capture afterwards gives; the command keeps its standard output;
# a command killed by a signal, a stop by SIGINT and perf failing at start
# each end as the page says, leaving no files behind.
. "$(dirname "$0")/lib.sh"
mkdir -p "$T/tmp" && export TMPDIR="$T/tmp"

if ! command -v perf >/dev/null 2>&1 || ! perf record -q -o "$T/probe.data" true >/dev/null 2>&1; then
  skip "perf cannot record here (not installed, or not allowed): the stream is not tested"
  done_testing
  exit
fi
rm -f "$T/probe.data"
cc -O1 -g -fno-omit-frame-pointer -o "$T/spin" -x c - <<'C'
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
static volatile double sink;
__attribute__((noinline)) static void work(long n) {
  double s = 0;
  for (long i = 0; i < n; i++) s += (double)i * 0.5;
  sink = s;
}
int main(int argc, char **argv) {
  work(argc > 1 ? atol(argv[1]) : 100000000);
  printf("spin done\n");
  if (argc > 2) raise(atoi(argv[2]));
  return 0;
}
C

# The stream is what is read: the kept capture is perf's pipe mode, and
# reading it afterwards gives the same stacks as the run drew, in both
# call-graph modes.
for mode in fp dwarf; do
  run "$FLAMEKIT" record -q --call-graph $mode --perfdata "$T/$mode.data" -o "$T/$mode.folded" \
    -- "$T/spin" 100000000
  is "$rc" 0 "$mode: recorded"
  like "pipe mode" "$("$FLAMEKIT" info "$T/$mode.data" 2>&1)" "$mode: the kept capture is the stream (pipe mode)"
  "$FLAMEKIT" fold -q "$T/$mode.data" >"$T/$mode.after.folded" 2>"$T/$mode.after.err"
  ok "$(cmp -s "$T/$mode.folded" "$T/$mode.after.folded" && echo 0 || echo 1)" \
    "$mode: drawn while recorded = the kept capture read afterwards"
  like "^spin;.*work [0-9]+" "$(cat "$T/$mode.folded")" "$mode: the work function is drawn"
done
# -v shows perf writing to its standard output
run "$FLAMEKIT" record -v --call-graph fp -o "$T/v.folded" -- "$T/spin" 1000000
like "running .*perf record .* -o - " "$err" "-v: perf record -o - (pipe mode)"

# The command's standard output is still flamekit's (perf's pipe mode
# would give it standard error).
"$FLAMEKIT" record -q --call-graph fp -o "$T/out.folded" -- "$T/spin" 10000000 >"$T/out" 2>"$T/out.err"
is "$?:$(cat "$T/out")" "0:spin done" "the command's standard output is flamekit's"
ok "$(grep -q 'spin done' "$T/out.err" && echo 1 || echo 0)" "and not on standard error"

# A command killed by a signal: drawn, the status said, exit 1.
run "$FLAMEKIT" record -q --call-graph fp -o "$T/kill.folded" -- "$T/spin" 100000000 9
is "$rc" 1 "a command killed by SIGKILL: exit 1"
like "spin exited with status 137 \(through perf\); drawn anyway" "$err" "killed: the status is said"
like "^spin;.*work [0-9]+" "$(cat "$T/kill.folded")" "killed: its stacks are drawn"

# SIGINT during the stream: perf stops, the graph and the kept capture
# hold the same samples.
"$FLAMEKIT" record -q --call-graph fp --perfdata "$T/int.data" -o "$T/int.folded" \
  -- "$T/spin" 100000000000 >/dev/null 2>"$T/int.err" &
fk=$!
for _i in $(seq 100); do # once spin runs under perf (a loaded machine starts slowly)
  _perf=$(pgrep -P $fk -x perf | head -1)
  [ -n "$_perf" ] && pgrep -P "$_perf" -x spin >/dev/null && break
  sleep 0.1
done
sleep 0.5
kill -INT $fk
wait $fk
is "$?" 0 "SIGINT during the stream: exit 0"
"$FLAMEKIT" fold -q "$T/int.data" >"$T/int.after.folded" 2>/dev/null
ok "$( [ -s "$T/int.folded" ] && cmp -s "$T/int.folded" "$T/int.after.folded" && echo 0 || echo 1)" \
  "SIGINT: drawn = the kept capture read afterwards"

# perf failing at start: its message, then what to do; no capture, no
# link, no half-written file left.
run "$FLAMEKIT" record -c 'record -e no-such-event -g' --perfdata "$T/bad.data" -o "$T/bad.svg" \
  -- "$T/spin" 1000
is "$rc" 1 "perf failing at start: exit 1"
like "perf record failed \(exit status [0-9]+\) and wrote no capture; its message is above" "$err" \
  "perf failing at start: says so"
is "$(ls "$T" | grep -c '^bad')" 0 "perf failing at start: no capture or output left"
run "$FLAMEKIT" record -c 'record -e no-such-event -g' -o "$T/bad.svg" -- "$T/spin" 1000
is "$rc:$(ls "$T/tmp" | wc -l)" "1:0" "perf failing at start: nothing left in TMPDIR"

# --perfdata over an earlier capture: that one becomes FILE.old, as perf does.
run "$FLAMEKIT" record -q --call-graph fp --perfdata "$T/fp.data" -o "$T/again.folded" -- "$T/spin" 1000000
is "$rc" 0 "--perfdata over an earlier capture"
ok "$([ -f "$T/fp.data" ] && [ ! -L "$T/fp.data" ] && cmp -s "$T/fp.data.old" "$T/fp.data" && echo 1 || echo 0)" \
  "the earlier capture is FILE.old, the new one FILE"
like "pipe mode" "$("$FLAMEKIT" info "$T/fp.data.old" 2>&1)" "FILE.old is the earlier capture"
done_testing
