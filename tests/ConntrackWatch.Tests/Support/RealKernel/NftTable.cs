using System.Diagnostics;

namespace ConntrackWatch.Tests.Support.RealKernel;

/// <summary>
/// A uniquely named nftables table whose input-hook rule uses conntrack, which makes the kernel track flows in
/// this network namespace. Deleted on dispose.
/// </summary>
public sealed class NftTable : IDisposable
{
    private readonly string _nft;

    public NftTable(string nft)
    {
        _nft = nft;
        Name = $"conntrackwatch_test_{Environment.ProcessId}_{Guid.NewGuid():N}"[..40];
        Run($"add table inet {Name}");
        Run($"add chain inet {Name} input {{ type filter hook input priority 0; policy accept; }}");
        Run($"add chain inet {Name} output {{ type filter hook output priority 0; policy accept; }}");
        Run($"add rule inet {Name} input ct state new counter accept");
        Run($"add rule inet {Name} output ct state new counter accept");
    }

    public string Name { get; }

    public void Dispose() => Run($"delete table inet {Name}", check: false);

    private void Run(string command, bool check = true)
    {
        var start = new ProcessStartInfo(_nft) { RedirectStandardError = true, UseShellExecute = false };
        foreach (string word in command.Split(' '))
        {
            start.ArgumentList.Add(word);
        }

        using Process process = Process.Start(start)!;
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (check && process.ExitCode != 0)
        {
            throw new InvalidOperationException($"nft {command} failed: {error}");
        }
    }
}
