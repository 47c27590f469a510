using System.Buffers.Text;
using Microsoft.Win32.SafeHandles;

namespace ConntrackWatch.Kernel;

/// <summary>Writes one integer into a sysctl file the way <c>sysctl -w</c> does: open, write the digits, close.</summary>
internal static class SysctlWriter
{
    private const int ReadOnlyFileSystemErrno = 30; // EROFS; .NET puts the errno into IOException.HResult

    public static ProcRead WriteInteger(string path, long value)
    {
        Span<byte> text = stackalloc byte[24];
        if (!Utf8Formatter.TryFormat(value, text, out int length))
        {
            return ProcRead.Fault(ReadStatus.Failed, path, $"cannot format {value}");
        }

        text[length++] = (byte)'\n';
        try
        {
            // O_TRUNC as the shell's "echo N >" uses; the kernel parses the whole write as one value.
            using SafeFileHandle handle = File.OpenHandle(path, FileMode.Truncate, FileAccess.Write, FileShare.ReadWrite);
            RandomAccess.Write(handle, text[..length], 0);
            return ProcRead.Ok(path, value);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            ProcRead fault = ProcRead.FromException(e, path);
            return fault.Status == ReadStatus.Failed && IsReadOnlyFileSystem(e)
                ? ProcRead.Fault(ReadStatus.Denied, path, "read-only file system")
                : fault;
        }
    }

    // EROFS: /proc/sys mounted read-only (containers, ProtectKernelTunables=yes without ReadWritePaths=).
    private static bool IsReadOnlyFileSystem(Exception e) => e.HResult == ReadOnlyFileSystemErrno;
}
