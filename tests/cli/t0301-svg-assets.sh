#!/bin/sh
# The SVG page's script and style: the embedded copy is current, and neither
# can end its CDATA section.
. "$(dirname "$0")/lib.sh"
sh "$TOP/render/embed.sh" >"$T/assets.c"
cmp -s "$T/assets.c" "$TOP/render/svg-assets.c"
ok $? "render/svg-assets.c is current (run: sh render/embed.sh > render/svg-assets.c)"
! grep -q ']]>' "$TOP/render/svg.js" "$TOP/render/svg.css"
ok $? "svg.js and svg.css contain no ]]>"
if command -v node >/dev/null 2>&1; then
  node --check "$TOP/render/svg.js"
  ok $? "svg.js parses"
else
  skip "node absent: svg.js not parsed"
fi
done_testing
