#!/usr/bin/env bash
# ConntrackWatch side by side with what admins run today, on the same work, on this machine:
#   1. counting a table: `conntrackwatch status` with CountSource=Table against GNU `wc -l` and the old script's
#      approach (load the whole file into an array, count it), on 1,000,000- and 10,000,000-line tables;
#   2. the same on a real /proc/net/nf_conntrack of 100,000 entries (a network namespace of its own);
#   3. the idle daemon against prometheus-node-exporter with only its conntrack collector: resident memory,
#      CPU, and time from start to READY=1.
# Each command runs RUNS times (default 7) in turn; the table shows medians. Prints Markdown for the README.
# Needs root, the Native AOT binary (built here unless CONNTRACKWATCH_PUBLISH_DIR names one), /usr/bin/time,
# perl, python3, nftables, iproute2 and prometheus-node-exporter. Cleans up its namespace and processes.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
work=${CONNTRACKWATCH_PERF_DIR:-/tmp/conntrackwatch-perf}
runs=${RUNS:-7}
idle_seconds=${IDLE_SECONDS:-60}
ns="cwperf$$"
mkdir -p "$work"

cleanup() {
    ip netns delete "$ns" 2>/dev/null || true
}
trap cleanup EXIT

# shellcheck source=tests/perf/common.sh
source "$repo/tests/perf/common.sh"
publish_binary

# RUNS runs of each command in turn (so that a disturbance hits them alike); sets med_time[name], med_rss[name].
declare -A med_time med_rss
compare() { # compare <runs> name1 "cmd1" name2 "cmd2" ...
    local n=$1; shift
    local -a names=() cmds=()
    while (($#)); do names+=("$1"); cmds+=("$2"); shift 2; done
    local i k
    for k in "${!names[@]}"; do : >"$work/t.${names[$k]}"; done
    for ((i = 0; i < n; i++)); do
        for k in "${!names[@]}"; do
            # shellcheck disable=SC2086
            run_once bash -c "${cmds[$k]}" >>"$work/t.${names[$k]}"
        done
    done
    for k in "${!names[@]}"; do
        med_time[${names[$k]}]=$(awk '{ print $1 }' "$work/t.${names[$k]}" | median)
        med_rss[${names[$k]}]=$(awk '{ print $2 }' "$work/t.${names[$k]}" | median)
    done
}

ms() { awk -v t="$1" 'BEGIN { printf "%.0f ms", t * 1000 }'; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f MiB", k / 1024 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2fx", a / b }'; }

line='ipv4     2 tcp      6 431999 ESTABLISHED src=10.12.34.56 dst=192.168.100.200 sport=54321 dport=443 src=192.168.100.200 dst=10.12.34.56 sport=443 dport=54321 [ASSURED] mark=0 zone=0 use=2'
make_table() { # make_table <lines>: $work/tree-<lines>/net/nf_conntrack and the sysctls a tree needs
    local lines=$1 tree="$work/tree-$1"
    mkdir -p "$tree/net" "$tree/sys/net/netfilter"
    echo 262144 >"$tree/sys/net/netfilter/nf_conntrack_max"
    cp /proc/meminfo "$tree/meminfo"
    if [[ ! -s "$tree/net/nf_conntrack" ]] || (( $(stat -c %s "$tree/net/nf_conntrack") != lines * 187 )); then
        python3 -c "
import sys
chunk = (sys.argv[1] + '\n').encode() * 10000
with open(sys.argv[2], 'wb') as f:
    for _ in range(int(sys.argv[3]) // 10000): f.write(chunk)
" "$line" "$tree/net/nf_conntrack" "$lines"
    fi
    cat "$tree/net/nf_conntrack" >/dev/null # into the page cache, as a table read twice a minute is
}

echo "## Measured on $(date -u +%Y-%m-%d): $(nproc) cores ($(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)), $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), kernel $(uname -r), $(wc --version | head -1)"
echo
echo "### Counting a table (page cache), whole processes, median of $runs runs"
echo
echo "| Table | \`wc -l\` | \`conntrackwatch status\` | ratio | peak RSS wc / conntrackwatch | old approach (array) | its peak RSS |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
for lines in 1000000 10000000; do
    make_table "$lines"
    tree="$work/tree-$lines"
    compare "$runs" \
        wc "wc -l '$tree/net/nf_conntrack'" \
        cw "'$bin' status --Conntrack:ProcRoot='$tree' --Conntrack:CountSource=Table --Conntrack:StatsSource=File"
    compare 3 old "perl -e 'my @lines = <STDIN>; print scalar(@lines), qq(\n)' <'$tree/net/nf_conntrack'"
    echo "| $lines lines, $(( lines * 187 / 1000000 )) MB | $(ms "${med_time[wc]}") | $(ms "${med_time[cw]}") | $(ratio "${med_time[cw]}" "${med_time[wc]}") | $(mib "${med_rss[wc]}") / $(mib "${med_rss[cw]}") | $(ms "${med_time[old]}") | $(mib "${med_rss[old]}") |"
done
echo

echo "### A real /proc/net/nf_conntrack of 100,000 entries (network namespace), median of $runs runs"
echo
ip netns add "$ns"
ip netns exec "$ns" ip link set lo up
ip netns exec "$ns" nft add table inet perf
ip netns exec "$ns" nft add chain inet perf output '{ type filter hook output priority 0; policy accept; }'
ip netns exec "$ns" nft add rule inet perf output ct state new counter accept
ip netns exec "$ns" sysctl -qw net.netfilter.nf_conntrack_udp_timeout=600
ip netns exec "$ns" bash -c 'for a in 1 2; do for p in $(seq 10001 60050); do echo x > /dev/udp/127.0.0.$a/$p; done; done 2>/dev/null; true'
entries=$(ip netns exec "$ns" cat /proc/sys/net/netfilter/nf_conntrack_count)
compare "$runs" \
    kwc "ip netns exec $ns wc -l /proc/net/nf_conntrack" \
    kcw "ip netns exec $ns '$bin' status --Conntrack:CountSource=Table --Conntrack:StatsSource=File"
# The daemon's own cost of a count, without a process start: BenchmarkDotNet in the same namespace.
dotnet build "$repo/tests/ConntrackWatch.Benchmarks" -c Release -nologo -v:q >/dev/null
(cd "$work" && ip netns exec "$ns" dotnet "$repo/tests/ConntrackWatch.Benchmarks/bin/Release/net10.0/ConntrackWatch.Benchmarks.dll" \
    --filter '*RealTableBenchmarks*' --inProcess --exporters csv >"$work/bdn-real.log" 2>&1) || true
in_process=$(awk -F, 'NR > 1 && /CountRealTable/ { for (i = 1; i <= NF; i++) if ($i ~ / ms$/) { print $i; exit } }' \
    "$work"/BenchmarkDotNet.Artifacts/results/*RealTableBenchmarks-report.csv 2>/dev/null | sed 's/ ms//; s/"//g')
echo "| Entries | \`wc -l\` | \`conntrackwatch status\` (whole process) | ratio | the daemon's count (in process, BenchmarkDotNet mean) | ratio |"
echo "| --- | ---: | ---: | ---: | ---: | ---: |"
echo "| $entries | $(ms "${med_time[kwc]}") | $(ms "${med_time[kcw]}") | $(ratio "${med_time[kcw]}" "${med_time[kwc]}") | ${in_process:-n/a} ms | $( [[ -n "$in_process" ]] && ratio "$(awk -v m="$in_process" 'BEGIN { print m / 1000 }')" "${med_time[kwc]}" || echo n/a) |"
ip netns delete "$ns"
echo

echo "### Idle, over $idle_seconds s at the default 5 s interval, beside node_exporter (conntrack collector only)"
echo
python3 - "$bin" "$idle_seconds" <<'PY'
import os, signal, socket, subprocess, sys, tempfile, time, urllib.request, re

binary, seconds = sys.argv[1], int(sys.argv[2])
tick = os.sysconf("SC_CLK_TCK")

def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        return int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1))

def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / tick

directory = tempfile.mkdtemp()
notify_path = os.path.join(directory, "notify")
notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
notify.bind(notify_path)
notify.settimeout(10)
env = dict(os.environ, NOTIFY_SOCKET=notify_path)
for key in ("JOURNAL_STREAM", "INVOCATION_ID", "WATCHDOG_USEC", "WATCHDOG_PID"):
    env.pop(key, None)

ready_ms = []
for _ in range(5):
    start = time.monotonic()
    daemon = subprocess.Popen([binary, "--Conntrack:DryRun=true"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while b"READY=1" not in notify.recv(4096):
        pass
    ready_ms.append((time.monotonic() - start) * 1000)
    daemon.send_signal(signal.SIGTERM)
    daemon.wait()
ready_ms.sort()

port = 19100 + os.getpid() % 500
exporter = subprocess.Popen(["prometheus-node-exporter", "--collector.disable-defaults", "--collector.conntrack",
                             f"--web.listen-address=127.0.0.1:{port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
daemon = subprocess.Popen([binary, "--Conntrack:DryRun=true"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
time.sleep(2)
durations = []
cpu0, t0 = cpu_seconds(daemon.pid), time.monotonic()
deadline = t0 + seconds
while time.monotonic() < deadline:
    try:
        body = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5).read().decode()
        m = re.search(r'node_scrape_collector_duration_seconds\{collector="conntrack"\} (\S+)', body)
        if m:
            durations.append(float(m.group(1)))
    except OSError:
        pass
    time.sleep(5)
cpu = cpu_seconds(daemon.pid) - cpu0
elapsed = time.monotonic() - t0
ours, theirs = rss_kib(daemon.pid), rss_kib(exporter.pid)
daemon.send_signal(signal.SIGTERM); daemon.wait()
exporter.terminate(); exporter.wait()
durations.sort()
collection_us = durations[len(durations) // 2] * 1e6 if durations else float("nan")
print("| | ConntrackWatch (Native AOT) | node_exporter, conntrack only |")
print("| --- | ---: | ---: |")
print(f"| resident memory | {ours / 1024:.1f} MiB | {theirs / 1024:.1f} MiB |")
print(f"| ratio to node_exporter | {ours / theirs:.2f}x | 1.00x |")
print(f"| CPU while idle | {100 * cpu / elapsed:.3f}% ({round(cpu * tick)} clock ticks of {1000 // tick} ms in {elapsed:.0f} s) | |")
print(f"| start to READY=1 (median of 5) | {ready_ms[2]:.0f} ms | |")
print(f"| one collection (count, max, drop counters) | see the BenchmarkDotNet Poll figure | {collection_us:.0f} µs (its own scrape metric, median) |")
PY
