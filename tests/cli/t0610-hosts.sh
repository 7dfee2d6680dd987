#!/bin/sh
# Host labels from paths, --host and --host-from, as `flamekit info` shows them.
. "$(dirname "$0")/lib.sh"
H="$TOP/corpora/hosts"
hosts() { "$FLAMEKIT" info "$@" 2>/dev/null | sed -n 's/^  host     //p' | tr '\n' ' '; }

mkdir -p "$T/dumps/web01" "$T/dumps/db01"
cp "$H/web01/perf.folded" "$T/dumps/web01/"
cp "$H/db01/perf.folded" "$T/dumps/db01/"
is "$(hosts "$T/dumps")" "db01 web01 " "a directory of host directories"
is "$(hosts "$T/dumps/web01")" "web01 " "a host's directory"
is "$(hosts "$T/dumps/web01/perf.folded")" "- " "a plain file names no host"
is "$(hosts --host lab7 "$T/dumps/web01/perf.folded")" "lab7 " "--host labels what nothing else names"
is "$(hosts --host lab7 "$T/dumps")" "db01 web01 " "--host does not override the path"

tar czf "$T/web02.tar.gz" -C "$H/web02" perf.folded
is "$(hosts "$T/web02.tar.gz")" "web02 " "an archive named after its host"
mkdir -p "$T/in"
cp "$T/web02.tar.gz" "$T/in/"
tar cf "$T/fleet.tar" -C "$T/in" web02.tar.gz -C "$T/dumps" db01
is "$(hosts "$T/fleet.tar")" "web02 db01 " "a fleet archive: nested host archives and host directories"
cp "$T/web02.tar.gz" "$T/sosreport-app-3-2024-02-01-abcdef.tar.gz"
is "$(hosts "$T/sosreport-app-3-2024-02-01-abcdef.tar.gz")" "app-3 " "sosreport-HOST-DATE"
cp "$T/web02.tar.gz" "$T/perf.all-node-9-20240201.tar.gz"
is "$(hosts "$T/perf.all-node-9-20240201.tar.gz")" "node-9 " "perf.all-HOST-DATE"
is "$(hosts --host-from '/(d[a-z]+)[0-9]+/' "$T/dumps")" "db web01 " \
  "--host-from takes group 1 of the input name, where it matches"
run "$FLAMEKIT" info --host-from 'no-group' "$T/dumps"
is $rc 2 "--host-from without a group is a usage error"
like "needs a capture group" "$err" "and says why"
run "$FLAMEKIT" info --host-from '(' "$T/dumps"
is $rc 2 "--host-from with a bad regex is a usage error"

# Labels reach the samples: --json lists each member's hosts from its samples.
run "$FLAMEKIT" info --json "$T/fleet.tar"
like '"name": "[^"]*fleet.tar:web02.tar.gz:perf.folded", "path": "[^"]*fleet.tar", "member": "web02.tar.gz:perf.folded"' "$out" "json: name, path, member of a nested member"
like '"hosts": \["web02"\]' "$out" "json: host"
done_testing
