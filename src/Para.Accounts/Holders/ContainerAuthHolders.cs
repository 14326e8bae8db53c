using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Para.Contracts.ContainerAuth;
using Para.ServiceDefaults.Security;

namespace Para.Accounts.Holders;

/// <summary>
/// Asks container-auth (<c>POST /api/containers/credentials/harvest</c>, the admin key this
/// service accepts, which container-auth shares) for the newest credentials its containers of an
/// account hold. One attempt with a timeout: a refresh waits for it, and a failed question only
/// defers the refresh to the next pass. What comes back is never logged.
/// </summary>
internal sealed partial class ContainerAuthHolders(
    IHttpClientFactory httpClientFactory,
    AdminKeyAuthentication.AdminKeyHolder adminKey,
    IOptions<TokenHoldersOptions> options,
    IConfiguration configuration,
    ILogger<ContainerAuthHolders> logger) : ITokenHolders
{
    public const string HttpClientName = "container-auth-holders";

    public async Task<HeldTokens?> FindNewestAsync(string accountName, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (!IsResolvable(settings.Address))
        {
            throw new TokenHoldersUnavailableException(
                $"container-auth's address is not configured (services__{settings.Address.Host}__http__0)");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.Timeout);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(settings.Address, $"/api/containers/credentials/harvest?account={Uri.EscapeDataString(accountName)}"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", adminKey.Value);
        try
        {
            using var client = httpClientFactory.CreateClient(HttpClientName);
            using var response = await client.SendAsync(request, timeout.Token);
            if (!response.IsSuccessStatusCode)
            {
                throw new TokenHoldersUnavailableException($"container-auth answered {(int)response.StatusCode} when asked for the holders' tokens");
            }

            var harvest = await response.Content.ReadFromJsonAsync<CredentialsHarvest>(JsonSerializerOptions.Web, timeout.Token)
                ?? throw new TokenHoldersUnavailableException("container-auth sent an empty answer");
            LogAsked(logger, accountName, harvest.ContainersRead, harvest.Holder ?? "none", harvest.Fingerprint ?? "none");
            return harvest is { Newest: { AccessToken.Length: > 0 } newest, Holder: { } holder } ? new HeldTokens(newest, holder, harvest.ContainersRead) : null;
        }
        catch (HttpRequestException exception)
        {
            throw new TokenHoldersUnavailableException($"container-auth cannot be reached: {exception.Message}");
        }
        catch (InvalidOperationException exception)
        {
            // Service discovery found no address for container-auth (its message names only the service).
            throw new TokenHoldersUnavailableException($"container-auth cannot be reached: {exception.Message}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TokenHoldersUnavailableException($"container-auth did not answer within {settings.Timeout.TotalSeconds:0} s");
        }
        catch (JsonException)
        {
            // The body may hold tokens: keep only that it did not parse.
            throw new TokenHoldersUnavailableException("container-auth's answer did not parse");
        }
    }

    /// <summary>A service name (no dot) resolves only when service discovery has an address for it; never a DNS query.</summary>
    private bool IsResolvable(Uri address) =>
        address.HostNameType != UriHostNameType.Dns
        || address.Host.Contains('.', StringComparison.Ordinal)
        || string.Equals(address.Host, "localhost", StringComparison.OrdinalIgnoreCase)
        || configuration.GetSection($"services:{address.Host}").Exists();

    [LoggerMessage(Level = LogLevel.Debug, Message = "Asked container-auth for account {AccountName}'s holders: {ContainersRead} containers read, newest at {Holder} (access token {Fingerprint})")]
    private static partial void LogAsked(ILogger logger, string accountName, int containersRead, string holder, string fingerprint);
}
