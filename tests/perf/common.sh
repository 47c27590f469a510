# Shared by the performance scripts (sourced, not run): the binary under test and the statistics of the runs.
# Expects $repo and $work to be set.

# The Native AOT binary as it ships: the one CONNTRACKWATCH_PUBLISH_DIR names (as .ci/run publishes it), or
# published here into $work/publish. Sets $bin.
publish_binary() {
    if [[ -n "${CONNTRACKWATCH_PUBLISH_DIR:-}" ]]; then
        bin="$CONNTRACKWATCH_PUBLISH_DIR/conntrackwatch"
    else
        dotnet publish "$repo/src/ConntrackWatch" -c Release -r linux-x64 -nologo -v:q -o "$work/publish" >/dev/null
        bin="$work/publish/conntrackwatch"
    fi
}

# The median of the numbers on standard input, one a line.
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# One run of a command: "<seconds> <peak RSS in KiB>" (GNU time's %M covers the children it waited for); the
# command's output is left in $work/out.
run_once() {
    local start end
    start=$EPOCHREALTIME
    /usr/bin/time -f %M -o "$work/rss" "$@" >"$work/out" 2>&1 || true
    end=$EPOCHREALTIME
    awk -v s="$start" -v e="$end" -v r="$(tail -1 "$work/rss")" 'BEGIN { printf "%.6f %d\n", e - s, r }'
}
