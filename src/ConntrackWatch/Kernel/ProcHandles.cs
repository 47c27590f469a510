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

    /// <summary>A handle to <paramref name="path"/>; dispose it only when <paramref name="owned"/> is true.</summary>
    public SafeFileHandle Open(string path, out bool owned)
    {
        if (_kept.TryGetValue(path, out SafeFileHandle? kept))
        {
            owned = false;
            return kept;
        }

        SafeFileHandle handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read);
        if (path.StartsWith("/proc/", StringComparison.Ordinal))
        {
            _kept[path] = handle;
            owned = false;
        }
        else
        {
            owned = true;
        }

        return handle;
    }

    /// <summary>Closes a kept handle after a failed read, so that the next poll opens the file again.</summary>
    public void Forget(string path)
    {
        if (_kept.Remove(path, out SafeFileHandle? handle))
        {
            handle.Dispose();
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
