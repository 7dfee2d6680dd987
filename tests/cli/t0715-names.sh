#!/bin/sh
# One name for one thing, whatever the reader (formats/names.h): an event
# is named without perf's modifiers on both paths of one real capture
# (corpora/perf-c/inl.default-event.{data,txt}, `cpu-clock:pppH`), and
# --event-filter takes either form; old perf's and DTrace's signatures give
# the frame perf.data gives, and --demangle-params keeps them for every reader;
# JIT frames (corpora/perf-jit) are named alike through perf.data and its text.
. "$(dirname "$0")/lib.sh"
C="$TOP/corpora/perf-c"
total() { awk '{ s += $NF } END { print s + 0 }'; }

# The capture has 176 samples (`perf report --stats`) of 1001001 ns each.
want=176176176
for f in inl.default-event.data inl.default-event.txt; do
  for e in "" cpu-clock cpu-clock:pppH cpu-clock:ppp; do
    run "$FLAMEKIT" fold ${e:+--event-filter "$e"} "$C/$f"
    is "$rc $(printf '%s\n' "$out" | total)" "0 $want" "$f --event-filter '${e:-(none)}' reads every sample"
  done
  run "$FLAMEKIT" info "$C/$f"
  like "events +cpu-clock$" "$out" "$f: info names the event cpu-clock"
  run "$FLAMEKIT" fold --event-filter task-clock "$C/$f"
  like "no samples of event task-clock" "$err" "$f: a filter that matches nothing says so"
done
# --group-by event: one root frame for both paths, and for both together
run "$FLAMEKIT" fold --group-by event "$C/inl.default-event.data" "$C/inl.default-event.txt"
is "$(printf '%s\n' "$out" | cut -d';' -f1 | sort -u)" "[event=cpu-clock]" \
  "--group-by event: one event for the capture and its perf script text"

# JIT frames (a perf-PID.map written as perf-map-agent writes it) are named
# alike on both paths: `org/x/Spin:::run`, not `Lorg/x/Spin;::run(J)V`, whose
# `;` would even split the frame in folded output.
J="$TOP/corpora/perf-jit"
jit() { grep -o '[^;]*Spin[^;]*' | sort | uniq -c; }
run "$FLAMEKIT" fold --symfs "$J/symfs" "$J/jit.data"
d=$(printf '%s\n' "$out" | jit)
run "$FLAMEKIT" fold "$J/jit.txt"
t=$(printf '%s\n' "$out" | jit)
is "$d" "$t" "JIT frames: perf.data and perf script name them alike"
like "^ +[0-9]+ org/x/Spin:::run( [0-9]+)?$" "$d" "JIT frames: named as the peers name Java frames"

# Signatures as old perf and DTrace print them (written here, after the
# layouts of FlameGraph's perf-vertx-stacks-01 and inferno's DTrace inputs).
cat >"$T/old.perf" <<'EOF'
java 4567 7000.000001: cycles:
	7f1e21627a75 oopDesc* PSPromotionManager::copy_to_survivor_space<false>(oopDesc*) (/opt/libjvm.so)
	7f1e2151a3b8 StealTask::do_it(GCTaskManager*, unsigned int) (/opt/libjvm.so)
	7f1e214e7d98 std::function<int (int, int)>::operator()(int, int) const (/opt/libjvm.so)
	7f1e2153e7a2 Lorg/x/Y;.call(Lorg/x/Z;)V (/tmp/perf-4567.map)
	7f1e2213f6ba start_thread (/lib/libpthread-2.19.so)

EOF
cat >"$T/old.dtrace" <<'EOF'

              libjvm.dylib`PSPromotionManager::drain_stacks_depth(bool)+0x1f
              libjvm.dylib`StealTask::do_it(GCTaskManager*, unsigned int)+0x2a
              libjvm.dylib`java_start(Thread*)+0xf6
                1
EOF
run "$FLAMEKIT" fold "$T/old.perf"
is "$out" "java;start_thread;org/x/Y:.call;std::function<int (int, int)>::operator();StealTask::do_it;PSPromotionManager::copy_to_survivor_space<false> 1" \
  "perf script: parameter lists and return types go, operator() and templates stay, Java as the peers"
run "$FLAMEKIT" fold "$T/old.dtrace"
is "$out" "libjvm.dylib\`java_start;libjvm.dylib\`StealTask::do_it;libjvm.dylib\`PSPromotionManager::drain_stacks_depth 1" \
  "dtrace: parameter lists go, as in every reader"
run "$FLAMEKIT" fold --demangle-params "$T/old.perf"
is "$out" "java;start_thread;org/x/Y:.call(Lorg/x/Z:)V;std::function<int (int, int)>::operator()(int, int) const;StealTask::do_it(GCTaskManager*, unsigned int);oopDesc* PSPromotionManager::copy_to_survivor_space<false>(oopDesc*) 1" \
  "perf script --demangle-params keeps the signatures"
run "$FLAMEKIT" fold --demangle-params "$T/old.dtrace"
is "$out" "libjvm.dylib\`java_start(Thread*);libjvm.dylib\`StealTask::do_it(GCTaskManager*, unsigned int);libjvm.dylib\`PSPromotionManager::drain_stacks_depth(bool) 1" \
  "dtrace --demangle-params keeps the signatures"
done_testing
