namespace Para.Tui.ViewModels;

// The console's own rows: what each tab shows, independent of the services' wire records so the
// views and view models can be built and tested before (and regardless of) the HTTP contracts.

/// <summary>One account as the Accounts tab shows it; never carries a token.</summary>
public sealed record AccountRow(
    string Name,
    string Mode,
    int Priority,
    bool Paused,
    bool RequiresReauth,
    DateTimeOffset? AccessTokenExpiresAt,
    DateTimeOffset? RefreshTokenIssuedAt,
    long Requests,
    DateTimeOffset? LastUsed)
{
    /// <summary>From then on the service refreshes the token and every view calls it expiring; the service computes it from the token's lifetime.</summary>
    public DateTimeOffset? RefreshDueAt { get; init; }

    public DateTimeOffset? LastRefresh { get; init; }

    public string? LastError { get; init; }

    /// <summary>What the gateway knows of the account's limits; null without a gateway.</summary>
    public UsageLimits? Limits { get; init; }

    /// <summary>
    /// Whether the provider accepts the account's current token (false: refused even after a
    /// refresh; null: not asked yet). The account API's record (<c>/health/auth</c>), which outlives
    /// a stopped gateway; the gateway's own when the account API has none.
    /// </summary>
    public bool? ProviderAccepts { get; init; }
}

/// <summary>An account's 5-hour and 7-day windows (fractions used, 0.25 = a quarter) and when they reset.</summary>
public sealed record UsageLimits(double? FiveHour, DateTimeOffset? FiveHourReset, double? SevenDay, DateTimeOffset? SevenDayReset);

/// <summary>
/// One request the gateway forwarded for an account, as the details dialog lists it: its final
/// status, whether it was retried after a token refresh, and the client key that sent it.
/// </summary>
public sealed record RequestRow(
    DateTimeOffset At,
    string? Method,
    string? Path,
    int Status,
    long? LatencyMs,
    string? Model,
    long? InputTokens,
    long? OutputTokens,
    bool Retried,
    string? ClientKey);

/// <summary>A para image with the credentials baked into it.</summary>
public sealed record ImageRow(
    string Name,
    string? AuthenticatedBy,
    DateTimeOffset? AuthenticatedAt,
    DateTimeOffset? CredentialsExpireAt,
    string Status)
{
    /// <summary>The account's token changed since the image was written: a container started from it begins with an old token.</summary>
    public bool Stale { get; init; }

    /// <summary>From then on the credentials read as expiring, so the status word stays current between reads.</summary>
    public DateTimeOffset? ExpiringFrom { get; init; }

    /// <summary>The status word at <paramref name="now"/>, with the stale mark.</summary>
    public string StatusAt(DateTimeOffset now) =>
        ConsoleFormat.CredentialWord(Status, CredentialsExpireAt, ExpiringFrom, now) + (Stale ? ", stale" : "");
}

/// <summary>A para container and the state of the credentials inside it.</summary>
public sealed record ContainerRow(
    string Name,
    string Image,
    string State,
    string CredentialStatus,
    DateTimeOffset? CredentialsExpireAt)
{
    public string? Account { get; init; }

    /// <summary>When Para last wrote the account's token into it, and that token's fingerprint.</summary>
    public DateTimeOffset? LastFedAt { get; init; }

    public string? FedFingerprint { get; init; }

    public DateTimeOffset? ExpiringFrom { get; init; }

    public string CredentialsAt(DateTimeOffset now) => ConsoleFormat.CredentialWord(CredentialStatus, CredentialsExpireAt, ExpiringFrom, now);
}

/// <summary>Both services' health plus the auth refresh numbers, taken at one moment.</summary>
public sealed record HealthSnapshot(ServiceHealth Accounts, ServiceHealth ContainerAuth, AuthRefreshNumbers? Authentication)
{
    /// <summary>Each account's refresh state from <c>/health/auth</c>; empty when it could not be read.</summary>
    public IReadOnlyList<AccountRefreshLine> AccountRefreshes { get; init; } = [];

    /// <summary>The gateway's numbers (<c>GET /api/gateway/status</c>); null when it could not be read.</summary>
    public GatewayNumbers? Gateway { get; init; }
}

/// <summary>What the gateway did since it started: requests, retries after a refresh, failovers at a limit, accounts resting now.</summary>
public sealed record GatewayNumbers(long Requests, long Retries, long Failovers, long Refused, int Resting, bool FeedConnected);

/// <summary>One service's health document, or why it could not be read.</summary>
public sealed record ServiceHealth(string Service, bool Reachable, string Status, string? Detail, IReadOnlyList<HealthCheckLine> Checks)
{
    public static ServiceHealth Unreachable(string service, string reason) => new(service, false, "down", reason, []);
}

public sealed record HealthCheckLine(string Name, string Status, string? Description);

/// <summary>The auth refresh manager's numbers (<c>GET /health/auth</c>).</summary>
public sealed record AuthRefreshNumbers(bool IsAuthenticated, long RefreshCount, int ConsecutiveFailures, DateTimeOffset? LastRefresh);

/// <summary>One account's line of <c>/health/auth</c>: its token status, refreshes, failures in a row and when the next attempt may run.</summary>
public sealed record AccountRefreshLine(string Account, string Status, long Refreshes, int Failures, DateTimeOffset? NextAttemptAt);

/// <summary>A long operation of the container-auth service.</summary>
public sealed record JobRow(
    string Id,
    string Kind,
    string Target,
    JobState State,
    double Progress,
    string? Step,
    DateTimeOffset StartedAt,
    DateTimeOffset? FinishedAt);

public enum JobState
{
    Queued,
    Running,
    Succeeded,
    Failed,
}

/// <summary>One event from either service's event stream (account or image events).</summary>
public sealed record ConsoleEvent(DateTimeOffset At, string Source, string Kind, string Subject, string? Detail = null)
{
    /// <summary>For the container-auth stream: the event itself, so the Images, Containers and Jobs rows change in place.</summary>
    public Para.Contracts.Events.ContainerAuthEvent? ContainerAuth { get; init; }
}

/// <summary>A started OAuth authorization: the URL to open and the state the pasted code must carry.</summary>
public sealed record OAuthStart(Uri AuthorizeUrl, string State, DateTimeOffset ExpiresAt);

/// <summary>The outcome of a one-shot operation (refresh now, verify), as the service words it.</summary>
public sealed record OperationResult(bool Success, string Message);

public enum VerifyTarget
{
    Image,
    Container,
}
