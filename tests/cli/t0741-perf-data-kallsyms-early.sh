#!/bin/sh
# kallsyms starts loading at open when the capture's events sample the
# kernel and its header names the kernel's build id: its thread is made
# before the decoder's, not at the first sample with kernel frames (which
# the decoder's first batch brings, so that every thread waited for it).
# Seen in the order the reading thread makes its threads (strace -f).
. "$(dirname "$0")/lib.sh"
mkdir -p "$T/home"
export HOME="$T/home" # no build-id cache of this host
if ! command -v strace >/dev/null; then
  skip "needs strace"
  done_testing
  exit
fi
printf 'ffffffff81000000 T _text\n' >"$T/kallsyms"
# threads NAME...: the names of the threads made, in the order made
threads() {
  strace -f -qq -e trace=clone,clone3,prctl -o "$T/trace" "$FLAMEKIT" "$@" >/dev/null 2>&1
  awk '/clone/ && /= [0-9]+$/ { made[++n] = $NF }
       /PR_SET_NAME/ { if (match($0, /"[^"]*"/)) name[$1] = substr($0, RSTART + 1, RLENGTH - 2) }
       END { for (i = 1; i <= n; i++) if (made[i] in name) print name[made[i]] }' "$T/trace" |
    grep -E '^fk-(kallsyms|perf-decode)$' | tr '\n' ' '
}
# perf-c/inl.data: cpu-clock with the kernel sampled, [kernel.kallsyms] in
# its build-id table
is "$(threads graph -q --kallsyms "$T/kallsyms" "$TOP/corpora/perf-c/inl.data" -o "$T/a.svg")" \
  "fk-kallsyms fk-perf-decode " "kallsyms' thread is made before the decoder's"
# no build-id table, no kernel frames: kallsyms is never read
python3 "$TOP/tests/cli/mkperfdata.py" "$T/user.data"
is "$(threads graph -q --kallsyms "$T/kallsyms" "$T/user.data" -o "$T/b.svg")" \
  "fk-perf-decode " "no kallsyms thread for a capture without kernel frames or the kernel's id"
done_testing
