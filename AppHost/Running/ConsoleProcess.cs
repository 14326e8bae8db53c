using System.Diagnostics;
using System.Globalization;
using System.Reflection;

namespace Para.AppHost.Running;

/// <summary>
/// The console (<c>para</c>) as this process's child on this terminal: stdin, stdout and stderr
/// inherited, so it gets the TTY a DCP-started resource never gets.
/// </summary>
internal static class ConsoleProcess
{
    /// <summary>The AppHost itself and what was meant for it only; the console gets none of it.</summary>
    private static readonly string[] HostOnlyVariablePrefixes = ["ASPIRE_", "ASPNETCORE_", "OTEL_", "DOTNET_LAUNCH_PROFILE", "AppHost__"];

    /// <summary>para.dll beside the console project, built in the configuration the AppHost was built in.</summary>
    public static string LocateConsole()
    {
        var configuration = typeof(ConsoleProcess).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var projectDirectory = Path.GetDirectoryName(new Projects.Para_Tui().ProjectPath)!;
        return Path.Combine(projectDirectory, "bin", configuration, "net10.0", "para.dll");
    }

    public static async Task<int> RunAsync(string consoleDll, IReadOnlyDictionary<string, string> environment, CancellationToken stopping)
    {
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false };
        start.ArgumentList.Add(consoleDll);
        foreach (var name in start.Environment.Keys.Where(name => HostOnlyVariablePrefixes.Any(prefix => name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))).ToList())
        {
            start.Environment.Remove(name);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("The console did not start.");
        try
        {
            await process.WaitForExitAsync(stopping);
            return process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            // Stopped from outside (SIGTERM, SIGINT to the AppHost): let the console restore the terminal first.
            SendTerminate(process.Id);
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
            }

            return 130;
        }
    }

    /// <summary>SIGTERM, which .NET has no API for (Process.Kill is SIGKILL); kill(1) is on every POSIX host.</summary>
    private static void SendTerminate(int pid)
    {
        try
        {
            using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", pid.ToString(CultureInfo.InvariantCulture) } });
            kill?.WaitForExit(TimeSpan.FromSeconds(2));
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // No kill(1) here: the grace period ends in Process.Kill.
        }
    }
}
