#!/bin/sh
# report.sh -- `make check-browser`, the HTML report (issue 17): makes pages
# with $FLAMEKIT into $BUILD/browser-report/ and checks them in Debian's
# chromium (report.js), as TAP. Screenshots at 1920 and 700 px are kept there.
: "${FLAMEKIT:?set FLAMEKIT}"
: "${BUILD:=build}"
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
out="$BUILD/browser-report"
mkdir -p "$out"
if [ ! -x "${CHROMIUM:-/usr/bin/chromium}" ] || [ ! -d "$here/node_modules/playwright-core" ]; then
  echo "1..0 # skip chromium or playwright-core missing: run 'make deps'"
  exit 0
fi
"$FLAMEKIT" report -q -o "$out/hosts.html" "$top"/corpora/hosts/*/perf.txt || exit 1
{
  printf 'main;</script><script>window.injected=1</script> 3\n'
  printf 'main;<!--<script>window.injected=2</script> 2\n'
  printf 'main;" onmouseover="window.injected=3" x=" 2\n'
  printf "main;' onclick='window.injected=4' 2\n"
  printf 'main;\001\002ctl\033[31m;a&amp;b 2\n'
  printf 'main;bad\377\376utf8 2\n'
  printf 'main;%s 2\n' '${alert(1)}`x`'
  printf 'main;\342\200\250line\342\200\251sep 2\n'
} >"$out/hostile.folded"
"$FLAMEKIT" report -q -o "$out/hostile.html" "$out/hostile.folded" || exit 1
mkdir -p "$out/A" "$out/B"
for i in 1 2 3 4 5; do
  printf 'main;parse %d\nmain;compute;sqrt %d\nmain;io;read %d\n' $((100 + i)) $((200 - i)) $((50 + i)) >"$out/A/run$i.folded"
  printf 'main;parse %d\nmain;compute;sqrt %d\nmain;io;read %d\n' $((100 + i)) $((300 + i)) $((50 + i)) >"$out/B/run$i.folded"
done
"$FLAMEKIT" report -q -o "$out/two.html" "$out/A" -- "$out/B"
[ $? = 3 ] || exit 1
rm -rf "$out/nightly"
"$FLAMEKIT" report -q -o "$out/nightly/d1/" "$top"/corpora/hosts/*/perf.txt || exit 1
"$FLAMEKIT" report -q --index -o "$out/nightly/index.html" "$out/nightly/d1" || exit 1
exec node "$here/report.js" "$out"
