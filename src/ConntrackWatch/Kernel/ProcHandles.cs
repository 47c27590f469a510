using Microsoft.Win32.SafeHandles;

namespace ConntrackWatch.Kernel;

/// <summary>
/// Open handles to kernel files, kept between polls so that a steady-state poll opens nothing and allocates
/// nothing: the kernel generates a /proc file's content afresh at every read from offset 0. Before each use a
/// kept handle is checked to still be the file its path names (same device and inode), so a file that was
/// removed (module unloaded) or replaced is opened again, or reported missing, never read stale. Not thread-safe.
/// </summary>
internal sealed class ProcHandles : IDisposable
{
    private readonly Dictionary<string, SafeFileHandle> _kept = new(StringComparer.Ordinal);

    /// <summary>The kept handle to <paramref name="path"/>, opened now if there is none or it went stale.</summary>
    public SafeFileHandle Acquire(string path)
    {
        if (_kept.TryGetValue(path, out SafeFileHandle? kept))
        {
            if (FileIdentity.IsSameFile(kept, path))
            {
                return kept;
            }

            Forget(path);
        }

        SafeFileHandle handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read);
        _kept[path] = handle;
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
