#!/bin/sh
# Names from other hosts are hostile: a ';', a line break or a control
# character in a frame name never reaches an output raw (re-reading the
# folded output gives the same stacks and weight; JSON, CSV, SVG and
# speedscope stay well-formed), and none reaches the terminal raw in a
# message. Every reader is fed such names; every writer writes them. The
# inputs are made here: mkperfdata.py writes the perf.data ones.
. "$(dirname "$0")/lib.sh"
H="$TOP/tests/cli"
ESC=$(printf '\033')

# --- perf.data: a DSO path with line breaks, a JIT symbol with ';' -----------
python3 "$H/mkperfdata.py" "$T/dso.data" --dso '/opt/x\nA;B 99999999\nC;D 1' --comm 'pr;og'
mkdir -p "$T/sym/tmp"
printf '7f0000000000 100 Lfoo;bar Ljava/lang/String;\n' >"$T/sym/tmp/perf-4242.map"
run "$FLAMEKIT" fold --symfs "$T/sym" "$T/dso.data"
is "$rc" 0 "perf.data with hostile names: exit 0"
is "$(printf '%s\n' "$out" | wc -l | tr -d ' ')" 1 "one stack is one line, whatever the dso path holds"
is "$out" 'pr:og;Lfoo:bar Ljava/lang/String:;[x\x0AA:B 99999999\x0AC:D 1] 3000' \
  "';' becomes ':' and line breaks \\x0A in perf.data names, as in text dumps"
like 'no ELF file found' "$err" "the missing dso is still named in the message"
run "$FLAMEKIT" fold --dso-only "$T/dso.data"
is "$out" 'pr:og;[perf-4242.map];[x\x0AA:B 99999999\x0AC:D 1] 3000' "--dso-only names follow the same rule"
run "$FLAMEKIT" fold --symfs "$T/sym" "$T/dso.data"
case "$err" in *"$(printf '\nA;B')"*) ok 1 "no forged message line" ;; *) ok 0 "no forged message line" ;; esac

# --- one hostile input per reader ----------------------------------------------
# Control characters, ';', quotes, markup and a spreadsheet formula in names.
# Bytes that are not UTF-8 and a C1 control (U+009B, CSI) too.
printf 'ma\033]0;pwn\007in;x\033[2Jy;"q" <b>&amp;</b> 2\nmain;=cmd|x 3\nmain;bad\377\376utf8;\302\233csi 1\n' >"$T/in.folded"
{
  printf 'prog  100   1.000000:     1 cpu-clock: \n'
  printf '\t  401000 le;af\033[2J+0x1 (/bin/prog)\n'
  printf '\t  402000 [unknown] (/bin/p;r\033]0;t\007og)\n\n'
  printf 'prog  100   1.000100:     1 cpu-clock: \n'
  printf '\t  401000 le;af\033[2J+0x1 (/bin/prog)\n'
  printf '\t  402000 [unknown] (/bin/p;r\033]0;t\007og)\n\n'
} >"$T/in.perf-script"
{
  printf 'CPU     ID                    FUNCTION:NAME\n  0  1  :tick-1s\n\n'
  printf '              a.out`le;af\033[2J+0x1\n              a.out`main+0x2\n                5\n'
} >"$T/in.dtrace"
{
  printf 'Attaching 1 probe...\n\n\n@[\n    le;af\033[2J+1\n    main+2\n]: 4\n'
} >"$T/in.bpftrace"
cp "$T/dso.data" "$T/in.perf-data"

# Totals of a folded file: "STACKS WEIGHT".
totals() { awk '{ n++; w += $NF } END { printf "%d %d\n", n, w }' "$1"; }

for r in folded perf-script dtrace bpftrace perf-data; do
  run "$FLAMEKIT" fold --format "$r" --symfs "$T/sym" -o "$T/$r.folded" "$T/in.$r"
  is "$rc" 0 "$r: fold exit 0"
  run "$FLAMEKIT" fold --format folded -o "$T/$r.again.folded" "$T/$r.folded"
  is "$(totals "$T/$r.again.folded")" "$(totals "$T/$r.folded")" \
    "$r: re-reading the folded output keeps stacks and weight"
  is "$(cat "$T/$r.again.folded")" "$(cat "$T/$r.folded")" "$r: folded output is a fixed point"
  if LC_ALL=C grep -q "$ESC" "$T/$r.folded"; then ok 1 "$r: no raw ESC in folded"; else ok 0 "$r: no raw ESC in folded"; fi
  run "$FLAMEKIT" graph --format "$r" --symfs "$T/sym" -o "$T/$r.json" -o "$T/$r.d3.json" \
    -o "$T/$r.speedscope.json" -o "$T/$r.csv" -o "$T/$r.svg" "$T/in.$r"
  is "$rc" 0 "$r: graph to every writer exit 0"
  python3 - "$T/$r" <<'EOF'
import csv, json, sys, xml.etree.ElementTree as ET
b = sys.argv[1]
for ext in (".json", ".d3.json", ".speedscope.json"):
    json.load(open(b + ext, encoding="utf-8"))
ET.parse(b + ".svg")
rows = list(csv.reader(open(b + ".csv", newline="", encoding="utf-8")))
assert len({len(r) for r in rows}) == 1, "ragged csv"
for r in rows:
    for cell in r:
        assert not cell[:1] in ("=", "+", "@") , "formula cell %r" % cell
        assert "\n" not in cell and "\x1b" not in cell, "raw control in %r" % cell
EOF
  ok $? "$r: json, d3, speedscope, svg parse; csv is rectangular, formula-safe, no raw controls"
done
like 'le:af\\x1B\[2J' "$(cat "$T/perf-script.folded")" "perf-script: control characters shown as \\xNN"
like '^main;bad\\xFF\\xFEutf8;\\xC2\\x9Bcsi 1$' "$(cat "$T/folded.folded")" "bytes that are not UTF-8 and C1 controls shown as \\xNN"
like '\[p:r\\x1B\]0:t\\x07og\]' "$(cat "$T/perf-script.folded")" "perf-script: dso basename of an unresolved frame cleaned too"

# Group frames: a comm with control characters is percent-encoded, as ';' is.
run "$FLAMEKIT" fold --group-by comm --format perf-data --symfs "$T/sym" "$T/in.perf-data"
like '^\[comm=pr%3Bog\];' "$out" "group frame: ';' percent-encoded"
python3 "$H/mkperfdata.py" "$T/esc.data" --comm 'a\x1b[2Jb'
run "$FLAMEKIT" fold --group-by comm --symfs "$T/sym" "$T/esc.data"
like '^\[comm=a%1B\[2Jb\];a\\x1B\[2Jb;' "$out" "group frame: ESC percent-encoded, the comm frame \\xNN"

# --- messages: member names and paths never drive the terminal ---------------
mkdir -p "$T/tar"
name=$(printf 'x\033]0;owned\007\033[2J\nflamekit: fold: forged.folded')
printf 'a;b 1\nnot a stack\n' >"$T/tar/$name"
(cd "$T/tar" && tar cf ../evil.tar -- *)
run "$FLAMEKIT" fold "$T/evil.tar"
is "$rc" 0 "a bad line in an evil member name: exit 0"
if printf '%s' "$err" | LC_ALL=C grep -q "$ESC"; then ok 1 "no ESC reaches stderr"; else ok 0 "no ESC reaches stderr"; fi
is "$(printf '%s\n' "$err" | grep -c '^flamekit: fold: forged')" 0 "no forged message line"
like 'x\\x1B\]0;owned\\x07\\x1B\[2J\\x0Aflamekit: fold: forged.folded:2' "$err" \
  "the member name shown escaped, with its line"
run "$FLAMEKIT" "$(printf 'fo\033[2Jld')"
is "$rc" 2 "unknown command: exit 2"
like "unknown command 'fo\\\\x1B\[2Jld'" "$err" "unknown command name escaped"
done_testing
