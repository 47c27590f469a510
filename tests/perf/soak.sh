#!/usr/bin/env bash
# Memory over time: the Native AOT daemon polling this machine's kernel every 100 ms, with the metrics textfile
# on (the whole poll: read, decide, textfile, STATUS= line), for SOAK_SECONDS (default 3600). Prints its resident
# memory after one minute and at each later sample (with its anonymous part: the heaps and stacks; the rest is the
# binary's pages), the threads it has made since the first minute, and whether the last stays within 1 MiB of the
# first.
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
anon_kib() { awk '/^RssAnon:/ { print $2 }' "/proc/$pid/status"; }
newest_thread() { ls "/proc/$pid/task" | sort -n | tail -1; }
# Thread ids grow with every thread the system makes; count the daemon's new ones by the tasks it has now.
threads_since() { local n=0 t; for t in $(ls "/proc/$pid/task"); do (( t > $1 )) && n=$((n + 1)); done; echo $n; }
row() {
    local now anon
    now=$(rss_kib)
    anon=$(anon_kib)
    echo "| $1 | $((now / 1024)).$(( (now % 1024) * 10 / 1024 )) MiB ($now KiB) | $anon KiB | $(threads_since "$newest") |"
}

sleep 60
first=$(rss_kib)
newest=$(newest_thread)
echo "| after | resident memory | of it anonymous | threads alive made since 1 min |"
echo "| ---: | ---: | ---: | ---: |"
row "1 min"
elapsed=60
for mark in 300 900 1800 2700 3600 7200; do
    (( mark > seconds )) && break
    sleep $((mark - elapsed))
    elapsed=$mark
    row "$((mark / 60)) min"
done
if (( elapsed < seconds )); then
    sleep $((seconds - elapsed))
    row "$((seconds / 60)) min"
fi
now=$(rss_kib)
growth=$((now - first))
echo
echo "Growth after the first minute: $growth KiB ($( ((growth <= 1024)) && echo "within" || echo "beyond") 1 MiB)."
kill -0 "$pid" || { echo "the daemon died: $(tail -5 "$work/daemon.log")"; exit 1; }
