#!/bin/sh
# flamekit report (issue 17): exit codes and messages, the Markdown golden,
# the page's data and graphs (the SVG writer's own pages), hostile names in
# HTML, script data and Markdown, two sides, folders and the nightly index.
. "$(dirname "$0")/lib.sh"
H="$TOP/corpora/hosts"
CHECK="python3 $TOP/tests/cli/report/check.py"
export SOURCE_DATE_EPOCH=1764633600 # 2025-12-02T00:00:00Z: the date the outputs name

# ---- usage ----
run "$FLAMEKIT" report "$H/db01/perf.txt"
is "$rc" 2 "no -o is a usage error"
is "$(echo "$err" | head -1)" "flamekit: report: expected -o FILE.html, -o FILE.md or -o DIR/" \
  "no -o: the message says what -o takes"
run "$FLAMEKIT" report -o "$T/x.svg" "$H/db01/perf.txt"
is "$rc" 2 "-o with another extension is a usage error"
like "^flamekit: report: -o .*x.svg: expected FILE.html, FILE.md or DIR/" "$err" "... naming it"
run "$FLAMEKIT" report --output-format pdf -o - "$H/db01/perf.txt"
is "$rc" 2 "an unknown --output-format is a usage error"
run "$FLAMEKIT" report -o "$T/x.html" "$H/db01/perf.txt" --before "$H/db02/perf.txt"
is "$rc" 2 "an input before --before with --before/--after is a usage error"
like "every input follows one of them" "$err" "... saying why"
run "$FLAMEKIT" report -o "$T/x.html" --before "$H/db01/perf.txt"
is "$rc" 2 "--before without --after is a usage error"
run "$FLAMEKIT" report -o "$T/x.html" --before a --after b -- c
is "$rc" 2 "both two-side syntaxes at once is a usage error"
run "$FLAMEKIT" report --index -o "$T/x.md" "$T"
is "$rc" 2 "--index writes only HTML"
[ ! -e "$T/x.html" ] && [ ! -e "$T/x.md" ]
ok $? "a usage error writes nothing"

# ---- the Markdown summary: a golden, checked by hand once ----
cd "$TOP/tests/cli" || exit 1
run "$FLAMEKIT" report --output-format md -o - ../../corpora/hosts/db01/perf.txt \
  ../../corpora/hosts/db02/perf.txt ../../corpora/hosts/web01/perf.txt ../../corpora/hosts/web02/perf.txt
is "$rc" 0 "md to stdout exits 0"
printf '%s\n' "$out" >"$T/hosts.md"
cmp -s "$T/hosts.md" "$TOP/tests/cli/report/hosts.md"
ok $? "the summary of corpora/hosts equals tests/cli/report/hosts.md"
[ $? = 0 ] || diff -u "$TOP/tests/cli/report/hosts.md" "$T/hosts.md" | head -20 | sed 's/^/# /' >&2
cd "$T" || exit 1

# ---- one side: the page ----
run "$FLAMEKIT" report -o "$T/hosts.html" -o "$T/hosts.md" "$H"/*/perf.txt
is "$rc" 0 "a page of four hosts exits 0"
is "$err" "" "... and says nothing"
$CHECK "$T/hosts.html" blocks >"$T/blocks"
ok $? "every data block parses (JSON; each graph a well-formed SVG)"
is "$(tr '\n' ' ' <"$T/blocks")" "fk-data svg-script svg-flame svg-icicle svg-groups (script) " \
  "the blocks: data, the SVG script once, flame, icicle, the hosts' graph, the page's script"
grep -q "Content-Security-Policy\" content=\"default-src 'none'" "$T/hosts.html"
ok $? "the page forbids every fetch"
! grep -Eiq '(src|href)="(https?:|//)' "$T/hosts.html"
ok $? "the page links to nothing outside it"
is "$(grep -c '<tr data-group=' "$T/hosts.html")" 4 "the hosts table has the four hosts"
"$FLAMEKIT" graph -o "$T/graph.svg" "$H"/*/perf.txt
$CHECK "$T/hosts.html" svg svg-flame >"$T/flame.svg"
$CHECK "$T/hosts.html" svg svg-script >"$T/svg.js"
# the graph's own page, but its script (carried once for every graph)
python3 - "$T/graph.svg" "$T/flame.svg" "$T/svg.js" <<'EOF'
import sys
g, f, js = (open(p, encoding="utf-8").read() for p in sys.argv[1:])
block = '<script type="text/ecmascript"><![CDATA[\n' + js + ']]></script>\n'
sys.exit(0 if g.replace(block, "", 1) == f and block in g else 1)
EOF
ok $? "the page's flame graph is graph's SVG byte for byte (its script carried apart)"
is "$($CHECK "$T/hosts.html" field groups | python3 -c 'import json,sys; print(" ".join(g["name"] for g in json.load(sys.stdin)))')" \
  "db01 db02 web01 web02" "the groups are the hosts, in input order"
like '^- hosts: 4$' "$(cat "$T/hosts.md")" "the summary says four hosts"

# ---- hostile names ----
{
  printf 'main;</script><script>window.injected=1</script> 3\n'
  printf 'main;<!--<script>x</script> 2\n'
  printf 'main;" onmouseover="window.injected=3" x=" 2\n'
  printf "main;' onclick='window.injected=4' 2\n"
  printf 'main;\001\002ctl\033[31m 2\n'
  printf 'main;bad\377\376utf8 2\n'
  printf 'main;a|b`c`*d*_e_[f](javascript:x)~$x$\\ 2\n'
  printf 'main;\342\200\250sep 2\n'
} >"$T/hostile.folded"
run "$FLAMEKIT" report -o "$T/hostile.html" -o "$T/hostile.md" "$T/hostile.folded"
is "$rc" 0 "hostile names: exit 0"
is "$(grep -c '<script' "$T/hostile.html")" 5 "no name opens a script element (5: the page's own)"
is "$(grep -c '</script' "$T/hostile.html")" 5 "no name closes one"
! grep -q '<!--<script' "$T/hostile.html"
ok $? "no name opens a comment"
! grep -q 'onmouseover="window' "$T/hostile.html"
ok $? "no name becomes an attribute"
$CHECK "$T/hostile.html" names >"$T/names"
ok $? "the page's data parses"
grep -qxF "'</script><script>window.injected=1</script>'" "$T/names" &&
  grep -qxF "'\\\\x01\\\\x02ctl\\\\x1B[31m'" "$T/names" && grep -qxF "'bad\\\\xFF\\\\xFEutf8'" "$T/names"
ok $? "the names come back intact in the data, control bytes and bad UTF-8 shown as \\xNN"
grep -qF '| &lt;/script&gt;&lt;script&gt;window.injected=1&lt;/script&gt; |' "$T/hostile.md"
ok $? "markdown: < and > as entities"
grep -qF '| a\|b\`c\`\*d\*\_e\_\[f\](javascript:x)\~\$x\$\\ |' "$T/hostile.md"
ok $? "markdown: | \` * _ [ ] ~ \$ and \\ escaped"
grep -qF '| \\x01\\x02ctl\\x1B\[31m |' "$T/hostile.md"
ok $? "markdown: control characters visible"
is "$(grep -c '^|' "$T/hostile.md")" "$(( $(grep -c . "$T/hostile.folded") + 3 ))" \
  "markdown: every function one table row (no name breaks the table)"

# ---- what was skipped, and --strict ----
printf 'main;a 5\nthis is not a folded line\nmain;b 3\n' >"$T/bad.folded"
run "$FLAMEKIT" report --format folded -o "$T/bad.html" "$T/bad.folded"
is "$rc" 0 "a skipped line: exit 0"
like "^flamekit: report: .*bad.folded:2: " "$err" "... named on stderr with its line"
grep -q '<h3>What was skipped, and why</h3>' "$T/bad.html" && grep -q 'bad.folded:2: ' "$T/bad.html"
ok $? "... and in the page's summary"
run "$FLAMEKIT" report --strict --format folded -o "$T/bad2.html" "$T/bad.folded"
is "$rc" 1 "--strict: a skipped line exits 1"
: >"$T/empty.folded"
run "$FLAMEKIT" report --format folded -o "$T/empty.html" "$T/empty.folded"
is "$rc" 1 "no samples: exit 1"
like "no samples in the input" "$err" "... saying so"
mkdir -p "$T/ro"
printf 'x\n' >"$T/ro/file"
run "$FLAMEKIT" report -o "$T/ro/file/x.html" "$H/db01/perf.txt"
is "$rc" 1 "an output that cannot be written: exit 1"
like "^flamekit: report: .*ro/file/x.html" "$err" "... naming it"

# ---- two sides ----
mkdir -p "$T/A" "$T/B"
for i in 1 2 3 4 5; do
  printf 'main;parse %d\nmain;compute;sqrt %d\nmain;io;read %d\n' $((100 + i)) $((200 - i)) $((50 + i)) >"$T/A/run$i.folded"
  printf 'main;parse %d\nmain;compute;sqrt %d\nmain;io;read %d\n' $((100 + i)) $((300 + i)) $((50 + i)) >"$T/B/run$i.folded"
done
run "$FLAMEKIT" report -o "$T/two.html" -o "$T/two.md" "$T/A" -- "$T/B"
is "$rc" 3 "two sides with a significant slowdown exit 3, as diff"
like '^- verdict: \*\*regression: the total and 3 functions slower, 0 faster\*\*$' "$(cat "$T/two.md")" \
  "the summary gives the verdict"
like '^\| slower \| self \| \+5[0-9]\.[0-9]+% \| .* \| sqrt \|$' "$(cat "$T/two.md")" "... and sqrt's row"
grep -q '<tr class="v-slower"><td>slower</td><td>self</td>' "$T/two.html"
ok $? "the page has the verdict table"
like '"two":true' "$(cat "$T/two.html")" "the page's data is two-sided"
run "$FLAMEKIT" report -o "$T/two2.md" --before "$T"/A/run*.folded --after "$T"/B/run*.folded
is "$rc" 3 "--before/--after: the same verdict"
is "$(grep -- '- verdict' "$T/two2.md")" "$(grep -- '- verdict' "$T/two.md")" "... with the same line"
run "$FLAMEKIT" report -o "$T/one.md" "$T/A/run1.folded" -- "$T/B/run1.folded"
is "$rc" 0 "one run a side: exit 0"
like '^- verdict: \*\*no verdict: fewer than 2 runs a side\*\*$' "$(cat "$T/one.md")" "... no verdict"

# ---- folders and the nightly index ----
run "$FLAMEKIT" report -o "$T/nightly/d1/" "$H"/*/perf.txt
is "$rc" 0 "-o DIR/ exits 0"
ls "$T/nightly/d1" | tr '\n' ' ' >"$T/ls"
is "$(cat "$T/ls")" "group-001-db01.html group-002-db02.html group-003-web01.html group-004-web02.html index.html report.json summary.md " \
  "the folder: a page per host, the index page, the summary, report.json"
grep -q '<a href="group-003-web01.html">web01</a>' "$T/nightly/d1/index.html"
ok $? "the index page links to each host's page"
grep -q '<a href="index.html">&#8592; index</a>' "$T/nightly/d1/group-003-web01.html"
ok $? "a host's page links back"
SOURCE_DATE_EPOCH=1764720000 "$FLAMEKIT" report -o "$T/nightly/d2/" "$T/A" -- "$T/B"
is "$?" 3 "a second folder, two-sided"
run "$FLAMEKIT" report --index -o "$T/nightly/index.html" "$T/nightly/d1" "$T/nightly/d2/"
is "$rc" 0 "--index exits 0"
grep -o '<td>20[0-9-]*T[0-9:]*Z</td><td><a href="[^"]*"' "$T/nightly/index.html" >"$T/rows"
is "$(cat "$T/rows")" '<td>2025-12-03T00:00:00Z</td><td><a href="d2/index.html"
<td>2025-12-02T00:00:00Z</td><td><a href="d1/index.html"' "newest first, each linking to its folder's page"
grep -q '<td>db01, db02, web01, web02</td>' "$T/nightly/index.html" &&
  grep -q '<td>regression: the total and 3 functions slower, 0 faster</td>' "$T/nightly/index.html"
ok $? "the index names the hosts and the verdict"
mkdir -p "$T/nightly/d3"
run "$FLAMEKIT" report --index -o "$T/nightly/index.html" "$T/nightly/d1" "$T/nightly/d3"
is "$rc" 1 "--index over a folder without a report exits 1"
is "$err" "flamekit: report: --index: $T/nightly/d3/report.json: No such file or directory; listed without details" \
  "... naming its report.json"
grep -q 'no report here (No such file or directory)' "$T/nightly/index.html"
ok $? "... and still writes the index, listing it as such"
# Partials (fold --partial) merge in a report as in graph: the summary names
# the inputs the partials were made from, and the weight is the same.
for h in db01 web01; do
  "$FLAMEKIT" fold -q --partial --group-by host "$TOP/corpora/hosts/$h" -o "$T/part-$h.folded"
done
run "$FLAMEKIT" report -q "$T/part-db01.folded" "$T/part-web01.folded" -o "$T/parts.md"
is "$rc" 0 "report over two partials exits 0"
run "$FLAMEKIT" report -q "$TOP/corpora/hosts/db01" "$TOP/corpora/hosts/web01" -o "$T/whole.md"
is "$(grep -e '^- inputs:' -e '^- weight:' -e '^- hosts:' "$T/parts.md" | sed "s|$TOP/||g")" \
  "$(grep -e '^- inputs:' -e '^- weight:' -e '^- hosts:' "$T/whole.md" | sed "s|$TOP/||g")" \
  "... names the partials' original inputs, with the whole run's weight and hosts"
done_testing
