using Para.Accounts.Tokens;
using Para.ServiceDefaults;

namespace Para.Accounts.AuthRefresh;

/// <summary><c>GET /health/auth</c>: the seed's document plus one line per account.</summary>
internal sealed record AuthHealthDocument(
    string Status,
    DateTimeOffset Timestamp,
    AuthenticationStatus Authentication,
    IReadOnlyList<AccountAuthHealth> Accounts);

internal sealed record AccountAuthHealth(string Id, string Name, DateTimeOffset? ExpiresAt, bool RequiresReauth, string? LastError)
{
    public static AccountAuthHealth From(AccountTokenStatus status) =>
        new(status.AccountId, status.Name, status.ExpiresAt, status.RequiresReauth, status.LastError);
}

/// <summary><c>POST /health/auth/refresh</c>: the seed's document.</summary>
internal sealed record AuthRefreshDocument(
    string Status,
    DateTimeOffset Timestamp,
    AuthRefreshResult Result,
    AuthenticationStatus Authentication);

internal sealed record AuthRefreshResult(bool Success, string Message, bool ShouldRetry);

/// <summary>Puts <c>authentication</c> into the <c>/health</c> document.</summary>
internal sealed class AuthenticationHealthSection(AuthRefreshState state) : IHealthDocumentSection
{
    public string Name => "authentication";

    public object GetValue() => state.Current;
}

/// <summary>What the <c>/health/auth</c> handlers need, as one parameter object.</summary>
internal sealed record AuthRefreshServices(AuthRefreshManager Manager, AccountStatusCache Statuses, TimeProvider TimeProvider);
