#!/bin/sh
# One perf.data on two threads (the decoder's and the reading one,
# docs/formats/perf-data.md): -j 1 reads on one thread, any other -j on two,
# and what comes out (stacks, names, inline frames, messages, exit codes,
# `info`) is the same: on captures whose maps keep changing (perf-procs:
# eight processes, dlopen/dlclose, fork and exec), a system-wide one with
# rejected callchains (perf-system), dwarf-unwound ones (perf-dwarf), -z and
# pipe mode.
. "$(dirname "$0")/lib.sh"
mkdir -p "$T/home"
export HOME="$T/home" # no build-id cache of this host
need_perf_script
C="$TOP/corpora"
symfs_for "$T/symfs" "$C"/perf-dwarf/*.data "$C/perf-c/inl.data" "$C/perf-procs/procs.data" \
  "$C/perf-system/system.data"

same() { # DESC ARGS...: ARGS at -j 1 and -j 2 give the same stdout, stderr, exit code
  desc=$1
  shift
  run "$FLAMEKIT" "$@" -j 1
  o1=$out e1=$err r1=$rc
  run "$FLAMEKIT" "$@" -j 2
  if [ "$out" = "$o1" ] && [ "$err" = "$e1" ] && [ "$rc" = "$r1" ] && [ -n "$o1" ]; then
    _report 0 "$desc"
  else
    _report 1 "$desc"
    printf '# -j 1: rc %s, %s lines, stderr:\n%s\n# -j 2: rc %s, %s lines, stderr:\n%s\n' \
      "$r1" "$(printf '%s\n' "$o1" | wc -l)" "$e1" "$rc" "$(printf '%s\n' "$out" | wc -l)" "$err" >&2
  fi
}

P="$C/perf-procs/procs.data"
same "perf-procs: fold" fold --symfs "$T/symfs" "$P"
like '^remap;.*;main;__(cos|sin)_fma' "$out" "perf-procs: frames in the library loaded again and again"
like '^remap;.*;main;through.constprop.0 [0-9]+$' "$out" "perf-procs: frames in the program's own code"
like '^true;' "$out" "perf-procs: frames of the exec'd children"
same "perf-procs: fold --pid --tid --srcline" fold --symfs "$T/symfs" --pid --tid --srcline "$P"
same "perf-procs: fold --no-inline --weight samples" fold --symfs "$T/symfs" --no-inline \
  --weight samples "$P"
same "perf-procs: info" info "$P"
same "perf-procs: graph to JSON" graph --symfs "$T/symfs" --output-format json -o - "$P"

S="$C/perf-system/system.data"
same "perf-system: fold (rejected callchains reported between the samples)" \
  fold --symfs "$T/symfs" "$S"
like 'callchain with an unknown context marker dropped' "$err" "perf-system: the rejected chains are said"
same "perf-system: --strict stops at the same place" fold --symfs "$T/symfs" --strict "$S"
is "$rc" 1 "perf-system: --strict exits 1"
same "perf-system: --dso-only --kernel" fold --dso-only --kernel "$S"

for f in nofp.16k thr.16k sig.64k tmpl.16k wordstats.z nofp.pipe; do
  same "perf-dwarf $f: fold (unwound on the decoder's thread)" fold --symfs "$T/symfs" \
    "$C/perf-dwarf/$f.data"
done
same "perf-dwarf: the missing files are said in the same order" fold "$C/perf-dwarf/tmpl.16k.data"
same "perf-c -z" fold --symfs "$T/symfs" "$C/perf-c/inl.z.data"
same "perf-c cut capture" fold --symfs "$T/symfs" "$C/perf-c/inl.cut.data"
same "two captures at once" fold --symfs "$T/symfs" "$P" "$S" "$C/perf-c/inl.data"
done_testing
