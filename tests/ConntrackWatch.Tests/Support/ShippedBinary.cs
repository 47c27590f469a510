namespace ConntrackWatch.Tests.Support;

/// <summary>
/// The binary process tests start: the Native AOT one, the only form that ships. <c>.ci/run</c> publishes it once
/// and names it in CONNTRACKWATCH_BINARY; without that, the first test to need it publishes it (once per test run,
/// into a directory of its own, about a minute), so the README's test command works alone.
/// </summary>
public static class ShippedBinary
{
    public const string Variable = "CONNTRACKWATCH_BINARY";

    private static readonly Lazy<string> Published = new(Publish, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The published binary's path.</summary>
    public static string Path => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } given
        ? File.Exists(given) ? given : throw new FileNotFoundException($"{Variable} names {given}, which does not exist")
        : Published.Value;

    /// <summary>The directory it lives in, with its appsettings.json.</summary>
    public static string Directory => System.IO.Path.GetDirectoryName(Path)!;

    private static string Publish()
    {
        string output = System.IO.Directory.CreateTempSubdirectory("conntrackwatch-aot-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => System.IO.Directory.Delete(output, recursive: true);
        Command.RunChecked("dotnet", "publish", RepositoryFiles.PathOf("src/ConntrackWatch"), "-c", "Release", "-r", "linux-x64", "-nologo", "-v:q", "-o", output);
        return System.IO.Path.Combine(output, "conntrackwatch");
    }
}
