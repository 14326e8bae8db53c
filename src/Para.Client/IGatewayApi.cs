using Para.Contracts.Gateway;
using Para.Contracts.Health;
using Refit;

namespace Para.Client;

/// <summary>The gateway's own API (admin key), as the console and the CLI see it; Claude traffic goes to its <c>/v1/*</c> with a gateway key.</summary>
public interface IGatewayApi
{
    [Get("/health")]
    Task<IApiResponse<HealthDocument>> GetHealthAsync(CancellationToken cancellationToken = default);

    /// <summary>Requests, retries, failovers and resting accounts since the gateway started.</summary>
    [Get("/api/gateway/status")]
    Task<GatewayStatus> GetStatusAsync(CancellationToken cancellationToken = default);
}
