#!/usr/bin/env bash
# Who fills the table, timed against the pipeline admins type under pressure, on the same real table:
#   conntrackwatch status --top --json --namespace NS
#   conntrack -L | awk '<the first src= field>' | sort | uniq -c | sort -rn | head   (top sources, as admins do it;
#   $5 would be the destination of a UDP line, which has no state field: "udp 17 29 src=... dst=...")
# on 100,000 and 1,000,000 real UDP entries in a network namespace of its own, each with one distinct source per
# entry (the hardest case for a bounded breakdown: every key distinct). Wall time and peak resident memory of the
# whole process tree, median of RUNS (default 3); then the same tables read from the table file (the fallback
# where ctnetlink is refused), and 100,000 entries with every destination distinct. Prints Markdown for the README.
# Needs root, python3, conntrack, nftables, iproute2, /usr/bin/time and the Native AOT binary (built here unless
# CONNTRACKWATCH_PUBLISH_DIR names one). Raises nf_conntrack_max for the run (recorded, restored on exit, and by the
# next test run if this one is killed) and deletes its namespace.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
work=${CONNTRACKWATCH_PERF_DIR:-/tmp/conntrackwatch-perf}
runs=${RUNS:-3}
ns="cwbreak$$"
max_path=/proc/sys/net/netfilter/nf_conntrack_max
record=/run/conntrackwatch-tests/sysctls/$(tr / _ <<<"${max_path#/}")
original_max=$(cat "$max_path")
mkdir -p "$work" "${record%/*}"
[[ -e "$record" ]] || printf '%s\n%s\n' "$max_path" "$original_max" >"$record"

cleanup() {
    ip netns delete "$ns" 2>/dev/null || true
    rm -rf "$work/tree"
    echo "$original_max" >"$max_path" && rm -f "$record"
}
trap cleanup EXIT

# shellcheck source=tests/perf/common.sh
source "$repo/tests/perf/common.sh"
publish_binary

measure() { # measure "<command>": sets m_time (ms) and m_rss (MiB)
    : >"$work/runs"
    for ((i = 0; i < runs; i++)); do run_once bash -c "$1" >>"$work/runs"; done
    m_time=$(awk '{ print $1 * 1000 }' "$work/runs" | median)
    m_rss=$(awk '{ print $2 / 1024 }' "$work/runs" | median)
}

echo 1200000 >"$max_path"
make_namespace() { # the namespace, with loopback up and new flows tracked for an hour
    ip netns add "$ns"
    ip netns exec "$ns" ip link set lo up
    ip netns exec "$ns" nft add table inet cwbreak
    ip netns exec "$ns" nft add chain inet cwbreak output "{ type filter hook output priority 0; policy accept; }"
    ip netns exec "$ns" nft add rule inet cwbreak output ct state new counter accept
    ip netns exec "$ns" sh -c 'echo 3600 > /proc/sys/net/netfilter/nf_conntrack_udp_timeout'
}
make_namespace

# The table file's path (where ctnetlink is refused): the namespace's table copied into a proc tree of its own.
tree="$work/tree"
mkdir -p "$tree/net" "$tree/sys/net/netfilter"
cp /proc/meminfo "$tree/meminfo"
echo 1200000 >"$tree/sys/net/netfilter/nf_conntrack_max"

made=0
echo "| Entries (one distinct source each) | \`conntrackwatch status --top\` | its peak RSS | the admin's pipeline | its peak RSS | time ratio | from the table file | its peak RSS |"
echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
for entries in 100000 1000000; do
    # One datagram from each of 127.1.0.1, 127.1.0.2, ... to port 9: a flow, and a source, per entry.
    ip netns exec "$ns" python3 - "$made" "$entries" <<'PY'
import socket, sys
start, end = int(sys.argv[1]), int(sys.argv[2])
for i in range(start, end):
    n = i + 1
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.%d.%d.%d" % (1 + (n >> 16), (n >> 8) & 255, n & 255), 0))
    s.sendto(b"x", ("127.0.0.1", 9))
    s.close()
PY
    made=$entries
    count=$(ip netns exec "$ns" cat /proc/sys/net/netfilter/nf_conntrack_count)
    measure "'$bin' status --top --json --namespace '$ns'"
    ours_time=$m_time ours_rss=$m_rss
    measure "ip netns exec '$ns' conntrack -L 2>/dev/null | awk '{ for (i = 1; i <= NF; i++) if (\$i ~ /^src=/) { print \$i; break } }' | sort | uniq -c | sort -rn | head"
    theirs_time=$m_time theirs_rss=$m_rss
    ip netns exec "$ns" cat /proc/net/nf_conntrack >"$tree/net/nf_conntrack"
    echo "$count" >"$tree/sys/net/netfilter/nf_conntrack_count"
    measure "'$bin' status --top --json --Conntrack:ProcRoot='$tree'"
    awk -v n="$count" -v ot="$ours_time" -v or="$ours_rss" -v tt="$theirs_time" -v tr="$theirs_rss" -v ft="$m_time" -v fr="$m_rss" \
        'BEGIN { printf "| %d | %.0f ms | %.1f MiB | %.0f ms | %.1f MiB | %.2fx | %.0f ms | %.1f MiB |\n", n, ot, or, tt, tr, ot / tt, ft, fr }'
done

# Every destination distinct instead (the other list at its bound), over ctnetlink.
ip netns delete "$ns"
make_namespace
ip netns exec "$ns" python3 - <<'PY'
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for n in range(1, 100001):
    s.sendto(b"x", ("127.%d.%d.%d" % (1 + (n >> 16), (n >> 8) & 255, n & 255), 9))
PY
measure "'$bin' status --top --json --namespace '$ns'"
echo
echo "100,000 entries, one distinct destination each, over ctnetlink: $(printf '%.0f ms, %.1f MiB peak RSS' "$m_time" "$m_rss")"
