using System.Runtime.InteropServices;

namespace Serilog.Sinks.JournaldNative.Native;

/// <summary>The few libc calls .NET does not wrap: memfd_create, file sealing, and sendmsg with SCM_RIGHTS.</summary>
internal static unsafe partial class Libc
{
    public const uint MfdCloexec = 0x1;
    public const uint MfdAllowSealing = 0x2;
    public const int FAddSeals = 1033;
    public const int FSealSeal = 0x1;
    public const int FSealShrink = 0x2;
    public const int FSealGrow = 0x4;
    public const int FSealWrite = 0x8;
    public const int SolSocket = 1;
    public const int ScmRights = 1;
    public const int SoSndbufForce = 32;
    public const ushort AfUnix = 1;
    public const int MsgNoSignal = 0x4000;

    [LibraryImport("libc", EntryPoint = "memfd_create", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int MemfdCreate(string name, uint flags);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    public static partial nint Write(int fd, byte* buffer, nuint count);

    // fcntl is variadic in C; its int argument travels in the same register as a fixed one on x86-64 and arm64.
    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    public static partial int Fcntl(int fd, int command, int argument);

    [LibraryImport("libc", EntryPoint = "sendmsg", SetLastError = true)]
    public static partial nint SendMsg(nint socket, MessageHeader* message, int flags);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    /// <summary>struct msghdr.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct MessageHeader
    {
        public void* Name;
        public uint NameLength;
        public void* Iov;
        public nuint IovLength;
        public void* Control;
        public nuint ControlLength;
        public int Flags;
    }

    /// <summary>struct cmsghdr followed by one file descriptor, padded to CMSG_SPACE(sizeof(int)).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct FileDescriptorMessage
    {
        public nuint Length;
        public int Level;
        public int Type;
        public int Descriptor;
        public int Padding;
    }
}
