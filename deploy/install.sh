#!/usr/bin/env bash
# Installs ConntrackWatch as a systemd service and starts it. Safe to run again: it upgrades in place and never
# touches an existing /etc/conntrackwatch/appsettings.json.
#
#   deploy/install.sh                       build the Native AOT binary (needs the .NET 10 SDK), install, start
#   deploy/install.sh --binary-dir DIR      install a binary published earlier (dotnet publish ... -o DIR)
#   deploy/install.sh --no-start            install and enable, but do not start or restart
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
prefix=/opt/conntrackwatch
config_dir=/etc/conntrackwatch
unit=/etc/systemd/system/conntrackwatch.service
# Where journalctl --update-catalog looks for catalogs of locally installed software.
catalog_dir=/usr/local/lib/systemd/catalog
binary_dir=""
start=yes

while (($#)); do
    case "$1" in
        --binary-dir) binary_dir=${2:?--binary-dir needs a directory}; shift 2 ;;
        --no-start) start=no; shift ;;
        -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
        *) echo "install.sh: unknown option '$1' (see --help)" >&2; exit 64 ;;
    esac
done

if ((EUID != 0)); then
    echo "install.sh: run as root (it writes $prefix, $unit and $config_dir)" >&2
    exit 77
fi

if [[ -z "$binary_dir" ]]; then
    command -v dotnet >/dev/null || { echo "install.sh: the .NET 10 SDK is needed to build; or pass --binary-dir" >&2; exit 69; }
    binary_dir=$(mktemp -d)
    trap 'rm -rf "$binary_dir"' EXIT
    echo "Building the Native AOT binary..."
    dotnet publish "$repo/src/ConntrackWatch" -c Release -r linux-x64 -nologo -v:q -o "$binary_dir"
fi
[[ -x "$binary_dir/conntrackwatch" ]] || { echo "install.sh: no executable conntrackwatch in $binary_dir" >&2; exit 66; }

# The binary and the shipped defaults: replaced on every install (rename, so a running copy is never torn).
install -d -m 0755 "$prefix"
install -m 0755 "$binary_dir/conntrackwatch" "$prefix/.conntrackwatch.new"
mv -f "$prefix/.conntrackwatch.new" "$prefix/conntrackwatch"
install -m 0644 "$repo/appsettings.json" "$prefix/appsettings.json"
install -m 0644 "$repo/README.md" "$prefix/README.md"

# Per-host overrides: a commented example the first time, never overwritten afterwards.
install -d -m 0755 "$config_dir"
if [[ ! -e "$config_dir/appsettings.json" ]]; then
    install -m 0644 "$repo/deploy/appsettings.example.json" "$config_dir/appsettings.json"
    echo "Created $config_dir/appsettings.json (all settings commented out: the shipped defaults apply)."
else
    echo "Kept the existing $config_dir/appsettings.json."
fi

install -m 0644 "$repo/conntrackwatch.service" "$unit"
install -d -m 0755 "$catalog_dir"
install -m 0644 "$repo/deploy/conntrackwatch.catalog" "$catalog_dir/conntrackwatch.catalog"
journalctl --update-catalog

systemctl daemon-reload
systemctl enable conntrackwatch.service
if [[ "$start" == yes ]]; then
    # restart picks up a new binary on upgrade; on a first install it simply starts.
    systemctl restart conntrackwatch.service
    systemctl --no-pager --lines=0 status conntrackwatch.service || true
fi
echo "Installed. Status: systemctl status conntrackwatch; audit trail: journalctl -u conntrackwatch"
