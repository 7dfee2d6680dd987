#!/bin/sh
# Installs the Debian packages flamekit needs to build, test and make corpora.
# Idempotent: does nothing when everything is present.
PKGS="gcc make pkg-config perl libglib2.0-dev libarchive-dev libdwarf-dev libelf-dev libzstd-dev
libiberty-dev clang libclang-rt-14-dev libxml2-utils linux-perf binutils time python3 bpftrace g++"
missing=""
for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -z "$missing" ]; then
  echo "deps: all packages present"
  exit 0
fi
echo "deps: missing:$missing"
if [ "$(id -u)" != 0 ]; then
  echo "deps: not root; run: sudo apt-get update && sudo apt-get install -y$missing" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq && apt-get install -y -qq --no-install-recommends $missing
