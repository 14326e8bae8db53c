using Microsoft.Extensions.Options;
using Para.Client;
using Para.Contracts.Accounts;

namespace Para.Gateway.Accounts;

/// <summary>
/// The account list (priority, paused, requires re-auth, mode, endpoint), from the account API,
/// kept until an account event says it changed or <see cref="GatewayOptions.AccountListCacheDuration"/> passes.
/// </summary>
internal sealed class AccountCatalog(IAccountsApi accounts, TimeProvider timeProvider, IOptionsMonitor<GatewayOptions> options)
{
    private readonly SemaphoreSlim _load = new(1, 1);
    private volatile Snapshot? _current;
    private long _version;

    public async Task<IReadOnlyList<AccountView>> GetAsync(CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        if (_current is { } current && current.Until > now)
        {
            return current.Accounts;
        }

        await _load.WaitAsync(cancellationToken);
        try
        {
            if (_current is { } loaded && loaded.Until > now)
            {
                return loaded.Accounts;
            }

            // A change heard while the list was on its way makes it stale: use it once, keep it not.
            var version = Interlocked.Read(ref _version);
            var list = await accounts.ListAccountsAsync(cancellationToken);
            if (Interlocked.Read(ref _version) == version)
            {
                _current = new Snapshot(list, timeProvider.GetUtcNow() + options.CurrentValue.AccountListCacheDuration);
            }

            return list;
        }
        finally
        {
            _load.Release();
        }
    }

    public void Forget()
    {
        Interlocked.Increment(ref _version);
        _current = null;
    }

    private sealed record Snapshot(IReadOnlyList<AccountView> Accounts, DateTimeOffset Until);
}
