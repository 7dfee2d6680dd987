#!/bin/sh
# hosts.sh -- the many-hosts bench: an archive of 100 hosts' dumps read with
# -j 1 and -j 2 (speedup), and peak RSS for 10 vs 100 members (memory must
# not grow with the number of members).
#   sh tests/bench/hosts.sh BUILD/flamekit
# The dumps are real: one `perf record` per host, each under its own hostname
# (unshare -u), kept as `perf script --header` text and, for readers that do
# not read that text yet, as folded stacks with one line per sample
# (corpora/hosts/collapse.awk). They are made once into $BENCH_DIR
# (default: build/bench-hosts next to the binary) and reused. Needs root
# and perf to make them; BENCH_RUNS (default 3) runs per figure, best kept.
set -e
FLAMEKIT=$(cd "$(dirname "${1:?usage: sh tests/bench/hosts.sh FLAMEKIT}")" && pwd)/$(basename "$1")
TOP=$(cd "$(dirname "$0")/../.." && pwd)
DIR=${BENCH_DIR:-$(dirname "$FLAMEKIT")/bench-hosts}
RUNS=${BENCH_RUNS:-3}
# The folded dumps of 100 hosts take a fraction of a second to read: the
# archive is named REPEAT times on the command line so that a run lasts long
# enough to time on a shared machine (400 members for the default 4).
REPEAT=${BENCH_REPEAT:-4}
N=100
mkdir -p "$DIR/dumps"

workload() { # i -> a command of about a second of CPU, different per host
  case $(($1 % 4)) in
  0) echo 'head -c 40000000 /dev/urandom | gzip -1 >/dev/null' ;;
  1) echo 'head -c 400000000 /dev/zero | sha256sum >/dev/null' ;;
  2) echo 'i=0; while [ $i -lt 1500000 ]; do i=$((i+1)); done' ;;
  3) echo 'seq 3000000 | sort -n >/dev/null' ;;
  esac
}

i=1
while [ $i -le $N ]; do
  h=$(printf 'host%03d' $i)
  if [ ! -s "$DIR/dumps/$h/perf.folded" ]; then
    mkdir -p "$DIR/dumps/$h"
    echo "bench: recording $h" >&2
    unshare -u sh -c "hostname $h; perf record -q -e cpu-clock -F 2999 -g -o '$DIR/$h.data' -- sh -c '$(workload $i)'" >/dev/null 2>&1
    perf script --header -i "$DIR/$h.data" 2>/dev/null >"$DIR/dumps/$h/perf.txt"
    rm -f "$DIR/$h.data" "$DIR/$h.data.old"
    awk -v each=1 -f "$TOP/corpora/hosts/collapse.awk" "$DIR/dumps/$h/perf.txt" >"$DIR/dumps/$h/perf.folded.tmp"
    mv "$DIR/dumps/$h/perf.folded.tmp" "$DIR/dumps/$h/perf.folded"
  fi
  i=$((i + 1))
done

# The archives: folded members (readable today); perf script text as well
# once a reader claims it.
names() { i=1; while [ $i -le $1 ]; do printf 'host%03d/perf.folded\n' $i; i=$((i + 1)); done; }
if "$FLAMEKIT" help 2>/dev/null | grep -q '^  perf-script'; then
  names() { i=1; while [ $i -le $1 ]; do printf 'host%03d/perf.txt\n' $i; i=$((i + 1)); done; }
fi
for n in 10 $N; do
  (cd "$DIR/dumps" && names $n | tar cf - -T -) | zstd -q -3 -c >"$DIR/hosts$n.tar.zst"
done

best() { # runs a command RUNS times; prints the fastest "seconds maxrss_kib user sys"
  r=0
  b=""
  while [ $r -lt "$RUNS" ]; do
    /usr/bin/time -f '%e %M %U %S' -o "$DIR/time" "$@" >"$DIR/out" 2>/dev/null
    t=$(cat "$DIR/time")
    if [ -z "$b" ] || [ "$(echo "$t $b" | awk '{print ($1 < $5)}')" = 1 ]; then b=$t; fi
    r=$((r + 1))
  done
  echo "$b"
}

arch="$DIR/hosts$N.tar.zst"
args=""
r=0
while [ $r -lt "$REPEAT" ]; do args="$args $arch"; r=$((r + 1)); done
size=$(du -k "$arch" | cut -f1)
raw=$(cd "$DIR/dumps" && names $N | xargs cat | wc -c)
# shellcheck disable=SC2086
j1=$(best "$FLAMEKIT" fold -q -j 1 $args)
cp "$DIR/out" "$DIR/out.j1"
# shellcheck disable=SC2086
j2=$(best "$FLAMEKIT" fold -q -j 2 $args)
cmp -s "$DIR/out" "$DIR/out.j1" && same=identical || same=DIFFERENT
m10=$(best "$FLAMEKIT" fold -q -j 2 "$DIR/hosts10.tar.zst")
m100=$(best "$FLAMEKIT" fold -q -j 2 "$arch")
echo "hosts bench: $N hosts, $(($raw / 1048576)) MiB of dumps in a ${size} KiB tar.zst, named $REPEAT times; $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg)"
echo "$j1 $j2" | awk '{printf "  fold -j 1: %.2f s (cpu %.2f s)   -j 2: %.2f s (cpu %.2f s)   speedup %.2fx (target >= 1.7x)\n", $1, $3 + $4, $5, $7 + $8, $1 / $5}'
echo "  output of -j 1 and -j 2: $same"
echo "$m10 $m100" | awk '{printf "  peak RSS (-j 2): 10 members %d MiB, 100 members %d MiB\n", $2 / 1024, $6 / 1024}'
echo "  (best of $RUNS runs each; on a loaded machine the speedup is understated: compare the cpu times)"
