#!/usr/bin/env bash
# Builds libpcap from a pinned, checksummed source release as a static, position-independent
# library for the prebuilt addon, and prints the install prefix (its lib/pkgconfig is what the
# `pcap` crate's build script reads with LIBPCAP_STATIC=1).
#
# usage: scripts/libpcap.sh PREFIX [CC [AR [RANLIB]]]
#
# Trimmed to what a capture library needs with nothing but libc: no D-Bus, RDMA, Bluetooth or
# netmap capture, and no libnl (Linux monitor mode on mac80211 Wi-Fi needs libnl, so the prebuilt
# addon cannot turn monitor mode on; see README "Install").
#
# The source: LIBPCAP_TARBALL (a file) if set; else the Debian archive this machine's apt is
# configured with (Debian ships the upstream release unchanged as libpcap_<v>.orig.tar.xz), else
# the upstream release. Whatever the origin, the bytes must match SHA256.
set -euo pipefail

VERSION=1.10.5
SHA256=84fa89ac6d303028c1c5b754abff77224f45eca0a94eb1a34ff0aa9ceece3925
UPSTREAM=https://www.tcpdump.org/release/libpcap-$VERSION.tar.xz

prefix=${1:?usage: scripts/libpcap.sh PREFIX [CC [AR [RANLIB]]]}
cc=${2:-cc}
ar=${3:-ar}
ranlib=${4:-ranlib}
mkdir -p "$prefix"
prefix=$(cd "$prefix" && pwd)

# Already built with the same version, compiler and flags: nothing to do.
stamp="$prefix/.built"
want_stamp="$VERSION $SHA256 $cc"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want_stamp" ] && [ -f "$prefix/lib/libpcap.a" ] && [ -f "$prefix/LICENSE.libpcap" ]; then
  echo "$prefix"
  exit 0
fi

sha256_of() {
  if command -v sha256sum >/dev/null; then sha256sum "$1" | cut -d' ' -f1; else shasum -a 256 "$1" | cut -d' ' -f1; fi
}

# The archive URIs apt is configured with (deb822 .sources files and one-line sources.list).
apt_mirrors() {
  {
    sed -n 's/^URIs:[[:space:]]*//p' /etc/apt/sources.list.d/*.sources 2>/dev/null | tr ' ' '\n'
    sed -n 's/^deb\(-src\)\?[[:space:]]\+\(\[[^]]*\][[:space:]]\+\)\?\([^[:space:]]\+\).*/\3/p' \
      /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null
  } | grep -E '^https?://' | sed 's#/*$##' | awk '!seen[$0]++'
}

tarball="$prefix/src/libpcap-$VERSION.tar.xz"
mkdir -p "$prefix/src"
if [ ! -f "$tarball" ] || [ "$(sha256_of "$tarball")" != "$SHA256" ]; then
  rm -f "$tarball"
  candidates=()
  if [ -n "${LIBPCAP_TARBALL:-}" ]; then
    cp "$LIBPCAP_TARBALL" "$tarball.part" && mv "$tarball.part" "$tarball"
  else
    while IFS= read -r m; do
      candidates+=("$m/pool/main/libp/libpcap/libpcap_$VERSION.orig.tar.xz")
    done < <(apt_mirrors)
    candidates+=("$UPSTREAM")
    for url in "${candidates[@]}"; do
      if curl -fsSL --retry 2 --connect-timeout 15 --max-time 120 -o "$tarball.part" "$url"; then
        if [ "$(sha256_of "$tarball.part")" = "$SHA256" ]; then
          mv "$tarball.part" "$tarball"
          echo "libpcap: fetched $VERSION from $url" >&2
          break
        fi
        echo "libpcap: $url does not match the pinned sha256, skipped" >&2
      fi
      rm -f "$tarball.part"
    done
  fi
  if [ ! -f "$tarball" ] || [ "$(sha256_of "$tarball")" != "$SHA256" ]; then
    echo "libpcap: no source archive of libpcap $VERSION with sha256 $SHA256 (tried: ${candidates[*]:-LIBPCAP_TARBALL})" >&2
    rm -f "$tarball"
    exit 1
  fi
fi

for tool in flex bison make; do
  command -v "$tool" >/dev/null || { echo "libpcap: building libpcap needs $tool (Debian: apt-get install flex bison make)" >&2; exit 1; }
done

build="$prefix/build"
rm -rf "$build" "$prefix/lib" "$prefix/include" "$prefix/LICENSE.libpcap" "$stamp"
mkdir -p "$build"
tar -xJf "$tarball" -C "$build" --strip-components=1
(
  cd "$build"
  ./configure --prefix="$prefix" --disable-shared --enable-static \
    --disable-dbus --disable-rdma --disable-bluetooth --disable-netmap --without-libnl \
    CC="$cc" AR="$ar" RANLIB="$ranlib" CFLAGS="-O2 -fPIC" >configure.out 2>&1 ||
    { tail -n 30 configure.out >&2; echo "libpcap: configure failed ($build/configure.out)" >&2; exit 1; }
  make -j"$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)" >make.out 2>&1 ||
    { tail -n 30 make.out >&2; echo "libpcap: make failed ($build/make.out)" >&2; exit 1; }
  make install >>make.out 2>&1 ||
    { tail -n 30 make.out >&2; echo "libpcap: make install failed ($build/make.out)" >&2; exit 1; }
)
sed "s/ -Wl,-rpath,[^ ]*//" "$prefix/lib/pkgconfig/libpcap.pc" >"$prefix/libpcap.pc.tmp" && mv "$prefix/libpcap.pc.tmp" "$prefix/lib/pkgconfig/libpcap.pc"
[ -f "$prefix/lib/libpcap.a" ] || { echo "libpcap: no $prefix/lib/libpcap.a after the build" >&2; exit 1; }
# libpcap's BSD licence goes with every binary that contains it (the platform package ships it).
cp "$build/LICENSE" "$prefix/LICENSE.libpcap"
rm -rf "$build"
echo "$want_stamp" >"$stamp"
echo "$prefix"
