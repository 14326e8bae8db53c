namespace Para.Contracts.Events;

/// <summary>One change to an account, as <c>GET /api/events</c> streams it (the SSE event type is <see cref="Type"/>).</summary>
public sealed record AccountEvent(string Type, string AccountId, string AccountName, DateTimeOffset Timestamp);

public static class AccountEventTypes
{
    public const string Created = "created";
    public const string Updated = "updated";
    public const string Reauthenticated = "reauthenticated";
    public const string Refreshed = "refreshed";
    public const string Reloaded = "reloaded";
    public const string Removed = "removed";
    public const string RequiresReauth = "requires-reauth";
}
