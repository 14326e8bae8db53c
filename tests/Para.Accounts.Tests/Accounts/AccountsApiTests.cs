using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Para.Accounts.Events;
using Para.Accounts.Storage;
using Para.Accounts.Tests.Infrastructure;
using Para.Contracts.Accounts;
using Para.Contracts.Credentials;

namespace Para.Accounts.Tests.Accounts;

/// <summary>The HTTP API end to end: the account API in-process, the real OpenIddict server on 127.0.0.1.</summary>
public sealed class AccountsApiTests(OAuthServerFixture oauth) : IClassFixture<OAuthServerFixture>, IAsyncLifetime
{
    private readonly AccountsApiFactory _factory = new(oauth);
    private readonly List<string> _responses = [];
    private HttpClient _client = null!;

    public Task InitializeAsync()
    {
        _client = _factory.CreateAdminClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
    }

    [Fact]
    public async Task Every_api_route_needs_the_admin_key()
    {
        using var anonymous = _factory.CreateClient();

        foreach (var path in new[] { "/health", "/api/accounts", "/api/accounts/x/credentials", "/api/events" })
        {
            using var response = await anonymous.GetAsync(new Uri(path, UriKind.Relative));
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }

    [Fact]
    public async Task Adding_an_account_runs_the_whole_oauth_flow_and_lists_it_without_tokens()
    {
        var begin = await PostAsync<OAuthBeginResponse>("/api/accounts", new AddAccountRequest("work", AccountModes.Max, 3));
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(begin.AuthorizeUrl.Query);

        Assert.Equal("S256", query["code_challenge_method"]);
        Assert.Equal("true", query["code"]);
        Assert.Equal(begin.State, query["state"]);
        Assert.Equal(43, begin.State.Length); // 32 random bytes, base64url
        Assert.NotEqual(begin.State, query["code_challenge"].ToString());
        Assert.Equal(_factory.Time.GetUtcNow().AddMinutes(10).ToUnixTimeSeconds(), begin.ExpiresAt.ToUnixTimeSeconds());

        var pasted = await oauth.SignInAsync(begin.AuthorizeUrl);
        var account = await PostAsync<AccountView>("/api/oauth/complete", new CompleteOAuthRequest(begin.State, pasted));
        var listed = await GetAsync<AccountView[]>("/api/accounts");

        Assert.Equal("work", account.Name);
        Assert.Equal(3, account.Priority);
        Assert.NotNull(account.Token);
        Assert.StartsWith("sha256:", account.Token.Fingerprint, StringComparison.Ordinal);
        Assert.True(account.Token.ExpiresAt > _factory.Time.GetUtcNow().AddHours(7));
        Assert.Equal(account, Assert.Single(listed));
        var stored = _factory.Store.Find("work")!.Tokens!;
        Assert.False(string.IsNullOrEmpty(stored.RefreshToken));
        AssertNoSecretsAnywhere();
    }

    [Fact]
    public async Task Each_oauth_completion_and_refresh_is_a_span_naming_the_account_and_never_a_token()
    {
        using var recorder = new SpanRecorder("Para.Accounts");

        var begin = await PostAsync<OAuthBeginResponse>("/api/accounts", new AddAccountRequest("traced"));
        var account = await PostAsync<AccountView>("/api/oauth/complete", new CompleteOAuthRequest(begin.State, await oauth.SignInAsync(begin.AuthorizeUrl)));
        var firstTokens = _factory.Store.Find("traced")!.Tokens!;
        using (var refresh = await _client.PostAsync(new Uri("/health/auth/refresh?account=traced", UriKind.Relative), null))
        {
            Assert.Equal(HttpStatusCode.OK, refresh.StatusCode);
        }

        var ours = recorder.Spans.Where(span => Equals(span.GetTagItem("para.account.name"), "traced")).ToList();
        var completion = Assert.Single(ours, span => span.OperationName == "OAuth completion");
        Assert.Equal(System.Diagnostics.ActivityStatusCode.Ok, completion.Status);
        Assert.Equal(account.Id, completion.GetTagItem("para.account.id"));
        var refreshSpan = Assert.Single(ours, span => span.OperationName == "Token refresh");
        Assert.Equal("refreshed", refreshSpan.GetTagItem("para.outcome"));
        var secrets = new[] { firstTokens.AccessToken, firstTokens.RefreshToken, _factory.Store.Find("traced")!.Tokens!.AccessToken };
        foreach (var value in ours.SelectMany(span => span.TagObjects).Select(tag => tag.Value?.ToString() ?? "")
            .Concat(ours.Select(span => span.StatusDescription ?? "")))
        {
            Assert.DoesNotContain(secrets, secret => value.Contains(secret, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task A_bare_code_with_the_state_alongside_is_accepted()
    {
        var begin = await PostAsync<OAuthBeginResponse>("/api/accounts", new AddAccountRequest("bare"));
        var pasted = await oauth.SignInAsync(begin.AuthorizeUrl);

        var account = await PostAsync<AccountView>("/api/oauth/complete", new CompleteOAuthRequest(begin.State, pasted.Split('#')[0]));

        Assert.Equal("bare", account.Name);
        Assert.Equal(AccountModes.Max, account.Mode);
    }

    [Fact]
    public async Task A_code_pasted_as_code_hash_state_needs_no_separate_state()
    {
        var begin = await PostAsync<OAuthBeginResponse>("/api/accounts", new AddAccountRequest("hash"));
        var pasted = await oauth.SignInAsync(begin.AuthorizeUrl);

        var account = await PostAsync<AccountView>("/api/oauth/complete", new CompleteOAuthRequest(null, pasted));

        Assert.Equal("hash", account.Name);
    }

    [Fact]
    public async Task A_console_account_gets_an_api_key_shown_only_as_a_fingerprint()
    {
        var account = await AddAccountAsync("org", AccountModes.Console);

        Assert.Equal(AccountModes.Console, account.Mode);
        Assert.StartsWith("sha256:", account.ApiKeyFingerprint, StringComparison.Ordinal);
        Assert.Equal(_factory.Store.Find("org")!.ApiKey, oauth.IssuedApiKeys.Last());
        AssertNoSecretsAnywhere();
    }

    [Fact]
    public async Task A_duplicate_name_is_a_409_in_any_case()
    {
        await AddAccountAsync("Dup");

        using var response = await _client.PostAsJsonAsync("/api/accounts", new AddAccountRequest("dup"));
        var problem = await response.Content.ReadFromJsonAsync<ProblemDetails>();

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("reauth", problem!.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invalid_input_is_a_validation_problem()
    {
        using var response = await _client.PostAsJsonAsync("/api/accounts", new AddAccountRequest("no spaces allowed", "team", -1));
        var problem = await response.Content.ReadFromJsonAsync<ValidationProblemDetails>();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(["mode", "name", "priority"], problem!.Errors.Keys.Order());
    }

    [Fact]
    public async Task Unknown_accounts_are_404_problems_everywhere()
    {
        foreach (var (method, path) in new[]
        {
            (HttpMethod.Get, "/api/accounts/ghost"),
            (HttpMethod.Post, "/api/accounts/ghost/reauth"),
            (HttpMethod.Delete, "/api/accounts/ghost"),
            (HttpMethod.Post, "/api/accounts/ghost/reload"),
            (HttpMethod.Get, "/api/accounts/ghost/credentials"),
        })
        {
            using var request = new HttpRequestMessage(method, path);
            using var response = await _client.SendAsync(request);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

        using var patch = await _client.PatchAsJsonAsync("/api/accounts/ghost", new UpdateAccountRequest(Priority: 1));
        Assert.Equal(HttpStatusCode.NotFound, patch.StatusCode);
    }

    [Fact]
    public async Task Reauthentication_changes_only_the_tokens()
    {
        var account = await AddAccountAsync("keep", priority: 7);
        await PatchAsync("keep", new UpdateAccountRequest(CustomEndpoint: "https://proxy.example.test/v1", Paused: true));
        for (var i = 0; i < 5; i++)
        {
            _factory.Store.RecordRequest(account.Id, new RequestRecord { TimestampMs = 1_000 + i, Model = "claude", StatusCode = 200 });
        }

        var before = Strip(_factory.Store.ReadDocumentJson(account.Id));
        var tokensBefore = _factory.Store.Find(account.Id)!.Tokens!;

        var begin = await PostAsync<OAuthBeginResponse>("/api/accounts/KEEP/reauth", null);
        var reauthenticated = await PostAsync<AccountView>("/api/oauth/complete", new CompleteOAuthRequest(begin.State, await oauth.SignInAsync(begin.AuthorizeUrl)));

        var after = Strip(_factory.Store.ReadDocumentJson(account.Id));
        var tokensAfter = _factory.Store.Find(account.Id)!.Tokens!;
        Assert.Equal(before, after);
        Assert.NotEqual(tokensBefore.AccessToken, tokensAfter.AccessToken);
        Assert.NotEqual(tokensBefore.RefreshToken, tokensAfter.RefreshToken);
        Assert.Equal(account.Id, reauthenticated.Id);
        Assert.Equal(5, reauthenticated.Usage.TotalRequests);
        Assert.Equal(5, reauthenticated.RequestHistoryCount);
        Assert.Equal(7, reauthenticated.Priority);
        Assert.Equal("https://proxy.example.test/v1", reauthenticated.CustomEndpoint);
        AssertNoSecretsAnywhere();

        // Everything but the token fields, byte for byte as LiteDB stores it.
        static string Strip(string json)
        {
            var node = System.Text.Json.Nodes.JsonNode.Parse(json)!.AsObject();
            node.Remove("Tokens");
            return node.ToJsonString();
        }
    }

    [Fact]
    public async Task A_replayed_state_is_refused()
    {
        var begin = await PostAsync<OAuthBeginResponse>("/api/accounts", new AddAccountRequest("replay"));
        var pasted = await oauth.SignInAsync(begin.AuthorizeUrl);
        await PostAsync<AccountView>("/api/oauth/complete", new CompleteOAuthRequest(begin.State, pasted));
        var exchanges = oauth.CodeRequests;

        var problem = await PostProblemAsync("/api/oauth/complete", new CompleteOAuthRequest(begin.State, pasted), HttpStatusCode.BadRequest);

        Assert.Equal("Unknown or used state", problem.Title);
        Assert.Equal(exchanges, oauth.CodeRequests); // refused before the provider was asked
    }

    [Fact]
    public async Task An_unknown_state_or_a_mismatched_one_is_refused()
    {
        var begin = await PostAsync<OAuthBeginResponse>("/api/accounts", new AddAccountRequest("unknown"));
        var pasted = await oauth.SignInAsync(begin.AuthorizeUrl);

        var unknown = await PostProblemAsync("/api/oauth/complete", new CompleteOAuthRequest("made-up-state", pasted.Split('#')[0]), HttpStatusCode.BadRequest);
        var mismatch = await PostProblemAsync("/api/oauth/complete", new CompleteOAuthRequest("made-up-state", pasted), HttpStatusCode.BadRequest);

        Assert.Equal("Unknown or used state", unknown.Title);
        Assert.Equal("State mismatch", mismatch.Title);
    }

    [Fact]
    public async Task An_expired_state_is_refused()
    {
        var begin = await PostAsync<OAuthBeginResponse>("/api/accounts", new AddAccountRequest("late"));
        var pasted = await oauth.SignInAsync(begin.AuthorizeUrl);
        _factory.Time.Advance(TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(1));

        var problem = await PostProblemAsync("/api/oauth/complete", new CompleteOAuthRequest(begin.State, pasted), HttpStatusCode.BadRequest);

        Assert.Equal("Sign-in expired", problem.Title);
        Assert.Null(_factory.Store.Find("late"));
    }

    [Fact]
    public async Task A_wrong_verifier_is_refused_by_the_provider_as_a_400_that_says_begin_again()
    {
        var begin = await PostAsync<OAuthBeginResponse>("/api/accounts", new AddAccountRequest("verifier"));
        var pasted = await oauth.SignInAsync(begin.AuthorizeUrl);
        var session = _factory.Store.TakeSession(begin.State)!;
        session.CodeVerifier = OAuth.PkceTests.AnotherVerifier();
        _factory.Store.SaveSession(session, 0);

        var problem = await PostProblemAsync("/api/oauth/complete", new CompleteOAuthRequest(begin.State, pasted), HttpStatusCode.BadRequest);

        Assert.Equal("The OAuth provider refused the code", problem.Title);
        Assert.Contains("begin again: para accounts add verifier", problem.Detail, StringComparison.Ordinal);
        Assert.Equal("invalid_grant", problem.Extensions["providerError"]?.ToString());
        Assert.Null(_factory.Store.Find("verifier"));
    }

    [Fact]
    public async Task A_used_code_pasted_into_a_new_sign_in_is_a_400_that_says_begin_again()
    {
        var first = await PostAsync<OAuthBeginResponse>("/api/accounts", new AddAccountRequest("used"));
        var code = PastedCode.Parse(await oauth.SignInAsync(first.AuthorizeUrl)).Code;
        await PostAsync<AccountView>("/api/oauth/complete", new CompleteOAuthRequest(first.State, code, "used"));
        var again = await PostAsync<OAuthBeginResponse>("/api/accounts/used/reauth", null);

        var problem = await PostProblemAsync("/api/oauth/complete", new CompleteOAuthRequest(again.State, code, "used"), HttpStatusCode.BadRequest);

        Assert.Equal("The OAuth provider refused the code", problem.Title);
        Assert.EndsWith("begin again: para accounts reauth used", problem.Detail, StringComparison.Ordinal);
        Assert.Equal("invalid_grant", problem.Extensions["providerError"]?.ToString());
    }

    [Fact]
    public async Task A_code_of_another_accounts_sign_in_is_refused_and_that_sign_in_still_completes_for_its_own_account()
    {
        var work = await AddAccountAsync("work");
        var workTokens = _factory.Store.Find("work")!.Tokens!.AccessToken;
        var reauth = await PostAsync<OAuthBeginResponse>("/api/accounts/work/reauth", null);
        var reauthCode = await oauth.SignInAsync(reauth.AuthorizeUrl);
        var add = await PostAsync<OAuthBeginResponse>("/api/accounts", new AddAccountRequest("other"));
        var addCode = await oauth.SignInAsync(add.AuthorizeUrl);
        var exchanges = oauth.CodeRequests;

        var intoWork = await PostProblemAsync("/api/oauth/complete", new CompleteOAuthRequest(null, addCode, "WORK"), HttpStatusCode.Conflict);
        var intoOther = await PostProblemAsync("/api/oauth/complete", new CompleteOAuthRequest(null, reauthCode, "other"), HttpStatusCode.Conflict);

        Assert.Equal("This code belongs to the sign-in of 'other', not 'WORK'; nothing changed. Begin again: para accounts reauth WORK", intoWork.Detail);
        Assert.Equal("This code belongs to the sign-in of 'work', not 'other'; nothing changed. Begin again: para accounts add other", intoOther.Detail);
        Assert.Equal(exchanges, oauth.CodeRequests); // refused before the provider was asked
        Assert.Null(_factory.Store.Find("other"));
        Assert.Equal(workTokens, _factory.Store.Find("work")!.Tokens!.AccessToken);

        var other = await PostAsync<AccountView>("/api/oauth/complete", new CompleteOAuthRequest(null, addCode, "other"));
        var workAgain = await PostAsync<AccountView>("/api/oauth/complete", new CompleteOAuthRequest(null, reauthCode, work.Id));

        Assert.Equal("other", other.Name);
        Assert.Equal(work.Id, workAgain.Id);
        Assert.NotEqual(workTokens, _factory.Store.Find("work")!.Tokens!.AccessToken);
        Assert.Equal(2, _factory.Store.List().Count);
    }

    [Fact]
    public async Task The_oauth_server_itself_refuses_a_reused_refresh_token_and_revokes_the_chain()
    {
        await AddAccountAsync("chain");
        var first = _factory.Store.Find("chain")!.Tokens!.RefreshToken;

        var (status, body) = await oauth.RedeemRefreshTokenAsync(first);
        Assert.Equal(HttpStatusCode.OK, status);
        var second = JsonDocument.Parse(body).RootElement.GetProperty("refresh_token").GetString()!;
        Assert.NotEqual(first, second);

        var (reusedStatus, reusedBody) = await oauth.RedeemRefreshTokenAsync(first);
        Assert.Equal(HttpStatusCode.BadRequest, reusedStatus);
        Assert.Equal("invalid_grant", JsonDocument.Parse(reusedBody).RootElement.GetProperty("error").GetString());

        // The reuse revoked the chain: the newest refresh token is dead too.
        var (newestStatus, _) = await oauth.RedeemRefreshTokenAsync(second);
        Assert.Equal(HttpStatusCode.BadRequest, newestStatus);
    }

    [Fact]
    public async Task Patch_renames_pauses_and_clears_the_custom_endpoint()
    {
        await AddAccountAsync("old");
        await AddAccountAsync("taken");

        var renamed = await PatchAsync("old", new UpdateAccountRequest(Name: "new", Paused: true, CustomEndpoint: "http://127.0.0.1:9/x", AutoRefresh: false));
        var cleared = await PatchAsync("new", new UpdateAccountRequest(CustomEndpoint: ""));
        using var conflict = await _client.PatchAsJsonAsync("/api/accounts/new", new UpdateAccountRequest(Name: "TAKEN"));

        Assert.Equal("new", renamed.Name);
        Assert.True(renamed.Paused);
        Assert.False(renamed.AutoRefresh);
        Assert.Null(cleared.CustomEndpoint);
        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
    }

    [Fact]
    public async Task Delete_removes_the_account()
    {
        await AddAccountAsync("gone");

        using var deleted = await _client.DeleteAsync(new Uri("/api/accounts/gone", UriKind.Relative));
        using var again = await _client.GetAsync(new Uri("/api/accounts/gone", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
    }

    [Fact]
    public async Task Reload_answers_as_the_seed_shows_and_reaches_event_subscribers()
    {
        var account = await AddAccountAsync("claude");
        var hub = _factory.Services.GetRequiredService<AccountEventHub>();
        var heard = new List<string>();
        hub.Published += accountEvent => heard.Add($"{accountEvent.Type} {accountEvent.AccountId}");

        using var events = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var stream = await _client.GetAsync(new Uri("/api/events", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, events.Token);
        using var reader = new StreamReader(await stream.Content.ReadAsStreamAsync(events.Token));
        Assert.Equal("event: connected", await reader.ReadLineAsync(events.Token));
        Assert.Equal(1, hub.SubscriberCount);

        var reload = await PostAsync<ReloadResponse>("/api/accounts/claude/reload", null);

        Assert.Equal(new ReloadResponse(true, "Token reload triggered for account 'claude'"), reload);
        Assert.Equal($"reloaded {account.Id}", Assert.Single(heard));
        Assert.Equal("text/event-stream", stream.Content.Headers.ContentType?.MediaType);
        string? line;
        while ((line = await reader.ReadLineAsync(events.Token)) is not null && line != "event: reloaded")
        {
            // Skip the connected event's data and the blank line that ends it.
        }

        Assert.Equal("event: reloaded", line);
        var data = await reader.ReadLineAsync(events.Token);
        Assert.StartsWith("data: ", data, StringComparison.Ordinal);
        Assert.Equal(account.Id, JsonDocument.Parse(data!["data: ".Length..]).RootElement.GetProperty("accountId").GetString());
    }

    [Fact]
    public async Task An_open_event_stream_ends_when_the_service_stops_instead_of_holding_its_shutdown()
    {
        using var events = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var stream = await _client.GetAsync(new Uri("/api/events", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, events.Token);
        using var reader = new StreamReader(await stream.Content.ReadAsStreamAsync(events.Token));
        Assert.Equal("event: connected", await reader.ReadLineAsync(events.Token));
        var hub = _factory.Services.GetRequiredService<AccountEventHub>();

        _factory.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication();

        // The rest of the connected event, then the end of the stream: not a read that waits for the host's timeout.
        var rest = await reader.ReadToEndAsync(events.Token);
        Assert.StartsWith("data: ", rest, StringComparison.Ordinal);
        Assert.Equal(0, hub.SubscriberCount);
    }

    [Fact]
    public async Task Credentials_export_is_claude_codes_file_format()
    {
        await AddAccountAsync("export");
        var stored = _factory.Store.Find("export")!.Tokens!;

        var export = await GetAsync<CredentialsExport>("/api/accounts/export/credentials");

        Assert.Equal(stored.AccessToken, export.Credentials.ClaudeAiOauth.AccessToken);
        Assert.Equal("", export.Credentials.ClaudeAiOauth.RefreshToken);
        Assert.Equal(stored.ExpiresAtMs, export.Credentials.ClaudeAiOauth.ExpiresAt);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(stored.ExpiresAtMs), export.ExpiresAt);
        Assert.Equal(OAuthServerFixture.Scopes.Order(), export.Credentials.ClaudeAiOauth.Scopes.Where(s => s != "offline_access").Order());
        Assert.Equal((await GetAsync<AccountView>("/api/accounts/export")).Token!.Fingerprint, export.Fingerprint);
        Assert.DoesNotContain(stored.AccessToken, export.ToString(), StringComparison.Ordinal);
        Assert.Contains($"Credentials of account export exported (access token {export.Fingerprint})", _factory.Logs.All, StringComparison.Ordinal);
        Assert.DoesNotContain(stored.AccessToken, _factory.Logs.All, StringComparison.Ordinal);
        Assert.DoesNotContain(stored.RefreshToken, _factory.Logs.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Credentials_export_leaves_the_refresh_token_out_unless_asked_and_the_rest_unchanged()
    {
        await AddAccountAsync("withheld");
        var stored = _factory.Store.Find("withheld")!.Tokens!;

        var full = await GetAsync<CredentialsExport>("/api/accounts/withheld/credentials?includeRefreshToken=true");
        var withheld = await GetAsync<CredentialsExport>("/api/accounts/withheld/credentials?includeRefreshToken=false");
        var byDefault = await GetAsync<CredentialsExport>("/api/accounts/withheld/credentials");

        Assert.Equal(stored.RefreshToken, full.Credentials.ClaudeAiOauth.RefreshToken);
        Assert.Equal("", byDefault.Credentials.ClaudeAiOauth.RefreshToken);
        Assert.Equal("", withheld.Credentials.ClaudeAiOauth.RefreshToken);
        Assert.DoesNotContain(stored.RefreshToken, _responses[^2], StringComparison.Ordinal);
        Assert.DoesNotContain(stored.RefreshToken, _responses[^1], StringComparison.Ordinal);
        Assert.Contains("\"refreshToken\":\"\"", _responses[^2], StringComparison.Ordinal);
        Assert.Equal(stored.AccessToken, withheld.Credentials.ClaudeAiOauth.AccessToken);
        Assert.Equal(stored.ExpiresAtMs, withheld.Credentials.ClaudeAiOauth.ExpiresAt);
        Assert.Equal(full.ExpiresAt, withheld.ExpiresAt);
        Assert.Equal(full.Fingerprint, withheld.Fingerprint);
        Assert.Equal(full.Credentials.ClaudeAiOauth.Scopes, withheld.Credentials.ClaudeAiOauth.Scopes);
        Assert.Equal(full.Credentials.ClaudeAiOauth.SubscriptionType, withheld.Credentials.ClaudeAiOauth.SubscriptionType);
        Assert.Equal(full.AccountDetails, withheld.AccountDetails);
    }

    [Fact]
    public async Task The_provider_being_down_is_a_502_naming_it()
    {
        await using var down = new AccountsApiFactory(oauth, tokenUrl: new Uri("http://127.0.0.1:9/connect/token"));
        using var client = down.CreateAdminClient();
        using var begun = await client.PostAsJsonAsync("/api/accounts", new AddAccountRequest("offline"));
        var begin = (await begun.Content.ReadFromJsonAsync<OAuthBeginResponse>())!;
        var pasted = await oauth.SignInAsync(begin.AuthorizeUrl);

        using var response = await client.PostAsJsonAsync("/api/oauth/complete", new CompleteOAuthRequest(begin.State, pasted));
        var problem = (await response.Content.ReadFromJsonAsync<ProblemDetails>())!;

        Assert.Equal((HttpStatusCode)502, response.StatusCode);
        Assert.Equal("provider_unreachable", problem.Extensions["providerError"]?.ToString());
        Assert.Contains("127.0.0.1:9", problem.Detail, StringComparison.Ordinal);
    }

    private async Task<AccountView> AddAccountAsync(string name, string mode = AccountModes.Max, int priority = 0)
    {
        var begin = await PostAsync<OAuthBeginResponse>("/api/accounts", new AddAccountRequest(name, mode, priority));
        return await PostAsync<AccountView>("/api/oauth/complete", new CompleteOAuthRequest(begin.State, await oauth.SignInAsync(begin.AuthorizeUrl)));
    }

    private async Task<T> GetAsync<T>(string path)
    {
        using var response = await _client.GetAsync(new Uri(path, UriKind.Relative));
        return await ReadAsync<T>(response, HttpStatusCode.OK);
    }

    private async Task<T> PostAsync<T>(string path, object? body)
    {
        using var response = body is null ? await _client.PostAsync(new Uri(path, UriKind.Relative), null) : await _client.PostAsJsonAsync(path, body);
        return await ReadAsync<T>(response, HttpStatusCode.OK);
    }

    private async Task<AccountView> PatchAsync(string idOrName, UpdateAccountRequest request)
    {
        using var response = await _client.PatchAsJsonAsync($"/api/accounts/{idOrName}", request);
        return await ReadAsync<AccountView>(response, HttpStatusCode.OK);
    }

    private async Task<ProblemDetails> PostProblemAsync(string path, object body, HttpStatusCode expected)
    {
        using var response = await _client.PostAsJsonAsync(path, body);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return await ReadAsync<ProblemDetails>(response, expected);
    }

    private async Task<T> ReadAsync<T>(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        _responses.Add(text);
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode}: {text}");
        return JsonSerializer.Deserialize<T>(text, JsonSerializerOptions.Web)!;
    }

    /// <summary>No token or API key in any response body this test read, nor in any log line.</summary>
    private void AssertNoSecretsAnywhere()
    {
        var secrets = _factory.Store.List()
            .SelectMany(account => new[] { account.Tokens?.AccessToken, account.Tokens?.RefreshToken, account.ApiKey })
            .OfType<string>()
            .Where(secret => secret.Length > 0)
            .ToList();
        Assert.NotEmpty(secrets);
        var logs = _factory.Logs.All;
        Assert.NotEmpty(logs);
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(secret, logs, StringComparison.Ordinal);
            Assert.All(_responses, body => Assert.DoesNotContain(secret, body, StringComparison.Ordinal));
        }
    }
}
