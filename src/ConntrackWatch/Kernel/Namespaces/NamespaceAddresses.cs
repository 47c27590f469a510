namespace ConntrackWatch.Kernel.Namespaces;

/// <summary>
/// The local addresses of one namespace as its last scan read them (<see cref="AddressReader"/>): the same instance
/// from scan to scan until they change, so that a reading carries them at no cost and a breakdown made from it
/// reads no file.
/// </summary>
/// <param name="Addresses">Its addresses, loopback left out; at most <see cref="LocalAddresses.MaxAddresses"/>.</param>
/// <param name="Capped">Whether some were left out: more than the cap, or a file cut at <see cref="LocalAddresses.ReadLimit"/>.</param>
/// <param name="Problem">Why they could not be read (the file and the error); null when read.</param>
/// <param name="Errno">The error of that failure, so that the same one at the next scan makes no new value.</param>
internal sealed record NamespaceAddresses(ConntrackAddress[] Addresses, bool Capped = false, string? Problem = null, int Errno = 0)
{
    public static NamespaceAddresses None { get; } = new([]);

    public static NamespaceAddresses Failed(string problem, int errno) => new([], Problem: problem, Errno: errno);
}
