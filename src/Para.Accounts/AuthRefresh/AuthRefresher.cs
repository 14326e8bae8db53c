using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Para.Accounts.Tokens;

namespace Para.Accounts.AuthRefresh;

/// <summary>What happened to a manual refresh: it ran (with its result) or the cooldown refused it.</summary>
internal sealed record ManualRefreshOutcome(TokenOperationResult? Result, DateTimeOffset? RetryAt)
{
    public static ManualRefreshOutcome Ran(TokenOperationResult result) => new(result, null);

    public static ManualRefreshOutcome CoolingDown(DateTimeOffset retryAt) => new(null, retryAt);
}

/// <summary>An authentication failure of one wrapped call.</summary>
internal sealed record AuthFailure(string OperationName, string? AccountId, string? SessionId, DateTimeOffset CallStartedAt);

/// <summary>
/// Decides whether a refresh is advisable (cooldown, consecutive-failure limit), runs the strategies
/// in order within the refresh timeout, and keeps the state, logs and metrics. One refresh at a time:
/// callers that failed together share it instead of spending rotating refresh tokens in parallel.
/// </summary>
internal sealed class AuthRefresher(
    IEnumerable<IAuthRefreshStrategy> strategies,
    AuthRefreshState state,
    AccountStatusCache statuses,
    AuthRefreshMetrics metrics,
    IOptionsMonitor<AuthRefreshOptions> options,
    TimeProvider timeProvider,
    ILogger<AuthRefresher> logger)
{
    public const string AllAccounts = "all";
    public const string NoSession = "none";

    private readonly IAuthRefreshStrategy[] _strategies = [.. strategies];
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>After an authentication failure: true when the call should run once more.</summary>
    public async ValueTask<bool> TryRecoverAsync(AuthFailure failure, CancellationToken cancellationToken)
    {
        var account = failure.AccountId ?? AllAccounts;
        AuthRefreshLog.AuthenticationErrorDetected(logger, failure.OperationName, failure.SessionId ?? NoSession, account);

        await _gate.WaitAsync(cancellationToken);
        try
        {
            var settings = options.CurrentValue;
            var current = state.Current;
            if (current.ConsecutiveFailures >= settings.MaxConsecutiveFailures)
            {
                AuthRefreshLog.TooManyConsecutiveFailures(logger, current.ConsecutiveFailures, settings.MaxConsecutiveFailures, account);
                return false;
            }

            if (CooldownEnds(settings) is { } retryAt && state.LastAttempt is { } last)
            {
                // A refresh that succeeded after this call started already replaced the credentials it used.
                if (last.Succeeded && last.At >= failure.CallStartedAt)
                {
                    AuthRefreshLog.RefreshedMeanwhile(logger, last.At, account);
                    return true;
                }

                AuthRefreshLog.CooldownActive(logger, last.At, Milliseconds(retryAt - timeProvider.GetUtcNow()), account);
                return false;
            }

            var result = await RefreshCoreAsync(failure.AccountId, "automatic", cancellationToken);
            return result.Success;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The admin's refresh: ignores the failure limit (it is the way out of it) but not the cooldown.</summary>
    public async Task<ManualRefreshOutcome> RefreshNowAsync(string? accountId, CancellationToken cancellationToken)
    {
        var account = accountId ?? AllAccounts;
        AuthRefreshLog.ManualRefreshRequested(logger, account);
        var settings = options.CurrentValue;

        // A refresh already running counts as the most recent attempt: refuse rather than queue.
        if (!await _gate.WaitAsync(TimeSpan.Zero, cancellationToken))
        {
            var retryAt = timeProvider.GetUtcNow() + settings.RefreshCooldown;
            AuthRefreshLog.RefreshAlreadyRunning(logger, Milliseconds(settings.RefreshCooldown), account);
            return ManualRefreshOutcome.CoolingDown(retryAt);
        }

        try
        {
            if (CooldownEnds(settings) is { } retryAt && state.LastAttempt is { } last)
            {
                AuthRefreshLog.CooldownActive(logger, last.At, Milliseconds(retryAt - timeProvider.GetUtcNow()), account);
                return ManualRefreshOutcome.CoolingDown(retryAt);
            }

            return ManualRefreshOutcome.Ran(await RefreshCoreAsync(accountId, "manual", cancellationToken));
        }
        finally
        {
            _gate.Release();
        }
    }

    private DateTimeOffset? CooldownEnds(AuthRefreshOptions settings)
    {
        if (state.LastAttempt is not { } last)
        {
            return null;
        }

        var ends = last.At + settings.RefreshCooldown;
        return timeProvider.GetUtcNow() < ends ? ends : null;
    }

    private async Task<TokenOperationResult> RefreshCoreAsync(string? accountId, string trigger, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        var account = accountId ?? AllAccounts;
        var started = timeProvider.GetTimestamp();
        // The deadline exists before any strategy starts, so it holds even for one that never yields.
        using var deadline = new CancellationTokenSource(settings.RefreshTimeout, timeProvider);
        using var refreshCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);

        RefreshRun run;
        string? failureReason = null;
        try
        {
            var refresh = accountId is null ? RefreshAllAsync(refreshCancellation.Token) : RefreshAccountAsync(accountId, refreshCancellation.Token);
            run = await refresh.WaitAsync(refreshCancellation.Token);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            run = new RefreshRun(TokenOperationResult.Failed($"The refresh did not finish within {settings.RefreshTimeout}.", shouldRetry: true), null);
            failureReason = "timeout";
        }

        var elapsed = timeProvider.GetElapsedTime(started);
        var now = timeProvider.GetUtcNow();
        if (run.Result.Success)
        {
            var status = state.RecordSuccess(now);
            AuthRefreshLog.RefreshSucceeded(logger, status.RefreshCount, Milliseconds(elapsed), account, run.Strategy ?? "none");
        }
        else
        {
            var status = state.RecordFailure(now);
            AuthRefreshLog.RefreshFailed(logger, status.ConsecutiveFailures, Milliseconds(elapsed), account, run.Result.Message);
        }

        statuses.MarkStale();
        metrics.RecordRefresh(trigger, run.Result.Success, run.Result.Success ? null : failureReason ?? "failed", elapsed);
        return run.Result;
    }

    private async Task<RefreshRun> RefreshAccountAsync(string accountId, CancellationToken cancellationToken)
    {
        var failures = new List<string>(_strategies.Length);
        var shouldRetry = false;
        foreach (var strategy in _strategies)
        {
            TokenOperationResult result;
            try
            {
                result = await strategy.RefreshAsync(accountId, cancellationToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // Exception text may quote a response body; keep only its kind.
                result = TokenOperationResult.Failed($"failed with {exception.GetType().Name}", shouldRetry: true);
            }

            if (result.Success)
            {
                return new RefreshRun(result, strategy.Name);
            }

            AuthRefreshLog.StrategyDidNotSucceed(logger, strategy.Name, accountId, result.Message);
            failures.Add($"{strategy.Name}: {result.Message}");
            shouldRetry |= result.ShouldRetry;
        }

        var message = failures.Count == 0 ? "No refresh strategy is registered." : "No refresh strategy succeeded (" + string.Join("; ", failures) + ").";
        return new RefreshRun(TokenOperationResult.Failed(message, shouldRetry), null);
    }

    private async Task<RefreshRun> RefreshAllAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<AccountTokenStatus> accounts;
        try
        {
            accounts = await statuses.ReadAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            return new RefreshRun(TokenOperationResult.Failed($"Reading the accounts failed with {exception.GetType().Name}.", shouldRetry: true), null);
        }

        if (accounts.Count == 0)
        {
            return new RefreshRun(TokenOperationResult.Failed("There is no account to refresh.", shouldRetry: false), null);
        }

        var failures = new List<string>();
        var usedStrategies = new SortedSet<string>(StringComparer.Ordinal);
        var shouldRetry = false;
        foreach (var account in accounts)
        {
            var run = await RefreshAccountAsync(account.AccountId, cancellationToken);
            if (run.Result.Success)
            {
                usedStrategies.Add(run.Strategy!);
            }
            else
            {
                failures.Add($"{account.Name}: {run.Result.Message}");
                shouldRetry |= run.Result.ShouldRetry;
            }
        }

        var refreshed = accounts.Count - failures.Count;
        return failures.Count == 0
            ? new RefreshRun(TokenOperationResult.Succeeded($"Refreshed all {accounts.Count} accounts."), string.Join(",", usedStrategies))
            : new RefreshRun(TokenOperationResult.Failed($"Refreshed {refreshed} of {accounts.Count} accounts; {string.Join(" ", failures)}", shouldRetry), null);
    }

    private static long Milliseconds(TimeSpan duration) => (long)Math.Ceiling(Math.Max(0, duration.TotalMilliseconds));

    private sealed record RefreshRun(TokenOperationResult Result, string? Strategy);
}
