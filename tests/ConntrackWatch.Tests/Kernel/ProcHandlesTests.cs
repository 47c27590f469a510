using ConntrackWatch.Kernel;

namespace ConntrackWatch.Tests.Kernel;

/// <summary>Kept handles are checked against their path before each read, in a test tree as under /proc.</summary>
public sealed class ProcHandlesTests
{
    [Fact]
    public void ReadsTheNewFileWhenTheKeptOneWasReplaced()
    {
        using FakeProcTree tree = FakeProcTree.Modern(count: 5, max: 100);
        using var handles = new ProcHandles();
        var reader = new ProcFileReader(handles);
        string path = tree.PathOf(FakeProcTree.ModernCount);
        Assert.Equal(5, reader.ReadInteger(path).Value);

        File.WriteAllText(path + ".new", "7\n");
        File.Move(path + ".new", path, overwrite: true);

        Assert.Equal(7, reader.ReadInteger(path).Value);
    }

    [Fact]
    public void ReportsARemovedFileAsMissingThoughItsHandleWasKept()
    {
        using FakeProcTree tree = FakeProcTree.Modern(count: 5, max: 100);
        using var handles = new ProcHandles();
        var reader = new ProcFileReader(handles);
        string path = tree.PathOf(FakeProcTree.ModernCount);
        Assert.True(reader.ReadInteger(path).IsOk);

        File.Delete(path);

        Assert.Equal(ReadStatus.Missing, reader.ReadInteger(path).Status);
    }

    [Fact]
    public void KeepsOneHandleWhileTheFileStaysTheSame()
    {
        using FakeProcTree tree = FakeProcTree.Modern(count: 5, max: 100);
        using var handles = new ProcHandles();
        string path = tree.PathOf(FakeProcTree.ModernCount);

        Microsoft.Win32.SafeHandles.SafeFileHandle first = handles.Acquire(path);
        tree.Write(FakeProcTree.ModernCount, "6\n"); // rewritten in place, as the kernel's files change

        Assert.Same(first, handles.Acquire(path));
    }
}
