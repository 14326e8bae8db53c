using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Para.Accounts.Storage;

namespace Para.Accounts.OAuth;

/// <summary>
/// Talks to the provider's token endpoint (code exchange, refresh) and, for Console accounts, its
/// API-key endpoint. Its HttpClient has no retry handler: a retried code or refresh-token request
/// would present a used, single-use credential and could revoke the account's whole token chain.
/// </summary>
internal sealed class OAuthTokenClient(IHttpClientFactory httpClients, IOptions<OAuthOptions> options)
{
    public const string HttpClientName = "oauth-provider";

    public Task<TokenResponse> ExchangeCodeAsync(string code, string state, string codeVerifier, CancellationToken cancellationToken) =>
        RequestTokensAsync(
            new Dictionary<string, string>
            {
                ["grant_type"] = "authorization_code",
                ["code"] = code,
                ["state"] = state,
                ["client_id"] = options.Value.ClientId,
                ["redirect_uri"] = options.Value.RedirectUri.ToString(),
                ["code_verifier"] = codeVerifier,
            },
            cancellationToken);

    public Task<TokenResponse> RefreshAsync(string refreshToken, CancellationToken cancellationToken) =>
        RequestTokensAsync(
            new Dictionary<string, string>
            {
                ["grant_type"] = "refresh_token",
                ["refresh_token"] = refreshToken,
                ["client_id"] = options.Value.ClientId,
            },
            cancellationToken);

    /// <summary>Console mode: trades the access token for an API key; null where no endpoint is configured.</summary>
    public async Task<string?> CreateApiKeyAsync(string accessToken, CancellationToken cancellationToken)
    {
        if (options.Value.ApiKeyEndpoint is not { } url)
        {
            return null;
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        using var response = await SendAsync(request, cancellationToken);
        using var document = await ReadJsonAsync(response, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw ProviderError(response.StatusCode, document);
        }

        return document?.RootElement.TryGetProperty("raw_key", out var key) == true && key.ValueKind == JsonValueKind.String
            ? key.GetString()
            : throw new OAuthProviderException("invalid_response", "The API-key endpoint answered without a key.", transient: false);
    }

    private async Task<TokenResponse> RequestTokensAsync(Dictionary<string, string> fields, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, options.Value.TokenUrl)
        {
            Content = TokenRequestContent(fields),
        };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var response = await SendAsync(request, cancellationToken);
        using var document = await ReadJsonAsync(response, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw ProviderError(response.StatusCode, document);
        }

        return TokenResponse.Parse(document?.RootElement)
            ?? throw new OAuthProviderException("invalid_response", "The token endpoint answered without an access token.", transient: false);
    }

    /// <summary>
    /// The body as bytes with a Content-Length: <c>JsonContent</c> streams and is sent chunked,
    /// which some proxies in front of the provider refuse.
    /// </summary>
    private HttpContent TokenRequestContent(Dictionary<string, string> fields)
    {
        if (options.Value.TokenRequestEncoding == TokenRequestEncoding.Form)
        {
            return new FormUrlEncodedContent(fields);
        }

        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(fields));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        return content;
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.RequestTimeout);
        try
        {
            var http = httpClients.CreateClient(HttpClientName);
            return await http.SendAsync(request, timeout.Token);
        }
        catch (HttpRequestException exception)
        {
            throw new OAuthProviderException("provider_unreachable", $"Cannot reach the OAuth provider at {request.RequestUri?.Authority} ({exception.HttpRequestError}).", transient: true);
        }
        catch (InvalidOperationException exception)
        {
            // Service discovery found no address for the provider (its message names only the service).
            throw new OAuthProviderException("provider_unreachable", $"Cannot reach the OAuth provider at {request.RequestUri?.Authority} ({exception.Message}).", transient: true);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new OAuthProviderException("provider_timeout", $"The OAuth provider at {request.RequestUri?.Authority} did not answer within {options.Value.RequestTimeout.TotalSeconds:0} s.", transient: true);
        }
    }

    private static async Task<JsonDocument?> ReadJsonAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        try
        {
            return string.IsNullOrWhiteSpace(body) ? null : JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Reads RFC 6749's <c>{error, error_description}</c> and Anthropic's <c>{error: {type, message}}</c>.</summary>
    private static OAuthProviderException ProviderError(HttpStatusCode status, JsonDocument? document)
    {
        var code = $"http_{(int)status}";
        string? description = null;
        if (document?.RootElement is { ValueKind: JsonValueKind.Object } root && root.TryGetProperty("error", out var error))
        {
            if (error.ValueKind == JsonValueKind.String)
            {
                code = error.GetString() ?? code;
                description = root.TryGetProperty("error_description", out var text) && text.ValueKind == JsonValueKind.String ? text.GetString() : null;
            }
            else if (error.ValueKind == JsonValueKind.Object)
            {
                code = error.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String ? type.GetString() ?? code : code;
                description = error.TryGetProperty("message", out var text) && text.ValueKind == JsonValueKind.String ? text.GetString() : null;
            }
        }

        var transient = (int)status >= 500 || status == HttpStatusCode.TooManyRequests;
        return new OAuthProviderException(code, description ?? $"The provider answered {(int)status}.", transient);
    }
}

/// <summary>A token endpoint's answer. Never logged: <see cref="ToString"/> hides the tokens.</summary>
internal sealed record TokenResponse(
    string AccessToken,
    string? RefreshToken,
    long ExpiresInSeconds,
    string TokenType,
    string? Scope,
    ProviderAccount? Account)
{
    public override string ToString() => $"TokenResponse {{ ExpiresIn = {ExpiresInSeconds} s, Scope = {Scope} }}";

    /// <summary>The stored form; a response without a refresh token keeps <paramref name="previousRefreshToken"/>.</summary>
    public OAuthTokens ToTokens(DateTimeOffset now, string? previousRefreshToken = null, long? previousRefreshIssuedAtMs = null)
    {
        var rotated = !string.IsNullOrEmpty(RefreshToken);
        return new OAuthTokens
        {
            AccessToken = AccessToken,
            RefreshToken = rotated ? RefreshToken! : previousRefreshToken ?? "",
            ExpiresAtMs = now.AddSeconds(ExpiresInSeconds).ToUnixTimeMilliseconds(),
            IssuedAtMs = now.ToUnixTimeMilliseconds(),
            TokenType = TokenType,
            Scope = Scope,
            RefreshTokenIssuedAtMs = rotated ? now.ToUnixTimeMilliseconds() : previousRefreshIssuedAtMs ?? now.ToUnixTimeMilliseconds(),
        };
    }

    public static TokenResponse? Parse(JsonElement? element)
    {
        if (element is not { ValueKind: JsonValueKind.Object } root || String(root, "access_token") is not { Length: > 0 } accessToken)
        {
            return null;
        }

        var expiresIn = root.TryGetProperty("expires_in", out var expires) && expires.TryGetInt64(out var seconds) ? seconds : 3600;
        ProviderAccount? account = null;
        if (root.TryGetProperty("account", out var accountElement) && accountElement.ValueKind == JsonValueKind.Object)
        {
            account = new ProviderAccount
            {
                Uuid = String(accountElement, "uuid"),
                EmailAddress = String(accountElement, "email_address"),
                OrganizationName = root.TryGetProperty("organization", out var organization) && organization.ValueKind == JsonValueKind.Object
                    ? String(organization, "name")
                    : null,
            };
        }

        return new TokenResponse(accessToken, String(root, "refresh_token"), expiresIn, String(root, "token_type") ?? "Bearer", String(root, "scope"), account);
    }

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}

/// <summary>The provider refused or could not be reached. The message is safe to show: it never holds a credential.</summary>
internal sealed class OAuthProviderException(string errorCode, string description, bool transient) : Exception($"{errorCode}: {description}")
{
    public string ErrorCode { get; } = errorCode;

    public string Description { get; } = description;

    /// <summary>True for network failures, timeouts, 5xx and 429: worth trying again later.</summary>
    public bool Transient { get; } = transient;

    /// <summary>The refresh token (or code) is dead; only a new sign-in helps.</summary>
    public bool IsInvalidGrant => ErrorCode is "invalid_grant" or "invalid_refresh_token";
}
