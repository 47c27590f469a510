using System.Runtime.InteropServices;
using ConntrackWatch.Kernel;

namespace ConntrackWatch.Hosting;

/// <summary>
/// Standard input, output and error as a daemon needs them: any of fds 0, 1 and 2 that is closed at start is
/// opened on /dev/null before anything else runs, as daemon(3) does, so that no file the process opens later
/// takes its number and no write to it fails. What was closed is remembered: <c>status</c> must still say that it
/// could not print.
/// </summary>
internal static class StandardStreams
{
    private const int GetDescriptorFlags = 1; // F_GETFD

    /// <summary>Opens /dev/null on each closed one of fds 0, 1, 2; true for standard output when it was closed.</summary>
    public static bool ReopenClosed()
    {
        bool outputWasClosed = false;
        for (int fd = 0; fd <= 2; fd++)
        {
            if (Posix.Fcntl(fd, GetDescriptorFlags) >= 0 || Marshal.GetLastPInvokeError() != Posix.Ebadf)
            {
                continue;
            }

            // open(2) returns the lowest free descriptor: this one, as the lower ones are open by now.
            _ = Posix.Open("/dev/null", Posix.OpenReadWrite, 0);
            outputWasClosed |= fd == 1;
        }

        return outputWasClosed;
    }

    /// <summary>Standard output that was closed: every write fails, as a write to a closed descriptor would.</summary>
    public static TextWriter ClosedOutput { get; } = new Closed();

    private sealed class Closed : TextWriter
    {
        public override System.Text.Encoding Encoding => System.Text.Encoding.UTF8;

        public override void Write(char value) => throw new IOException("standard output is closed");
    }
}
