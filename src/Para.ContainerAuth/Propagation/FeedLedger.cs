using System.Collections.Concurrent;

namespace Para.ContainerAuth.Propagation;

/// <summary>What each container was last fed, by this process: kept apart so the container list can show it.</summary>
public sealed class FeedLedger
{
    private readonly ConcurrentDictionary<string, FedRecord> _fed = new(StringComparer.Ordinal);

    public FedRecord? LastFed(string containerId) => _fed.TryGetValue(containerId, out var record) ? record : null;

    public void Record(string containerId, FedRecord record) => _fed[containerId] = record;
}

/// <summary>What a container was last fed: the access token's fingerprint, when, for which account.</summary>
public sealed record FedRecord(string Fingerprint, DateTimeOffset At, string Account);
