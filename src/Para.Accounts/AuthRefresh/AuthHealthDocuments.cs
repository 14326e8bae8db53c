using Para.Accounts.Tokens;
using Para.Contracts.Accounts;
using Para.Contracts.Health;
using Para.ServiceDefaults;

namespace Para.Accounts.AuthRefresh;

/// <summary>
/// The seed's authentication status over many accounts. One revoked account does not make the
/// whole service unauthenticated while others refresh fine: the top-level status is
/// authenticated while any account is, and "degraded" tells that some are not.
/// </summary>
internal static class AuthHealthDocuments
{
    public static AuthHealthDocument Build(IReadOnlyList<AccountTokenStatus> accounts, DateTimeOffset now)
    {
        var lines = new AccountAuthHealth[accounts.Count];
        for (var i = 0; i < accounts.Count; i++)
        {
            lines[i] = ToAuthHealth(accounts[i], now);
        }

        var overall = Aggregate(accounts);
        var authenticated = accounts.Count(account => account.IsAuthenticated);
        var status = authenticated == 0 ? AuthHealthStatuses.Unauthenticated
            : authenticated < accounts.Count ? AuthHealthStatuses.Degraded
            : AuthHealthStatuses.Authenticated;
        return new AuthHealthDocument(status, now, overall, lines);
    }

    public static AuthenticationStatus Aggregate(IReadOnlyList<AccountTokenStatus> accounts)
    {
        var isAuthenticated = false;
        DateTimeOffset? lastRefresh = null;
        long refreshCount = 0;
        var consecutiveFailures = 0;
        foreach (var account in accounts)
        {
            isAuthenticated |= account.IsAuthenticated;
            refreshCount += account.Refresh.RefreshCount;
            consecutiveFailures = Math.Max(consecutiveFailures, account.Refresh.ConsecutiveFailures);
            if (account.Refresh.LastAttempt is { } attempt && (lastRefresh is null || attempt > lastRefresh))
            {
                lastRefresh = attempt;
            }
        }

        return new AuthenticationStatus(isAuthenticated, lastRefresh, refreshCount, consecutiveFailures);
    }

    public static AccountAuthHealth ToAuthHealth(AccountTokenStatus account, DateTimeOffset now) => new(
        account.AccountId,
        account.Name,
        TokenStatuses.Classify(account.RequiresReauth, account.ExpiresAt, account.RefreshDueAt, now),
        account.IsAuthenticated,
        account.ExpiresAt,
        account.RefreshDueAt,
        account.Refresh.LastAttempt,
        account.Refresh.RefreshCount,
        account.Refresh.ConsecutiveFailures,
        account.Refresh.NextAttemptAt is { } next && next > now ? next : null,
        account.RequiresReauth,
        account.LastError,
        account.Refresh.AdoptionCount,
        account.RefreshTokenHandedOutAt,
        account.ProviderAccepts,
        account.ProviderCheckedAt);
}

/// <summary>Puts <c>authentication</c> (the sum over accounts) into the <c>/health</c> document.</summary>
internal sealed class AuthenticationHealthSection(TokenManager tokens) : IHealthDocumentSection
{
    public string Name => "authentication";

    public object GetValue() => AuthHealthDocuments.Aggregate(tokens.GetStatuses());
}
