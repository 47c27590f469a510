namespace ConntrackWatch.Metrics;

/// <summary>
/// Replaces a file atomically: writes a temporary file beside it, then renames it over the old one, so that
/// node_exporter never reads half a file. World-readable whatever the service's umask: node_exporter runs as
/// another user.
/// </summary>
internal static class TextfileWriter
{
    private const UnixFileMode Readable =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    /// <summary>Null on success, else what went wrong.</summary>
    public static string? Write(string path, string content)
    {
        string temporary = Path.Combine(Path.GetDirectoryName(path) ?? "/", $".{Path.GetFileName(path)}.{Environment.ProcessId}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, new FileStreamOptions
                   {
                       Mode = FileMode.Create,
                       Access = FileAccess.Write,
                       UnixCreateMode = Readable,
                   }))
            using (var writer = new StreamWriter(stream))
            {
                writer.Write(content);
            }

            File.SetUnixFileMode(temporary, Readable); // UnixCreateMode is masked by the umask (UMask=0077)
            File.Move(temporary, path, overwrite: true);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            try
            {
                File.Delete(temporary);
            }
            catch (Exception cleanup) when (cleanup is IOException or UnauthorizedAccessException)
            {
                // Nothing more to do: the write already failed and is reported.
            }

            return e.Message;
        }
    }
}
