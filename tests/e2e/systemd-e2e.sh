#!/usr/bin/env bash
# End to end under a real systemd, on a fresh minimal Debian 12 with no .NET, as a new firewall host would be:
# build the Debian package (deploy/build-deb.sh), boot the host with systemd-nspawn (sharing this machine's
# network, so the real nf_conntrack_max is the one the service manages), `apt install` the package, and check the
# service the way an admin would: systemctl, journalctl -x, man, a per-host override applied by reload, a real
# raise, the learned max restored after a "reboot", an upgrade that keeps the admin's configuration, a purge that
# leaves nothing behind, and deploy/install.sh for hosts without apt. Everything it changes on this machine (the
# max, an nftables table, the container) is restored whatever happens.
#
# Prints "ok - ..." or "not ok - ..." per check, then one line "e2e: N passed, N failed" (", N skipped").
# Needs root, systemd-nspawn (systemd-container), mmdebstrap, debhelper, dpkg-dev, lintian, nft (nftables) and
# the .NET SDK (or CONNTRACKWATCH_PUBLISH_DIR). A missing prerequisite is a skip, or a failure when
# CONNTRACKWATCH_REQUIRE_PREREQUISITES=1.
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
# MESSAGE_IDs (src/ConntrackWatch/Logging/MessageIds.cs).
id_started=b56af0b30c624a32a3fb33f7c0550f74
id_stopping=3acf2a513aa84ca5b3aaf33adc966ef0
id_watchdog=5a5dabdc737541e4995de13894aeb0c3
id_reloaded=62bcb28e6ffb45ffb09e554a21056be4
id_reload_requested=4dda49db211d4164a2cedd361de2fdc6
id_raised=0188042c53234f66b3e7f64c4496bf9b
id_restored=c630268cbc084fb98fdb6b2df020b8bd
id_learned_ignored=548e2782279445288402e960da17830f
id_namespaces_not_visible=b11d21d946dc4c26b51e0d0ce9864111
id_breakdown=b874b99ec5564a9599781b4c20e28e29

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
# Waits (up to 10 s) until the journal of the unit has an entry with this MESSAGE_ID whose text matches.
journal_has() { in_container sh -c "for i in \$(seq 50); do journalctl -u conntrackwatch MESSAGE_ID=$1 -o cat | grep -q \"$2\" && exit 0; sleep 0.2; done; exit 1"; }
real_max() { cat "$max_path"; }

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
command -v mmdebstrap >/dev/null || skip_all "needs mmdebstrap (apt-get install mmdebstrap)"
command -v dpkg-buildpackage >/dev/null && command -v dh >/dev/null || skip_all "needs debhelper and dpkg-dev"
command -v lintian >/dev/null || skip_all "needs lintian (apt-get install lintian)"
command -v nft >/dev/null || skip_all "needs nft (apt-get install nftables)"
[[ -n "${CONNTRACKWATCH_PUBLISH_DIR:-}" ]] || command -v dotnet >/dev/null || skip_all "needs the .NET SDK to publish the binary"
[[ -w "$max_path" ]] || skip_all "needs the nf_conntrack module ($max_path)"

# The binary as it ships: the one .ci/run published (CONNTRACKWATCH_PUBLISH_DIR), or published here.
if [[ -n "${CONNTRACKWATCH_PUBLISH_DIR:-}" ]]; then
    cp -r "$CONNTRACKWATCH_PUBLISH_DIR" "$work/publish"
elif ! dotnet publish "$repo/src/ConntrackWatch" -c Release -r linux-x64 -nologo -v:q -o "$work/publish" >"$work/publish.log" 2>&1; then
    not_ok "publish the Native AOT binary" "$(tail -20 "$work/publish.log")"
    finish; exit 1
fi
version=$(sed -n '1s/^conntrackwatch (\([^)]*\)).*/\1/p' "$repo/deploy/debian/changelog")

# The package, built by the documented command.
if CONNTRACKWATCH_PUBLISH_DIR="$work/publish" "$repo/deploy/build-deb.sh" --out "$work/deb" >"$work/deb.log" 2>&1; then
    ok "deploy/build-deb.sh builds conntrackwatch_${version}_amd64.deb"
else
    not_ok "deploy/build-deb.sh builds the package" "$(tail -30 "$work/deb.log")"
    finish; exit 1
fi
deb="conntrackwatch_${version}_amd64.deb"
lint=$(lintian --allow-root --fail-on error "$work/deb/$deb" 2>&1)
if (($? == 0)); then
    ok "lintian reports no errors ($(grep -c '^W:' <<<"$lint") warnings)"
else
    not_ok "lintian reports no errors" "$lint"
fi

# A fresh minimal Debian 12, with systemd and man, and no .NET.
if ! mmdebstrap --variant=minbase --include=systemd,systemd-sysv,dbus,man-db,ca-certificates bookworm "$work/root" \
    >"$work/mmdebstrap.log" 2>&1; then
    not_ok "mmdebstrap a minimal Debian 12" "$(tail -20 "$work/mmdebstrap.log")"
    finish; exit 1
fi

# A real systemd as PID 1 of that host, sharing this machine's network namespace. CAP_NET_ADMIN and a writable
# /proc/sys/net let it manage the real nf_conntrack_max.
SYSTEMD_NSPAWN_API_VFS_WRITABLE=network systemd-nspawn -D "$work/root" -b --register=no --keep-unit \
    --machine="$machine" --capability=CAP_NET_ADMIN \
    --bind-ro="$repo:/src" --bind-ro="$work/publish:/publish" --bind-ro="$work/deb:/deb" \
    systemd.firstboot=off >"$work/console.log" 2>&1 &
nspawn_pid=$!
for _ in $(seq 100); do
    leader=$(pgrep -P "$nspawn_pid" | head -1)
    [[ -n "$leader" ]] && [[ "$(in_container systemctl is-system-running 2>/dev/null)" =~ ^(running|degraded)$ ]] && break
    sleep 0.3
done
if [[ -z "$leader" ]]; then
    not_ok "boot systemd in a container" "$(tail -20 "$work/console.log")"
    finish; exit 1
fi
ok "boot a fresh Debian 12 with systemd in a container (leader pid $leader)"

apt_get() { in_container env DEBIAN_FRONTEND=noninteractive apt-get -y -q "$@"; }
# As a new host would: fresh package lists, then the package with whatever it depends on (procps, for kill).
check "apt install ./$deb: installed with its dependencies, no .NET on the host" sh -c \
    "nsenter --target $leader --all apt-get -q update && nsenter --target $leader --all env DEBIAN_FRONTEND=noninteractive apt-get -y -q install /deb/$deb \
     && ! nsenter --target $leader --all sh -c 'command -v dotnet'"
check "the service is enabled and active" in_container sh -c 'systemctl is-enabled --quiet conntrackwatch && systemctl is-active --quiet conntrackwatch'
check "conntrackwatch --version prints $version" in_container sh -c "[ \"\$(conntrackwatch --version)\" = 'conntrackwatch $version' ]"
check "conntrackwatch status answers on the new host, with the daemon's decision" in_container sh -c \
    'conntrackwatch status > /tmp/status.txt; [ $? -le 2 ] && grep -q "^decision:" /tmp/status.txt'
check "man conntrackwatch renders" in_container sh -c 'man -P cat conntrackwatch 2>/dev/null | grep -q "EXIT STATUS" && man -P cat conntrackwatch | grep -q RestoreLearnedMax'

status=$(in_container systemctl show -p StatusText --value conntrackwatch)
if [[ "$status" =~ ^count\ [0-9]+\ of\ max\ [0-9]+\ \([0-9.]+%\),\ ceiling\ [0-9]+(,\ growing\ [0-9.]+/s,\ full\ in\ [0-9]+\ s)?(;\ fullest:\ .*\ entries\ in\ all)?$ ]]; then
    ok "systemctl status shows: $status"
else
    not_ok "systemctl status shows the STATUS line" "StatusText='$status'"
fi

check "journalctl -u conntrackwatch has the start, under its MESSAGE_ID" journal_has "$id_started" "ConntrackWatch started"
check "the daemon runs the watchdog WatchdogSec= asks for" journal_has "$id_watchdog" "systemd watchdog enabled: timeout 00:00:30"
check "journalctl -x explains entries from the packaged catalog" \
    in_container sh -c 'journalctl -x -u conntrackwatch --no-pager | grep -q "watches the netfilter connection-tracking table"'
unit=/lib/systemd/system/conntrackwatch.service
check "systemd-analyze verify: clean" in_container sh -c "out=\$(systemd-analyze verify $unit 2>&1); [ -z \"\$out\" ] || { echo \"\$out\"; exit 1; }"
exposure=$(in_container systemd-analyze security --offline=true "$unit" 2>/dev/null \
    | sed -n 's/.*Overall exposure level for conntrackwatch.service: \([0-9.]*\).*/\1/p')
if [[ -n "$exposure" ]] && awk "BEGIN { exit !($exposure <= 2.0) }"; then
    ok "systemd-analyze security: exposure $exposure (target 2.0 or lower)"
else
    not_ok "systemd-analyze security: exposure 2.0 or lower" "exposure '$exposure'"
fi
check "a second daemon started by hand exits 75, naming the lock" in_container sh -c \
    'timeout 10 conntrackwatch 2>/tmp/second.err; [ $? -eq 75 ] && grep -q "another conntrackwatch daemon is running" /tmp/second.err'
check "the hardened service runs without root" in_container sh -c \
    'pid=$(systemctl show -p MainPID --value conntrackwatch); [ "$pid" -gt 0 ] && [ "$(stat -c %u /proc/$pid)" != 0 ]'

# A per-host override, taken on `systemctl reload` (a one-second poll also makes the raise below quick).
in_container sh -c 'printf "{ \"Conntrack\": { \"PollInterval\": \"00:00:01\" } }\n" > /etc/conntrackwatch/appsettings.json'
check "systemctl reload conntrackwatch" in_container systemctl reload conntrackwatch
check "a per-host override takes effect on systemctl reload" journal_has "$id_reloaded" "PollInterval=00:00:01"
check "the reload is in the journal" journal_has "$id_reload_requested" "Reload requested"

# A real raise: track new flows, lower the real max, create flows past 60% of it.
original_max=$(real_max)
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
    raised=$(real_max)
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
    "journalctl -u conntrackwatch MESSAGE_ID=$id_raised -o json | grep -q '\"NEW_MAX\":\"$expected\"'"
check "journalctl -x explains the raise from the catalog" in_container sh -c \
    "journalctl -x -u conntrackwatch MESSAGE_ID=$id_raised --no-pager | grep -q 'reached its high-water mark, so ConntrackWatch raised'"
# The capture must have seen the 65 flows this test made (and at most the few entries there were before).
journal_has "$id_breakdown" "Who fills the table of host, on reaching the high-water mark: [0-9]* entries"
captured=$(in_container journalctl -u conntrackwatch MESSAGE_ID="$id_breakdown" -o cat \
    | grep -o 'Who fills the table of host, on reaching the high-water mark: [0-9]* entries' | head -1 | grep -o '[0-9]*')
if [[ -n "$captured" ]] && (( captured >= 65 && captured <= before + 65 + 5 )); then
    ok "the hardened service captured who fills the table when it passed the mark: $captured entries (65 made, $before before)"
else
    not_ok "the hardened service captured the 65 flows it made when it passed the mark" \
        "captured '${captured}' entries, $before before; $(in_container journalctl -u conntrackwatch MESSAGE_ID="$id_breakdown" -o cat | tail -3)"
fi
check "the learned max is kept in the state directory" in_container sh -c "grep -qx 'max=$expected' /var/lib/conntrackwatch/learned-max"

# A reboot resets the kernel's max: stop, put the lowered value back, start. The learned max must be in force
# before `systemctl start` returns (READY=1 comes after the first poll, which restores it).
in_container systemctl stop conntrackwatch
echo "$lowered" >"$max_path"
in_container systemctl start conntrackwatch
after_start=$(real_max)
if [[ "$after_start" == "$expected" ]]; then
    ok "after a reset to $lowered the learned max $expected is back before systemctl start returns"
else
    not_ok "the learned max is restored before systemctl start returns" \
        "max is $after_start; $(in_container journalctl -u conntrackwatch -n 20 -o cat)"
fi
check "the journal says what was restored, from what, learned when" \
    journal_has "$id_restored" "Restored nf_conntrack_max to $expected: the kernel had $lowered"

# A corrupt state file is logged and ignored: the service starts all the same.
in_container systemctl stop conntrackwatch
in_container sh -c 'printf "max=lots\n" > /var/lib/conntrackwatch/learned-max'
in_container systemctl start conntrackwatch
check "a corrupt state file is logged and ignored" journal_has "$id_learned_ignored" "Ignoring the learned maximum"
check "and the service starts all the same" in_container systemctl is-active --quiet conntrackwatch
echo "$original_max" >"$max_path" && rm -f "$max_record"

# Network namespaces as the hardened unit sees them (README, "Network namespaces"): one with a process, a service
# of its own with PrivateNetwork=yes holding 150 tracked flows, is seen through /proc/PID/net and named after its
# unit; one bound to a file with no process in it cannot be entered without CAP_SYS_ADMIN, which the unit lacks,
# and the journal says so. Root's `conntrackwatch status` sees both.
in_container systemd-run --quiet --unit=e2e-netns -p PrivateNetwork=yes sleep 6017
in_container sh -c 'mkdir -p /run/netns && touch /run/netns/e2e-bound && unshare --net=/run/netns/e2e-bound true'
sleeper=""
for _ in $(seq 50); do sleeper=$(pgrep -f 'bin/sleep 6017$' | head -1); [[ -n "$sleeper" ]] && break; sleep 0.2; done
nsenter --target "$sleeper" --net sh -c "nft add table inet $table && nft add chain inet $table output '{ type filter hook output priority 0; policy accept; }' \
    && nft add rule inet $table output ct state new counter accept && echo 600 > /proc/sys/net/netfilter/nf_conntrack_udp_timeout" 2>/dev/null
nsenter --target "$sleeper" --net bash -c 'for port in $(seq 44000 44149); do echo x >/dev/udp/127.0.0.1/$port; done' 2>/dev/null
flows=$(nsenter --target "$sleeper" --net cat "$count_path")
status=""
for _ in $(seq 75); do   # the service scans for new namespaces every 10 s
    status=$(in_container systemctl show -p StatusText --value conntrackwatch)
    [[ "$status" == *"fullest: unit e2e-netns.service $flows of "* ]] && break
    sleep 0.2
done
if [[ "$status" =~ fullest:\ unit\ e2e-netns\.service\ $flows\ of\ [0-9]+\ \([0-9.]+%\)\;\ [0-9]+\ namespaces,\ [0-9]+\ entries\ in\ all$ ]]; then
    ok "the hardened service sees a namespace through its process: $status"
else
    not_ok "the hardened service sees the namespace of unit e2e-netns.service ($flows entries)" "StatusText='$status'"
fi
check "and says in the journal which namespace it cannot see, and why" \
    journal_has "$id_namespaces_not_visible" "e2e-bound (ns [0-9]*): entering it needs CAP_SYS_ADMIN"
check "root's conntrackwatch status sees both namespaces, with their counts" in_container sh -c \
    "conntrackwatch status > /tmp/ns.txt; grep -q '^  unit e2e-netns.service (ns [0-9]*): $flows of max' /tmp/ns.txt && grep -q '^  e2e-bound (ns [0-9]*): 0 of max' /tmp/ns.txt || { cat /tmp/ns.txt; exit 1; }"
in_container systemctl stop e2e-netns
in_container sh -c 'umount /run/netns/e2e-bound; rm -f /run/netns/e2e-bound'

before_stop=$(in_container systemctl show -p ActiveState --value conntrackwatch)
in_container systemctl stop conntrackwatch
state=$(in_container systemctl show -p ActiveState --value conntrackwatch)
result=$(in_container systemctl show -p Result --value conntrackwatch)
if [[ "$before_stop" == active && "$state" == inactive && "$result" == success ]]; then
    ok "systemctl stop: inactive, not failed"
else
    not_ok "systemctl stop: inactive, not failed" "before: $before_stop; after: ActiveState=$state Result=$result"
fi
check "the journal records the stop" journal_has "$id_stopping" "stopping"

# An upgrade (the package installed again) keeps the admin's edit of the conffile, without asking, and restarts
# the running service on the new binary.
in_container sh -c 'printf "// edited by the admin\n{ \"Conntrack\": { \"PollInterval\": \"00:00:02\" } }\n" > /etc/conntrackwatch/appsettings.json'
in_container systemctl start conntrackwatch
pid_before=$(in_container systemctl show -p MainPID --value conntrackwatch)
check "installing the package again (an upgrade) keeps the edited /etc/conntrackwatch/appsettings.json" sh -c \
    "nsenter --target $leader --all env DEBIAN_FRONTEND=noninteractive apt-get -y -q install --reinstall /deb/$deb </dev/null \
     && nsenter --target $leader --all grep -q 'edited by the admin' /etc/conntrackwatch/appsettings.json"
pid_after=$(in_container systemctl show -p MainPID --value conntrackwatch)
if [[ "$pid_before" -gt 0 && "$pid_after" -gt 0 && "$pid_before" != "$pid_after" ]] \
    && in_container systemctl is-active --quiet conntrackwatch; then
    ok "the upgrade restarted the service (pid $pid_before, then $pid_after)"
else
    not_ok "the upgrade restarted the service" "MainPID before $pid_before, after $pid_after"
fi

# Restarts the service, which must then exit 78 without a restart loop (RestartPreventExitStatus=78).
expect_exit_78() {
    local main_status restarts
    in_container systemctl reset-failed conntrackwatch 2>/dev/null
    in_container systemctl restart conntrackwatch 2>/dev/null
    sleep 7 # longer than RestartSec=5s: a restart would have happened by now
    main_status=$(in_container systemctl show -p ExecMainStatus --value conntrackwatch)
    restarts=$(in_container systemctl show -p NRestarts --value conntrackwatch)
    if [[ "$main_status" == 78 && "$restarts" == 0 ]]; then
        ok "$1: exit code 78 and no restart loop"
    else
        not_ok "$1: exit code 78 and no restart loop" "ExecMainStatus=$main_status NRestarts=$restarts"
    fi
}

# An invalid configuration.
in_container sh -c 'printf "{ \"Conntrack\": { \"HighWaterPercent\": 150 } }\n" > /etc/conntrackwatch/appsettings.json'
expect_exit_78 "invalid configuration"
check "the reason names the key" in_container sh -c \
    'journalctl -u conntrackwatch -o cat | grep -q "Conntrack:HighWaterPercent must be between 1 and 99 (found 150)"'

# A per-host file the service's unprivileged user cannot read (root's 0600): exit 78 naming the file and the
# fix, not a crash and a restart loop.
in_container sh -c 'printf "{ \"Conntrack\": {} }\n" > /etc/conntrackwatch/appsettings.json && chmod 0600 /etc/conntrackwatch/appsettings.json'
expect_exit_78 "an unreadable /etc/conntrackwatch/appsettings.json"
check "the journal names the file and the fix" in_container sh -c \
    'journalctl -u conntrackwatch -o cat | grep "cannot read /etc/conntrackwatch/appsettings.json: permission denied" | grep -q "chmod 0644" || { journalctl -u conntrackwatch -o cat | tail -5; exit 1; }'
in_container chmod 0644 /etc/conntrackwatch/appsettings.json

# apt remove keeps the configuration; apt purge leaves no file of the package behind, nor its state.
in_container dpkg-query -L conntrackwatch >"$work/package-files"
check "apt remove keeps the configuration and removes the rest" sh -c \
    "nsenter --target $leader --all env DEBIAN_FRONTEND=noninteractive apt-get -y -q remove conntrackwatch </dev/null \
     && nsenter --target $leader --all test -e /etc/conntrackwatch/appsettings.json \
     && ! nsenter --target $leader --all test -e /usr/lib/conntrackwatch/conntrackwatch"
apt_get purge conntrackwatch </dev/null >"$work/purge.log" 2>&1
left=""
while read -r path; do
    [[ "$path" == /. ]] && continue
    # Directories other packages share (/usr, /etc, /lib/systemd/system, ...) stay; the package's own go.
    if in_container test -e "$path" && ! { in_container test -d "$path" && [[ ! "$path" =~ conntrackwatch ]]; }; then
        left+="$path "
    fi
done <"$work/package-files"
for path in /var/lib/conntrackwatch /var/lib/private/conntrackwatch /etc/conntrackwatch; do
    in_container test -e "$path" && left+="$path "
done
if [[ -z "$left" ]]; then
    ok "apt purge leaves no file of the package behind ($(wc -l <"$work/package-files") paths checked) and no state"
else
    not_ok "apt purge leaves no file of the package behind" "left: $left"
fi
check "after the purge the unit is gone" in_container sh -c '! systemctl list-unit-files conntrackwatch.service --no-legend | grep -q conntrackwatch'

# Hosts without apt: deploy/install.sh puts the same files in the same places.
check "deploy/install.sh installs and starts the service" in_container /src/deploy/install.sh --binary-dir /publish
check "install.sh uses the package's places" in_container sh -c \
    'for path in $(cat /dev/stdin); do [ "$path" = /. ] || [ -e "$path" ] || { echo "missing $path"; exit 1; }; done' <"$work/package-files"
check "install.sh is idempotent and keeps the per-host file" \
    in_container sh -c 'echo "// kept" >> /etc/conntrackwatch/appsettings.json && /src/deploy/install.sh --binary-dir /publish --no-start && grep -q "// kept" /etc/conntrackwatch/appsettings.json'
check "deploy/uninstall.sh removes the service and keeps /etc/conntrackwatch" in_container sh -c \
    '/src/deploy/uninstall.sh && [ ! -e /usr/lib/conntrackwatch ] && [ ! -e /lib/systemd/system/conntrackwatch.service ] && [ -e /etc/conntrackwatch/appsettings.json ]'
check "uninstall.sh --purge removes the configuration too, and is idempotent" in_container sh -c \
    '/src/deploy/uninstall.sh --purge && [ ! -e /etc/conntrackwatch ] && /src/deploy/uninstall.sh --purge'

finish
exit $((failed > 0))
