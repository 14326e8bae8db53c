using Microsoft.Extensions.Options;
using Para.Accounts.Storage;

namespace Para.Accounts.Tokens;

/// <summary>
/// Refreshes every account whose token is due, so a healthy account is never seen expired. Sleeps
/// until the next token falls due (at most the check interval), on the injected clock; an account
/// opts out with <c>autoRefresh: false</c> (its consumers still get a valid token on demand).
/// </summary>
internal sealed partial class TokenRefreshService(
    AccountStore store,
    TokenManager tokens,
    RefreshSchedule schedule,
    TimeProvider timeProvider,
    IOptions<TokenManagerOptions> options,
    ILogger<TokenRefreshService> logger) : BackgroundService
{
    private static readonly TimeSpan ShortestSleep = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await RefreshDueAccountsAsync(stoppingToken);
                await Task.Delay(NextWake(), timeProvider, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        // A refresh the provider has answered must reach the store before the store closes.
        try
        {
            await tokens.WhenIdleAsync().WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            LogStoppedWithRefreshesRunning(logger);
        }
    }

    /// <summary>One pass: every due account, a few at a time (each is its own single flight anyway).</summary>
    internal async Task<int> RefreshDueAccountsAsync(CancellationToken cancellationToken)
    {
        var due = store.List().Where(account => account is { AutoRefresh: true, RequiresReauth: false, Tokens: { } current } && schedule.IsDue(current)).ToList();
        var refreshed = 0;
        await Parallel.ForEachAsync(
            due,
            new ParallelOptions { MaxDegreeOfParallelism = options.Value.RefreshParallelism, CancellationToken = cancellationToken },
            async (account, token) =>
            {
                try
                {
                    var outcome = await tokens.RefreshAsync(account.Id, RefreshTrigger.Background, token);
                    if (outcome.Succeeded)
                    {
                        Interlocked.Increment(ref refreshed);
                    }
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    // One account's failure must not stop the others, nor the refresher.
                    LogPassFailed(logger, account.Name, exception.GetType().Name);
                }
            });
        return refreshed;
    }

    /// <summary>The check interval, or sooner when a token falls due or a back-off ends before it.</summary>
    internal TimeSpan NextWake()
    {
        var now = timeProvider.GetUtcNow();
        var wake = now + options.Value.CheckInterval;
        foreach (var account in store.List())
        {
            if (account is not { AutoRefresh: true, RequiresReauth: false, Tokens: { } current })
            {
                continue;
            }

            var due = schedule.DueAt(current);
            if (due <= now && tokens.RefreshStatusOf(account.Id).NextAttemptAt is { } retry)
            {
                due = retry;
            }

            if (due > now && due < wake)
            {
                wake = due;
            }
        }

        var sleep = wake - now;
        return sleep < ShortestSleep ? ShortestSleep : sleep;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Background refresh of account {AccountName} failed unexpectedly ({ExceptionType})")]
    private static partial void LogPassFailed(ILogger logger, string accountName, string exceptionType);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stopped while token refreshes were still running; their results may not be saved")]
    private static partial void LogStoppedWithRefreshesRunning(ILogger logger);
}
