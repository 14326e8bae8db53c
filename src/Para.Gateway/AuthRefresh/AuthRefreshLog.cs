using Microsoft.Extensions.Logging;

namespace Para.Gateway.AuthRefresh;

/// <summary>
/// The seed's log lines for a refused call, word for word, each with the account and session. The
/// refresh's own lines (successful, failed, cooldown) are the account API's, where it runs.
/// </summary>
internal static partial class AuthRefreshLog
{
    public const string None = "none";

    [LoggerMessage(EventId = 4001, Level = LogLevel.Information,
        Message = "Authentication error detected in {OperationName} for session {SessionId}, attempting refresh (account: {AccountId})")]
    public static partial void AuthenticationErrorDetected(ILogger logger, string operationName, string sessionId, string accountId);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Information,
        Message = "Authentication refreshed, retrying {OperationName} for session {SessionId} (account: {AccountId})")]
    public static partial void RetryingAfterRefresh(ILogger logger, string operationName, string sessionId, string accountId);

    [LoggerMessage(EventId = 4010, Level = LogLevel.Warning,
        Message = "The account API could not be asked to refresh account {AccountId} ({ExceptionType}); the refused call stands")]
    public static partial void RecoveryUnavailable(ILogger logger, string accountId, string exceptionType);
}
