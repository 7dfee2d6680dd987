#!/bin/sh
# flamekit fold: inputs, merging, skipped lines, exit codes, outputs.
. "$(dirname "$0")/lib.sh"

printf 'main;b;c 1\nmain;a 2\n' >"$T/one.folded"
printf 'main;a 3\nmain;b;c 4\n' >"$T/two.folded"

run "$FLAMEKIT" fold "$T/one.folded" "$T/two.folded"
is "$rc" 0 "fold of two files exits 0"
is "$out" "main;a 5
main;b;c 5" "identical stacks merge across inputs, sorted"

run sh -c "cat '$T/two.folded' | '$FLAMEKIT' fold"
is "$out" "main;a 3
main;b;c 4" "no argument reads standard input"

run sh -c "cat '$T/two.folded' | '$FLAMEKIT' fold '$T/one.folded' -"
is "$out" "main;a 5
main;b;c 5" "'-' reads standard input among files"

# Folding is associative: folding folds equals folding everything.
"$FLAMEKIT" fold "$T/one.folded" >"$T/p1"
"$FLAMEKIT" fold "$T/two.folded" >"$T/p2"
a=$("$FLAMEKIT" fold "$T/p1" "$T/p2")
b=$("$FLAMEKIT" fold "$T/two.folded" "$T/one.folded")
is "$a" "$b" "fold of partial folds equals fold of all inputs"

printf 'a;b 1\nnot folded\na;b 2\n' >"$T/bad.folded"
run "$FLAMEKIT" fold "$T/bad.folded"
is "$rc" 0 "skipped lines do not fail without --strict"
is "$out" "a;b 3" "the rest is still folded"
is "$err" "flamekit: fold: $T/bad.folded:2: not a folded stack line
flamekit: fold: skipped 1 item in all; --strict makes this fail" "skipped lines are reported with file and line, then counted"

run "$FLAMEKIT" fold --strict "$T/bad.folded"
is "$rc" 1 "--strict fails on a skipped line"

run "$FLAMEKIT" fold "$T/missing.folded" "$T/one.folded"
is "$rc" 1 "a missing input fails"
like "^flamekit: fold: $T/missing.folded: No such file or directory" "$err" "and says which"
is "$out" "main;a 2
main;b;c 1" "the other inputs are still read"

run "$FLAMEKIT" fold -o "$T/out.folded" "$T/one.folded"
is "$rc" 0 "-o exits 0"
is "$(cat "$T/out.folded")" "main;a 2
main;b;c 1" "-o writes the file"
is "$(ls "$T" | grep -c 'out.folded.')" 0 "no temporary file is left behind"

run "$FLAMEKIT" fold -o "$T/nodir/out.folded" "$T/one.folded"
is "$rc" 1 "an output in a missing directory fails"

if [ -w /dev/full ]; then
  run sh -c "'$FLAMEKIT' fold '$T/one.folded' >/dev/full"
  is "$rc" 1 "a full disk on standard output is an error"
  like "standard output: No space left on device" "$err" "and says so"
else
  skip "no /dev/full"
  skip "no /dev/full"
fi

# A closed pipe (a pager quit early) ends quietly, as with git and perf.
awk 'BEGIN { for (i = 0; i < 200000; i++) printf "s%d 1\n", i }' >"$T/big.folded"
run sh -c "'$FLAMEKIT' fold '$T/big.folded' | head -1"
is "$out" "s0 1" "output to a pipe closed early"
is "$err" "" "prints no error for a closed pipe"

printf '\377\376a\000;\000b\000 \0001\000\n\000' >"$T/u16.folded"
run "$FLAMEKIT" fold "$T/u16.folded"
is "$out" "a;b 1" "UTF-16 input is detected and read"

run "$FLAMEKIT" fold --format folded "$T/one.folded"
is "$rc" 0 "--format folded forces the reader"
run "$FLAMEKIT" fold --format nosuch "$T/one.folded"
is "$rc" 2 "--format with an unknown name is a usage error"
done_testing
