#!/bin/sh
# Installs the Debian packages flamekit needs to build, test and make corpora.
# Idempotent: does nothing when everything is present.
PKGS="gcc make pkg-config perl libglib2.0-dev libarchive-dev libdwarf-dev libelf-dev libzstd-dev
libiberty-dev clang libclang-rt-14-dev libxml2-utils linux-perf binutils time
p7zip-full zstd lz4 xz-utils bzip2 cpio zip gzip tar python3-jsonschema"
# speedscope's own file-format schema (and importer bundle) for the writer
# tests, pinned, into tests/speedscope/node_modules (ignored by git).
speedscope_npm() {
  top=$(cd "$(dirname "$0")/.." && pwd)
  [ -f "$top/tests/speedscope/node_modules/speedscope/package.json" ] && return 0
  command -v npm >/dev/null 2>&1 || return 0
  mkdir -p "$top/tests/speedscope"
  npm install --silent --no-audit --no-fund --prefix "$top/tests/speedscope" speedscope@1.25.0 ||
    echo "deps: npm install speedscope failed; its schema test will skip" >&2
}
missing=""
for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -z "$missing" ]; then
  echo "deps: all packages present"
  speedscope_npm
  exit 0
fi
echo "deps: missing:$missing"
if [ "$(id -u)" != 0 ]; then
  echo "deps: not root; run: sudo apt-get update && sudo apt-get install -y$missing" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq && apt-get install -y -qq --no-install-recommends $missing
speedscope_npm
