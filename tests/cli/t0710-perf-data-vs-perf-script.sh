#!/bin/sh
# Issue 7's acceptance: `flamekit fold X.data` gives the stacks of
# `perf script --no-inline -i X.data | flamekit fold` (frame-pointer call
# graphs), on a fresh machine: the corpus binaries are found through a --symfs
# tree made here (the captures name the paths they were recorded at), system
# libraries through the same tree, and kernel frames are cut off both sides
# (this machine's kernel need not be the capture's). Skips without perf.
. "$(dirname "$0")/lib.sh"
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3
if ! command -v perf >/dev/null 2>&1 || ! perf version >/dev/null 2>&1; then
  skip "perf is not installed"
  done_testing
  exit 0
fi
# capture  minimum %  (the differences left are explained in docs/formats/perf-data.md)
for spec in perf-c/inl.data:99 perf-c/inl.pipe.data:99 perf-c/inl.z.data:99 \
  perf-cxx/tmpl.data:99 perf-threads/thr.data:99 perf-rust/rs.data:95 perf-system/system.data:85; do
  cap=${spec%:*}
  min=${spec#*:}
  data="$TOP/corpora/$cap"
  fs="$T/symfs-$(echo "$cap" | tr / -)"
  # the corpus binaries under the paths the capture names; this machine's
  # system files and debug files (tests/cli/lib.sh)
  symfs_for "$fs" "$data"
  "$FLAMEKIT" fold -q --no-inline --kernel --weight samples --symfs "$fs" "$data" >"$T/native" 2>/dev/null
  perf script --no-inline --symfs "$fs" -i "$data" 2>/dev/null |
    "$FLAMEKIT" fold -q --kernel --weight samples >"$T/text" 2>/dev/null
  "$PY" "$TOP/tests/cli/stack-overlap.py" --cut-kernel "$T/native" "$T/text" 5 >"$T/overlap"
  set -- $(head -1 "$T/overlap")
  pct=$1
  is "$2" "$3" "$cap: the same number of samples as perf script ($3)"
  ok "$(awk -v p="$pct" -v m="$min" 'BEGIN { print (p >= m) ? 0 : 1 }')" \
    "$cap: $pct% of the weight has the same stacks as perf script --no-inline (at least $min%)"
  sed 1d "$T/overlap" >&2
done
done_testing
