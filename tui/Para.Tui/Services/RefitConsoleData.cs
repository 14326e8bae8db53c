using System.Runtime.CompilerServices;
using System.Text.Json;
using Para.Client;
using Para.Contracts;
using Para.Contracts.Health;
using Para.Tui.ViewModels;
using Refit;

namespace Para.Tui.Services;

/// <summary>
/// The console's data over the Refit clients the CLI uses (resilience and service discovery come
/// from ServiceDefaults). Health is real today. The other members wait for the account API and
/// container-auth Refit methods (issues 3–5); each throws <see cref="NotSupportedException"/> with
/// the one sentence the console shows in its status line, and is the only code to complete after merge.
/// </summary>
internal sealed class RefitConsoleData(IAccountsApi accounts, IContainerAuthApi containerAuth) : IParaConsoleData
{
    public async Task<HealthSnapshot> GetHealthAsync(CancellationToken cancellationToken)
    {
        var accountsHealth = ReadAsync(ServiceNames.Accounts, () => accounts.GetHealthAsync(cancellationToken));
        var containerAuthHealth = ReadAsync(ServiceNames.ContainerAuth, () => containerAuth.GetHealthAsync(cancellationToken));
        var (accountsResult, numbers) = await accountsHealth.ConfigureAwait(false);
        var (containerAuthResult, _) = await containerAuthHealth.ConfigureAwait(false);
        return new HealthSnapshot(accountsResult, containerAuthResult, numbers);
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

        bool? Bool(string name) => data.TryGetValue(name, out var value) && value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean() : null;
        long? Number(string name) => data.TryGetValue(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetInt64() : null;
        DateTimeOffset? Time(string name) => data.TryGetValue(name, out var value) && value.ValueKind == JsonValueKind.String && value.TryGetDateTimeOffset(out var at) ? at : null;

        return Number("refreshCount") is { } count
            ? new AuthRefreshNumbers(Bool("isAuthenticated") ?? false, count, (int)(Number("consecutiveFailures") ?? 0), Time("lastRefresh"))
            : null;
    }

    // ---- Waiting for the account API's Refit methods (issue 3) -------------------------------

    public Task<IReadOnlyList<AccountRow>> GetAccountsAsync(CancellationToken cancellationToken) =>
        throw NotYet("Listing accounts");

    public Task<OAuthStart> BeginAddAccountAsync(string name, string mode, int priority, CancellationToken cancellationToken) =>
        throw NotYet("Adding an account");

    public Task<OAuthStart> BeginReauthAsync(string account, CancellationToken cancellationToken) =>
        throw NotYet("Re-authentication");

    public Task<AccountRow> CompleteOAuthAsync(string state, string code, CancellationToken cancellationToken) =>
        throw NotYet("Completing OAuth");

    public Task SetPausedAsync(string account, bool paused, CancellationToken cancellationToken) =>
        throw NotYet("Pausing an account");

    public Task SetPriorityAsync(string account, int priority, CancellationToken cancellationToken) =>
        throw NotYet("Changing priority");

    public Task DeleteAsync(string account, CancellationToken cancellationToken) =>
        throw NotYet("Deleting an account");

    // ---- Waiting for the auth refresh endpoints (issue 4) ------------------------------------

    public Task<OperationResult> RefreshAsync(string account, CancellationToken cancellationToken) =>
        throw NotYet("Refreshing tokens from the console");

    // ---- Waiting for the container-auth service's Refit methods (issue 5) --------------------

    public Task<IReadOnlyList<ImageRow>> GetImagesAsync(CancellationToken cancellationToken) =>
        throw NotYet("Listing images");

    public Task<IReadOnlyList<ContainerRow>> GetContainersAsync(CancellationToken cancellationToken) =>
        throw NotYet("Listing containers");

    public Task<IReadOnlyList<JobRow>> GetJobsAsync(CancellationToken cancellationToken) =>
        throw NotYet("Listing jobs");

    public Task<JobRow> ReauthAllAsync(bool includeContainers, CancellationToken cancellationToken) =>
        throw NotYet("Reauth-all");

    public Task<OperationResult> VerifyAsync(VerifyTarget target, string name, CancellationToken cancellationToken) =>
        throw NotYet("Verify");

    // ---- Waiting for GET /api/events on both services (issues 3 and 5) -----------------------

    public async IAsyncEnumerable<ConsoleEvent> WatchEventsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.CompletedTask.ConfigureAwait(false);
        throw NotYet("The event stream");
#pragma warning disable CS0162 // The iterator shape stays so the real stream drops in here.
        yield break;
#pragma warning restore CS0162
    }

    private static NotSupportedException NotYet(string what) =>
        new($"{what} is not wired up in this build yet.");
}
