namespace Para.Hosting;

internal static class DotnetHost
{
    /// <summary>The <c>dotnet</c> that runs this process when it can tell, else the one on PATH.</summary>
    public static string Path { get; } = Resolve();

    private static string Resolve()
    {
        var fromCli = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(fromCli) && File.Exists(fromCli))
        {
            return fromCli;
        }

        var processPath = Environment.ProcessPath;
        if (processPath is not null && System.IO.Path.GetFileNameWithoutExtension(processPath) == "dotnet")
        {
            return processPath;
        }

        return "dotnet";
    }
}
