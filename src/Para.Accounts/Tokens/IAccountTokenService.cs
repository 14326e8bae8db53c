using Para.Contracts.Credentials;

namespace Para.Accounts.Tokens;

/// <summary>
/// The seam between the token manager (the one place that refreshes and writes an account's
/// tokens) and the auth refresh system (which decides when to ask it, and reports on it).
/// </summary>
public interface IAccountTokenService
{
    /// <summary>Refresh-token grant now (single flight per account); the store keeps the newest tokens.</summary>
    Task<TokenOperationResult> RefreshAsync(string accountIdOrName, CancellationToken cancellationToken);

    /// <summary>Drops every cached copy of the account's tokens and reads them again from the store.</summary>
    Task<TokenOperationResult> ReloadAsync(string accountIdOrName, CancellationToken cancellationToken);

    /// <summary>Takes tokens found elsewhere (a credentials file) when they are newer than the stored ones.</summary>
    Task<TokenOperationResult> ImportAsync(string accountIdOrName, ClaudeAiOauth tokens, CancellationToken cancellationToken);

    /// <summary>Every account's token state, for health documents and gauges; never a token.</summary>
    Task<IReadOnlyList<AccountTokenStatus>> GetStatusesAsync(CancellationToken cancellationToken);
}

/// <summary>The outcome of one token operation; <see cref="Message"/> is safe to show and log.</summary>
public sealed record TokenOperationResult(bool Success, string Message, bool ShouldRetry, DateTimeOffset? ExpiresAt = null)
{
    public static TokenOperationResult Succeeded(string message, DateTimeOffset? expiresAt = null) => new(true, message, true, expiresAt);

    public static TokenOperationResult Failed(string message, bool shouldRetry) => new(false, message, shouldRetry);
}

public sealed record AccountTokenStatus(
    string AccountId,
    string Name,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset? RefreshDueAt,
    DateTimeOffset? RefreshTokenIssuedAt,
    DateTimeOffset? LastRefresh,
    bool RequiresReauth,
    bool Paused,
    bool AutoRefresh,
    string? LastError);
