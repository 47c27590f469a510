#!/usr/bin/env bash
# Stops and removes ConntrackWatch: the service, the binary, the journal catalog. Keeps the per-host
# configuration in /etc/conntrackwatch, so a later install picks it up again. Safe to run again.
set -euo pipefail

if ((EUID != 0)); then
    echo "uninstall.sh: run as root" >&2
    exit 77
fi

if systemctl list-unit-files conntrackwatch.service --no-legend 2>/dev/null | grep -q conntrackwatch; then
    systemctl disable --now conntrackwatch.service || true
fi
rm -f /etc/systemd/system/conntrackwatch.service
rm -rf /opt/conntrackwatch
if [[ -e /usr/local/lib/systemd/catalog/conntrackwatch.catalog ]]; then
    rm -f /usr/local/lib/systemd/catalog/conntrackwatch.catalog
    journalctl --update-catalog
fi
systemctl daemon-reload
systemctl reset-failed conntrackwatch.service 2>/dev/null || true
echo "Removed ConntrackWatch. Kept /etc/conntrackwatch (delete it by hand if you no longer need it)."
