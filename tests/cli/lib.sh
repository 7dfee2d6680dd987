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
