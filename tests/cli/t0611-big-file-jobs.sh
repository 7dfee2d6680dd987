#!/bin/sh
# t0611 -- one big folded file read by both workers (the pipeline cuts it in
# pieces of 8 MiB): -j 2 writes the same graph and folded output, the same
# messages with the same line numbers in the same order, and the same exit
# code as -j 1. The file is made here: 17 MiB (two pieces and a bit) of
# lines with bad lines, CRLF line ends, a long line and a last line without
# its line end spread over it.
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

run "$FLAMEKIT" fold --strict -j 2 "$T/big.folded"
is "$rc" 1 "--strict: the first bad line fails the run at -j 2 too"
like "big.folded:50021" "$err" "--strict names it"

done_testing
