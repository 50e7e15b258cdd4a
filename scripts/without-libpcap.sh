#!/usr/bin/env bash
# Runs a command as on a machine without build tools: in a private mount namespace where no Rust
# toolchain (cargo, rustc, rustup) and no libpcap (headers, shared and static library, pkg-config
# file, pcap-config) can be found. Each is hidden by an overlay whiteout on its folder, so it is
# absent (not empty): the dynamic loader, pkg-config and a compiler see "no such file". Root only.
#
# usage: scripts/without-libpcap.sh COMMAND [ARGS...]
set -euo pipefail

if [ "${PCAP_WITHOUT_LIBPCAP:-}" != 1 ]; then
  exec unshare --mount --propagation private env PCAP_WITHOUT_LIBPCAP=1 bash "$0" "$@"
fi
[ "$#" -gt 0 ] || { echo "usage: scripts/without-libpcap.sh COMMAND [ARGS...]" >&2; exit 2; }

scratch=$(mktemp -d /tmp/pcap-without-libpcap.XXXXXX)
declare -A hide_in=()   # folder -> names to hide in it (space separated)
mounted=()
cleanup() {
  for dir in "${mounted[@]}"; do umount "$dir" 2>/dev/null || umount -l "$dir" 2>/dev/null || true; done
  rm -rf "$scratch"
}
trap cleanup EXIT

add() { # add PATH: hide PATH (file, symlink or folder)
  local p=$1
  [ -e "$p" ] || [ -L "$p" ] || return 0
  local dir; dir=$(readlink -f "$(dirname "$p")")
  hide_in[$dir]="${hide_in[$dir]:-} $(basename "$p")"
}

for tool in cargo rustc rustup; do
  while IFS= read -r p; do add "$p"; done < <(type -ap "$tool" 2>/dev/null || true)
done
for inc in /usr/include /usr/local/include /usr/include/x86_64-linux-gnu /usr/include/aarch64-linux-gnu; do
  for name in pcap.h pcap-bpf.h pcap-namedb.h pcap; do add "$inc/$name"; done
done
while IFS= read -r p; do add "$p"; done < <(
  { ldconfig -p 2>/dev/null | awk '/libpcap/ { print $NF }'
    find /usr/lib /usr/lib64 /usr/local/lib /usr/share /usr/local/share -maxdepth 3 \
      \( -name 'libpcap.so*' -o -name 'libpcap.a' -o -name 'libpcap.pc' \) 2>/dev/null
    type -ap pcap-config 2>/dev/null || true; } | sort -u)

n=0
# Parents before children, so that an overlay on a sub-folder sits on its parent's overlay.
while IFS= read -r dir; do
  [ -n "$dir" ] || continue
  n=$((n + 1))
  up="$scratch/$n/upper"
  mkdir -p "$up" "$scratch/$n/work"
  for name in ${hide_in[$dir]}; do [ -e "$up/$name" ] || mknod "$up/$name" c 0 0; done
  mount -t overlay overlay -o "lowerdir=$dir,upperdir=$up,workdir=$scratch/$n/work" "$dir"
  mounted=("$dir" "${mounted[@]}")
done < <(printf '%s\n' "${!hide_in[@]}" | sort)

# Check that it worked: nothing of the above is left.
left=()
for tool in cargo rustc rustup pcap-config; do
  if type -P "$tool" >/dev/null 2>&1; then left+=("$(type -P "$tool")"); fi
done
for inc in /usr/include /usr/local/include; do [ -e "$inc/pcap.h" ] || [ -e "$inc/pcap/pcap.h" ] && left+=("$inc/pcap.h"); done
while IFS= read -r p; do [ -e "$p" ] && left+=("$p"); done < <(ldconfig -p 2>/dev/null | awk '/libpcap/ { print $NF }')
if [ "${#left[@]}" -gt 0 ]; then
  echo "without-libpcap: could not hide: ${left[*]}" >&2
  exit 1
fi

set +e
"$@"
status=$?
set -e
exit "$status"
