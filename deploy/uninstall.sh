#!/usr/bin/env bash
# Stops and removes what deploy/install.sh installed: the service, the binary, the journal catalog, the manual.
# Keeps the per-host configuration in /etc/conntrackwatch and the learned maximum, as `apt remove` does, so a later
# install picks them up again; --purge removes them too, as `apt purge` does. Safe to run again.
#
#   deploy/uninstall.sh [--purge]
set -euo pipefail

purge=no
while (($#)); do
    case "$1" in
        --purge) purge=yes; shift ;;
        -h|--help) sed -n '2,6p' "$0"; exit 0 ;;
        *) echo "uninstall.sh: unknown option '$1' (see --help)" >&2; exit 64 ;;
    esac
done

if ((EUID != 0)); then
    echo "uninstall.sh: run as root" >&2
    exit 77
fi
if command -v dpkg-query >/dev/null && dpkg-query -W -f '${db:Status-Status}' conntrackwatch 2>/dev/null | grep -q '^installed$'; then
    echo "uninstall.sh: the conntrackwatch Debian package is installed; remove it with apt remove (or apt purge)" >&2
    exit 73
fi

if systemctl list-unit-files conntrackwatch.service --no-legend 2>/dev/null | grep -q conntrackwatch; then
    systemctl disable --now conntrackwatch.service || true
fi
rm -f /lib/systemd/system/conntrackwatch.service /usr/sbin/conntrackwatch /usr/share/man/man8/conntrackwatch.8.gz
rm -rf /usr/lib/conntrackwatch /usr/share/doc/conntrackwatch
if [[ -e /usr/lib/systemd/catalog/conntrackwatch.catalog ]]; then
    rm -f /usr/lib/systemd/catalog/conntrackwatch.catalog
    journalctl --update-catalog
fi
systemctl daemon-reload
systemctl reset-failed conntrackwatch.service 2>/dev/null || true
if [[ "$purge" == yes ]]; then
    rm -rf /etc/conntrackwatch /var/lib/private/conntrackwatch /var/lib/conntrackwatch
    echo "Removed ConntrackWatch, its configuration and its state."
else
    echo "Removed ConntrackWatch. Kept /etc/conntrackwatch and the learned maximum (uninstall.sh --purge removes them)."
fi
