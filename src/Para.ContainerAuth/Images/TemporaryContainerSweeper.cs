using System.Threading.Channels;
using Para.ContainerAuth.Docker;

namespace Para.ContainerAuth.Images;

/// <summary>
/// Removes the temporary containers a job left behind when the engine (or the service) died under
/// it: once at start-up and again each time the engine comes back. While the engine is away it is
/// probed now and then, so a return is noticed even when nobody calls.
/// </summary>
internal sealed partial class TemporaryContainerSweeper(
    DockerEngine engine,
    CleanupWorkflow cleanup,
    TimeProvider timeProvider,
    ILogger<TemporaryContainerSweeper> logger) : BackgroundService
{
    public static readonly TimeSpan ProbeInterval = TimeSpan.FromSeconds(30);

    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Off the host's start: settings that fail validation are the host's to report, once,
        // before this first sweep could read them.
        await Task.Yield();
        engine.Recovered += OnRecovered;
        try
        {
            await SweepAsync(stoppingToken);
            await foreach (var _ in _wake.Reader.ReadAllAsync(stoppingToken))
            {
                await SweepAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            engine.Recovered -= OnRecovered;
        }
    }

    private void OnRecovered(object? sender, EventArgs e) => _wake.Writer.TryWrite(true);

    private async Task SweepAsync(CancellationToken stoppingToken)
    {
        try
        {
            var swept = await cleanup.CleanupAsync(dryRun: false, temporaryOnly: true, stoppingToken);
            if (swept.Containers.Count + swept.Images.Count > 0)
            {
                LogSwept(logger, swept.Containers.Count, swept.Images.Count, string.Join(", ", swept.Containers.Concat(swept.Images)));
            }
        }
        catch (DockerUnavailableException exception)
        {
            LogEngineAway(logger, exception.Message);
            _ = ProbeUntilBackAsync(stoppingToken);
        }
        catch (DockerOperationException exception)
        {
            LogSweepRefused(logger, exception.Message);
        }
    }

    /// <summary>The first answer raises <see cref="DockerEngine.Recovered"/>, which wakes the sweep.</summary>
    private async Task ProbeUntilBackAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await Task.Delay(ProbeInterval, timeProvider, stoppingToken);
                try
                {
                    await engine.EnsureAvailableAsync(stoppingToken);
                    return;
                }
                catch (DockerUnavailableException)
                {
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Removed {Containers} temporary container(s) and {Images} temporary image(s) left by interrupted jobs: {Names}")]
    private static partial void LogSwept(ILogger logger, int containers, int images, string names);

    [LoggerMessage(Level = LogLevel.Information, Message = "Temporary containers are swept when the engine answers again: {Problem}")]
    private static partial void LogEngineAway(ILogger logger, string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sweeping temporary containers failed: {Problem}")]
    private static partial void LogSweepRefused(ILogger logger, string problem);
}
