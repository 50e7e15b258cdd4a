#!/usr/bin/env bash
# The install test (CI runs it after `npm run pack`; `npm run test:install`): installs the
# tarballs in dist/ as a user would, from a local registry, on a machine without build tools.
#
# 1. Pinned tools (scripts/install-test/package-lock.json) into a temporary folder: verdaccio,
#    Node 18/20/22/24 (binaries from the npm registry), npm 11 and npm 12.
# 2. A local verdaccio (no uplink) on 127.0.0.1; dist/*.tgz published to it.
# 3. In a mount namespace without cargo/rustc and without libpcap (scripts/without-libpcap.sh):
#    for each npm (11, 12) and each Node it runs on, a fresh consumer project installs `pcap`
#    with --strict-allow-scripts and a cold cache (timed); __test__/install/check.js (require,
#    the shipped sample decodes, a ping seen live on lo, every node_pcap 3.1.0 deep path) and
#    check.mjs (ESM) run with that Node, and the bins run (shebang, `npm exec`). npm 11 runs on
#    Node 18 with a warning (it supports 20.17+): tested too, as Node 18 users may do that.
# 4. The loader's errors: the platform package removed, then a corrupt addon; the command the
#    first error prints is run and must fix it.
# 5. __test__/install/program.ts (written for node_pcap 3.1.0) compiles against 3.1.0 (control),
#    then against the installed package, unchanged (the consumer has no @types/node of its own:
#    the package's dependency brings it).
#
# usage: scripts/install-test.sh      (needs dist/ from `npm run pack`, root, ping, tcpdump)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
here="$root/scripts/install-test"

if [ "${1:-}" = --inside ]; then
  # ---- inside the namespace without cargo and libpcap -----------------------------------
  work=$2
  set +e # every step below reports ok/FAILED itself; the count decides
  # shellcheck disable=SC1091
  . "$work/env.sh"
  passed=0; failed=0
  ok() { passed=$((passed + 1)); echo "install-test: ok: $*"; }
  bad() { failed=$((failed + 1)); echo "install-test: FAILED: $*"; }

  # The machine really has no libpcap now: the checkout's own (dynamically linked) build cannot load.
  if out=$("$NODE22/node" -e "require('$root/binding.js')" 2>&1); then
    bad "the checkout's addon still loads: libpcap is not hidden"
  else
    ok "libpcap and cargo hidden ($(echo "$out" | grep -o 'libpcap[^:]*: cannot open shared object file' | head -n 1 || echo 'checkout build does not load'))"
  fi

  consumer() { # consumer NAME: a fresh project folder
    local dir="$work/consumers/$1"
    rm -rf "$dir"
    mkdir -p "$dir"
    printf '{ "name": "consumer-%s", "version": "1.0.0", "private": true }\n' "$1" >"$dir/package.json"
    echo "$dir"
  }
  checks() { # checks DIR NODEDIR LABEL [NPM_CLI]
    local dir=$1 nodedir=$2 label=$3 cli=${4:-} out
    # Copied into the consumer: from the checkout, `pcap` would resolve to the checkout itself.
    cp "$root/__test__/install/check.js" "$root/__test__/install/check.mjs" "$dir/"
    if out=$(cd "$dir" && PATH="$nodedir:$PATH" node check.js 2>&1 && PATH="$nodedir:$PATH" node check.mjs 2>&1); then
      ok "$label: checks"; echo "$out"
    else
      bad "$label: checks"; echo "$out"
    fi
    # The bins: run through their shebang (PATH's node) and, with npm, as `npm exec`.
    if out=$(cd "$dir" && PATH="$nodedir:$PATH" timeout 60 ./node_modules/.bin/pcap-print \
      -r node_modules/pcap/examples/data/sample.pcap -c 3 2>&1) && [ "$(echo "$out" | grep -c '^[0-9:.]* LINKTYPE_')" = 3 ]; then
      ok "$label: node_modules/.bin/pcap-print printed 3 packets"
    else
      bad "$label: node_modules/.bin/pcap-print"; echo "$out" | tail -n 5
    fi
    [ -n "$cli" ] || return 0
    if out=$(cd "$dir" && PATH="$nodedir:$PATH" timeout 60 node "$cli" exec --offline --userconfig "$work/npmrc" -- \
      pcap-dns-trace -r node_modules/pcap/examples/data/sample.pcap 2>&1) && echo "$out" | grep -q 'www.tcpdump.org'; then
      ok "$label: npm exec pcap-dns-trace"
    else
      bad "$label: npm exec pcap-dns-trace"; echo "$out" | tail -n 5
    fi
  }

  for combo in $COMBOS; do
    npmv=${combo%%:*}; nodev=${combo##*:}
    nodedir_var="NODE$nodev"; npm_var="NPM${npmv}_CLI"
    nodedir=${!nodedir_var}; cli=${!npm_var}
    label="npm $("$nodedir/node" "$cli" --version) on Node $("$nodedir/node" --version)"
    dir=$(consumer "npm$npmv-node$nodev")
    start=$(date +%s%N)
    if out=$(cd "$dir" && PATH="$nodedir:$PATH" node "$cli" install pcap@"$VERSION" --strict-allow-scripts \
      --cache "$work/cache-$combo" --userconfig "$work/npmrc" --no-audit --no-fund 2>&1); then
      ms=$((($(date +%s%N) - start) / 1000000))
      secs=$(printf '%d.%02d' $((ms / 1000)) $((ms % 1000 / 10)))
      echo "install-test: time: $label: npm install pcap took $secs s"
      echo "$label $secs" >>"$work/times"
      ok "$label: npm install pcap --strict-allow-scripts ($(echo "$out" | grep -o 'added [0-9]* packages*' || true))"
      checks "$dir" "$nodedir" "$label" "$cli"
    else
      bad "$label: npm install"; echo "$out" | tail -n 20
    fi
  done

  # The loader's errors, and the commands they give.
  dir=$(consumer loader)
  if ! out=$(cd "$dir" && PATH="$NODE24:$PATH" node "$NPM12_CLI" install pcap@"$VERSION" --strict-allow-scripts \
    --cache "$work/cache-loader" --userconfig "$work/npmrc" --no-audit --no-fund 2>&1); then
    bad "loader: npm install"; echo "$out" | tail -n 10
  fi
  rm -rf "$dir/node_modules/@node-pcap"
  msg=$(cd "$dir" && "$NODE24/node" -e "require('pcap')" 2>&1 || true)
  glibc=$(ldd --version | head -n 1 | grep -o '[0-9.]*$')
  if echo "$msg" | grep -q "pcap: cannot load the native addon on linux-x64-gnu (glibc $glibc): the prebuilt package @node-pcap/pcap-linux-x64-gnu is not installed" &&
    echo "$msg" | grep -q "code: 'ENOADDON'"; then
    ok "loader: platform package missing -> names linux-x64-gnu, glibc $glibc and the package"
  else
    bad "loader: platform package missing"; echo "$msg" | head -n 8
  fi
  fix=$(echo "$msg" | sed -n 's/^ *Install it: \(npm install [^ ]*\)$/\1/p' | head -n 1)
  if [ -n "$fix" ] && (cd "$dir" && PATH="$NODE24:$PATH" node "$NPM12_CLI" ${fix#npm } --strict-allow-scripts \
    --cache "$work/cache-loader" --userconfig "$work/npmrc" --no-audit --no-fund >/dev/null 2>&1) &&
    (cd "$dir" && "$NODE24/node" -e "require('pcap').lib_version"); then
    ok "loader: the printed command ($fix) fixes it"
  else
    bad "loader: the printed command '$fix' did not fix it"
  fi
  addon="$dir/node_modules/@node-pcap/pcap-linux-x64-gnu/pcap.linux-x64-gnu.node"
  if [ -f "$addon" ]; then
    head -c 4096 /dev/urandom >"$addon"
    msg=$(cd "$dir" && "$NODE24/node" -e "require('pcap')" 2>&1 || true)
    if echo "$msg" | grep -q "pcap: cannot load the native addon on linux-x64-gnu (glibc $glibc): .*pcap.linux-x64-gnu.node: invalid ELF header" &&
      echo "$msg" | grep -q "Reinstall the prebuilt package: rm -rf node_modules/@node-pcap/pcap-linux-x64-gnu && npm install @node-pcap/pcap-linux-x64-gnu@$VERSION"; then
      ok "loader: corrupt addon -> names the first real cause (invalid ELF header) and how to reinstall"
    else
      bad "loader: corrupt addon"; echo "$msg" | head -n 8
    fi
  fi

  # TypeScript: a program written for node_pcap 3.1.0 against 3.1.0, then against this package.
  tsdir="$work/consumers/npm12-node24"
  if [ -d "$tsdir/node_modules/pcap" ]; then
    cp "$root/__test__/install/program.ts" "$root/__test__/install/tsconfig.json" "$tsdir/"
    ctl="$work/consumers/ts-control"
    mkdir -p "$ctl/node_modules/@types"
    cp "$tsdir/program.ts" "$tsdir/tsconfig.json" "$ctl/"
    cp -r "$ORIGINAL_DIR" "$ctl/node_modules/pcap"
    cp -r "$root/node_modules/@types/node" "$ctl/node_modules/@types/node"
    if [ -d "$root/node_modules/undici-types" ]; then cp -r "$root/node_modules/undici-types" "$ctl/node_modules/"; fi
    if out=$(cd "$ctl" && "$NODE24/node" "$root/node_modules/typescript/bin/tsc" -p . 2>&1); then
      ok "typescript: program.ts compiles against node_pcap 3.1.0 (control)"
    else
      bad "typescript: program.ts does not compile against node_pcap 3.1.0"; echo "$out" | head -n 10
    fi
    out=$(cd "$tsdir" && "$NODE24/node" "$root/node_modules/typescript/bin/tsc" -p . 2>&1 || true)
    n=$(echo "$out" | grep -c 'error TS' || true)
    tsv=$("$NODE24/node" "$root/node_modules/typescript/bin/tsc" --version)
    if [ "$n" = 0 ]; then
      ok "typescript: program.ts compiles unchanged against the installed pcap ($tsv)"
    else
      bad "typescript: program.ts against the installed pcap ($tsv): $n type errors"
      echo "$out" | grep 'error TS' | sed 's/^/    /' | cut -c1-200 | head -n 12
    fi
  fi

  echo "install-test: $passed passed, $failed failed"
  [ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
  exit
fi

# ---- outside: tools, registry, publish -------------------------------------------------
cd "$root"
t0=$(date +%s)
version=$(node -p "require('./package.json').version")
shopt -s nullglob
platform_tgz=("$root"/dist/node-pcap-pcap-*-"$version".tgz)
main_tgz=$root/dist/pcap-$version.tgz
if [ ! -f "$main_tgz" ] || [ "${#platform_tgz[@]}" -eq 0 ]; then
  echo "install-test: dist/ has no tarballs of version $version: run npm run pack first" >&2
  exit 1
fi
[ -d bench/original/node_modules/pcap-original ] || { echo "install-test: node_pcap 3.1.0 is not in bench/original (npm install)" >&2; exit 1; }
for tool in ping tcpdump unshare curl; do
  command -v "$tool" >/dev/null || { echo "install-test: needs $tool" >&2; exit 1; }
done

work=$(mktemp -d /tmp/pcap-install-test.XXXXXX)
registry_pid=
cleanup() {
  if [ -n "$registry_pid" ]; then kill "$registry_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

mkdir -p "$work/tools"
cp "$here/package.json" "$here/package-lock.json" "$work/tools/"
s=$(date +%s)
(cd "$work/tools" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error --engine-strict=false >/dev/null 2>&1) ||
  (cd "$work/tools" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error --engine-strict=false)
echo "install-test: tools installed in $(($(date +%s) - s)) s"
T=$work/tools/node_modules
cat >"$work/env.sh" <<EOF
NODE18=$T/node18/bin
NODE20=$T/node20/bin
NODE22=$T/node22/bin
NODE24=$T/node24/bin
NPM11_CLI=$T/npm11/bin/npm-cli.js
NPM12_CLI=$T/npm12/bin/npm-cli.js
VERSION=$version
ORIGINAL_DIR=$root/bench/original/node_modules/pcap-original
COMBOS="11:18 11:20 11:22 11:24 12:22 12:24"
EOF
# shellcheck disable=SC1091
. "$work/env.sh"

# The registry: verdaccio on a free port of 127.0.0.1, storage in the temporary folder.
port=$("$NODE24/node" -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
mkdir -p "$work/registry"
cp "$here/verdaccio.yaml" "$work/registry/config.yaml"
"$NODE24/node" "$T/verdaccio/bin/verdaccio" -c "$work/registry/config.yaml" -l "127.0.0.1:$port" >"$work/registry/log" 2>&1 &
registry_pid=$!
for _ in $(seq 1 150); do
  curl -fs "http://127.0.0.1:$port/-/ping" >/dev/null 2>&1 && break
  kill -0 "$registry_pid" 2>/dev/null || { cat "$work/registry/log" >&2; echo "install-test: verdaccio exited" >&2; exit 1; }
  sleep 0.2
done
curl -fs "http://127.0.0.1:$port/-/ping" >/dev/null || { echo "install-test: verdaccio did not answer in 30 s" >&2; exit 1; }
printf 'registry=http://127.0.0.1:%s/\n//127.0.0.1:%s/:_authToken=install-test\n' "$port" "$port" >"$work/npmrc"
# The package's runtime dependencies (@types/node and what it needs), packed from this checkout's
# node_modules (the versions package-lock.json pins), so the registry needs no uplink.
mkdir -p "$work/deps"
for dep in @types/node undici-types; do
  (cd "$work/deps" && PATH="$NODE24:$PATH" node "$NPM12_CLI" pack "$root/node_modules/$dep" --loglevel=error >/dev/null)
done
for tgz in "$work"/deps/*.tgz "${platform_tgz[@]}" "$main_tgz"; do
  PATH="$NODE24:$PATH" node "$NPM12_CLI" publish "$tgz" --userconfig "$work/npmrc" --ignore-scripts --loglevel=error >/dev/null
done
echo "install-test: verdaccio $("$NODE24/node" -p "require('$T/verdaccio/package.json').version") on 127.0.0.1:$port serves ${platform_tgz[*]##*/} $(basename "$main_tgz")"

# Reference values for the sample, from tcpdump (outside: inside, tcpdump has no libpcap either).
sample="$root/examples/data/sample.pcap"
SAMPLE_PACKETS=$(tcpdump -n -r "$sample" 2>/dev/null | wc -l)
SAMPLE_TCP4=$(tcpdump -n -r "$sample" 'ip and tcp' 2>/dev/null | wc -l)
PING_PATTERN=$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')
export SAMPLE_PACKETS SAMPLE_TCP4 PING_PATTERN ORIGINAL_DIR

set +e
"$root/scripts/without-libpcap.sh" bash "$0" --inside "$work"
status=$?
set -e
if [ -s "$work/times" ]; then
  echo "install-test: install times (cold cache, local registry, --strict-allow-scripts):"
  sed 's/^\(.*\) \([0-9.]*\)$/  \1: \2 s/' "$work/times"
fi
echo "install-test: done in $(($(date +%s) - t0)) s"
kill "$registry_pid" 2>/dev/null || true
wait "$registry_pid" 2>/dev/null || true
registry_pid=
# Removing ~1 GB of tools takes a minute on a slow disk: in the background, the test is over.
trap - EXIT
nohup rm -rf "$work" >/dev/null 2>&1 &
exit "$status"
