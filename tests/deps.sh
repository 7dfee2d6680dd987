#!/bin/sh
# Installs the Debian packages flamekit needs to build, test and make corpora.
# Idempotent: does nothing when everything is present.
PKGS="gcc make pkg-config perl libglib2.0-dev libarchive-dev libdwarf-dev libelf-dev libzstd-dev
libiberty-dev clang libclang-rt-14-dev libxml2-utils linux-perf binutils time chromium nodejs"
# npm comes with nodesource's nodejs; Debian's own nodejs needs the npm package.
command -v npm >/dev/null 2>&1 || PKGS="$PKGS npm"
# playwright-core for `make check-browser`, pinned by tests/browser/package-lock.json;
# it drives Debian's chromium, so no browser is downloaded.
browser_deps() {
  [ -d "$(dirname "$0")/browser/node_modules/playwright-core" ] && return 0
  echo "deps: npm ci in tests/browser"
  (cd "$(dirname "$0")/browser" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
}
missing=""
for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -z "$missing" ]; then
  echo "deps: all packages present"
  browser_deps
  exit
fi
echo "deps: missing:$missing"
if [ "$(id -u)" != 0 ]; then
  echo "deps: not root; run: sudo apt-get update && sudo apt-get install -y$missing" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq && apt-get install -y -qq --no-install-recommends $missing && browser_deps
