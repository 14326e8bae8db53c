using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Para.Client;
using Para.Contracts.Gateway;

namespace Para.Gateway.Tokens;

/// <summary>
/// Each account's upstream credential, from the account API, kept until shortly before the token
/// expires or until the account API says it changed (<see cref="Forget"/>, from the event stream).
/// Concurrent callers for one account share one request. Tokens stay in memory only.
/// </summary>
internal sealed class UpstreamCredentials(IAccountsApi accounts, TimeProvider timeProvider, IOptionsMonitor<GatewayOptions> options)
{
    private readonly ConcurrentDictionary<string, Lazy<Task<UpstreamCredential>>> _cache = new(StringComparer.Ordinal);
    private long _invalidations;

    /// <summary>How many times a cached credential was dropped; tests wait on it.</summary>
    public long Invalidations => Interlocked.Read(ref _invalidations);

    public async Task<UpstreamCredential> GetAsync(string accountId, CancellationToken cancellationToken)
    {
        var credential = await FetchAsync(accountId, cancellationToken);
        if (credential.ExpiresAt is { } expiresAt && expiresAt - timeProvider.GetUtcNow() <= options.CurrentValue.TokenExpiryMargin)
        {
            // Close to expiry: the account API refreshes it when asked; ask once more, whatever it answers.
            Forget(accountId);
            credential = await FetchAsync(accountId, cancellationToken);
        }

        return credential;
    }

    private async Task<UpstreamCredential> FetchAsync(string accountId, CancellationToken cancellationToken)
    {
        var entry = _cache.GetOrAdd(accountId, id => new Lazy<Task<UpstreamCredential>>(() => accounts.GetUpstreamCredentialAsync(id, CancellationToken.None)));
        try
        {
            return await entry.Value.WaitAsync(cancellationToken);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // A failure is not cached: the next request asks again.
            _cache.TryRemove(new KeyValuePair<string, Lazy<Task<UpstreamCredential>>>(accountId, entry));
            throw;
        }
    }

    public void Forget(string accountId)
    {
        if (_cache.TryRemove(accountId, out _))
        {
            Interlocked.Increment(ref _invalidations);
        }
    }

    public void ForgetAll()
    {
        if (!_cache.IsEmpty)
        {
            _cache.Clear();
            Interlocked.Increment(ref _invalidations);
        }
    }
}
