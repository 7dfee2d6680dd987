#!/bin/sh
# --collapse-recursion against inferno-collapse-recursive's own expected result
# (read from ../shared/peers at test time; skipped when absent).
. "$(dirname "$0")/lib.sh"
peer="$SHARED/peers/inferno/collapse-recursive"
if [ ! -d "$peer" ]; then
  skip "../shared/peers absent"
else
  run "$FLAMEKIT" fold --collapse-recursion "$peer/basic.txt"
  is "$rc" 0 "collapse-recursion exits 0"
  is "$out" "$(sort "$peer/results/basic-collapsed.txt")" "collapse-recursion matches inferno (sorted)"
fi
# Every transform option appears in fold --help.
run "$FLAMEKIT" fold --help
for o in skip-after include exclude focus hide collapse-recursion no-strip-offsets strip-hex \
  minwidth group-by time-range; do
  like "--$o" "$out" "fold --help lists --$o"
done
# group frames survive a round trip through folded text and merge
printf 'a;b 1\n' >"$T/x.folded"
printf 'a;c 2\n' >"$T/y.folded"
"$FLAMEKIT" fold --group-by file "$T/x.folded" >"$T/px.folded"
"$FLAMEKIT" fold --group-by file "$T/y.folded" >"$T/py.folded"
run "$FLAMEKIT" fold --skip-after b --focus '^(b|c)$' "$T/px.folded" "$T/py.folded"
is "$out" "[file=$T/x.folded];b 1
[file=$T/y.folded];c 2" "group frames survive folding, merging, --skip-after and --focus"
done_testing
