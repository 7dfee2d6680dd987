#!/bin/sh
# Issue 14's fidelity: on every --call-graph dwarf capture of corpora/perf-dwarf,
# `flamekit fold --no-inline X.data` gives the stacks of `perf script
# --no-inline -i X.data | flamekit fold`, and with inline frames those of
# `perf script -i X.data | flamekit fold` (names compared as
# tests/cli/unwind-compare.py says), on at least 98% of the weight. Fresh-machine
# safe as t0710: binaries through a --symfs tree made here, an empty HOME (no
# ~/.debug build-id cache for either side), kernel frames cut off both sides.
# Skips without perf.
. "$(dirname "$0")/lib.sh"
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3
if ! command -v perf >/dev/null 2>&1 || ! perf version >/dev/null 2>&1; then
  skip "perf is not installed"
  done_testing
  exit 0
fi
mkdir -p "$T/home"
for data in "$TOP"/corpora/perf-dwarf/*.data; do
  cap=$(basename "$data")
  dir=$(dirname "$data")
  fs="$T/symfs-$cap"
  HOME="$T/home" symfs_for "$fs" "$data"
  for mode in no-inline inline; do
    nflag=--no-inline names=
    [ $mode = inline ] && nflag= names=--names
    HOME="$T/home" "$FLAMEKIT" fold -q $nflag --kernel --weight samples --symfs "$fs" "$data" \
      >"$T/native" 2>/dev/null
    HOME="$T/home" perf script $nflag --symfs "$fs" -i "$data" 2>/dev/null |
      "$FLAMEKIT" fold -q --kernel --weight samples >"$T/text" 2>/dev/null
    "$PY" "$TOP/tests/cli/unwind-compare.py" --cut-kernel $names "$T/native" "$T/text" 5 \
      >"$T/overlap"
    set -- $(head -1 "$T/overlap")
    is "$2" "$3" "$cap ($mode): the same number of samples as perf script ($3)"
    ok "$(awk -v p="$1" 'BEGIN { print (p >= 98) ? 0 : 1 }')" \
      "$cap ($mode): $1% of the weight has the same stacks as perf script (at least 98%)"
    sed 1d "$T/overlap" >&2
  done
done
done_testing
