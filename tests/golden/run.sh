#!/bin/sh
# Golden tests as data: every directory tests/golden/*/*/ that holds a `cmd`
# file is one case. The case runs `flamekit $(cat cmd)` in its directory and
# compares stdout with `expected`; `expected.rc` (default 0) with the exit code;
# `expected.stderr`, when present, with stderr. `cmd` may name $SHARED (the
# ../shared folder); a case whose cmd names it is skipped when it is absent.
: "${FLAMEKIT:?set FLAMEKIT}"
top=$(cd "$(dirname "$0")/../.." && pwd)
SHARED=$(cd "$top/.." && pwd)/shared
export SHARED
n=0
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for dir in "$top"/tests/golden/*/*/; do
  [ -f "$dir/cmd" ] || continue
  n=$((n + 1))
  name=${dir#"$top"/tests/golden/}
  name=${name%/}
  if grep -q SHARED "$dir/cmd" && [ ! -d "$SHARED/peers" ]; then
    echo "ok $n - $name # skip ../shared absent"
    continue
  fi
  args=$(cat "$dir/cmd")
  want_rc=0
  [ -f "$dir/expected.rc" ] && want_rc=$(cat "$dir/expected.rc")
  (cd "$dir" && eval "\"\$FLAMEKIT\" $args") >"$tmp/out" 2>"$tmp/err"
  rc=$?
  why=""
  [ "$rc" = "$want_rc" ] || why="exit $rc, want $want_rc"
  if [ -z "$why" ] && ! cmp -s "$tmp/out" "$dir/expected"; then
    why="stdout differs"
    diff -u "$dir/expected" "$tmp/out" | head -20 | sed 's/^/# /' >&2
  fi
  if [ -z "$why" ] && [ -f "$dir/expected.stderr" ] && ! cmp -s "$tmp/err" "$dir/expected.stderr"; then
    why="stderr differs"
    diff -u "$dir/expected.stderr" "$tmp/err" | head -20 | sed 's/^/# /' >&2
  fi
  if [ -z "$why" ]; then
    echo "ok $n - $name"
  else
    echo "not ok $n - $name: $why"
    fail=$((fail + 1))
  fi
done
echo "1..$n"
[ "$fail" = 0 ]
