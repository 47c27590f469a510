using System.Buffers.Text;
using Microsoft.Win32.SafeHandles;

namespace ConntrackWatch.Kernel;

/// <summary>Writes one integer into a sysctl file the way <c>sysctl -w</c> does: open, write the digits, close.</summary>
internal static class SysctlWriter
{
    private const int ReadOnlyFileSystemErrno = 30; // EROFS; .NET puts the errno into IOException.HResult

    public static KernelResult<long> WriteInteger(string path, long value)
    {
        Span<byte> text = stackalloc byte[24];
        if (!Utf8Formatter.TryFormat(value, text, out int length))
        {
            return KernelResult.Fault(ReadStatus.Failed, path, $"cannot format {value}");
        }

        text[length++] = (byte)'\n';
        try
        {
            // O_TRUNC as the shell's "echo N >" uses; the kernel parses the whole write as one value.
            using SafeFileHandle handle = KernelFile.OpenTruncatingWrite(path);
            RandomAccess.Write(handle, text[..length], 0);
            return KernelResult.Ok(path, value);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            KernelFault fault = KernelResult.FromException(e, path);
            if (fault.Status == ReadStatus.Failed && e.HResult == ReadOnlyFileSystemErrno)
            {
                return KernelResult.Fault(ReadStatus.ReadOnly, path, "read-only file system");
            }

            return fault.Status == ReadStatus.Denied && HasNoWriteBit(path)
                ? KernelResult.Fault(ReadStatus.ReadOnly, path, "not writable in this network namespace (the kernel makes it read-only outside the initial one)")
                : fault;
        }
    }

    // Outside the initial network namespace the kernel gives nf_conntrack_max and nf_conntrack_buckets mode 0444.
    private static bool HasNoWriteBit(string path)
    {
        try
        {
            return (File.GetUnixFileMode(path) & (UnixFileMode.UserWrite | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) == 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    // EROFS: /proc/sys mounted read-only (containers, ProtectKernelTunables=yes without ReadWritePaths=).
}
