namespace ConntrackWatch.Tests.Support;

/// <summary>Files of this repository, found from the test binary's directory upwards.</summary>
public static class RepositoryFiles
{
    public static string Root { get; } = FindRoot();

    public static string PathOf(string relative) => Path.Combine(Root, relative);

    private static string FindRoot()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ConntrackWatch.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("No ConntrackWatch.sln above " + AppContext.BaseDirectory);
    }
}
