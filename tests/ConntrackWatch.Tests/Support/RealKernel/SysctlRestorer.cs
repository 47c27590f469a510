namespace ConntrackWatch.Tests.Support.RealKernel;

/// <summary>Remembers a real sysctl's value and puts it back on dispose, whatever the test did or how it ended.</summary>
public sealed class SysctlRestorer : IDisposable
{
    private readonly string _original;

    public SysctlRestorer(string path)
    {
        Path = path;
        _original = File.ReadAllText(path).Trim();
    }

    public string Path { get; }

    public long Original => long.Parse(_original, System.Globalization.CultureInfo.InvariantCulture);

    public long Current => long.Parse(File.ReadAllText(Path).Trim(), System.Globalization.CultureInfo.InvariantCulture);

    public void Set(long value) => File.WriteAllText(Path, $"{value}\n");

    public void Dispose() => File.WriteAllText(Path, _original + "\n");
}
