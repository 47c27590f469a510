using BenchmarkDotNet.Attributes;
using ConntrackWatch.Kernel;
using ConntrackWatch.Kernel.Breakdown;
using ConntrackWatch.Kernel.Namespaces;

namespace ConntrackWatch.Benchmarks;

/// <summary>
/// What attributing a breakdown's entries to the namespaces owning their addresses adds: 1,000,000 parsed entries
/// aggregated without owners and with them (the host and a namespace of 5,000 addresses, so one entry in 200 is
/// the namespace's by its source; the rest are looked up twice, by source and by the reply's source).
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 8)]
public class AttributionBenchmarks
{
    private const int Entries = 1_000_000;
    private readonly ConntrackEntry[] _entries = new ConntrackEntry[Entries];
    private AddressOwners _owners = null!;
    private string _tree = null!;

    [GlobalSetup]
    public void Setup()
    {
        Span<byte> host = [192, 0, 2, 2];
        Span<byte> address = stackalloc byte[4];
        for (int i = 0; i < Entries; i++)
        {
            address[0] = 10;
            address[1] = (byte)(i >> 16);
            address[2] = (byte)(i >> 8);
            address[3] = (byte)i;
            _entries[i] = new ConntrackEntry(ConntrackAddress.V4(address), new ConntrackEndpoint(ConntrackAddress.V4(host), 17, (ushort)(1000 + i % 60000)),
                17, false, false, null, 29, ConntrackAddress.V4(host));
        }

        _tree = Directory.CreateTempSubdirectory("conntrackwatch-bench-").FullName;
        Directory.CreateDirectory(Path.Combine(_tree, "net"));
        Directory.CreateDirectory(Path.Combine(_tree, "100/net"));
        File.WriteAllText(Path.Combine(_tree, "net/fib_trie"), "Local:\n  |-- 192.0.2.2\n     /32 host LOCAL\n");
        using (var trie = new StreamWriter(Path.Combine(_tree, "100/net/fib_trie")))
        {
            trie.Write("Local:\n");
            for (int i = 0; i < 5000; i++)
            {
                trie.Write($"  |-- 10.0.{(i >> 8) & 255}.{i & 255}\n     /32 host LOCAL\n");
            }
        }

        _owners = AddressOwners.From(AddressOwners.Own(null, isHost: true), AddressReader.ReadOnce(Path.Combine(_tree, "net")),
            [(new AddressOwner("container web", 4026532200, OwnerKind.Container), AddressReader.ReadOnce(Path.Combine(_tree, "100/net")))]);
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_tree, recursive: true);

    [Benchmark(Baseline = true)]
    public long WithoutOwners() => Aggregate(null);

    [Benchmark]
    public long WithOwners() => Aggregate(_owners);

    private long Aggregate(AddressOwners? owners)
    {
        var builder = new TableBreakdownBuilder(null, owners);
        foreach (ref readonly ConntrackEntry entry in _entries.AsSpan())
        {
            builder.Add(entry);
        }

        return builder.Build(10, "bench", 0).Owners.Count;
    }
}
