#!/usr/bin/env bash
# Installs ConntrackWatch on a host without apt, to the same places as the Debian package (deploy/build-deb.sh),
# and starts it. Safe to run again: it upgrades in place and never touches an existing
# /etc/conntrackwatch/appsettings.json. On Debian and Ubuntu, install the package instead.
#
#   deploy/install.sh                       build the Native AOT binary (needs the .NET 10 SDK), install, start
#   deploy/install.sh --binary-dir DIR      install a binary published earlier (dotnet publish ... -o DIR)
#   deploy/install.sh --no-start            install and enable, but do not start or restart
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# The places the Debian package uses (deploy/debian/rules, dh_installsystemd, dh_installman).
libdir=/usr/lib/conntrackwatch
sbin=/usr/sbin/conntrackwatch
config_dir=/etc/conntrackwatch
unit=/lib/systemd/system/conntrackwatch.service
catalog=/usr/lib/systemd/catalog/conntrackwatch.catalog
manpage=/usr/share/man/man8/conntrackwatch.8.gz
docdir=/usr/share/doc/conntrackwatch
binary_dir=""
start=yes

while (($#)); do
    case "$1" in
        --binary-dir) binary_dir=${2:?--binary-dir needs a directory}; shift 2 ;;
        --no-start) start=no; shift ;;
        -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
        *) echo "install.sh: unknown option '$1' (see --help)" >&2; exit 64 ;;
    esac
done

if ((EUID != 0)); then
    echo "install.sh: run as root (it writes $libdir, $unit and $config_dir)" >&2
    exit 77
fi
if command -v dpkg-query >/dev/null && dpkg-query -W -f '${db:Status-Status}' conntrackwatch 2>/dev/null | grep -q '^installed$'; then
    echo "install.sh: the conntrackwatch Debian package is installed; upgrade it with apt instead" >&2
    exit 73
fi

if [[ -z "$binary_dir" ]]; then
    command -v dotnet >/dev/null || { echo "install.sh: the .NET 10 SDK is needed to build; or pass --binary-dir" >&2; exit 69; }
    binary_dir=$(mktemp -d)
    trap 'rm -rf "$binary_dir"' EXIT
    echo "Building the Native AOT binary..."
    dotnet publish "$repo/src/ConntrackWatch" -c Release -r linux-x64 -nologo -v:q -o "$binary_dir"
fi
[[ -x "$binary_dir/conntrackwatch" ]] || { echo "install.sh: no executable conntrackwatch in $binary_dir" >&2; exit 66; }

# An install by an earlier version of this script lived in /opt and /etc/systemd/system: move off it.
if [[ -e /opt/conntrackwatch || -e /etc/systemd/system/conntrackwatch.service ]]; then
    systemctl disable conntrackwatch.service >/dev/null 2>&1 || true
    rm -rf /opt/conntrackwatch /etc/systemd/system/conntrackwatch.service /usr/local/lib/systemd/catalog/conntrackwatch.catalog
    echo "Removed the earlier install from /opt/conntrackwatch."
fi

# The binary and the shipped defaults: replaced on every install (rename, so a running copy is never torn).
install -d -m 0755 "$libdir"
install -m 0755 "$binary_dir/conntrackwatch" "$libdir/.conntrackwatch.new"
mv -f "$libdir/.conntrackwatch.new" "$libdir/conntrackwatch"
install -m 0644 "$repo/appsettings.json" "$libdir/appsettings.json"
ln -sfn ../lib/conntrackwatch/conntrackwatch "$sbin"

# Per-host overrides: a commented example the first time, never overwritten afterwards.
install -d -m 0755 "$config_dir"
if [[ ! -e "$config_dir/appsettings.json" ]]; then
    install -m 0644 "$repo/deploy/appsettings.example.json" "$config_dir/appsettings.json"
    echo "Created $config_dir/appsettings.json (all settings commented out: the shipped defaults apply)."
else
    echo "Kept the existing $config_dir/appsettings.json."
fi

install -D -m 0644 "$repo/conntrackwatch.service" "$unit"
install -D -m 0644 "$repo/deploy/conntrackwatch.catalog" "$catalog"
install -d -m 0755 "${manpage%/*}" "$docdir"
gzip -9n <"$repo/deploy/conntrackwatch.8" >"$manpage"
chmod 0644 "$manpage"
# The documentation as dh_installdocs, dh_installchangelogs and dh_compress lay it out.
gzip -9n <"$repo/README.md" >"$docdir/README.md.gz"
gzip -9n <"$repo/deploy/debian/changelog" >"$docdir/changelog.gz"
install -m 0644 "$repo/deploy/debian/copyright" "$docdir/copyright"
chmod 0644 "$docdir/README.md.gz" "$docdir/changelog.gz"
journalctl --update-catalog

systemctl daemon-reload
systemctl enable conntrackwatch.service
if [[ "$start" == yes ]]; then
    # restart picks up a new binary on upgrade; on a first install it simply starts.
    systemctl restart conntrackwatch.service
    systemctl --no-pager --lines=0 status conntrackwatch.service || true
fi
echo "Installed. Status: systemctl status conntrackwatch; audit trail: journalctl -u conntrackwatch; manual: man conntrackwatch"
