using System.Globalization;
using System.Text.RegularExpressions;
using ConntrackWatch.Text;

namespace ConntrackWatch.Kernel.Namespaces;

/// <summary>
/// Names a network namespace the way an admin recognises it, from the cgroup of a process in it: a Kubernetes pod
/// (and container), a Docker or Podman container, an LXC container, a systemd unit; otherwise the process itself,
/// with its owner. A cgroup path and a comm are written by whoever owns them, so a cgroup names a container only
/// where the runtime puts one (under /kubepods, /system.slice, /machine.slice, /docker, a top-level lxc tree) and
/// only where every directory on the way is root's: a user's delegated subtree (user@UID.service, or any cgroup
/// chowned to a user) names its cgroups as it likes, so it is named after its owner. Every name is escaped and
/// bounded (<see cref="ExternalText"/>). The <c>ip netns</c> name, where there is one, is given elsewhere and
/// wins over all of these.
/// </summary>
internal static partial class NamespaceNames
{
    public const string Host = "host";

    /// <summary>The reader's own namespace where it is not pid 1's (status run inside a namespace).</summary>
    public const string ThisNamespace = "this namespace (not the host's)";

    /// <summary>Whether every directory of a cgroup path, from the hierarchy's root down, is owned by root.</summary>
    public delegate bool RootOwnedCheck(string cgroupPath);

    /// <summary>The name for a process's namespace and how telling it is.</summary>
    /// <param name="cgroup">/proc/PID/cgroup as read; empty when unreadable.</param>
    /// <param name="comm">/proc/PID/comm as read; empty when unreadable.</param>
    /// <param name="uid">The process's real uid; null when unknown.</param>
    /// <param name="rootOwned">Checks the cgroup's directories; null where the cgroup tree cannot be seen (a test tree).</param>
    /// <param name="runtimes">The runtimes' own records, for the names they gave what the cgroup names by id; null: ids only.</param>
    public static (string Name, NameRank Rank) OfProcess(
        int pid, ReadOnlySpan<byte> cgroup, ReadOnlySpan<byte> comm, int? uid, RootOwnedCheck? rootOwned, RuntimeRecords? runtimes = null)
    {
        if (BelievedPath(cgroup, rootOwned) is { } path && FromCgroupPath(path, runtimes) is { } named)
        {
            return named;
        }

        return (OfProcessItself(pid, comm, uid), NameRank.Process);
    }

    /// <summary>"user 1000: pid 812 (python3)"; "root: ..." for uid 0; no owner where the uid is unknown.</summary>
    public static string OfProcessItself(int pid, ReadOnlySpan<byte> comm, int? uid)
    {
        string owner = uid switch
        {
            null => string.Empty,
            0 => "root: ",
            { } known => string.Create(CultureInfo.InvariantCulture, $"user {known}: "),
        };
        ReadOnlySpan<byte> command = comm.EndsWith("\n"u8) ? comm[..^1] : comm;
        string shown = command.IsEmpty ? "?" : ExternalText.FromBytes(command, 64);
        return string.Create(CultureInfo.InvariantCulture, $"{owner}pid {pid} ({shown})");
    }

    /// <summary>The container, pod or unit a cgroup file's content names, believing it; null when it names none.</summary>
    public static string? FromCgroup(string content) =>
        BelievedPath(System.Text.Encoding.UTF8.GetBytes(content), null) is { } path ? FromCgroupPath(path)?.Name : null;

    // The path a name may be made from: printable UTF-8 (a runtime writes nothing else), outside the users' slice,
    // and root's all the way down where that can be checked.
    private static string? BelievedPath(ReadOnlySpan<byte> content, RootOwnedCheck? rootOwned)
    {
        ReadOnlySpan<byte> raw = CgroupPath(content);
        if (raw.IsEmpty || raw.SequenceEqual("/"u8) || !ExternalText.IsPlain(raw) || raw.StartsWith("/user.slice"u8))
        {
            return null;
        }

        string path = System.Text.Encoding.UTF8.GetString(raw);
        return rootOwned is null || rootOwned(path) ? path : null;
    }

    private static (string Name, NameRank Rank)? FromCgroupPath(string path, RuntimeRecords? runtimes = null)
    {
        if (path.StartsWith("/kubepods", StringComparison.Ordinal) && Pod().Match(path) is { Success: true } pod)
        {
            string uid = pod.Groups[1].Value.Replace('_', '-');
            Match container = Container().Match(path);
            string? runtime = path.Contains("/cri-containerd-", StringComparison.Ordinal) ? "containerd"
                : path.Contains("/crio-", StringComparison.Ordinal) ? "crio" : null;
            if ((runtimes?.PodName(uid) ?? (container.Success ? runtimes?.CriPodName(container.Groups[1].Value, uid, runtime) : null)) is { } named)
            {
                return ($"pod {named}", NameRank.Container); // the pod's namespace, whichever of its containers was found
            }

            return (container.Success
                ? $"pod {uid} container {container.Groups[1].Value[..12]}"
                : $"pod {uid}", NameRank.Container);
        }

        if (RuntimeContainer().Match(path) is { Success: true } id)
        {
            string full = id.Groups["id"].Value;
            string? name = id.Groups["docker"].Success ? runtimes?.DockerName(full)
                : id.Groups["podman"].Success ? runtimes?.PodmanName(full) : null;
            return (name is not null ? $"container {name}" : $"container {full[..12]}", NameRank.Container);
        }

        if (Lxc().Match(path) is { Success: true } lxc)
        {
            return (ExternalText.Escape($"lxc {lxc.Groups[1].Value}", ExternalText.MaxNameBytes), NameRank.Container);
        }

        string last = path[(path.LastIndexOf('/') + 1)..];
        return last.EndsWith(".service", StringComparison.Ordinal) || last.EndsWith(".scope", StringComparison.Ordinal)
            ? (ExternalText.Escape($"unit {last}", ExternalText.MaxNameBytes), NameRank.Unit)
            : null;
    }

    // The unified hierarchy's line (0::/path); on a v1 or hybrid host, the name=systemd hierarchy, else the first path.
    private static ReadOnlySpan<byte> CgroupPath(ReadOnlySpan<byte> content)
    {
        ReadOnlySpan<byte> first = default, systemd = default;
        foreach (Range range in content.Split((byte)'\n'))
        {
            ReadOnlySpan<byte> line = content[range];
            int colon = line.IndexOf((byte)':');
            int second = colon < 0 ? -1 : line[(colon + 1)..].IndexOf((byte)':') + colon + 1;
            if (colon < 0 || second <= colon)
            {
                continue;
            }

            ReadOnlySpan<byte> controllers = line[(colon + 1)..second];
            ReadOnlySpan<byte> path = line[(second + 1)..].TrimEnd((byte)' ');
            bool isRoot = path.SequenceEqual("/"u8);
            if (line.StartsWith("0::"u8) && !isRoot)
            {
                return path;
            }

            if (controllers.SequenceEqual("name=systemd"u8))
            {
                systemd = path;
            }
            else if (first.IsEmpty && !isRoot)
            {
                first = path;
            }
        }

        return !systemd.IsEmpty && !systemd.SequenceEqual("/"u8) ? systemd : first;
    }

    [GeneratedRegex(@"pod([0-9a-f]{8}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{12})", RegexOptions.CultureInvariant)]
    private static partial Regex Pod();

    // Inside a pod's cgroup: cri-containerd-<id>.scope, crio-<id>.scope (systemd driver), or a bare 64-hex segment (cgroupfs).
    [GeneratedRegex(@"/(?:cri-containerd-|crio-|docker-)?([0-9a-f]{64})(?:\.scope)?(?:/|$)", RegexOptions.CultureInvariant)]
    private static partial Regex Container();

    // Where Docker, containerd and Podman put a container: a scope directly under system.slice or machine.slice
    // (systemd driver), or /docker/<id> (cgroupfs driver). Twelve characters, as `docker ps` shows them.
    [GeneratedRegex(@"^(?:/(?:system|machine)\.slice/(?:(?<docker>docker-)|cri-containerd-|crio-|(?<podman>libpod-))(?<id>[0-9a-f]{64})\.scope|/(?<docker>docker)/(?<id>[0-9a-f]{64}))(?:/|$)", RegexOptions.CultureInvariant)]
    private static partial Regex RuntimeContainer();

    // LXC's own top-level trees: lxc.payload.NAME (LXC 4 and later) or lxc/NAME.
    [GeneratedRegex(@"^/lxc(?:\.payload\.|/)([^/]+)", RegexOptions.CultureInvariant)]
    private static partial Regex Lxc();
}
