using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Para.Contracts;

namespace Para.Client;

/// <summary>
/// The account API is where credentials come from. Its address arrives the Aspire way
/// (<c>services__accounts__http__0</c>) and is resolved by service discovery. Container-auth and the
/// gateway report in their <c>/health</c> whether it answers.
/// </summary>
public static class AccountsConnection
{
    public const string HttpClientName = "accounts";

    public static IHostApplicationBuilder AddAccountsConnection(this IHostApplicationBuilder builder)
    {
        builder.Services.AddHttpClient(HttpClientName, client => client.BaseAddress = new Uri($"http://{ServiceNames.Accounts}"));
        builder.Services.AddHealthChecks().AddCheck<AccountsReachableCheck>(ServiceNames.Accounts);
        return builder;
    }

    /// <summary>Reports the account API degraded (not unhealthy): the caller's own work may go on without it for a while.</summary>
    private sealed class AccountsReachableCheck(IHttpClientFactory httpClientFactory, IConfiguration configuration) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            var configured = configuration[$"services:{ServiceNames.Accounts}:http:0"];
            var data = new Dictionary<string, object> { ["address"] = configured ?? "(not configured)" };
            if (configured is null)
            {
                return HealthCheckResult.Degraded("The account API address is not configured (services__accounts__http__0).", data: data);
            }

            try
            {
                using var client = httpClientFactory.CreateClient(HttpClientName);
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(TimeSpan.FromSeconds(3));
                using var response = await client.GetAsync(new Uri("/alive", UriKind.Relative), timeout.Token);
                return response.IsSuccessStatusCode
                    ? HealthCheckResult.Healthy("The account API answers.", data)
                    : HealthCheckResult.Degraded($"The account API answered {(int)response.StatusCode}.", data: data);
            }
            catch (Exception exception) when (exception is HttpRequestException or OperationCanceledException)
            {
                return HealthCheckResult.Degraded($"The account API does not answer: {exception.Message}", data: data);
            }
        }
    }
}
