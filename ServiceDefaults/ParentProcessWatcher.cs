using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Para.ServiceDefaults;

/// <summary>
/// Stops this process when the host that started it is gone, even if the host was killed and
/// could not stop its children itself: no orphaned services holding ports or the database.
/// </summary>
internal sealed partial class ParentProcessWatcher(
    IConfiguration configuration,
    IHostApplicationLifetime lifetime,
    TimeProvider timeProvider,
    ILogger<ParentProcessWatcher> logger) : BackgroundService
{
    public const string ParentPidVariable = "PARA_PARENT_PID";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!int.TryParse(configuration[ParentPidVariable], out var parentPid))
        {
            return;
        }

        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), timeProvider);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            if (!IsRunning(parentPid))
            {
                LogParentGone(logger, parentPid);
                lifetime.StopApplication();
                return;
            }
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The host process {ParentPid} is gone; shutting down")]
    private static partial void LogParentGone(ILogger logger, int parentPid);
}
