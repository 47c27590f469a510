using ConntrackWatch.Kernel.Namespaces;
using ConntrackWatch.Tests.Support;

namespace ConntrackWatch.Tests.Kernel.Namespaces;

public sealed class DirectoryListingTests : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly byte[] _buffer = new byte[DirectoryListing.BufferSize];

    public void Dispose() => _directory.Dispose();

    private List<string> NamesIn(string directory)
    {
        var names = new List<string>();
        foreach (DirectoryBatch batch in new DirectoryListing(directory, _buffer))
        {
            foreach (ReadOnlySpan<byte> name in batch)
            {
                if (!DirectoryBatch.IsSelfOrParent(name))
                {
                    names.Add(System.Text.Encoding.UTF8.GetString(name));
                }
            }
        }

        return names;
    }

    [Fact]
    public void AListingNamesEveryFileBesidesDotAndDotDot()
    {
        Assert.Empty(NamesIn(_directory.Combine("absent")));
        Assert.Empty(NamesIn(_directory.Path));

        File.WriteAllText(_directory.Combine("vpn-a"), "");
        File.WriteAllText(_directory.Combine("cni-0f3e"), "");

        Assert.Equal(["cni-0f3e", "vpn-a"], NamesIn(_directory.Path).Order());
    }

    [Fact]
    public void AFifoListsNothingAndDoesNotBlock()
    {
        string fifo = _directory.Combine("fifo");
        Command.RunChecked("mkfifo", fifo);

        Assert.Empty(NamesIn(fifo));
    }

    [Fact]
    public void NamesLongerThanOneBatchHoldsAreAllListed()
    {
        // 255-byte names, 2,000 of them: about 530 KiB of records through a 16 KiB buffer.
        var expected = new List<string>();
        for (int i = 0; i < 2000; i++)
        {
            string name = i.ToString("D5", System.Globalization.CultureInfo.InvariantCulture) + new string('n', 250);
            File.WriteAllText(_directory.Combine(name), "");
            expected.Add(name);
        }

        Assert.Equal(expected, NamesIn(_directory.Path).Order());
    }
}
