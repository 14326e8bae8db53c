using Para.Accounts.Tokens;
using Para.Contracts.Health;
using Para.ServiceDefaults;

namespace Para.Accounts.AuthRefresh;

internal static class AccountAuthHealthMapping
{
    public static AccountAuthHealth ToAuthHealth(this AccountTokenStatus status) =>
        new(status.AccountId, status.Name, Para.Contracts.Accounts.TokenStatuses.Classify(status.RequiresReauth, status.ExpiresAt, status.RefreshDueAt, DateTimeOffset.UtcNow),
            !status.RequiresReauth, status.ExpiresAt, status.RefreshDueAt, status.LastRefresh, 0, 0, null, status.RequiresReauth, status.LastError);
}

/// <summary>Puts <c>authentication</c> into the <c>/health</c> document.</summary>
internal sealed class AuthenticationHealthSection(AuthRefreshState state) : IHealthDocumentSection
{
    public string Name => "authentication";

    public object GetValue() => state.Current;
}

/// <summary>What the <c>/health/auth</c> handlers need, as one parameter object.</summary>
internal sealed record AuthRefreshServices(AuthRefreshManager Manager, AccountStatusCache Statuses, TimeProvider TimeProvider);
