#!/bin/sh
# flamekit graph: output, escaping, options, exit codes and messages.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/svg-frames.sh"

cat >"$T/in.folded" <<'IN'
main;compute;sqrt 30
main;compute;log 15
main;compute 10
main;io;read 25
main 5
IN

run "$FLAMEKIT" graph "$T/in.folded"
is "$rc" 0 "graph exits 0"
printf '%s\n' "$out" >"$T/out.svg"
xmllint --noout "$T/out.svg"
ok $? "the SVG is well-formed"
is "$(svg_geometry "$T/out.svg")" ok "geometry: children inside parents, widths proportional"
is "$(svg_frames "$T/out.svg" | tr '\t' ' ' | tr '\n' '|')" \
  "all 85|compute 55|io 25|log 15|main 85|read 25|sqrt 30|" "every frame with its count"
like '<title>compute \(55 samples, 64\.71%\)</title>' "$out" "titles keep flamegraph.pl's text"
like '<title>all \(85 samples, 100%\)</title>' "$out" "the root is 'all'"

run "$FLAMEKIT" graph -o "$T/a.svg" "$T/in.folded"
is "$rc:$out" "0:" "-o writes the file, nothing on stdout"
cmp -s "$T/a.svg" "$T/out.svg"
ok $? "-o writes the same bytes as stdout (and runs are reproducible)"
run "$FLAMEKIT" graph -o "$T/a.folded" "$T/in.folded"
like '^main;compute;log 15' "$(cat "$T/a.folded")" "-o picks the writer by extension"
run "$FLAMEKIT" graph --output-format folded "$T/in.folded"
like '^main 5' "$out" "--output-format names the writer"
run "$FLAMEKIT" graph --output-format nosuch "$T/in.folded"
is "$rc" 2 "an unknown output format is a usage error"
like "^flamekit: graph: --output-format: unknown format 'nosuch'" "$err" "and says which"
run "$FLAMEKIT" graph -o "$T/x.unknown" "$T/in.folded"
is "$rc" 2 "an extension no writer owns is a usage error (t5004 has more)"

# Escaping: hostile names still give a well-formed document that runs nothing.
{
  printf 'main;</script><script>alert(1)</script> 3\n'
  printf 'main;]]>&<>"'"'"' 2\n'
  printf 'main;\001\002ctl\033x 2\n'
  printf 'main;bad\377\376utf8\357\277\276 2\n'
  printf 'main;a\302\205b 1\n'
} >"$T/hostile.folded"
run "$FLAMEKIT" graph -o "$T/h.svg" --title '</text><script>x</script>' --subtitle ']]>' \
  --notes 'a -- b --> c' --countname '<&>' --nametype '"; alert(1); "' "$T/hostile.folded"
is "$rc" 0 "hostile names are drawn"
xmllint --noout "$T/h.svg"
ok $? "and the document is well-formed"
is "$(grep -c '<script' "$T/h.svg")" 1 "exactly one script element"
is "$(grep -o 'CDATA' "$T/h.svg" | wc -l)" 2 "only the style and script are CDATA"
like '&lt;/script&gt;&lt;script&gt;alert\(1\)&lt;/script&gt;' "$(cat "$T/h.svg")" "</script> is escaped"
like '\]\]&gt;&amp;&lt;&gt;&quot;&#39;' "$(cat "$T/h.svg")" "]]> and & < > \" ' are escaped"
like '\\x01\\x02ctl\\x1Bx' "$(cat "$T/h.svg")" "control characters become visible \\xNN"
like 'bad\\xFF\\xFEutf8\\u\{FFFE\}' "$(cat "$T/h.svg")" "bytes that are not UTF-8 become \\xNN"
like '<!--NOTES: a &#45;&#45; b &#45;&#45;&gt; c-->' "$(cat "$T/h.svg")" "notes cannot end the comment"
like 'data-nametype="&quot;; alert\(1\); &quot;"' "$(cat "$T/h.svg")" "settings are attributes, not script"

# Empty input: a valid page that says so, and a failure.
: >"$T/empty"
run "$FLAMEKIT" graph -o "$T/e.svg" "$T/empty"
is "$rc" 1 "no samples is a failure"
is "$err" "flamekit: graph: $T/empty: no recognised input: it is empty
flamekit: graph: skipped 1 item in all; --strict makes this fail
flamekit: graph: $T/empty: no samples in the input" "and says so, the empty input first, naming it"
xmllint --noout "$T/e.svg" && grep -q 'no samples in the input' "$T/e.svg"
ok $? "the SVG is still written and says so"

# Minimum width: elided frames are counted in the title.
{
  echo "main;big 100000"
  i=0
  while [ $i -lt 30 ]; do echo "main;tiny$i 1"; i=$((i + 1)); done
} >"$T/narrow.folded"
run "$FLAMEKIT" graph "$T/narrow.folded"
like '30 frames narrower than 0.1 px not drawn \(0.03% of samples in them\)' "$out" "elided frames are counted"
is "$(printf '%s\n' "$out" | grep -c '<title>tiny')" 0 "and not drawn"
like '<title>main [^<]*</title><rect [^>]*fk:w="100030" fk:s="0"/>' "$out" "a frame whose self weight the drawn children do not imply says it"
run "$FLAMEKIT" graph --minwidth 0 "$T/narrow.folded"
is "$(printf '%s\n' "$out" | grep -c '<title>tiny')" 30 "--minwidth 0 draws everything"
run "$FLAMEKIT" graph --minwidth 50% "$T/in.folded"
is "$(printf '%s\n' "$out" | grep -o '<title>[a-z]*' | tr '\n' ' ')" "<title>all <title>main <title>compute " "--minwidth N% is a share of the total"
run "$FLAMEKIT" graph --minwidth 1x "$T/in.folded"
is "$rc" 2 "a bad --minwidth is a usage error"

# Icicle and flame chart.
run "$FLAMEKIT" graph --inverted "$T/in.folded"
like '<title>all[^<]*</title><rect x="0.000%" y="36"' "$out" "--inverted puts the root at the top"
like '<text id="title" x="50%" y="24">Icicle Graph</text>' "$out" "with its title"
printf 'm;a 1\nm;b 1\nm;a 2\n' >"$T/chart.folded"
run "$FLAMEKIT" graph --flamechart "$T/chart.folded"
is "$(printf '%s\n' "$out" | grep -o '<title>[^<]*' | tr '\n' '|')" \
  "<title>all (4 samples, 100%)|<title>m (4 samples, 100.00%)|<title>a (1 samples, 25.00%)|<title>b (1 samples, 25.00%)|<title>a (2 samples, 50.00%)|" \
  "--flamechart keeps input order and merges only adjacent frames"

# Sorting siblings by width.
run "$FLAMEKIT" graph --sort width "$T/in.folded"
is "$(printf '%s\n' "$out" | grep -o '<title>[a-z]*' | tr '\n' ' ')" \
  "<title>all <title>main <title>compute <title>sqrt <title>log <title>io <title>read " "--sort width puts the widest first"
run "$FLAMEKIT" graph --sort size "$T/in.folded"
is "$rc" 2 "--sort takes name or width"

# Reverse and base.
run "$FLAMEKIT" graph --reverse --output-format folded "$T/in.folded"
is "$out" "$(printf 'compute;main 10\nlog;compute;main 15\nmain 5\nread;io;main 25\nsqrt;compute;main 30')" "--reverse turns every stack around"
printf 'a;Final;x;Final 4\na;Final;y 3\nb;z 2\n' >"$T/base.folded"
run "$FLAMEKIT" graph --base Final --output-format folded "$T/base.folded"
is "$out" "$(printf 'Final 4\nFinal;y 3')" "--base re-roots at the last base frame, the leaf included"
is "$err" "flamekit: graph: --base Final: left out 1 stack without any base symbol (weight 2, 22.2% of 9)" "and reports what it left out: stacks and weight"

# Differential: widths from the second count, colour from the change.
printf 'main;grew 10 30\nmain;shrank 30 10\nmain;same 5 5\n' >"$T/diff.folded"
run "$FLAMEKIT" graph "$T/diff.folded"
like '<title>grew \(30 samples, 66.67%; self share \+44.44 pp\)</title><rect [^>]*fill="#ff0000"' "$out" "growth is red, with the change"
like '<title>shrank \(10 samples, 22.22%; self share -44.44 pp\)</title><rect [^>]*fill="#0000ff"' "$out" "shrinkage is blue"
like '<title>same \(5 samples, 11.11%; self share 0.00 pp\)</title><rect [^>]*fill="#ffffff"' "$out" "no change is white"
run "$FLAMEKIT" graph --negate "$T/diff.folded"
like '<title>grew \(30 samples, 66.67%; self share -44.44 pp\)</title><rect [^>]*fill="#0000ff"' "$out" "--negate flips"

# Decimal counts stay exact; --factor and --total.
printf 'a;b 2.567\na 0.5\n' >"$T/dec.folded"
run "$FLAMEKIT" graph "$T/dec.folded"
like '<title>b \(2.567 samples, 83.70%\)' "$out" "decimal counts are shown exactly"
printf 'a 1234567\n' >"$T/big.folded"
run "$FLAMEKIT" graph --factor 2.5 --countname bytes "$T/big.folded"
like '<title>a \(3,086,418 bytes, 100.00%\)' "$out" "--factor and --countname, with thousands separators"
run "$FLAMEKIT" graph --total 100 "$T/in.folded"
like '<title>all \(85 samples, 85.00%\)' "$out" "--total draws against a larger total"
run "$FLAMEKIT" graph --total 10 "$T/in.folded"
is "$err" "flamekit: graph: --total 10 is less than the actual total 85; ignored" "--total below the total is ignored, with a warning"

# Colours: special frames, annotations, palettes, determinism.
printf 'java;-;--;f_[k];g_[j];h_[i] 1\n' >"$T/kinds.folded"
run "$FLAMEKIT" graph "$T/kinds.folded"
like '<title>- \(1 samples[^<]*</title><rect [^>]*fill="#c8c8c8"' "$out" "'-' frames are grey"
like '<title>-- \(1 samples[^<]*</title><rect [^>]*fill="#a0a0a0"' "$out" "'--' frames are darker grey"
like '<title>f \(1 samples' "$out" "annotations are hidden"
like '<title>f [^<]*</title><rect [^>]*fill="#[0-9a-f]{4}00"' "$out" "_[k] is orange"
run "$FLAMEKIT" graph --deterministic "$T/in.folded"
c1=$(printf '%s\n' "$out" | grep -o '<title>sqrt[^/]*' | grep -o 'fill="[^"]*"')
printf 'other;path;sqrt 3\n' >"$T/other.folded"
run "$FLAMEKIT" graph --deterministic "$T/other.folded"
c2=$(printf '%s\n' "$out" | grep -o '<title>sqrt[^/]*' | grep -o 'fill="[^"]*"')
is "$c2" "$c1" "--deterministic: a name gets the same colour in another file"
for p in hot mem io wakeup chain java js perl python rust red green blue aqua yellow purple orange; do
  "$FLAMEKIT" graph --colors "$p" "$T/in.folded" >"$T/p.svg" 2>"$T/err" && xmllint --noout "$T/p.svg" || echo "$p" >>"$T/badpal"
done
is "$(cat "$T/badpal" 2>/dev/null)" "" "every palette draws"
run "$FLAMEKIT" graph --colors plaid "$T/in.folded"
is "$rc" 2 "an unknown palette is a usage error"
run "$FLAMEKIT" graph --bgcolors '#12345z' "$T/in.folded"
is "$rc" 2 "a bad --bgcolors is a usage error"
run "$FLAMEKIT" graph --bgcolors '#123456' "$T/in.folded"
like 'stop-color="#123456" offset="5%"/><stop stop-color="#123456"' "$out" "--bgcolors #rrggbb is flat"
run "$FLAMEKIT" graph --uicolor 'red;}</style>' "$T/in.folded"
is "$rc" 2 "a colour that is not one is a usage error"
run "$FLAMEKIT" graph --fonttype 'Mono;}]]></style><script>x</script>' "$T/in.folded"
printf '%s\n' "$out" >"$T/f.svg"
xmllint --noout "$T/f.svg" && [ "$(grep -c '<script' "$T/f.svg")" = 1 ]
ok $? "a hostile --fonttype cannot leave the style"

# Palette file: read, used, updated.
printf 'sqrt->rgb(1,2,3)\nbroken line\n' >"$T/pal.map"
run "$FLAMEKIT" graph --palette-file "$T/pal.map" "$T/in.folded"
like '<title>sqrt[^<]*</title><rect [^>]*fill="rgb\(1,2,3\)"' "$out" "the palette file's colour is used"
like "pal.map:2: not a NAME->COLOR palette line; skipped" "$err" "a bad palette line is reported with its line"
like '^->#[0-9a-f]{6}$' "$(head -1 "$T/pal.map")" "new names are added, sorted (the root as \"\", as flamegraph.pl writes it)"
is "$(grep -c . "$T/pal.map")" 7 "one line per name"
before=$(cat "$T/pal.map")
run "$FLAMEKIT" graph --palette-file "$T/pal.map" "$T/in.folded"
is "$(cat "$T/pal.map")" "$before" "a second run keeps the palette"

# Name attributes.
printf 'sqrt\ttitle=square root\thref=https://example.com/?a=1&b=2\ttarget=_blank\tclass=hot\n' >"$T/attrs"
printf 'log\tonclick=alert(1)\thref=javascript:alert(1)\n' >>"$T/attrs"
run "$FLAMEKIT" graph --nameattr "$T/attrs" "$T/in.folded"
like '<a xlink:href="https://example.com/\?a=1&amp;b=2" target="_blank"><g class="hot"><title>square root</title>' "$out" "--nameattr sets title, link and class"
like "attrs:2: attribute 'onclick' not supported" "$err" "script attributes are refused"
like "attrs:2: href: only http, https and relative links are written; ignored" "$err" "javascript: links are refused"
! printf '%s\n' "$out" | grep -q 'alert'
ok $? "nothing of them reaches the SVG"
run "$FLAMEKIT" graph --strict --nameattr "$T/attrs" "$T/in.folded"
is "$rc" 1 "--strict fails on them"

# Usage errors.
for bad in "--width 5" "--height 1" "--fontsize 0.5" "--factor -1" "--total x" "--search-color 1;2"; do
  run "$FLAMEKIT" graph $bad "$T/in.folded"
  is "$rc" 2 "graph $bad is a usage error"
done
run "$FLAMEKIT" graph -o "$T/part.svg" "$T/nosuch" "$T/in.folded"
is "$rc" 1 "a missing input is a failure"
like "^flamekit: graph: .*nosuch: No such file or directory" "$err" "and says which"
grep -q '<title>sqrt' "$T/part.svg"
ok $? "the other inputs are still drawn"
run "$FLAMEKIT" graph --nameattr "$T/nosuch" "$T/in.folded"
is "$rc:$err" "1:flamekit: graph: --nameattr: $T/nosuch: No such file or directory" "a missing --nameattr file is a failure"
# Geometry on random trees, in every layout, with decimals and two counts.
for seed in 1 2 3 4 5; do
  awk -v seed=$seed 'BEGIN { srand(seed); n = 200 + int(rand() * 300)
    for (i = 0; i < n; i++) { d = 1 + int(rand() * 8); s = ""
      for (j = 0; j < d; j++) s = s (j ? ";" : "") "f" int(rand() * 6)
      if (seed == 4) print s, int(rand() * 50), int(rand() * 50)
      else if (seed == 5) print s, int(rand() * 5000) / 100
      else print s, 1 + int(rand() * (rand() < 0.1 ? 10000 : 20)) } }' >"$T/rand.folded"
  for opts in "" "--inverted --minwidth 0" "--sort width" "--flamechart" "--reverse --minwidth 2"; do
    "$FLAMEKIT" graph $opts -o "$T/r.svg" "$T/rand.folded" 2>/dev/null
    g=$(svg_geometry "$T/r.svg")
    [ "$g" = ok ] || { echo "# seed $seed, $opts: $g" >&2; break 2; }
  done
done
is "$g" ok "geometry holds on random trees in every layout"

run "$FLAMEKIT" graph --width 600 "$T/in.folded"
like '<svg version="1.1" width="600" [^>]*data-fluid="0"' "$out" "--width fixes the width"
done_testing
