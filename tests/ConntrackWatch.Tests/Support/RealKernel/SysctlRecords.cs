namespace ConntrackWatch.Tests.Support.RealKernel;

/// <summary>
/// The original values of real sysctls a test run is changing, kept on disk (in /run, which a reboot clears along
/// with the sysctls themselves) so that a run killed before it could restore them is undone at the next run's
/// start. .ci/run restores the same records, which the end-to-end script writes too: one line with the path,
/// one with the value.
/// </summary>
public sealed class SysctlRecords(string directory)
{
    public const string DefaultDirectory = "/run/conntrackwatch-tests/sysctls";

    public static SysctlRecords Default { get; } = new(DefaultDirectory);

    /// <summary>Records <paramref name="original"/> for <paramref name="path"/>; false when a record is already there (it holds the older original).</summary>
    public bool Record(string path, string original)
    {
        Directory.CreateDirectory(directory);
        try
        {
            using var file = new FileStream(RecordOf(path), FileMode.CreateNew, FileAccess.Write);
            using var writer = new StreamWriter(file);
            writer.Write($"{path}\n{original}\n");
            return true;
        }
        catch (IOException) when (File.Exists(RecordOf(path)))
        {
            return false;
        }
    }

    public void Forget(string path) => File.Delete(RecordOf(path));

    /// <summary>Writes every recorded original back and removes its record; returns the paths restored.</summary>
    public IReadOnlyList<string> RestoreAll()
    {
        var restored = new List<string>();
        if (!Directory.Exists(directory))
        {
            return restored;
        }

        foreach (string record in Directory.EnumerateFiles(directory))
        {
            string[] lines = File.ReadAllLines(record);
            if (lines.Length >= 2 && File.Exists(lines[0]))
            {
                File.WriteAllText(lines[0], lines[1] + "\n");
                restored.Add(lines[0]);
            }

            File.Delete(record);
        }

        return restored;
    }

    private string RecordOf(string path) => Path.Combine(directory, path.Trim('/').Replace('/', '_'));
}
