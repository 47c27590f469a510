#!/usr/bin/env bash
# What watching every network namespace costs the daemon as it runs: the Native AOT binary, as it ships but in dry
# run, polling every second (Conntrack:PollInterval=00:00:01, the default 10 s namespace scan included), beside 0,
# 200 and 1,000 real network namespaces made here: each once with a process in it (ip netns add, then a sleep
# inside, so it is found through /proc/PID) and once as a bind mount alone (entered, as ip netns add leaves it).
# The figure is the process's CPU time (every thread, user and kernel: /proc/PID/task/*/schedstat, in ns) over
# SECONDS_MEASURED (default 30) after a warm-up of 15 s, divided by the polls made, the median of RUNS daemons
# (default 3; this virtual machine's figures move by a third between runs); per namespace it is the cost above
# the same daemon beside no namespace, divided by their number. The 10 s scan is in it, a tenth at each poll.
# Prints Markdown for the README.
# Needs root, iproute2 and the Native AOT binary (built here unless CONNTRACKWATCH_PUBLISH_DIR names one). Deletes
# every namespace and process it made, even when interrupted.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
work=${CONNTRACKWATCH_PERF_DIR:-/tmp/conntrackwatch-perf}
seconds=${SECONDS_MEASURED:-30}
runs=${RUNS:-3}
counts=${NAMESPACE_COUNTS:-"200 1000"}
prefix="cwns$$-"
mkdir -p "$work"

daemon=
sleepers=()
made=0
remove_namespaces() {
    if ((${#sleepers[@]})); then
        kill "${sleepers[@]}" 2>/dev/null || true
        wait "${sleepers[@]}" 2>/dev/null || true
    fi
    sleepers=()
    for ((i = 0; i < made; i++)); do ip netns delete "$prefix$i" 2>/dev/null || true; done
    made=0
}
cleanup() {
    [[ -n "$daemon" ]] && kill "$daemon" 2>/dev/null || true
    remove_namespaces
    rm -rf "$work/ns-run"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# shellcheck source=tests/perf/common.sh
source "$repo/tests/perf/common.sh"
publish_binary

make_namespaces() { # make_namespaces COUNT with-process|bind-mount
    for ((i = 0; i < $1; i++)); do
        ip netns add "$prefix$i"
        made=$((i + 1))
        if [[ $2 == with-process ]]; then
            ip netns exec "$prefix$i" sleep infinity &
            sleepers+=($!)
        fi
    done
}

cpu_ns() { # every thread's time on a CPU, in ns
    cat /proc/"$1"/task/*/schedstat 2>/dev/null | awk '{ s += $1 } END { printf "%d\n", s }'
}

# measure COUNT: sets per_poll_us, the daemon's CPU per poll in µs beside the COUNT namespaces made (the median of runs).
measure() {
    : >"$work/ns-runs"
    for ((run = 0; run < runs; run++)); do measure_once "$1" >>"$work/ns-runs"; done
    per_poll_us=$(median <"$work/ns-runs")
}

measure_once() {
    mkdir -p "$work/ns-run"
    RUNTIME_DIRECTORY="$work/ns-run" "$bin" --Conntrack:PollInterval=00:00:01 --Conntrack:DryRun=true \
        --Journald:Enabled=false --Conntrack:StateDirectory= 2>"$work/ns-daemon.log" &
    daemon=$!
    sleep 15
    # Each watched namespace is a handle kept open: fewer than there are namespaces and the figure means nothing.
    local handles
    handles=$(find /proc/"$daemon"/fd -mindepth 1 | wc -l)
    if ((handles < $1)); then
        echo "the daemon holds $handles files, fewer than the $1 namespaces it should watch (see $work/ns-daemon.log)" >&2
        exit 1
    fi
    local start end
    start=$(cpu_ns "$daemon")
    sleep "$seconds"
    end=$(cpu_ns "$daemon")
    kill "$daemon" && wait "$daemon" 2>/dev/null || true
    daemon=
    awk -v a="$start" -v b="$end" -v s="$seconds" 'BEGIN { printf "%.1f\n", (b - a) / 1000 / s }'
}

measure 0
base=$per_poll_us
echo "| Namespaces | found through | CPU per poll | per namespace, above the daemon beside none |"
echo "| ---: | --- | ---: | ---: |"
echo "| 0 | | $base µs | |"
for count in $counts; do
    for kind in with-process bind-mount; do
        make_namespaces "$count" "$kind"
        measure "$count"
        remove_namespaces
        what=$([[ $kind == with-process ]] && echo "a process in each (/proc/PID)" || echo "a bind mount alone (entered)")
        awk -v n="$count" -v w="$what" -v p="$per_poll_us" -v b="$base" \
            'BEGIN { printf "| %d | %s | %.2f ms | %.1f µs |\n", n, w, p / 1000, (p - b) / n }'
    done
done
