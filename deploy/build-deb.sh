#!/usr/bin/env bash
# Builds the Debian package from this checkout: conntrackwatch_<version>_amd64.deb, with the Native AOT binary
# (no .NET needed on the host), the unit, the journal catalog, the man page and the per-host conffile.
#
#   deploy/build-deb.sh [--out DIR]        build into DIR (default: dist/ in the checkout)
#
# It copies the tree to a scratch directory, stages deploy/debian/ there as debian/ (with the top-level unit as
# debian/conntrackwatch.service for dh_installsystemd), and runs dpkg-buildpackage -b. Needs debhelper and dpkg-dev
# (apt-get install debhelper dpkg-dev) and the .NET 10 SDK, or a binary published earlier in
# CONNTRACKWATCH_PUBLISH_DIR (dotnet publish src/ConntrackWatch -c Release -r linux-x64 -o DIR).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out="$repo/dist"
while (($#)); do
    case "$1" in
        --out) out=${2:?--out needs a directory}; shift 2 ;;
        -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
        *) echo "build-deb.sh: unknown option '$1' (see --help)" >&2; exit 64 ;;
    esac
done

command -v dpkg-buildpackage >/dev/null && command -v dh >/dev/null \
    || { echo "build-deb.sh: needs dpkg-buildpackage and debhelper: apt-get install debhelper dpkg-dev" >&2; exit 69; }
if [[ -z "${CONNTRACKWATCH_PUBLISH_DIR:-}" ]]; then
    command -v dotnet >/dev/null || { echo "build-deb.sh: needs the .NET 10 SDK, or CONNTRACKWATCH_PUBLISH_DIR" >&2; exit 69; }
elif [[ ! -x "$CONNTRACKWATCH_PUBLISH_DIR/conntrackwatch" ]]; then
    echo "build-deb.sh: no executable conntrackwatch in CONNTRACKWATCH_PUBLISH_DIR=$CONNTRACKWATCH_PUBLISH_DIR" >&2
    exit 66
else
    CONNTRACKWATCH_PUBLISH_DIR=$(cd "$CONNTRACKWATCH_PUBLISH_DIR" && pwd)
    export CONNTRACKWATCH_PUBLISH_DIR
fi

version=$(sed -n '1s/^conntrackwatch (\([^)]*\)).*/\1/p' "$repo/deploy/debian/changelog")
[[ -n "$version" ]] || { echo "build-deb.sh: no version in the first line of deploy/debian/changelog" >&2; exit 65; }

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
tree="$scratch/conntrackwatch-$version"
mkdir -p "$tree"
# The working tree as it is (uncommitted edits included), without build output or version control.
tar -C "$repo" --exclude=./.git --exclude='./dist' --exclude='*/bin' --exclude='*/obj' \
    --exclude='./BenchmarkDotNet.Artifacts' -cf - . | tar -C "$tree" -xf -
cp -r "$repo/deploy/debian" "$tree/debian"
cp "$repo/conntrackwatch.service" "$tree/debian/conntrackwatch.service"

(cd "$tree" && dpkg-buildpackage -b -us -uc)

mkdir -p "$out"
deb="conntrackwatch_${version}_$(dpkg-architecture -qDEB_HOST_ARCH).deb"
mv "$scratch/$deb" "$out/$deb"
echo "$out/$deb"
