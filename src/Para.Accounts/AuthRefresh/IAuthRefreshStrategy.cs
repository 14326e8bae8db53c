using Para.Accounts.Tokens;

namespace Para.Accounts.AuthRefresh;

/// <summary>
/// One way to get working credentials for an account. The manager runs the registered strategies
/// in registration order and stops at the first that succeeds.
/// </summary>
public interface IAuthRefreshStrategy
{
    /// <summary>Short, stable name used in logs and telemetry.</summary>
    string Name { get; }

    /// <summary>Tries once; a failure is a result, not an exception. The message never holds a token.</summary>
    Task<TokenOperationResult> RefreshAsync(string accountIdOrName, CancellationToken cancellationToken);
}
