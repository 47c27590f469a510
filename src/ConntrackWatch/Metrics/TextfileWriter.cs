using System.Security.Cryptography;
using System.Text;

namespace ConntrackWatch.Metrics;

/// <summary>
/// Replaces a file atomically: writes a temporary file beside it, then renames it over the old one, so that
/// node_exporter never reads half a file. World-readable whatever the service's umask: node_exporter runs as
/// another user. Safe in a directory others can write to: the temporary name is unpredictable and created with
/// O_CREAT|O_EXCL, which never follows a link; its mode is set through the descriptor; the rename replaces a link
/// at the final name rather than writing through it. A directory that every user may write to without the sticky
/// bit is refused: anyone could swap the file node_exporter serves.
/// </summary>
internal static class TextfileWriter
{
    private const UnixFileMode Readable =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    /// <summary>Null on success, else what went wrong.</summary>
    public static string? Write(string path, string content)
    {
        string directory = Path.GetDirectoryName(path) ?? "/";
        string temporary = Path.Combine(directory, $".{Path.GetFileName(path)}.{RandomNumberGenerator.GetHexString(16, lowercase: true)}.tmp");
        try
        {
            UnixFileMode mode = File.GetUnixFileMode(directory);
            if ((mode & UnixFileMode.OtherWrite) != 0 && (mode & UnixFileMode.StickyBit) == 0)
            {
                return $"{directory} is writable by every user without the sticky bit, so anyone could replace the file; " +
                    $"chmod o-w {directory} (or +t), or choose another Metrics:TextfilePath";
            }

            using (var stream = new FileStream(temporary, new FileStreamOptions
                   {
                       Mode = FileMode.CreateNew,
                       Access = FileAccess.Write,
                       UnixCreateMode = Readable,
                   }))
            {
                File.SetUnixFileMode(stream.SafeFileHandle, Readable); // UnixCreateMode is masked by the umask (UMask=0077)
                stream.Write(Encoding.UTF8.GetBytes(content));
            }

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
