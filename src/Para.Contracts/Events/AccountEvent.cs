namespace Para.Contracts.Events;

/// <summary>One change to an account, as <c>GET /api/events</c> streams it (the SSE event type is <see cref="Type"/>).</summary>
public sealed record AccountEvent(string Type, string AccountId, string AccountName, DateTimeOffset Timestamp);

public static class AccountEventTypes
{
    /// <summary>Sent once when a stream opens (empty account fields): the client is subscribed from here on.</summary>
    public const string Connected = "connected";

    public const string Created = "created";
    public const string Updated = "updated";
    public const string Reauthenticated = "reauthenticated";
    public const string Refreshed = "refreshed";
    public const string Reloaded = "reloaded";
    public const string Removed = "removed";
    public const string RequiresReauth = "requires-reauth";
}
