using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Para.Accounts.Tokens;

namespace Para.Accounts.AuthRefresh;

/// <summary>
/// The last account statuses read from the token service. Observable instruments are read on the
/// exporter's thread and must not wait on storage, so they read this copy and at most start one
/// background re-read when it has grown old.
/// </summary>
internal sealed class AccountStatusCache(
    IAccountTokenService tokens,
    TimeProvider timeProvider,
    IOptionsMonitor<AuthRefreshOptions> options,
    ILogger<AccountStatusCache> logger)
{
    private readonly Lock _lock = new();
    private Snapshot? _latest;
    private Task? _backgroundRead;

    public IReadOnlyList<AccountTokenStatus> Latest => Volatile.Read(ref _latest)?.Statuses ?? [];

    public async Task<IReadOnlyList<AccountTokenStatus>> ReadAsync(CancellationToken cancellationToken)
    {
        var statuses = await tokens.GetStatusesAsync(cancellationToken);
        Volatile.Write(ref _latest, new Snapshot(statuses, timeProvider.GetUtcNow()));
        return statuses;
    }

    /// <summary>After a refresh the expiry times changed; the next reader re-reads.</summary>
    public void MarkStale()
    {
        if (Volatile.Read(ref _latest) is { } latest)
        {
            Volatile.Write(ref _latest, latest with { ReadAt = DateTimeOffset.MinValue });
        }
    }

    /// <summary>Never waits: returns the cached copy and re-reads in the background when it is stale.</summary>
    public IReadOnlyList<AccountTokenStatus> LatestRefreshingIfStale()
    {
        var latest = Volatile.Read(ref _latest);
        var stale = latest is null || timeProvider.GetUtcNow() - latest.ReadAt >= options.CurrentValue.StatusCacheLifetime;
        if (stale)
        {
            lock (_lock)
            {
                if (_backgroundRead is null || _backgroundRead.IsCompleted)
                {
                    _backgroundRead = Task.Run(ReadQuietlyAsync);
                }
            }
        }

        return latest?.Statuses ?? [];
    }

    private async Task ReadQuietlyAsync()
    {
        try
        {
            await ReadAsync(CancellationToken.None);
        }
        catch (Exception exception)
        {
            AuthRefreshLog.StatusReadFailed(logger, exception.GetType().Name);
        }
    }

    private sealed record Snapshot(IReadOnlyList<AccountTokenStatus> Statuses, DateTimeOffset ReadAt);
}
