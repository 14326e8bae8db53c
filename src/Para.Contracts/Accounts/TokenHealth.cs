namespace Para.Contracts.Accounts;

/// <summary><c>GET /api/token-health</c>: every account's token state, never a token.</summary>
public sealed record TokenHealthReport(DateTimeOffset Timestamp, IReadOnlyList<AccountTokenHealth> Accounts);

/// <summary>
/// <see cref="Status"/> is <c>ok</c>, <c>expiring</c> (inside the refresh window), <c>expired</c>
/// or <c>requires-reauth</c>. <see cref="Warning"/> is set when the refresh token nears its assumed lifetime.
/// </summary>
public sealed record AccountTokenHealth(
    string AccountId,
    string Name,
    string Status,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset? RefreshTokenIssuedAt,
    double? RefreshTokenAgeDays,
    DateTimeOffset? LastRefresh,
    bool AutoRefresh,
    string? LastError,
    string? Warning);

public static class TokenHealthStatuses
{
    public const string Ok = "ok";
    public const string Expiring = "expiring";
    public const string Expired = "expired";
    public const string RequiresReauth = "requires-reauth";
}
