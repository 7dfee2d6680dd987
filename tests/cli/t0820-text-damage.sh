#!/bin/sh
# Damaged text dumps lose nothing without a count: lone-CR line ends are line
# ends, undecodable UTF-16 is replaced and reported, a `perf script` dump cut
# mid-line gives no made-up frame, and one whose first sample lost its event
# line is still read as perf script. The damaged files are made here from the
# real `perf script` corpus (corpora/perf-script/default.txt, perf 6.1).
. "$(dirname "$0")/lib.sh"
S="$TOP/corpora/perf-script/default.txt"
weight() { awk '{ w += $NF } END { print w + 0 }'; }

# --- lone CR ---------------------------------------------------------------
printf 'a;b 1\rc;d 2\re;f 4\r' >"$T/cr.folded"
run "$FLAMEKIT" fold "$T/cr.folded"
is "$rc" 0 "lone-CR folded: exit 0"
is "$out" "$(printf 'a;b 1\nc;d 2\ne;f 4')" "lone-CR line ends: three stacks"
is "$(printf '%s\n' "$out" | weight)" 7 "lone-CR line ends: the input's weight 7"
printf 'a;b 1\r\nc;d 2\r\re;f 4' >"$T/mixed.folded"
run "$FLAMEKIT" fold --strict "$T/mixed.folded"
is "$rc:$(printf '%s\n' "$out" | weight)" "0:7" "CRLF, lone CR and no final line end mixed: weight 7, nothing skipped"
tr '\n' '\r' <"$S" >"$T/cr.perf-script"
run "$FLAMEKIT" fold "$T/cr.perf-script"
a=$(printf '%s\n' "$out" | weight)
run "$FLAMEKIT" fold "$S"
is "$a" "$(printf '%s\n' "$out" | weight)" "perf script with lone CRs reads as with LFs"

# --- UTF-16 -----------------------------------------------------------------
# "a;b 1\n" then a lone high surrogate and " 2\n", then an odd last byte.
printf '\377\376a\000;\000b\000 \0001\000\n\000\000\330 \0002\000\n\000x' >"$T/u16.folded"
run "$FLAMEKIT" fold "$T/u16.folded"
is "$rc" 0 "torn UTF-16: exit 0 without --strict"
like "^a;b 1$" "$out" "torn UTF-16: the good line is read"
like "$(printf '^\357\277\275 2$')" "$out" "a lone surrogate becomes U+FFFD"
like "u16.folded: 2 UTF-16 code units that are no character \(a lone surrogate or an odd last byte\), the first at byte 14, read as U\+FFFD" \
  "$err" "lone surrogate and odd byte: reported with a count and an offset"
run "$FLAMEKIT" fold --strict "$T/u16.folded"
is "$rc" 1 "torn UTF-16: --strict exits 1"

# --- perf script cut mid-line ---------------------------------------------------
# Cut inside the first `__libc_start_call_main+0x7a (...)` frame line, as the
# issue's dump was; the line number, the frames before it and the sample's
# period are read off the corpus.
no=$(grep -n '__libc_start_call_main+0x' "$S" | head -1 | cut -d: -f1)
n=$(grep -b '__libc_start_call_main+0x' "$S" | head -1 | cut -d: -f1)
head -c $((n + 40)) "$S" >"$T/cut.txt"
period=$(awk -v no="$no" 'NR < no && /^[^ \t]/ { p = $4 } END { print p }' "$T/cut.txt")
complete=$(awk -v no="$no" 'NR < no && /^[^ \t#]/ { e++ } END { print e - 1 }' "$T/cut.txt")
like '__libc_start_call_main$' "$(tail -c 40 "$T/cut.txt")" "the cut copy ends inside a frame line"
run "$FLAMEKIT" fold "$T/cut.txt"
is "$rc" 0 "cut mid-line: exit 0"
case "$out" in *__libc_start_call_main\ *|*__libc_start_call_main) ok 1 "no frame from the cut line" ;; *) ok 0 "no frame from the cut line" ;; esac
is "$(printf '%s\n' "$out" | weight)" "$((complete * period))" "the $complete complete samples before the cut are kept"
like "cut.txt:$no: the input ends inside this line \(cut\?\): its sample, of which [0-9]+ frames were read, dropped" \
  "$err" "cut mid-line: reported with its line"
like "skipped 1 item in all \(weight $period\)" "$err" "cut mid-line: counted with its weight"
run "$FLAMEKIT" fold --strict "$T/cut.txt"
is "$rc" 1 "cut mid-line: --strict exits 1"
# cut inside the second event line
no=$(grep -n 'cpu-clock' "$S" | sed -n 2p | cut -d: -f1)
n=$(grep -b 'cpu-clock' "$S" | sed -n 2p | cut -d: -f1)
head -c $((n + 20)) "$S" >"$T/cut-event.txt"
run "$FLAMEKIT" fold "$T/cut-event.txt"
is "$(printf '%s\n' "$out" | wc -l | tr -d ' ')" 1 "cut inside an event line: no empty sample"
like "cut-event.txt:$no: the input ends inside this line \(cut\?\): the line dropped" "$err" \
  "cut inside an event line: reported"
# a dump whose last line ends but has no blank line after it is whole
no=$(grep -n 'cpu-clock' "$S" | sed -n 4p | cut -d: -f1)
head -n $((no - 2)) "$S" >"$T/noblank.txt"
run "$FLAMEKIT" fold --strict "$T/noblank.txt"
is "$rc:$(printf '%s\n' "$out" | weight)" "0:$((3 * period))" "a last sample without a blank line after it is whole"

# Only the last line end lost (an editor, a shell's $(...); speedscope's own
# test data is so): a frame line that ends its (dso) is whole.
head -n 5 "$S" | head -c -1 >"$T/noeol.txt"
run "$FLAMEKIT" fold --strict "$T/noeol.txt"
is "$rc:$(printf '%s\n' "$out" | weight)" "0:$period" "last line end lost after a whole frame: the sample is kept"
# Without dsos (-F ip,sym,symoff), a bare +0x still tells a cut.
sed 's/ ([^)]*)$//' "$S" >"$T/nodso.txt"
n=$(grep -b '__libc_start_call_main+0x' "$T/nodso.txt" | head -1 | cut -d: -f1)
head -c $((n + 43)) "$T/nodso.txt" >"$T/nodso-cut.txt"
like '__libc_start_call_main\+0x$' "$(tail -c 30 "$T/nodso-cut.txt")" "the dso-less copy ends in +0x"
run "$FLAMEKIT" fold "$T/nodso-cut.txt"
like "the input ends inside this line \(cut\?\)" "$err" "without dsos, a cut after +0x is reported"
nodso=$(head -n 2 "$TOP/corpora/perf-script/nodso.txt" | head -c -1)
printf '%s' "$nodso" >"$T/nodso-noeol.txt"
run "$FLAMEKIT" fold --strict "$T/nodso-noeol.txt"
is "$rc:$out" "0:spin;_dl_init_paths 1" "without dsos, a whole-looking last line is kept (a cut inside a name cannot be told)"

# --- first sample without its event line -------------------------------------
tail -n +2 "$S" >"$T/headless.txt"
run "$FLAMEKIT" fold "$T/headless.txt"
all=$(printf '%s\n' "$out" | weight)
run "$FLAMEKIT" fold --format perf-script "$T/headless.txt"
is "$all" "$(printf '%s\n' "$out" | weight)" "headless dump detected as --format perf-script reads it"
run "$FLAMEKIT" fold "$S"
first=$(awk 'NR == 1 { print $4 }' "$S")
is "$((all + first))" "$(printf '%s\n' "$out" | weight)" "only the headless first sample is missing"
frames=$(awk 'NR > 1 && !NF { exit } NR > 1 { f++ } END { print f }' "$S")
run "$FLAMEKIT" fold "$T/headless.txt"
like "headless.txt:1: $frames frames without an event line skipped \(the dump begins inside a sample\?\)" \
  "$err" "the headless sample is reported"
run "$FLAMEKIT" info "$T/headless.txt"
like "format +perf-script" "$out" "info: the headless dump is perf-script"
done_testing
