using Microsoft.Extensions.Options;
using Para.Client;
using Para.Contracts.Events;
using Para.ServiceDefaults.Events;

namespace Para.ContainerAuth.Propagation;

/// <summary>
/// Runs the feeder: at once for an account whose tokens changed (the account API's change feed),
/// at once when the engine says a para container started (<see cref="EngineEventFollower"/> asks
/// through <see cref="FeedPassSignal"/>), and on a slow periodic pass as the safety net for
/// anything either stream missed.
/// </summary>
public sealed partial class FeedingService(
    ContainerFeeder feeder,
    Images.AutoImageReauth autoImageReauth,
    FeedPassSignal passRequests,
    Images.StaleImages staleImages,
    IAccountsApi accounts,
    IConfiguration configuration,
    IOptions<ContainerAuthOptions> options,
    TimeProvider timeProvider,
    ILogger<FeedingService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Off the host's start: settings that fail validation are the host's to report, once.
        await Task.Yield();
        await Task.WhenAll(ScanAsync(stoppingToken), FollowAccountChangesAsync(stoppingToken));
    }

    private async Task ScanAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await feeder.FeedStaleAsync(stoppingToken);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    // The engine or the account API being away is reported by /health; try again next pass.
                    LogPassFailed(logger, exception.GetType().Name);
                }

                await passRequests.WaitAsync(ScanInterval(), timeProvider, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task FollowAccountChangesAsync(CancellationToken stoppingToken)
    {
        if (configuration[$"services:{Para.Contracts.ServiceNames.Accounts}:http:0"] is null)
        {
            return;
        }

        await ReconnectingFeed.FollowAsync(
            async (feed, cancellationToken) =>
            {
                await foreach (var change in AccountEventStream.ReadAsync(accounts.Client, cancellationToken))
                {
                    feed.Delivered();
                    if (change.Type is AccountEventTypes.Refreshed or AccountEventTypes.Reauthenticated or AccountEventTypes.Reloaded)
                    {
                        feeder.Forget(change.AccountName);
                        var report = await feeder.FeedAsync(change.AccountName, cancellationToken);
                        LogFedAfterChange(logger, change.AccountName, change.Type, report.Fed, report.Containers, report.Took.TotalMilliseconds);
                        autoImageReauth.TokensChanged(change.AccountName);
                        await staleImages.PublishAsync(change.AccountName, cancellationToken);
                    }
                }
            },
            // The periodic pass covers whatever a failed feeding missed: reconnect, whatever broke.
            isLoss: _ => true,
            onLost: (failure, wait) =>
            {
                if (failure is not null)
                {
                    LogFeedLost(logger, failure.GetType().Name, wait.TotalSeconds);
                }
            },
            timeProvider,
            stoppingToken);
    }

    private TimeSpan ScanInterval()
    {
        try
        {
            return options.Value.FeedScanInterval;
        }
        catch (OptionsValidationException)
        {
            return TimeSpan.FromMinutes(1);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Account {Account} {Change}: fed {Fed} of {Containers} running containers in {Milliseconds:0} ms")]
    private static partial void LogFedAfterChange(ILogger logger, string account, string change, int fed, int containers, double milliseconds);

    [LoggerMessage(Level = LogLevel.Debug, Message = "The account change feed is not available ({ExceptionType}); again in {Seconds} s")]
    private static partial void LogFeedLost(ILogger logger, string exceptionType, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A container feeding pass failed ({ExceptionType})")]
    private static partial void LogPassFailed(ILogger logger, string exceptionType);
}
