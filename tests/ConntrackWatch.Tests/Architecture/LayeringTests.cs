using System.Text.RegularExpressions;

namespace ConntrackWatch.Tests.Architecture;

/// <summary>
/// Data flows one way: Kernel (reads /proc) -> Decisions (pure) -> Configuration -> Service -> {Systemd, Metrics,
/// Status} -> Hosting, with Logging's event ids beneath them all, and Text (what makes outside text safe) beneath
/// Logging. A namespace uses only those below it.
/// </summary>
public sealed partial class LayeringTests
{
    private static readonly Dictionary<string, int> Layers = new()
    {
        ["Text"] = 0,
        ["Logging"] = 1,
        ["Kernel"] = 2,
        ["Decisions"] = 3,
        ["Configuration"] = 4,
        ["Service"] = 5,
        ["Systemd"] = 6,
        ["Metrics"] = 6,
        ["Status"] = 6,
        ["Hosting"] = 7,
    };

    [Fact]
    public void EveryNamespaceUsesOnlyTheLayersBelowIt()
    {
        string source = RepositoryFiles.PathOf("src/ConntrackWatch");
        var violations = new List<string>();
        var seen = new HashSet<string>();
        foreach (string file in Directory.EnumerateFiles(source, "*.cs", SearchOption.AllDirectories)
                     .Where(f => !f.Contains("/obj/", StringComparison.Ordinal) && !f.Contains("/bin/", StringComparison.Ordinal)))
        {
            string text = File.ReadAllText(file);
            if (Namespace().Match(text) is not { Success: true } declared)
            {
                continue; // Program.cs: the top, above every layer
            }

            string from = declared.Groups[1].Value;
            seen.Add(from);
            Assert.True(Layers.ContainsKey(from), $"{file}: namespace ConntrackWatch.{from} has no layer; add it to this test");
            foreach (string to in Reference().Matches(text).Select(m => m.Groups[1].Value).Distinct())
            {
                if (to != from && Layers.TryGetValue(to, out int layer) && layer >= Layers[from])
                {
                    violations.Add($"{Path.GetRelativePath(source, file)}: {from} uses {to}");
                }
            }
        }

        Assert.Equal(Layers.Keys.Order(), seen.Order());
        Assert.Empty(violations);
    }

    // The first segment after ConntrackWatch: Kernel.Netlink belongs to Kernel.
    [GeneratedRegex(@"^namespace ConntrackWatch\.(\w+)", RegexOptions.Multiline)]
    private static partial Regex Namespace();

    [GeneratedRegex(@"\bConntrackWatch\.(\w+)")]
    private static partial Regex Reference();
}
