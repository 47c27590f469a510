namespace ConntrackWatch.Tests.Support;

/// <summary>A fresh directory under /tmp that deletes itself, whatever the test's outcome.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = Directory.CreateTempSubdirectory("conntrackwatch-test-").FullName;
    }

    public string Path { get; }

    public string Combine(string relative) => System.IO.Path.Combine(Path, relative);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a file a test left read-only or still open must not fail the test run.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
