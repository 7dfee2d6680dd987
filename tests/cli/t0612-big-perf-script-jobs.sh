#!/bin/sh
# t0612 -- one big `perf script` dump read by both workers (the pipeline cuts
# it in pieces at blank lines): -j 2 writes the same folded stacks and graph,
# the same messages with the same line numbers in the same order, and exits
# as -j 1, also when the dump comes on stdin from a file. The dump is made
# here: 18 MiB (two pieces and a bit) of samples with bad event lines, bad
# frame lines, samples of a second event, CRLF samples, a second
# `# hostname` header and a last sample cut inside its last line spread
# over it, so that bad records sit on both sides of every cut.
. "$(dirname "$0")/lib.sh"

awk 'BEGIN {
  print "# ========"; print "# hostname : one"; print "# ========"; print "#"
  for (k = 1; w < 18 * 1048576; k++) {
    e = (k % 9973 == 0) ? "\r" : ""
    if (k == 30000) { print "# hostname : two"; print "" }
    if (k % 5003 == 0) l = "no event line here" e
    else l = "app" (k % 3) " " (100 + k % 7) "/" (100 + k % 7) " [00" (k % 4) "] 10." sprintf("%06d", k % 1000000) ": " (k % 5 + 1) " " ((k % 4999 == 0) ? "page-faults:u" : "cpu-clock:pppH") ": " e
    print l; w += length(l) + 1
    n = 2 + k % 9
    for (f = 0; f < n; f++) {
      if (k % 7001 == 0 && f == 1) { print "\t    zz no frame line" e; w += 22 }
      l = sprintf("\t    %012x f%d_%d+0x%x (/usr/lib/libapp%d.so)%s", 4194304 + f * 16, f, k % (f + 5), f + 1, k % 2, e)
      print l; w += length(l) + 1
    }
    print e; w += 1
  }
  printf "app1 101/101 [000] 11.000000: 1 cpu-clock:pppH: \n\t    000000400000 last+0x1 (/usr/lib/liba" }' >"$T/big.txt"

fold_jobs_same "$T/big.txt"
like "big.txt:[0-9]*: not a perf script event line" "$err1" "a bad event line, by its number"
like "big.txt:[0-9]*: not a stack frame line" "$err1" "a bad frame line, by its number"
like "read only event 'cpu-clock'; [0-9]* samples of other events \(page-faults" "$err1" \
  "the other event's samples: one note"
like "skipped [0-9]+ items in all \\(weight 1\\)" "$err1" "the cut last line's sample counted"

run sh -c "exec \"$FLAMEKIT\" fold -j 2 - <\"$T/big.txt\""
is "$rc" "$rc1" "stdin from the file: -j 2 exits as -j 1"
ok "$([ "$out" = "$out1" ]; echo $?)" "stdin from the file: -j 1's folded stacks"

graph_jobs_same "$T/big.txt"

run "$FLAMEKIT" fold --strict -j 2 "$T/big.txt"
is "$rc" 1 "--strict: the first bad record fails the run at -j 2 too"

done_testing
