using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Para.Accounts.AuthRefresh;

/// <summary>
/// Degraded while the last refresh failed: the service still answers, but calls that need an
/// account will fail until a refresh (or a re-authentication) works.
/// </summary>
internal sealed class AuthenticationHealthCheck(AuthRefreshState state) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var status = state.Current;
        return Task.FromResult(status.IsAuthenticated
            ? HealthCheckResult.Healthy("Authenticated.")
            : HealthCheckResult.Degraded($"The last {status.ConsecutiveFailures} authentication refresh(es) failed."));
    }
}
