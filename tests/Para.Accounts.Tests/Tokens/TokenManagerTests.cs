using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Para.Accounts.Events;
using Para.Accounts.Tests.Infrastructure;
using Para.Accounts.Tokens;
using Para.Contracts.Accounts;
using Para.Contracts.Credentials;
using Xunit.Abstractions;

namespace Para.Accounts.Tests.Tokens;

/// <summary>The token manager against the real OpenIddict server, which rejects a reused refresh token.</summary>
public sealed class TokenManagerTests(OAuthServerFixture oauth, ITestOutputHelper output) : IClassFixture<OAuthServerFixture>, IAsyncLifetime
{
    private static readonly TimeSpan IntoTheWindow = TimeSpan.FromHours(8) - TimeSpan.FromMinutes(15);
    private readonly AccountsApiFactory _factory = new(oauth);
    private HttpClient _client = null!;

    private TokenManager Manager => _factory.Services.GetRequiredService<TokenManager>();

    public Task InitializeAsync()
    {
        _client = _factory.CreateAdminClient();
        // Outages and holds are per test; the fixture's server is shared by the class.
        oauth.FailRefreshesWith = null;
        oauth.HoldTokenRequests = null;
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        oauth.FailRefreshesWith = null;
        _client.Dispose();
        await _factory.DisposeAsync();
    }

    [Fact]
    public async Task A_token_outside_the_window_is_handed_out_without_a_refresh()
    {
        var account = await AddAccountAsync("fresh");
        var before = oauth.RefreshRequests;

        var token = await Manager.GetValidAccessTokenAsync("fresh", CancellationToken.None);

        Assert.Equal(before, oauth.RefreshRequests);
        Assert.Equal(_factory.Store.Find(account.Id)!.Tokens!.AccessToken, token.AccessToken);
        Assert.DoesNotContain(token.AccessToken, token.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_hundred_concurrent_callers_at_an_expiring_account_share_exactly_one_refresh()
    {
        var account = await AddAccountAsync("busy", autoRefresh: false);
        var old = _factory.Store.Find(account.Id)!.Tokens!;
        _factory.Time.Advance(IntoTheWindow);
        var before = oauth.RefreshRequests;

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var tokens = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => Task.Run(() => Manager.GetValidAccessTokenAsync("busy", CancellationToken.None))));
        output.WriteLine($"100 callers, {oauth.RefreshRequests - before} refresh request(s), {clock.Elapsed.TotalMilliseconds:0} ms until all had a token");

        var stored = _factory.Store.Find(account.Id)!.Tokens!;
        Assert.Equal(1, oauth.RefreshRequests - before);
        Assert.Equal(100, tokens.Length);
        Assert.All(tokens, token => Assert.Equal(stored.AccessToken, token.AccessToken));
        Assert.NotEqual(old.AccessToken, stored.AccessToken);
        Assert.NotEqual(old.RefreshToken, stored.RefreshToken);
        Assert.True(stored.ExpiresAtMs > _factory.Time.GetUtcNow().AddHours(7).ToUnixTimeMilliseconds());
        foreach (var secret in new[] { old.AccessToken, old.RefreshToken, stored.AccessToken, stored.RefreshToken })
        {
            Assert.DoesNotContain(secret, _factory.Logs.All, StringComparison.Ordinal);
        }

        // One more, timed alone (after the cooldown): the latency of a refresh against the local provider.
        _factory.Time.Advance(TimeSpan.FromSeconds(31));
        clock.Restart();
        var manual = await ManualAsync("busy");
        output.WriteLine($"one refresh (grant + compare-and-set write): {clock.Elapsed.TotalMilliseconds:0.0} ms");
        Assert.True(manual.Success, manual.Message);

        // The stored refresh token is the live one: the provider honours it.
        Assert.Equal(HttpStatusCode.OK, (await oauth.RedeemRefreshTokenAsync(_factory.Store.Find(account.Id)!.Tokens!.RefreshToken)).Status);
    }

    [Fact]
    public async Task The_background_refresher_refreshes_a_token_before_it_expires()
    {
        var account = await AddAccountAsync("background");
        var old = _factory.Store.Find(account.Id)!.Tokens!;
        var heard = new System.Collections.Concurrent.ConcurrentQueue<string>();
        _factory.Services.GetRequiredService<AccountEventHub>().Published += accountEvent => heard.Enqueue(accountEvent.Type);

        _factory.Time.Advance(IntoTheWindow);
        await WaitUntilAsync(() => heard.Contains("refreshed"));

        var stored = _factory.Store.Find(account.Id)!;
        Assert.True(stored.Tokens!.ExpiresAtMs > _factory.Time.GetUtcNow().AddHours(7).ToUnixTimeMilliseconds());
        Assert.Equal(_factory.Time.GetUtcNow().ToUnixTimeMilliseconds(), stored.LastRefreshMs);
        Assert.NotEqual(old.AccessToken, stored.Tokens.AccessToken);
    }

    [Fact]
    public async Task The_background_refresher_leaves_accounts_with_auto_refresh_off_alone()
    {
        var account = await AddAccountAsync("manual", autoRefresh: false);
        var before = oauth.RefreshRequests;
        _factory.Time.Advance(IntoTheWindow);

        var refreshed = await Refresher.RefreshDueAccountsAsync(CancellationToken.None);

        Assert.Equal(0, refreshed);
        Assert.Equal(before, oauth.RefreshRequests);
        Assert.Equal(TokenStatuses.Expiring, (await GetTokenHealthAsync()).Accounts.Single(a => a.AccountId == account.Id).Status);
    }

    [Fact]
    public async Task A_manual_refresh_racing_the_background_refresher_makes_one_request_and_keeps_the_live_token()
    {
        var account = await AddAccountAsync("race", autoRefresh: false);
        await PatchAsync("race", new UpdateAccountRequest(AutoRefresh: true));
        var before = oauth.RefreshRequests;

        // Line the racers up: the first refresh request to reach the provider is held there while
        // the other refresher runs; then the provider answers. The hold goes up before the clock
        // moves, because moving it also wakes the hosted refresher, which may then be that first one.
        oauth.HoldTokenRequests = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _factory.Time.Advance(IntoTheWindow);
        var manual = Task.Run(() => ManualAsync("race"));
        await WaitUntilAsync(() => oauth.RefreshRequests - before >= 1);
        var background = Refresher.RefreshDueAccountsAsync(CancellationToken.None); // runs until it joins the held flight
        oauth.HoldTokenRequests.SetResult();
        oauth.HoldTokenRequests = null;
        await Task.WhenAll(manual, background);

        Assert.True((await manual).Success, (await manual).Message);
        Assert.Equal(1, oauth.RefreshRequests - before);
        var stored = _factory.Store.Find(account.Id)!.Tokens!;
        Assert.Equal(HttpStatusCode.OK, (await oauth.RedeemRefreshTokenAsync(stored.RefreshToken)).Status);
    }

    [Fact]
    public async Task Invalid_grant_marks_the_account_for_reauthentication_until_it_signs_in_again()
    {
        var account = await AddAccountAsync("revoked");
        var heard = new List<string>();
        _factory.Services.GetRequiredService<AccountEventHub>().Published += accountEvent => heard.Add(accountEvent.Type);
        // Someone else redeems the refresh token: the one Para holds is now used, and presenting it revokes the chain.
        Assert.Equal(HttpStatusCode.OK, (await oauth.RedeemRefreshTokenAsync(_factory.Store.Find(account.Id)!.Tokens!.RefreshToken)).Status);

        var result = await ManualAsync("revoked");
        var unavailable = await Assert.ThrowsAsync<TokenUnavailableException>(() => Manager.GetValidAccessTokenAsync("revoked", CancellationToken.None));
        var health = (await GetTokenHealthAsync()).Accounts.Single(a => a.AccountId == account.Id);

        Assert.False(result.Success);
        Assert.False(result.ShouldRetry);
        Assert.Contains("invalid_grant", result.Message, StringComparison.Ordinal);
        Assert.True(_factory.Store.Find(account.Id)!.RequiresReauth);
        Assert.Equal(["requires-reauth"], heard);
        Assert.Equal(TokenUnavailableReason.RequiresReauth, unavailable.Reason);
        Assert.Equal(TokenStatuses.RequiresReauth, health.Status);

        var begin = await PostAsync<OAuthBeginResponse>("/api/accounts/revoked/reauth");
        await PostAsync<AccountView>("/api/oauth/complete", new CompleteOAuthRequest(begin.State, await oauth.SignInAsync(begin.AuthorizeUrl)));

        Assert.False(_factory.Store.Find(account.Id)!.RequiresReauth);
        Assert.Equal(_factory.Store.Find(account.Id)!.Tokens!.AccessToken, (await Manager.GetValidAccessTokenAsync("revoked", CancellationToken.None)).AccessToken);
    }

    [Fact]
    public async Task Transient_failures_back_off_with_growing_pauses_and_a_person_waits_only_the_cooldown()
    {
        var account = await AddAccountAsync("flaky", autoRefresh: false);
        oauth.FailRefreshesWith = 503;
        var before = oauth.RefreshRequests;
        _factory.Time.Advance(IntoTheWindow);

        var pauses = new List<TimeSpan>();
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var outcome = await Manager.RefreshAsync("flaky", RefreshTrigger.OnDemand, CancellationToken.None);
            Assert.False(outcome.Succeeded);
            var next = Manager.RefreshStatusOf(account.Id).NextAttemptAt!.Value;
            pauses.Add(next - _factory.Time.GetUtcNow());

            // Until then neither the background nor a consumer reaches the provider.
            _factory.Time.Advance(next - _factory.Time.GetUtcNow() - TimeSpan.FromSeconds(1));
            var held = await Manager.RefreshAsync("flaky", RefreshTrigger.OnDemand, CancellationToken.None);
            Assert.Null(held.Result);
            Assert.Contains(held.Refusal, new[] { RefreshRefusal.BackingOff, RefreshRefusal.CoolingDown });
            _factory.Time.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal(3, oauth.RefreshRequests - before);
        Assert.InRange(pauses[0].TotalSeconds, 30, 36);
        Assert.InRange(pauses[1].TotalSeconds, 48, 72);
        Assert.InRange(pauses[2].TotalSeconds, 96, 144);

        // A person may try again after the 30 s cooldown, whatever the back-off says.
        var failed = await ManualAsync("flaky");
        var coolingDown = await Manager.RefreshAsync("flaky", RefreshTrigger.Manual, CancellationToken.None);
        oauth.FailRefreshesWith = null;
        _factory.Time.Advance(TimeSpan.FromSeconds(31));
        var recovered = await ManualAsync("flaky");

        Assert.False(failed.Success);
        Assert.Equal(RefreshRefusal.CoolingDown, coolingDown.Refusal);
        Assert.True(recovered.Success, recovered.Message);
        Assert.Equal(5, oauth.RefreshRequests - before);
        Assert.Equal(0, Manager.RefreshStatusOf(account.Id).ConsecutiveFailures);
        Assert.False(_factory.Store.Find(account.Id)!.RequiresReauth);
    }

    [Fact]
    public async Task A_token_that_is_not_valid_long_enough_is_refreshed_before_it_is_exported_even_with_auto_refresh_off()
    {
        var account = await AddAccountAsync("export", autoRefresh: false);
        var old = _factory.Store.Find(account.Id)!.Tokens!;
        _factory.Time.Advance(TimeSpan.FromHours(8) - TimeSpan.FromMinutes(2));

        using var response = await _client.GetAsync(new Uri("/api/accounts/export/credentials", UriKind.Relative));
        var export = JsonSerializer.Deserialize<CredentialsExport>(await response.Content.ReadAsStringAsync(), JsonSerializerOptions.Web)!;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotEqual(old.AccessToken, export.Credentials.ClaudeAiOauth.AccessToken);
        Assert.True(export.ExpiresAt - _factory.Time.GetUtcNow() >= TimeSpan.FromMinutes(5));
        Assert.Equal(_factory.Store.Find(account.Id)!.Tokens!.AccessToken, export.Credentials.ClaudeAiOauth.AccessToken);
        // Withheld unless asked for: the account API's copy stays the only live refresh token.
        Assert.Equal("", export.Credentials.ClaudeAiOauth.RefreshToken);
    }

    [Fact]
    public async Task With_the_provider_down_an_export_that_cannot_be_made_valid_is_503_with_retry_after()
    {
        await AddAccountAsync("outage", autoRefresh: false);
        oauth.FailRefreshesWith = 503;
        _factory.Time.Advance(TimeSpan.FromHours(8) - TimeSpan.FromMinutes(2));

        using var response = await _client.GetAsync(new Uri("/api/accounts/outage/credentials", UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("no token valid for the next 5 minutes", body, StringComparison.Ordinal);
        Assert.NotNull(response.Headers.RetryAfter);
    }

    [Fact]
    public async Task Four_expiring_accounts_with_twenty_five_readers_each_get_exactly_one_grant_each()
    {
        var names = new[] { "one", "two", "three", "four" };
        foreach (var name in names)
        {
            await AddAccountAsync(name, autoRefresh: false);
        }

        // A person refreshed one of them just now: that cooldown is that account's, not everyone's.
        _factory.Time.Advance(TimeSpan.FromHours(8) - TimeSpan.FromMinutes(3));
        Assert.True((await ManualAsync("one")).Success);
        var before = oauth.RefreshRequests;
        _factory.Time.Advance(TimeSpan.FromSeconds(1));

        var readers = names.Skip(1).SelectMany(name => Enumerable.Range(0, 25).Select(_ => Task.Run(() => Manager.GetValidAccessTokenAsync(name, CancellationToken.None))));
        var tokens = await Task.WhenAll(readers);

        Assert.Equal(3, oauth.RefreshRequests - before);
        Assert.All(tokens, token => Assert.True(token.ExpiresAt - _factory.Time.GetUtcNow() > TimeSpan.FromHours(7)));
        Assert.Equal(3, tokens.Select(token => token.AccessToken).Distinct().Count());
    }

    [Fact]
    public async Task Refreshing_all_accounts_refreshes_each_once_and_the_background_counts_like_a_person()
    {
        var work = await AddAccountAsync("work");
        await AddAccountAsync("home", autoRefresh: false);
        var before = oauth.RefreshRequests;

        var all = await Manager.RefreshAllAsync(RefreshTrigger.Manual, CancellationToken.None);
        Assert.True(all.Result.Success, all.Result.Message);
        Assert.Equal(2, oauth.RefreshRequests - before);

        _factory.Time.Advance(IntoTheWindow);
        await Refresher.RefreshDueAccountsAsync(CancellationToken.None);

        Assert.Equal(3, oauth.RefreshRequests - before);
        Assert.Equal(2, Manager.RefreshStatusOf(work.Id).RefreshCount);
    }

    [Fact]
    public async Task A_short_lived_token_is_refreshed_when_a_quarter_of_its_life_is_left_not_at_every_check()
    {
        var account = await AddAccountAsync("short");
        var issued = _factory.Store.Find(account.Id)!.Tokens!;
        var now = _factory.Time.GetUtcNow();
        var stored = new Para.Accounts.Storage.OAuthTokens
        {
            AccessToken = issued.AccessToken,
            RefreshToken = issued.RefreshToken,
            TokenType = issued.TokenType,
            Scope = issued.Scope,
            RefreshTokenIssuedAtMs = issued.RefreshTokenIssuedAtMs,
            IssuedAtMs = now.ToUnixTimeMilliseconds(),
            ExpiresAtMs = now.AddMinutes(2).ToUnixTimeMilliseconds(),
        };
        _factory.Store.ReplaceTokens(account.Id, stored, null, null);
        var before = oauth.RefreshRequests;

        _factory.Time.Advance(TimeSpan.FromSeconds(60));
        await Refresher.RefreshDueAccountsAsync(CancellationToken.None);
        Assert.Equal(before, oauth.RefreshRequests);
        // The refresher sleeps until the token falls due, not a whole check interval.
        Assert.InRange(Refresher.NextWake().TotalSeconds, 29, 30.01);
        Assert.Equal(TokenStatuses.Ok, (await GetTokenHealthAsync()).Accounts.Single().Status);

        Assert.Equal(stored.IssuedAtMs + 90_000, (await GetTokenHealthAsync()).Accounts.Single().RefreshDueAt!.Value.ToUnixTimeMilliseconds());

        _factory.Time.Advance(TimeSpan.FromSeconds(30));
        await Refresher.RefreshDueAccountsAsync(CancellationToken.None);
        Assert.Equal(1, oauth.RefreshRequests - before);
    }

    [Fact]
    public async Task A_fresh_eight_hour_token_is_ok_in_every_view_until_its_last_half_hour()
    {
        var account = await AddAccountAsync("lifetime");

        var view = await _client.GetFromJsonAsync<AccountView>("/api/accounts/lifetime");
        Assert.Equal(TokenStatuses.Ok, view!.Status);
        Assert.Equal(view.Token!.ExpiresAt - TimeSpan.FromMinutes(30), view.Token.RefreshDueAt);
        Assert.Equal(TokenStatuses.Ok, TokenStatuses.Classify(view, _factory.Time.GetUtcNow().AddHours(7)));
        Assert.Equal(TokenStatuses.Expiring, TokenStatuses.Classify(view, _factory.Time.GetUtcNow().AddHours(7.6)));
        Assert.Equal(account.Id, view.Id);
    }

    [Fact]
    public async Task A_stopping_service_waits_for_a_refresh_the_provider_is_answering_so_the_new_token_is_saved()
    {
        var account = await AddAccountAsync("stopping", autoRefresh: false);
        var old = _factory.Store.Find(account.Id)!.Tokens!;
        var before = oauth.RefreshRequests;
        oauth.HoldTokenRequests = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var refresh = Task.Run(() => ManualAsync("stopping"));
        await WaitUntilAsync(() => oauth.RefreshRequests - before >= 1);

        var stop = Refresher.StopAsync(CancellationToken.None);
        await Task.Delay(200);
        Assert.False(stop.IsCompleted);
        oauth.HoldTokenRequests.SetResult();
        oauth.HoldTokenRequests = null;
        await stop;

        Assert.True((await refresh).Success);
        var saved = _factory.Store.Find(account.Id)!.Tokens!;
        Assert.NotEqual(old.RefreshToken, saved.RefreshToken);
        Assert.Equal(HttpStatusCode.OK, (await oauth.RedeemRefreshTokenAsync(saved.RefreshToken)).Status);
    }

    [Fact]
    public async Task Token_health_is_served_with_its_exact_shape()
    {
        await AddAccountAsync("shape");

        using var response = await _client.GetAsync(new Uri("/api/token-health", UriKind.Relative));
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["accounts", "timestamp"], json.EnumerateObject().Select(p => p.Name).Order());
        var entry = json.GetProperty("accounts")[0];
        Assert.Equal(
            ["accountId", "autoRefresh", "expiresAt", "lastError", "lastRefresh", "name", "refreshDueAt", "refreshTokenAgeDays", "refreshTokenIssuedAt", "status", "warning"],
            entry.EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal("ok", entry.GetProperty("status").GetString());
        Assert.Equal(0, entry.GetProperty("refreshTokenAgeDays").GetDouble());
    }

    [Theory]
    [InlineData(false, 120, 0, "ok", false)]
    [InlineData(false, 20, 0, "expiring", false)]
    [InlineData(false, -1, 0, "expired", false)]
    [InlineData(true, 120, 0, "requires-reauth", false)]
    [InlineData(false, 120, 75, "ok", false)]
    [InlineData(false, 120, 77, "ok", true)]
    public void Token_health_states_and_the_refresh_token_age_warning(bool requiresReauth, int expiresInMinutes, int refreshAgeDays, string status, bool warns)
    {
        var now = DateTimeOffset.UnixEpoch.AddYears(56);
        var health = TokenHealthApi.Describe(
            new AccountTokenStatus("id", "name", now.AddMinutes(expiresInMinutes), now.AddMinutes(expiresInMinutes - 30), now.AddDays(-refreshAgeDays), null, requiresReauth, false, true, null, AccountRefreshStatus.None, !requiresReauth),
            now,
            new TokenManagerOptions());

        Assert.Equal(status, health.Status);
        Assert.Equal(refreshAgeDays, health.RefreshTokenAgeDays);
        Assert.Equal(warns, health.Warning is not null);
    }

    private async Task<TokenOperationResult> ManualAsync(string account)
    {
        var outcome = await Manager.RefreshAsync(account, RefreshTrigger.Manual, CancellationToken.None);
        return outcome.Result ?? TokenOperationResult.Failed($"refused: {outcome.Refusal} {outcome.Message}", shouldRetry: true);
    }

    private TokenRefreshService Refresher => _factory.Services.GetServices<IHostedService>().OfType<TokenRefreshService>().Single();

    private async Task<TokenHealthReport> GetTokenHealthAsync() =>
        (await _client.GetFromJsonAsync<TokenHealthReport>("/api/token-health"))!;

    private async Task<AccountView> AddAccountAsync(string name, bool autoRefresh = true)
    {
        var begin = await PostAsync<OAuthBeginResponse>("/api/accounts", new AddAccountRequest(name));
        var account = await PostAsync<AccountView>("/api/oauth/complete", new CompleteOAuthRequest(begin.State, await oauth.SignInAsync(begin.AuthorizeUrl)));
        return autoRefresh ? account : await PatchAsync(name, new UpdateAccountRequest(AutoRefresh: false));
    }

    private async Task<AccountView> PatchAsync(string name, UpdateAccountRequest request)
    {
        using var response = await _client.PatchAsJsonAsync($"/api/accounts/{name}", request);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<AccountView>())!;
    }

    private async Task<T> PostAsync<T>(string path, object? body = null)
    {
        using var response = body is null ? await _client.PostAsync(new Uri(path, UriKind.Relative), null) : await _client.PostAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonSerializer.Deserialize<T>(text, JsonSerializerOptions.Web)!;
    }

    /// <summary>Waits for work the fake clock released on another thread; the clock itself never moves here.</summary>
    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (!condition())
        {
            await Task.Delay(10, deadline.Token);
        }
    }
}
