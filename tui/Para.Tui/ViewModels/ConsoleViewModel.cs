using System.Runtime.CompilerServices;
using Para.Client;
using Para.Contracts;
using Para.Contracts.ContainerAuth;
using Para.Contracts.Events;

namespace Para.Tui.ViewModels;

/// <summary>A piece of background work: calls the services, never throws, and returns what to apply on the UI thread.</summary>
public delegate Task<Action> ConsoleWork(CancellationToken cancellationToken);

/// <summary>
/// What the event stream brings the UI thread: <see cref="Apply"/> changes the model (stream state
/// or log); <see cref="Event"/> is the event it logged, if any, so the tabs it touches reload.
/// </summary>
public sealed record EventStreamUpdate(Action Apply, ConsoleEvent? Event = null);

public enum ConsoleTab
{
    Accounts,
    Images,
    Containers,
    Health,
    Jobs,
}

/// <summary>
/// The console's state and its refresh logic. Loads and actions are <see cref="ConsoleWork"/>:
/// they run off the UI thread and hand back the state change, which the window applies on the UI
/// thread. Nothing here knows Terminal.Gui.
/// </summary>
public sealed class ConsoleViewModel
{
    public const int LogCapacity = 500;

    private readonly IParaConsoleData _data;
    private readonly TimeProvider _time;
    private readonly List<ConsoleEvent> _log = [];

    public ConsoleViewModel(IParaConsoleData data, TimeProvider time, ConsoleOptions options)
    {
        _data = data;
        _time = time;
        Options = options;
        Accounts = new("Accounts",
        [
            new("Name", (a, _) => a.Name),
            new("Mode", (a, _) => a.Mode),
            new("Prio", (a, _) => a.Priority.ToString(System.Globalization.CultureInfo.InvariantCulture), (a, _) => a.Priority),
            new("Status", (a, now) => AccountStatusRules.Describe(AccountStatusRules.Classify(a, now)), (a, now) => AccountStatusRules.Classify(a, now)),
            new("Expires", (a, now) => ConsoleFormat.Countdown(a.AccessTokenExpiresAt, now), (a, _) => a.AccessTokenExpiresAt),
            new("RT age", (a, now) => ConsoleFormat.Age(a.RefreshTokenIssuedAt, now), (a, _) => a.RefreshTokenIssuedAt),
            new("Reqs", (a, _) => a.Requests.ToString(System.Globalization.CultureInfo.InvariantCulture), (a, _) => a.Requests),
            new("5h", (a, _) => ConsoleFormat.Percent(a.Limits?.FiveHour), (a, _) => a.Limits?.FiveHour),
            new("7d", (a, _) => ConsoleFormat.Percent(a.Limits?.SevenDay), (a, _) => a.Limits?.SevenDay),
            new("Last used", (a, now) => ConsoleFormat.Ago(a.LastUsed, now), (a, _) => a.LastUsed),
        ], a => a.Name);
        Images = new("Images",
        [
            new("Image", (i, _) => i.Name),
            new("Account", (i, _) => i.AuthenticatedBy ?? "-"),
            new("Authenticated", (i, now) => ConsoleFormat.Ago(i.AuthenticatedAt, now), (i, _) => i.AuthenticatedAt),
            new("Expires", (i, now) => ConsoleFormat.Countdown(i.CredentialsExpireAt, now), (i, _) => i.CredentialsExpireAt),
            new("Status", (i, now) => i.StatusAt(now)),
        ], i => i.Name);
        Containers = new("Containers",
        [
            new("Container", (c, _) => c.Name),
            new("Account", (c, _) => c.Account ?? "-"),
            new("State", (c, _) => c.State),
            new("Credentials", (c, now) => c.CredentialsAt(now)),
            new("Fed", (c, now) => ConsoleFormat.AgoShort(c.LastFedAt, now), (c, _) => c.LastFedAt),
            new("Token", (c, _) => ConsoleFormat.Fingerprint(c.FedFingerprint)),
            new("Expires", (c, now) => ConsoleFormat.Countdown(c.CredentialsExpireAt, now), (c, _) => c.CredentialsExpireAt),
            new("Image", (c, _) => c.Image),
        ], c => c.Name);
        Jobs = new("Jobs",
        [
            new("Job", (j, _) => j.Kind),
            new("Target", (j, _) => j.Target),
            new("State", (j, _) => j.State.ToString().ToLowerInvariant()),
            new("Progress", (j, _) => ConsoleFormat.Bar(j.Progress), (j, _) => j.Progress),
            new("Step", (j, _) => j.Step ?? ""),
        ], j => j.Id);
    }

    public ConsoleOptions Options { get; }

    public TableState<AccountRow> Accounts { get; }

    public TableState<ImageRow> Images { get; }

    public TableState<ContainerRow> Containers { get; }

    public TableState<JobRow> Jobs { get; }

    public HealthSnapshot? Health { get; private set; }

    public HealthHistory History { get; } = new();

    /// <summary>The newest events last; at most <see cref="LogCapacity"/>.</summary>
    public IReadOnlyList<ConsoleEvent> Log => _log;

    /// <summary>How many events arrived since start, including those trimmed from <see cref="Log"/>.</summary>
    public long EventsSeen { get; private set; }

    /// <summary>Null until the first health answer; then whether each service answered.</summary>
    public bool? AccountsUp => Health?.Accounts.Reachable;

    public bool? ContainerAuthUp => Health?.ContainerAuth.Reachable;

    /// <summary>The last result or error, one sentence.</summary>
    public string StatusLine { get; private set; } = "";

    public bool StatusIsError { get; private set; }

    public string EventStreamState { get; private set; } = "events: connecting";

    public DateTimeOffset Now => _time.GetUtcNow();

    public TimeProvider Time => _time;

    public IParaConsoleData Data => _data;

    public ConsoleTab Tab { get; set; } = ConsoleTab.Accounts;

    /// <summary>The header line: each service up or down, and whether events are live.</summary>
    public string Header =>
        $"para │ {ServiceText(ServiceNames.Accounts, AccountsUp)} │ {ServiceText(ServiceNames.ContainerAuth, ContainerAuthUp)} │ {EventStreamState}";

    /// <summary>The header for a line of <paramref name="width"/> columns: with a "dashboard" hint when one is configured and it fits.</summary>
    public string HeaderFor(int width)
    {
        const string hint = " │ dashboard: ?";
        var header = Header;
        return Options.DashboardUrl is not null && header.Length + hint.Length <= width ? header + hint : header;
    }

    private static string ServiceText(string name, bool? up) => up switch
    {
        true => $"{name} ● up",
        false => $"{name} ○ down",
        null => $"{name} … ",
    };

    public void Report(string message, bool isError = false)
    {
        StatusLine = message;
        StatusIsError = isError;
    }

    /// <summary>Every read the console polls, one piece of work per section so a slow service delays only its tabs.</summary>
    public IReadOnlyList<(string Section, ConsoleWork Work)> Loads() =>
    [
        ("health", LoadHealthAsync),
        ("accounts", Load(_data.GetAccountsAsync, Accounts)),
        ("images", Load(_data.GetImagesAsync, Images)),
        ("containers", Load(_data.GetContainersAsync, Containers)),
        ("jobs", Load(_data.GetJobsAsync, Jobs)),
    ];

    private static ConsoleWork Load<T>(Func<CancellationToken, Task<IReadOnlyList<T>>> read, TableState<T> table) => async cancellationToken =>
    {
        try
        {
            var rows = await read(cancellationToken).ConfigureAwait(false);
            return () => table.Replace(rows);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            var sentence = ServiceErrors.Describe(exception);
            return () => table.Fail(sentence);
        }
    };

    private async Task<Action> LoadHealthAsync(CancellationToken cancellationToken)
    {
        try
        {
            var health = await _data.GetHealthAsync(cancellationToken).ConfigureAwait(false);
            return () => ApplyHealth(health);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            var sentence = ServiceErrors.Describe(exception);
            return () => ApplyHealth(new HealthSnapshot(
                ServiceHealth.Unreachable(ServiceNames.Accounts, sentence),
                ServiceHealth.Unreachable(ServiceNames.ContainerAuth, sentence),
                null));
        }
    }

    public void ApplyHealth(HealthSnapshot health)
    {
        Health = health;
        if (health.Authentication is { } numbers)
        {
            History.Add(numbers);
        }
    }

    /// <summary>An event from a stream: logged, and the caller reloads the tabs it touches.</summary>
    public void ApplyEvent(ConsoleEvent consoleEvent)
    {
        EventsSeen++;
        if (consoleEvent.ContainerAuth?.Type == ContainerAuthEventTypes.JobProgress)
        {
            // A job's steps show on its row; the log keeps its start and end.
            return;
        }

        _log.Add(consoleEvent);
        if (_log.Count > LogCapacity)
        {
            _log.RemoveRange(0, _log.Count - LogCapacity);
        }
    }

    /// <summary>Why the account API's event stream is not live (the Health tab shows it), or null.</summary>
    public string? EventStreamError { get; private set; }

    /// <summary>Why container-auth's event stream is not live, or null.</summary>
    public string? ContainerAuthStreamError { get; private set; }

    private bool? _accountsLive;
    private bool? _containerAuthLive;

    /// <summary>
    /// While container-auth's stream is live its tabs (Images, Containers, Jobs) change from its
    /// events alone; the poll reads them only while it is down.
    /// </summary>
    public bool ContainerAuthEventsLive => _containerAuthLive == true;

    /// <summary>The sections container-auth's stream keeps current.</summary>
    public static readonly IReadOnlySet<string> ContainerAuthSections = new HashSet<string>(StringComparer.Ordinal) { "images", "containers", "jobs" };

    public void EventStream(bool live, string? reason = null)
    {
        _accountsLive = live;
        EventStreamError = live ? null : reason;
        UpdateEventStreamState();
    }

    public void ContainerAuthEventStream(bool live, string? reason = null)
    {
        _containerAuthLive = live;
        ContainerAuthStreamError = live ? null : reason;
        UpdateEventStreamState();
    }

    // "live" only when no stream is down: then nothing is polled but health and accounts.
    private void UpdateEventStreamState() =>
        EventStreamState = _accountsLive == false || _containerAuthLive == false ? "events: polling"
            : _accountsLive == true || _containerAuthLive == true ? "events: live"
            : "events: connecting";

    /// <summary>
    /// A container-auth event changes the rows it names in place (no poll); returns the sections
    /// to read again because the event cannot say enough (a row it does not know, a removed image
    /// the engine names only by id, a stream that just (re)connected).
    /// </summary>
    public IReadOnlySet<string> ApplyContainerAuthEvent(ContainerAuthEvent change)
    {
        var reload = new HashSet<string>(StringComparer.Ordinal);
        switch (change.Type)
        {
            case ContainerAuthEventTypes.Connected:
                reload.UnionWith(ContainerAuthSections);
                break;
            case ContainerAuthEventTypes.EngineReconnected:
                reload.UnionWith(["images", "containers"]);
                break;
            case ContainerAuthEventTypes.ImageTagged or ContainerAuthEventTypes.ImageRemoved:
                reload.Add("images");
                break;
            case ContainerAuthEventTypes.ImageAuthenticated or ContainerAuthEventTypes.ImageReauthenticated:
                UpdateOrReload(Images, change.Image, "images", reload, image => image with
                {
                    AuthenticatedBy = change.Account,
                    AuthenticatedAt = change.Timestamp,
                    CredentialsExpireAt = change.ExpiresAt,
                    ExpiringFrom = change.ExpiringFrom,
                    Status = change.Status ?? image.Status,
                    Stale = false,
                });
                break;
            case ContainerAuthEventTypes.ImageStale:
                UpdateOrReload(Images, change.Image, "images", reload, image => image with { Stale = true });
                break;
            case ContainerAuthEventTypes.ContainerStarted:
                UpdateOrReload(Containers, change.Container, "containers", reload, container => container with { State = "running" });
                break;
            case ContainerAuthEventTypes.ContainerStopped:
                UpdateOrReload(Containers, change.Container, "containers", reload, container => container with { State = "exited" });
                break;
            case ContainerAuthEventTypes.ContainerRemoved when change.Container is { } name:
                Containers.Update(name, _ => null);
                break;
            case ContainerAuthEventTypes.ContainerFed:
                UpdateOrReload(Containers, change.Container, "containers", reload, container => container with
                {
                    Account = change.Account ?? container.Account,
                    LastFedAt = change.Timestamp,
                    FedFingerprint = change.Fingerprint,
                    CredentialsExpireAt = change.ExpiresAt,
                    ExpiringFrom = change.ExpiringFrom,
                    CredentialStatus = change.Status ?? container.CredentialStatus,
                });
                break;
            case ContainerAuthEventTypes.JobStarted or ContainerAuthEventTypes.JobProgress or ContainerAuthEventTypes.JobFinished when change.JobId is { } id:
                var state = JobStateOf(change.Status);
                var finished = state is JobState.Succeeded or JobState.Failed ? change.Timestamp : (DateTimeOffset?)null;
                if (!Jobs.Update(id, job => job with { State = state, Progress = change.Progress ?? job.Progress, Step = change.Message ?? job.Step, FinishedAt = finished ?? job.FinishedAt }))
                {
                    // Newest first, as the service lists them.
                    Jobs.Replace([new JobRow(id, change.JobKind ?? "job", change.JobTarget ?? "", state, change.Progress ?? 0, change.Message, change.Timestamp, finished), .. Jobs.All]);
                }

                break;
        }

        return reload;
    }

    private static void UpdateOrReload<T>(TableState<T> table, string? name, string section, HashSet<string> reload, Func<T, T> change)
    {
        if (name is null || !table.Update(name, row => change(row)))
        {
            reload.Add(section);
        }
    }

    private static JobState JobStateOf(string? state) => state switch
    {
        JobStates.Running => JobState.Running,
        JobStates.Succeeded => JobState.Succeeded,
        JobStates.Failed => JobState.Failed,
        _ => JobState.Queued,
    };

    /// <summary>
    /// Follows the services' event stream until cancelled, reconnecting by itself: the stream
    /// going live, each event, and each break (with its reason) come out as updates to apply on
    /// the UI thread. After a break it waits <see cref="ConsoleOptions.ReconnectDelay"/>, doubling
    /// after each failed attempt up to <see cref="ConsoleOptions.MaxReconnectDelay"/>, and starts
    /// again from the first delay once a stream delivered. Waits use the view model's clock.
    /// </summary>
    public IAsyncEnumerable<EventStreamUpdate> FollowEventsAsync(CancellationToken cancellationToken) =>
        FollowAsync(_data.WatchEventsAsync, EventStream, cancellationToken);

    /// <summary>The same for container-auth's stream (images, containers, jobs): its state is kept apart, as is its polling fallback.</summary>
    public IAsyncEnumerable<EventStreamUpdate> FollowContainerAuthEventsAsync(CancellationToken cancellationToken) =>
        FollowAsync(_data.WatchContainerAuthEventsAsync, ContainerAuthEventStream, cancellationToken);

    private async IAsyncEnumerable<EventStreamUpdate> FollowAsync(Func<CancellationToken, IAsyncEnumerable<ConsoleEvent>> watch, Action<bool, string?> setState,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var delay = Options.ReconnectDelay;
        while (!cancellationToken.IsCancellationRequested)
        {
            var live = false;
            string? broken = null;
            var stream = watch(cancellationToken).GetAsyncEnumerator(cancellationToken);
            try
            {
                while (broken is null)
                {
                    try
                    {
                        broken = await stream.MoveNextAsync().ConfigureAwait(false) ? null : "the event stream ended; reconnecting";
                    }
                    catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                    {
                        yield break;
                    }
                    catch (Exception exception) when (exception is not OutOfMemoryException)
                    {
                        broken = ServiceErrors.Describe(exception);
                    }

                    if (broken is not null)
                    {
                        break;
                    }

                    if (!live)
                    {
                        live = true;
                        delay = Options.ReconnectDelay;
                        yield return new EventStreamUpdate(() => setState(true, null));
                    }

                    var consoleEvent = stream.Current;
                    yield return new EventStreamUpdate(() => ApplyEvent(consoleEvent), consoleEvent);
                }
            }
            finally
            {
                await stream.DisposeAsync().ConfigureAwait(false);
            }

            yield return new EventStreamUpdate(() => setState(false, broken));
            if (!await WaitAsync(delay, cancellationToken).ConfigureAwait(false))
            {
                yield break;
            }

            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, Options.MaxReconnectDelay.Ticks));
        }
    }

    private async Task<bool> WaitAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    // Actions. Each returns the work; the work reports its result in the status line.

    public ConsoleWork Refresh(AccountRow account) => Act(async ct =>
    {
        var result = await _data.RefreshAsync(account.Name, ct).ConfigureAwait(false);
        return (result.Message, !result.Success);
    });

    public ConsoleWork TogglePause(AccountRow account) => Act(async ct =>
    {
        await _data.SetPausedAsync(account.Name, !account.Paused, ct).ConfigureAwait(false);
        return ($"{account.Name} {(account.Paused ? "resumed" : "paused")}.", false);
    });

    public ConsoleWork ChangePriority(AccountRow account, int delta) => Act(async ct =>
    {
        var priority = Math.Max(0, account.Priority + delta);
        await _data.SetPriorityAsync(account.Name, priority, ct).ConfigureAwait(false);
        return ($"{account.Name} now has priority {priority}.", false);
    });

    public ConsoleWork Delete(AccountRow account) => Act(async ct =>
    {
        await _data.DeleteAsync(account.Name, ct).ConfigureAwait(false);
        return ($"{account.Name} deleted.", false);
    });

    public ConsoleWork ReauthAll(bool includeContainers) => Act(async ct =>
    {
        var job = await _data.ReauthAllAsync(includeContainers, ct).ConfigureAwait(false);
        return ($"Reauth-all started (job {job.Id}); progress is on the Jobs tab.", false);
    });

    public ConsoleWork Verify(VerifyTarget target, string name) => Act(async ct =>
    {
        var result = await _data.VerifyAsync(target, name, ct).ConfigureAwait(false);
        return ($"{name}: {result.Message}", !result.Success);
    });

    private ConsoleWork Act(Func<CancellationToken, Task<(string Message, bool IsError)>> action) => async cancellationToken =>
    {
        try
        {
            var (message, isError) = await action(cancellationToken).ConfigureAwait(false);
            return () => Report(message, isError);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            var sentence = ServiceErrors.Describe(exception);
            return () => Report(sentence, isError: true);
        }
    };
}
