#!/bin/sh
# svg.sh -- `make bench`, the SVG writer: time, peak memory and SVG size of
# `flamekit graph` on large folded inputs, side by side with flamegraph.pl
# (FLAMEGRAPH_DIR: a checkout of brendangregg/FlameGraph) and
# inferno-flamegraph (INFERNO_DIR: the directory of its binaries) when set.
# A benchmark, not a test: it prints figures. Runs alone:
#   sh tests/bench/svg.sh build/flamekit
#   SVG_BENCH_REPEAT (default 30): copies of the peers' example input
#   SVG_BENCH_DISTINCT (default 150000): distinct stacks of the generated input
set -u
FLAMEKIT=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
top=$(cd "$(dirname "$0")/../.." && pwd)
work=${BENCH_DIR:-$top/build/bench}/svg
mkdir -p "$work"
repeat=${SVG_BENCH_REPEAT:-30}
distinct=${SVG_BENCH_DISTINCT:-150000}

# run LABEL CMD...: stdout to $work/out.svg; prints elapsed and CPU seconds
# (the machine is shared, so CPU time is the steadier figure), peak RSS, size.
run() {
  label=$1
  shift
  if ! /usr/bin/time -f '%e %U %S %M' -o "$work/time" "$@" >"$work/out.svg" 2>"$work/err"; then
    echo "  $label: failed: $(tail -1 "$work/err")"
    echo "- - -" >"$work/last"
    return 1
  fi
  read -r secs user sys kb <"$work/time"
  cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')
  bytes=$(stat -c %s "$work/out.svg")
  printf '  %-20s %6.2f s elapsed %6.2f s CPU %7.1f MB peak RSS %7.2f MB SVG\n' "$label" "$secs" \
    "$cpu" "$(echo "$kb" | awk '{print $1 / 1024}')" "$(echo "$bytes" | awk '{print $1 / 1048576}')"
  echo "$cpu $kb $bytes" >"$work/last"
}

ratio() { # WHAT A B: "WHAT: A/B"
  awk -v w="$1" -v a="$2" -v b="$3" 'BEGIN { if (a > 0 && b > 0) printf "  %s: %.1fx\n", w, a / b }'
}

bench() { # LABEL FILE
  echo "$1 ($(awk '{printf "%.1f", $1 / 1048576}' <<EOF2
$(stat -c %s "$2")
EOF2
) MB, $(wc -l <"$2") lines)"
  run "flamekit fold" "$FLAMEKIT" fold "$2" # reading and merging alone, for scale
  run "flamekit graph" "$FLAMEKIT" graph "$2"
  read -r fs fk fb <"$work/last"
  if [ -n "${FLAMEGRAPH_DIR:-}" ] && [ -f "$FLAMEGRAPH_DIR/flamegraph.pl" ]; then
    if run "flamegraph.pl" perl "$FLAMEGRAPH_DIR/flamegraph.pl" "$2"; then
      read -r ps pk pb <"$work/last"
      ratio "flamegraph.pl CPU time / flamekit CPU time" "$ps" "$fs"
      ratio "flamegraph.pl SVG / flamekit SVG" "$pb" "$fb"
      ratio "flamegraph.pl RSS / flamekit RSS" "$pk" "$fk"
    fi
  fi
  if [ -n "${INFERNO_DIR:-}" ] && [ -x "$INFERNO_DIR/inferno-flamegraph" ]; then
    if run "inferno-flamegraph" "$INFERNO_DIR/inferno-flamegraph" "$2"; then
      read -r is ik ib <"$work/last"
      ratio "inferno CPU time / flamekit CPU time" "$is" "$fs"
      ratio "inferno SVG / flamekit SVG" "$ib" "$fb"
      ratio "inferno RSS / flamekit RSS" "$ik" "$fk"
    fi
  fi
}

[ -n "${FLAMEGRAPH_DIR:-}" ] || echo "(FLAMEGRAPH_DIR unset: no flamegraph.pl comparison)"
[ -n "${INFERNO_DIR:-}" ] || echo "(INFERNO_DIR unset: no inferno-flamegraph comparison)"

peer="$top/../shared/peers/inferno/collapse-perf/results/example-perf-stacks-collapsed.txt"
if [ -f "$peer" ]; then
  rep="$work/example-x$repeat.folded"
  if [ ! -f "$rep" ]; then
    i=0
    while [ $i -lt "$repeat" ]; do cat "$peer"; i=$((i + 1)); done >"$rep"
  fi
  bench "peers' example-perf-stacks folded, x$repeat" "$rep"
else
  echo "(../shared/peers absent: the peers' example input is skipped)"
fi

gen="$work/gen-$distinct.folded"
if [ ! -f "$gen" ]; then
  # Distinct stacks that share prefixes as real ones do: each starts from an
  # earlier stack's prefix (or one of three roots) and adds frames; the same
  # arguments give the same file.
  awk -v n="$distinct" 'BEGIN {
    srand(12345)
    split("std::vector<int>::push_back|alloc::raw_vec::RawVec<T,A>::grow|__libc_start_main|main|" \
          "run_loop|dispatch|handle_request|parse_json|serde_json::de::from_str|memcpy|malloc|" \
          "free|std::sort<iter>|hash_lookup|btree_insert|read|write|epoll_wait|schedule|" \
          "do_syscall_64|entry_SYSCALL_64|tcp_sendmsg|compress_block|zstd_compress|render_frame", v, "|")
    nv = 25; depth[0] = 0; split("main|worker_thread|kthread", r, "|")
    for (i = 0; i < n; i++) {
      if (i > 0 && rand() < 0.9) { p = int(rand() * i); keep = int(rand() * depth[p]) } else { p = -1; keep = 0 }
      if (keep == 0) { f[i, 0] = r[1 + int(rand() * 3)]; s = f[i, 0]; d = 1 } else { d = keep; s = "" }
      for (j = 0; j < keep; j++) { f[i, j] = f[p, j]; s = s (j ? ";" : "") f[i, j] }
      add = 1 + int(rand() * 6)
      for (j = 0; j < add; j++) { f[i, d] = v[1 + int(rand() * nv)] "_" int(rand() * 400); s = s (d ? ";" : "") f[i, d]; d++ }
      depth[i] = d
      print s, 1 + int(rand() * 100)
    }
  }' >"$gen"
fi
bench "generated, $distinct distinct stacks" "$gen"
