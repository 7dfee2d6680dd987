#!/bin/sh
# make demo: graph the demo corpus. Usage: run.sh FLAMEKIT OUTDIR
set -e
fk=$1
out=$2
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"
"$fk" fold "$here/web1.perf.txt" "$here/web2.perf.txt" -o "$out/demo.folded"
"$fk" graph --group-by host --title "demo: two hosts side by side" \
  "$here/web1.perf.txt" "$here/web2.perf.txt" -o "$out/demo.svg"
"$fk" diff "$here/web1.perf.txt" "$here/web2.perf.txt" -o "$out/diff.svg" -o "$out/diff.csv" ||
  [ $? = 3 ]
echo "demo: flame graph of both hosts:        $out/demo.svg (open it in a browser)"
echo "demo: what changed from web1 to web2:   $out/diff.svg and $out/diff.csv"
echo "demo: merged folded stacks:             $out/demo.folded"
