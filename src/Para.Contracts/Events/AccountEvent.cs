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

    /// <summary>A gateway key was revoked; the account fields name the key (its id and name), not an account.</summary>
    public const string GatewayKeyRevoked = "gateway-key-revoked";

    /// <summary>The event means the account's tokens changed, so every cached copy of them is stale.</summary>
    public static bool ChangesTokens(string type) => type is Refreshed or Reauthenticated or Reloaded or RequiresReauth or Removed;
}
