using System.Net;
using System.Text.Json;
using Para.Accounts.Tests.Infrastructure;

namespace Para.Accounts.Tests.AuthRefresh;

/// <summary><c>/health</c>, <c>/health/auth</c> and the manual refresh, over the real token manager and OAuth server.</summary>
public sealed class AuthRefreshApiTests(OAuthServerFixture oauth) : IClassFixture<OAuthServerFixture>, IAsyncLifetime
{
    private static readonly TimeSpan IntoTheWindow = TimeSpan.FromHours(8) - TimeSpan.FromMinutes(15);
    private readonly AccountsApiFactory _factory = new(oauth);
    private HttpClient _client = null!;

    public Task InitializeAsync()
    {
        oauth.FailRefreshesWith = null;
        _client = _factory.CreateAdminClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        oauth.FailRefreshesWith = null;
        _client.Dispose();
        await _factory.DisposeAsync();
    }

    [Fact]
    public async Task Health_includes_the_seeds_authentication_section()
    {
        await _factory.SignInAsync("work");

        using var document = await GetJsonAsync("/health");

        var root = document.RootElement;
        Assert.Equal("healthy", root.GetProperty("status").GetString());
        Assert.Equal("healthy", root.GetProperty("checks").GetProperty("authentication").GetProperty("status").GetString());
        var authentication = root.GetProperty("authentication");
        Assert.Equal(["isAuthenticated", "lastRefresh", "refreshCount", "consecutiveFailures"], Names(authentication));
        Assert.True(authentication.GetProperty("isAuthenticated").GetBoolean());
        Assert.Equal(JsonValueKind.Null, authentication.GetProperty("lastRefresh").ValueKind);
        Assert.Equal(0, authentication.GetProperty("refreshCount").GetInt64());
    }

    [Fact]
    public async Task Auth_health_keeps_the_seed_fields_on_top_and_adds_a_compact_line_per_account()
    {
        await _factory.SignInAsync("work");

        using var document = await GetJsonAsync("/health/auth");

        var root = document.RootElement;
        Assert.Equal(["status", "timestamp", "authentication", "accounts"], Names(root));
        Assert.Equal("authenticated", root.GetProperty("status").GetString());
        var line = Assert.Single(root.GetProperty("accounts").EnumerateArray());
        Assert.Equal(
            ["id", "name", "status", "isAuthenticated", "expiresAt", "refreshDueAt", "lastRefresh", "refreshCount", "consecutiveFailures", "nextAttemptAt", "requiresReauth", "lastError", "adoptions", "refreshTokenHandedOutAt", "providerAccepts", "providerCheckedAt"],
            Names(line));
        Assert.Equal("work", line.GetProperty("name").GetString());
        Assert.Equal("ok", line.GetProperty("status").GetString());
    }

    [Fact]
    public async Task With_the_provider_down_a_manual_refresh_says_it_failed_and_the_account_is_not_authenticated()
    {
        var account = await _factory.SignInAsync("work");
        var before = _factory.Store.Find(account.Id)!.Tokens!.AccessToken;
        oauth.FailRefreshesWith = 503;

        using var response = await RefreshAsync("work");
        using var refresh = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        using var health = await GetJsonAsync("/health/auth");
        using var overall = await GetJsonAsync("/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("failed", refresh.RootElement.GetProperty("status").GetString());
        var result = refresh.RootElement.GetProperty("result");
        Assert.False(result.GetProperty("success").GetBoolean());
        Assert.True(result.GetProperty("shouldRetry").GetBoolean());
        Assert.Contains("failed", result.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("Reloaded", result.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.False(refresh.RootElement.GetProperty("authentication").GetProperty("isAuthenticated").GetBoolean());
        Assert.Equal(1, refresh.RootElement.GetProperty("authentication").GetProperty("consecutiveFailures").GetInt32());
        Assert.Equal(before, _factory.Store.Find(account.Id)!.Tokens!.AccessToken);
        var line = Assert.Single(health.RootElement.GetProperty("accounts").EnumerateArray());
        Assert.False(line.GetProperty("isAuthenticated").GetBoolean());
        Assert.Equal(JsonValueKind.String, line.GetProperty("nextAttemptAt").ValueKind);
        Assert.Equal("unauthenticated", health.RootElement.GetProperty("status").GetString());
        Assert.Equal("degraded", overall.RootElement.GetProperty("status").GetString());
    }

    [Fact]
    public async Task One_revoked_account_does_not_make_the_others_unauthenticated()
    {
        var revoked = await _factory.SignInAsync("revoked");
        await _factory.SignInAsync("fine");
        // Someone else spends the refresh token: presenting it now is refused and revokes the grant.
        Assert.Equal(HttpStatusCode.OK, (await oauth.RedeemRefreshTokenAsync(_factory.Store.Find(revoked.Id)!.Tokens!.RefreshToken)).Status);
        (await RefreshAsync("revoked")).Dispose();
        (await RefreshAsync("fine")).Dispose();

        using var health = await GetJsonAsync("/health/auth");

        var root = health.RootElement;
        Assert.Equal("degraded", root.GetProperty("status").GetString());
        Assert.True(root.GetProperty("authentication").GetProperty("isAuthenticated").GetBoolean());
        Assert.Equal(2, root.GetProperty("authentication").GetProperty("refreshCount").GetInt64());
        var lines = root.GetProperty("accounts").EnumerateArray().ToDictionary(line => line.GetProperty("name").GetString()!);
        Assert.Equal("requires-reauth", lines["revoked"].GetProperty("status").GetString());
        Assert.True(lines["revoked"].GetProperty("requiresReauth").GetBoolean());
        Assert.Contains("invalid_grant", lines["revoked"].GetProperty("lastError").GetString(), StringComparison.Ordinal);
        Assert.True(lines["fine"].GetProperty("isAuthenticated").GetBoolean());
        Assert.Equal(1, lines["fine"].GetProperty("refreshCount").GetInt64());
    }

    [Fact]
    public async Task A_background_refresh_counts_like_a_manual_one()
    {
        var account = await _factory.SignInAsync("work");
        var old = _factory.Store.Find(account.Id)!.Tokens!.AccessToken;

        _factory.Time.Advance(IntoTheWindow);
        await WaitUntilAsync(() => _factory.Store.Find(account.Id)!.Tokens!.AccessToken != old);
        using var health = await GetJsonAsync("/health/auth");

        var authentication = health.RootElement.GetProperty("authentication");
        Assert.Equal(1, authentication.GetProperty("refreshCount").GetInt64());
        Assert.Equal(_factory.Time.GetUtcNow(), authentication.GetProperty("lastRefresh").GetDateTimeOffset());
        Assert.Equal(1, Assert.Single(health.RootElement.GetProperty("accounts").EnumerateArray()).GetProperty("refreshCount").GetInt64());
    }

    [Fact]
    public async Task The_cooldown_is_per_account_and_answers_429_with_retry_after()
    {
        await _factory.SignInAsync("work");
        await _factory.SignInAsync("home");

        using var first = await RefreshAsync("work");
        using var again = await RefreshAsync("work");
        using var other = await RefreshAsync("home");
        var problem = await again.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal((HttpStatusCode)429, again.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(30), again.Headers.RetryAfter!.Delta);
        Assert.Contains("The account 'work' was refreshed moments ago; try again in 30 s", problem, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        Assert.Contains("\"success\":true", await other.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refreshing_all_refreshes_every_account_and_an_unknown_account_is_not_found()
    {
        await _factory.SignInAsync("work");
        await _factory.SignInAsync("home");
        var before = oauth.RefreshRequests;

        using var all = await RefreshAsync();
        using var unknown = await RefreshAsync("ghost");
        using var document = JsonDocument.Parse(await all.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, all.StatusCode);
        Assert.Equal("refreshed", document.RootElement.GetProperty("status").GetString());
        Assert.Equal("Refreshed all 2 accounts.", document.RootElement.GetProperty("result").GetProperty("message").GetString());
        Assert.Equal(2, oauth.RefreshRequests - before);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Theory]
    [InlineData("GET", "/health/auth")]
    [InlineData("POST", "/health/auth/refresh")]
    public async Task The_auth_endpoints_need_the_admin_key(string method, string path)
    {
        await _factory.SignInAsync("work");
        var before = oauth.RefreshRequests;
        using var anonymous = _factory.CreateClient();

        using var response = await anonymous.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(before, oauth.RefreshRequests);
    }

    private static List<string> Names(JsonElement element) => [.. element.EnumerateObject().Select(property => property.Name)];

    private async Task<JsonDocument> GetJsonAsync(string path)
    {
        using var response = await _client.GetAsync(new Uri(path, UriKind.Relative));
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync());
    }

    private Task<HttpResponseMessage> RefreshAsync(string? account = null) =>
        _client.PostAsync(new Uri("/health/auth/refresh" + (account is null ? "" : "?account=" + account), UriKind.Relative), null);

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (!condition())
        {
            await Task.Delay(10, deadline.Token);
        }
    }
}
