using Microsoft.Extensions.Diagnostics.HealthChecks;
using Para.Accounts.Tokens;

namespace Para.Accounts.AuthRefresh;

/// <summary>
/// Degraded while some account is not authenticated (needs signing in again, its last refresh
/// failed, or the provider refuses its current token): the service still answers, but calls for
/// that account fail until it recovers.
/// </summary>
internal sealed class AuthenticationHealthCheck(TokenManager tokens) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var accounts = tokens.GetStatuses();
        var notAuthenticated = accounts.Where(account => !account.IsAuthenticated).Select(Describe).ToList();
        return Task.FromResult(notAuthenticated.Count == 0
            ? HealthCheckResult.Healthy(accounts.Count == 0 ? "No accounts yet." : $"All {accounts.Count} accounts are authenticated.")
            : HealthCheckResult.Degraded($"{notAuthenticated.Count} of {accounts.Count} accounts are not authenticated: {string.Join(", ", notAuthenticated.Take(5))}{(notAuthenticated.Count > 5 ? ", ..." : "")}."));
    }

    // A refused token looks fine by its expiry; say why, or a reader would look for a failed refresh.
    private static string Describe(AccountTokenStatus account) =>
        account.ProviderAccepts == false ? $"{account.Name} (the provider refuses its token)" : account.Name;
}
