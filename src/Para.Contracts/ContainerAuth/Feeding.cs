namespace Para.Contracts.ContainerAuth;

/// <summary>
/// <c>POST /api/containers/feed</c>: the account's current access-only credentials written into
/// every running para container that uses it, in place (no restart). Null account: every account.
/// </summary>
/// <param name="WithoutAccount">Running para containers no assignment or label gives an account: never fed, listed so a person sees them.</param>
public sealed record FeedReport(string? Account, int Containers, int Fed, TimeSpan Took, IReadOnlyList<FeedOutcome> Outcomes,
    IReadOnlyList<string>? WithoutAccount = null);

public sealed record FeedOutcome(string Container, string Account, bool Fed, string? Fingerprint, string Message);

/// <summary><c>PUT /api/containers/{container}/account</c>: the account the container uses from now on.</summary>
public sealed record ContainerAccountRequest(string Account);

/// <summary>
/// The account a container uses after an assignment or its removal, where that comes from
/// (<see cref="AccountSources"/>; both null: none), and the feed done at once (null when it is not
/// running or has no account).
/// </summary>
public sealed record ContainerAccountResult(string Container, string? Account, string? AccountSource, FeedOutcome? Feed, string Message);
