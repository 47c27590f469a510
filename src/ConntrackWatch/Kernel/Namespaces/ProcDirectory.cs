using System.Buffers.Text;
using System.Runtime.InteropServices;

namespace ConntrackWatch.Kernel.Namespaces;

/// <summary>
/// What the namespace scan lists: the processes under a proc root and the files of a bind-mount directory, each
/// listing cut short (not thrown) when the directory goes or cannot be read; and a namespace's inode from an
/// ns/net link or a bind mount, where it may be examined (a process's needs ptrace access to it). Directories are
/// read with getdents64(2) into the caller's kept buffer: a scan every few seconds for the daemon's lifetime makes
/// no string, enumerator or array per listing, so it leaves nothing for a collector that rarely runs.
/// </summary>
internal static class ProcDirectory
{
    /// <summary>Enough for a few hundred entries per getdents64 call; a larger directory takes more calls.</summary>
    public const int ListingBufferSize = 16 * 1024;

    private const int OpenDirectory = 0x10000 | 0x800 | 0x80000; // O_RDONLY | O_DIRECTORY | O_NONBLOCK | O_CLOEXEC

    // struct linux_dirent64 (include/linux/dirent.h): d_ino u64, d_off s64, d_reclen u16 at 16, d_type u8 at 18,
    // then d_name, NUL-terminated, padded to the record's length.
    private const int RecordLengthOffset = 16;
    private const int NameOffset = 19;

    /// <summary>
    /// Fills <paramref name="pids"/> with the process ids under <paramref name="procRoot"/>, listed through
    /// <paramref name="buffer"/> (at least <see cref="ListingBufferSize"/> bytes).
    /// </summary>
    public static void Pids(string procRoot, List<int> pids, byte[] buffer)
    {
        pids.Clear();
        foreach (Listing listing in new Listings(procRoot, buffer))
        {
            foreach (ReadOnlySpan<byte> name in listing)
            {
                if (Pid(name) is > 0 and int pid)
                {
                    pids.Add(pid);
                }
            }
        }
    }

    /// <summary>The names in <paramref name="directory"/> (with "." and ".."), batch by batch through <paramref name="buffer"/>.</summary>
    public static Listings Entries(string directory, byte[] buffer) => new(directory, buffer);

    /// <summary>True for "." and "..", which every listing has.</summary>
    public static bool IsSelfOrParent(ReadOnlySpan<byte> name) => name.SequenceEqual("."u8) || name.SequenceEqual(".."u8);

    public static long? NamespaceInode(string path) =>
        FileIdentity.TryOf(path, out FileIdentity identity) ? (long)identity.Inode : null;

    private static int Pid(ReadOnlySpan<byte> name) =>
        name.Length is > 0 and <= 10 && name[0] is >= (byte)'1' and <= (byte)'9'
        && Utf8Parser.TryParse(name, out int pid, out int consumed) && consumed == name.Length && pid > 0 ? pid : 0;

    /// <summary>The getdents64 batches of one directory; the directory is closed when the enumeration ends.</summary>
    public readonly ref struct Listings(string directory, byte[] buffer)
    {
        public Enumerator GetEnumerator() => new(Posix.Open(directory, OpenDirectory, 0), buffer);

        public ref struct Enumerator(int fd, byte[] buffer)
        {
            private int _fd = fd;

            public Listing Current { get; private set; }

            /// <summary>The next batch; false at the end, or when the directory went or cannot be read.</summary>
            public bool MoveNext()
            {
                if (_fd < 0)
                {
                    return false;
                }

                nint read = Posix.GetDents64(_fd, buffer, buffer.Length);
                if (read <= 0)
                {
                    Dispose();
                    return false;
                }

                Current = new Listing(buffer.AsSpan(0, (int)read));
                return true;
            }

            public void Dispose()
            {
                if (_fd >= 0)
                {
                    Posix.Close(_fd);
                    _fd = -1;
                }
            }
        }
    }

    /// <summary>The names in one getdents64 batch.</summary>
    public readonly ref struct Listing(ReadOnlySpan<byte> records)
    {
        private readonly ReadOnlySpan<byte> _records = records;

        public NameEnumerator GetEnumerator() => new(_records);

        public ref struct NameEnumerator(ReadOnlySpan<byte> records)
        {
            private ReadOnlySpan<byte> _rest = records;

            public ReadOnlySpan<byte> Current { get; private set; }

            public bool MoveNext()
            {
                if (_rest.Length <= NameOffset)
                {
                    return false;
                }

                int length = MemoryMarshal.Read<ushort>(_rest[RecordLengthOffset..]); // native byte order

                if (length <= NameOffset || length > _rest.Length)
                {
                    _rest = default; // a record the kernel would not write: the batch ends here
                    return false;
                }

                ReadOnlySpan<byte> name = _rest[NameOffset..length];
                int end = name.IndexOf((byte)0);
                Current = end < 0 ? name : name[..end];
                _rest = _rest[length..];
                return true;
            }
        }
    }
}
