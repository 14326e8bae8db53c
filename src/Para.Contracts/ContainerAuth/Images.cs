namespace Para.Contracts.ContainerAuth;

/// <summary>How fresh the credentials in an image or container are.</summary>
public static class CredentialStatus
{
    public const string Valid = "valid";
    public const string Expiring = "expiring";
    public const string Expired = "expired";
    public const string None = "none";
}

/// <summary>A para image with what its labels say about its credentials.</summary>
public sealed record ImageSummary(
    string Name,
    string Id,
    DateTimeOffset? Created,
    string CredentialStatus,
    string? Account,
    DateTimeOffset? AuthenticatedAt,
    DateTimeOffset? ExpiresAt,
    string? Fingerprint,
    // Label para.refresh-token: "included" (the image refreshes by itself, racing Para) or
    // "withheld" (only Para refreshes); null on images written before the label existed.
    string? RefreshToken = null,
    // True when the account's tokens changed since the image was written: a container started
    // from it now gets an old access token (fed within one pass once it runs). Null when unknown.
    bool? Stale = null,
    // From then on the credentials read as "expiring", so a client can keep the status current
    // between two reads; null when there are none.
    DateTimeOffset? ExpiringFrom = null);

/// <summary>A para container with the credentials it holds right now (read from its file system).</summary>
public sealed record ContainerSummary(
    string Name,
    string Id,
    string Image,
    string State,
    string CredentialStatus,
    DateTimeOffset? ExpiresAt,
    string? Account = null,
    DateTimeOffset? LastFedAt = null,
    string? FedFingerprint = null,
    // Where Account comes from (AccountSources); null with Account: the container names no account.
    string? AccountSource = null,
    // As on ImageSummary: from then on the credentials inside read as "expiring".
    DateTimeOffset? ExpiringFrom = null);

/// <summary>Where a container's account comes from, strongest first.</summary>
public static class AccountSources
{
    /// <summary><c>para containers assign</c>: Para's own record, since a running container's labels cannot change.</summary>
    public const string Assigned = "assigned";

    /// <summary>A <c>para.account</c> label given when the container was created (<c>docker run --label</c>).</summary>
    public const string Label = "label";

    /// <summary>The <c>para.account</c> label of the image Para wrote, inherited by the container.</summary>
    public const string Image = "image";
}

public sealed record AuthStatus(
    bool EngineReachable,
    string? EngineVersion,
    string? EngineProblem,
    string BaseImage,
    bool BaseImagePresent,
    string AuthenticatedImage,
    bool AuthenticatedImagePresent,
    string? Account,
    DateTimeOffset? AuthenticatedAt,
    DateTimeOffset? ExpiresAt,
    TimeSpan? ExpiresIn,
    string CredentialStatus);
