using System.Runtime.InteropServices;

namespace ConntrackWatch.Kernel.Namespaces;

/// <summary>The names in one getdents64 batch: a pure walk over the records the kernel wrote.</summary>
internal readonly ref struct DirectoryBatch(ReadOnlySpan<byte> records)
{
    // struct linux_dirent64 (include/linux/dirent.h): d_ino u64, d_off s64, d_reclen u16 at 16 (native byte order),
    // d_type u8 at 18, then d_name, NUL-terminated, padded to the record's length.
    private const int RecordLengthOffset = 16;
    private const int NameOffset = 19;

    private readonly ReadOnlySpan<byte> _records = records;

    /// <summary>True for "." and "..", which every listing has.</summary>
    public static bool IsSelfOrParent(ReadOnlySpan<byte> name) => name.SequenceEqual("."u8) || name.SequenceEqual(".."u8);

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
