using System.Net;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Para.Client;
using Para.Contracts;
using Para.Tui.Services;
using Para.Tui.Tests.Infrastructure;
using Para.Tui.ViewModels;
using Refit;

namespace Para.Tui.Tests.Services;

/// <summary>The adapter's mapping against canned HTTP answers: quick, and no service needed.</summary>
public sealed class RefitConsoleDataTests
{
    private static readonly RefitSettings Settings = new(new SystemTextJsonContentSerializer(new JsonSerializerOptions(JsonSerializerDefaults.Web)));

    [Fact]
    public async Task The_gateways_numbers_come_with_the_health_and_a_gateway_that_is_down_leaves_them_out()
    {
        const string status = """
            {"timestamp":"2026-11-23T12:00:00Z","requests":42,"retries":3,"failovers":2,"rejected":1,"accountFeedConnected":true,
             "resting":[{"accountId":"a1","until":"2026-11-23T13:00:00Z"}],"limits":[]}
            """;
        IAccountsApi Accounts() => Client<IAccountsApi>(_ => Json(HttpStatusCode.OK, """{"status":"Healthy","timestamp":"2026-11-23T12:00:00Z","checks":{}}"""));
        var up = new RefitConsoleData(Accounts(), Client<IContainerAuthApi>(_ => throw new HttpRequestException("down")),
            Client<IGatewayApi>(request => Json(HttpStatusCode.OK, request.RequestUri!.AbsolutePath == "/api/gateway/status" ? status : "{}")));
        var down = new RefitConsoleData(Accounts(), Client<IContainerAuthApi>(_ => throw new HttpRequestException("down")),
            Client<IGatewayApi>(_ => throw new HttpRequestException("Connection refused")));

        Assert.Equal(new GatewayNumbers(42, 3, 2, 1, 1, true), (await up.GetHealthAsync(CancellationToken.None)).Gateway);
        Assert.Null((await down.GetHealthAsync(CancellationToken.None)).Gateway);
    }

    private static T Client<T>(Func<HttpRequestMessage, HttpResponseMessage> answer) =>
        RestService.For<T>(new HttpClient(new Answering(answer)) { BaseAddress = new Uri("http://127.0.0.1:1") }, Settings);

    [Fact]
    public async Task Health_reads_both_documents_and_the_auth_refresh_numbers_overall_and_per_account()
    {
        const string accounts = """
            {"status":"Healthy","timestamp":"2026-11-23T12:00:00Z","checks":{
              "self":{"status":"Healthy","description":null,"data":null},
              "authentication":{"status":"Healthy","description":"all accounts fresh","data":null}}}
            """;
        const string auth = """
            {"status":"degraded","timestamp":"2026-11-23T12:00:00Z",
             "authentication":{"isAuthenticated":true,"lastRefresh":"2026-11-23T11:58:00Z","refreshCount":7,"consecutiveFailures":1},
             "accounts":[
               {"id":"a1","name":"work","status":"ok","isAuthenticated":true,"expiresAt":"2026-11-23T20:00:00Z","refreshDueAt":"2026-11-23T19:30:00Z",
                "lastRefresh":"2026-11-23T11:58:00Z","refreshCount":7,"consecutiveFailures":0,"nextAttemptAt":null,"requiresReauth":false,"lastError":null},
               {"id":"a2","name":"home","status":"expired","isAuthenticated":false,"expiresAt":"2026-11-23T11:00:00Z","refreshDueAt":"2026-11-23T10:30:00Z",
                "lastRefresh":null,"refreshCount":0,"consecutiveFailures":1,"nextAttemptAt":"2026-11-23T12:01:00Z","requiresReauth":false,"lastError":"http_503"}]}
            """;
        var asked = new List<string>();
        var data = new RefitConsoleData(
            Client<IAccountsApi>(request =>
            {
                asked.Add(request.RequestUri!.AbsolutePath);
                return Json(HttpStatusCode.OK, request.RequestUri.AbsolutePath == "/health/auth" ? auth : accounts);
            }),
            Client<IContainerAuthApi>(_ => throw new HttpRequestException("Connection refused (127.0.0.1:1)")));

        var health = await data.GetHealthAsync(CancellationToken.None);

        Assert.True(health.Accounts.Reachable);
        Assert.Equal("healthy", health.Accounts.Status);
        Assert.Contains(health.Accounts.Checks, check => check is { Name: "authentication", Description: "all accounts fresh" });
        Assert.Equal(new Para.Tui.ViewModels.AuthRefreshNumbers(true, 7, 1, new DateTimeOffset(2026, 11, 23, 11, 58, 0, TimeSpan.Zero)), health.Authentication);
        Assert.Equal(
            [new AccountRefreshLine("work", "ok", 7, 0, null), new AccountRefreshLine("home", "expired", 0, 1, new DateTimeOffset(2026, 11, 23, 12, 1, 0, TimeSpan.Zero))],
            health.AccountRefreshes);
        Assert.Contains("/health/auth", asked);
        Assert.False(health.ContainerAuth.Reachable);
        Assert.Equal("cannot reach the service: Connection refused (127.0.0.1:1)", health.ContainerAuth.Detail);
    }

    [Fact]
    public async Task An_unhealthy_service_that_answers_is_up_but_not_healthy()
    {
        var data = new RefitConsoleData(
            Client<IAccountsApi>(_ => Json(HttpStatusCode.ServiceUnavailable, """{"status":"Unhealthy","timestamp":"2026-11-23T12:00:00Z","checks":{}}""")),
            Client<IContainerAuthApi>(_ => Json(HttpStatusCode.OK, """{"status":"Degraded","timestamp":"2026-11-23T12:00:00Z","checks":{}}""")));

        var health = await data.GetHealthAsync(CancellationToken.None);

        Assert.True(health.Accounts.Reachable, health.Accounts.ToString());
        Assert.StartsWith("503", health.Accounts.Status, StringComparison.Ordinal);
        Assert.Equal("degraded", health.ContainerAuth.Status);
        Assert.Null(health.Authentication);
    }

    [Fact]
    public async Task The_account_event_stream_becomes_log_entries_from_the_connected_event_on()
    {
        const string stream = """
            event: connected
            data: {"type":"connected","accountId":"","accountName":"","timestamp":"2026-11-23T12:00:00Z"}

            event: refreshed
            data: {"type":"refreshed","accountId":"a1","accountName":"work","timestamp":"2026-11-23T12:00:05Z"}


            """;
        string? asked = null;
        var data = new RefitConsoleData(
            Client<IAccountsApi>(request =>
            {
                asked = $"{request.Method} {request.RequestUri?.PathAndQuery} {request.Headers.Accept}";
                return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(stream, Encoding.UTF8, "text/event-stream") };
            }),
            Client<IContainerAuthApi>(_ => throw new InvalidOperationException()));

        var events = new List<ConsoleEvent>();
        await foreach (var consoleEvent in data.WatchEventsAsync(CancellationToken.None))
        {
            events.Add(consoleEvent);
        }

        Assert.Equal("GET /api/events text/event-stream", asked);
        Assert.Equal(
            [("accounts", "connected", "event stream"), ("accounts", "refreshed", "work")],
            events.Select(e => (e.Source, e.Kind, e.Subject)));
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 12, 0, 5, TimeSpan.Zero), events[1].At);
    }

    [Fact]
    public async Task A_refresh_refused_during_the_cooldown_is_a_failed_result_that_says_how_long_to_wait()
    {
        string? asked = null;
        var data = new RefitConsoleData(
            Client<IAccountsApi>(request =>
            {
                asked = $"{request.Method} {request.RequestUri?.PathAndQuery}";
                var response = Json(HttpStatusCode.TooManyRequests, """{"title":"Refresh cooling down","detail":"A refresh ran moments ago; try again in 20 s.","status":429}""");
                response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(20));
                return response;
            }),
            Client<IContainerAuthApi>(_ => throw new InvalidOperationException()));

        var result = await data.RefreshAsync("work account", CancellationToken.None);

        Assert.Equal("POST /health/auth/refresh?account=work%20account", asked);
        Assert.Equal(new OperationResult(false, "Refresh cooling down: try again in 20 s"), result);
    }

    [Fact]
    public async Task A_refresh_reads_the_services_result_sentence()
    {
        const string refreshed = """
            {"status":"failed","timestamp":"2026-11-23T12:00:00Z","result":{"success":false,"message":"The provider answered 503; trying again later.","shouldRetry":true},
             "authentication":{"isAuthenticated":true,"lastRefresh":null,"refreshCount":3,"consecutiveFailures":1}}
            """;
        var data = new RefitConsoleData(Client<IAccountsApi>(_ => Json(HttpStatusCode.OK, refreshed)), Client<IContainerAuthApi>(_ => throw new InvalidOperationException()));

        var result = await data.RefreshAsync("work", CancellationToken.None);

        Assert.Equal(new OperationResult(false, "The provider answered 503; trying again later."), result);
    }

    [Fact]
    public async Task Accounts_take_status_times_from_the_list_and_last_refresh_and_error_from_auth_health()
    {
        const string list = """
            [{"id":"a1","name":"work","provider":"anthropic","mode":"max","priority":2,"paused":false,"customEndpoint":null,"autoRefresh":true,
              "requiresReauth":true,"createdAt":"2026-11-01T00:00:00Z",
              "token":{"expiresAt":"2026-11-23T20:00:00Z","fingerprint":"ab12","tokenType":"Bearer","scope":null,"refreshTokenIssuedAt":"2026-11-20T00:00:00Z",
                       "issuedAt":"2026-11-23T12:00:00Z","refreshDueAt":"2026-11-23T19:30:00Z"},
              "apiKeyFingerprint":null,"usage":{"requestCount":3,"totalRequests":42,"lastUsed":"2026-11-23T11:00:00Z"},"requestHistoryCount":3,"status":"requires-reauth"}]
            """;
        const string auth = """
            {"status":"degraded","timestamp":"2026-11-23T12:00:00Z","authentication":{"isAuthenticated":false,"lastRefresh":null,"refreshCount":0,"consecutiveFailures":1},
             "accounts":[{"id":"a1","name":"work","status":"requires-reauth","isAuthenticated":false,"expiresAt":"2026-11-23T20:00:00Z","refreshDueAt":"2026-11-23T19:30:00Z",
               "lastRefresh":"2026-11-23T11:30:00Z","refreshCount":0,"consecutiveFailures":1,"nextAttemptAt":null,"requiresReauth":true,"lastError":"invalid_grant"}]}
            """;
        var asked = new List<string>();
        var data = new RefitConsoleData(
            Client<IAccountsApi>(request =>
            {
                asked.Add(request.RequestUri!.AbsolutePath);
                return Json(HttpStatusCode.OK, request.RequestUri.AbsolutePath == "/health/auth" ? auth : list);
            }),
            Client<IContainerAuthApi>(_ => throw new InvalidOperationException()));

        var row = Assert.Single(await data.GetAccountsAsync(CancellationToken.None));

        Assert.Equal(("work", "max", 2, false, true, 42L), (row.Name, row.Mode, row.Priority, row.Paused, row.RequiresReauth, row.Requests));
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 20, 0, 0, TimeSpan.Zero), row.AccessTokenExpiresAt);
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 19, 30, 0, TimeSpan.Zero), row.RefreshDueAt);
        Assert.Equal(new DateTimeOffset(2026, 11, 20, 0, 0, 0, TimeSpan.Zero), row.RefreshTokenIssuedAt);
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 11, 30, 0, TimeSpan.Zero), row.LastRefresh);
        Assert.Equal("invalid_grant", row.LastError);
        Assert.DoesNotContain("/api/token-health", asked);
        Assert.Equal(AccountStatus.RequiresReauth, AccountStatusRules.Classify(row, new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero)));
    }

    [Theory]
    [InlineData("false", "null", AccountStatus.Refused)]
    [InlineData("null", "false", AccountStatus.Refused)]
    [InlineData("true", "false", AccountStatus.Ok)]
    [InlineData("null", "down", AccountStatus.Ok)]
    [InlineData("false", "down", AccountStatus.Refused)]
    public async Task The_providers_verdict_comes_from_auth_health_first_and_the_gateway_second(string authHealthSays, string gatewaySays, AccountStatus expected)
    {
        const string list = """
            [{"id":"a1","name":"work","provider":"anthropic","mode":"max","priority":0,"paused":false,"customEndpoint":null,"autoRefresh":true,
              "requiresReauth":false,"createdAt":"2026-11-23T12:00:00Z",
              "token":{"expiresAt":"2026-11-23T20:00:00Z","fingerprint":"ab12","tokenType":"Bearer","scope":null,"refreshTokenIssuedAt":"2026-11-23T12:00:00Z",
                       "issuedAt":"2026-11-23T12:00:00Z","refreshDueAt":"2026-11-23T19:30:00Z"},
              "apiKeyFingerprint":null,"usage":{"requestCount":0,"totalRequests":0,"lastUsed":null},"requestHistoryCount":0,"status":"ok"}]
            """;
        var auth = """
            {"status":"healthy","timestamp":"2026-11-23T12:00:00Z","authentication":{"isAuthenticated":true,"lastRefresh":null,"refreshCount":0,"consecutiveFailures":0},
             "accounts":[{"id":"a1","name":"work","status":"ok","isAuthenticated":true,"expiresAt":"2026-11-23T20:00:00Z","refreshDueAt":"2026-11-23T19:30:00Z",
               "lastRefresh":null,"refreshCount":0,"consecutiveFailures":0,"nextAttemptAt":null,"requiresReauth":false,"lastError":null,
               "providerAccepts":VERDICT,"providerCheckedAt":"2026-11-23T11:59:00Z"}]}
            """.Replace("VERDICT", authHealthSays, StringComparison.Ordinal);
        var status = """
            {"timestamp":"2026-11-23T12:00:00Z","requests":1,"retries":0,"failovers":0,"rejected":0,"accountFeedConnected":true,"resting":[],
             "limits":[{"accountId":"a1","accountName":"work","fiveHourUtilization":0.5,"providerAccepts":VERDICT}]}
            """.Replace("VERDICT", gatewaySays, StringComparison.Ordinal);
        var data = new RefitConsoleData(
            Client<IAccountsApi>(request => Json(HttpStatusCode.OK, request.RequestUri!.AbsolutePath == "/health/auth" ? auth : list)),
            Client<IContainerAuthApi>(_ => throw new InvalidOperationException()),
            Client<IGatewayApi>(_ => gatewaySays == "down" ? throw new HttpRequestException("Connection refused") : Json(HttpStatusCode.OK, status)));

        var row = Assert.Single(await data.GetAccountsAsync(CancellationToken.None));

        Assert.Equal(expected, AccountStatusRules.Classify(row, new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero)));
        Assert.Equal(gatewaySays == "down" ? null : 0.5, row.Limits?.FiveHour);
    }

    [Fact]
    public async Task A_fresh_8_hour_token_from_the_list_is_ok_not_expiring()
    {
        const string list = """
            [{"id":"a1","name":"fresh","provider":"anthropic","mode":"max","priority":0,"paused":false,"customEndpoint":null,"autoRefresh":true,
              "requiresReauth":false,"createdAt":"2026-11-23T12:00:00Z",
              "token":{"expiresAt":"2026-11-23T20:00:00Z","fingerprint":"ab12","tokenType":"Bearer","scope":null,"refreshTokenIssuedAt":"2026-11-23T12:00:00Z",
                       "issuedAt":"2026-11-23T12:00:00Z","refreshDueAt":"2026-11-23T19:30:00Z"},
              "apiKeyFingerprint":null,"usage":{"requestCount":0,"totalRequests":0,"lastUsed":null},"requestHistoryCount":0,"status":"ok"}]
            """;
        var data = new RefitConsoleData(
            Client<IAccountsApi>(request => request.RequestUri!.AbsolutePath == "/health/auth" ? Json(HttpStatusCode.ServiceUnavailable, "{}") : Json(HttpStatusCode.OK, list)),
            Client<IContainerAuthApi>(_ => throw new InvalidOperationException()));

        var row = Assert.Single(await data.GetAccountsAsync(CancellationToken.None));

        Assert.Equal(AccountStatus.Ok, AccountStatusRules.Classify(row, new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero)));
        Assert.Equal(AccountStatus.Expiring, AccountStatusRules.Classify(row, new DateTimeOffset(2026, 11, 23, 19, 31, 0, TimeSpan.Zero)));
        Assert.Null(row.LastError);
    }

    [Fact]
    public async Task An_accounts_request_history_asks_for_the_limit_and_keeps_the_services_newest_first_order()
    {
        const string history = """
            [{"timestamp":"2026-11-23T11:58:00Z","method":"POST","path":"/v1/messages","statusCode":429,"latencyMs":120,"model":"claude-opus-4-1",
              "inputTokens":null,"outputTokens":null,"retried":false,"clientKey":"laptop"},
             {"timestamp":"2026-11-23T11:51:00Z","method":"POST","path":"/v1/messages","statusCode":200,"latencyMs":2310,"model":"claude-sonnet-4-5",
              "inputTokens":3120,"outputTokens":402,"retried":true,"clientKey":null}]
            """;
        string? asked = null;
        var data = new RefitConsoleData(
            Client<IAccountsApi>(request =>
            {
                asked = $"{request.Method} {request.RequestUri?.PathAndQuery}";
                return Json(HttpStatusCode.OK, history);
            }),
            Client<IContainerAuthApi>(_ => throw new InvalidOperationException()));

        var requests = await data.GetAccountRequestsAsync("work account", 30, CancellationToken.None);

        Assert.Equal("GET /api/accounts/work%20account/requests?limit=30", asked);
        Assert.Equal(
            [
                new RequestRow(new DateTimeOffset(2026, 11, 23, 11, 58, 0, TimeSpan.Zero), "POST", "/v1/messages", 429, 120, "claude-opus-4-1", null, null, false, "laptop"),
                new RequestRow(new DateTimeOffset(2026, 11, 23, 11, 51, 0, TimeSpan.Zero), "POST", "/v1/messages", 200, 2310, "claude-sonnet-4-5", 3120, 402, true, null),
            ],
            requests);
    }

    private static HttpResponseMessage Json(HttpStatusCode status, string json) =>
        new(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

    private sealed class Answering(Func<HttpRequestMessage, HttpResponseMessage> answer) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = answer(request);
            response.RequestMessage = request;
            return Task.FromResult(response);
        }
    }
}


/// <summary>The console's data seam over the real Refit clients, against both real services.</summary>
[Collection(ParaServicesCollection.Name)]
public sealed class RefitConsoleDataAgainstServicesTests(ParaServicesFixture services) : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly ServiceProvider _clients = services.CreateClients();

    private RefitConsoleData Data => new(_clients.GetRequiredService<IAccountsApi>(), _clients.GetRequiredService<IContainerAuthApi>());

    [Fact]
    public async Task Health_reads_both_services_and_the_auth_refresh_numbers()
    {
        var health = await Data.GetHealthAsync(CancellationToken.None);

        Assert.True(health.Accounts.Reachable, health.Accounts.Detail);
        Assert.True(health.ContainerAuth.Reachable, health.ContainerAuth.Detail);
        Assert.Equal(ServiceNames.Accounts, health.Accounts.Service);
        Assert.Equal("healthy", health.Accounts.Status);
        Assert.Equal("healthy", health.ContainerAuth.Status);
        Assert.Contains(health.ContainerAuth.Checks, check => check.Name == ServiceNames.Accounts && check.Status == "healthy");
        Assert.NotNull(health.Authentication);
        Assert.True(health.Authentication.RefreshCount >= 0);
    }

    [Fact]
    public async Task An_added_account_is_not_listed_until_its_oauth_completes_and_the_stream_tells_of_it()
    {
        var data = Data;
        var name = $"pending-{Guid.NewGuid():N}"[..16];
        using var timeout = new CancellationTokenSource(Patience);
        await using var events = data.WatchEventsAsync(timeout.Token).GetAsyncEnumerator(timeout.Token);
        Assert.True(await events.MoveNextAsync());
        Assert.Equal("connected", events.Current.Kind);
        Assert.Equal(ServiceNames.Accounts, events.Current.Source);

        var start = await data.BeginAddAccountAsync(name, "max", 3, timeout.Token);

        Assert.Equal(services.OAuth.AuthorizeUrl.AbsolutePath, start.AuthorizeUrl.AbsolutePath);
        Assert.False(string.IsNullOrEmpty(start.State));
        Assert.DoesNotContain(await data.GetAccountsAsync(timeout.Token), account => account.Name == name);
        var health = await data.GetHealthAsync(timeout.Token);
        Assert.NotNull(health.Authentication);

        var pasted = await services.OAuth.SignInAsync(start.AuthorizeUrl);
        var completed = await data.CompleteOAuthAsync(name, start.State, pasted, timeout.Token);

        Assert.Equal(name, completed.Name);
        Assert.False(completed.RequiresReauth);
        Assert.True(await events.MoveNextAsync());
        Assert.Equal(name, events.Current.Subject);
        var row = Assert.Single(await data.GetAccountsAsync(timeout.Token), account => account.Name == name);
        Assert.Equal(("max", 3), (row.Mode, row.Priority));
        Assert.NotNull(row.AccessTokenExpiresAt);
        Assert.NotNull(row.RefreshTokenIssuedAt);
        Assert.Equal(AccountStatus.Ok, AccountStatusRules.Classify(row, DateTimeOffset.UtcNow));

        await data.DeleteAsync(name, timeout.Token);
    }

    [Fact]
    public async Task Account_actions_change_the_listed_account_and_refresh_runs_against_the_provider()
    {
        var data = Data;
        var name = await AddSignedInAccountAsync(data, "actions");

        await data.SetPausedAsync(name, paused: true, CancellationToken.None);
        await data.SetPriorityAsync(name, 7, CancellationToken.None);
        var changed = Assert.Single(await data.GetAccountsAsync(CancellationToken.None), account => account.Name == name);
        Assert.True(changed.Paused);
        Assert.Equal(7, changed.Priority);
        Assert.Equal(AccountStatus.Paused, AccountStatusRules.Classify(changed, DateTimeOffset.UtcNow));

        var refreshesBefore = services.OAuth.RefreshRequests;
        var numbersBefore = (await data.GetHealthAsync(CancellationToken.None)).Authentication;
        var refreshed = await data.RefreshAsync(name, CancellationToken.None);
        Assert.True(refreshed.Success, refreshed.Message);
        Assert.False(string.IsNullOrWhiteSpace(refreshed.Message));
        Assert.True(services.OAuth.RefreshRequests > refreshesBefore);
        var numbersAfter = (await data.GetHealthAsync(CancellationToken.None)).Authentication;
        Assert.NotNull(numbersBefore);
        Assert.NotNull(numbersAfter);
        Assert.True(numbersAfter.RefreshCount > numbersBefore.RefreshCount);
        Assert.True(numbersAfter.IsAuthenticated);
        Assert.NotNull(numbersAfter.LastRefresh);

        var unknown = await data.RefreshAsync("no-such-account", CancellationToken.None);
        Assert.False(unknown.Success);
        Assert.Contains("no-such-account", unknown.Message, StringComparison.Ordinal);

        var reauth = await data.BeginReauthAsync(name, CancellationToken.None);
        Assert.Equal(services.OAuth.AuthorizeUrl.AbsolutePath, reauth.AuthorizeUrl.AbsolutePath);

        await data.DeleteAsync(name, CancellationToken.None);
        Assert.DoesNotContain(await data.GetAccountsAsync(CancellationToken.None), account => account.Name == name);
    }

    [Fact]
    public async Task A_rejected_request_surfaces_as_one_sentence()
    {
        var exception = await Assert.ThrowsAnyAsync<Exception>(() => Data.SetPausedAsync("no-such-account", true, CancellationToken.None));

        var sentence = ServiceErrors.Describe(exception);

        Assert.Equal("Account not found: No account has the id or name 'no-such-account'.", sentence);
    }

    [Fact]
    public async Task Images_and_containers_with_the_para_prefix_are_listed_from_docker()
    {
        var image = $"{services.NamePrefix}box:latest";
        var container = $"{services.NamePrefix}box-1";
        ParaServicesFixture.Docker("tag", "para-test-base:latest", image);
        try
        {
            ParaServicesFixture.Docker("create", "--pull", "never", "--network", "none", "--name", container, image, "true");

            var images = await Data.GetImagesAsync(CancellationToken.None);
            var containers = await Data.GetContainersAsync(CancellationToken.None);

            var imageRow = Assert.Single(images);
            Assert.Equal(image, imageRow.Name);
            Assert.Null(imageRow.AuthenticatedBy);
            Assert.Null(imageRow.CredentialsExpireAt);
            Assert.Equal("none", imageRow.Status);
            var containerRow = Assert.Single(containers);
            Assert.Equal((container, image, "created", "none"), (containerRow.Name, containerRow.Image, containerRow.State, containerRow.CredentialStatus));
        }
        finally
        {
            ParaServicesFixture.Docker("rm", "-f", container);
            ParaServicesFixture.Docker("rmi", image);
        }
    }

    [Fact]
    public async Task Reauth_all_with_no_account_to_use_is_refused_before_any_job_starts_in_one_sentence()
    {
        var data = Data;
        var jobsBefore = (await data.GetJobsAsync(CancellationToken.None)).Count;

        var exception = await Record.ExceptionAsync(() => data.ReauthAllAsync(includeContainers: false, CancellationToken.None));

        Assert.NotNull(exception);
        var sentence = ServiceErrors.Describe(exception);
        Assert.Contains("No account given", sentence, StringComparison.Ordinal);
        Assert.Contains("--account", sentence, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', sentence);
        Assert.Equal(jobsBefore, (await data.GetJobsAsync(CancellationToken.None)).Count);
    }

    [Fact]
    public async Task Verify_of_an_unknown_target_is_one_sentence_not_a_stack_trace()
    {
        var exception = await Record.ExceptionAsync(() => Data.VerifyAsync(VerifyTarget.Image, $"{services.NamePrefix}missing:latest", CancellationToken.None));

        var message = exception is null ? null : ServiceErrors.Describe(exception);

        Assert.NotNull(message);
        Assert.DoesNotContain("   at ", message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', message);
    }

    private async Task<string> AddSignedInAccountAsync(RefitConsoleData data, string prefix)
    {
        var name = $"{prefix}-{Guid.NewGuid():N}"[..16];
        var start = await data.BeginAddAccountAsync(name, "max", 1, CancellationToken.None);
        await data.CompleteOAuthAsync(name, start.State, await services.OAuth.SignInAsync(start.AuthorizeUrl), CancellationToken.None);
        return name;
    }

    public void Dispose() => _clients.Dispose();
}
