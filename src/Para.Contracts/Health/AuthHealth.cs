namespace Para.Contracts.Health;

/// <summary>The seed's authentication status, as <c>/health</c> and <c>/health/auth</c> show it.</summary>
public sealed record AuthenticationStatus(
    bool IsAuthenticated,
    DateTimeOffset? LastRefresh,
    long RefreshCount,
    int ConsecutiveFailures);

/// <summary><c>GET /health/auth</c>: the seed's document plus one line per account.</summary>
public sealed record AuthHealthDocument(
    string Status,
    DateTimeOffset Timestamp,
    AuthenticationStatus Authentication,
    IReadOnlyList<AccountAuthHealth> Accounts);

public sealed record AccountAuthHealth(string Id, string Name, DateTimeOffset? ExpiresAt, bool RequiresReauth, string? LastError);

/// <summary><c>POST /health/auth/refresh</c>: the seed's document.</summary>
public sealed record AuthRefreshDocument(
    string Status,
    DateTimeOffset Timestamp,
    AuthRefreshResult Result,
    AuthenticationStatus Authentication);

public sealed record AuthRefreshResult(bool Success, string Message, bool ShouldRetry);
