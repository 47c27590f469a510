
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
        try
        {
            Run($"add chain inet {Name} input {{ type filter hook input priority 0; policy accept; }}");
            Run($"add chain inet {Name} output {{ type filter hook output priority 0; policy accept; }}");
            Run($"add rule inet {Name} input ct state new counter accept");
            Run($"add rule inet {Name} output ct state new counter accept");
        }
        catch
        {
            Dispose(); // a setup that fails halfway leaves no table behind
            throw;
        }
    }

    public string Name { get; }

    public void Dispose() => Command.Run(_nft, "delete", "table", "inet", Name);

    private void Run(string command) => Command.RunChecked(_nft, command.Split(' '));
}
