#!/bin/sh
# A `perf archive` tarball among the inputs, alone or nested in a host's
# tarball: its .build-id tree is symbol files, not dumps, and is never read
# by the readers (it is noted; a symbolizing command gets it through the
# side-file hook). Made at test time with perf; skipped without it.
. "$(dirname "$0")/lib.sh"
cd "$T" || exit 1
if ! command -v perf >/dev/null 2>&1 ||
  ! perf record -q -e cpu-clock -F 499 -g -o x.data -- sh -c 'i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done' >/dev/null 2>&1 ||
  ! perf archive x.data >/dev/null 2>&1 || [ ! -s x.data.tar.bz2 ]; then
  skip "perf record/perf archive unavailable"
  done_testing
  exit 0
fi
run "$FLAMEKIT" fold x.data.tar.bz2
is "$rc:$out" "1:" "a perf archive tarball yields no stacks: no samples, a failure as for any input"
like "x.data.tar.bz2: no samples in the input" "$err" "and says so"
like "perf archive: [0-9]+ symbol files of perf archive tarballs \(.build-id\) not used: no perf.data" "$err" "its symbol files are noted as unused"
is "$(printf '%s\n' "$err" | grep -c 'not a folded stack line')" 0 "no member was read as stacks"
mkdir web01
cp "$TOP/corpora/hosts/web01/perf.folded" x.data.tar.bz2 web01/
tar czf web01.tar.gz web01
run "$FLAMEKIT" fold web01.tar.gz
is "$out" "$("$FLAMEKIT" fold "$TOP/corpora/hosts/web01/perf.folded")" "nested in a host tarball: only the dump is read"
like "perf archive: [0-9]+ symbol files" "$err" "and the nested tarball's files are noted as unused"
done_testing
