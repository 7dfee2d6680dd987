#!/bin/sh
# Issue 12's small items: --nameattr writes only http, https and relative
# links; info --json gives no key twice (build-id, one per binary, is an
# array).
. "$(dirname "$0")/lib.sh"
cd "$T" || exit 1
printf 'main;sqrt 3\nmain;log 2\nmain;exp 1\nmain;pow 1\nmain;sin 1\nmain;cos 1\nmain;tan 1\n' >in.folded
{
  printf 'sqrt\thref=https://example.com/sqrt\n'
  printf 'log\thref=docs/log.html\n'
  printf 'exp\thref=data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\n'
  printf 'pow\thref=vbscript:msgbox(1)\n'
  printf 'cos\thref=  JavaScript:alert(3)\n'
  # a CR inside the scheme, which URL parsers drop
  printf 'sin\thref=java\rscript:alert(2)\n'
} >attrs
run "$FLAMEKIT" graph --nameattr attrs in.folded
like '<a xlink:href="https://example.com/sqrt"' "$out" "an https link is written"
like '<a xlink:href="docs/log.html"' "$out" "a relative link is written"
! printf '%s\n' "$out" | grep -Eqi 'data:|vbscript|script:|alert|msgbox'
ok $? "data:, vbscript: and javascript: (mixed case, CR inside) do not reach the SVG"
like "attrs:3: href: only http, https and relative links are written; ignored" "$err" "data: is refused"
like "attrs:4: href: only http, https and relative links are written; ignored" "$err" "vbscript: is refused"
like "attrs:5: href: only http, https and relative links are written; ignored" "$err" "JavaScript: after spaces is refused"
like "attrs:6: href: only http, https and relative links are written; ignored" "$err" "java<CR>script: is refused"
run "$FLAMEKIT" graph --strict --nameattr attrs in.folded
is "$rc" 1 "--strict fails on refused links"

# info --json: no key twice in any object.
run "$FLAMEKIT" info --json "$TOP/corpora/perf-c/inl.data"
is "$rc" 0 "info --json of a perf.data"
printf '%s\n' "$out" >info.json
run python3 -c '
import json, sys
def hook(pairs):
    keys = [k for k, _ in pairs]
    dup = {k for k in keys if keys.count(k) > 1}
    if dup:
        sys.exit("repeated keys: %s" % sorted(dup))
    return dict(pairs)
doc = json.load(open("info.json"), object_pairs_hook=hook)
ids = doc["inputs"][0]["describe"]["build-id"]
assert isinstance(ids, list) and len(ids) > 1, ids
print(len(ids))
'
is "$rc" 0 "no repeated keys; build-id is an array ($out ids) $err"
done_testing
