namespace Para.Contracts.Gateway;

/// <summary><c>POST /api/gateway-keys</c>: a new key for one client (a person, a container, a machine).</summary>
public sealed record AddGatewayKeyRequest(string Name);

/// <summary>A gateway key as listed: never the key, only a fingerprint of it.</summary>
public sealed record GatewayKeyView(string Id, string Name, DateTimeOffset CreatedAt, string Fingerprint);

/// <summary>
/// The answer to <c>POST /api/gateway-keys</c>: the only time the key itself is shown. The account
/// API keeps a SHA-256 hash of it, so it cannot be shown again.
/// </summary>
public sealed record GatewayKeyCreated(string Id, string Name, DateTimeOffset CreatedAt, string Fingerprint, string Key)
{
    public override string ToString() => $"GatewayKeyCreated {{ Id = {Id}, Name = {Name}, Key = redacted }}";
}

/// <summary><c>POST /api/gateway-keys/validate</c> (admin key): is this presented key a live one? In the body, never in a URL.</summary>
public sealed record ValidateGatewayKeyRequest(string Key)
{
    public override string ToString() => "ValidateGatewayKeyRequest { Key = redacted }";
}

/// <summary>Who a valid gateway key belongs to.</summary>
public sealed record GatewayKeyIdentity(string Id, string Name);

/// <summary>
/// <c>GET /api/accounts/{id}/upstream-credential</c> (admin key, the gateway only): what the gateway
/// sends to the provider for this account, with a token valid for at least the token manager's
/// minimum validity. <see cref="AccessToken"/> for subscription (max) accounts, <see cref="ApiKey"/>
/// for console accounts. Never log an instance: <see cref="ToString"/> is redacted.
/// </summary>
public sealed record UpstreamCredential(
    string AccountId,
    string AccountName,
    string Mode,
    string? AccessToken,
    string? ApiKey,
    DateTimeOffset? ExpiresAt,
    string Fingerprint)
{
    public override string ToString() => $"UpstreamCredential {{ Account = {AccountName}, Mode = {Mode}, Fingerprint = {Fingerprint} }}";
}

/// <summary>
/// One request the gateway forwarded, as it reports it to the account API: no body, no token,
/// no header, only what the account's statistics and history keep.
/// </summary>
/// <param name="ClientKey">The name of the gateway key the client used.</param>
/// <param name="Retried">The request was sent again after a refresh (401/403) on the same account.</param>
public sealed record GatewayRequestRecord(
    string AccountId,
    DateTimeOffset Timestamp,
    string Method,
    string Path,
    int StatusCode,
    long LatencyMs,
    string? Model,
    long? InputTokens,
    long? OutputTokens,
    bool Retried,
    string? ClientKey);

/// <summary><c>POST /api/gateway/requests</c>: a batch of records; unknown accounts are skipped and counted.</summary>
public sealed record RecordGatewayRequests(IReadOnlyList<GatewayRequestRecord> Requests);

public sealed record RecordGatewayRequestsResult(int Recorded, int UnknownAccounts);

/// <summary>One entry of an account's request history, <c>GET /api/accounts/{idOrName}/requests</c>, newest first.</summary>
public sealed record RequestHistoryEntry(
    DateTimeOffset Timestamp,
    string? Method,
    string? Path,
    int StatusCode,
    long? LatencyMs,
    string? Model,
    long? InputTokens,
    long? OutputTokens,
    bool Retried,
    string? ClientKey);

/// <summary><c>GET /api/gateway/status</c> on the gateway: its counters since it started.</summary>
/// <param name="Rejected">Requests refused before an account was tried: no key, an unknown key, no usable account.</param>
/// <param name="AccountFeedConnected">The account API's change feed is open, so caches are dropped the moment something changes.</param>
public sealed record GatewayStatus(
    DateTimeOffset Timestamp,
    long Requests,
    long Retries,
    long Failovers,
    long Rejected,
    bool AccountFeedConnected,
    IReadOnlyList<RestingAccount> Resting,
    IReadOnlyList<AccountLimits>? Limits = null);

/// <summary>An account at a limit: no request goes to it before <see cref="Until"/>.</summary>
public sealed record RestingAccount(string AccountId, DateTimeOffset Until);

/// <summary>
/// What the gateway knows of one account's limits and standing with the provider: from the
/// <c>anthropic-ratelimit-unified-*</c> headers of its answers and from the usage endpoint.
/// Utilization is a fraction (0.25 = a quarter of the window used).
/// </summary>
/// <param name="ProviderAccepts">The provider's own verdict on the account's current token: true after an
/// accepted call, false after a refusal the refresh did not cure, null before either.</param>
public sealed record AccountLimits(
    string AccountId,
    string? Status,
    double? FiveHourUtilization,
    DateTimeOffset? FiveHourReset,
    double? SevenDayUtilization,
    DateTimeOffset? SevenDayReset,
    DateTimeOffset UpdatedAt,
    bool? ProviderAccepts,
    string? LastUsageError);

/// <summary>
/// <c>POST /api/accounts/{idOrName}/provider-verdict</c> (admin key, the gateway): whether the
/// provider accepted the token with this fingerprint, as the gateway last saw it at <see cref="At"/>.
/// All three are required; <see cref="Accepted"/> and <see cref="At"/> are nullable only so that a
/// missing one is a 400 that names it rather than a silent "refused".
/// </summary>
public sealed record ProviderVerdictReport(string Fingerprint, bool? Accepted, DateTimeOffset? At);

/// <summary>
/// The answer to a verdict: <see cref="AboutCurrentToken"/> is false when the fingerprint is not the
/// account's current token (it was refreshed or signed in again since), and the verdict was dropped.
/// </summary>
public sealed record ProviderVerdictAnswer(bool AboutCurrentToken);
