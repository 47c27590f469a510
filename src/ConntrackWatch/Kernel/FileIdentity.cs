using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace ConntrackWatch.Kernel;

/// <summary>
/// Whether an open handle still is the file a path names: the same device and inode, by statx(2). A kept handle
/// to a file that was removed (module unloaded) or replaced (renamed over) must not be read as if it were current.
/// </summary>
internal static partial class FileIdentity
{
    private const int AtFdCwd = -100;
    private const int AtEmptyPath = 0x1000;
    private const uint StatxIno = 0x100;

    // struct statx is laid out the same on every architecture (include/uapi/linux/stat.h): 256 bytes, stx_ino at
    // offset 32, stx_dev_major and stx_dev_minor at 136 and 140.
    private const int StatxSize = 256;
    private const int InodeOffset = 32;
    private const int DeviceOffset = 136;

    /// <summary>True when <paramref name="path"/> still names the file <paramref name="handle"/> has open.</summary>
    public static bool IsSameFile(SafeFileHandle handle, string path)
    {
        Span<byte> open = stackalloc byte[StatxSize];
        Span<byte> named = stackalloc byte[StatxSize];
        bool added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            if (Statx((int)handle.DangerousGetHandle(), string.Empty, AtEmptyPath, StatxIno, open) != 0)
            {
                return false;
            }
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }

        return Statx(AtFdCwd, path, 0, StatxIno, named) == 0 && Identity(open) == Identity(named);
    }

    // Native byte order, as the kernel fills it; the device is major and minor read as one 64-bit value.
    private static (ulong Inode, ulong Device) Identity(ReadOnlySpan<byte> statx) =>
        (MemoryMarshal.Read<ulong>(statx[InodeOffset..]), MemoryMarshal.Read<ulong>(statx[DeviceOffset..]));

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int dirFd, string path, int flags, uint mask, Span<byte> buffer);
}
