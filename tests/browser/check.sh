#!/bin/sh
# check.sh -- `make check-browser`: makes a few SVGs with $FLAMEKIT into
# $BUILD/browser/ and checks them in Debian's chromium (run.js), as TAP.
: "${FLAMEKIT:?set FLAMEKIT}"
: "${BUILD:=build}"
here=$(cd "$(dirname "$0")" && pwd)
out="$BUILD/browser"
mkdir -p "$out"
if [ ! -x "${CHROMIUM:-/usr/bin/chromium}" ] || [ ! -d "$here/node_modules/playwright-core" ]; then
  echo "1..0 # skip chromium or playwright-core missing: run 'make deps'"
  exit 0
fi
cat >"$out/graph.folded" <<'IN'
main;compute;sqrt 30
main;compute;log 15
main;compute 10
main;compute;mul;sqrt 5
main;io;read 25
main;io;write 10
main 5
IN
"$FLAMEKIT" graph -o "$out/graph.svg" "$out/graph.folded" || exit 1
"$FLAMEKIT" graph --inverted -o "$out/icicle.svg" "$out/graph.folded" || exit 1
"$FLAMEKIT" graph --flamechart -o "$out/chart.svg" "$out/graph.folded" || exit 1
printf 'main;compute;sqrt 30 20\nmain;compute;log 5 25\nmain;io;read 25 25\n' >"$out/diff.folded"
"$FLAMEKIT" graph -o "$out/diff.svg" "$out/diff.folded" || exit 1
{
  printf 'main;</script><script>window.injected=1</script> 3\n'
  printf 'main;]]><script>window.injected=2</script> 2\n'
  printf 'main;" onmouseover="window.injected=3" x=" 2\n'
  printf "main;' onclick='window.injected=4' 2\n"
  printf 'main;\001\002ctl\033[31m;a&amp;b 2\n'
  printf 'main;bad\377\376utf8 2\n'
  printf 'main;%s 2\n' '${alert(1)}'
} >"$out/hostile.folded"
"$FLAMEKIT" graph -o "$out/hostile.svg" "$out/hostile.folded" || exit 1
# A big page: 20,000 frames wide enough to be drawn (400 callers of 50
# callees each), for the time the page takes to become interactive.
awk 'BEGIN { for (i = 0; i < 400; i++) for (j = 0; j < 50; j++)
  printf "main;caller_%d;callee_%d_%d 10\n", i, i, j }' >"$out/big.folded"
"$FLAMEKIT" graph --minwidth 0 -o "$out/big.svg" "$out/big.folded" || exit 1
exec node "$here/run.js" "$out"
