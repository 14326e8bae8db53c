using System.Diagnostics;

namespace Para.IntegrationTests.Infrastructure;

/// <summary>The docker CLI against the local engine, for setting the scene and looking at the result.</summary>
internal static class Docker
{
    public static string Run(params string[] arguments)
    {
        using var process = Start(arguments);
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return Result(process, output, error, arguments);
    }

    /// <summary>
    /// The same without holding a thread while docker runs: a test that samples containers every few
    /// seconds would otherwise tie up the pool threads the in-test OAuth server answers on.
    /// </summary>
    public static async Task<string> RunAsync(params string[] arguments)
    {
        using var process = Start(arguments);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return Result(process, await output, await error, arguments);
    }

    private static Process Start(string[] arguments)
    {
        var start = new ProcessStartInfo("docker") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return Process.Start(start) ?? throw new InvalidOperationException("docker did not start.");
    }

    private static string Result(Process process, string output, string error, string[] arguments) =>
        process.ExitCode == 0 ? output.Trim() : throw new InvalidOperationException($"docker {arguments[0]} failed: {error.Trim()}");
}
