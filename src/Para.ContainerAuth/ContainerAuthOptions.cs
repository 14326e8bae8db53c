using System.ComponentModel.DataAnnotations;

namespace Para.ContainerAuth;

/// <summary>Image names and limits of the container-auth service (section <c>Para:ContainerAuth</c>).</summary>
public sealed class ContainerAuthOptions
{
    public const string SectionName = "Para:ContainerAuth";

    /// <summary>The image every para image starts from.</summary>
    [Required]
    public string BaseImage { get; set; } = "para-claude:latest";

    /// <summary>The base image with credentials in it.</summary>
    [Required]
    public string AuthenticatedImage { get; set; } = "para-authenticated:latest";

    /// <summary>Images and containers whose name starts with this belong to Para.</summary>
    [Required]
    public string NamePrefix { get; set; } = "para-";

    /// <summary>The account used when a request names none and no image says which.</summary>
    public string? DefaultAccount { get; set; }

    /// <summary>Where credentials go when the image's user and HOME should not decide.</summary>
    public string? HomeOverride { get; set; }

    /// <summary>How many images <c>reauth-all</c> works on at once.</summary>
    [Range(1, 32)]
    public int MaxParallelism { get; set; } = 4;

    /// <summary>
    /// Credentials expiring sooner than this are reported as <c>expiring</c>, where the account API
    /// did not say when they fall due (files read from containers, images from before the label).
    /// Default 30 minutes, the account API's refresh window.
    /// </summary>
    public TimeSpan ExpiringWithin { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Run by <c>verify</c> in a throwaway container (network none); exit code 0 passes.</summary>
    [Required]
    public string VerifyCommand { get; set; } = "claude --help";

    /// <summary>
    /// Whether images and containers get the account's refresh token (default no). Refresh tokens
    /// are single-use and rotating: Claude Code in a container refreshes on its own and races Para,
    /// and after Para's next refresh the container's copy is a used token, which strict providers
    /// answer by revoking every holder's tokens. Without it Para is the only refresher and feeds
    /// every running container the new access token in place (docs/decisions/0006).
    /// </summary>
    public bool IncludeRefreshToken { get; set; }

    /// <summary>How often running containers are checked for credentials older than their account's (default 15 s).</summary>
    public TimeSpan FeedScanInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// How often <c>GET /api/events</c> sends a heartbeat when nothing else happened (default 15 s),
    /// so a client can tell a quiet stream from a dead connection.
    /// </summary>
    public TimeSpan EventHeartbeatInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How many containers are fed at once (default 8).</summary>
    [Range(1, 64)]
    public int FeedParallelism { get; set; } = 8;

    /// <summary>
    /// Whether an account's stale authenticated images are re-baked by themselves after its tokens
    /// change (default no): one <c>images-auto-reauth</c> job per account, through the reauth-all
    /// workflow. Running containers do not need it (they are fed in place); containers started
    /// later begin with a current token instead of waiting for the next feeding pass.
    /// </summary>
    public bool AutoReauthImages { get; set; }

    /// <summary>How long after an account's last token change its images are re-baked, so a burst of changes makes one re-bake (default 10 s).</summary>
    public TimeSpan AutoReauthImagesDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long <c>verify</c> lets the check command run.</summary>
    public TimeSpan VerifyTimeout { get; set; } = TimeSpan.FromSeconds(60);
}
