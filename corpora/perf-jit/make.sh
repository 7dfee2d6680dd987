#!/bin/sh
# make.sh -- remakes this corpus (perf 6.1, gcc, Debian 12, x86-64): builds
# src/jit.c as `java-jit` (its comm starts with "java", as a JVM's does),
# records it and keeps its perf-PID.map under symfs/. Run as root here.
set -eu
w=$(mktemp -d /tmp/fk-corpus.XXXXXX)
trap 'rm -rf "$w"' EXIT
gcc -O2 -o "$w/java-jit" src/jit.c
perf record -q -F 999 -g -o jit.data "$w/java-jit"
perf script -i jit.data >jit.txt
pid=$(perf script -i jit.data -F pid | head -1 | tr -d ' ')
rm -rf symfs
mkdir -p symfs/tmp
mv "/tmp/perf-$pid.map" symfs/tmp/
chmod 644 jit.data
