namespace Para.Contracts.Accounts;

/// <summary><c>GET /api/token-health</c>: every account's token state, never a token.</summary>
public sealed record TokenHealthReport(DateTimeOffset Timestamp, IReadOnlyList<AccountTokenHealth> Accounts);

/// <summary>
/// <see cref="Status"/> is a <see cref="TokenStatuses"/> value; <see cref="RefreshDueAt"/> is when it turns <c>expiring</c>. <see cref="Warning"/> is set when the refresh token nears its assumed lifetime.
/// </summary>
public sealed record AccountTokenHealth(
    string AccountId,
    string Name,
    string Status,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset? RefreshDueAt,
    DateTimeOffset? RefreshTokenIssuedAt,
    double? RefreshTokenAgeDays,
    DateTimeOffset? LastRefresh,
    bool AutoRefresh,
    string? LastError,
    string? Warning);
