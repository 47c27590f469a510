using ConntrackWatch.Kernel;
using ConntrackWatch.Kernel.Breakdown;

namespace ConntrackWatch.Tests.Kernel.Breakdown;

public sealed class TableFileReaderTests
{
    // The reader's buffer: a line that the first read cuts is carried into the second.
    private const int Buffer = 256 * 1024;

    private static long EntriesOf(string content)
    {
        using var directory = new TempDirectory();
        string path = directory.Combine("nf_conntrack");
        File.WriteAllText(path, content);
        KernelResult<TableBreakdown> read = TableFileReader.Read(path, new TableBreakdownBuilder(null), 10);
        return read.Value?.Entries ?? throw new InvalidOperationException(read.Detail);
    }

    [Fact]
    public void ALineLongerThanAnyRealOneIsSkippedWhereverTheReadsCutIt()
    {
        // An entry behind 1100 bytes of padding: one line, longer than the 1024 bytes a real one never reaches.
        string tooLong = new string('x', 1100) + " " + FakeProcTree.TableLine;

        Assert.Equal(2, EntriesOf(FakeProcTree.TableLine + tooLong + FakeProcTree.TableLine));

        // The same line cut by the first read just before its entry: the rest must not count as a line of its own.
        int lines = (Buffer - 1101) / FakeProcTree.TableLine.Length;
        string filler = string.Concat(Enumerable.Repeat(FakeProcTree.TableLine, lines));
        string pad = new string('#', Buffer - 1101 - filler.Length - 1) + "\n";
        Assert.Equal(Buffer - 1101, filler.Length + pad.Length);
        Assert.Equal(lines, EntriesOf(filler + pad + tooLong));
    }
}
