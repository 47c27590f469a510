namespace ConntrackWatch.Kernel.Namespaces;

/// <summary>The getdents64 batches of one directory; the directory is closed when the enumeration ends.</summary>
internal readonly ref struct DirectoryListing(string directory, byte[] buffer)
{
    /// <summary>Enough for a few hundred entries per getdents64 call; a larger directory takes more calls.</summary>
    public const int BufferSize = 16 * 1024;

    private const int OpenDirectory = Posix.OpenReadOnlyNonBlocking | Posix.OpenDirectory;

    public Enumerator GetEnumerator() => new(Posix.Open(directory, OpenDirectory, 0), buffer);

    public ref struct Enumerator(int fd, byte[] buffer)
    {
        private int _fd = fd;

        public DirectoryBatch Current { get; private set; }

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

            Current = new DirectoryBatch(buffer.AsSpan(0, (int)read));
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
