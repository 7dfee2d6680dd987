#!/bin/sh
# The symbolizer's frames against addr2line -i (names and file:line of every
# inline frame) and against the names perf script printed for real samples,
# on the test programs of corpora/symbolize (DWARF 5, zlib-compressed
# DWARF, DWARF 4, Rust's DWARF 4); and on python3.11 with its
# Debian -dbg debug info when that is installed.
. "$(dirname "$0")/lib.sh"
DRIVER="$BUILD/tests/bench/symbolize-lookups"
CMP="$TOP/tests/cli/symbolize-compare.py"
C="$TOP/corpora/symbolize"
if ! command -v addr2line >/dev/null || ! command -v python3 >/dev/null || [ ! -x "$DRIVER" ]; then
  skip "addr2line, python3 or $DRIVER missing"
  done_testing
  exit
fi
for b in inl inl-gz tmpl tmpl-dw4 rs-v0 rs-legacy; do
  run python3 "$CMP" addr2line "$DRIVER" "$C/$b" --stride 4 --min-same 90
  echo "# $out"
  [ -n "$err" ] && printf '%s\n' "$err" | head -12 | sed 's/^/# /' >&2
  ok $rc "$b: every 4th byte of .text agrees with addr2line -i (alias/quirk/padding explained)"
  [ -f "$C/$b.perf-script.txt" ] || continue
  run python3 "$CMP" perf "$DRIVER" "$C/$b" "$C/$b.perf-script.txt"
  echo "# $out"
  [ -n "$err" ] && printf '%s\n' "$err" | head -12 | sed 's/^/# /' >&2
  ok $rc "$b: names equal perf script's for the sampled addresses"
done
py=/usr/bin/python3.11
id=$(readelf -n "$py" 2>/dev/null | awk '/Build ID/ {print $3}')
if [ -n "$id" ] && [ -f "/usr/lib/debug/.build-id/$(echo "$id" | cut -c1-2)/$(echo "$id" | cut -c3-).debug" ]; then
  run python3 "$CMP" addr2line "$DRIVER" "$py" --random 1000 --min-same 95 --max-other 1
  echo "# $out"
  ok $rc "python3.11 with python3.11-dbg: 1000 random addresses agree with addr2line -i"
else
  skip "python3.11-dbg debug info not installed (apt-get install python3.11-dbg)"
fi
done_testing
