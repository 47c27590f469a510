#!/usr/bin/env bash
# Memory over time: the Native AOT daemon polling this machine's kernel every 100 ms, with the metrics textfile
# on (the whole poll: read, decide, textfile, STATUS= line), for SOAK_SECONDS (default 3600). Prints its resident
# memory after one minute and at each later sample, and whether the last stays within 1 MiB of the first.
# DryRun: it never writes the real sysctl. Its lock lives in a directory of its own, beside any other daemon.
# Needs the nf_conntrack module and the binary (built here unless CONNTRACKWATCH_PUBLISH_DIR names one).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
seconds=${SOAK_SECONDS:-3600}
work=$(mktemp -d)
pid=""
cleanup() {
    [[ -n "$pid" ]] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

# shellcheck source=tests/perf/common.sh
source "$repo/tests/perf/common.sh"
publish_binary

mkdir -p "$work/metrics" "$work/run"
RUNTIME_DIRECTORY="$work/run" "$bin" --Conntrack:PollInterval=00:00:00.100 --Conntrack:DryRun=true \
    "--Metrics:TextfilePath=$work/metrics" --Journald:Enabled=false 2>"$work/daemon.log" &
pid=$!

rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status"; }

sleep 60
first=$(rss_kib)
echo "| after | resident memory |"
echo "| ---: | ---: |"
echo "| 1 min | $((first / 1024)).$(( (first % 1024) * 10 / 1024 )) MiB ($first KiB) |"
elapsed=60
now=$first
for mark in 300 900 1800 2700 3600 7200; do
    (( mark > seconds )) && break
    sleep $((mark - elapsed))
    elapsed=$mark
    now=$(rss_kib)
    echo "| $((mark / 60)) min | $((now / 1024)).$(( (now % 1024) * 10 / 1024 )) MiB ($now KiB) |"
done
if (( elapsed < seconds )); then
    sleep $((seconds - elapsed))
    now=$(rss_kib)
    echo "| $((seconds / 60)) min | $((now / 1024)).$(( (now % 1024) * 10 / 1024 )) MiB ($now KiB) |"
fi
growth=$((now - first))
echo
echo "Growth after the first minute: $growth KiB ($( ((growth <= 1024)) && echo "within" || echo "beyond") 1 MiB)."
kill -0 "$pid" || { echo "the daemon died: $(tail -5 "$work/daemon.log")"; exit 1; }
