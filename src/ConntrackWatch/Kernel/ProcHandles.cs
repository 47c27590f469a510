using Microsoft.Win32.SafeHandles;

namespace ConntrackWatch.Kernel;

/// <summary>
/// Open handles to kernel files, kept between polls so that a steady-state poll opens nothing and allocates
/// nothing: the kernel generates a /proc file's content afresh at every read from offset 0. Before each use the
/// path is checked to still name the file the handle has open (same device and inode, one statx), so a file that
/// was removed (module unloaded) or replaced is opened again, or reported missing, never read stale. Not thread-safe.
/// </summary>
internal sealed class ProcHandles : IDisposable
{
    private readonly Dictionary<string, (SafeFileHandle Handle, FileIdentity Identity)> _kept = new(StringComparer.Ordinal);

    /// <summary>The kept handle to <paramref name="path"/>, opened now if there is none or it went stale.</summary>
    public SafeFileHandle Acquire(string path)
    {
        if (_kept.TryGetValue(path, out var kept))
        {
            if (FileIdentity.TryOf(path, out FileIdentity now) && now == kept.Identity)
            {
                return kept.Handle;
            }

            Forget(path);
        }

        SafeFileHandle handle = KernelFile.OpenRead(path);
        if (!FileIdentity.TryOf(handle, out FileIdentity identity))
        {
            identity = default; // never matches a real file: checked, and reopened, at the next use
        }

        _kept[path] = (handle, identity);
        return handle;
    }

    /// <summary>Closes a kept handle after a failed read, so that the next poll opens the file again.</summary>
    public void Forget(string path)
    {
        if (_kept.Remove(path, out var kept))
        {
            kept.Handle.Dispose();
        }
    }

    public void Dispose()
    {
        foreach ((SafeFileHandle handle, _) in _kept.Values)
        {
            handle.Dispose();
        }

        _kept.Clear();
    }
}
