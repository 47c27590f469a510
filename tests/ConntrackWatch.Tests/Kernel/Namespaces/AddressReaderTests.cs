using ConntrackWatch.Kernel.Namespaces;
using ConntrackWatch.Tests.Support;

namespace ConntrackWatch.Tests.Kernel.Namespaces;

public sealed class AddressReaderTests
{
    [Fact]
    public void FilesThatCouldNotBeOpenedInsideSayWhyAndTheSameFailureKeepsItsValue()
    {
        var reader = new AddressReader();

        NamespaceAddresses first = reader.Read(null, new AddressFiles(null, null, null));
        NamespaceAddresses again = reader.Read(first, new AddressFiles(null, null, null));

        Assert.Equal("its fib_trie could not be opened inside it", first.Problem);
        Assert.Empty(first.Addresses);
        Assert.Same(first, again);
    }

    [Fact]
    public void FilesOpenedOnceAreReadAgainFromTheirStartAtEachRead()
    {
        using var directory = new TempDirectory();
        string trie = directory.Combine("fib_trie");
        File.WriteAllText(trie, "Local:\n  |-- 192.0.2.7\n     /32 host LOCAL\n");
        using var files = new AddressFiles(ConntrackWatch.Kernel.KernelFile.OpenRead(trie), null, null);
        var reader = new AddressReader();

        NamespaceAddresses first = reader.Read(null, files);
        Assert.Same(first, reader.Read(first, files)); // unchanged: the value kept
        File.WriteAllText(trie, "Local:\n  |-- 192.0.2.8\n     /32 host LOCAL\n"); // the same inode, rewritten
        NamespaceAddresses next = reader.Read(first, files);

        Assert.Equal(["192.0.2.7"], first.Addresses.Select(a => a.ToString()));
        Assert.Equal(["192.0.2.8"], next.Addresses.Select(a => a.ToString()));
    }
}
