#!/usr/bin/env bash
# End to end under a real systemd: boot one with systemd-nspawn (sharing this host's network, so the real
# nf_conntrack_max is the one the service manages), install with deploy/install.sh, and check the service the
# way an admin would: systemctl, journalctl, a per-host override applied by reload, a real raise, a clean stop.
# Everything it changes on the host (the max, an nftables table, the container) is restored whatever happens.
#
# Prints "ok - ..." or "not ok - ..." per check, then one line "e2e: N passed, N failed" (", N skipped").
# Needs root, systemd-nspawn (systemd-container), nft (nftables) and the .NET SDK. A missing prerequisite is a
# skip, or a failure when CONNTRACKWATCH_REQUIRE_PREREQUISITES=1.
set -uo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
work=$(mktemp -d /tmp/conntrackwatch-e2e.XXXXXX)
machine="cwe2e$$"
table="conntrackwatch_e2e_$$"
max_path=/proc/sys/net/netfilter/nf_conntrack_max
count_path=/proc/sys/net/netfilter/nf_conntrack_count
passed=0 failed=0 skipped=0
nspawn_pid="" leader="" original_max=""
# The original max is recorded here before it is lowered: .ci/run and the unit tests put back whatever a
# killed run left recorded (/run is cleared at reboot, as the sysctl itself is).
max_record=/run/conntrackwatch-tests/sysctls/$(tr / _ <<<"${max_path#/}")

ok() { echo "ok - $1"; passed=$((passed + 1)); }
not_ok() { echo "not ok - $1"; [[ $# -gt 1 ]] && sed 's/^/#   /' <<<"$2"; failed=$((failed + 1)); }
check() { local what=$1; shift; local out; if out=$("$@" 2>&1); then ok "$what"; else not_ok "$what" "$out"; fi; }
finish() { echo "e2e: $passed passed, $failed failed$( ((skipped)) && echo ", $skipped skipped")"; }

skip_all() {
    if [[ "${CONNTRACKWATCH_REQUIRE_PREREQUISITES:-}" == 1 ]]; then
        not_ok "prerequisite: $1"
    else
        echo "skip - systemd end-to-end: $1"
        skipped=$((skipped + 1))
    fi
    finish
    exit $((failed > 0))
}

in_container() { nsenter --target "$leader" --all "$@"; }

cleanup() {
    [[ -n "$original_max" ]] && echo "$original_max" >"$max_path" && rm -f "$max_record"
    nft delete table inet "$table" 2>/dev/null
    if [[ -n "$leader" ]] && kill -0 "$leader" 2>/dev/null; then
        in_container systemctl poweroff >/dev/null 2>&1
    fi
    if [[ -n "$nspawn_pid" ]]; then
        for _ in $(seq 50); do kill -0 "$nspawn_pid" 2>/dev/null || break; sleep 0.2; done
        kill -KILL "$nspawn_pid" 2>/dev/null
        wait "$nspawn_pid" 2>/dev/null
    fi
    rm -rf "$work"
}
trap cleanup EXIT

((EUID == 0)) || skip_all "needs root"
command -v systemd-nspawn >/dev/null || skip_all "needs systemd-nspawn (apt-get install systemd-container)"
command -v nft >/dev/null || skip_all "needs nft (apt-get install nftables)"
command -v dotnet >/dev/null || skip_all "needs the .NET SDK to publish the binary"
[[ -w "$max_path" ]] || skip_all "needs the nf_conntrack module ($max_path)"

# The binary as it ships, installed inside the container with --binary-dir: the one .ci/run published
# (CONNTRACKWATCH_PUBLISH_DIR), or published here.
if [[ -n "${CONNTRACKWATCH_PUBLISH_DIR:-}" ]]; then
    cp -r "$CONNTRACKWATCH_PUBLISH_DIR" "$work/publish"
elif ! dotnet publish "$repo/src/ConntrackWatch" -c Release -r linux-x64 -nologo -v:q -o "$work/publish" >"$work/publish.log" 2>&1; then
    not_ok "publish the Native AOT binary" "$(tail -20 "$work/publish.log")"
    finish; exit 1
fi

# /usr is the host's, read-only: /usr/local, where install.sh puts the journal catalog, gets a writable,
# empty directory of its own.
mkdir -p "$work/usr-local"

# A real systemd as PID 1 of a container that shares the host's network namespace. CAP_NET_ADMIN and a
# writable /proc/sys/net let it manage the host's nf_conntrack_max; nftables.service is masked so that it
# cannot flush the host's ruleset.
SYSTEMD_NSPAWN_API_VFS_WRITABLE=network systemd-nspawn -D / --volatile=yes -b --register=no --keep-unit \
    --machine="$machine" --capability=CAP_NET_ADMIN \
    --bind-ro="$repo:/src" --bind-ro="$work/publish:/publish" --bind="$work/usr-local:/usr/local" \
    systemd.firstboot=off systemd.mask=nftables.service >"$work/console.log" 2>&1 &
nspawn_pid=$!
for _ in $(seq 100); do
    leader=$(pgrep -P "$nspawn_pid" | head -1)
    [[ -n "$leader" ]] && in_container systemctl is-system-running --wait >/dev/null 2>&1 && break
    [[ -n "$leader" ]] && [[ "$(in_container systemctl is-system-running 2>/dev/null)" =~ ^(running|degraded)$ ]] && break
    sleep 0.3
done
if [[ -z "$leader" ]]; then
    not_ok "boot systemd in a container" "$(tail -20 "$work/console.log")"
    finish; exit 1
fi
ok "boot systemd in a container (leader pid $leader)"

check "deploy/install.sh installs and starts the service" in_container /src/deploy/install.sh --binary-dir /publish
check "install.sh is idempotent and keeps the per-host file" \
    in_container sh -c 'echo "// kept" >> /etc/conntrackwatch/appsettings.json && /src/deploy/install.sh --binary-dir /publish --no-start && grep -q "// kept" /etc/conntrackwatch/appsettings.json'
check "systemctl is-active: active" in_container systemctl is-active --quiet conntrackwatch

status=$(in_container systemctl show -p StatusText --value conntrackwatch)
if [[ "$status" =~ ^count\ [0-9]+\ of\ max\ [0-9]+\ \([0-9.]+%\),\ ceiling\ [0-9]+(,\ growing\ [0-9.]+/s,\ full\ in\ [0-9]+\ s)?$ ]]; then
    ok "systemctl status shows: $status"
else
    not_ok "systemctl status shows the STATUS line" "StatusText='$status'"
fi

check "journalctl -u conntrackwatch has the start, under its MESSAGE_ID" \
    in_container sh -c 'journalctl -u conntrackwatch MESSAGE_ID=b56af0b30c624a32a3fb33f7c0550f74 -o cat | grep -q "ConntrackWatch started"'
check "the daemon runs the watchdog WatchdogSec= asks for" in_container sh -c \
    'journalctl -u conntrackwatch MESSAGE_ID=5a5dabdc737541e4995de13894aeb0c3 -o cat | grep -q "systemd watchdog enabled: timeout 00:00:30"'
check "journalctl -x explains entries from the installed catalog" \
    in_container sh -c 'journalctl -x -u conntrackwatch --no-pager | grep -q "watches the netfilter connection-tracking table"'
check "systemd-analyze verify: clean" in_container sh -c '! systemd-analyze verify /etc/systemd/system/conntrackwatch.service 2>&1 | grep -q .'
exposure=$(in_container systemd-analyze security --offline=true /etc/systemd/system/conntrackwatch.service 2>/dev/null \
    | sed -n 's/.*Overall exposure level for conntrackwatch.service: \([0-9.]*\).*/\1/p')
if [[ -n "$exposure" ]] && awk "BEGIN { exit !($exposure <= 1.5) }"; then
    ok "systemd-analyze security: exposure $exposure (target 1.5 or lower)"
else
    not_ok "systemd-analyze security: exposure 1.5 or lower" "exposure '$exposure'"
fi
check "the hardened service runs without root" in_container sh -c \
    'pid=$(systemctl show -p MainPID --value conntrackwatch); [ "$pid" -gt 0 ] && [ "$(stat -c %u /proc/$pid)" != 0 ]'

# A per-host override, taken on `systemctl reload` (a one-second poll also makes the raise below quick).
in_container sh -c 'printf "{ \"Conntrack\": { \"PollInterval\": \"00:00:01\" } }\n" > /etc/conntrackwatch/appsettings.json'
in_container systemctl reload conntrackwatch
check "a per-host override takes effect on systemctl reload" in_container sh -c \
    'for i in $(seq 50); do journalctl -u conntrackwatch MESSAGE_ID=62bcb28e6ffb45ffb09e554a21056be4 -o cat | grep -q "PollInterval=00:00:01" && exit 0; sleep 0.2; done; exit 1'
check "the reload is in the journal" in_container sh -c \
    'journalctl -u conntrackwatch MESSAGE_ID=4dda49db211d4164a2cedd361de2fdc6 -o cat | grep -q "Reload requested"'

# A real raise: track new flows, lower the real max, create flows past 60% of it.
original_max=$(cat "$max_path")
mkdir -p "${max_record%/*}"
[[ -e "$max_record" ]] || printf '%s\n%s\n' "$max_path" "$original_max" >"$max_record"
nft add table inet "$table" && nft add chain inet "$table" output "{ type filter hook output priority 0; policy accept; }" \
    && nft add rule inet "$table" output ct state new counter accept
# Entries left by earlier traffic may expire while this runs and take the count below the mark: wait (up to
# 45 s; UDP entries live 30 s) until at most a handful remain, so that the 65 new flows alone reach it.
for _ in $(seq 90); do (( $(cat "$count_path") <= 5 )) && break; sleep 0.5; done
before=$(cat "$count_path")
lowered=$((100 + before))
expected=$((2 * ((lowered * 60 + 99) / 100)))
echo "$lowered" >"$max_path"
for port in $(seq 43000 43064); do echo x >"/dev/udp/127.0.0.1/$port" 2>/dev/null; done
raised=""
for _ in $(seq 100); do
    raised=$(cat "$max_path")
    [[ "$raised" == "$expected" ]] && break
    sleep 0.2
done
if [[ "$raised" == "$expected" ]]; then
    ok "the service raised the real nf_conntrack_max from $lowered to $expected (count $(cat "$count_path"))"
else
    not_ok "the service raised the real nf_conntrack_max from $lowered to $expected" \
        "max is $raised, count $(cat "$count_path"); $(in_container journalctl -u conntrackwatch -n 20 -o cat)"
fi
check "the raise is in the journal with its numbers" in_container sh -c \
    "journalctl -u conntrackwatch MESSAGE_ID=0188042c53234f66b3e7f64c4496bf9b -o json | grep -q '\"NEW_MAX\":\"$expected\"'"
echo "$original_max" >"$max_path" && rm -f "$max_record"

before_stop=$(in_container systemctl show -p ActiveState --value conntrackwatch)
in_container systemctl stop conntrackwatch
state=$(in_container systemctl show -p ActiveState --value conntrackwatch)
result=$(in_container systemctl show -p Result --value conntrackwatch)
if [[ "$before_stop" == active && "$state" == inactive && "$result" == success ]]; then
    ok "systemctl stop: inactive, not failed"
else
    not_ok "systemctl stop: inactive, not failed" "before: $before_stop; after: ActiveState=$state Result=$result"
fi
check "the journal records the stop" in_container sh -c \
    'journalctl -u conntrackwatch MESSAGE_ID=3acf2a513aa84ca5b3aaf33adc966ef0 -o cat | grep -q stopping'

# An invalid configuration: exit 78, and no restart loop.
in_container sh -c 'printf "{ \"Conntrack\": { \"HighWaterPercent\": 150 } }\n" > /etc/conntrackwatch/appsettings.json'
in_container systemctl start conntrackwatch 2>/dev/null
sleep 7 # longer than RestartSec=5s: a restart would have happened by now
main_status=$(in_container systemctl show -p ExecMainStatus --value conntrackwatch)
restarts=$(in_container systemctl show -p NRestarts --value conntrackwatch)
if [[ "$main_status" == 78 && "$restarts" == 0 ]]; then
    ok "invalid configuration: exit code 78 and no restart loop"
else
    not_ok "invalid configuration: exit code 78 and no restart loop" "ExecMainStatus=$main_status NRestarts=$restarts"
fi
check "the reason names the key" in_container sh -c \
    'journalctl -u conntrackwatch -o cat | grep -q "Conntrack:HighWaterPercent must be between 1 and 99 (found 150)"'

check "deploy/uninstall.sh removes the service and keeps /etc/conntrackwatch" in_container sh -c \
    '/src/deploy/uninstall.sh && [ ! -e /opt/conntrackwatch ] && [ ! -e /etc/systemd/system/conntrackwatch.service ] && [ -e /etc/conntrackwatch/appsettings.json ]'
check "uninstall.sh is idempotent" in_container /src/deploy/uninstall.sh

finish
exit $((failed > 0))
