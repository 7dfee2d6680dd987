#!/bin/sh
# Issue 14's debug Python interpreter: python3.11d (python3.11-dbg, built
# without frame pointers, its DWARF in the binary) recorded here with
# `--call-graph dwarf,16384` and `dwarf,64000` running
# corpora/perf-dwarf/pywork.py, then checked as t0730 checks the committed
# captures: `flamekit fold [--no-inline]` against `perf script [--no-inline] |
# flamekit fold` on at least 98% of the weight, about 480 samples each (at
# -F 499: with 130, three samples in glibc's memcpy put a run under 98%
# before that alias was taken as one). Recorded each run, not
# committed: a capture names the interpreter by build id, which every
# Debian update of the package changes. Skips without perf, a working perf
# record, or python3.11d.
. "$(dirname "$0")/lib.sh"
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3
PYD=/usr/bin/python3.11d
if ! command -v perf >/dev/null 2>&1 || [ ! -x "$PYD" ]; then
  skip "perf or $PYD (apt-get install python3.11-dbg) missing"
  done_testing
  exit 0
fi
mkdir -p "$T/home"
for rec in 16384:499 64000:499; do
  copy=${rec%:*} freq=${rec#*:}
  data="$T/py.$copy.data"
  if ! HOME="$T/home" perf record -q -e cpu-clock -F "$freq" --call-graph "dwarf,$copy" \
    -o "$data" -- "$PYD" "$TOP/corpora/perf-dwarf/pywork.py" 60 >/dev/null 2>&1; then
    skip "perf record does not work here"
    continue
  fi
  for mode in no-inline inline; do
    nflag=--no-inline names=
    [ $mode = inline ] && nflag= names=--names
    HOME="$T/home" "$FLAMEKIT" fold -q $nflag --kernel --weight samples "$data" \
      >"$T/native" 2>"$T/native.err"
    HOME="$T/home" perf script $nflag -i "$data" 2>/dev/null |
      "$FLAMEKIT" fold -q --kernel --weight samples >"$T/text" 2>/dev/null
    "$PY" "$TOP/tests/cli/unwind-compare.py" --cut-kernel $names "$T/native" "$T/text" 5 \
      >"$T/overlap"
    set -- $(head -1 "$T/overlap")
    ok "$(awk -v n="$2" 'BEGIN { print (n >= 100) ? 0 : 1 }')" \
      "python3.11d dwarf,$copy ($mode): at least 100 samples ($2)"
    is "$2" "$3" "python3.11d dwarf,$copy ($mode): the same number of samples as perf script ($3)"
    ok "$(awk -v p="$1" 'BEGIN { print (p >= 98) ? 0 : 1 }')" \
      "python3.11d dwarf,$copy ($mode): $1% of the weight has the same stacks as perf script (at least 98%)"
    # the interpreter's C frames reach main through CFI alone
    is "$(grep -c ';Py_BytesMain;' "$T/native" | awk '{ print ($1 > 0) }')" 1 \
      "python3.11d dwarf,$copy ($mode): stacks reach Py_BytesMain"
    sed 1d "$T/overlap" >&2
  done
done
done_testing
