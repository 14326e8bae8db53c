using Para.Contracts.Credentials;
using Para.Contracts.Health;
using Refit;

namespace Para.Client;

/// <summary>The account API, as the console, the CLI and the tests see it.</summary>
public interface IAccountsApi
{
    [Get("/health")]
    Task<IApiResponse<HealthDocument>> GetHealthAsync(CancellationToken cancellationToken = default);

    /// <summary>An account's credentials in Claude Code's file format; for the container-auth service.</summary>
    [Get("/api/accounts/{idOrName}/credentials")]
    Task<CredentialsExport> ExportCredentialsAsync(string idOrName, CancellationToken cancellationToken = default);
}
