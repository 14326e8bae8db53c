using System.Collections.Concurrent;

namespace Para.ContainerAuth.Propagation;

/// <summary>What each container was last fed, by this process: kept apart so the container list can show it.</summary>
public sealed class FeedLedger
{
    private readonly ConcurrentDictionary<string, FedRecord> _fed = new(StringComparer.Ordinal);

    public FedRecord? LastFed(string containerId) => _fed.TryGetValue(containerId, out var record) ? record : null;

    public void Record(string containerId, FedRecord record) => _fed[containerId] = record;

    /// <summary>The container stopped or went away: whatever it holds, it is fed afresh when it runs again.</summary>
    public void Forget(string containerId) => _fed.TryRemove(containerId, out _);

    /// <summary>Forgets containers that no longer run, so the ledger does not grow with every container ever fed.</summary>
    public void Retain(IReadOnlySet<string> running)
    {
        foreach (var gone in _fed.Keys.Where(id => !running.Contains(id)).ToList())
        {
            _fed.TryRemove(gone, out _);
        }
    }
}

/// <summary>What a container was last fed: the access token's fingerprint, when, for which account.</summary>
public sealed record FedRecord(string Fingerprint, DateTimeOffset At, string Account);
