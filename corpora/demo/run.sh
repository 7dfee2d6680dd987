#!/bin/sh
# make demo: graph the demo corpus. Usage: run.sh FLAMEKIT OUTDIR
set -e
fk=$1
out=$2
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"
"$fk" fold "$here/web1.perf.txt" "$here/web2.perf.txt" -o "$out/demo.folded"
echo "demo: folded stacks of both hosts in $out/demo.folded"
if "$fk" help | grep -q '^  graph '; then
  "$fk" graph "$here/web1.perf.txt" "$here/web2.perf.txt" -o "$out/demo.svg"
  echo "demo: flame graph in $out/demo.svg (open it in a browser)"
fi
