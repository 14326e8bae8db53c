using Para.Contracts.Accounts;
using Para.Contracts.Credentials;
using Para.Contracts.Gateway;
using Para.Contracts.Health;
using Refit;

namespace Para.Client;

/// <summary>The account API, as the console, the CLI and the tests see it.</summary>
public interface IAccountsApi
{
    /// <summary>
    /// The connection Refit uses (admin key, resilience, service discovery), for what is not a
    /// request/response call: the account event stream and the untyped auth health documents.
    /// </summary>
    HttpClient Client { get; }

    [Get("/health")]
    Task<IApiResponse<HealthDocument>> GetHealthAsync(CancellationToken cancellationToken = default);

    /// <summary>An account's credentials in Claude Code's file format; for the container-auth service.</summary>
    /// <param name="includeRefreshToken"><c>false</c>: the refresh token comes back empty; <c>null</c>: the server's default (included).</param>
    /// <summary><c>GET /health/auth</c>: the refresh manager's numbers and each account's token state.</summary>
    [Get("/health/auth")]
    Task<AuthHealthDocument> GetAuthHealthAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// <c>POST /health/auth/refresh</c>: one account (<paramref name="account"/>) or all now. A
    /// refusal (429 in the cooldown, 404 unknown account) is a problem document in the response.
    /// </summary>
    [Post("/health/auth/refresh")]
    Task<IApiResponse<AuthRefreshDocument>> RefreshAuthenticationAsync([Query] string? account = null, CancellationToken cancellationToken = default);

    [Get("/api/accounts/{idOrName}/credentials")]
    Task<CredentialsExport> ExportCredentialsAsync(string idOrName, [Query] bool? includeRefreshToken = null, CancellationToken cancellationToken = default);

    [Get("/api/accounts")]
    Task<IReadOnlyList<AccountView>> ListAccountsAsync(CancellationToken cancellationToken = default);

    [Get("/api/accounts/{idOrName}")]
    Task<AccountView> GetAccountAsync(string idOrName, CancellationToken cancellationToken = default);

    /// <summary>Begins OAuth for a new account; 409 when the name is taken.</summary>
    [Post("/api/accounts")]
    Task<OAuthBeginResponse> AddAccountAsync([Body] AddAccountRequest request, CancellationToken cancellationToken = default);

    /// <summary>Begins OAuth for an existing account; only its tokens change when it completes.</summary>
    [Post("/api/accounts/{idOrName}/reauth")]
    Task<OAuthBeginResponse> BeginReauthenticationAsync(string idOrName, CancellationToken cancellationToken = default);

    /// <summary>
    /// Exchanges the pasted code. 400 for an unknown, used or expired state and for a code the
    /// provider refuses (begin again); 409 when <see cref="CompleteOAuthRequest.Account"/> is not the
    /// account the sign-in was begun for (nothing changes); 502 when the provider cannot be reached.
    /// </summary>
    [Post("/api/oauth/complete")]
    Task<AccountView> CompleteOAuthAsync([Body] CompleteOAuthRequest request, CancellationToken cancellationToken = default);

    [Patch("/api/accounts/{idOrName}")]
    Task<AccountView> UpdateAccountAsync(string idOrName, [Body] UpdateAccountRequest request, CancellationToken cancellationToken = default);

    [Delete("/api/accounts/{idOrName}")]
    Task RemoveAccountAsync(string idOrName, CancellationToken cancellationToken = default);

    /// <summary>Every account's token state: ok, expiring, expired or requires-reauth, and the refresh token's age.</summary>
    [Get("/api/token-health")]
    Task<TokenHealthReport> GetTokenHealthAsync(CancellationToken cancellationToken = default);

    /// <summary>Drops every cached copy of the account's tokens, in the API and in every event subscriber.</summary>
    [Post("/api/accounts/{idOrName}/reload")]
    Task<ReloadResponse> ReloadAccountAsync(string idOrName, CancellationToken cancellationToken = default);

    /// <summary>
    /// <c>POST /health/auth/refresh?account=&amp;refused=&amp;callStartedAt=</c>: the gateway's recovery
    /// after the provider refused a call made with the token whose fingerprint is <paramref name="refused"/>
    /// (or, without one, a call that started at <paramref name="callStartedAt"/>, ISO 8601).
    /// </summary>
    [Post("/health/auth/refresh")]
    Task<IApiResponse<AuthRefreshDocument>> RecoverAuthenticationAsync([Query] string account, [Query] string? refused, [Query] string callStartedAt, CancellationToken cancellationToken = default);

    /// <summary>A new gateway key; the answer is the only place the key appears. 409 when the name is taken.</summary>
    [Post("/api/gateway-keys")]
    Task<GatewayKeyCreated> AddGatewayKeyAsync([Body] AddGatewayKeyRequest request, CancellationToken cancellationToken = default);

    [Get("/api/gateway-keys")]
    Task<IReadOnlyList<GatewayKeyView>> ListGatewayKeysAsync(CancellationToken cancellationToken = default);

    /// <summary>404 when no key has that id or name.</summary>
    [Delete("/api/gateway-keys/{idOrName}")]
    Task RevokeGatewayKeyAsync(string idOrName, CancellationToken cancellationToken = default);

    /// <summary>Whose a presented gateway key is; 404 (an <see cref="ApiException"/>) when it is not a live key.</summary>
    [Post("/api/gateway-keys/validate")]
    Task<GatewayKeyIdentity> ValidateGatewayKeyAsync([Body] ValidateGatewayKeyRequest request, CancellationToken cancellationToken = default);

    /// <summary>The access token or API key the gateway sends upstream; 409 requires re-auth, 503 no valid token.</summary>
    [Get("/api/accounts/{idOrName}/upstream-credential")]
    Task<UpstreamCredential> GetUpstreamCredentialAsync(string idOrName, CancellationToken cancellationToken = default);

    /// <summary>The provider's verdict on one of the account's tokens; 404 for an unknown account, 400 for an incomplete report.</summary>
    [Post("/api/accounts/{idOrName}/provider-verdict")]
    Task<ProviderVerdictAnswer> ReportProviderVerdictAsync(string idOrName, [Body] ProviderVerdictReport report, CancellationToken cancellationToken = default);

    [Post("/api/gateway/requests")]
    Task<RecordGatewayRequestsResult> RecordGatewayRequestsAsync([Body] RecordGatewayRequests batch, CancellationToken cancellationToken = default);

    /// <summary>The account's request history, newest first.</summary>
    [Get("/api/accounts/{idOrName}/requests")]
    Task<IReadOnlyList<RequestHistoryEntry>> GetAccountRequestsAsync(string idOrName, [Query] int? limit = null, CancellationToken cancellationToken = default);
}
