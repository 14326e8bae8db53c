using System.Diagnostics;

namespace Para.ContainerAuth.Tests;

/// <summary>The real service executable, started with one bad setting: it must stop by itself and say which.</summary>
public sealed class ContainerAuthOptionsTests : IDisposable
{
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("para-container-auth-options-").FullName;

    [Theory]
    [InlineData("Para__ContainerAuth__MaxParallelism", "0", "MaxParallelism")]
    [InlineData("Para__ContainerAuth__AuthenticatedImage", "para-test-base:latest", "BaseImage and AuthenticatedImage must differ")]
    [InlineData("Para__Docker__Endpoint", "not a uri", "Para:Docker:Endpoint")]
    [InlineData("Para__ContainerAuth__AutoReauthImagesDelay", "00:00:00", "Para:ContainerAuth:AutoReauthImagesDelay")]
    public async Task Invalid_settings_stop_the_service_at_start_with_one_line_naming_the_setting(string variable, string value, string named)
    {
        var start = new ProcessStartInfo("dotnet", [ContainerAuthDll])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            Environment =
            {
                ["PARA_DATA_DIR"] = _dataDirectory,
                ["Para__AdminKey"] = "start-up-test-key",
                ["ASPNETCORE_URLS"] = "http://127.0.0.1:0",
                ["Para__ContainerAuth__BaseImage"] = "para-test-base:latest",
                [variable] = value,
            },
        };

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);

        Assert.Equal(1, process.ExitCode);
        var line = Assert.Single((await stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("para-container-auth: ", line, StringComparison.Ordinal);
        Assert.Contains(named, line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", await stdout, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_dataDirectory, recursive: true);

    private static string ContainerAuthDll
    {
        get
        {
            var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
            for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "Para.sln")))
                {
                    return Path.Combine(directory.FullName, "src", "Para.ContainerAuth", "bin", configuration, "net10.0", "Para.ContainerAuth.dll");
                }
            }

            throw new InvalidOperationException("Para.sln not found above the test assembly.");
        }
    }
}
