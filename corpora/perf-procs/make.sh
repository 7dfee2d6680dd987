#!/bin/sh
# Remakes the perf-procs corpus: eight processes at once whose maps keep
# changing (remap.c: dlopen/dlclose of libm, fork + exec of /bin/true),
# recorded with frame-pointer call graphs. Run as root in this folder
# (perf 6.1, Debian 12).
set -e
cd "$(dirname "$0")"
gcc -O2 -g -fno-omit-frame-pointer -o remap remap.c
perf record -q -e cpu-clock -F 999 -g -o procs.data -- \
  sh -c 'for i in 1 2 3 4 5 6 7 8; do ./remap 1000 >/dev/null & done; wait'
