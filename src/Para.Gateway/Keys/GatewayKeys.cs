using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Para.Client;
using Para.Contracts.Gateway;
using Refit;

namespace Para.Gateway.Keys;

/// <summary>
/// Checks a client's gateway key with the account API, which keeps the hashes. A valid answer is
/// kept for <see cref="GatewayOptions.KeyCacheDuration"/>, under the key's hash (never the key);
/// a revocation on the event stream drops it at once, and losing the stream drops every entry.
/// </summary>
internal sealed class GatewayKeys(IAccountsApi accounts, TimeProvider timeProvider, IOptionsMonitor<GatewayOptions> options)
{
    private readonly ConcurrentDictionary<string, Entry> _valid = new(StringComparer.Ordinal);

    /// <summary>The key's owner, or null when it is not a live gateway key.</summary>
    public async Task<GatewayKeyIdentity?> ValidateAsync(string presented, CancellationToken cancellationToken)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(presented)));
        var now = timeProvider.GetUtcNow();
        if (_valid.TryGetValue(hash, out var cached) && cached.Until > now)
        {
            return cached.Identity;
        }

        try
        {
            var identity = await accounts.ValidateGatewayKeyAsync(new ValidateGatewayKeyRequest(presented), cancellationToken);
            _valid[hash] = new Entry(identity, now + options.CurrentValue.KeyCacheDuration);
            return identity;
        }
        catch (ApiException exception) when (exception.StatusCode == HttpStatusCode.NotFound)
        {
            _valid.TryRemove(hash, out _);
            return null;
        }
    }

    /// <summary>A revoked key (by its id) is refused from the next request on.</summary>
    public void Revoked(string keyId)
    {
        foreach (var (hash, entry) in _valid)
        {
            if (entry.Identity.Id == keyId)
            {
                _valid.TryRemove(hash, out _);
            }
        }
    }

    public void ForgetAll() => _valid.Clear();

    private sealed record Entry(GatewayKeyIdentity Identity, DateTimeOffset Until);
}
