#!/bin/sh
# The progress line: on a terminal only, never with -q, never on stdout; it
# moves within one input (bytes and samples read so far), counts perf.data
# bytes, and says "1 input". A hint when standard input is a terminal.
. "$(dirname "$0")/lib.sh"
f="$TOP/corpora/hosts/web01/perf.folded"
run "$FLAMEKIT" fold "$f"
is "$err" "" "no progress when stderr is not a terminal"
# tty CMD: what a terminal shows of CMD's stderr (stdout to $T/tty.out)
tty() { script -qc "$1 >'$T/tty.out'" "$T/typescript" 2>&1 | tr '\r' '\n'; }
if command -v script >/dev/null 2>&1; then
  shown=$(tty "'$FLAMEKIT' fold '$f'")
  like "flamekit: fold: 1 input, [0-9]+ samples, [0-9.]+ KiB, [0-9.]+ MiB/s" "$shown" "progress on a terminal: 1 input, samples, bytes"
  quiet=$(script -qc "'$FLAMEKIT' fold -q '$f' >'$T/o'" "$T/typescript" 2>&1)
  is "$quiet" "" "-q: no progress on a terminal"
  out=$(script -qc "'$FLAMEKIT' fold '$f' 2>'$T/e'" "$T/typescript" | tr -d '\r')
  is "$out" "$("$FLAMEKIT" fold "$f")" "stdout on a terminal holds only the output"

  # perf.data is mapped, not read through the input: its bytes still count.
  pd="$TOP/corpora/perf-rust/rs.data"
  kib=$(awk -v s="$(wc -c <"$pd")" 'BEGIN { printf "%.1f KiB", s / 1024 }')
  shown=$(tty "'$FLAMEKIT' fold '$pd'")
  like "flamekit: fold: 1 input, [1-9][0-9]* samples, $kib," "$shown" "perf.data: its $kib are counted"

  # One input that is slow to come: the line moves before it ends.
  awk 'BEGIN { for (i = 0; i < 5000; i++) printf "main;f%d;leaf 1\n", i % 50 }' >"$T/part1"
  cp "$T/part1" "$T/part2"
  shown=$(tty "{ cat '$T/part1'; sleep 1; cat '$T/part2'; } | '$FLAMEKIT' fold")
  like "flamekit: fold: 0 inputs, [1-9][0-9]* samples, [1-9][0-9.]* KiB" "$shown" "progress within one input, before it ends"
  like "flamekit: fold: 1 input, 10000 samples" "$shown" "and the last line counts all of it"
  is "$(sort "$T/tty.out" | awk '{ n += $2 } END { print n }')" 10000 "the output is whole"
else
  for i in 1 2 3 4 5 6 7; do skip "script(1) not installed"; done
fi

# Standard input from a terminal: say that it is being read, then read it.
if command -v python3 >/dev/null 2>&1; then
  hint=$(python3 - "$FLAMEKIT" "$T" <<'EOF'
import os, pty, subprocess, sys, time
fk, tmp = sys.argv[1], sys.argv[2]
for args in (["fold"], ["fold", "-q"], ["info", "-"]):
    master, slave = pty.openpty()
    with open(os.path.join(tmp, "hint.out"), "wb") as out, open(os.path.join(tmp, "hint.err"), "wb") as err:
        p = subprocess.Popen([fk] + args, stdin=slave, stdout=out, stderr=err)
        os.close(slave)
        time.sleep(0.3)
        os.write(master, b"a;b 2\n")
        time.sleep(0.1)
        os.write(master, b"\x04")  # Ctrl-D at the start of a line: end of input
        rc = p.wait(timeout=20)
        os.close(master)
    e = open(os.path.join(tmp, "hint.err")).read().strip().replace("\n", "|")
    o = open(os.path.join(tmp, "hint.out")).read().split("\n")[0]
    print("%s rc=%d err=%s out=%s" % (" ".join(args), rc, e, o))
EOF
)
  like "^fold rc=0 err=flamekit: fold: reading standard input \(Ctrl-D to end\) out=a;b 2$" "$hint" "stdin on a terminal: the hint on stderr, then the input is read"
  like "^fold -q rc=0 err= out=a;b 2$" "$hint" "-q: no hint"
  like "^info - rc=0 err=flamekit: info: reading standard input \(Ctrl-D to end\) out=" "$hint" "info says it too"
else
  skip "python3 absent"; skip "python3 absent"; skip "python3 absent"
fi
done_testing
