namespace ConntrackWatch.Tests.Support.RealKernel;

/// <summary>
/// Remembers a real sysctl's value and puts it back on dispose, whatever the test did or how it ended. The
/// original is recorded on disk first, so that even a run killed before dispose is undone at the next run's start.
/// </summary>
public sealed class SysctlRestorer : IDisposable
{
    private readonly string _original;
    private readonly bool _recorded;

    public SysctlRestorer(string path)
    {
        Path = path;
        _original = File.ReadAllText(path).Trim();
        _recorded = SysctlRecords.Default.Record(path, _original);
    }

    public string Path { get; }

    public long Original => long.Parse(_original, System.Globalization.CultureInfo.InvariantCulture);

    public long Current => long.Parse(File.ReadAllText(Path).Trim(), System.Globalization.CultureInfo.InvariantCulture);

    public void Set(long value) => File.WriteAllText(Path, $"{value}\n");

    public void Dispose()
    {
        File.WriteAllText(Path, _original + "\n");
        if (_recorded)
        {
            SysctlRecords.Default.Forget(Path);
        }
    }
}
