namespace ConntrackWatch.Tests.Support.RealKernel;

/// <summary>
/// A cgroup of the test's own in the host's unified hierarchy (/sys/fs/cgroup, or its unified/ on a hybrid
/// host), at <paramref name="path"/>; the parent directories it had to make are made too. Processes moved in are
/// the caller's to end; on dispose the cgroup and the parents it made are removed once empty.
/// </summary>
public sealed class RealCgroup : IDisposable
{
    private readonly List<string> _made = [];

    public RealCgroup(string path)
    {
        Prerequisite.RequireRoot();
        string? root = new[] { "/sys/fs/cgroup", "/sys/fs/cgroup/unified" }.FirstOrDefault(IsUnified);
        Prerequisite.Require(root is not null, "needs the cgroup v2 (unified) hierarchy mounted at /sys/fs/cgroup or /sys/fs/cgroup/unified");
        CgroupPath = path;
        DirectoryPath = root + path;
        string current = root!;
        foreach (string segment in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            current = Path.Combine(current, segment);
            if (!Directory.Exists(current))
            {
                Directory.CreateDirectory(current);
                _made.Add(current);
            }
        }
    }

    /// <summary>The cgroup's path, as /proc/PID/cgroup shows it.</summary>
    public string CgroupPath { get; }

    /// <summary>Its directory in the hierarchy.</summary>
    public string DirectoryPath { get; }

    public void Move(int pid) => File.WriteAllText(Path.Combine(DirectoryPath, "cgroup.procs"), $"{pid}\n");

    public void ChownTo(int uid) => Command.RunChecked("chown", $"{uid}", DirectoryPath);

    public void Dispose()
    {
        for (int i = _made.Count - 1; i >= 0; i--)
        {
            for (int attempt = 0; attempt < 50 && Directory.Exists(_made[i]); attempt++)
            {
                try
                {
                    Directory.Delete(_made[i]); // rmdir: a cgroup goes once its last process has
                }
                catch (IOException)
                {
                    Thread.Sleep(100);
                }
            }
        }
    }

    // cgroup2's root has cgroup.controllers; cgroup v1 hierarchies have none.
    private static bool IsUnified(string root) => File.Exists(Path.Combine(root, "cgroup.controllers"));
}
