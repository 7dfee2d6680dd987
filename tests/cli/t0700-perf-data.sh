#!/bin/sh
# flamekit reads perf.data captures as perf itself does: sample counts equal
# `perf report --stats`, and `flamekit fold --dso-only` equals
# `perf script -F comm,tid,ip,dso` collapsed the same way (frame by frame,
# at the level of the binaries, so it holds whatever the symbolizer names).
# Needs perf; skips without it.
. "$(dirname "$0")/lib.sh"
C="$TOP/corpora"

# Collapses `perf script -F comm,tid,ip,dso` into folded stacks: the comm
# (spaces as _) as the root frame, then each frame's dso as [basename]
# ([bracketed] pseudo-dsos as they are), root first.
collapse() {
  awk '
    function flush(   s, i) {
      if (!insample) return
      s = comm
      for (i = n; i >= 1; i--) s = s ";" f[i]
      if (n == 0) s = s ";[no callchain]"
      c[s]++; n = 0; insample = 0
    }
    /^[ \t]*$/ { flush(); next }
    /^[ \t]/ {
      d = $0; sub(/^[^(]*\(/, "", d); sub(/\)[ \t]*$/, "", d)
      b = d; sub(/^.*\//, "", b)
      f[++n] = (substr(d, 1, 1) == "[") ? d : "[" b "]"
      next
    }
    { flush(); insample = 1; comm = $0; sub(/[ \t]+[0-9]+[ \t]*$/, "", comm); gsub(/ /, "_", comm) }
    END { flush(); for (k in c) print k, c[k] }
  ' | LC_ALL=C sort
}

if ! command -v perf >/dev/null 2>&1; then
  skip "perf is not installed"
  done_testing
  exit
fi

for f in perf-c/inl.data perf-c/inl.pipe.data perf-c/inl.z.data perf-c/inl.inject.pipe.data \
         perf-cxx/tmpl.data perf-rust/rs.data perf-threads/thr.data perf-system/system.data; do
  want=$(perf report -i "$C/$f" --stats 2>/dev/null | awk '/SAMPLE events:/ { print $3; exit }')
  run "$FLAMEKIT" fold --weight samples --dso-only "$C/$f"
  ok "$rc" "$f: exit 0"
  got=$(printf '%s\n' "$out" | awk '{ s += $NF } END { print s + 0 }')
  is "$got" "$want" "$f: samples equal perf report --stats ($want)"
  perf script -i "$C/$f" -F comm,tid,ip,dso 2>/dev/null | collapse >"$T/perf"
  printf '%s\n' "$out" | LC_ALL=C sort >"$T/fk"
  if [ "$f" = perf-system/system.data ]; then
    # perf drops the 4 callchains that end in an invalid context marker and
    # prints those samples without frames; flamekit keeps the sampled address
    # and reports each one.
    is "$(grep -c 'callchain with an unknown context marker dropped' "$T/err")" 4 \
      "$f: the 4 invalid callchains are reported"
    # Per stack, flamekit has what perf has, plus those 4 samples in all.
    awk 'FNR == NR { if ($0 !~ /no callchain/) { w = $NF; sub(/ [0-9]+$/, ""); p[$0] = w }; next }
         { w = $NF; sub(/ [0-9]+$/, ""); d = w - p[$0]; delete p[$0]
           if (d < 0) miss -= d; else extra += d }
         END { for (k in p) miss += p[k]; print miss + 0, extra + 0 }' "$T/perf" "$T/fk" >"$T/d"
    is "$(cat "$T/d")" "0 4" "$f: every other sample's stack equals perf script's"
    is "$(awk '/no callchain/ { s += $NF } END { print s }' "$T/perf")" 4 \
      "$f: perf printed 4 samples without a callchain"
  else
    if cmp -s "$T/perf" "$T/fk"; then ok 0 "$f: folded equals perf script, frame by frame"; else
      ok 1 "$f: folded equals perf script, frame by frame"
      diff "$T/perf" "$T/fk" | head -10 | sed 's/^/# /' >&2
    fi
  fi
done

# The default weight is the period, summed as perf script prints it.
f=perf-c/inl.data
run "$FLAMEKIT" fold --dso-only "$C/$f"
is "$(printf '%s\n' "$out" | awk '{ s += $NF } END { print s }')" \
  "$(perf script -i "$C/$f" -F period 2>/dev/null | awk '{ s += $1 } END { print s }')" \
  "$f: default weight = the sum of perf script's periods"

# Two events: the first is read, like stackcollapse-perf; --event-filter picks.
f=perf-c/inl.2ev.data
run "$FLAMEKIT" fold --weight samples --dso-only "$C/$f"
is "$(printf '%s\n' "$out" | awk '{ s += $NF } END { print s }')" \
  "$(perf script -i "$C/$f" -F event 2>/dev/null | grep -c cpu-clock)" "$f: cpu-clock samples"
like "206 samples of events other than cpu-clock were not read" "$err" "$f: says what it left out"

# Truncated captures: a prefix is read and the cut is reported; --strict does
# not fail on a note.
run "$FLAMEKIT" fold --weight samples --dso-only "$C/perf-c/inl.cut.data"
ok "$rc" "inl.cut.data: exit 0"
like "inl.cut.data:0x3820: record: the capture ends inside a record" "$err" "inl.cut.data: torn record reported with its offset"
is "$(printf '%s\n' "$out" | awk '{ s += $NF } END { print s }')" 164 "inl.cut.data: 164 complete samples"
run "$FLAMEKIT" fold --dso-only "$C/perf-c/inl.killed.data"
like "data size is 0" "$err" "inl.killed.data: the unfinished header is reported"

# From standard input (no fd to mmap): file mode and pipe mode.
run sh -c "cat '$C/perf-c/inl.data' | '$FLAMEKIT' fold --dso-only"
is "$out" "$("$FLAMEKIT" fold --dso-only "$C/perf-c/inl.data")" "file mode from a pipe"
run sh -c "cat '$C/perf-c/inl.pipe.data' | '$FLAMEKIT' fold --dso-only"
is "$out" "$("$FLAMEKIT" fold --dso-only "$C/perf-c/inl.pipe.data")" "pipe mode from a pipe"
run sh -c "cat '$C/perf-c/inl.data' | '$FLAMEKIT' fold --dso-only --max-buffer-bytes 1000"
is "$rc" 1 "--max-buffer-bytes: a capture over the limit fails"
like "^flamekit: fold: -: more than the limit of 1000 bytes \(--max-buffer-bytes\) to hold in memory$" "$err" "--max-buffer-bytes: says why, naming the option"
run sh -c "cat '$C/perf-c/inl.data' | '$FLAMEKIT' fold --dso-only --max-buffer-bytes 1K"
like "more than the limit of 1024 bytes \(--max-buffer-bytes\)" "$err" "--max-buffer-bytes takes 1K"

# --strict turns the dropped callchains into a failure.
run "$FLAMEKIT" fold --strict --dso-only "$C/perf-system/system.data"
is "$rc" 1 "--strict fails on a dropped callchain"

# --pid/--tid, --kernel come from the perf-script reader's options when merged.
done_testing
