using Para.Contracts.Health;
using Refit;

namespace Para.Client;

/// <summary>The container-auth service, as the console, the CLI and the tests see it.</summary>
public interface IContainerAuthApi
{
    [Get("/health")]
    Task<IApiResponse<HealthDocument>> GetHealthAsync(CancellationToken cancellationToken = default);
}
