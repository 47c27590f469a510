using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace ConntrackWatch.Kernel.Namespaces;

/// <summary>
/// Reads the local addresses of the namespaces a scan watches, into buffers kept from scan to scan: what a namespace
/// had is handed back unless it changed, so a scan that finds nothing new allocates nothing, however many
/// namespaces there are. Each file is read bounded (<see cref="LocalAddresses.ReadLimit"/>), opened non-blocking
/// and only when it is a regular file. Not thread-safe.
/// </summary>
internal sealed class AddressReader
{
    // A buffer that grew past this for a router's fib_trie is let go after the read, not kept for the daemon's life.
    private const int KeptSize = 256 * 1024;

    private readonly HashSet<ConntrackAddress> _found = [];
    private readonly byte[] _path = new byte[Posix.PathMax];
    private byte[] _text = new byte[16 * 1024];

    /// <summary>Reads the addresses in <paramref name="netDirectory"/> (a /proc/PID/net, UTF-8, no trailing slash) once, with a reader of its own.</summary>
    public static NamespaceAddresses ReadOnce(string netDirectory) =>
        new AddressReader().Read(null, System.Text.Encoding.UTF8.GetBytes(netDirectory));

    /// <summary>The addresses in <paramref name="netDirectory"/> (a /proc/PID/net, UTF-8, no trailing slash); <paramref name="kept"/> when unchanged.</summary>
    public NamespaceAddresses Read(NamespaceAddresses? kept, ReadOnlySpan<byte> netDirectory)
    {
        _found.Clear();
        bool capped = false;
        foreach ((string name, bool isTrie) in (ReadOnlySpan<(string, bool)>)[("fib_trie\0", true), ("if_inet6\0", false)])
        {
            ReadOnlySpan<byte> path = PathOf(netDirectory, name);
            int fd = Posix.Open(path, Posix.OpenReadOnlyNonBlocking | Posix.OpenNoControllingTerminal, 0);
            int errno = fd < 0 ? Marshal.GetLastPInvokeError() : 0;
            string? kind = fd < 0 ? null : FileIdentity.KindOf(fd);
            int length = fd < 0 || kind is not null ? -1 : ReadAll(fd, out errno);
            if (fd >= 0)
            {
                Posix.Close(fd);
            }

            if (length < 0)
            {
                // No if_inet6 is a kernel (or namespace) without IPv6: no fault, and no IPv6 addresses.
                if (isTrie || errno != Posix.Enoent)
                {
                    return Failed(kept, path, kind, errno);
                }

                continue;
            }

            capped |= Parse(length, isTrie);
        }

        return Result(kept, capped);
    }

    /// <summary>The addresses in files opened from inside a namespace; <paramref name="kept"/> when unchanged.</summary>
    public NamespaceAddresses Read(NamespaceAddresses? kept, AddressFiles files)
    {
        if (files.FibTrie is not { } trie)
        {
            string problem = files.Problem ?? "its fib_trie could not be opened inside it";
            return kept is { Problem: { } said } && said == problem ? kept : NamespaceAddresses.Failed(problem, -1);
        }

        _found.Clear();
        bool capped = false;
        foreach ((SafeFileHandle? handle, bool isTrie) in (ReadOnlySpan<(SafeFileHandle?, bool)>)[(trie, true), (files.IfInet6, false)])
        {
            if (handle is null)
            {
                continue;
            }

            bool added = false;
            int length, errno;
            try
            {
                handle.DangerousAddRef(ref added);
                length = ReadAll((int)handle.DangerousGetHandle(), out errno);
            }
            finally
            {
                if (added)
                {
                    handle.DangerousRelease();
                }
            }

            if (length < 0)
            {
                return Failed(kept, System.Text.Encoding.UTF8.GetBytes(isTrie ? "fib_trie (opened inside it)" : "if_inet6 (opened inside it)"), null, errno);
            }

            capped |= Parse(length, isTrie);
        }

        return Result(kept, capped);
    }

    // The whole file from its start into the kept buffer, up to one byte past the limit; -1 with errno on failure.
    private int ReadAll(int fd, out int errno)
    {
        errno = 0;
        int length = 0;
        while (true)
        {
            if (length == _text.Length)
            {
                if (_text.Length > LocalAddresses.ReadLimit)
                {
                    return length;
                }

                Array.Resize(ref _text, Math.Min(_text.Length * 2, LocalAddresses.ReadLimit + 1));
            }

            nint read = Posix.PRead(fd, _text.AsSpan(length), _text.Length - length, length);
            if (read < 0)
            {
                errno = Marshal.GetLastPInvokeError();
                if (errno == Posix.Eintr)
                {
                    continue;
                }

                return -1;
            }

            if (read == 0)
            {
                return length;
            }

            length += (int)read;
        }
    }

    // Parses what was read, true when some addresses were left out; lets go of a buffer grown large.
    private bool Parse(int length, bool isTrie)
    {
        bool cut = length > LocalAddresses.ReadLimit;
        ReadOnlySpan<byte> text = _text.AsSpan(0, Math.Min(length, LocalAddresses.ReadLimit));
        bool capped = cut | (isTrie ? LocalAddresses.ParseFibTrie(text, _found) : LocalAddresses.ParseIfInet6(text, _found));
        if (_text.Length > KeptSize)
        {
            _text = new byte[16 * 1024];
        }

        return capped;
    }

    private NamespaceAddresses Result(NamespaceAddresses? kept, bool capped)
    {
        if (kept is { Problem: null } && kept.Capped == capped && kept.Addresses.Length == _found.Count && AllFound(kept.Addresses))
        {
            return kept;
        }

        return _found.Count == 0 && !capped ? NamespaceAddresses.None : new NamespaceAddresses([.. _found], capped);
    }

    // A loop, not Array.TrueForAll: a delegate of _found.Contains would be made at every call.
    private bool AllFound(ConntrackAddress[] addresses)
    {
        foreach (ConntrackAddress address in addresses)
        {
            if (!_found.Contains(address))
            {
                return false;
            }
        }

        return true;
    }

    // The same failure as the last scan's keeps its value; a new one is said with the file's path.
    private static NamespaceAddresses Failed(NamespaceAddresses? kept, ReadOnlySpan<byte> path, string? kind, int errno)
    {
        int code = kind is null ? errno : -2;
        if (kept is { Problem: not null } && kept.Errno == code)
        {
            return kept;
        }

        string shown = System.Text.Encoding.UTF8.GetString(path.TrimEnd((byte)0));
        return NamespaceAddresses.Failed($"{shown}: {kind ?? Marshal.GetPInvokeErrorMessage(errno)}", code);
    }

    // "<net directory>/<name>", NUL-terminated (name carries the NUL), in the kept buffer.
    private ReadOnlySpan<byte> PathOf(ReadOnlySpan<byte> netDirectory, string name)
    {
        int length = Math.Min(netDirectory.Length, _path.Length - name.Length - 1);
        netDirectory[..length].CopyTo(_path);
        _path[length++] = (byte)'/';
        foreach (char c in name)
        {
            _path[length++] = (byte)c;
        }

        return _path.AsSpan(0, length);
    }
}
