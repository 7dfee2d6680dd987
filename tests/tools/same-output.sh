#!/bin/sh
# same-output.sh OLD NEW -- runs two flamekit binaries over every corpus file
# (and the corpus folders as directories and archives) with the commands and
# options users run most, and reports each case whose stdout, stderr or exit
# code differ. It is how a refactoring shows that behaviour did not change
# (issue 13): run it with the binary of the commit before and after.
# Not part of `make check` (it takes a few minutes); exits 1 when any differ.
# KEEP=DIR keeps the outputs there. NO_SVG_SCRIPT=1 leaves the SVG pages'
# script out of the comparison (for a change that is to svg.js alone).
set -u
old=${1:?usage: same-output.sh OLD NEW}
new=${2:?usage: same-output.sh OLD NEW}
top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=${KEEP:-$(mktemp -d)}
mkdir -p "$tmp"
[ -n "${KEEP:-}" ] || trap 'rm -rf "$tmp"' EXIT
n=0 differ=0
# case NAME ARGS...: each binary in its own directory, so that outputs named
# by -o land apart; "@OUT" in ARGS is replaced by that directory.
case_() {
  name=$1
  shift
  n=$((n + 1))
  for side in old new; do
    eval "bin=\$$side"
    d="$tmp/$n.$side"
    mkdir -p "$d"
    args=""
    for a in "$@"; do
      a=$(printf '%s' "$a" | sed "s|@OUT|$d|g")
      args="$args '$a'"
    done
    (cd "$top" && eval "\"$bin\" $args") >"$d/stdout" 2>"$d/stderr" </dev/null
    echo $? >"$d/rc"
    if [ -n "${NO_SVG_SCRIPT:-}" ]; then
      for svg in "$d"/*.svg; do
        [ -f "$svg" ] && sed -i '/<script/,/<\/script>/d' "$svg"
      done
    fi
    # Messages name the binary by its path on some platforms: not here, but
    # keep the comparison about behaviour only.
  done
  if ! diff -r "$tmp/$n.old" "$tmp/$n.new" >"$tmp/$n.diff" 2>&1; then
    differ=$((differ + 1))
    echo "DIFFERS $n: $name"
    head -20 "$tmp/$n.diff" | sed 's/^/    /'
  fi
}
files=$(cd "$top" && find corpora -type f \
  ! -name '*.md' ! -name '*.c' ! -name '*.cc' ! -name '*.cpp' ! -name '*.rs' \
  ! -name '*.sh' ! -name '*.toml' ! -name '*.py' ! -name '*.lock' ! -path '*/src/*' \
  ! -path '*/symfs/*' ! -path '*/wordstats/*' | LC_ALL=C sort)
for f in $files; do
  case_ "fold $f" fold "$f"
  case_ "fold -j2 --pid --tid $f" fold -j2 --pid --tid "$f"
  case_ "fold --reverse --include . $f" fold --reverse --include 'main|_start' "$f"
  case_ "graph $f" graph "$f" -o @OUT/g.svg -o @OUT/g.json -o @OUT/g.csv -o @OUT/g.speedscope.json
  case_ "info $f" info "$f"
  case_ "info -j2 --kernel --jit $f" info -j2 --all "$f"
done
for d in $(cd "$top" && ls -d corpora/*/ | LC_ALL=C sort); do
  case_ "fold dir $d" fold -q "$d"
  case_ "fold -j2 dir $d" fold -q -j2 "$d"
  case_ "info dir $d" info -q "$d"
  case_ "graph --group-by host $d" graph -q --group-by host "$d" -o @OUT/g.svg
  case_ "diff dir with itself $d" diff -q "$d" "$d"
done
# diff of pairs of files of one folder (first and last of each).
for d in $(cd "$top" && ls -d corpora/*/ | LC_ALL=C sort); do
  set -- $(printf '%s\n' $files | grep "^${d}[^/]*$" | sed -n '1p;$p')
  [ $# = 2 ] || continue
  case_ "diff $1 $2" diff "$1" "$2"
  case_ "diff -o svg $1 $2" diff "$1" "$2" -o @OUT/d.svg -o @OUT/d.csv -o @OUT/d.json
done
# Archives of the hosts corpus.
a="$tmp/hosts.tar.gz"
(cd "$top/corpora" && tar czf "$a" hosts)
case_ "fold archive" fold -q "$a"
case_ "fold -j2 archive --group-by host" fold -q -j2 --group-by host "$a"
case_ "info archive" info "$a"
echo "$n cases, $differ differ"
[ "$differ" = 0 ]
