namespace Para.Accounts.Storage;

/// <summary>
/// An account as the store keeps it. Times are Unix milliseconds so that what is written is
/// exactly what is read back. Never log or return an instance: it holds tokens.
/// </summary>
internal sealed class AccountRecord
{
    public string Id { get; set; } = "";

    public string Name { get; set; } = "";

    /// <summary>The upper-cased name; its unique index makes names unique regardless of case.</summary>
    public string NameKey { get; set; } = "";

    public string Provider { get; set; } = "anthropic";

    public string Mode { get; set; } = "max";

    public OAuthTokens? Tokens { get; set; }

    public string? ApiKey { get; set; }

    public ProviderAccount? ProviderAccount { get; set; }

    public int Priority { get; set; }

    public bool Paused { get; set; }

    public string? CustomEndpoint { get; set; }

    public bool AutoRefresh { get; set; } = true;

    public UsageRecord Usage { get; set; } = new();

    public List<RequestRecord> RequestHistory { get; set; } = [];

    public long CreatedAtMs { get; set; }

    public bool RequiresReauth { get; set; }

    public string? LastError { get; set; }

    public long? LastRefreshMs { get; set; }

    /// <summary>
    /// When the current refresh token first left the account API (an export with the refresh
    /// token); null while only Para holds it. Whoever holds it may refresh with it, so the token
    /// manager asks the holders for newer tokens before it presents it (docs/decisions/0012).
    /// Cleared when Para's own refresh or a new sign-in gives a token nobody else has.
    /// </summary>
    public long? RefreshTokenHandedOutAtMs { get; set; }

    public override string ToString() => $"Account {{ Id = {Id}, Name = {Name} }}";

    /// <summary>
    /// A copy that shares nothing mutable with this one: the store hands out copies so no caller
    /// can change what it holds. Tokens, provider identity and history entries are immutable and
    /// shared; a new mutable member must be copied here (AccountRecordTests fills every property).
    /// </summary>
    public AccountRecord Clone()
    {
        var copy = (AccountRecord)MemberwiseClone();
        copy.Usage = Usage.Clone();
        copy.RequestHistory = [.. RequestHistory];
        return copy;
    }

    public static string KeyOf(string name) => name.Trim().ToUpperInvariant();
}

/// <summary>
/// The token fields: replaced together, in one write, or not at all. Immutable, so every copy of
/// an account can share one instance.
/// </summary>
internal sealed class OAuthTokens
{
    public string AccessToken { get; init; } = "";

    public string RefreshToken { get; init; } = "";

    public long ExpiresAtMs { get; init; }

    /// <summary>When the access token was issued; 0 for tokens stored before Para recorded it.</summary>
    public long IssuedAtMs { get; init; }

    public string TokenType { get; init; } = "Bearer";

    public string? Scope { get; init; }

    public long RefreshTokenIssuedAtMs { get; init; }

    public override string ToString() => "OAuthTokens { redacted }";

}

/// <summary>Who the provider says signed in; Claude Code's <c>.claude.json</c> wants it. Immutable.</summary>
internal sealed class ProviderAccount
{
    public string? Uuid { get; init; }

    public string? EmailAddress { get; init; }

    public string? OrganizationName { get; init; }

}

internal sealed class UsageRecord
{
    public long RequestCount { get; set; }

    public long TotalRequests { get; set; }

    public long? LastUsedMs { get; set; }

    public long InputTokens { get; set; }

    public long OutputTokens { get; set; }

    public UsageRecord Clone() => (UsageRecord)MemberwiseClone();
}

/// <summary>One proxied request; immutable, so copies of the history share the entries.</summary>
internal sealed class RequestRecord
{
    public long TimestampMs { get; init; }

    public string? Model { get; init; }

    public int StatusCode { get; init; }

    public string? Method { get; init; }

    public string? Path { get; init; }

    public long? LatencyMs { get; init; }

    public long? InputTokens { get; init; }

    public long? OutputTokens { get; init; }

    /// <summary>Sent again after a refresh on the same account.</summary>
    public bool Retried { get; init; }

    /// <summary>The name of the gateway key the client used.</summary>
    public string? ClientKey { get; init; }
}

/// <summary>
/// A gateway key: only its SHA-256 hash is kept (the key is 256 random bits, so a plain hash is
/// as good as a slow one here), with a fingerprint to tell keys apart in lists.
/// </summary>
internal sealed class GatewayKeyRecord
{
    public string Id { get; set; } = "";

    public string Name { get; set; } = "";

    /// <summary>The upper-cased name; unique.</summary>
    public string NameKey { get; set; } = "";

    /// <summary>Hex SHA-256 of the key; unique.</summary>
    public string Hash { get; set; } = "";

    public string Fingerprint { get; set; } = "";

    public long CreatedAtMs { get; set; }

    public override string ToString() => $"GatewayKey {{ Id = {Id}, Name = {Name} }}";
}

/// <summary>An OAuth flow waiting for its code: single use, ten minutes.</summary>
internal sealed class PendingOAuthSession
{
    /// <summary>The state value; the document key, so a replay finds nothing.</summary>
    public string Id { get; set; } = "";

    public string CodeVerifier { get; set; } = "";

    /// <summary>Set for re-authentication; empty when the flow creates a new account.</summary>
    public string? AccountId { get; set; }

    public string AccountName { get; set; } = "";

    public string Mode { get; set; } = "max";

    public int Priority { get; set; }

    public long ExpiresAtMs { get; set; }

    public override string ToString() => $"PendingOAuthSession {{ Account = {AccountName} }}";
}
