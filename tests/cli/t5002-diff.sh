#!/bin/sh
# flamekit diff: inferno's diff-folded results (read from ../shared/peers at test
# time, compared sorted: inferno prints in hash order), the documented
# differences (exact --normalize, decimal counts kept), verdict exit codes.
. "$(dirname "$0")/lib.sh"
P="$SHARED/peers/inferno/diff-folded"
if [ ! -d "$P" ]; then
  skip "../shared/peers absent: inferno diff-folded comparisons"
else
  run "$FLAMEKIT" diff "$P/before.txt" "$P/after.txt"
  is "$rc" 0 "diff exits 0 without a threshold"
  is "$out" "$(sort "$P/results/default.txt")" "default matches inferno"
  run "$FLAMEKIT" diff --strip-hex "$P/before.txt" "$P/after.txt"
  is "$out" "$(sort "$P/results/strip_hex.txt")" "--strip-hex matches inferno"
  # --normalize: inferno truncates each scaled count; flamekit keeps decimals
  # and the sum is exactly AFTER's total. Each count is within 1 of inferno's.
  run "$FLAMEKIT" diff --normalize "$P/before.txt" "$P/after.txt"
  is "$(printf '%s\n' "$out" | awk '{b+=$(NF-1); a+=$NF} END {printf "%.9f %.9f", b, a}')" \
    "80.000000000 80.000000000" "--normalize: BEFORE sums exactly to AFTER's total"
  printf '%s\n' "$out" >"$T/ours"
  sort "$P/results/normalize.txt" >"$T/theirs"
  is "$(paste -d' ' "$T/ours" "$T/theirs" | awk '{n=NF/2; d=$(n-1)-$(NF-1); if (d<0||d>=1) bad++} END {print bad+0}')" \
    0 "--normalize: each count is inferno's plus less than 1 (truncation)"
  is "$(cut -d' ' -f1 "$T/ours")" "$(cut -d' ' -f1 "$T/theirs")" "--normalize: same stacks as inferno"
  # Decimal counts are kept exactly; a count with more than 9 decimals is
  # skipped and reported (inferno truncates every count to an integer).
  run "$FLAMEKIT" diff "$P/before_fractionals.txt" "$P/after.txt"
  like 'before_fractionals.txt:2: not a folded stack line' "$err" "too many decimals: skipped with its line"
  like '__fdget_pos_\[k\] 11.98 15' "$out" "decimal counts kept exactly"
  run "$FLAMEKIT" diff --strict "$P/bad_before.txt" "$P/after.txt"
  is "$rc" 1 "a line without a count fails under --strict"
  like 'bad_before.txt:3: not a folded stack line' "$err" "and is reported with its line"
  run "$FLAMEKIT" diff "$P/before.txt" "$P/after.txt" --fail-if-grown 5
  is "$rc" 3 "--fail-if-grown 5: exit 3"
  like 'regression: __fdget_pos_\[k\] grew from 16.92% to 33.75%' "$err" "names the function that grew"
  run "$FLAMEKIT" diff "$P/before.txt" "$P/after.txt" --fail-if-grown 20
  is "$rc" 0 "--fail-if-grown 20: no function grew that much"
  run "$FLAMEKIT" diff "$P/before.txt" "$P/after.txt" --fail-if-total-grown 20
  is "$rc" 3 "--fail-if-total-grown 20: 65 -> 80 is 23%"
  run "$FLAMEKIT" diff "$P/before.txt" "$P/after.txt" --fail-if-total-grown 25
  is "$rc" 0 "--fail-if-total-grown 25: exit 0"
fi
printf 'a;b 1\n' >"$T/b.folded"
run "$FLAMEKIT" diff "$T/b.folded"
is "$rc" 2 "one input is a usage error"
run "$FLAMEKIT" diff --fail-if-grown -3 "$T/b.folded" "$T/b.folded"
is "$rc" 2 "negative threshold is a usage error"
# one read, several outputs; CSV quoting and formula safety
printf 'main;f(int, char) 3\nmain;=HYPERLINK("x") 1\n' >"$T/b.folded"
printf 'main;f(int, char) 5\nmain;@SUM 2\n' >"$T/a.folded"
run "$FLAMEKIT" diff -o "$T/d.csv" -o "$T/d.folded" -o "$T/d.json" "$T/b.folded" "$T/a.folded"
is "$rc" 0 "three outputs"
grep -qxF '3,"f(int, char)",,3,5,3,5,75.0000,71.4286,-3.5714,0.6667,75.0000,71.4286,-3.5714' "$T/d.csv"
ok $? "csv: quoted C++ name, shares and changes, CRLF"
grep -qF '2,"'"'"'=HYPERLINK(""x"")",,1,0' "$T/d.csv"
ok $? "csv: formula cell defused and quotes doubled"
grep -qF '1,"'"'"'@SUM",,0,2' "$T/d.csv"
ok $? "csv: @ cell defused"
is "$(cat "$T/d.folded")" 'main;=HYPERLINK("x") 1 0
main;@SUM 0 2
main;f(int, char) 3 5' "folded two-count output"
like '"kind":"diff"' "$(cat "$T/d.json")" "json: a diff document"
done_testing
