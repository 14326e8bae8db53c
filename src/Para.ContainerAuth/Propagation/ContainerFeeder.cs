using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Options;
using Para.ContainerAuth.Assignments;
using Para.ContainerAuth.Containers;
using Para.ContainerAuth.Credentials;
using Para.ContainerAuth.Docker;
using Para.Contracts.ContainerAuth;
using Para.Contracts.Credentials;

namespace Para.ContainerAuth.Propagation;

/// <summary>
/// Keeps every running para container holding its account's current access token. Para is the
/// only holder of the refresh token; a container gets access-only credentials and is fed in place
/// after every change: Claude Code re-reads a credentials file whose mtime changed (the archive
/// entry carries the write time), so no restart is needed. Which account a container uses is
/// <see cref="ContainerAccounts"/>' to say: an assignment, else its <c>para.account</c> label.
/// </summary>
public sealed partial class ContainerFeeder(
    DockerEngine engine,
    CredentialWriter writer,
    ICredentialSource credentials,
    ContainerOperations containers,
    ContainerAccounts accounts,
    FeedLedger ledger,
    Events.ContainerAuthEventHub events,
    IOptions<ContainerAuthOptions> options,
    TimeProvider timeProvider,
    ILogger<ContainerFeeder> logger)
{
    // A container's home and the account details written there do not change while it lives: the
    // first feed writes both files, later ones only the credentials file (known while unchanged).
    private readonly ConcurrentDictionary<string, (CredentialHome Home, ClaudeAccountDetails Details, WrittenCredentials Written)> _homes = new(StringComparer.Ordinal);

    // One feed at a time per container: two at once (a pass and an explicit feed) would each read,
    // merge and upload, and the slower upload could land over what was written in between.
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _feeding = new(StringComparer.Ordinal);

    /// <summary>When a container was last fed, and with which access token; null if never by this process.</summary>
    public FedRecord? LastFed(string containerId) => ledger.LastFed(containerId);

    /// <summary>Fresh credentials of <paramref name="account"/> (every account when null) into its running containers.</summary>
    public async Task<FeedReport> FeedAsync(string? account, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var (running, withoutAccount) = await RunningByAccountAsync(cancellationToken);
        var targets = account is null ? running : running.Where(group => string.Equals(group.Key, account, StringComparison.OrdinalIgnoreCase)).ToList();
        var outcomes = new ConcurrentBag<FeedOutcome>();
        foreach (var group in targets)
        {
            var (export, unavailable) = await ExportAsync(group.Key, cancellationToken);
            if (export is null)
            {
                foreach (var container in group)
                {
                    outcomes.Add(new FeedOutcome(container.Name, group.Key, false, null, unavailable!));
                }

                continue;
            }

            await FeedAllAsync(group, export, outcomes, cancellationToken);
        }

        var list = outcomes.OrderBy(outcome => outcome.Container, StringComparer.Ordinal).ToList();
        return new FeedReport(account, list.Count, list.Count(outcome => outcome.Fed), clock.Elapsed, list, account is null ? withoutAccount : []);
    }

    /// <summary>One container fed <paramref name="account"/>'s current credentials now (after an assignment).</summary>
    public async Task<FeedOutcome> FeedContainerAsync(EngineContainer container, string account, CancellationToken cancellationToken)
    {
        var (export, unavailable) = await ExportAsync(account, cancellationToken);
        return export is null
            ? new FeedOutcome(container.Name, account, false, null, unavailable!)
            : (await FeedOneAsync(container, export, cancellationToken))!;
    }

    /// <summary>
    /// The periodic pass: a container started since the last pass, or holding an older token than
    /// its account's latest, is fed. Credentials are asked for again once they fall due, so the
    /// account API's refresh reaches containers even without its change feed.
    /// </summary>
    public async Task<int> FeedStaleAsync(CancellationToken cancellationToken)
    {
        var fed = 0;
        var now = timeProvider.GetUtcNow();
        var (running, _) = await RunningByAccountAsync(cancellationToken);
        var alive = running.SelectMany(group => group).Select(container => container.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var gone in _homes.Keys.Where(id => !alive.Contains(id)).ToList())
        {
            _homes.TryRemove(gone, out _);
        }

        foreach (var gone in _feeding.Keys.Where(id => !alive.Contains(id)).ToList())
        {
            _feeding.TryRemove(gone, out _);
        }

        ledger.Retain(alive);
        foreach (var group in running)
        {
            var export = ledger.Latest(group.Key);
            if (export is null || (export.RefreshDueAt ?? export.ExpiresAt) <= now)
            {
                (export, var unavailable) = await ExportAsync(group.Key, cancellationToken);
                if (export is null)
                {
                    LogAccountUnavailable(logger, group.Key, unavailable!);
                    continue;
                }
            }

            var stale = group.Where(container => LastFed(container.Id)?.Fingerprint != export.Fingerprint).ToList();
            if (stale.Count == 0)
            {
                continue;
            }

            var outcomes = new ConcurrentBag<FeedOutcome>();
            await FeedAllAsync(stale, export, outcomes, cancellationToken, onlyIfStale: true);
            fed += outcomes.Count(outcome => outcome.Fed);
        }

        return fed;
    }

    /// <summary>The account's credentials now, remembered as its latest; or why there are none.</summary>
    private async Task<(CredentialsExport? Export, string? Unavailable)> ExportAsync(string account, CancellationToken cancellationToken)
    {
        try
        {
            var export = await credentials.GetAsync(account, cancellationToken);
            ledger.Fetched(export);
            return (export, null);
        }
        catch (CredentialsUnavailableException exception)
        {
            return (null, exception.Message);
        }
    }

    /// <summary>An account's tokens changed: its latest export is outdated.</summary>
    public void Forget(string account) => ledger.Outdated(account);

    private async Task FeedAllAsync(IEnumerable<EngineContainer> group, CredentialsExport export, ConcurrentBag<FeedOutcome> outcomes, CancellationToken cancellationToken, bool onlyIfStale = false)
    {
        await Parallel.ForEachAsync(
            group,
            new ParallelOptions { MaxDegreeOfParallelism = options.Value.FeedParallelism, CancellationToken = cancellationToken },
            async (container, token) =>
            {
                if (await FeedOneAsync(container, export, token, onlyIfStale) is { } outcome)
                {
                    outcomes.Add(outcome);
                }
            });
    }

    /// <param name="onlyIfStale">A pass's feed: skipped (null) when, by the time it is this container's turn, another feed already gave it this token.</param>
    private async Task<FeedOutcome?> FeedOneAsync(EngineContainer container, CredentialsExport export, CancellationToken cancellationToken, bool onlyIfStale = false)
    {
        var turn = _feeding.GetOrAdd(container.Id, static _ => new SemaphoreSlim(1, 1));
        await turn.WaitAsync(cancellationToken);
        try
        {
            if (onlyIfStale && LastFed(container.Id)?.Fingerprint == export.Fingerprint)
            {
                return null;
            }

            return await WriteOneAsync(container, export, cancellationToken);
        }
        finally
        {
            turn.Release();
        }
    }

    private async Task<FeedOutcome> WriteOneAsync(EngineContainer container, CredentialsExport export, CancellationToken cancellationToken)
    {
        try
        {
            if (_homes.TryGetValue(container.Id, out var known) && known.Details == export.AccountDetails)
            {
                var written = await writer.FeedAsync(container.Id, known.Home, export, known.Written, cancellationToken);
                _homes[container.Id] = known with { Written = written };
            }
            else
            {
                if (await engine.FindContainerAsync(container.Id, cancellationToken) is not var (_, user, env))
                {
                    return new FeedOutcome(container.Name, export.AccountName, false, null, GoneMessage);
                }

                // Both files, each merged into what is there, so Claude Code's own keys stay.
                var (home, written) = await writer.WriteAsync(container.Id, user, env, export, cancellationToken);
                _homes[container.Id] = (home, export.AccountDetails, written);
            }

            ledger.Record(container.Id, new FedRecord(export.Fingerprint, timeProvider.GetUtcNow(), export.AccountName));
            LogFed(logger, container.Name, export.AccountName, export.Fingerprint);
            events.ContainerFed(container.Name, container.Id, export);
            return new FeedOutcome(container.Name, export.AccountName, true, export.Fingerprint, $"fed access token {export.Fingerprint}");
        }
        catch (Exception exception) when (exception is DockerOperationException or DockerUnavailableException or InvalidOperationException)
        {
            if (exception is not InvalidOperationException && !await IsStillRunningAsync(container.Id))
            {
                // Stopped or removed meanwhile (Docker answers 404 or "RWLayer … is nil", or drops the upload): nothing failed.
                LogGoneWhileFed(logger, container.Name);
                return new FeedOutcome(container.Name, export.AccountName, false, null, GoneMessage);
            }

            LogFeedFailed(logger, container.Name, exception.Message);
            events.ContainerFeedFailed(container.Name, export.AccountName, exception.Message);
            return new FeedOutcome(container.Name, export.AccountName, false, null, exception.Message);
        }
    }

    /// <summary>A feed's outcome for a container that is not there to feed: not a failure.</summary>
    public const string GoneMessage = "The container stopped or was removed.";

    private async Task<bool> IsStillRunningAsync(string containerId)
    {
        try
        {
            return await engine.FindContainerAsync(containerId, CancellationToken.None) is var (found, _, _) && found.IsRunning;
        }
        catch (Exception exception) when (exception is DockerOperationException or DockerUnavailableException)
        {
            return true; // Unknown: report the feed's own failure.
        }
    }

    /// <summary>Running para containers by account, and the ones with none. Assignments of removed containers are forgotten on the way.</summary>
    private async Task<(List<IGrouping<string, EngineContainer>> ByAccount, IReadOnlyList<string> WithoutAccount)> RunningByAccountAsync(
        CancellationToken cancellationToken)
    {
        // Stopped ones too (one call either way): an assignment lasts until the container is removed.
        var every = await engine.ListContainersAsync(includeStopped: true, cancellationToken);
        accounts.Retain(every);
        var running = every.Where(container => container.IsRunning && containers.IsParaContainer(container.Name))
            .Select(container => (Container: container, Account: accounts.AccountOf(container)))
            .ToList();
        return ([.. running.Where(entry => entry.Account is not null).GroupBy(entry => entry.Account!, entry => entry.Container, StringComparer.OrdinalIgnoreCase)],
            running.Where(entry => entry.Account is null).Select(entry => entry.Container.Name).Order(StringComparer.Ordinal).ToArray());
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Fed container {Container} with account {Account}'s access token {Fingerprint}")]
    private static partial void LogFed(ILogger logger, string container, string account, string fingerprint);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Container {Container} stopped or was removed while it was fed")]
    private static partial void LogGoneWhileFed(ILogger logger, string container);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Feeding container {Container} failed: {Reason}")]
    private static partial void LogFeedFailed(ILogger logger, string container, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No credentials for account {Account} to feed its containers: {Reason}")]
    private static partial void LogAccountUnavailable(ILogger logger, string account, string reason);
}
