#!/bin/sh
# The report page's script and style: the embedded copy is current, the
# script parses, and neither can end the <script> or <style> element that
# holds it.
. "$(dirname "$0")/lib.sh"
sh "$TOP/render/embed.sh" report >"$T/assets.c"
cmp -s "$T/assets.c" "$TOP/render/report-assets.c"
ok $? "render/report-assets.c is current (run: sh render/embed.sh report > render/report-assets.c)"
! grep -qi '</script' "$TOP/render/report.js"
ok $? "report.js contains no </script"
! grep -qi '</style' "$TOP/render/report.css"
ok $? "report.css contains no </style"
if command -v node >/dev/null 2>&1; then
  node --check "$TOP/render/report.js"
  ok $? "report.js parses"
else
  skip "node absent: report.js not parsed"
fi
done_testing
