#!/bin/sh
# Outputs of one command agree with each other:
# the weight unit is decided once from what was read and named by every
# writer; a diff's change has one definition (fk_function_change: the share
# of AFTER's total minus the share of BEFORE's, in percentage points) in the
# graph, the tables and the JSON; the JSON report's inputs and hosts come from
# what was read; an extension no writer owns is a usage error.
. "$(dirname "$0")/lib.sh"
C="$TOP/corpora"

# Units: a cpu-clock capture is weighed by period, in nanoseconds.
run "$FLAMEKIT" graph -q "$C/perf-script/default.txt" -o "$T/u.svg" -o "$T/u.json" \
  -o "$T/u.speedscope.json" -o "$T/u.csv"
is "$rc" 0 "perf script text to four outputs"
like '<title>all \([0-9,]+ nanoseconds, 100%\)</title>' "$(cat "$T/u.svg")" "svg: the root names nanoseconds"
like 'data-countname="nanoseconds"' "$(cat "$T/u.svg")" "svg: and so does the script's tooltip"
like '"unit":"nanoseconds"' "$(cat "$T/u.json")" "json: unit nanoseconds"
like '"unit":"nanoseconds","startValue"' "$(cat "$T/u.speedscope.json")" "speedscope: nanoseconds, so its axis shows time"
like '^rank,function,module,self_nanoseconds,self_pct,total_nanoseconds,total_pct,hosts' \
  "$(cat "$T/u.csv")" "csv: the unit in the header"
run "$FLAMEKIT" graph -q --weight samples "$C/perf-script/default.txt" -o "$T/s.json"
like '"unit":"samples"' "$(cat "$T/s.json")" "--weight samples: samples"
run "$FLAMEKIT" graph -q "$C/perf-script/multi-event.txt" -o "$T/e.json"
like '"unit":"events"' "$(cat "$T/e.json")" "periods of another event: events"
run "$FLAMEKIT" graph -q --countname ticks "$C/perf-script/default.txt" -o "$T/c.svg" -o "$T/c.json" -o "$T/c.csv"
like '<title>all \([0-9,]+ ticks, 100%\)' "$(cat "$T/c.svg")" "--countname still overrides: svg"
like '"unit":"ticks"' "$(cat "$T/c.json")" "json"
like '^rank,function,module,self_ticks,' "$(cat "$T/c.csv")" "csv"
printf 'main;f 2\n' >"$T/n.folded"
run "$FLAMEKIT" graph "$T/n.folded"
like '<title>all \(2 samples, 100%\)' "$out" "folded counts stay samples"
if [ -f "$C/perf-c/inl.data" ]; then
  run "$FLAMEKIT" graph -q "$C/perf-c/inl.data" -o "$T/pd.json" -o "$T/pd.csv"
  like '"path":"[^"]*inl.data","member":null,"host":"[^"]+","format":"perf-data","event":"cpu-clock[^"]*","weight_unit":"nanoseconds","role":null,"total":[1-9][0-9]*,' \
    "$(cat "$T/pd.json")" "json inputs[]: host, format, event, unit and total from the perf.data"
  like '"hosts":1\}' "$(cat "$T/pd.json")" "one host read: each function was seen on 1"
  like '^1,[^,]*,[^,]*,[0-9]+,[0-9.]+,[0-9]+,[0-9.]+,1' "$(sed -n 2p "$T/pd.csv")" "and the csv says so"
fi
mkdir -p "$T/h/web01" "$T/h/web02"
printf 'main;f 2\n' >"$T/h/web01/p.folded"
printf 'main;g 2\n' >"$T/h/web02/p.folded"
run "$FLAMEKIT" graph --host-from '/(web[0-9]+)/' "$T/h" -o "$T/h.json"
like '"host":"mixed"' "$(cat "$T/h.json")" "two hosts in one input: mixed"
like '"name":"main",[^}]*"hosts":null' "$(cat "$T/h.json")" "and hosts per function unknown without --group-by host"
run "$FLAMEKIT" graph --host-from '/(web[0-9]+)/' --group-by host "$T/h" -o "$T/hg.json"
like '"name":"main",[^}]*"hosts":2' "$(cat "$T/hg.json")" "--group-by host counts them"

# One definition of the change: f's count grows (2 -> 3) but its share
# shrinks (50% -> 30%); without -n every writer says it shrank by 20 points.
printf 'main;f 2\nmain;g 2\n' >"$T/before.folded"
printf 'main;f 3\nmain;g 7\n' >"$T/after.folded"
run "$FLAMEKIT" diff "$T/before.folded" "$T/after.folded" -o "$T/d.svg" -o "$T/d.csv" -o "$T/d.json"
is "$rc" 0 "diff to svg, csv and json"
like '<title>f \(3 samples, 30.00%; self share -20.00 pp\)</title><rect [^>]*fill="#[0-9a-f]{4}ff"' \
  "$(cat "$T/d.svg")" "svg: f shrank by 20 points, blue"
like '<title>g \(7 samples, 70.00%; self share \+20.00 pp\)</title><rect [^>]*fill="#ff[0-9a-f]{4}"' \
  "$(cat "$T/d.svg")" "svg: g grew by 20 points, red"
like 'total_change_pp,relative_change,before_self_pct,after_self_pct,self_change_pp' "$(cat "$T/d.csv")" \
  "csv: the change named in the header"
grep -q '^[0-9],f,,2,3,2,3,50.0000,30.0000,-20.0000,0.5000,50.0000,30.0000,-20.0000' "$T/d.csv"
ok $? "csv: the same -20 points for f"
like '"name":"f",[^}]*"change_pp":-20.0000,"self_change_pp":-20.0000' "$(cat "$T/d.json")" "json: the same"
like '<text id="title"[^>]*>Differential Flame Graph</text>' "$(cat "$T/d.svg")" "the title says differential"
like '<text id="legend"[^>]*><tspan fill="#ff0000">[^<]*grew</tspan>  <tspan fill="#0000ff">[^<]*shrank</tspan> in self share' \
  "$(cat "$T/d.svg")" "a legend says what red and blue mean"
like '<text id="legend2"[^>]*>not normalized; before: [^<]*before.folded \(4 samples\); after: [^<]*after.folded \(10 samples\)</text>' \
  "$(cat "$T/d.svg")" "and names before and after, not normalized"
run "$FLAMEKIT" diff -n "$T/before.folded" "$T/after.folded" -o "$T/dn.svg" -o "$T/dn.csv"
like '<title>f \(3 samples, 30.00%; self share -20.00 pp\)' "$(cat "$T/dn.svg")" "-n: the same change"
like 'id="legend2"[^>]*>normalized \(before scaled' "$(cat "$T/dn.svg")" "and the legend says normalized"
is "$(sed -n 2p "$T/dn.csv" | cut -d, -f10)" "$(sed -n 2p "$T/d.csv" | cut -d, -f10)" "-n: the csv change too"
run "$FLAMEKIT" diff --fail-if-grown 19 "$T/before.folded" "$T/after.folded"
is "$rc" 3 "the verdict uses the same change (g grew 20 points)"

# An extension no writer owns.
run "$FLAMEKIT" graph "$T/n.folded" -o "$T/report.html"
is "$rc" 2 "graph -o report.html: usage error"
like "^flamekit: graph: -o $T/report.html: no writer writes '.html' files \(known: .folded, .json, .d3.json, .speedscope.json, .csv, .svg\)" \
  "$err" "and lists the known ones"
[ ! -e "$T/report.html" ]
ok $? "nothing written"
run "$FLAMEKIT" fold "$T/n.folded" -o "$T/x.htm"
is "$rc" 2 "fold too"
run "$FLAMEKIT" diff "$T/n.folded" "$T/n.folded" -o "$T/x.html"
is "$rc" 2 "diff too"
run "$FLAMEKIT" graph "$T/n.folded" -o "$T/report.html" --output-format svg
is "$rc" 0 "--output-format says what to write"
like '^<\?xml' "$(head -c 5 "$T/report.html")" "and it is written"
run "$FLAMEKIT" graph "$T/n.folded" -o "$T/noext"
like '^<\?xml' "$(head -c 5 "$T/noext")" "no extension: the command's default"
done_testing
