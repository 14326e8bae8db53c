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

    public override string ToString() => $"Account {{ Id = {Id}, Name = {Name} }}";

    public static string KeyOf(string name) => name.Trim().ToUpperInvariant();
}

/// <summary>The token fields: replaced together, in one write, or not at all.</summary>
internal sealed class OAuthTokens
{
    public string AccessToken { get; set; } = "";

    public string RefreshToken { get; set; } = "";

    public long ExpiresAtMs { get; set; }

    /// <summary>When the access token was issued; 0 for tokens stored before Para recorded it.</summary>
    public long IssuedAtMs { get; set; }

    public string TokenType { get; set; } = "Bearer";

    public string? Scope { get; set; }

    public long RefreshTokenIssuedAtMs { get; set; }

    public override string ToString() => "OAuthTokens { redacted }";
}

/// <summary>Who the provider says signed in; Claude Code's <c>.claude.json</c> wants it.</summary>
internal sealed class ProviderAccount
{
    public string? Uuid { get; set; }

    public string? EmailAddress { get; set; }

    public string? OrganizationName { get; set; }
}

internal sealed class UsageRecord
{
    public long RequestCount { get; set; }

    public long TotalRequests { get; set; }

    public long? LastUsedMs { get; set; }
}

internal sealed class RequestRecord
{
    public long TimestampMs { get; set; }

    public string? Model { get; set; }

    public int StatusCode { get; set; }
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
