#!/bin/sh
# farm.sh -- how far one machine goes (docs/scale-out.md, "When one machine
# is enough"). Usage: sh tests/bench/farm.sh BUILD/flamekit [HOSTS] [DISTINCT]
#
# 1. Hosts per minute: HOSTS (default 200) per-host archives
#    (`perf.all-hostNNN-20261201.tar.gz`, each the `perf script --header`
#    text of one of the real corpus captures: corpora/hosts, corpora/demo,
#    corpora/perf-script; 20-200 KB a host) folded by one `fold --partial
#    --group-by host` run, at -j 1 and at the default -j; the median of 3.
#    COPIES=N (environment; default 1) makes each host's text N captures
#    back to back, for dumps of realistic size (COPIES=100: 2-20 MB a host).
# 2. Memory per million distinct stacks: peak RSS of `fold -j 1` over
#    gen-folded's profile of up to DISTINCT (default 200000) distinct stacks
#    (SHARE=1: stacks that share prefixes as real ones do; SHARE=0, the
#    adversarial case where nearly every frame is a new node), less the peak
#    of a run over a 1-stack input, per distinct stack written, times 10^6.
# Not part of `make check`; brief (a minute on a 2-core VM). Prints what it
# measured, with the machine's load, since a shared VM varies.
set -e
fk=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
hosts=${2:-200}
distinct=${3:-200000}
top=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/fk-farm.XXXXXX")
trap 'rm -rf "$work"' EXIT

set -- "$top"/corpora/hosts/*/perf.txt "$top"/corpora/demo/*.perf.txt "$top"/corpora/perf-script/*.txt
n=$#
mkdir -p "$work/archives" "$work/stage"
i=0
bytes=0
while [ $i -lt "$hosts" ]; do
  k=$((i % n + 1))
  eval "src=\${$k}"
  h=$(printf 'host%03d' $i)
  mkdir -p "$work/stage/$h"
  c=0
  while [ $c -lt "${COPIES:-1}" ]; do cat "$src"; c=$((c + 1)); done >"$work/stage/$h/perf.txt"
  bytes=$((bytes + $(stat -c %s "$work/stage/$h/perf.txt")))
  tar czf "$work/archives/perf.all-$h-20261201.tar.gz" -C "$work/stage/$h" perf.txt
  rm -rf "$work/stage/$h"
  i=$((i + 1))
done

median3() { sort -n | sed -n 2p; }
secs() { # ARGS...: wall seconds of one fold run
  s=$(date +%s.%N)
  "$fk" fold -q "$@" >/dev/null 2>&1 || true
  e=$(date +%s.%N)
  awk -v s="$s" -v e="$e" 'BEGIN { printf "%.2f\n", e - s }'
}
echo "farm: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%Y-%m-%dT%H:%MZ)"
for j in 1 0; do
  opt=""
  [ $j = 1 ] && opt="-j 1"
  t=$(for r in 1 2 3; do secs $opt --partial --group-by host -o "$work/part.folded" "$work"/archives/*.tar.gz; done | median3)
  label=$([ $j = 1 ] && echo "-j 1" || echo "-j $(nproc)")
  awk -v h="$hosts" -v b="$bytes" -v t="$t" -v l="$label" 'BEGIN {
    printf "farm: %d hosts (%d KiB of perf script text) %s: %.2f s, %.0f hosts/min, %.1f MiB/s\n",
      h, b / 1024, l, t, h * 60 / t, b / 1048576 / t }'
done
t=$(for r in 1 2 3; do secs "$work/part.folded" -o "$work/merged.folded"; done | median3)
echo "farm: merging that partial ($(($(stat -c %s "$work/part.folded") / 1024)) KiB): $t s"

cc -O2 -o "$work/gen-folded" "$top/tests/bench/gen-folded.c"
printf 'a;b 1\n' >"$work/one.folded"
peak() { /usr/bin/time -f %M "$fk" fold -q -j 1 "$@" -o "$work/out.folded" 2>&1 >/dev/null | tail -n 1; }
base=$(peak "$work/one.folded")
for share in 1 0; do
  "$work/gen-folded" $((distinct / 1000 + 1)) "$distinct" $share >"$work/big.folded"
  kb=$(peak "$work/big.folded")
  stacks=$(wc -l <"$work/out.folded")
  echo "farm: $stacks distinct stacks (SHARE=$share, $(($(stat -c %s "$work/big.folded") >> 20)) MiB): peak $((kb / 1024)) MiB, $(((kb - base) * 1000000 / stacks / 1024)) MiB per million distinct stacks"
done
