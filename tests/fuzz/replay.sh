#!/bin/sh
# Replays every seed (tests/fuzz/corpus/NAME/) and every crasher kept as a
# regression file (tests/fuzz/regress/NAME/) through the gcc build of target
# NAME. Run by `make check`; the fuzzers themselves are built by `make fuzz`.
: "${BUILD:?set BUILD}"
top=$(cd "$(dirname "$0")/../.." && pwd)
n=0
fail=0
for bin in "$BUILD"/tests/fuzz/replay-*; do
  name=${bin##*/replay-}
  dirs=""
  for d in "$top/tests/fuzz/corpus/$name" "$top/tests/fuzz/regress/$name"; do
    [ -d "$d" ] && dirs="$dirs $d"
  done
  [ -n "$dirs" ] || continue
  n=$((n + 1))
  # shellcheck disable=SC2086
  if out=$("$bin" $dirs 2>&1); then
    echo "ok $n - fuzz replay $name ($(printf '%s\n' "$out" | grep -c '^ok') inputs)"
  else
    echo "not ok $n - fuzz replay $name"
    printf '%s\n' "$out" | tail -20 | sed 's/^/# /' >&2
    fail=$((fail + 1))
  fi
done
echo "1..$n"
[ "$fail" = 0 ]
