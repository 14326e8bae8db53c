using Para.Contracts.Health;
using Refit;

namespace Para.Client;

/// <summary>The account API, as the console, the CLI and the tests see it.</summary>
public interface IAccountsApi
{
    [Get("/health")]
    Task<IApiResponse<HealthDocument>> GetHealthAsync(CancellationToken cancellationToken = default);
}
