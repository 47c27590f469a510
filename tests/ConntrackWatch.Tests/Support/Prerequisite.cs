namespace ConntrackWatch.Tests.Support;

/// <summary>
/// Skips a test whose prerequisite (root, the real kernel module, a binary) is missing, with the reason, unless
/// CONNTRACKWATCH_REQUIRE_PREREQUISITES=1 (set by .ci/run), where a missing prerequisite fails the test instead.
/// </summary>
public static class Prerequisite
{
    public const string RequireVariable = "CONNTRACKWATCH_REQUIRE_PREREQUISITES";

    public static bool Required => Environment.GetEnvironmentVariable(RequireVariable) == "1";

    public static void Require(bool present, string reason)
    {
        if (present)
        {
            return;
        }

        if (Required)
        {
            Assert.Fail($"Prerequisite missing and {RequireVariable}=1: {reason}");
        }

        Assert.Skip(reason);
    }

    public static bool IsRoot => Environment.IsPrivilegedProcess;

    public static void RequireRoot() => Require(IsRoot, "needs root (run the tests as root, as CI does)");

    public static void RequireRealConntrack() => Require(
        File.Exists("/proc/sys/net/netfilter/nf_conntrack_max") && File.Exists("/proc/sys/net/netfilter/nf_conntrack_count"),
        "needs the nf_conntrack kernel module (modprobe nf_conntrack)");

    public static string RequireExecutable(string name)
    {
        string? found = Environment.GetEnvironmentVariable("PATH")?
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);
        Require(found is not null, $"needs '{name}' on PATH");
        return found!;
    }
}
