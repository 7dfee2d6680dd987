#!/bin/sh
# Every stack transform in every command that reads stacks (fold, graph,
# diff, record), the same result in each, and a report of what each filter
# dropped. `info` lists what inputs hold and takes none.
. "$(dirname "$0")/lib.sh"
# The long options of COMMAND's --help, one a line.
opts() { "$FLAMEKIT" "$1" --help | grep -oE '^ +(-[a-zA-Z], )?--[a-z-]+' | sed 's/.*--//' | sort -u; }
for o in skip-after include exclude focus hide collapse-recursion no-strip-offsets strip-hex \
  base reverse minwidth group-by time-range; do
  for c in fold graph diff record; do
    is "$(opts "$c" | grep -cx -- "$o")" 1 "$c --$o"
  done
  is "$(opts info | grep -cx -- "$o")" 0 "info has no --$o"
done

printf 'main;run;work 6\nmain;run;io 3\nmain;idle 1\n' >"$T/a.folded"
printf 'main;run;work 8\nmain;run;io 3\nmain;idle 1\n' >"$T/b.folded"
# The same transforms, the same stacks: fold, graph's folded output, and
# each column of diff.
for t in "--reverse" "--base run" "--base run --reverse" "--include io --reverse" "--hide run --base main"; do
  # shellcheck disable=SC2086
  f=$("$FLAMEKIT" fold $t "$T/a.folded" 2>/dev/null)
  # shellcheck disable=SC2086
  g=$("$FLAMEKIT" graph $t --output-format folded "$T/a.folded" 2>/dev/null)
  # shellcheck disable=SC2086
  d=$("$FLAMEKIT" diff $t "$T/a.folded" "$T/b.folded" 2>/dev/null | awk '$2 != 0 { print $1, $2 }')
  like '^[a-z;]+ [0-9]+' "$f" "fold $t writes stacks"
  is "$g" "$f" "fold $t = graph $t"
  is "$d" "$f" "fold $t = diff $t (BEFORE's column)"
done
run "$FLAMEKIT" fold --reverse "$T/a.folded"
is "$out" "$(printf 'idle;main 1\nio;run;main 3\nwork;run;main 6')" "fold --reverse turns the stacks around"

# What a filter drops is said, in every command, with stacks and weight.
run "$FLAMEKIT" fold --include io "$T/a.folded"
is "$err" "flamekit: fold: --include io: left out 2 stacks without a matching frame (weight 7, 70.0% of 10)" "fold --include says what it left out"
run "$FLAMEKIT" graph --exclude io -o "$T/g.svg" "$T/a.folded"
is "$err" "flamekit: graph: --exclude io: left out 1 stack with a matching frame (weight 3, 30.0% of 10)" "graph --exclude says so"
run "$FLAMEKIT" diff --focus '^run$' "$T/a.folded" "$T/b.folded"
is "$err" "$(printf '%s\n' \
  "flamekit: diff: $T/a.folded: --focus ^run\$: left out 1 stack without a matching frame (weight 1, 10.0% of 10)" \
  "flamekit: diff: $T/b.folded: --focus ^run\$: left out 1 stack without a matching frame (weight 1, 8.3% of 12)")" \
  "diff --focus says so for each side, naming it"
run "$FLAMEKIT" fold --hide '^run$' "$T/a.folded"
is "$err" "flamekit: fold: --hide ^run\$: removed 1 frame from the stacks (no weight lost)" "--hide says what it removed"
run "$FLAMEKIT" fold --base nosuch "$T/a.folded"
is "$rc" 1 "--base that matches nothing: nothing left, exit 1"
is "$err" "$(printf '%s\n' \
  "flamekit: fold: --base nosuch: left out 3 stacks without any base symbol (weight 10, 100.0% of 10)" \
  "flamekit: fold: $T/a.folded: no samples left after the transforms")" "... and says so"
run "$FLAMEKIT" fold --include run "$T/a.folded"
is "$err" "flamekit: fold: --include run: left out 1 stack without a matching frame (weight 1, 10.0% of 10)" "a filter that keeps something: exit 0"
is "$rc" 0 "... exit 0"
# A filter that keeps every stack says nothing (main, on every path, took no
# weight of its own: it is not a frame removed).
run "$FLAMEKIT" fold --include '^(work|io|idle)$' "$T/a.folded"
is "$err" "" "--include that keeps everything: nothing said"
is "$rc" 0 "... exit 0"
# -q hides only the progress line: what a filter dropped is still said.
run "$FLAMEKIT" fold -q --include run "$T/a.folded"
is "$err" "flamekit: fold: --include run: left out 1 stack without a matching frame (weight 1, 10.0% of 10)" "-q still says what --include left out"
# Several steps: each says what it dropped, in the order they run (the
# plan's: filters, then --base, then --minwidth), whatever the order given.
run "$FLAMEKIT" fold --minwidth 40% --base run --exclude idle "$T/a.folded"
is "$err" "$(printf '%s\n' \
  "flamekit: fold: --exclude idle: left out 1 stack with a matching frame (weight 1, 10.0% of 10)" \
  "flamekit: fold: --minwidth 40%: pruned 1 frames narrower than 4 (weight 3 removed)")" \
  "one line per step that dropped something, in the plan's order"
is "$out" "run;work 6" "... and the stacks of all three"

# A differential input (two counts a line) stays one whatever the transforms
# leave of it: --base and --reverse as the filters do.
printf 'main;run;work 6 8\nmain;idle 1 1\n' >"$T/d.folded"
for t in "--include nosuch" "--base nosuch" "--base nosuch --reverse" "--reverse --exclude ."; do
  # shellcheck disable=SC2086
  run "$FLAMEKIT" graph $t --output-format json "$T/d.folded"
  is "$rc" 1 "graph $t of a differential input: nothing left, exit 1"
  like '"kind":"diff"' "$out" "... still a differential profile"
done

# record draws through graph's path: the same transforms and reports.
if command -v perf >/dev/null 2>&1 && perf record -q -o "$T/probe.data" true >/dev/null 2>&1; then
  cc -O1 -g -o "$T/spin" -x c - <<'C'
static volatile double sink;
static void __attribute__((noinline)) work(long n) { double s = 0; for (long i = 0; i < n; i++) s += (double)i * 0.5; sink = s; }
int main(void) { work(30000000); return 0; }
C
  run "$FLAMEKIT" record -q --call-graph fp --perfdata "$T/spin.data" --hide '^work$' --reverse \
    --output-format folded -o "$T/rec.folded" -- "$T/spin"
  is "$rc" 0 "record --hide --reverse: exit 0"
  like '^flamekit: record: --hide \^work\$: removed [0-9]+ frames? from the stacks \(no weight lost\)$' \
    "$err" "record says what --hide removed"
  run "$FLAMEKIT" fold --hide '^work$' --reverse "$T/spin.data"
  is "$(cat "$T/rec.folded")" "$out" "record --hide --reverse draws what fold gives of its capture"
  like '(^|;)spin [0-9]+$' "$out" "... reversed (the process's frame last), work hidden"
else
  skip "perf cannot record here: record's transforms are not tested"
fi
done_testing
