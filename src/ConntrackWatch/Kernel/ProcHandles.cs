using Microsoft.Win32.SafeHandles;

namespace ConntrackWatch.Kernel;

/// <summary>
/// Open handles to kernel files, kept between polls so that a steady-state poll opens nothing and allocates
/// nothing. Only files under /proc are kept: the kernel generates their content afresh at every read from
/// offset 0 and fails reads once the file is gone (module unloaded); an ordinary file (a test tree) could be
/// replaced underneath a kept handle, so it is opened afresh each time. Not thread-safe.
/// </summary>
internal sealed class ProcHandles : IDisposable
{
    private readonly Dictionary<string, SafeFileHandle> _kept = new(StringComparer.Ordinal);

    /// <summary>A handle to <paramref name="path"/> for one read: <c>using</c> it closes it unless it is kept.</summary>
    public Lease Acquire(string path)
    {
        if (_kept.TryGetValue(path, out SafeFileHandle? kept))
        {
            return new Lease(kept, owned: false);
        }

        SafeFileHandle handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read);
        if (!path.StartsWith("/proc/", StringComparison.Ordinal))
        {
            return new Lease(handle, owned: true);
        }

        _kept[path] = handle;
        return new Lease(handle, owned: false);
    }

    /// <summary>Closes a kept handle after a failed read, so that the next poll opens the file again.</summary>
    public void Forget(string path)
    {
        if (_kept.Remove(path, out SafeFileHandle? handle))
        {
            handle.Dispose();
        }
    }

    /// <summary>A handle for one read; disposing it closes it only when this read opened it for itself.</summary>
    public readonly struct Lease(SafeFileHandle handle, bool owned) : IDisposable
    {
        public SafeFileHandle Handle => handle;

        public void Dispose()
        {
            if (owned)
            {
                handle.Dispose();
            }
        }
    }

    public void Dispose()
    {
        foreach (SafeFileHandle handle in _kept.Values)
        {
            handle.Dispose();
        }

        _kept.Clear();
    }
}
