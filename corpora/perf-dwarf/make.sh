#!/bin/sh
# Remakes the perf-dwarf corpus: builds the programs without frame pointers
# and records each with `perf record --call-graph dwarf` at both copy sizes
# cargo-flamegraph has used. Run as root in this folder (perf 6.1, Debian 12).
set -e
cd "$(dirname "$0")"
gcc -O2 -g -fomit-frame-pointer -o nofp nofp.c
gcc -O2 -g -fomit-frame-pointer -o sig sig.c
gcc -O2 -g -fomit-frame-pointer -pthread -o thr thr.c
g++ -O2 -g -fomit-frame-pointer -o tmpl tmpl.cc
(cd wordstats && cargo build --release --offline -q)
cp wordstats/target/release/wordstats wordstats.bin
# zlib-compressed debug sections (SHF_COMPRESSED): the same code, loads and
# build id, a third of the size in the repository.
objcopy --compress-debug-sections=zlib-gabi wordstats.bin
rm -rf wordstats/target wordstats/Cargo.lock
rec() { # NAME COPY FREQ COMMAND...
  name=$1 copy=$2 freq=$3
  shift 3
  perf record -q -e cpu-clock -F "$freq" --call-graph "dwarf,$copy" -o "$name" -- "$@" >/dev/null
}
rec nofp.16k.data 16384 499 ./nofp 1200
rec nofp.64k.data 64000 199 ./nofp 1200
rec sig.16k.data 16384 499 ./sig 20000000
rec sig.64k.data 64000 199 ./sig 20000000
rec thr.16k.data 16384 499 ./thr
rec thr.64k.data 64000 199 ./thr
rec tmpl.16k.data 16384 499 ./tmpl 1
rec tmpl.64k.data 64000 199 ./tmpl 1
rec wordstats.16k.data 16384 499 ./wordstats.bin 8
rec wordstats.64k.data 64000 199 ./wordstats.bin 8
perf record -q -e cpu-clock -F 499 --call-graph dwarf,16384 -o - -- ./nofp 1200 >nofp.pipe.data
perf record -q -z -e cpu-clock -F 499 --call-graph dwarf,64000 -o wordstats.z.data -- ./wordstats.bin 8 >/dev/null
chmod 644 ./*.data
