# lib.sh -- a small TAP library for the CLI tests (sourced, not run).
# run CMD...     runs CMD, keeping $out, $err and $rc
# is GOT WANT DESC, like PATTERN TEXT DESC, ok COND-RC DESC, done_testing
: "${FLAMEKIT:?set FLAMEKIT to the binary under test}"
: "${BUILD:=build}"
T=$(mktemp -d "${TMPDIR:-/tmp}/fk-test.XXXXXX")
trap 'rm -rf "$T"' EXIT
TOP=$(cd "$(dirname "$0")/../.." && pwd)
SHARED=${SHARED:-"$TOP/../shared"} # a worktree elsewhere: set SHARED
_n=0
_failed=0
run() {
  "$@" >"$T/out" 2>"$T/err"
  rc=$?
  out=$(cat "$T/out")
  err=$(cat "$T/err")
}
_report() { # status desc
  _n=$((_n + 1))
  if [ "$1" = 0 ]; then echo "ok $_n - $2"; else echo "not ok $_n - $2"; _failed=$((_failed + 1)); fi
}
is() {
  if [ "$1" = "$2" ]; then _report 0 "$3"; else
    _report 1 "$3"
    printf '%s\n' "# got:" "$1" | sed '2,$s/^/#   /' >&2
    printf '%s\n' "# want:" "$2" | sed '2,$s/^/#   /' >&2
  fi
}
like() {
  if printf '%s' "$2" | grep -Eq -- "$1"; then _report 0 "$3"; else
    _report 1 "$3"
    printf '# /%s/ not in:\n%s\n' "$1" "$2" | sed '2,$s/^/#   /' >&2
  fi
}
ok() { if [ "$1" = 0 ]; then _report 0 "$2"; else _report 1 "$2"; fi; }
skip() { _n=$((_n + 1)); echo "ok $_n # skip $1"; }
done_testing() { echo "1..$_n"; [ "$_failed" = 0 ]; }
# symfs_for DIR DATA...: makes DIR a --symfs tree for the captures DATA: the
# system's own files (/usr, /lib, /lib64) are this host's, as on the machine
# that reads them; every other file a capture names is linked in under the
# path it was recorded at, to the file of that name beside the capture (a
# corpus binary) or else to this host's file. Captures made elsewhere
# (another session's worktree, another machine) then read the same on every
# machine, without a ~/.debug cache.
symfs_for() {
  _fs=$1
  shift
  mkdir -p "$_fs"
  for _d in usr lib lib64; do
    [ -e "/$_d" ] && [ ! -e "$_fs/$_d" ] && ln -s "/$_d" "$_fs/$_d"
  done
  for _data in "$@"; do
    _dir=$(dirname "$_data")
    perf script -F ip,dso --show-mmap-events -i "$_data" 2>/dev/null |
      sed -n 's/.*[( ]\(\/[^ ()]*\)).*/\1/p' | sort -u | while read -r _path; do
      case $_path in /usr/* | /lib/* | /lib64/*) continue ;; esac
      mkdir -p "$_fs$(dirname "$_path")"
      if [ -f "$_dir/$(basename "$_path")" ]; then
        ln -sf "$_dir/$(basename "$_path")" "$_fs$_path"
      elif [ -f "$_path" ]; then
        ln -sf "$_path" "$_fs$_path"
      fi
    done
  done
  return 0
}

# need_perf_script: a test whose --symfs tree (symfs_for) is made with perf
# script ends here, skipped, where perf is not installed.
need_perf_script() {
  if ! command -v perf >/dev/null 2>&1 || ! perf version >/dev/null 2>&1; then
    skip "perf is not installed (the --symfs tree is made with perf script)"
    done_testing
    exit 0
  fi
}

# graph_jobs_same FILE: `graph` of FILE at -j 2 exits, speaks and writes the
# SVG as at -j 1 (two checks).
graph_jobs_same() {
  run "$FLAMEKIT" graph -j 1 "$1" -o "$T/one.svg"
  _rc1=$rc _err1=$err
  run "$FLAMEKIT" graph -j 2 "$1" -o "$T/two.svg"
  is "$rc.$err" "$_rc1.$_err1" "graph: -j 2 exits and speaks as -j 1"
  ok "$(cmp -s "$T/one.svg" "$T/two.svg"; echo $?)" "graph: -j 2 writes -j 1's SVG"
}

# fold_jobs_same FILE: `fold` of FILE at -j 2 exits, speaks (messages, line
# numbers, order) and writes as at -j 1 (three checks); leaves -j 1's
# results in out1, err1 and rc1.
fold_jobs_same() {
  run "$FLAMEKIT" fold -j 1 "$1"
  out1=$out err1=$err rc1=$rc
  run "$FLAMEKIT" fold -j 2 "$1"
  is "$rc" "$rc1" "fold: -j 2 exits as -j 1 ($rc1)"
  is "$err" "$err1" "fold: -j 2 gives -j 1's messages, line numbers and order"
  ok "$([ "$out" = "$out1" ]; echo $?)" "fold: -j 2 writes -j 1's folded stacks"
}
