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
# and perf to make them; BENCH_RUNS (default 9) runs per figure, median kept.
set -e
FLAMEKIT=$(cd "$(dirname "${1:?usage: sh tests/bench/hosts.sh FLAMEKIT}")" && pwd)/$(basename "$1")
TOP=$(cd "$(dirname "$0")/../.." && pwd)
DIR=${BENCH_DIR:-$(dirname "$FLAMEKIT")/bench-hosts}
RUNS=${BENCH_RUNS:-9}
N=100
mkdir -p "$DIR/dumps"
cc -O2 -o "$DIR/walltime" "$TOP/tests/bench/walltime.c"

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

# The archives: one tar.zst of every host's dump (what a collector makes),
# and one tar.bz2 per host (what `perf archive`-style fleet jobs leave:
# perf.all-HOST-DATE.tar.bz2). perf script text where a reader claims it.
names() { i=1; while [ $i -le $1 ]; do printf 'host%03d/perf.folded\n' $i; i=$((i + 1)); done; }
member=perf.folded
if "$FLAMEKIT" help 2>/dev/null | grep -q '^  perf-script'; then
  names() { i=1; while [ $i -le $1 ]; do printf 'host%03d/perf.txt\n' $i; i=$((i + 1)); done; }
  member=perf.txt
fi
for n in 10 $N; do
  [ -s "$DIR/hosts$n.tar.zst" ] || (cd "$DIR/dumps" && names $n | tar cf - -T -) | zstd -q -3 -c >"$DIR/hosts$n.tar.zst"
done
# The same members as a plain tar and a tar.gz: what decompression costs,
# and the other decoder that runs ahead of the walk.
[ -s "$DIR/hosts$N.tar" ] || zstd -q -dc "$DIR/hosts$N.tar.zst" >"$DIR/hosts$N.tar"
[ -s "$DIR/hosts$N.tar.gz" ] || gzip -6 -c "$DIR/hosts$N.tar" >"$DIR/hosts$N.tar.gz"
mkdir -p "$DIR/per-host"
i=1
while [ $i -le $N ]; do
  h=$(printf 'host%03d' $i)
  a="$DIR/per-host/perf.all-$h-20261123.tar.bz2"
  [ -s "$a" ] || tar cf - -C "$DIR/dumps/$h" $member | bzip2 -c >"$a"
  i=$((i + 1))
done

# One run of flamekit fold -j J ARCHIVE... into OUT, appending "wall user
# sys peak-KB" to TIMES, the wall time to the millisecond (walltime -c): in
# GNU time's hundredths a 0.12 s run against a 0.08 s one read 1.50x where
# the milliseconds gave 1.56x.
timed() { # TIMES OUT J ARCHIVE...
  times=$1 out=$2 j=$3
  shift 3
  : >"$DIR/w"
  "$DIR/walltime" -c "$DIR/w" "$FLAMEKIT" fold -q -j "$j" "$@" >"$out" 2>/dev/null || true
  awk '{print $1, $3, $4, $2}' "$DIR/w" >>"$times"
}

# Runs -j 1 and -j 2 alternately RUNS times (so that a slow spell of a
# shared machine hits both alike); prints "median1 cpu1 median2 cpu2 rss2".
pair() {
  : >"$DIR/t1"
  : >"$DIR/t2"
  r=0
  while [ $r -lt "$RUNS" ]; do
    timed "$DIR/t1" "$DIR/out.j1" 1 "$@"
    timed "$DIR/t2" "$DIR/out" 2 "$@"
    r=$((r + 1))
  done
  cmp -s "$DIR/out" "$DIR/out.j1" || echo "bench: -j 1 and -j 2 differ on $*" >&2
  m1=$(sort -n "$DIR/t1" | awk '{l[NR]=$0} END {print l[int((NR+1)/2)]}')
  m2=$(sort -n "$DIR/t2" | awk '{l[NR]=$0} END {print l[int((NR+1)/2)]}')
  echo "$m1 $m2" | awk '{print $1, $2 + $3, $5, $6 + $7, $8}'
}
rss() { # peak RSS (KiB) of one -j 2 run
  /usr/bin/time -f '%M' -o "$DIR/time" "$FLAMEKIT" fold -q -j 2 "$@" >/dev/null 2>&1
  cat "$DIR/time"
}

# What two cores give here: the same CPU-bound loop alone, then two at once
# (on a shared VM the second core is not a whole one).
spin() { i=0; while [ $i -lt 1500000 ]; do i=$((i + 1)); done; }
calib() {
  t0=$(date +%s.%N)
  spin
  t1=$(date +%s.%N)
  spin &
  spin
  wait
  t2=$(date +%s.%N)
  echo "$t0 $t1 $t2" | awk '{printf "%.2f", 2 * ($2 - $1) / ($3 - $2)}'
}
ceiling=$(calib)

arch="$DIR/hosts$N.tar.zst"
size=$(du -k "$arch" | cut -f1)
raw=$(cd "$DIR/dumps" && names $N | xargs cat | wc -c)
one=$(pair "$arch")
one_gz=$(pair "$DIR/hosts$N.tar.gz")
one_tar=$(pair "$DIR/hosts$N.tar")
# shellcheck disable=SC2046
many=$(pair $(ls "$DIR"/per-host/*.tar.bz2))
both=$(pair "$arch" "$arch" "$arch" "$arch")
m10=$(rss "$DIR/hosts10.tar.zst")
m100=$(rss "$arch")
echo "hosts bench: $N hosts, $(($raw / 1048576)) MiB of dumps; $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg); median of $RUNS runs, -j 1 and -j 2 alternating"
show() {
  echo "$2" | awk -v what="$1" '{printf "  %-44s -j 1 %.3f s (cpu %.2f)  -j 2 %.3f s (cpu %.2f)  speedup %.2fx\n", what, $1, $2, $3, $4, $1 / $3}'
}
show "one tar.zst of all hosts (${size} KiB):" "$one"
show "the same members as one tar.gz:" "$one_gz"
show "the same members as one plain tar:" "$one_tar"
show "the same archive named 4 times:" "$both"
show "$N per-host tar.bz2 files (perf.all-HOST-...):" "$many"
echo "  (target: >= 1.7x from the second core on the one archive; output of -j 1 and -j 2 compared each time)"
echo "  two copies of a CPU-bound shell loop at once run ${ceiling}x as fast as one after the other: the most two cores give here now"
echo "$m10 $m100" | awk '{printf "  peak RSS (-j 2): 10 members %d MiB, 100 members %d MiB\n", $1 / 1024, $2 / 1024}'
