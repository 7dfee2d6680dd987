#!/bin/sh
# `flamekit info`: members of an archive, what is not recognized, damage, and
# JSON that stays valid whatever the member names hold.
. "$(dirname "$0")/lib.sh"
H="$TOP/corpora/hosts"
mkdir -p "$T/p/web01" && cd "$T/p" || exit 1
cp "$H/web01/perf.folded" web01/
printf 'a;b 1\n' >'web01/we"ird\name	tab.folded'
head -c 64 /dev/zero >web01/junk.bin
tar czf "$T/w.tar.gz" --sort=name web01
run "$FLAMEKIT" info "$T/w.tar.gz"
ok $rc "info of an archive: exit 0"
like "w.tar.gz:web01/junk.bin" "$out" "lists an unrecognized member"
like "format   - \(not recognized\)" "$out" "and says no reader took it"
like 'web01/we"ird\\name\\x09tab.folded' "$out" "control characters in names are shown escaped"
like "3 inputs, [0-9]+ samples, 1 host: web01" "$out" "summary line"
run "$FLAMEKIT" info --strict "$T/w.tar.gz"
is $rc 1 "--strict: an unrecognized member fails"
run "$FLAMEKIT" info --json "$T/w.tar.gz"
if command -v python3 >/dev/null 2>&1; then
  names=$(printf '%s' "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); print("|".join(i["name"].split(":",1)[1] for i in d["inputs"]))')
  is "$names" "$(printf 'web01/junk.bin|web01/perf.folded|web01/we"ird\\name\ttab.folded')" "json parses, names round-trip exactly"
  samples=$(printf '%s' "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(sum(i["samples"] for i in d["inputs"]))')
  is "$samples" "$(($(wc -l <"$H/web01/perf.folded") + 1))" "json sample counts: one per folded line"
else
  skip "python3 absent"; skip "python3 absent"
fi
head -c 300 "$T/w.tar.gz" >"$T/cut.tar.gz"
run "$FLAMEKIT" info --json "$T/cut.tar.gz"
is $rc 1 "a damaged archive: exit 1"
like '"errors": \[".*cut.tar.gz' "$out" "and the error is in the JSON"
# Names are escaped by the JSON writers' one escaper (render/jsonout.c): a
# path with bytes that are not UTF-8 and a DEL gives \ufffd and \u007f, never
# the raw bytes.
odd="$T/$(printf 'od\377d\177x').folded"
printf 'main;f 1\n' >"$odd"
run "$FLAMEKIT" info --json "$odd"
like 'od\\ufffdd\\u007fx' "$out" "info --json: invalid UTF-8 and DEL in a name are escaped"
if printf '%s' "$out" | LC_ALL=C grep -q "$(printf '\177')"; then ok 1 "no raw DEL"; else ok 0 "no raw DEL"; fi
done_testing
