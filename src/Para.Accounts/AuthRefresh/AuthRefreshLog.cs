using Microsoft.Extensions.Logging;

namespace Para.Accounts.AuthRefresh;

/// <summary>
/// The seed's log lines, word for word where it gives them, each with the account and session.
/// Nothing here takes a token: messages come from <see cref="Tokens.TokenOperationResult"/>, which is log-safe.
/// </summary>
internal static partial class AuthRefreshLog
{

    [LoggerMessage(EventId = 4002, Level = LogLevel.Information,
        Message = "Claude Code authentication refresh successful (refreshCount: {RefreshCount}, timeTaken: {TimeTakenMs}ms, account: {AccountId}, strategy: {Strategy})")]
    public static partial void RefreshSucceeded(ILogger logger, long refreshCount, long timeTakenMs, string accountId, string strategy);


    [LoggerMessage(EventId = 4004, Level = LogLevel.Warning,
        Message = "Too many consecutive auth failures, not retrying (consecutiveFailures: {ConsecutiveFailures}, maxAllowed: {MaxAllowed}, account: {AccountId})")]
    public static partial void TooManyConsecutiveFailures(ILogger logger, int consecutiveFailures, int maxAllowed, string accountId);

    [LoggerMessage(EventId = 4005, Level = LogLevel.Error,
        Message = "Claude Code authentication refresh failed (consecutiveFailures: {ConsecutiveFailures}, timeTaken: {TimeTakenMs}ms, account: {AccountId}): {Reason}")]
    public static partial void RefreshFailed(ILogger logger, int consecutiveFailures, long timeTakenMs, string accountId, string reason);

    [LoggerMessage(EventId = 4006, Level = LogLevel.Debug,
        Message = "Refresh cooldown active, not refreshing (lastRefresh: {LastRefresh:O}, retryAfter: {RetryAfterMs}ms, account: {AccountId})")]
    public static partial void CooldownActive(ILogger logger, DateTimeOffset lastRefresh, long retryAfterMs, string accountId);

    [LoggerMessage(EventId = 4007, Level = LogLevel.Debug,
        Message = "Refresh cooldown active but credentials were refreshed after the call started, retrying without a new refresh (lastRefresh: {LastRefresh:O}, account: {AccountId})")]
    public static partial void RefreshedMeanwhile(ILogger logger, DateTimeOffset lastRefresh, string accountId);


    [LoggerMessage(EventId = 4009, Level = LogLevel.Information,
        Message = "Manual authentication refresh requested (account: {AccountId})")]
    public static partial void ManualRefreshRequested(ILogger logger, string accountId);


}
