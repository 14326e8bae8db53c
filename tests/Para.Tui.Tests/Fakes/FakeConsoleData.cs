using System.Collections.Concurrent;
using System.Net;
using System.Net.Http;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Para.Tui.ViewModels;
using Refit;

namespace Para.Tui.Tests.Fakes;

/// <summary>The console's data seam in memory: fixture rows, recorded calls, injectable failures and events.</summary>
internal sealed class FakeConsoleData : IParaConsoleData
{
    private readonly Channel<ConsoleEvent> _events = Channel.CreateUnbounded<ConsoleEvent>();
    private readonly Channel<ConsoleEvent> _containerAuthEvents = Channel.CreateUnbounded<ConsoleEvent>();

    public IReadOnlyList<AccountRow> Accounts { get; set; } = [];

    public IReadOnlyList<ImageRow> Images { get; set; } = [];

    public IReadOnlyList<ContainerRow> Containers { get; set; } = [];

    public IReadOnlyList<JobRow> Jobs { get; set; } = [];

    public HealthSnapshot Health { get; set; } = Fixtures.HealthyBoth;

    /// <summary>Each account's recorded requests, oldest first, as the account store keeps them.</summary>
    public ConcurrentDictionary<string, IReadOnlyList<RequestRow>> RequestHistory { get; } = new(StringComparer.OrdinalIgnoreCase);

    public OAuthStart OAuthStart { get; set; } = new(new Uri("http://127.0.0.1/oauth/authorize?client_id=para&scope=user%3Aprofile%20user%3Ainference&state=state-123&code_challenge=abc"), "state-123", Fixtures.Now.AddMinutes(10));

    /// <summary>When set, every read and action of that name throws it.</summary>
    public ConcurrentDictionary<string, Exception> Failures { get; } = new(StringComparer.Ordinal);

    public ConcurrentQueue<string> Calls { get; } = new();

    public int CallsTo(string name) => Calls.Count(call => call.StartsWith(name, StringComparison.Ordinal));

    public void Publish(ConsoleEvent consoleEvent) => _events.Writer.TryWrite(consoleEvent);

    /// <summary>An event on container-auth's stream, as the Refit data wraps it.</summary>
    public void Publish(Para.Contracts.Events.ContainerAuthEvent change) =>
        _containerAuthEvents.Writer.TryWrite(new ConsoleEvent(change.Timestamp, "container-auth", change.Type, change.Container ?? change.Image ?? change.JobId ?? "") { ContainerAuth = change });

    public Task<IReadOnlyList<AccountRow>> GetAccountsAsync(CancellationToken cancellationToken) => Answer("GetAccounts", Accounts);

    public Task<IReadOnlyList<ImageRow>> GetImagesAsync(CancellationToken cancellationToken) => Answer("GetImages", Images);

    public Task<IReadOnlyList<ContainerRow>> GetContainersAsync(CancellationToken cancellationToken) => Answer("GetContainers", Containers);

    public Task<HealthSnapshot> GetHealthAsync(CancellationToken cancellationToken) => Answer("GetHealth", Health);

    public Task<IReadOnlyList<JobRow>> GetJobsAsync(CancellationToken cancellationToken) => Answer("GetJobs", Jobs);

    /// <summary>As <c>GET /api/accounts/{idOrName}/requests</c>: newest first, at most the limit (0 to 100), 404 for an unknown account.</summary>
    public async Task<IReadOnlyList<RequestRow>> GetAccountRequestsAsync(string account, int limit, CancellationToken cancellationToken)
    {
        if (!Accounts.Any(row => string.Equals(row.Name, account, StringComparison.OrdinalIgnoreCase)))
        {
            Calls.Enqueue($"GetAccountRequests {account} {limit}");
            throw await NotFound($"No account has the id or name '{account}'.");
        }

        var history = RequestHistory.GetValueOrDefault(account) ?? [];
        return await Answer($"GetAccountRequests {account} {limit}", (IReadOnlyList<RequestRow>)[.. history.Reverse().Take(Math.Clamp(limit, 0, HistoryCapacity))]);
    }

    /// <summary>The account store's <c>RequestHistoryLimit</c>.</summary>
    public const int HistoryCapacity = 100;

    // The exception Refit throws for the account API's 404 problem document.
    private static async Task<ApiException> NotFound(string detail)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://127.0.0.1/api/accounts/x/requests");
        using var response = new HttpResponseMessage(HttpStatusCode.NotFound)
        {
            RequestMessage = request,
            Content = new StringContent(JsonSerializer.Serialize(new { title = "Account not found", status = 404, detail }), Encoding.UTF8, "application/problem+json"),
        };
        return await ApiException.Create(request, HttpMethod.Get, response, new RefitSettings());
    }

    public Task<OAuthStart> BeginAddAccountAsync(string name, string mode, int priority, CancellationToken cancellationToken) =>
        Answer($"BeginAdd {name} {mode} {priority}", OAuthStart);

    public Task<OAuthStart> BeginReauthAsync(string account, CancellationToken cancellationToken) => Answer($"BeginReauth {account}", OAuthStart);

    public Task<AccountRow> CompleteOAuthAsync(string account, string state, string code, CancellationToken cancellationToken)
    {
        var row = Accounts.FirstOrDefault(row => string.Equals(row.Name, account, StringComparison.OrdinalIgnoreCase)) ?? Fixtures.Account(account);
        return Answer($"CompleteOAuth {account} {state} {code}", row with { AccessTokenExpiresAt = Fixtures.Now.AddHours(8), RefreshDueAt = Fixtures.Now.AddHours(7) + TimeSpan.FromMinutes(30), RequiresReauth = false });
    }

    public Task<OperationResult> RefreshAsync(string account, CancellationToken cancellationToken) =>
        Answer($"Refresh {account}", new OperationResult(true, $"{account} refreshed; expires in 8h 00m."));

    public Task SetPausedAsync(string account, bool paused, CancellationToken cancellationToken) => Answer($"SetPaused {account} {paused}", true);

    public Task SetPriorityAsync(string account, int priority, CancellationToken cancellationToken) => Answer($"SetPriority {account} {priority}", true);

    public Task DeleteAsync(string account, CancellationToken cancellationToken) => Answer($"Delete {account}", true);

    public Task<JobRow> ReauthAllAsync(bool includeContainers, CancellationToken cancellationToken) =>
        Answer($"ReauthAll {includeContainers}", new JobRow("job-9", "reauth-all", "all images", JobState.Running, 0, "starting", Fixtures.Now, null));

    public Task<OperationResult> VerifyAsync(VerifyTarget target, string name, CancellationToken cancellationToken) =>
        Answer($"Verify {target} {name}", new OperationResult(true, "credentials present, not expired, owner para, mode 0600"));

    public async IAsyncEnumerable<ConsoleEvent> WatchEventsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Calls.Enqueue("WatchEvents");
        if (Failures.TryGetValue("WatchEvents", out var failure))
        {
            throw failure;
        }

        await foreach (var consoleEvent in _events.Reader.ReadAllAsync(cancellationToken))
        {
            yield return consoleEvent;
        }
    }

    public async IAsyncEnumerable<ConsoleEvent> WatchContainerAuthEventsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Calls.Enqueue("WatchContainerAuthEvents");
        if (Failures.TryGetValue("WatchContainerAuthEvents", out var failure))
        {
            throw failure;
        }

        await foreach (var consoleEvent in _containerAuthEvents.Reader.ReadAllAsync(cancellationToken))
        {
            yield return consoleEvent;
        }
    }

    private Task<T> Answer<T>(string call, T value)
    {
        Calls.Enqueue(call);
        var name = call.Split(' ', 2)[0];
        return Failures.TryGetValue(name, out var failure) ? Task.FromException<T>(failure) : Task.FromResult(value);
    }
}
