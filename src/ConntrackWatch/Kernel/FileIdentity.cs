using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace ConntrackWatch.Kernel;

/// <summary>
/// Which file a path or an open handle is (device and inode), and what kind of file, by statx(2): a kept handle
/// whose path now names another file (replaced) or none (removed: module unloaded) must not be read as current.
/// </summary>
internal readonly record struct FileIdentity(ulong Inode, ulong Device)
{
    private const int AtFdCwd = -100;
    private const int AtEmptyPath = 0x1000;
    private const uint StatxType = 0x1;
    private const uint StatxIno = 0x100;

    // struct statx is laid out the same on every architecture (include/uapi/linux/stat.h): 256 bytes, stx_mode at
    // offset 28 (stx_uid at 20), stx_ino at 32, stx_dev_major and stx_dev_minor at 136 and 140, in native byte order.
    private const int StatxSize = 256;
    private const int UidOffset = 20;
    private const int ModeOffset = 28;
    private const int InodeOffset = 32;
    private const int DeviceOffset = 136;
    private const ushort TypeMask = 0xF000; // S_IFMT
    private const ushort RegularFile = 0x8000; // S_IFREG

    /// <summary>The file <paramref name="path"/> names now (links followed); false when there is none.</summary>
    public static bool TryOf(string path, out FileIdentity identity)
    {
        Span<byte> statx = stackalloc byte[StatxSize];
        bool found = Posix.Statx(AtFdCwd, path, 0, StatxIno, statx) == 0;
        identity = found ? Read(statx) : default;
        return found;
    }

    /// <summary>The file the UTF-8, NUL-terminated <paramref name="path"/> names now; no string, no allocation.</summary>
    public static bool TryOf(ReadOnlySpan<byte> path, out FileIdentity identity)
    {
        Span<byte> statx = stackalloc byte[StatxSize];
        bool found = Posix.Statx(AtFdCwd, path, 0, StatxIno, statx) == 0;
        identity = found ? Read(statx) : default;
        return found;
    }

    /// <summary>The file <paramref name="handle"/> has open.</summary>
    public static bool TryOf(SafeFileHandle handle, out FileIdentity identity)
    {
        Span<byte> statx = stackalloc byte[StatxSize];
        bool added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            bool found = Posix.Statx((int)handle.DangerousGetHandle(), string.Empty, AtEmptyPath, StatxIno, statx) == 0;
            identity = found ? Read(statx) : default;
            return found;
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    /// <summary>True when looking up <paramref name="path"/> fails for want of permission on a directory (EACCES).</summary>
    public static bool IsDeniedOnTheWay(string path)
    {
        Span<byte> statx = stackalloc byte[StatxSize];
        return Posix.Statx(AtFdCwd, path, 0, StatxType, statx) != 0 && Marshal.GetLastPInvokeError() == Posix.Eacces;
    }

    /// <summary>The mode bits of <paramref name="path"/> (links followed): permissions, sticky, set-id; false when it cannot be examined.</summary>
    public static bool TryModeOf(string path, out int mode)
    {
        Span<byte> statx = stackalloc byte[StatxSize];
        bool found = Posix.Statx(AtFdCwd, path, 0, StatxType | 0x2 /* STATX_MODE */, statx) == 0;
        mode = found ? MemoryMarshal.Read<ushort>(statx[ModeOffset..]) & 0xFFF : 0;
        return found;
    }

    /// <summary>
    /// The type and permission bits (<c>st_mode</c>) and the owner of <paramref name="path"/>, of the link itself
    /// where <paramref name="followLinks"/> is false; false when it cannot be examined.
    /// </summary>
    public static bool TryModeAndOwnerOf(string path, bool followLinks, out int mode, out uint uid)
    {
        const int AtSymlinkNoFollow = 0x100;
        const uint StatxModeAndUid = 0x2 | 0x8 | StatxType;
        Span<byte> statx = stackalloc byte[StatxSize];
        bool found = Posix.Statx(AtFdCwd, path, followLinks ? 0 : AtSymlinkNoFollow, StatxModeAndUid, statx) == 0;
        mode = found ? MemoryMarshal.Read<ushort>(statx[ModeOffset..]) : 0;
        uid = found ? MemoryMarshal.Read<uint>(statx[UidOffset..]) : 0;
        return found;
    }

    /// <summary>The owner of <paramref name="path"/> (links followed); false when it cannot be examined.</summary>
    public static bool TryOwnerOf(string path, out uint uid)
    {
        const uint StatxUid = 0x8;
        Span<byte> statx = stackalloc byte[StatxSize];
        bool found = Posix.Statx(AtFdCwd, path, 0, StatxUid, statx) == 0;
        uid = found ? MemoryMarshal.Read<uint>(statx[UidOffset..]) : 0;
        return found;
    }

    /// <summary>Null for a regular file; otherwise what <paramref name="handle"/> is instead ("a FIFO", "a directory", ...).</summary>
    public static string? KindOf(SafeFileHandle handle)
    {
        bool added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            return KindOf((int)handle.DangerousGetHandle());
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    /// <summary>Null for a regular file; otherwise what the open descriptor <paramref name="fd"/> is instead.</summary>
    public static string? KindOf(int fd)
    {
        Span<byte> statx = stackalloc byte[StatxSize];
        if (Posix.Statx(fd, string.Empty, AtEmptyPath, StatxType, statx) != 0)
        {
            return "a file whose type cannot be read";
        }

        return (MemoryMarshal.Read<ushort>(statx[ModeOffset..]) & TypeMask) switch
        {
            RegularFile => null,
            0x1000 => "a FIFO",
            0x2000 => "a character device",
            0x4000 => "a directory",
            0x6000 => "a block device",
            0xC000 => "a socket",
            _ => "not a regular file",
        };
    }

    // The device is major and minor read as one 64-bit value.
    private static FileIdentity Read(ReadOnlySpan<byte> statx) =>
        new(MemoryMarshal.Read<ulong>(statx[InodeOffset..]), MemoryMarshal.Read<ulong>(statx[DeviceOffset..]));
}
