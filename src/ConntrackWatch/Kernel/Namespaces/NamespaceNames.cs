using System.Text.RegularExpressions;

namespace ConntrackWatch.Kernel.Namespaces;

/// <summary>
/// Names a network namespace the way an admin recognises it, from the cgroup of a process in it: a Kubernetes pod
/// (and container), a Docker or Podman container, an LXC container, a systemd unit; otherwise the process itself.
/// The <c>ip netns</c> name, where there is one, is given elsewhere and wins over all of these.
/// </summary>
internal static partial class NamespaceNames
{
    public const string Host = "host";

    /// <summary>The name for a process's namespace, from its /proc/PID/cgroup content and its comm.</summary>
    public static string OfProcess(int pid, string? cgroupContent, string? comm) =>
        cgroupContent is not null && FromCgroup(cgroupContent) is { } name ? name : $"pid {pid} ({comm?.Trim() ?? "?"})";

    /// <summary>The container, pod or unit a cgroup path names; null when it names none of them.</summary>
    public static string? FromCgroup(string content)
    {
        string? path = CgroupPath(content);
        if (string.IsNullOrEmpty(path) || path == "/")
        {
            return null;
        }

        if (Pod().Match(path) is { Success: true } pod)
        {
            string uid = pod.Groups[1].Value.Replace('_', '-');
            return ContainerId(path) is { } container ? $"pod {uid} container {container}" : $"pod {uid}";
        }

        if (ContainerId(path) is { } id)
        {
            return $"container {id}";
        }

        if (Lxc().Match(path) is { Success: true } lxc)
        {
            return $"lxc {lxc.Groups[1].Value}";
        }

        string last = path[(path.LastIndexOf('/') + 1)..];
        return last.EndsWith(".service", StringComparison.Ordinal) || last.EndsWith(".scope", StringComparison.Ordinal)
            ? $"unit {last}"
            : null;
    }

    // The unified hierarchy's line (0::/path); on a v1 or hybrid host, the name=systemd hierarchy, else the first path.
    private static string? CgroupPath(string content)
    {
        string? first = null, systemd = null;
        foreach (string line in content.Split('\n'))
        {
            int colon = line.IndexOf(':');
            int second = colon < 0 ? -1 : line.IndexOf(':', colon + 1);
            if (second < 0)
            {
                continue;
            }

            string controllers = line[(colon + 1)..second];
            string path = line[(second + 1)..].Trim();
            if (line.StartsWith("0::", StringComparison.Ordinal) && path != "/")
            {
                return path;
            }

            if (controllers == "name=systemd")
            {
                systemd = path;
            }
            else if (first is null && path != "/")
            {
                first = path;
            }
        }

        return systemd is not null && systemd != "/" ? systemd : first;
    }

    // docker-<id>.scope, cri-containerd-<id>.scope, crio-<id>.scope, libpod-<id>.scope (systemd driver), or a bare
    // 64-hex segment (cgroupfs driver). Twelve characters, as `docker ps` shows them.
    private static string? ContainerId(string path) =>
        Container().Match(path) is { Success: true } match ? match.Groups[1].Value[..12] : null;

    [GeneratedRegex(@"pod([0-9a-f]{8}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{12})", RegexOptions.CultureInvariant)]
    private static partial Regex Pod();

    [GeneratedRegex(@"(?:^|/)(?:docker-|cri-containerd-|crio-|libpod-)?([0-9a-f]{64})(?:\.scope)?(?:/|$)", RegexOptions.CultureInvariant)]
    private static partial Regex Container();

    [GeneratedRegex(@"(?:^|/)lxc(?:\.payload\.|/)([^/]+)", RegexOptions.CultureInvariant)]
    private static partial Regex Lxc();
}
