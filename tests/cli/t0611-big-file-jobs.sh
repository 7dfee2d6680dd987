#!/bin/sh
# t0611 -- one big folded file read by both workers (the pipeline cuts it in
# pieces of 8 MiB): -j 2 writes the same graph and folded output, the same
# messages with the same line numbers in the same order, and the same exit
# code as -j 1. The file is made here: 17 MiB (two pieces and a bit) of
# lines with bad lines, CRLF line ends, a long line and a last line without
# its line end spread over it; then a file of stacks that hardly repeat.
. "$(dirname "$0")/lib.sh"

awk 'BEGIN {
  for (k = 1; w < 17 * 1048576; k++) {
    if (k % 50021 == 0) l = "bad line " k " has no count"
    else if (k % 7 == 0) l = "main;crlf_" (k % 11) ";leaf_" (k % 997) " " (k % 5 + 1) "\r"
    else if (k == 200000) { l = "main;long"; for (i = 0; i < 2000; i++) l = l ";f" i; l = l " 9" }
    else l = "main;m" (k % 13) ";g" (k % 211) ";h" (k % 17) " " (k % 9 + 1)
    print l; w += length(l) + 1
  }
  printf "main;unended 4" }' >"$T/big.folded"

fold_jobs_same "$T/big.folded"
like "big.folded:50021: not a folded stack line" "$err1" "the first bad line, by its number"
like "big.folded:100042: not a folded stack line" "$err1" "the second, after it"
like "main;unended 4" "$out1" "the last line without a line end counts"

graph_jobs_same "$T/big.folded"

# Stacks that hardly repeat: the worker of the first piece reads the rest
# alone and a second thread puts the samples in the tree. The same outputs,
# messages and exit code; and when the tree fails there (a weight that
# overflows the total, far into the file), the input is read again whole
# and fails where -j 1 fails, saying what -j 1 says.
awk 'BEGIN {
  for (k = 1; w < 17 * 1048576; k++) {
    if (k % 100003 == 0) l = "bad line " k " has no count"
    else l = "main;w" (k % 8) ";distinct_leaf_" k " " (k % 9 + 1)
    print l; w += length(l) + 1
  } }' >"$T/distinct.folded"
fold_jobs_same "$T/distinct.folded"
graph_jobs_same "$T/distinct.folded"
awk 'NR == 300000 || NR == 500000 { print "main;huge_" NR " 5000000000000000000" } { print }' \
  "$T/distinct.folded" >"$T/overflow.folded"
fold_jobs_same "$T/overflow.folded"
like "overflow.folded: weight 5000000000000000000 is negative or overflows the total" "$err1" \
  "the overflow is said, by the input's name"
is "$rc1" 1 "and fails the run"

run "$FLAMEKIT" fold --strict -j 2 "$T/big.folded"
is "$rc" 1 "--strict: the first bad line fails the run at -j 2 too"
like "big.folded:50021" "$err" "--strict names it"

done_testing
