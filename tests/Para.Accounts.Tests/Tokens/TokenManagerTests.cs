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

        // One more, timed alone: the latency of a refresh against the local provider.
        clock.Restart();
        var manual = await Manager.RefreshAsync("busy", CancellationToken.None);
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
        var manual = Task.Run(() => Manager.RefreshAsync("race", CancellationToken.None));
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

        var result = await Manager.RefreshAsync("revoked", CancellationToken.None);
        var unavailable = await Assert.ThrowsAsync<TokenUnavailableException>(() => Manager.GetValidAccessTokenAsync("revoked", CancellationToken.None));
        var health = (await GetTokenHealthAsync()).Accounts.Single(a => a.AccountId == account.Id);

        Assert.False(result.Success);
        Assert.False(result.ShouldRetry);
        Assert.Contains("invalid_grant", result.Message, StringComparison.Ordinal);
        Assert.True(_factory.Store.Find(account.Id)!.RequiresReauth);
        Assert.Equal(["requires-reauth"], heard);
        Assert.True(unavailable.RequiresReauth);
        Assert.Equal(TokenStatuses.RequiresReauth, health.Status);

        var begin = await PostAsync<OAuthBeginResponse>("/api/accounts/revoked/reauth");
        await PostAsync<AccountView>("/api/oauth/complete", new CompleteOAuthRequest(begin.State, await oauth.SignInAsync(begin.AuthorizeUrl)));

        Assert.False(_factory.Store.Find(account.Id)!.RequiresReauth);
        Assert.Equal(_factory.Store.Find(account.Id)!.Tokens!.AccessToken, (await Manager.GetValidAccessTokenAsync("revoked", CancellationToken.None)).AccessToken);
    }

    [Fact]
    public async Task Transient_failures_back_off_instead_of_hammering_the_provider()
    {
        var account = await AddAccountAsync("flaky", autoRefresh: false);
        oauth.FailRefreshesWith = 503;
        var before = oauth.RefreshRequests;

        var first = await Manager.RefreshAsync("flaky", CancellationToken.None);
        var second = await Manager.RefreshAsync("flaky", CancellationToken.None);
        _factory.Time.Advance(TimeSpan.FromSeconds(59));
        var third = await Manager.RefreshAsync("flaky", CancellationToken.None);
        oauth.FailRefreshesWith = null;
        _factory.Time.Advance(TimeSpan.FromSeconds(2));
        var fourth = await Manager.RefreshAsync("flaky", CancellationToken.None);

        Assert.False(first.Success);
        Assert.True(first.ShouldRetry);
        Assert.False(second.Success);
        Assert.False(third.Success);
        Assert.True(fourth.Success, fourth.Message);
        Assert.Equal(2, oauth.RefreshRequests - before);
        Assert.False(_factory.Store.Find(account.Id)!.RequiresReauth);
    }

    [Fact]
    public async Task Import_takes_newer_tokens_only()
    {
        var account = await AddAccountAsync("import", autoRefresh: false);
        var stored = _factory.Store.Find(account.Id)!.Tokens!;

        var older = await Manager.ImportAsync("import", new ClaudeAiOauth("a-old", "r-old", stored.ExpiresAtMs - 1, ["user:inference"], null), CancellationToken.None);
        var newer = await Manager.ImportAsync("import", new ClaudeAiOauth("a-new", "r-new", stored.ExpiresAtMs + 1, ["user:inference"], null), CancellationToken.None);

        Assert.False(older.Success);
        Assert.True(newer.Success);
        Assert.Equal("a-new", _factory.Store.Find(account.Id)!.Tokens!.AccessToken);
    }

    [Fact]
    public async Task Reload_drops_the_cached_token_so_a_store_change_is_seen_at_once()
    {
        var account = await AddAccountAsync("cached", autoRefresh: false);
        var first = await Manager.GetValidAccessTokenAsync("cached", CancellationToken.None);
        _factory.Store.ReplaceTokens(account.Id, Storage.StoreWriterProgram.TokenSet(_factory.Time.GetUtcNow().AddHours(5).ToUnixTimeMilliseconds()), null, null);

        var stale = await Manager.GetValidAccessTokenAsync("cached", CancellationToken.None);
        var reload = await PostAsync<ReloadResponse>("/api/accounts/cached/reload");
        var reloaded = await Manager.GetValidAccessTokenAsync("cached", CancellationToken.None);

        Assert.Equal(first.AccessToken, stale.AccessToken);
        Assert.True(reload.Success);
        Assert.StartsWith("access-", reloaded.AccessToken, StringComparison.Ordinal);
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
            ["accountId", "autoRefresh", "expiresAt", "lastError", "lastRefresh", "name", "refreshTokenAgeDays", "refreshTokenIssuedAt", "status", "warning"],
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
            new AccountTokenStatus("id", "name", now.AddMinutes(expiresInMinutes), now.AddMinutes(expiresInMinutes - 30), now.AddDays(-refreshAgeDays), null, requiresReauth, false, true, null),
            now,
            new TokenManagerOptions());

        Assert.Equal(status, health.Status);
        Assert.Equal(refreshAgeDays, health.RefreshTokenAgeDays);
        Assert.Equal(warns, health.Warning is not null);
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
