namespace Para.Contracts.Accounts;

/// <summary>How an account signs in: a Claude subscription (<c>max</c>) or a Console organisation (<c>console</c>).</summary>
public static class AccountModes
{
    public const string Max = "max";
    public const string Console = "console";

    public static bool IsKnown(string? mode) => mode is Max or Console;
}

/// <summary>
/// An account as every client sees it. Never a token or an API key: only when the access token
/// expires and a short fingerprint, so two views can be compared without revealing anything.
/// <see cref="Status"/> is the <see cref="TokenStatuses"/> value when the response was made; a view
/// shown live re-classifies with <see cref="TokenStatuses.Classify(AccountView, DateTimeOffset)"/>.
/// </summary>
public sealed record AccountView(
    string Id,
    string Name,
    string Provider,
    string Mode,
    int Priority,
    bool Paused,
    string? CustomEndpoint,
    bool AutoRefresh,
    bool RequiresReauth,
    DateTimeOffset CreatedAt,
    TokenSummary? Token,
    string? ApiKeyFingerprint,
    UsageStatistics Usage,
    int RequestHistoryCount,
    string Status);

/// <param name="IssuedAt">When the access token was issued; null for tokens stored before Para recorded it.</param>
/// <param name="RefreshDueAt">From then on Para refreshes the token, and every view calls it "expiring".</param>
public sealed record TokenSummary(
    DateTimeOffset ExpiresAt,
    string Fingerprint,
    string TokenType,
    string? Scope,
    DateTimeOffset RefreshTokenIssuedAt,
    DateTimeOffset? IssuedAt,
    DateTimeOffset RefreshDueAt);

/// <param name="InputTokens">Input tokens of the requests the gateway forwarded, as the provider counted them.</param>
public sealed record UsageStatistics(long RequestCount, long TotalRequests, DateTimeOffset? LastUsed, long InputTokens = 0, long OutputTokens = 0);

/// <summary><c>POST /api/accounts</c>: begins OAuth for a new account.</summary>
public sealed record AddAccountRequest(string Name, string? Mode = null, int? Priority = null);

/// <summary>Where to send the user, and the state that ties their pasted code to this session.</summary>
public sealed record OAuthBeginResponse(string AccountName, string Mode, Uri AuthorizeUrl, string State, DateTimeOffset ExpiresAt);

/// <summary>
/// <c>POST /api/oauth/complete</c>. <see cref="Code"/> is what the provider's page shows:
/// <c>code#state</c> or a bare code; <see cref="State"/> may be left out when the code carries it.
/// <see cref="Account"/> is the account (id or name) the caller began the sign-in for: a code of
/// another sign-in is then refused and changes nothing.
/// </summary>
public sealed record CompleteOAuthRequest(string? State, string Code, string? Account = null);

/// <summary><c>PATCH /api/accounts/{idOrName}</c>: only the fields given change; an empty endpoint clears it.</summary>
public sealed record UpdateAccountRequest(
    string? Name = null,
    int? Priority = null,
    bool? Paused = null,
    string? CustomEndpoint = null,
    bool? AutoRefresh = null);

public sealed record ReloadResponse(bool Success, string Message);
