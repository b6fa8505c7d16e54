#!/usr/bin/env bash
# Downloads and unpacks the pinned Debian linux-libc-dev (Architecture: all; it carries the uapi
# headers of every Debian architecture) into $1 (default /tmp/exile-syscalls), without installing it
# and without touching the system's apt sources: a private apt state directory is used.
set -euo pipefail
version="${LINUX_LIBC_DEV_VERSION:-7.2.13-1}"
sha256="${LINUX_LIBC_DEV_SHA256:-8b33c2a408bbab537e753102dce181dc211007f64c1e2516065bc677f60d5d99}"
dir="${1:-/tmp/exile-syscalls}"
mkdir -p "$dir/apt/lists/partial" "$dir/apt/cache/archives/partial"
echo "deb http://deb.debian.org/debian sid main" > "$dir/apt/sources.list"
opts=(-o "Dir::Etc::SourceList=$dir/apt/sources.list" -o Dir::Etc::SourceParts=/dev/null
      -o "Dir::State::Lists=$dir/apt/lists" -o "Dir::Cache=$dir/apt/cache")
apt-get "${opts[@]}" update >/dev/null
(cd "$dir" && apt-get "${opts[@]}" download "linux-libc-dev=$version")
deb="$dir/linux-libc-dev_${version}_all.deb"
if [[ -n "$sha256" ]]; then echo "$sha256  $deb" | sha256sum -c -; fi
sha256sum "$deb"
rm -rf "$dir/root" && dpkg-deb -x "$deb" "$dir/root"
echo "$dir/root/usr/include"
