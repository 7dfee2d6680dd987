#!/bin/sh
# Makes the host corpus: one real `perf record` per host, each run under its
# own hostname (unshare -u), kept as `perf script --header` text and as folded
# stacks. Needs root (unshare) and perf. Run from anywhere:
#   sh corpora/hosts/make.sh
set -e
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
record() { # host command
  unshare -u sh -c "hostname $1; perf record -q -e cpu-clock -F 499 -g -o $tmp/$1.data -- sh -c '$2'" >/dev/null 2>&1
  mkdir -p "$here/$1"
  perf script --header -i "$tmp/$1.data" 2>/dev/null >"$here/$1/perf.txt"
  awk -f "$here/collapse.awk" "$here/$1/perf.txt" | LC_ALL=C sort >"$here/$1/perf.folded"
}
record web01 'head -c 8000000 /dev/urandom | gzip -1 >/dev/null'
record web02 'head -c 30000000 /dev/zero | sha256sum >/dev/null'
record db01 'seq 300000 | sort -R | sort -n >/dev/null'
record db02 'i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done'
