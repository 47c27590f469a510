using System.Text.RegularExpressions;

namespace ConntrackWatch.Tests.Architecture;

/// <summary>
/// Data flows one way: Kernel (reads /proc) -> Decisions (pure) -> Configuration -> Service -> {Systemd, Metrics,
/// Status} -> Hosting, with Logging's event ids beneath them all, and Text (what makes outside text safe) beneath
/// Logging. Inside Kernel the primitives (files, libc, parsers) are beneath netlink, netlink beneath the namespaces,
/// those beneath the breakdown, and the reading that puts them together on top. A namespace uses only those below
/// it; namespaces on one level use none of each other. A use is any type of another namespace a file names, however
/// it names it (through a using, fully or partly qualified), comments and strings left out.
/// </summary>
public sealed partial class LayeringTests
{
    private static readonly Dictionary<string, double> Layers = new()
    {
        ["Text"] = 0,
        ["Logging"] = 1,
        ["Kernel"] = 2,
        ["Kernel.Netlink"] = 2.1,
        ["Kernel.Namespaces"] = 2.2,
        ["Kernel.Breakdown"] = 2.3,
        ["Kernel.Reading"] = 2.4,
        ["Decisions"] = 3,
        ["Configuration"] = 4,
        ["Service"] = 5,
        ["Systemd"] = 6,
        ["Metrics"] = 6,
        ["Status"] = 6,
        ["Hosting"] = 7,
    };

    // What a pure decision may not touch: a clock, a file, a socket, a logger, a thread, the process's environment.
    private static readonly string[] Impure =
        ["TimeProvider", "DateTime", "Stopwatch", "ILogger", "File", "Directory", "RandomAccess", "Socket", "Console", "Environment", "Thread", "Task", "Posix", "KernelFile"];

    private static readonly string Source = RepositoryFiles.PathOf("src/ConntrackWatch");

    private static readonly Lazy<IReadOnlyList<SourceFile>> Files = new(() =>
    [
        .. Directory.EnumerateFiles(Source, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains("/obj/", StringComparison.Ordinal) && !f.Contains("/bin/", StringComparison.Ordinal))
            .Select(SourceFile.Read)
            .Where(f => f.Namespace is not null), // Program.cs: the top, above every layer
    ]);

    [Fact]
    public void EveryNamespaceUsesOnlyTheLayersBelowIt()
    {
        var violations = new List<string>();
        foreach (SourceFile file in Files.Value)
        {
            Assert.True(Layers.ContainsKey(file.Namespace!), $"{file.Path}: namespace ConntrackWatch.{file.Namespace} has no layer; add it to this test");
            foreach (string used in NamespacesUsedBy(file).Where(n => n != file.Namespace && Layers[n] >= Layers[file.Namespace!]))
            {
                violations.Add($"{file.Path}: {file.Namespace} uses {used}");
            }
        }

        Assert.Equal(Layers.Keys.Order(), Files.Value.Select(f => f.Namespace!).Distinct().Order());
        Assert.Empty(violations);
    }

    [Fact]
    public void DecisionsTouchNoClockFileSocketLoggerOrThread()
    {
        var violations = new List<string>();
        foreach (SourceFile file in Files.Value.Where(f => f.Namespace == "Decisions"))
        {
            violations.AddRange(Impure.Where(name => Regex.IsMatch(file.Code, $@"\b{name}\b")).Select(name => $"{file.Path}: {name}"));
        }

        Assert.Empty(violations);
    }

    [Fact]
    public void TheCheckSeesAUseWrittenWithoutThePrefixAndOneThroughAUsing()
    {
        // Two ways the first version of this test missed: a partly qualified name, and a type named after a using.
        var partly = new SourceFile("a.cs", "Kernel", "var s = Namespaces.NamespaceSet.Empty;");
        var throughUsing = new SourceFile("b.cs", "Kernel.Netlink", "void Add(TableBreakdownBuilder builder) { }");

        Assert.Contains("Kernel.Namespaces", NamespacesUsedBy(partly));
        Assert.Contains("Kernel.Breakdown", NamespacesUsedBy(throughUsing));
    }

    // The namespaces whose types a file names: each type declared in exactly one namespace of the project.
    private static HashSet<string> NamespacesUsedBy(SourceFile file)
    {
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match name in Identifier().Matches(file.Code))
        {
            if (TypesByName.Value.TryGetValue(name.Value, out string? declaredIn))
            {
                used.Add(declaredIn);
            }
        }

        return used;
    }

    private static readonly Lazy<Dictionary<string, string>> TypesByName = new(() =>
        Files.Value
            .SelectMany(f => TypeDeclaration().Matches(f.Code).Select(m => (Name: m.Groups[1].Value, f.Namespace)))
            .GroupBy(t => t.Name, StringComparer.Ordinal)
            .Where(g => g.Select(t => t.Namespace).Distinct().Count() == 1)
            .ToDictionary(g => g.Key, g => g.First().Namespace!, StringComparer.Ordinal));

    [GeneratedRegex(@"^namespace ConntrackWatch\.([\w.]+);", RegexOptions.Multiline)]
    private static partial Regex NamespaceDeclaration();

    [GeneratedRegex(@"\b(?:class|struct|record|enum|interface)\s+(?:struct\s+|class\s+)?([A-Z]\w*)")]
    private static partial Regex TypeDeclaration();

    [GeneratedRegex(@"\b[A-Z]\w*\b")]
    private static partial Regex Identifier();

    // Comments, then string and character literals, out: what a file says is not what it uses.
    [GeneratedRegex(@"//[^\n]*|/\*.*?\*/|@?\$?""(?:[^""\\\n]|\\.)*""|'(?:[^'\\\n]|\\.)+'", RegexOptions.Singleline)]
    private static partial Regex CommentOrLiteral();

    private sealed record SourceFile(string Path, string? Namespace, string Code)
    {
        public static SourceFile Read(string path)
        {
            string text = System.IO.File.ReadAllText(path);
            string? declared = NamespaceDeclaration().Match(text) is { Success: true } match ? match.Groups[1].Value : null;
            return new SourceFile(System.IO.Path.GetRelativePath(Source, path), declared, CommentOrLiteral().Replace(text, " "));
        }
    }
}
