#!/bin/sh
# The process root frame (`comm`, `comm-PID`, `comm-PID/TID`) has one rule
# for every reader (fk_name_append_process): a pid that is not
# known is `?`, as stackcollapse-perf.pl and inferno write it when perf
# script printed only the tid. The kernel records pid -1 for a sample without
# a task (an exiting one); perf script prints it as `:-1    -1` and perf.data
# holds -1: both paths give the same root, `:-1-?/-1`, and keep the period.
# (The peers match digits only, so they take such a line's period for its tid
# and its time for part of the comm: `:-1____-1_____0.000000:-?/1000`, weight
# 1 a sample; docs/formats/perf-script.md says why flamekit differs.)
. "$(dirname "$0")/lib.sh"
H="$TOP/tests/cli"

python3 "$H/mkperfdata.py" "$T/notask.data" --sample-pid -1
# What perf 6.1's `perf script` prints for that file, default layout and with
# -F comm,pid,tid,time,period,event,ip,sym,dso.
cat >"$T/notask.txt" <<'EOF'
:-1    -1     0.000000:       1000 cpu-clock:HG: 
	          400100 [unknown] ([unknown])
	    7f0000000011 [unknown] ([unknown])

:-1    -1     0.000000:       1000 cpu-clock:HG: 
	          400100 [unknown] ([unknown])
	    7f0000000011 [unknown] ([unknown])

:-1    -1     0.000000:       1000 cpu-clock:HG: 
	          400100 [unknown] ([unknown])
	    7f0000000011 [unknown] ([unknown])

EOF
sed 's|^:-1    -1     |:-1    -1/-1        |' "$T/notask.txt" >"$T/notask-pid.txt"
F=comm,pid,tid,time,period,event,ip,sym,dso
if command -v perf >/dev/null 2>&1; then
  perf script -i "$T/notask.data" >"$T/perf.txt" 2>/dev/null
  perf script -i "$T/notask.data" -F $F >"$T/perf-pid.txt" 2>/dev/null
  ok "$(cmp -s "$T/perf.txt" "$T/notask.txt"; echo $?)" "perf script prints the samples as this test writes them"
  ok "$(cmp -s "$T/perf-pid.txt" "$T/notask-pid.txt"; echo $?)" "perf script -F $F too"
else
  skip "perf is not installed: the text is what perf 6.1 printed"
  skip "perf is not installed: the text is what perf 6.1 printed"
fi

for o in "" --pid --tid; do
  case $o in
  "") want=":-1" ;;
  --pid) want=":-1-?" ;;
  --tid) want=":-1-?/-1" ;;
  esac
  for f in notask.data notask.txt notask-pid.txt; do
    run "$FLAMEKIT" fold $o "$T/$f"
    is "$rc $out" "0 $want;[unknown];[unknown] 3000" "$f ${o:-(no option)}: root $want, every period kept"
  done
done

# A pid perf script did not print (its default layout shows the tid only) is
# `?` too, as the peers' own results write it (java-?/10992); a known one is
# kept on both paths.
python3 "$H/mkperfdata.py" "$T/known.data"
run "$FLAMEKIT" fold --tid "$T/known.data"
is "$(printf '%s\n' "$out" | cut -d';' -f1)" "prog-4242/4242" "perf.data --tid: comm-PID/TID"
printf 'prog   4242/4243 1.000000: 1 cpu-clock:\n\t400100 main (/bin/prog)\n\nprog   4243 1.000000: 1 cpu-clock:\n\t400100 main (/bin/prog)\n\n' >"$T/known.txt"
run "$FLAMEKIT" fold --tid "$T/known.txt"
is "$out" "prog-4242/4243;main 1
prog-?/4243;main 1" "perf script --tid: comm-PID/TID, and ? where perf printed no pid"
run "$FLAMEKIT" fold --pid "$T/known.txt"
is "$out" "prog-4242;main 1
prog-?;main 1" "perf script --pid: comm-PID, and ? where perf printed no pid"
done_testing
