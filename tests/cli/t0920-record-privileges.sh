#!/bin/sh
# flamekit record and the kernel's limits: perf_event_paranoid (checked as
# the user nobody, since root's perf ignores it) and kptr_restrict. Both are
# set for the test and restored on exit; what the machine cannot do is
# skipped with the reason.
. "$(dirname "$0")/lib.sh"

if ! command -v perf >/dev/null 2>&1 || ! perf record -q -o "$T/probe.data" true >/dev/null 2>&1; then
  skip "perf cannot record here: record's privilege checks are not tested"
  done_testing
  exit
fi
P=/proc/sys/kernel/perf_event_paranoid
K=/proc/sys/kernel/kptr_restrict
old_p=$(cat $P)
old_k=$(cat $K)
trap 'echo "$old_p" >$P 2>/dev/null; echo "$old_k" >$K 2>/dev/null; rm -rf "$T"' EXIT
chmod 755 "$T"
cc -O1 -o "$T/spin" -x c - <<'C'
static volatile double sink;
int main(void) { double s = 0; for (long i = 0; i < 30000000; i++) s += i * 0.5; sink = s; return 0; }
C
# the binary where nobody can run it, outputs where nobody can write
cp "$FLAMEKIT" "$T/flamekit"
mkdir -m 777 "$T/nb"
export TMPDIR="$T/nb" # captures kept after a failure go with the test's directory
as_nobody() { (cd "$T/nb" && setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"); }

if [ "$(id -u)" != 0 ] || ! command -v setpriv >/dev/null || ! as_nobody true 2>/dev/null; then
  skip "not root or no setpriv: perf_event_paranoid is not tested"
elif ! echo 3 >$P 2>/dev/null; then
  skip "$P cannot be written here: perf_event_paranoid is not tested"
else
  # Level 3 blocks unprivileged perf on Debian's kernels; mainline treats it as 2.
  run as_nobody "$T/flamekit" record -o x.svg -- "$T/spin"
  if [ "$rc" = 0 ]; then
    skip "this kernel ($(uname -r)) lets users sample their programs at perf_event_paranoid 3"
  else
    is "$rc" 1 "paranoid 3 as a user: exit 1"
    like "perf cannot sample here: kernel.perf_event_paranoid is 3" "$err" "says the level"
    like "sudo sysctl kernel.perf_event_paranoid=2" "$err" "gives the sysctl line"
  fi
  # Level 2 refuses system-wide sampling (-a) to users: perf fails, and
  # record says what the levels allow and the sysctl line.
  echo 2 >$P
  run as_nobody "$T/flamekit" record -c 'record -a -g' -o x.svg -- "$T/spin"
  is "$rc" 1 "-a at paranoid 2 as a user: exit 1"
  like "if perf's message is about access: kernel.perf_event_paranoid is 2" "$err" \
    "-a at paranoid 2: names the setting"
  like "levels: -1 everything; 0 CPU-wide and kernel data; 1 also kernel profiling" "$err" \
    "-a at paranoid 2: says what each level allows"
  like "sudo sysctl kernel.perf_event_paranoid=" "$err" "-a at paranoid 2: the sysctl line"
  # --root as a user: perf runs under sudo (a stand-in that logs and runs
  # the command) and the capture is given back with sudo chown.
  mkdir -m 755 "$T/bin"
  printf '#!/bin/sh\necho "$*" >>"%s/nb/sudo.log"\nexec "$@"\n' "$T" >"$T/bin/sudo"
  chmod 755 "$T/bin/sudo"
  run as_nobody env PATH="$T/bin:$PATH" "$T/flamekit" record -q --root --call-graph fp -o r.folded -- "$T/spin"
  is "$rc" 0 "--root as a user: exit 0"
  like "^$(command -v perf) record " "$(cat "$T/nb/sudo.log" 2>/dev/null)" "--root: perf runs under sudo"
  like "^chown [0-9]+:[0-9]+ " "$(cat "$T/nb/sudo.log" 2>/dev/null)" "--root: the capture is given back"
  echo "$old_p" >$P
fi

if ! echo 2 >$K 2>/dev/null; then
  skip "$K cannot be written here: kptr_restrict is not tested"
else
  run "$FLAMEKIT" record -q --call-graph fp -o "$T/k.svg" -- "$T/spin"
  echo "$old_k" >$K
  is "$rc" 0 "kptr_restrict 2: still recorded"
  like "kernel symbols are hidden \(kernel.kptr_restrict=2\): kernel frames will be unnamed; to name them: sudo sysctl kernel.kptr_restrict=0" \
    "$err" "kptr_restrict 2: says so and how to fix it"
  run "$FLAMEKIT" record -q --call-graph fp -o "$T/k.svg" -- "$T/spin"
  ok "$(printf '%s' "$err" | grep -q kptr_restrict && echo 1 || echo 0)" \
    "kptr_restrict $old_k as root: no warning"
fi
is "$(cat $P):$(cat $K)" "$old_p:$old_k" "the settings are restored"
done_testing
