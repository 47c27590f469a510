using System.Globalization;
using ConntrackWatch.Text;

namespace ConntrackWatch.Kernel;

/// <summary>
/// Who else on the host may set nf_conntrack_max, as far as its files show: every sysctl.d line that sets it, in
/// the order systemd-sysctl applies them (sysctl.d(5): a file name is taken from the first directory that has it,
/// the files in name order, a later line winning), and each running kube-proxy with its --conntrack-* flags (it
/// sets the max at its start). Bounded (files, bytes, lines reported) and escaped: a cmdline is anyone's text,
/// so only root's kube-proxy is believed.
/// </summary>
internal static class MaxWriters
{
    public const string Key = "net.netfilter.nf_conntrack_max";

    /// <summary>The most writers reported: a line per writer.</summary>
    public const int MaxReported = 16;

    private const int MaxFiles = 256;
    private const int MaxFileBytes = 64 * 1024;

    // systemd-sysctl's search path, most important first.
    private static readonly string[] Directories = ["etc/sysctl.d", "run/sysctl.d", "usr/local/lib/sysctl.d", "usr/lib/sysctl.d", "lib/sysctl.d"];

    /// <summary>"/etc/sysctl.d/90-conntrack.conf:3 sets 131072", "kube-proxy (pid 812): --conntrack-max-per-core=32768".</summary>
    /// <param name="hostRoot">Where the host's / is seen (its /etc and /usr).</param>
    /// <param name="procRoot">Where the host's processes are seen.</param>
    public static List<string> Find(string hostRoot, string procRoot)
    {
        var writers = new List<string>();
        foreach ((string path, string shown) in SysctlFiles(hostRoot))
        {
            string? text = TryRead(path);
            int number = 0;
            foreach (string line in (text ?? string.Empty).Split('\n'))
            {
                number++;
                if (SetsMax(line, out string? value) && writers.Count < MaxReported)
                {
                    writers.Add(string.Create(CultureInfo.InvariantCulture, $"{shown}:{number} sets {ExternalText.Escape(value, 32)}"));
                }
            }
        }

        writers.AddRange(KubeProxies(procRoot).Take(MaxReported - Math.Min(writers.Count, MaxReported)));
        return writers;
    }

    /// <summary>
    /// Whether a sysctl.d line sets the max: "net.netfilter.nf_conntrack_max = 131072", also with slashes for dots
    /// and the leading "-" that ignores a failure; comments (# and ;) are not.
    /// </summary>
    public static bool SetsMax(string line, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? value)
    {
        value = null;
        string trimmed = line.Trim();
        int equals = trimmed.IndexOf('=', StringComparison.Ordinal);
        if (equals < 0 || trimmed.StartsWith('#') || trimmed.StartsWith(';'))
        {
            return false;
        }

        string key = trimmed[..equals].Trim().TrimStart('-').Replace('/', '.');
        value = trimmed[(equals + 1)..].Trim();
        return key == Key;
    }

    // Each .conf file once, by name, from the first directory that has it; then in name order, as applied.
    private static List<(string Path, string Shown)> SysctlFiles(string hostRoot)
    {
        var byName = new SortedDictionary<string, (string, string)>(StringComparer.Ordinal);
        foreach (string directory in Directories)
        {
            string full = Path.Combine(hostRoot, directory);
            try
            {
                foreach (string file in Directory.EnumerateFiles(full, "*.conf").Take(MaxFiles))
                {
                    byName.TryAdd(Path.GetFileName(file), (file, "/" + Path.Combine(directory, Path.GetFileName(file))));
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }

        // procps' own file, which Debian also links into /etc/sysctl.d as 99-sysctl.conf.
        if (!byName.ContainsKey("99-sysctl.conf"))
        {
            byName["zz /etc/sysctl.conf"] = (Path.Combine(hostRoot, "etc/sysctl.conf"), "/etc/sysctl.conf");
        }

        return [.. byName.Values];
    }

    private static IEnumerable<string> KubeProxies(string procRoot)
    {
        IEnumerable<string> processes;
        try
        {
            processes = [.. Directory.EnumerateDirectories(procRoot).Where(d => int.TryParse(Path.GetFileName(d), NumberStyles.None, CultureInfo.InvariantCulture, out _))];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            yield break;
        }

        foreach (string process in processes)
        {
            if (KernelFile.ReadSmallOrEmpty(Path.Combine(process, "comm")).AsSpan().SequenceEqual("kube-proxy\n"u8)
                && FileIdentity.TryOwnerOf(process, out uint uid) && uid == 0)
            {
                byte[] cmdline = KernelFile.ReadSmallOrEmpty(Path.Combine(process, "cmdline"));
                string[] flags = [.. System.Text.Encoding.UTF8.GetString(cmdline).Split('\0')
                    .Where(a => a.StartsWith("--conntrack", StringComparison.Ordinal)).Take(8).Select(a => ExternalText.Escape(a, 96))];
                yield return $"kube-proxy (pid {Path.GetFileName(process)}): {(flags.Length > 0 ? string.Join(' ', flags) : "no --conntrack flags (its defaults, or its --config file)")}";
            }
        }
    }

    private static string? TryRead(string path)
    {
        try
        {
            return System.Text.Encoding.UTF8.GetString(KernelFile.ReadUpTo(path, MaxFileBytes, out _));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
