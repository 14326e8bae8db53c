using Microsoft.Extensions.Diagnostics.HealthChecks;
using Para.Accounts.Tokens;

namespace Para.Accounts.AuthRefresh;

/// <summary>
/// Degraded while some account is not authenticated (needs signing in again, or its last refresh
/// failed): the service still answers, but calls for that account fail until it recovers.
/// </summary>
internal sealed class AuthenticationHealthCheck(TokenManager tokens) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var accounts = tokens.GetStatuses();
        var notAuthenticated = accounts.Where(account => !account.IsAuthenticated).Select(account => account.Name).ToList();
        return Task.FromResult(notAuthenticated.Count == 0
            ? HealthCheckResult.Healthy(accounts.Count == 0 ? "No accounts yet." : $"All {accounts.Count} accounts are authenticated.")
            : HealthCheckResult.Degraded($"{notAuthenticated.Count} of {accounts.Count} accounts are not authenticated: {string.Join(", ", notAuthenticated.Take(5))}{(notAuthenticated.Count > 5 ? ", ..." : "")}."));
    }
}
