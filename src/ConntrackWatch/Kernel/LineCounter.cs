using Microsoft.Win32.SafeHandles;

namespace ConntrackWatch.Kernel;

/// <summary>
/// Counts the lines of a file of any size in constant memory: one buffer, allocated on first use and reused,
/// a vectorized newline count (<see cref="Newlines"/>), and reads until end of file because /proc/net/nf_conntrack
/// reports size 0.
/// A last line without a newline still counts. A count that takes longer than its time limit is given up and
/// reported, so no file can stall the poll loop. Not thread-safe: one instance per poll loop.
/// </summary>
internal sealed class LineCounter(ProcHandles? handles = null, int bufferSize = LineCounter.DefaultBufferSize, TimeSpan? timeLimit = null)
{
    /// <summary>
    /// One read(2) per MiB: the copy out of the kernel, not the count, is what a table costs, and fewer, larger
    /// reads cost less of it, up to about the L2 cache of a core (the sizes measured are in the README).
    /// </summary>
    public const int DefaultBufferSize = 1024 * 1024;

    /// <summary>
    /// Below the unit's WatchdogSec=30s. Counting 2,000,000 real entries costs the kernel about 3 s; a file that
    /// takes this long is not a table to count every poll.
    /// </summary>
    public static readonly TimeSpan DefaultTimeLimit = TimeSpan.FromSeconds(20);

    private readonly long _timeLimitTicks = (long)((timeLimit ?? DefaultTimeLimit).TotalSeconds * System.Diagnostics.Stopwatch.Frequency);

    private readonly ProcHandles _handles = handles ?? new ProcHandles();
    private byte[]? _buffer;

    public KernelResult<long> CountLines(string path)
    {
        try
        {
            SafeFileHandle file = _handles.Acquire(path);
            return KernelResult.Ok(path, CountLines(file));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _handles.Forget(path);
            return KernelResult.FromException(e, path);
        }
    }

    public long CountLines(SafeFileHandle handle)
    {
        byte[] buffer = _buffer ??= GC.AllocateUninitializedArray<byte>(bufferSize);
        long lines = 0;
        long offset = 0;
        byte last = (byte)'\n';
        long deadline = System.Diagnostics.Stopwatch.GetTimestamp() + _timeLimitTicks;
        int read;
        while ((read = RandomAccess.Read(handle, buffer, offset)) > 0)
        {
            if (System.Diagnostics.Stopwatch.GetTimestamp() > deadline)
            {
                throw new KernelFileException(ReadStatus.Failed, string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"counting its lines took longer than {(timeLimit ?? DefaultTimeLimit).TotalSeconds:0.###} s ({lines} lines in {offset} bytes so far), so it was given up; set Conntrack:CountSource=CountFile, or check that Conntrack:ProcRoot names a real proc"));
            }

            ReadOnlySpan<byte> chunk = buffer.AsSpan(0, read);
            lines += Newlines.Count(chunk);
            last = chunk[^1];
            offset += read;
        }

        return last == (byte)'\n' ? lines : lines + 1;
    }
}
