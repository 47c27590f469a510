using Microsoft.Win32.SafeHandles;

namespace ConntrackWatch.Kernel;

/// <summary>
/// Reads small kernel files into one reused buffer. /proc and /proc/sys files report size 0, so it reads until
/// end of file rather than trusting the length. Not thread-safe: one instance per poll loop.
/// </summary>
internal sealed class ProcFileReader(ProcHandles handles)
{
    // A sysctl integer is at most 20 digits; anything longer than this buffer is not one.
    private readonly byte[] _buffer = new byte[256];

    public KernelResult<long> ReadInteger(string path)
    {
        int length;
        try
        {
            SafeFileHandle file = handles.Acquire(path);
            length = ReadFromStart(file, _buffer);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            handles.Forget(path);
            return KernelResult.FromException(e, path);
        }

        if (length == _buffer.Length)
        {
            return KernelResult.Fault(ReadStatus.Malformed, path,
                $"expected one non-negative integer, found more than {_buffer.Length} bytes starting '{SysctlInteger.Show(_buffer)}'");
        }

        if (!SysctlInteger.TryParse(_buffer.AsSpan(0, length), out long value, out string? problem))
        {
            return KernelResult.Fault(ReadStatus.Malformed, path, problem!);
        }

        // nf_conntrack_max, nf_conntrack_count and nf_conntrack_buckets are C ints in the kernel.
        return value <= int.MaxValue
            ? KernelResult.Ok(path, value)
            : KernelResult.Fault(ReadStatus.Malformed, path, $"{value} is beyond the kernel's int range (at most {int.MaxValue})");
    }

    /// <summary>
    /// Fills <paramref name="buffer"/> from the start of the file, until it is full or the file ends; returns the
    /// bytes read. Reading from offset 0 makes the kernel generate a /proc file afresh.
    /// </summary>
    public static int ReadFromStart(SafeFileHandle handle, byte[] buffer)
    {
        int total = 0;
        int read;
        while (total < buffer.Length && (read = RandomAccess.Read(handle, buffer.AsSpan(total), total)) > 0)
        {
            total += read;
        }

        return total;
    }
}
