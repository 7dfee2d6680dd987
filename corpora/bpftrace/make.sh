#!/bin/sh
# make.sh -- remakes this corpus (bpftrace 0.17, g++, on Debian 12): builds
# ../perf-script/src/spin.cc and samples it at 99 Hz with bpftrace while it
# runs. Run as root from this folder.
set -eu
w=$(mktemp -d /tmp/fk-corpus.XXXXXX)
trap 'rm -rf "$w"' EXIT
g++ -O0 -g -fno-omit-frame-pointer -pthread -o "$w/spin" ../perf-script/src/spin.cc
F='/comm == "spin" || comm == "worker 1:a"/'
run() { # OUT PROGRAM [BPFTRACE-OPTION...]
  # bpftrace resolves user symbols when it prints (at exit), so spin is
  # started once bpftrace has attached and still runs when bpftrace exits
  # by itself 2 s later.
  out=$1 prog=$2
  shift 2
  timeout -k 5 60 bpftrace "$@" -e "$prog interval:s:2 { exit(); }" >"$out" 2>"$w/err" &
  bp=$!
  n=0
  until grep -q -i attach "$out" 2>/dev/null || [ $n -ge 300 ]; do sleep 0.1; n=$((n + 1)); done
  "$w/spin" 3 &
  sp=$!
  wait $bp || true
  wait $sp
}
run kstack-ustack.txt "profile:hz:99 $F { @[kstack, ustack] = count(); }"
run comm-pid-stacks.txt "profile:hz:99 $F { @[comm, pid, kstack, ustack] = count(); }"
run two-maps.txt "profile:hz:99 $F { @u[ustack] = count(); @k[comm, kstack] = count(); }"
run perf-mode.txt "profile:hz:99 $F { @[ustack(perf)] = count(); }"
run json.txt "profile:hz:99 $F { @[comm, ustack] = count(); }" -f json
