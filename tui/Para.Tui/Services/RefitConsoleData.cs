using System.Runtime.CompilerServices;
using System.Text.Json;
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
/// into one sentence with <see cref="ErrorSentence"/>.
/// </summary>
internal sealed class RefitConsoleData(IAccountsApi accounts, IContainerAuthApi containerAuth) : IParaConsoleData
{
    public async Task<HealthSnapshot> GetHealthAsync(CancellationToken cancellationToken)
    {
        var accountsHealth = ReadAsync(ServiceNames.Accounts, () => accounts.GetHealthAsync(cancellationToken));
        var containerAuthHealth = ReadAsync(ServiceNames.ContainerAuth, () => containerAuth.GetHealthAsync(cancellationToken));
        var authHealth = ReadAuthNumbersAsync(cancellationToken);
        var (accountsResult, numbers) = await accountsHealth.ConfigureAwait(false);
        var (containerAuthResult, _) = await containerAuthHealth.ConfigureAwait(false);
        return new HealthSnapshot(accountsResult, containerAuthResult, await authHealth.ConfigureAwait(false) ?? numbers);
    }

    /// <summary>
    /// <c>GET /health/auth</c>: the refresh manager's numbers. /health carries them as a top-level
    /// section the shared health contract does not read, so they come from here; a service that is
    /// down already shows in its health line, so a failure here just leaves the numbers out.
    /// </summary>
    private async Task<AuthRefreshNumbers?> ReadAuthNumbersAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var response = await AccountsHttpClient().GetAsync(new Uri("/health/auth", UriKind.Relative), cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                return null;
            }

            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            using var json = TryParse(body);
            return json?.RootElement is { ValueKind: JsonValueKind.Object } root && root.TryGetProperty("authentication", out var authentication)
                && authentication.ValueKind == JsonValueKind.Object
                ? Numbers(authentication.EnumerateObject().ToDictionary(property => property.Name, property => property.Value.Clone(), StringComparer.OrdinalIgnoreCase))
                : null;
        }
        catch (Exception exception) when (exception is HttpRequestException or OperationCanceledException or InvalidOperationException)
        {
            return null;
        }
    }

    private static async Task<(ServiceHealth Health, AuthRefreshNumbers? Numbers)> ReadAsync(string service, Func<Task<IApiResponse<HealthDocument>>> call)
    {
        try
        {
            using var response = await call().ConfigureAwait(false);
            if (!response.IsReceived)
            {
                // Refit hands back connection failures as an unreceived response, not an exception.
                return (ServiceHealth.Unreachable(service, response.Error is { } error ? ErrorSentence.Describe(error) : "no answer"), null);
            }

            if (response.Content is not { } document)
            {
                // 503 with a body is still a health document: the service is up but unhealthy.
                return (new ServiceHealth(service, true, $"{(int?)response.StatusCode} {response.ReasonPhrase}", null, []), null);
            }

            var checks = document.Checks
                .Select(check => new HealthCheckLine(check.Key, check.Value.Status, check.Value.Description))
                .ToList();
            return (new ServiceHealth(service, true, document.Status.ToLowerInvariant(), null, checks), AuthNumbers(document));
        }
        catch (Exception exception) when (exception is not OutOfMemoryException and not OperationCanceledException)
        {
            return (ServiceHealth.Unreachable(service, ErrorSentence.Describe(exception)), null);
        }
        catch (OperationCanceledException exception)
        {
            return (ServiceHealth.Unreachable(service, ErrorSentence.Describe(exception)), null);
        }
    }

    /// <summary>The account API's <c>authentication</c> health entry carries the auth refresh numbers (issue 4).</summary>
    private static AuthRefreshNumbers? AuthNumbers(HealthDocument document)
    {
        if (!document.Checks.TryGetValue("authentication", out var entry) || entry.Data is not { } data)
        {
            return null;
        }

        return Numbers(data);
    }

    private static AuthRefreshNumbers? Numbers(IReadOnlyDictionary<string, JsonElement> data)
    {
        bool? Bool(string name) => data.TryGetValue(name, out var value) && value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean() : null;
        long? Number(string name) => data.TryGetValue(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetInt64() : null;
        DateTimeOffset? Time(string name) => data.TryGetValue(name, out var value) && value.ValueKind == JsonValueKind.String && value.TryGetDateTimeOffset(out var at) ? at : null;

        return Number("refreshCount") is { } count
            ? new AuthRefreshNumbers(Bool("isAuthenticated") ?? false, count, (int)(Number("consecutiveFailures") ?? 0), Time("lastRefresh"))
            : null;
    }

    // ---- Accounts (issue 3) ---------------------------------------------------------------------

    public async Task<IReadOnlyList<AccountRow>> GetAccountsAsync(CancellationToken cancellationToken)
    {
        // The list carries expiry and usage; token health adds the last refresh and its error.
        var list = accounts.ListAccountsAsync(cancellationToken);
        var health = accounts.GetTokenHealthAsync(cancellationToken);
        var views = await list.ConfigureAwait(false);
        var report = await health.ConfigureAwait(false);
        var byId = report.Accounts.ToDictionary(entry => entry.AccountId, StringComparer.Ordinal);
        return [.. views.Select(view => ToRow(view, byId.GetValueOrDefault(view.Id)))];
    }

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

    public async Task<AccountRow> CompleteOAuthAsync(string state, string code, CancellationToken cancellationToken)
    {
        // The pasted text may be code#state; the API reads the state from it when none is given.
        var request = new CompleteOAuthRequest(string.IsNullOrWhiteSpace(state) ? null : state, code);
        var view = await accounts.CompleteOAuthAsync(request, cancellationToken).ConfigureAwait(false);
        return ToRow(view, null);
    }

    public Task SetPausedAsync(string account, bool paused, CancellationToken cancellationToken) =>
        accounts.UpdateAccountAsync(account, new UpdateAccountRequest(Paused: paused), cancellationToken);

    public Task SetPriorityAsync(string account, int priority, CancellationToken cancellationToken) =>
        accounts.UpdateAccountAsync(account, new UpdateAccountRequest(Priority: priority), cancellationToken);

    public Task DeleteAsync(string account, CancellationToken cancellationToken) =>
        accounts.RemoveAccountAsync(account, cancellationToken);

    internal static AccountRow ToRow(AccountView view, AccountTokenHealth? health) =>
        new(
            view.Name,
            view.Mode,
            view.Priority,
            view.Paused,
            view.RequiresReauth || health?.Status == TokenStatuses.RequiresReauth,
            view.Token?.ExpiresAt ?? health?.ExpiresAt,
            view.Token?.RefreshTokenIssuedAt ?? health?.RefreshTokenIssuedAt,
            view.Usage.TotalRequests,
            view.Usage.LastUsed)
        {
            LastRefresh = health?.LastRefresh,
            LastError = health?.LastError,
        };

    // ---- Auth refresh (issue 4) -----------------------------------------------------------------

    /// <summary>
    /// <c>POST /health/auth/refresh?account=</c> has no Refit method (it lives beside /health, not
    /// under /api), so it goes through the accounts client's own HttpClient: same admin key,
    /// resilience and discovery. A refusal (429 cooldown, 404 unknown account) is a failed result
    /// in the service's words, not an exception.
    /// </summary>
    public async Task<OperationResult> RefreshAsync(string account, CancellationToken cancellationToken)
    {
        var client = AccountsHttpClient();
        var uri = new Uri($"/health/auth/refresh?account={Uri.EscapeDataString(account)}", UriKind.Relative);
        using var response = await client.PostAsync(uri, content: null, cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        using var json = TryParse(body);
        var root = json?.RootElement;
        if (response.IsSuccessStatusCode && root is { } document && document.TryGetProperty("result", out var result))
        {
            var success = result.TryGetProperty("success", out var flag) && flag.ValueKind == JsonValueKind.True;
            var message = result.TryGetProperty("message", out var text) ? text.GetString() : null;
            return new OperationResult(success, OneLine(message) ?? (success ? $"{account} refreshed." : $"Refreshing {account} failed."));
        }

        var problem = root is { } problemDocument ? Text(problemDocument, "detail") ?? Text(problemDocument, "title") : null;
        return new OperationResult(false, OneLine(problem) ?? $"accounts answered {(int)response.StatusCode}: {response.ReasonPhrase}");
    }

    // ---- Container-auth (issue 5) ---------------------------------------------------------------

    public async Task<IReadOnlyList<ImageRow>> GetImagesAsync(CancellationToken cancellationToken)
    {
        var images = await containerAuth.ListImagesAsync(cancellationToken).ConfigureAwait(false);
        return [.. images.Select(image => new ImageRow(image.Name, image.Account, image.AuthenticatedAt, image.ExpiresAt, image.CredentialStatus))];
    }

    public async Task<IReadOnlyList<ContainerRow>> GetContainersAsync(CancellationToken cancellationToken)
    {
        var containers = await containerAuth.ListContainersAsync(cancellationToken).ConfigureAwait(false);
        return [.. containers.Select(container => new ContainerRow(container.Name, container.Image, container.State, container.CredentialStatus, container.ExpiresAt))];
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
    /// The container-auth service has no service-wide stream (only per-job events), so its tabs
    /// follow by polling. Ends when the server closes the stream; throws when the connection breaks.
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

    private static JsonDocument? TryParse(string body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return null;
        }

        try
        {
            return JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string? OneLine(string? text) =>
        string.IsNullOrWhiteSpace(text) ? null : text.Split('\n', 2)[0].Trim();
}
