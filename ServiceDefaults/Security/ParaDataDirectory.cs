using Microsoft.Extensions.Configuration;

namespace Para.ServiceDefaults.Security;

/// <summary>The one folder that holds Para's state: <c>PARA_DATA_DIR</c>, else <c>~/.para</c>.</summary>
public static class ParaDataDirectory
{
    public const string EnvironmentVariable = "PARA_DATA_DIR";

    public static string Resolve(IConfiguration? configuration = null)
    {
        var configured = configuration?[EnvironmentVariable] ?? Environment.GetEnvironmentVariable(EnvironmentVariable);
        return ResolvePath(configured);
    }

    /// <summary>Uses <paramref name="configured"/> when given, else <c>PARA_DATA_DIR</c>, else <c>~/.para</c>.</summary>
    public static string ResolvePath(string? configured)
    {
        configured ??= Environment.GetEnvironmentVariable(EnvironmentVariable);
        var path = string.IsNullOrWhiteSpace(configured)
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".para")
            : Path.GetFullPath(configured);
        EnsureExists(path);
        return path;
    }

    public static void EnsureExists(string path)
    {
        if (Directory.Exists(path))
        {
            return;
        }

        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }
}
