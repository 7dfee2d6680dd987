#!/bin/sh
# Installs the Debian packages flamekit needs to build, test and make corpora
# (libc6-dbg: libc's local symbols, such as __libc_start_call_main, which the
# unwinding tests expect by name, as a perf user with debug symbols sees them),
# python3.11-dbg: the debug Python interpreter (python3.11d, no frame
# pointers) that t0735 records with --call-graph dwarf, and python3.11's
# DWARF for t7100 and the symbolizer and perf.data benches;
# and the npm packages of the browser and speedscope tests (pinned, into the
# project's tests/ folders; no browser download). parallel, openssh-server
# and rsync: t0680 runs docs/scale-out.md's recipe over sshd on loopback
# addresses (it starts its own daemons; the package's service is not used,
# and is not started where policy-rc.d forbids it). Idempotent: does nothing
# when everything is present.
PKGS="gcc make pkg-config perl libglib2.0-dev libarchive-dev libdwarf-dev libdw-dev libelf-dev libzstd-dev libdeflate-dev
libiberty-dev libjson-glib-dev libc6-dbg clang clang-format libclang-rt-14-dev libxml2-utils linux-perf binutils time
p7zip-full zstd lz4 xz-utils bzip2 cpio zip gzip tar python3-jsonschema chromium nodejs
python3 python3.11-dbg bpftrace g++ parallel openssh-server openssh-client rsync"
# npm comes with nodesource's nodejs; Debian's own nodejs needs the npm package.
command -v npm >/dev/null 2>&1 || PKGS="$PKGS npm"
top=$(cd "$(dirname "$0")/.." && pwd)

npm_deps() {
  # playwright-core for `make check-browser`, pinned by tests/browser/package-lock.json;
  # it drives Debian's chromium.
  if [ ! -d "$top/tests/browser/node_modules/playwright-core" ]; then
    echo "deps: npm ci in tests/browser"
    (cd "$top/tests/browser" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund) ||
      return 1
  fi
  # speedscope's own file-format schema for the speedscope writer's test.
  if [ ! -f "$top/tests/speedscope/node_modules/speedscope/package.json" ]; then
    mkdir -p "$top/tests/speedscope"
    npm install --silent --no-audit --no-fund --prefix "$top/tests/speedscope" speedscope@1.25.0 ||
      echo "deps: npm install speedscope failed; its schema test will skip" >&2
  fi
  return 0
}

missing=""
for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -z "$missing" ]; then
  echo "deps: all packages present"
  npm_deps
  exit
fi
echo "deps: missing:$missing"
if [ "$(id -u)" != 0 ]; then
  echo "deps: not root; run: sudo apt-get update && sudo apt-get install -y$missing" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq && apt-get install -y -qq --no-install-recommends $missing && npm_deps
