#!/bin/bash
# What one scrape costs the process that answers it: the daemon's /metrics (Metrics:Listen) against node_exporter
# with its conntrack collector alone and no metrics of its own, each scraped N times over loopback by one curl; the CPU time (user + system,
# from /proc/PID/stat) each server spent, divided by N. Also the daemon's idle resident memory with the listener on.
#   bash tests/perf/scrape.sh [N]        (as root; default N = 2000)
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
source "$repo/tests/perf/common.sh"
n=${1:-2000}
publish_binary
ticks=$(getconf CLK_TCK)

cpu_seconds() { awk -v t="$ticks" '{ print ($14 + $15) / t }' "/proc/$1/stat"; }

# Scrapes url n times on one connection (curl reuses it for the same host) and prints the server's CPU per scrape in us.
per_scrape() {
    local pid=$1 url=$2 before after urls=()
    for _ in $(seq "$n"); do urls+=("$url"); done
    curl -s -o /dev/null "$url"
    before=$(cpu_seconds "$pid")
    curl -s "${urls[@]}" >/dev/null
    after=$(cpu_seconds "$pid")
    awk -v b="$before" -v a="$after" -v n="$n" 'BEGIN { printf "%.1f", (a - b) * 1e6 / n }'
}

wait_for() { for _ in $(seq 100); do curl -sf -o /dev/null "$1" && return 0; sleep 0.1; done; echo "no answer on $1" >&2; exit 1; }

mkdir -p "$work/run" "$work/state"
RUNTIME_DIRECTORY=$work/run STATE_DIRECTORY=$work/state CONNTRACKWATCH_Metrics__Listen=127.0.0.1:19101 \
    CONNTRACKWATCH_Logging__Format=Json "$bin" >/dev/null 2>&1 &
pids+=($!)
daemon=$!
wait_for http://127.0.0.1:19101/healthz
sleep 3
rss=$(awk '/^VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/$daemon/status")
ours=$(per_scrape "$daemon" http://127.0.0.1:19101/metrics)

prometheus-node-exporter --collector.disable-defaults --collector.conntrack --web.disable-exporter-metrics --web.listen-address=127.0.0.1:19100 >/dev/null 2>&1 &
pids+=($!)
exporter=$!
wait_for http://127.0.0.1:19100/metrics
theirs=$(per_scrape "$exporter" http://127.0.0.1:19100/metrics)

cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')
echo "cpu: $cpu"
echo "scrapes: $n each"
echo "conntrackwatch /metrics: $ours us of CPU a scrape (idle RSS with the listener on: $rss MiB)"
collector=$(curl -s http://127.0.0.1:19100/metrics | awk -F'} ' '/node_scrape_collector_duration_seconds\{collector="conntrack"\}/ { printf "%.1f", $2 * 1e6 }')
echo "node_exporter, the conntrack collector alone (--web.disable-exporter-metrics): $theirs us of CPU a scrape (the collector's own duration: $collector us)"
