using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Para.Accounts.AuthRefresh;
using Para.Accounts.Tokens;
using Para.ServiceDefaults.Security;

namespace Para.Accounts.Tests.AuthRefresh;

public sealed class AuthRefreshApiTests : IDisposable
{
    private const string Key = "auth-refresh-test-key";
    private readonly FakeTimeProvider _time = new(AuthRefreshHarness.Start);
    private readonly FakeAccountTokenService _tokens = new();
    private readonly WebApplicationFactory<Program> _factory;
    private readonly HttpClient _client;
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("para-authrefresh-").FullName;

    public AuthRefreshApiTests()
    {
        _tokens.Accounts.Add(FakeAccountTokenService.Account("acc-1", "work", AuthRefreshHarness.Start.AddHours(1)));
        _tokens.Accounts.Add(FakeAccountTokenService.Account("acc-2", "personal", null, requiresReauth: true, lastError: "invalid_grant"));
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(host =>
        {
            host.UseSetting(AdminKeyAuthentication.AdminKeyConfigurationKey, Key);
            host.UseSetting(ParaDataDirectory.EnvironmentVariable, _dataDirectory);
            host.ConfigureTestServices(services =>
            {
                services.AddSingleton<IAccountTokenService>(_tokens);
                services.AddSingleton<TimeProvider>(_time);
                services.Configure<AuthRefreshOptions>(options =>
                    options.CredentialsFilePath = Path.Combine(Path.GetTempPath(), "para-no-such-dir-" + Guid.NewGuid().ToString("N"), ".credentials.json"));
            });
        });
        _client = _factory.CreateClient();
        _client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Key);
    }

    public void Dispose()
    {
        _client.Dispose();
        _factory.Dispose();
        Directory.Delete(_dataDirectory, recursive: true);
    }

    [Fact]
    public async Task Health_includes_the_authentication_section()
    {
        using var document = await GetJsonAsync("/health");

        var root = document.RootElement;
        Assert.Equal("healthy", root.GetProperty("status").GetString());
        Assert.Equal(AuthRefreshHarness.Start, root.GetProperty("timestamp").GetDateTimeOffset());
        Assert.Equal("healthy", root.GetProperty("checks").GetProperty("authentication").GetProperty("status").GetString());
        AssertAuthentication(root.GetProperty("authentication"), lastRefresh: null, refreshCount: 0);
    }

    [Fact]
    public async Task Health_turns_degraded_after_a_failed_refresh()
    {
        _tokens.OnRefresh = (_, _) => Task.FromResult(TokenOperationResult.Failed("invalid_grant", shouldRetry: false));
        (await RefreshAsync("work")).Dispose();

        using var document = await GetJsonAsync("/health");

        Assert.Equal("degraded", document.RootElement.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.False, document.RootElement.GetProperty("authentication").GetProperty("isAuthenticated").ValueKind);
    }

    [Fact]
    public async Task Auth_health_has_the_seed_shape_plus_one_line_per_account()
    {
        using var document = await GetJsonAsync("/health/auth");

        var root = document.RootElement;
        Assert.Equal(["status", "timestamp", "authentication", "accounts"], Names(root));
        Assert.Equal("degraded", root.GetProperty("status").GetString());
        Assert.Equal(AuthRefreshHarness.Start, root.GetProperty("timestamp").GetDateTimeOffset());
        AssertAuthentication(root.GetProperty("authentication"), lastRefresh: null, refreshCount: 0);

        var accounts = root.GetProperty("accounts").EnumerateArray().ToList();
        Assert.Equal(2, accounts.Count);
        Assert.Equal(["id", "name", "expiresAt", "requiresReauth", "lastError"], Names(accounts[0]));
        Assert.Equal("acc-1", accounts[0].GetProperty("id").GetString());
        Assert.Equal("work", accounts[0].GetProperty("name").GetString());
        Assert.Equal(AuthRefreshHarness.Start.AddHours(1), accounts[0].GetProperty("expiresAt").GetDateTimeOffset());
        Assert.Equal(JsonValueKind.False, accounts[0].GetProperty("requiresReauth").ValueKind);
        Assert.Equal(JsonValueKind.Null, accounts[0].GetProperty("lastError").ValueKind);
        Assert.Equal(JsonValueKind.Null, accounts[1].GetProperty("expiresAt").ValueKind);
        Assert.Equal(JsonValueKind.True, accounts[1].GetProperty("requiresReauth").ValueKind);
        Assert.Equal("invalid_grant", accounts[1].GetProperty("lastError").GetString());
    }

    [Fact]
    public async Task Manual_refresh_returns_the_seed_document_and_refreshes_every_account()
    {
        using var response = await _client.PostAsync(new Uri("/health/auth/refresh", UriKind.Relative), null);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var root = document.RootElement;
        Assert.Equal(["status", "timestamp", "result", "authentication"], Names(root));
        Assert.Equal("refreshed", root.GetProperty("status").GetString());
        Assert.Equal(AuthRefreshHarness.Start, root.GetProperty("timestamp").GetDateTimeOffset());
        var result = root.GetProperty("result");
        Assert.Equal(["success", "message", "shouldRetry"], Names(result));
        Assert.Equal(JsonValueKind.True, result.GetProperty("success").ValueKind);
        Assert.Equal("Refreshed all 2 accounts.", result.GetProperty("message").GetString());
        Assert.Equal(JsonValueKind.True, result.GetProperty("shouldRetry").ValueKind);
        AssertAuthentication(root.GetProperty("authentication"), lastRefresh: AuthRefreshHarness.Start, refreshCount: 1);
        Assert.Equal(["refresh:acc-1", "refresh:acc-2"], _tokens.Calls);
    }

    [Fact]
    public async Task Manual_refresh_of_one_account_refreshes_only_that_one_and_an_unknown_account_is_not_found()
    {
        using var one = await _client.PostAsync(new Uri("/health/auth/refresh?account=work", UriKind.Relative), null);
        using var unknown = await _client.PostAsync(new Uri("/health/auth/refresh?account=nobody", UriKind.Relative), null);

        Assert.Equal(HttpStatusCode.OK, one.StatusCode);
        Assert.Equal(["refresh:work"], _tokens.Calls);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_manual_refresh_within_the_cooldown_is_refused_with_429_and_retry_after()
    {
        using var first = await RefreshAsync();
        using var refused = await RefreshAsync();
        _time.Advance(TimeSpan.FromSeconds(10));
        using var stillRefused = await RefreshAsync();
        _time.Advance(TimeSpan.FromSeconds(20));
        using var allowed = await RefreshAsync();

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Equal(TimeSpan.FromSeconds(30), refused.Headers.RetryAfter?.Delta);
        Assert.Equal(TimeSpan.FromSeconds(20), stillRefused.Headers.RetryAfter?.Delta);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Equal(4, _tokens.Calls.Count);
    }

    [Fact]
    public async Task A_failed_manual_refresh_says_so_and_the_status_turns_unauthenticated()
    {
        _tokens.OnRefresh = (_, _) => Task.FromResult(TokenOperationResult.Failed("invalid_grant", shouldRetry: false));

        using var document = JsonDocument.Parse(await (await RefreshAsync("work")).Content.ReadAsStringAsync());
        using var health = await GetJsonAsync("/health/auth");

        Assert.Equal("failed", document.RootElement.GetProperty("status").GetString());
        var result = document.RootElement.GetProperty("result");
        Assert.Equal(JsonValueKind.False, result.GetProperty("success").ValueKind);
        Assert.Equal(JsonValueKind.False, result.GetProperty("shouldRetry").ValueKind);
        Assert.StartsWith("No refresh strategy succeeded (refresh-token: invalid_grant;", result.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal("unauthenticated", health.RootElement.GetProperty("status").GetString());
        Assert.Equal(1, health.RootElement.GetProperty("authentication").GetProperty("consecutiveFailures").GetInt32());
    }

    [Theory]
    [InlineData("GET", "/health/auth")]
    [InlineData("POST", "/health/auth/refresh")]
    public async Task The_auth_endpoints_need_the_admin_key(string method, string path)
    {
        using var anonymous = _factory.CreateClient();

        using var response = await anonymous.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(_tokens.Calls);
    }

    private static void AssertAuthentication(JsonElement authentication, DateTimeOffset? lastRefresh, long refreshCount)
    {
        Assert.Equal(["isAuthenticated", "lastRefresh", "refreshCount", "consecutiveFailures"], Names(authentication));
        Assert.Equal(JsonValueKind.True, authentication.GetProperty("isAuthenticated").ValueKind);
        if (lastRefresh is null)
        {
            Assert.Equal(JsonValueKind.Null, authentication.GetProperty("lastRefresh").ValueKind);
        }
        else
        {
            Assert.Equal(lastRefresh, authentication.GetProperty("lastRefresh").GetDateTimeOffset());
        }

        Assert.Equal(JsonValueKind.Number, authentication.GetProperty("refreshCount").ValueKind);
        Assert.Equal(refreshCount, authentication.GetProperty("refreshCount").GetInt64());
        Assert.Equal(0, authentication.GetProperty("consecutiveFailures").GetInt32());
    }

    private static List<string> Names(JsonElement element) => [.. element.EnumerateObject().Select(property => property.Name)];

    private async Task<JsonDocument> GetJsonAsync(string path)
    {
        using var response = await _client.GetAsync(new Uri(path, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync());
    }

    private Task<HttpResponseMessage> RefreshAsync(string? account = null) =>
        _client.PostAsync(new Uri("/health/auth/refresh" + (account is null ? "" : "?account=" + account), UriKind.Relative), null);
}
