namespace Para.Accounts.Tests.Infrastructure;

/// <summary>Where the built executables are: the same configuration as this test assembly.</summary>
internal static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string Configuration { get; } =
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";

    public static string AccountsDll => Path.Combine(Root, "src", "Para.Accounts", "bin", Configuration, "net10.0", "Para.Accounts.dll");

    public static string ParaDll => Path.Combine(Root, "tui", "Para.Tui", "bin", Configuration, "net10.0", "para.dll");

    public static string AppHostDll => Path.Combine(Root, "AppHost", "bin", Configuration, "net10.0", "Para.AppHost.dll");

    public static string TestsDll => typeof(RepositoryPaths).Assembly.Location;

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Para.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Para.sln not found above the test assembly.");
    }
}
