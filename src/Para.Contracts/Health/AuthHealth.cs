namespace Para.Contracts.Health;

/// <summary>
/// The seed's authentication status, as <c>/health</c> and <c>/health/auth</c> show it. At the top
/// of a document it is the sum over accounts: authenticated while any account is, the refresh count
/// summed, the longest run of consecutive failures, the most recent refresh.
/// </summary>
public sealed record AuthenticationStatus(
    bool IsAuthenticated,
    DateTimeOffset? LastRefresh,
    long RefreshCount,
    int ConsecutiveFailures);

/// <summary>
/// <c>GET /health/auth</c>: the seed's document plus one compact line per account.
/// <see cref="Status"/> is <see cref="AuthHealthStatuses"/>' value.
/// </summary>
public sealed record AuthHealthDocument(
    string Status,
    DateTimeOffset Timestamp,
    AuthenticationStatus Authentication,
    IReadOnlyList<AccountAuthHealth> Accounts);

/// <summary>
/// One account's refresh state. <see cref="NextAttemptAt"/> is set while a cooldown or a failure
/// back-off holds the next refresh; <see cref="Status"/> is a token status (ok, expiring, ...).
/// <see cref="RefreshTokenHandedOutAt"/> is set while the account's refresh token is held outside
/// Para (exported with it): its refreshes then ask the holders first, and
/// <see cref="Adoptions"/> counts the newer tokens taken from them instead of refreshing.
/// <see cref="ProviderAccepts"/> is the provider's verdict on the current token as the gateway last
/// saw it (null until the gateway used or checked that token), at <see cref="ProviderCheckedAt"/>;
/// a refused token makes <see cref="IsAuthenticated"/> false before its expiry.
/// </summary>
public sealed record AccountAuthHealth(
    string Id,
    string Name,
    string Status,
    bool IsAuthenticated,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset? RefreshDueAt,
    DateTimeOffset? LastRefresh,
    long RefreshCount,
    int ConsecutiveFailures,
    DateTimeOffset? NextAttemptAt,
    bool RequiresReauth,
    string? LastError,
    long Adoptions = 0,
    DateTimeOffset? RefreshTokenHandedOutAt = null,
    bool? ProviderAccepts = null,
    DateTimeOffset? ProviderCheckedAt = null);

public static class AuthHealthStatuses
{
    /// <summary>Every account is authenticated.</summary>
    public const string Authenticated = "authenticated";

    /// <summary>Some accounts are, some are not (one needs re-authentication, or keeps failing).</summary>
    public const string Degraded = "degraded";

    /// <summary>No account is authenticated, or there is none.</summary>
    public const string Unauthenticated = "unauthenticated";
}

/// <summary><c>POST /health/auth/refresh</c>: the seed's document.</summary>
public sealed record AuthRefreshDocument(
    string Status,
    DateTimeOffset Timestamp,
    AuthRefreshResult Result,
    AuthenticationStatus Authentication);

public sealed record AuthRefreshResult(bool Success, string Message, bool ShouldRetry);
