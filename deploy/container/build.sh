#!/bin/bash
# Builds the ConntrackWatch container image offline, FROM scratch: the Native AOT binary, the shared libraries
# `ldd` says it links (libc, libm and the dynamic loader), appsettings.json, and the empty directories the pod
# mounts over. Nothing is pulled.
#
#   deploy/container/build.sh                       publish the binary, then docker build -t conntrackwatch:VERSION
#   deploy/container/build.sh --binary-dir DIR      use a binary published earlier (dotnet publish ... -o DIR)
#   deploy/container/build.sh --tag NAME:TAG        another tag
#   deploy/container/build.sh --tool podman         podman build instead of docker build
#   deploy/container/build.sh --docker-host SOCKET  a docker daemon other than the default one
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
version=$(sed -n '1s/^conntrackwatch (\([0-9.]*\)).*/\1/p' "$repo/deploy/debian/changelog")
binary_dir= tag="conntrackwatch:$version" tool=docker host=()
while [ $# -gt 0 ]; do
    case "$1" in
        --binary-dir) binary_dir=$2; shift 2 ;;
        --tag) tag=$2; shift 2 ;;
        --tool) tool=$2; shift 2 ;;
        --docker-host) host=(--host "unix://$2"); shift 2 ;;
        *) echo "build.sh: unknown argument '$1' (see the comment at the top of $0)" >&2; exit 2 ;;
    esac
done

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
if [ -z "$binary_dir" ]; then
    binary_dir=$stage/publish
    dotnet publish "$repo/src/ConntrackWatch" -c Release -r linux-x64 -nologo -v:q -o "$binary_dir" >&2
fi
binary=$binary_dir/conntrackwatch
[ -x "$binary" ] || { echo "build.sh: no executable $binary (publish with: dotnet publish src/ConntrackWatch -c Release -r linux-x64 -o DIR)" >&2; exit 1; }

root=$stage/rootfs
install -D -m 0755 "$binary" "$root/usr/lib/conntrackwatch/conntrackwatch"
install -D -m 0644 "$repo/appsettings.json" "$root/usr/lib/conntrackwatch/appsettings.json"
# Every library ldd lists by path, the loader included, copied to the same path (symbolic links resolved).
ldd "$binary" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' | while read -r library; do
    install -D -m 0755 "$(readlink -f "$library")" "$root$library"
done
# Mount points: the host's /proc, the state and runtime directories, the runtimes' records under the host root.
install -d -m 0755 "$root/host/proc" "$root/host/root" "$root/var/lib/conntrackwatch" "$root/run/conntrackwatch" \
    "$root/etc/conntrackwatch"
cp "$repo/deploy/container/Containerfile" "$stage/Containerfile"

"$tool" "${host[@]}" build --quiet -f "$stage/Containerfile" -t "$tag" "$root" >&2
echo "$tag"
