using System.Collections.Concurrent;
using Para.Accounts.Storage;
using Para.Contracts.Accounts;
using Para.Contracts.Credentials;

namespace Para.Accounts.Gateway;

/// <summary>The provider's word on one token: accepted or refused, when the gateway saw it.</summary>
internal sealed record ProviderVerdict(string Fingerprint, bool Accepted, DateTimeOffset At);

/// <summary>
/// Each account's latest provider verdict, as the gateway reports it, for the token it is about.
/// A verdict counts only while that token is the account's current one: after a refresh or a new
/// sign-in it says nothing. Kept in memory on purpose, not in the store: it is a runtime fact that
/// the gateway tells again on its next answer or usage poll, so a restart forgetting it costs nothing.
/// </summary>
internal sealed class ProviderVerdicts
{
    private readonly ConcurrentDictionary<string, ProviderVerdict> _latest = new(StringComparer.Ordinal);
    private long _version;

    /// <summary>Changes whenever a verdict is kept, so documents built from them can be reused until then.</summary>
    public long Version => Interlocked.Read(ref _version);

    /// <summary>The credential the gateway sends upstream for the account, as the gateway names it.</summary>
    public static string? CurrentFingerprint(AccountRecord account) =>
        (account.Mode == AccountModes.Console ? account.ApiKey : account.Tokens?.AccessToken) is { Length: > 0 } credential
            ? TokenFingerprint.Of(credential)
            : null;

    /// <summary>Keeps the verdict when it is about the account's current token; false when it was dropped.</summary>
    public bool Record(AccountRecord account, ProviderVerdict verdict)
    {
        if (!string.Equals(CurrentFingerprint(account), verdict.Fingerprint, StringComparison.Ordinal))
        {
            return false;
        }

        _latest.AddOrUpdate(account.Id, verdict, (_, current) =>
            // Several gateways may report on one token: the latest observation wins, whatever order they arrive in.
            current.Fingerprint == verdict.Fingerprint && current.At > verdict.At ? current : verdict);
        Interlocked.Increment(ref _version);
        return true;
    }

    /// <summary>The verdict on the account's current token, or null when there is none yet.</summary>
    public ProviderVerdict? Of(AccountRecord account) =>
        _latest.TryGetValue(account.Id, out var verdict) && string.Equals(verdict.Fingerprint, CurrentFingerprint(account), StringComparison.Ordinal)
            ? verdict
            : null;
}
