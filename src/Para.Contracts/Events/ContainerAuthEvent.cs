namespace Para.Contracts.Events;

/// <summary>
/// One change in the container-auth service, as its <c>GET /api/events</c> streams it (the SSE event
/// type is <see cref="Type"/>). Which fields are set depends on the type (see
/// <see cref="ContainerAuthEventTypes"/>); a token is never one of them, only its fingerprint.
/// </summary>
public sealed record ContainerAuthEvent(string Type)
{
    /// <summary>When it happened; for <c>container-fed</c>, when the file was written.</summary>
    public DateTimeOffset Timestamp { get; init; }

    /// <summary>The image's name (<c>name:tag</c>) for image events; the container's image for container events.</summary>
    public string? Image { get; init; }

    public string? Container { get; init; }

    public string? ContainerId { get; init; }

    public string? Account { get; init; }

    /// <summary>The access token's fingerprint (<c>sha256:</c> and 12 hex digits), never the token.</summary>
    public string? Fingerprint { get; init; }

    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>From then on the credentials read as "expiring" (as in the image and container lists).</summary>
    public DateTimeOffset? ExpiringFrom { get; init; }

    /// <summary>valid, expiring, expired or none (<c>CredentialStatus</c>); for job events the job's state.</summary>
    public string? Status { get; init; }

    public string? JobId { get; init; }

    public string? JobKind { get; init; }

    public string? JobTarget { get; init; }

    public double? Progress { get; init; }

    /// <summary>One sentence: a job's step, why a feed failed.</summary>
    public string? Message { get; init; }

    /// <summary>On <c>connected</c>: how often the server sends a heartbeat when nothing else happens.</summary>
    public TimeSpan? HeartbeatInterval { get; init; }
}

public static class ContainerAuthEventTypes
{
    /// <summary>Sent once when a stream opens, with <c>HeartbeatInterval</c>: the client is subscribed from here on.</summary>
    public const string Connected = "connected";

    /// <summary>Sent when nothing else was for a heartbeat interval, so a client can tell a quiet stream from a dead one.</summary>
    public const string Heartbeat = "heartbeat";

    /// <summary>Para wrote credentials into an image that had none under that name (Image, Account, Fingerprint, ExpiresAt).</summary>
    public const string ImageAuthenticated = "image-authenticated";

    /// <summary>Para replaced the credentials of an image of that name (the same fields).</summary>
    public const string ImageReauthenticated = "image-reauthenticated";

    /// <summary>The account's token changed since the image was written: a container started from it begins with an old token.</summary>
    public const string ImageStale = "image-stale";

    /// <summary>A para image name appeared or moved (built, tagged, committed); the image list changed.</summary>
    public const string ImageTagged = "image-tagged";

    /// <summary>An image was untagged or deleted. The engine names only its id, so the image list must be read again.</summary>
    public const string ImageRemoved = "image-removed";

    /// <summary>A para container started (Container, ContainerId, Image, Account from its label).</summary>
    public const string ContainerStarted = "container-started";

    /// <summary>A para container stopped (it died or was stopped).</summary>
    public const string ContainerStopped = "container-stopped";

    /// <summary>A para container was removed.</summary>
    public const string ContainerRemoved = "container-removed";

    /// <summary>Para wrote the account's current access token into the running container (Fingerprint, ExpiresAt, Timestamp).</summary>
    public const string ContainerFed = "container-fed";

    /// <summary>Feeding a container failed (Message says why in one sentence).</summary>
    public const string ContainerFeedFailed = "container-feed-failed";

    /// <summary>The engine's event stream came back after a break: what happened meanwhile went unseen, read the lists again.</summary>
    public const string EngineReconnected = "engine-reconnected";

    /// <summary>A job began (JobId, JobKind, JobTarget).</summary>
    public const string JobStarted = "job-started";

    /// <summary>A job reported a step (Progress 0..1, Message).</summary>
    public const string JobProgress = "job-progress";

    /// <summary>A job ended; Status is succeeded or failed, Message its last step or error.</summary>
    public const string JobFinished = "job-finished";
}
