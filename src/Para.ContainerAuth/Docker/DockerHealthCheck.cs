using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Para.ContainerAuth.Docker;

/// <summary>
/// Degraded, not unhealthy, when the engine is away: the service still answers (status, jobs) and
/// picks the engine up again on the next call once it is back.
/// </summary>
internal sealed class DockerHealthCheck(DockerEngine engine) : IHealthCheck
{
    public const string Name = "docker";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object> { ["endpoint"] = engine.Endpoint.ToString() };
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            var version = await engine.GetVersionAsync(timeout.Token);
            data["version"] = version.Version;
            data["apiVersion"] = version.ApiVersion;
            return HealthCheckResult.Healthy($"Docker {version.Version} answers.", data);
        }
        catch (Exception exception) when (exception is DockerUnavailableException or DockerOperationException or OperationCanceledException)
        {
            return HealthCheckResult.Degraded(exception is OperationCanceledException
                ? $"Docker engine at {engine.Endpoint} did not answer within 5 seconds."
                : exception.Message, data: data);
        }
    }
}
