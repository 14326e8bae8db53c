namespace Para.Contracts.ContainerAuth;

/// <summary>
/// <c>POST /api/containers/feed</c>: the account's current access-only credentials written into
/// every running para container that uses it, in place (no restart). Null account: every account.
/// </summary>
public sealed record FeedReport(string? Account, int Containers, int Fed, TimeSpan Took, IReadOnlyList<FeedOutcome> Outcomes);

public sealed record FeedOutcome(string Container, string Account, bool Fed, string? Fingerprint, string Message);
