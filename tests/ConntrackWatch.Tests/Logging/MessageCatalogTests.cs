using System.Reflection;
using System.Text.RegularExpressions;
using ConntrackWatch.Logging;
using ConntrackWatch.Tests.Support;

namespace ConntrackWatch.Tests.Logging;

public sealed partial class MessageCatalogTests
{
    private static readonly string CatalogPath = RepositoryFiles.PathOf("deploy/conntrackwatch.catalog");

    private static IEnumerable<int> AllEventIds() =>
        typeof(LogEvents).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral)
            .Select(f => (int)f.GetRawConstantValue()!);

    private static Dictionary<string, string> CatalogSections()
    {
        string[] parts = SectionStart().Split(File.ReadAllText(CatalogPath));
        var sections = new Dictionary<string, string>();
        for (int i = 1; i + 1 < parts.Length; i += 2)
        {
            sections.Add(parts[i], parts[i + 1]);
        }

        return sections;
    }

    [Fact]
    public void EveryAuditEventHasAUniqueWellFormedMessageId()
    {
        int[] eventIds = [.. AllEventIds()];

        Assert.Equal(eventIds.Order(), MessageIds.ByEventId.Keys.Order());
        Assert.All(MessageIds.ByEventId.Values, id => Assert.Matches("^[0-9a-f]{32}$", id));
        Assert.Equal(MessageIds.ByEventId.Count, MessageIds.ByEventId.Values.Distinct().Count());
    }

    [Fact]
    public void TheCatalogExplainsExactlyTheDaemonsMessageIds()
    {
        Dictionary<string, string> sections = CatalogSections();

        Assert.Equal(MessageIds.ByEventId.Values.Order(), sections.Keys.Order());
        Assert.All(sections.Values, body =>
        {
            Assert.Matches("(?m)^Subject: .+$", body);
            Assert.Matches("(?m)^Defined-By: conntrackwatch$", body);
        });
    }

    [Fact]
    public void JournalctlCompilesTheCatalog()
    {
        string journalctl = Prerequisite.RequireExecutable("journalctl");
        using var root = new TempDirectory();
        string catalogDirectory = root.Combine("usr/local/lib/systemd/catalog");
        Directory.CreateDirectory(catalogDirectory);
        File.Copy(CatalogPath, Path.Combine(catalogDirectory, "conntrackwatch.catalog"));

        (int updateExit, _, string updateError) = Command.Run(journalctl, $"--root={root.Path}", "--update-catalog");
        (int listExit, string listed, _) = Command.Run(journalctl, $"--root={root.Path}", "--list-catalog");

        Assert.True(updateExit == 0, updateError);
        Assert.Equal(0, listExit);
        Assert.DoesNotContain("Failed", updateError, StringComparison.OrdinalIgnoreCase);
        Assert.All(MessageIds.ByEventId.Values, id => Assert.Contains(id, listed, StringComparison.Ordinal));
        Assert.Contains("0188042c53234f66b3e7f64c4496bf9b conntrackwatch: nf_conntrack_max raised", listed, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"(?m)^-- ([0-9a-f]{32})\s*$")]
    private static partial Regex SectionStart();
}
