using System.Globalization;
using System.Runtime.InteropServices;

namespace ConntrackWatch.Kernel;

/// <summary>
/// Whether a directory is safe for root's files: nobody but root and the daemon's own user can replace what the
/// daemon keeps there, or point it elsewhere. Refused: a directory every user may write to without the sticky bit;
/// a symbolic link another user made (systemd's own link for DynamicUser=, root's, is fine); and, where the owner
/// matters (the state and runtime directories, which the daemon's user owns), a directory another non-root user
/// owns.
/// </summary>
internal static class DirectoryTrust
{
    private const int TypeMask = 0xF000; // S_IFMT
    private const int Directory = 0x4000; // S_IFDIR
    private const int Link = 0xA000; // S_IFLNK
    private const int OthersMayWrite = 0b000_000_010;
    private const int Sticky = 0b1_000_000_000;

    /// <summary>Null when <paramref name="path"/> may hold the daemon's files; else what is wrong and the fix.</summary>
    /// <param name="key">The setting that chose the directory, named in the fix.</param>
    /// <param name="ownerMatters">Refuse a directory another non-root user owns.</param>
    public static string? ProblemOf(string path, string key, bool ownerMatters)
    {
        uint self = Posix.GetEuid();
        if (!FileIdentity.TryModeAndOwnerOf(path, followLinks: false, out int linkMode, out uint linkOwner))
        {
            return $"{path} cannot be examined: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}";
        }

        if ((linkMode & TypeMask) == Link && linkOwner != 0 && linkOwner != self)
        {
            return Invariant($"{path} is a symbolic link made by uid {linkOwner}, who could point it anywhere; remove it, or choose another {key}");
        }

        if (!FileIdentity.TryModeAndOwnerOf(path, followLinks: true, out int mode, out uint owner))
        {
            return $"{path} cannot be examined: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}";
        }

        if ((mode & TypeMask) != Directory)
        {
            return $"{path} is not a directory; choose another {key}";
        }

        if ((mode & OthersMayWrite) != 0 && (mode & Sticky) == 0)
        {
            return $"{path} is writable by every user without the sticky bit, so anyone could replace the file; chmod o-w {path} (or +t), or choose another {key}";
        }

        return ownerMatters && owner != 0 && owner != self
            ? Invariant($"{path} is owned by uid {owner}, neither root nor this daemon's user ({self}), who could replace its files; chown it, or choose another {key}")
            : null;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
