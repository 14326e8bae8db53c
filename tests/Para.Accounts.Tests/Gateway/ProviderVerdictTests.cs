using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Para.Accounts.Tests.Infrastructure;
using Para.Contracts.Credentials;
using Para.Contracts.Gateway;

namespace Para.Accounts.Tests.Gateway;

/// <summary>
/// The gateway's report of the provider's verdict on an account's token, and what <c>/health</c>
/// and <c>/health/auth</c> make of it: a refused current token is not authenticated before its
/// expiry; a verdict on any other token says nothing.
/// </summary>
public sealed class ProviderVerdictTests(OAuthServerFixture oauth) : IClassFixture<OAuthServerFixture>, IAsyncLifetime
{
    private readonly AccountsApiFactory _factory = new(oauth);
    private HttpClient _admin = null!;

    public Task InitializeAsync()
    {
        oauth.FailRefreshesWith = null;
        _admin = _factory.CreateAdminClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _admin.Dispose();
        await _factory.DisposeAsync();
    }

    [Fact]
    public async Task A_refused_current_token_is_not_authenticated_before_its_expiry_until_the_provider_accepts_it_again()
    {
        var account = await _factory.SignInAsync("work", autoRefresh: false);
        await _factory.SignInAsync("home", autoRefresh: false);
        using (var before = await GetJsonAsync("/health/auth"))
        {
            Assert.True(Line(before, "work").GetProperty("isAuthenticated").GetBoolean());
            Assert.Equal(JsonValueKind.Null, Line(before, "work").GetProperty("providerAccepts").ValueKind);
        }

        var refusedAt = _factory.Time.GetUtcNow();
        var refreshesBefore = oauth.RefreshRequests;
        var answer = await ReportAsync("work", new ProviderVerdictReport(CurrentFingerprint(account.Id), false, refusedAt));

        Assert.True(answer.AboutCurrentToken);
        using (var refused = await GetJsonAsync("/health/auth"))
        using (var health = await GetJsonAsync("/health"))
        {
            var line = Line(refused, "work");
            Assert.False(line.GetProperty("isAuthenticated").GetBoolean());
            Assert.False(line.GetProperty("providerAccepts").GetBoolean());
            Assert.Equal(refusedAt, line.GetProperty("providerCheckedAt").GetDateTimeOffset());
            Assert.Equal("ok", line.GetProperty("status").GetString());
            Assert.True(line.GetProperty("expiresAt").GetDateTimeOffset() > _factory.Time.GetUtcNow());
            Assert.True(Line(refused, "home").GetProperty("isAuthenticated").GetBoolean());
            Assert.Equal("degraded", refused.RootElement.GetProperty("status").GetString());
            var check = health.RootElement.GetProperty("checks").GetProperty("authentication");
            Assert.Equal("degraded", check.GetProperty("status").GetString());
            Assert.Equal("1 of 2 accounts are not authenticated: work (the provider refuses its token).", check.GetProperty("description").GetString());
        }

        // The verdict alone never sets off a refresh: that stays with the gateway's recovery and the schedule.
        Assert.Equal(refreshesBefore, oauth.RefreshRequests);

        _factory.Time.Advance(TimeSpan.FromMinutes(1));
        await ReportAsync("work", new ProviderVerdictReport(CurrentFingerprint(account.Id), true, _factory.Time.GetUtcNow()));

        using var accepted = await GetJsonAsync("/health/auth");
        Assert.True(Line(accepted, "work").GetProperty("isAuthenticated").GetBoolean());
        Assert.True(Line(accepted, "work").GetProperty("providerAccepts").GetBoolean());
        Assert.Equal("authenticated", accepted.RootElement.GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_verdict_on_an_earlier_token_is_dropped()
    {
        var account = await _factory.SignInAsync("work", autoRefresh: false);
        var earlier = CurrentFingerprint(account.Id);
        (await _admin.PostAsync(new Uri("/health/auth/refresh?account=work", UriKind.Relative), null)).EnsureSuccessStatusCode();
        Assert.NotEqual(earlier, CurrentFingerprint(account.Id));

        var answer = await ReportAsync("work", new ProviderVerdictReport(earlier, false, _factory.Time.GetUtcNow()));

        Assert.False(answer.AboutCurrentToken);
        using var health = await GetJsonAsync("/health/auth");
        Assert.True(Line(health, "work").GetProperty("isAuthenticated").GetBoolean());
        Assert.Equal(JsonValueKind.Null, Line(health, "work").GetProperty("providerAccepts").ValueKind);
    }

    [Fact]
    public async Task After_a_refresh_the_refusal_of_the_old_token_no_longer_applies()
    {
        var account = await _factory.SignInAsync("work", autoRefresh: false);
        await ReportAsync("work", new ProviderVerdictReport(CurrentFingerprint(account.Id), false, _factory.Time.GetUtcNow()));
        using (var refused = await GetJsonAsync("/health/auth"))
        {
            Assert.False(Line(refused, "work").GetProperty("isAuthenticated").GetBoolean());
        }

        using var refresh = await _admin.PostAsync(new Uri("/health/auth/refresh?account=work", UriKind.Relative), null);
        Assert.Contains("\"success\":true", await refresh.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var health = await GetJsonAsync("/health/auth");
        var line = Line(health, "work");
        Assert.True(line.GetProperty("isAuthenticated").GetBoolean());
        Assert.Equal(JsonValueKind.Null, line.GetProperty("providerAccepts").ValueKind);
        Assert.Equal(JsonValueKind.Null, line.GetProperty("providerCheckedAt").ValueKind);
    }

    [Fact]
    public async Task An_unknown_account_is_a_404_problem()
    {
        using var response = await _admin.PostAsJsonAsync("/api/accounts/ghost/provider-verdict", new ProviderVerdictReport("sha256:0123456789ab", false, DateTimeOffset.UtcNow));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("ghost", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"fingerprint":"sha256:0123456789ab","at":"2030-01-01T00:00:00Z"}""", "accepted")]
    [InlineData("""{"accepted":false,"at":"2030-01-01T00:00:00Z"}""", "fingerprint")]
    [InlineData("""{"fingerprint":"sha256:0123456789ab","accepted":false}""", "at")]
    [InlineData("""{"fingerprint":"sha256:0123456789ab","accepted":"no"}""", "accepted")]
    public async Task An_incomplete_or_malformed_report_is_a_400_problem_and_keeps_nothing(string body, string named)
    {
        await _factory.SignInAsync("work", autoRefresh: false);

        using var response = await _admin.PostAsync(
            new Uri("/api/accounts/work/provider-verdict", UriKind.Relative), new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(named, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var health = await GetJsonAsync("/health/auth");
        Assert.True(Line(health, "work").GetProperty("isAuthenticated").GetBoolean());
    }

    [Fact]
    public async Task Reporting_a_verdict_needs_the_admin_key()
    {
        var account = await _factory.SignInAsync("work", autoRefresh: false);
        using var anonymous = _factory.CreateClient();

        using var response = await anonymous.PostAsJsonAsync("/api/accounts/work/provider-verdict", new ProviderVerdictReport(CurrentFingerprint(account.Id), false, DateTimeOffset.UtcNow));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        using var health = await GetJsonAsync("/health/auth");
        Assert.True(Line(health, "work").GetProperty("isAuthenticated").GetBoolean());
    }

    private string CurrentFingerprint(string accountId) => TokenFingerprint.Of(_factory.Store.Find(accountId)!.Tokens!.AccessToken);

    private async Task<ProviderVerdictAnswer> ReportAsync(string account, ProviderVerdictReport report)
    {
        using var response = await _admin.PostAsJsonAsync($"/api/accounts/{account}/provider-verdict", report);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<ProviderVerdictAnswer>())!;
    }

    private async Task<JsonDocument> GetJsonAsync(string path)
    {
        using var response = await _admin.GetAsync(new Uri(path, UriKind.Relative));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync());
    }

    private static JsonElement Line(JsonDocument document, string name) =>
        document.RootElement.GetProperty("accounts").EnumerateArray().Single(line => line.GetProperty("name").GetString() == name);
}
