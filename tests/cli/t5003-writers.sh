#!/bin/sh
# The json, d3, speedscope and csv writers: every JSON output validates
# against docs/flamekit-json.schema.json; speedscope output validates against
# the schema speedscope ships in its npm package (tests/speedscope, installed by
# `make deps`) and carries the frame names and weights of the input.
. "$(dirname "$0")/lib.sh"
# Debian's python3 has the python3-jsonschema that make deps installs.
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3
cat >"$T/in.folded" <<'IN'
main;parse "quoted";a\b 3
main;run;work;work;compute 10
main;run;f(int, char);tab	here 2
start;worker;compute 6
start;worker;caf\303\251 1
IN
printf 'main;run;\377bad utf8 4\n' >>"$T/in.folded"
run "$FLAMEKIT" fold "$T/in.folded" -o "$T/p.json" -o "$T/p.d3.json" -o "$T/p.speedscope.json" -o "$T/p.csv"
is "$rc" 0 "fold writes four outputs from one read"
run "$FLAMEKIT" fold --group-by file "$T/in.folded" "$T/in.folded" -o "$T/g.json" -o "$T/g.speedscope.json"
printf 'main;run 1\n' >"$T/b.folded"
run "$FLAMEKIT" diff -n "$T/b.folded" "$T/in.folded" -o "$T/d.json"
is "$rc" 0 "diff writes json"
printf '' >"$T/empty.folded"
run "$FLAMEKIT" fold "$T/empty.folded" -o "$T/e.json"
"$PY" "$TOP/tests/cli/jsoncheck.py" "$TOP/docs/flamekit-json.schema.json" "$T/p.json" "$T/g.json" "$T/d.json" "$T/e.json" >"$T/check" 2>&1
rc=$?
if [ "$rc" = 77 ]; then
  skip "python3-jsonschema absent: JSON schema validation"
else
  is "$rc" 0 "every JSON output validates against the schema"
  [ "$rc" = 0 ] || sed 's/^/# /' "$T/check" >&2
fi
# the schema is strict: a broken document fails
sed 's/"format_version":1/"format_version":2/' "$T/p.json" >"$T/bad.json"
"$PY" "$TOP/tests/cli/jsoncheck.py" "$TOP/docs/flamekit-json.schema.json" "$T/bad.json" >/dev/null 2>&1
rc=$?
[ "$rc" = 77 ] || is "$rc" 1 "a wrong format_version fails validation"
# d3: name/value/children, value = total
like '^\{"name":"","value":26,"children":\[\{"name":"main","value":19,' "$(cat "$T/p.d3.json")" "d3 tree"
# csv
like 'rank,function,module,self_samples,self_pct,total_samples,total_pct,hosts' "$(cat "$T/p.csv")" "csv header"
grep -aqF '"f(int, char)",,0,0.0000,2,7.6923,0' "$T/p.csv"
ok $? "csv row with a quoted name"
# speedscope: names and weights as the importer sees them
"$PY" - "$T/p.speedscope.json" >"$T/ss" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
names = [f["name"] for f in d["shared"]["frames"]]
for p in d["profiles"]:
    for s, w in zip(p["samples"], p["weights"]):
        print(";".join(names[i] for i in s), w)
PY
"$FLAMEKIT" fold "$T/in.folded" >"$T/folded"
"$PY" -c 'import sys; sys.stdout.write(open(sys.argv[1], encoding="utf-8", errors="replace").read())' "$T/folded" >"$T/want"
cmp -s "$T/ss" "$T/want"
ok $? "speedscope samples equal the folded stacks (invalid UTF-8 as U+FFFD)"
like '"name":"\[file=' "$(cat "$T/g.speedscope.json")" "speedscope: one profile per group"
SS="$TOP/tests/speedscope/node_modules/speedscope/dist/release/file-format-schema.json"
if [ -f "$SS" ] && "$PY" -c 'import jsonschema' 2>/dev/null; then
  "$PY" -c '
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
for f in sys.argv[2:]:
    jsonschema.Draft7Validator(schema).validate(json.load(open(f)))
' "$SS" "$T/p.speedscope.json" "$T/g.speedscope.json"
  ok $? "speedscope output validates against speedscope's own file-format-schema.json"
else
  skip "speedscope npm package not installed (make deps): speedscope schema"
fi
done_testing
