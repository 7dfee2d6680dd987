#!/bin/sh
# make.sh -- remakes this corpus (perf 6.1, g++, on Debian 12): builds
# src/spin.cc, records it with frame-pointer call graphs and writes the
# `perf script` layouts the reader must take. Run as root from this folder.
set -eu
w=$(mktemp -d /tmp/fk-corpus.XXXXXX)
trap 'rm -rf "$w"' EXIT
g++ -O0 -g -fno-omit-frame-pointer -pthread -o "$w/spin" src/spin.cc
perf record -q -F 499 -g -a -o "$w/sys.data" -- "$w/spin" 0.3
perf record -q -F 499 -g -o "$w/cpu.data" "$w/spin" 0.6
perf record -q -F 499 -g -e cpu-clock -e page-faults -o "$w/multi.data" "$w/spin" 0.3
perf script -i "$w/cpu.data" >default.txt
perf script -i "$w/cpu.data" -F comm,pid,tid,time,period,event,ip,sym,dso >pidtid.txt
perf script -i "$w/cpu.data" --header --ns >header-ns.txt
perf script -i "$w/cpu.data" -F comm,tid,time,ip,sym >nodso.txt
perf script -i "$w/multi.data" >multi-event.txt
perf script -i "$w/sys.data" -F comm,pid,tid,cpu,time,period,event,ip,sym,dso >system-wide-cpu.txt
