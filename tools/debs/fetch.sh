#!/usr/bin/env bash
# Downloads one pinned Debian package (tools/debs/pins.txt) with a private apt state — the system's
# sources and package database are untouched — checks its sha256 and unpacks it into a cache kept
# between runs ($EXILE_CACHE, default ~/.cache/exile). Prints the unpacked root directory.
# usage: tools/debs/fetch.sh KEY
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
key=${1:?usage: tools/debs/fetch.sh KEY (a key of tools/debs/pins.txt)}
read -r suite name version arch sha256 < <(awk -v k="$key" '$1 == k { print $2, $3, $4, $5, $6 }' "$here/pins.txt") || true
if [[ -z "${sha256:-}" ]]; then echo "tools/debs/fetch.sh: no pin named '$key' in tools/debs/pins.txt" >&2; exit 2; fi
cache="${EXILE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/exile}/debs"
dest="$cache/${name}_${version}_$arch"
mkdir -p "$cache"
# Concurrent test workers ask for the same package: one downloads, the others wait and reuse it.
exec 9>"$cache/.lock"
flock 9
if [[ "$(cat "$dest/sha256" 2>/dev/null)" == "$sha256" ]]; then echo "$dest/root"; exit 0; fi

fail() { echo "tools/debs/fetch.sh: $key ($name=$version, $arch, Debian $suite): $*" >&2; exit 1; }
apt_arch=$arch; [[ "$arch" == all ]] && apt_arch=$(dpkg --print-architecture)
state="$cache/apt/$suite-$apt_arch"
mkdir -p "$state/lists/partial" "$state/archives/partial"
: > "$state/status"
case "$suite" in
  *-security) echo "deb [arch=$apt_arch] http://deb.debian.org/debian-security $suite main" ;;
  *) echo "deb [arch=$apt_arch] http://deb.debian.org/debian $suite main" ;;
esac > "$state/sources.list"
opts=(-o "Dir::Etc::SourceList=$state/sources.list" -o Dir::Etc::SourceParts=/dev/null
      -o "Dir::State::Lists=$state/lists" -o "Dir::State::status=$state/status" -o "Dir::Cache=$state"
      -o "Dir::Cache::archives=$state/archives" -o "APT::Architecture=$apt_arch" -o "APT::Architectures=$apt_arch"
      -o APT::Sandbox::User=root -o Debug::NoLocking=1)
work=$(mktemp -d "$cache/.fetch-XXXXXX")
trap 'rm -rf "$work"' EXIT
download() { (cd "$work" && apt-get "${opts[@]}" download "$name=$version" >"$work/log" 2>&1); }
# The lists are refreshed only when the pinned version is not in them (first run, or a new pin).
if ! download; then
  apt-get "${opts[@]}" update >"$work/log" 2>&1 || fail "apt-get update failed: $(tail -3 "$work/log")"
  download || fail "download failed (is this version still served? update tools/debs/pins.txt): $(tail -3 "$work/log")"
fi
deb=$(ls "$work"/*.deb)
got=$(sha256sum "$deb" | cut -d' ' -f1)
[[ "$got" == "$sha256" ]] || fail "sha256 mismatch: got $got, pinned $sha256"
rm -rf "$dest" && mkdir -p "$dest"
dpkg-deb -x "$deb" "$dest/root"
echo "$sha256" > "$dest/sha256"
echo "$dest/root"
