namespace Para.Contracts.ContainerAuth;

/// <summary><c>auth setup</c>: base image + an account's credentials → the authenticated image.</summary>
public sealed record SetupRequest(string Account, string? BaseImage = null, bool Force = false);

/// <summary><c>auth reauth</c>: fresh credentials into a new authenticated image.</summary>
public sealed record ReauthRequest(string? Account = null, bool RemoveContainers = false);

/// <summary>
/// <c>auth cleanup</c>: authenticated images, temporary containers and volumes; with
/// <c>TemporaryOnly</c> just the temporary containers a failed or interrupted job left behind.
/// </summary>
public sealed record CleanupRequest(bool DryRun = false, bool TemporaryOnly = false);

public sealed record CleanupResult(
    bool DryRun,
    IReadOnlyList<string> Images,
    IReadOnlyList<string> Containers,
    IReadOnlyList<string> Volumes);

public sealed record BuildImageRequest(string RepoPath);

/// <summary><c>images authenticate</c>: credentials of the authenticated base image, or of a named account.</summary>
public sealed record AuthenticateImageRequest(string Image, string? Account = null);

public sealed record ContainerReauthRequest(string? Account = null, string? CommitTag = null, bool Restart = false);

/// <summary>
/// <c>auth reauth-all</c>: the base, the custom images Para manages and <c>Images</c> (para images the
/// user names, managed or not), and running para containers when <c>IncludeContainers</c>.
/// </summary>
public sealed record ReauthAllRequest(string? Account = null, bool IncludeContainers = false, int? MaxParallelism = null,
    IReadOnlyList<string>? Images = null);

/// <summary>
/// What <c>reauth-all</c> would do (its dry run): the account, each item in order, and the para
/// images it leaves alone because Para does not manage them (name one to include it).
/// </summary>
public sealed record ReauthAllPlan(string Account, IReadOnlyList<ReauthPlanItem> Items, IReadOnlyList<string> Unmanaged);

/// <summary>One item of <see cref="ReauthAllPlan"/>: <c>base</c>, <c>image</c> or <c>container</c>, and what it writes.</summary>
public sealed record ReauthPlanItem(string Kind, string Source, string Target);

/// <summary>What an image operation produced.</summary>
public sealed record ImageResult(
    string Image,
    string Id,
    string Account,
    DateTimeOffset ExpiresAt,
    IReadOnlyList<string> ContainersFromOldImage,
    IReadOnlyList<string> RemovedContainers);

public sealed record ContainerReauthResult(string Container, string Account, DateTimeOffset ExpiresAt, string? CommittedImage, bool Restarted);

/// <summary>One image or container of <c>reauth-all</c> and how it went.</summary>
public sealed record ReauthItemOutcome(string Kind, string Source, string? Target, bool Succeeded, string? Error, TimeSpan Duration);

public sealed record ReauthAllResult(int Succeeded, int Failed, IReadOnlyList<ReauthItemOutcome> Items);

public sealed record VerifyRequest(string Target, string? Command = null);

public sealed record VerifyCheck(string Name, bool Passed, string Detail);

public sealed record VerifyResult(string Target, string Kind, bool Passed, IReadOnlyList<VerifyCheck> Checks);
