using Microsoft.Extensions.Options;
using Para.Accounts.Events;
using Para.Accounts.Storage;
using Para.Contracts.Events;

namespace Para.Accounts.Tokens;

/// <summary>
/// Refreshes every account whose token is due, so a healthy account is never seen expired. Sleeps
/// until the next token falls due or its cooldown ends (at most the check interval), on the
/// injected clock, and wakes at once when an account gets new tokens or settings from elsewhere
/// (created, re-authenticated, reloaded, updated): a token that lives tens of seconds cannot wait
/// out a sleep planned before it existed. An account opts out with <c>autoRefresh: false</c> (its
/// consumers still get a valid token on demand).
/// </summary>
internal sealed partial class TokenRefreshService(
    AccountStore store,
    TokenManager tokens,
    RefreshSchedule schedule,
    AccountEventHub events,
    TimeProvider timeProvider,
    IOptions<TokenManagerOptions> options,
    ILogger<TokenRefreshService> logger) : BackgroundService
{
    private static readonly TimeSpan ShortestSleep = TimeSpan.FromSeconds(1);
    private TaskCompletionSource _wake = NewWakeSignal();
    private long _sleeps;

    /// <summary>How many sleeps the refresher has begun; a test waits for the next one before it moves the clock.</summary>
    internal long Sleeps => Interlocked.Read(ref _sleeps);

    /// <summary>Ends the current sleep (or the next one, when a pass is running) so the refresher looks again.</summary>
    internal void Wake() => Volatile.Read(ref _wake).TrySetResult();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        events.Published += OnAccountEvent;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                // A new signal before the pass: an event during the pass cuts the sleep after it short.
                var wake = NewWakeSignal();
                Volatile.Write(ref _wake, wake);
                await RefreshDueAccountsAsync(stoppingToken);
                using var sleep = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                var delay = Task.Delay(NextWake(), timeProvider, sleep.Token);
                Interlocked.Increment(ref _sleeps);
                await Task.WhenAny(delay, wake.Task);
                await sleep.CancelAsync();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            events.Published -= OnAccountEvent;
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

    /// <summary>The check interval, or sooner when a token falls due or a back-off or cooldown ends before it.</summary>
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
            if (due <= now)
            {
                // Due but refused at the last pass: look again when the back-off or the cooldown ends, whichever is later.
                var retry = tokens.RefreshStatusOf(account.Id).NextAttemptAt;
                var cooled = tokens.CooldownEndsAt(account.Id, current);
                due = Later(retry, cooled) ?? due;
            }

            if (due > now && due < wake)
            {
                wake = due;
            }
        }

        var sleep = wake - now;
        return sleep < ShortestSleep ? ShortestSleep : sleep;
    }

    private static DateTimeOffset? Later(DateTimeOffset? first, DateTimeOffset? second) =>
        first is { } a && second is { } b ? (a > b ? a : b) : first ?? second;

    private static TaskCompletionSource NewWakeSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private void OnAccountEvent(AccountEvent accountEvent)
    {
        if (accountEvent.Type is AccountEventTypes.Created or AccountEventTypes.Reauthenticated or AccountEventTypes.Reloaded or AccountEventTypes.Updated)
        {
            Wake();
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Background refresh of account {AccountName} failed unexpectedly ({ExceptionType})")]
    private static partial void LogPassFailed(ILogger logger, string accountName, string exceptionType);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stopped while token refreshes were still running; their results may not be saved")]
    private static partial void LogStoppedWithRefreshesRunning(ILogger logger);
}
