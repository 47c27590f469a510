using System.Text.Json;
using ConntrackWatch.Kernel;

namespace ConntrackWatch.Tests.Hosting;

/// <summary>
/// The kernel's proc filesystem mounted elsewhere (as the host's /proc is in a container at /host/proc) is read as
/// the real /proc is, not as a test's tree: netlink for the counters, pidfds, bind mounts, the cgroup checks.
/// </summary>
[Collection(SerialTests.Name)]
public sealed class ProcMountTests
{
    [Fact]
    public async Task AProcMountedElsewhereIsReadAsTheRealProcIs()
    {
        Prerequisite.RequireRoot();
        Prerequisite.RequireRealConntrack();
        using var mount = new TempDirectory();
        Command.RunChecked("mount", "-t", "proc", "proc", mount.Path);
        try
        {
            Assert.True(ProcMount.IsKernel(mount.Path));
            Assert.False(ProcMount.IsKernel(mount.Combine("..")));

            JsonElement atProc = await StatusAsync("/proc");
            JsonElement elsewhere = await StatusAsync(mount.Path);

            Assert.Equal("ctnetlink", elsewhere.GetProperty("countersSource").GetString()); // a test tree's would be its file
            Assert.Equal(atProc.GetProperty("countersSource").GetString(), elsewhere.GetProperty("countersSource").GetString());
            Assert.Equal(Names(atProc), Names(elsewhere));
        }
        finally
        {
            Command.Run("umount", mount.Path);
        }
    }

    private static string[] Names(JsonElement report) =>
        [.. report.GetProperty("namespaces").EnumerateArray().Select(n => n.GetProperty("name").GetString()!).Order()];

    private static async Task<JsonElement> StatusAsync(string procRoot)
    {
        using var status = DaemonProcess.Start(["status", "--json", $"--Conntrack:ProcRoot={procRoot}"]);
        Assert.InRange(await status.WaitForExitAsync(TimeSpan.FromSeconds(60)), 0, 3);
        return JsonDocument.Parse(status.Output).RootElement.Clone();
    }
}
