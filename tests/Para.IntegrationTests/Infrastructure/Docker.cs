using System.Diagnostics;

namespace Para.IntegrationTests.Infrastructure;

/// <summary>The docker CLI against the local engine, for setting the scene and looking at the result.</summary>
internal static class Docker
{
    public static string Run(params string[] arguments)
    {
        var start = new ProcessStartInfo("docker") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("docker did not start.");
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? output.Trim() : throw new InvalidOperationException($"docker {arguments[0]} failed: {error.Trim()}");
    }
}
