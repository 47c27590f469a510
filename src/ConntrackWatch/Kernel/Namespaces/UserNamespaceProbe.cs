using Microsoft.Win32.SafeHandles;

namespace ConntrackWatch.Kernel.Namespaces;

/// <summary>
/// Tells whether a network namespace is the host's to govern or an unprivileged user's. Exact where the namespace
/// can be opened (root; a bind mount): ioctl(NS_GET_USERNS) gives its owning user namespace, compared with the
/// daemon's own. Otherwise (the hardened unit may not open another user's /proc/PID/ns/net) by the process's
/// /proc/PID/uid_map, which any user may read: a process in a user namespace of its own maps ids unlike the
/// daemon, and a process cannot leave the user namespace its network namespace belongs to. No uid_map (a kernel
/// without user namespaces): the host's.
/// </summary>
internal sealed class UserNamespaceProbe(string procRoot)
{
    // _IO(0xb7, 0x1), include/uapi/linux/nsfs.h
    private const nuint NsGetUserns = 0xb701;

    // Every uid mapped to itself: the initial user namespace.
    private const string IdentityMap = "0 0 4294967295";

    // The daemon's own user namespace: its inode, and its uid map (as the kernel prints it, whitespace folded).
    private readonly ulong? _ownInode = FileIdentity.TryOf("/proc/self/ns/user", out FileIdentity own) ? own.Inode : null;
    private readonly string _ownMap = UidMap(Path.Combine(procRoot, "self/uid_map")) ?? IdentityMap;

    /// <summary>The owner of the namespace of the process whose /proc directory is <paramref name="processDirectory"/>.</summary>
    public NamespaceOwner OfProcess(string processDirectory) =>
        OwnerOf(Path.Combine(processDirectory, "ns/net"))
        ?? (UidMap(Path.Combine(processDirectory, "uid_map")) is { } map && map != _ownMap ? NamespaceOwner.User : NamespaceOwner.System);

    /// <summary>The owner of a bind-mounted namespace; the host's where it cannot be told (the directories are root's).</summary>
    public NamespaceOwner OfBindMount(string path) => OwnerOf(path) ?? NamespaceOwner.System;

    private NamespaceOwner? OwnerOf(string namespacePath)
    {
        if (_ownInode is not { } own)
        {
            return null;
        }

        int fd = Posix.Open(namespacePath, Posix.OpenReadOnlyNonBlocking, 0);
        if (fd < 0)
        {
            return null; // not ours to open: ptrace access to another user's process
        }

        try
        {
            int user = Posix.Ioctl(fd, NsGetUserns);
            if (user < 0)
            {
                return null; // not a namespace file (a test tree), or an older kernel
            }

            using var handle = new SafeFileHandle(user, ownsHandle: true);
            return FileIdentity.TryOf(handle, out FileIdentity owner)
                ? owner.Inode == own ? NamespaceOwner.System : NamespaceOwner.User
                : null;
        }
        finally
        {
            Posix.Close(fd);
        }
    }

    // "         0          0 4294967295\n" as "0 0 4294967295"; null when there is no such file.
    private static string? UidMap(string path) =>
        KernelFile.TryReadText(path, out _) is { } map ? string.Join(' ', map.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)) : null;
}
