using System.Collections.Concurrent;
using Para.Contracts.Credentials;

namespace Para.ContainerAuth.Propagation;

/// <summary>
/// What each container was last fed, by this process, and each account's credentials as last
/// fetched from the account API: shared by every path that writes into containers (feeding,
/// <c>containers reauth</c>), so none of them later writes an older token over a newer one.
/// </summary>
public sealed class FeedLedger
{
    private readonly ConcurrentDictionary<string, FedRecord> _fed = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, CredentialsExport> _latest = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The account's credentials as fetched last; the account API always answers with its current ones.</summary>
    public CredentialsExport? Latest(string account) => _latest.TryGetValue(account, out var export) ? export : null;

    public void Fetched(CredentialsExport export) => _latest[export.AccountName] = export;

    /// <summary>The account's tokens changed: what was fetched is outdated.</summary>
    public void Outdated(string account) => _latest.TryRemove(account, out _);

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
