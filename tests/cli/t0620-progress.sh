#!/bin/sh
# The progress line: on a terminal only, never with -q, never on stdout.
. "$(dirname "$0")/lib.sh"
f="$TOP/corpora/hosts/web01/perf.folded"
run "$FLAMEKIT" fold "$f"
is "$err" "" "no progress when stderr is not a terminal"
if command -v script >/dev/null 2>&1; then
  tty=$(script -qc "'$FLAMEKIT' fold '$f' >/dev/null" /dev/null 2>&1 | tr '\r' '\n')
  like "flamekit: fold: 1 members, [0-9.]+ MiB, [0-9.]+ MiB/s" "$tty" "progress on a terminal"
  quiet=$(script -qc "'$FLAMEKIT' fold -q '$f' >/dev/null" /dev/null 2>&1)
  is "$quiet" "" "-q: no progress on a terminal"
  out=$(script -qc "'$FLAMEKIT' fold '$f' 2>/dev/null" /dev/null | tr -d '\r')
  is "$out" "$("$FLAMEKIT" fold "$f")" "stdout on a terminal holds only the output"
else
  skip "script(1) not installed"; skip "script(1)"; skip "script(1)"
fi
done_testing
