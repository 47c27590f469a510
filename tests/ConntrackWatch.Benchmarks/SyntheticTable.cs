namespace ConntrackWatch.Benchmarks;

/// <summary>A /proc/net/nf_conntrack-like file of a given size, made once and kept in /tmp between runs.</summary>
public static class SyntheticTable
{
    /// <summary>A real line of /proc/net/nf_conntrack, 187 bytes.</summary>
    public const string Line =
        "ipv4     2 tcp      6 431999 ESTABLISHED src=10.12.34.56 dst=192.168.100.200 sport=54321 dport=443 src=192.168.100.200 dst=10.12.34.56 sport=443 dport=54321 [ASSURED] mark=0 zone=0 use=2\n";

    public static string Ensure(long megabytes)
    {
        string path = Path.Combine(Path.GetTempPath(), $"conntrackwatch-bench-{megabytes}mb");
        long lines = megabytes * 1024 * 1024 / Line.Length;
        if (File.Exists(path) && new FileInfo(path).Length == lines * Line.Length)
        {
            return path;
        }

        byte[] chunk = System.Text.Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat(Line, 4096)));
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        for (long written = 0; written < lines; written += 4096)
        {
            int count = (int)Math.Min(4096, lines - written);
            file.Write(chunk, 0, count * Line.Length);
        }

        return path;
    }
}
