using System.Runtime.CompilerServices;
using Para.Client;
using Para.Contracts;
using Para.Contracts.Accounts;
using Para.Contracts.ContainerAuth;
using Para.Contracts.Events;
using Para.Contracts.Health;
using Para.Tui.ViewModels;
using Refit;

namespace Para.Tui.Services;

/// <summary>
/// The console's data over the Refit clients the CLI uses (resilience and service discovery come
/// from ServiceDefaults). Failures surface as the clients' exceptions; the view models turn them
/// into one sentence with <see cref="ServiceErrors"/>.
/// </summary>
/// <param name="gateway">The gateway, for the Health tab's numbers; without one they are left out.</param>
internal sealed class RefitConsoleData(IAccountsApi accounts, IContainerAuthApi containerAuth, IGatewayApi? gateway = null) : IParaConsoleData
{
    public async Task<HealthSnapshot> GetHealthAsync(CancellationToken cancellationToken)
    {
        var accountsHealth = ReadAsync(ServiceNames.Accounts, () => accounts.GetHealthAsync(cancellationToken));
        var containerAuthHealth = ReadAsync(ServiceNames.ContainerAuth, () => containerAuth.GetHealthAsync(cancellationToken));
        var authHealth = ReadAuthHealthAsync(cancellationToken);
        var gatewayStatus = ReadGatewayAsync(cancellationToken);
        var accountsResult = await accountsHealth.ConfigureAwait(false);
        var containerAuthResult = await containerAuthHealth.ConfigureAwait(false);
        var auth = await authHealth.ConfigureAwait(false);
        return new HealthSnapshot(
            accountsResult,
            containerAuthResult,
            auth?.Authentication is { } numbers ? new AuthRefreshNumbers(numbers.IsAuthenticated, numbers.RefreshCount, numbers.ConsecutiveFailures, numbers.LastRefresh) : null)
        {
            AccountRefreshes = auth?.Accounts is { } lines
                ? [.. lines.Select(line => new AccountRefreshLine(line.Name, line.Status, line.RefreshCount, line.ConsecutiveFailures, line.NextAttemptAt))]
                : [],
            Gateway = await gatewayStatus.ConfigureAwait(false) is { } status
                ? new GatewayNumbers(status.Requests, status.Retries, status.Failovers, status.Rejected, status.Resting.Count, status.AccountFeedConnected)
                : null,
        };
    }

    /// <summary><c>GET /api/gateway/status</c>; a gateway that is down or not run just leaves its numbers out.</summary>
    private async Task<Para.Contracts.Gateway.GatewayStatus?> ReadGatewayAsync(CancellationToken cancellationToken)
    {
        if (gateway is null)
        {
            return null;
        }

        try
        {
            return await gateway.GetStatusAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            return null;
        }
    }

    /// <summary>
    /// <c>GET /health/auth</c>: the refresh numbers, overall and per account. A service that is
    /// down already shows in its health line, so a failure here just leaves the numbers out.
    /// </summary>
    private async Task<AuthHealthDocument?> ReadAuthHealthAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await accounts.GetAuthHealthAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            return null;
        }
    }

    private static async Task<ServiceHealth> ReadAsync(string service, Func<Task<IApiResponse<HealthDocument>>> call)
    {
        try
        {
            using var response = await call().ConfigureAwait(false);
            if (!response.IsReceived)
            {
                // Refit hands back connection failures as an unreceived response, not an exception.
                return ServiceHealth.Unreachable(service, response.Error is { } error ? ServiceErrors.Describe(error) : "no answer");
            }

            if (response.Content is not { } document)
            {
                // 503 with a body is still a health document: the service is up but unhealthy.
                return new ServiceHealth(service, true, $"{(int?)response.StatusCode} {response.ReasonPhrase}", null, []);
            }

            var checks = document.Checks
                .Select(check => new HealthCheckLine(check.Key, check.Value.Status, check.Value.Description))
                .ToList();
            return new ServiceHealth(service, true, document.Status.ToLowerInvariant(), null, checks);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            return ServiceHealth.Unreachable(service, ServiceErrors.Describe(exception));
        }
    }

    // ---- Accounts (issue 3) ---------------------------------------------------------------------

    /// <summary>
    /// The list carries the status times, expiry and usage; <c>/health/auth</c> adds each account's
    /// last refresh and its error for the details, and a failure there leaves just those out.
    /// </summary>
    public async Task<IReadOnlyList<AccountRow>> GetAccountsAsync(CancellationToken cancellationToken)
    {
        var list = accounts.ListAccountsAsync(cancellationToken);
        var health = ReadAuthHealthAsync(cancellationToken);
        var gatewayStatus = ReadGatewayAsync(cancellationToken);
        var views = await list.ConfigureAwait(false);
        var byId = (await health.ConfigureAwait(false))?.Accounts.ToDictionary(entry => entry.Id, StringComparer.Ordinal);
        var limits = (await gatewayStatus.ConfigureAwait(false))?.Limits?.ToDictionary(entry => entry.AccountId, StringComparer.Ordinal);
        return [.. views.Select(view =>
        {
            var row = ToRow(view, byId?.GetValueOrDefault(view.Id));
            var gateway = limits?.GetValueOrDefault(view.Id);
            return row with { Limits = ToLimits(gateway), ProviderAccepts = row.ProviderAccepts ?? gateway?.ProviderAccepts };
        })];
    }

    public async Task<IReadOnlyList<RequestRow>> GetAccountRequestsAsync(string account, int limit, CancellationToken cancellationToken)
    {
        var entries = await accounts.GetAccountRequestsAsync(account, limit, cancellationToken).ConfigureAwait(false);
        return [.. entries.Select(ToRow)];
    }

    internal static RequestRow ToRow(Para.Contracts.Gateway.RequestHistoryEntry entry) =>
        new(entry.Timestamp, entry.Method, entry.Path, entry.StatusCode, entry.LatencyMs, entry.Model, entry.InputTokens, entry.OutputTokens, entry.Retried, entry.ClientKey);

    public async Task<OAuthStart> BeginAddAccountAsync(string name, string mode, int priority, CancellationToken cancellationToken)
    {
        var begun = await accounts.AddAccountAsync(new AddAccountRequest(name, mode, priority), cancellationToken).ConfigureAwait(false);
        return new OAuthStart(begun.AuthorizeUrl, begun.State, begun.ExpiresAt);
    }

    public async Task<OAuthStart> BeginReauthAsync(string account, CancellationToken cancellationToken)
    {
        var begun = await accounts.BeginReauthenticationAsync(account, cancellationToken).ConfigureAwait(false);
        return new OAuthStart(begun.AuthorizeUrl, begun.State, begun.ExpiresAt);
    }

    public async Task<AccountRow> CompleteOAuthAsync(string account, string state, string code, CancellationToken cancellationToken)
    {
        // The account goes along, so a code of another sign-in is refused instead of landing elsewhere.
        var request = new CompleteOAuthRequest(string.IsNullOrWhiteSpace(state) ? null : state, code, account);
        var view = await accounts.CompleteOAuthAsync(request, cancellationToken).ConfigureAwait(false);
        return ToRow(view, null);
    }

    public Task SetPausedAsync(string account, bool paused, CancellationToken cancellationToken) =>
        accounts.UpdateAccountAsync(account, new UpdateAccountRequest(Paused: paused), cancellationToken);

    public Task SetPriorityAsync(string account, int priority, CancellationToken cancellationToken) =>
        accounts.UpdateAccountAsync(account, new UpdateAccountRequest(Priority: priority), cancellationToken);

    public Task DeleteAsync(string account, CancellationToken cancellationToken) =>
        accounts.RemoveAccountAsync(account, cancellationToken);

    internal static UsageLimits? ToLimits(Para.Contracts.Gateway.AccountLimits? limits) =>
        limits is null ? null : new UsageLimits(limits.FiveHourUtilization, limits.FiveHourReset, limits.SevenDayUtilization, limits.SevenDayReset);

    internal static AccountRow ToRow(AccountView view, AccountAuthHealth? health) =>
        new(
            view.Name,
            view.Mode,
            view.Priority,
            view.Paused,
            view.RequiresReauth,
            view.Token?.ExpiresAt,
            view.Token?.RefreshTokenIssuedAt,
            view.Usage.TotalRequests,
            view.Usage.LastUsed)
        {
            RefreshDueAt = view.Token?.RefreshDueAt,
            LastRefresh = health?.LastRefresh,
            LastError = health?.LastError,
            ProviderAccepts = health?.ProviderAccepts,
        };

    // ---- Auth refresh (issue 4) -----------------------------------------------------------------

    /// <summary>
    /// <c>POST /health/auth/refresh?account=</c>. A refusal (429 cooldown, 404 unknown account) is
    /// a failed result in the service's words, not an exception.
    /// </summary>
    public async Task<OperationResult> RefreshAsync(string account, CancellationToken cancellationToken)
    {
        using var response = await accounts.RefreshAuthenticationAsync(account, cancellationToken).ConfigureAwait(false);
        if (response is { IsSuccessful: true, Content.Result: { } result })
        {
            return new OperationResult(result.Success, OneLine(result.Message) ?? (result.Success ? $"{account} refreshed." : $"Refreshing {account} failed."));
        }

        return new OperationResult(false, response.Error is { } error ? ServiceErrors.Describe(error) : $"accounts answered {(int?)response.StatusCode}: {response.ReasonPhrase}");
    }

    // ---- Container-auth (issue 5) ---------------------------------------------------------------

    public async Task<IReadOnlyList<ImageRow>> GetImagesAsync(CancellationToken cancellationToken)
    {
        var images = await containerAuth.ListImagesAsync(cancellationToken).ConfigureAwait(false);
        return [.. images.Select(image => new ImageRow(image.Name, image.Account, image.AuthenticatedAt, image.ExpiresAt, image.CredentialStatus)
        {
            Stale = image.Stale == true,
            ExpiringFrom = image.ExpiringFrom,
        })];
    }

    public async Task<IReadOnlyList<ContainerRow>> GetContainersAsync(CancellationToken cancellationToken)
    {
        var containers = await containerAuth.ListContainersAsync(cancellationToken).ConfigureAwait(false);
        return [.. containers.Select(container => new ContainerRow(container.Name, container.Image, container.State, container.CredentialStatus, container.ExpiresAt)
        {
            Account = container.Account,
            LastFedAt = container.LastFedAt,
            FedFingerprint = container.FedFingerprint,
            ExpiringFrom = container.ExpiringFrom,
        })];
    }

    public async Task<IReadOnlyList<JobRow>> GetJobsAsync(CancellationToken cancellationToken)
    {
        var jobs = await containerAuth.ListJobsAsync(cancellationToken).ConfigureAwait(false);
        return [.. jobs.Select(ToRow)];
    }

    public async Task<JobRow> ReauthAllAsync(bool includeContainers, CancellationToken cancellationToken)
    {
        var job = await containerAuth.ReauthAllAsync(new ReauthAllRequest(IncludeContainers: includeContainers), cancellationToken).ConfigureAwait(false);
        return ToRow(job);
    }

    public async Task<OperationResult> VerifyAsync(VerifyTarget target, string name, CancellationToken cancellationToken)
    {
        // The service tells images from containers by name; the target only words the message.
        var result = await containerAuth.VerifyAsync(new VerifyRequest(name), cancellationToken).ConfigureAwait(false);
        var what = target == VerifyTarget.Container ? "container" : "image";
        if (result.Passed)
        {
            return new OperationResult(true, $"{what} {result.Target} passed: {string.Join(", ", result.Checks.Select(check => check.Name))}.");
        }

        var failed = result.Checks.Where(check => !check.Passed).Select(check => $"{check.Name} ({OneLine(check.Detail)})");
        return new OperationResult(false, $"{what} {result.Target} failed: {string.Join(", ", failed)}.");
    }

    internal static JobRow ToRow(JobInfo job) =>
        new(
            job.Id,
            job.Kind,
            job.Target,
            job.State switch
            {
                JobStates.Running => JobState.Running,
                JobStates.Succeeded => JobState.Succeeded,
                JobStates.Failed => JobState.Failed,
                _ => JobState.Queued,
            },
            job.Progress,
            OneLine(job.Error),
            job.StartedAt,
            job.FinishedAt);

    // ---- Event stream (GET /api/events on the account API) ------------------------------------

    /// <summary>
    /// The account API's change feed, one log entry per event; every entry makes the console reload.
    /// Ends when the server closes the stream; throws when the connection breaks.
    /// </summary>
    public async IAsyncEnumerable<ConsoleEvent> WatchEventsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var client = AccountsHttpClient();
        await foreach (var accountEvent in AccountEventStream.ReadAsync(client, cancellationToken).ConfigureAwait(false))
        {
            yield return new ConsoleEvent(
                accountEvent.Timestamp,
                ServiceNames.Accounts,
                accountEvent.Type,
                accountEvent.Type == AccountEventTypes.Connected ? "event stream" : accountEvent.AccountName);
        }
    }

    private HttpClient AccountsHttpClient() => accounts.Client;

    /// <summary>
    /// Container-auth's stream (<c>GET /api/events</c>): each event carries what changed, so the
    /// Images, Containers and Jobs rows change in place. Throws when the connection breaks or the
    /// stream stays silent past its heartbeats.
    /// </summary>
    public async IAsyncEnumerable<ConsoleEvent> WatchContainerAuthEventsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var change in ContainerAuthEventStream.ReadAsync(containerAuth.Client, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            var subject = change.Type == ContainerAuthEventTypes.Connected ? "event stream"
                : change.Container ?? change.Image ?? (change.JobKind is { } kind ? $"{kind} {change.JobTarget}".Trim() : "engine");
            var detail = change.Fingerprint is { } fingerprint ? $"{change.Account} {fingerprint}".Trim() : OneLine(change.Message);
            yield return new ConsoleEvent(change.Timestamp, ServiceNames.ContainerAuth, change.Type, subject, detail) { ContainerAuth = change };
        }
    }

    private static string? OneLine(string? text) =>
        string.IsNullOrWhiteSpace(text) ? null : text.Split('\n', 2)[0].Trim();
}
