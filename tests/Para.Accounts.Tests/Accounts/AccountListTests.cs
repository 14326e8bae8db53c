using System.Net;
using System.Net.Http.Json;
using Para.Accounts.Storage;
using Para.Accounts.Tests.Infrastructure;
using Para.Contracts.Accounts;

namespace Para.Accounts.Tests.Accounts;

/// <summary><c>GET /api/accounts</c> answers from a reused list: it must still show every change and every status as it is now.</summary>
public sealed class AccountListTests(OAuthServerFixture oauth) : IClassFixture<OAuthServerFixture>, IAsyncLifetime
{
    private readonly AccountsApiFactory _factory = new(oauth);
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

    [Theory]
    [InlineData("/api/accounts")]
    [InlineData("/health/auth")]
    public async Task A_client_that_accepts_gzip_gets_the_same_document_compressed(string path)
    {
        for (var i = 0; i < 50; i++)
        {
            AddAccount($"account-{i:D2}", TimeSpan.FromHours(8));
        }

        using var plain = await _client.GetAsync(new Uri(path, UriKind.Relative));
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.AcceptEncoding.ParseAdd("gzip");
        using var compressed = await _client.SendAsync(request);
        var plainBytes = await plain.Content.ReadAsByteArrayAsync();
        var gzipBytes = await compressed.Content.ReadAsByteArrayAsync();
        using var inflated = new System.IO.Compression.GZipStream(new MemoryStream(gzipBytes), System.IO.Compression.CompressionMode.Decompress);
        using var copy = new MemoryStream();
        await inflated.CopyToAsync(copy);

        Assert.Equal(HttpStatusCode.OK, compressed.StatusCode);
        Assert.Equal("gzip", Assert.Single(compressed.Content.Headers.ContentEncoding));
        Assert.Empty(plain.Content.Headers.ContentEncoding);
        Assert.Equal(plainBytes, copy.ToArray());
        Assert.True(gzipBytes.Length * 4 < plainBytes.Length, $"{gzipBytes.Length} bytes compressed of {plainBytes.Length}");
    }

    [Fact]
    public async Task A_change_shows_in_the_very_next_list()
    {
        var work = AddAccount("work", TimeSpan.FromHours(8));
        Assert.Equal("work", Assert.Single(await ListAsync()).Name);

        using var patch = await _client.PatchAsJsonAsync(new Uri("/api/accounts/work", UriKind.Relative), new UpdateAccountRequest(Name: "office", Paused: true));
        patch.EnsureSuccessStatusCode();
        var listed = Assert.Single(await ListAsync());
        Assert.Equal(("office", true), (listed.Name, listed.Paused));

        _factory.Store.RecordRequest(work.Id, new RequestRecord { TimestampMs = 1, StatusCode = 200 });
        Assert.Equal(1, Assert.Single(await ListAsync()).Usage.RequestCount);

        (await _client.DeleteAsync(new Uri("/api/accounts/office", UriKind.Relative))).EnsureSuccessStatusCode();
        Assert.Empty(await ListAsync());
    }

    [Fact]
    public async Task A_status_changes_when_the_clock_passes_the_refresh_time_and_the_expiry()
    {
        AddAccount("work", TimeSpan.FromHours(8));
        var fresh = Assert.Single(await ListAsync());
        Assert.Equal(TokenStatuses.Ok, fresh.Status);

        _factory.Time.SetUtcNow(fresh.Token!.RefreshDueAt);
        Assert.Equal(TokenStatuses.Expiring, Assert.Single(await ListAsync()).Status);

        _factory.Time.SetUtcNow(fresh.Token.ExpiresAt);
        Assert.Equal(TokenStatuses.Expired, Assert.Single(await ListAsync()).Status);
    }

    [Fact]
    public async Task Pages_are_slices_of_the_full_list_with_the_total_alongside()
    {
        for (var index = 0; index < 5; index++)
        {
            AddAccount($"account-{index}", TimeSpan.FromHours(8));
        }

        var all = await ListAsync();
        using var response = await _client.GetAsync(new Uri("/api/accounts?offset=1&limit=2", UriKind.Relative));
        var page = await response.Content.ReadFromJsonAsync<AccountView[]>();
        using var past = await _client.GetAsync(new Uri("/api/accounts?offset=9", UriKind.Relative));
        using var wrong = await _client.GetAsync(new Uri("/api/accounts?limit=0", UriKind.Relative));

        Assert.Equal(all[1..3], page);
        Assert.Equal("5", Assert.Single(response.Headers.GetValues("X-Total-Count")));
        Assert.Empty((await past.Content.ReadFromJsonAsync<AccountView[]>())!);
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        Assert.Contains("limit", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private AccountRecord AddAccount(string name, TimeSpan lifetime)
    {
        var now = _factory.Time.GetUtcNow();
        return _factory.Store.Insert(new AccountRecord
        {
            Id = Guid.NewGuid().ToString("N"),
            Name = name,
            AutoRefresh = false, // the background refresher leaves it alone while the clock moves
            CreatedAtMs = now.ToUnixTimeMilliseconds(),
            Tokens = new OAuthTokens
            {
                AccessToken = "access-" + name,
                RefreshToken = "refresh-" + name,
                IssuedAtMs = now.ToUnixTimeMilliseconds(),
                ExpiresAtMs = now.Add(lifetime).ToUnixTimeMilliseconds(),
                RefreshTokenIssuedAtMs = now.ToUnixTimeMilliseconds(),
            },
        });
    }

    private async Task<AccountView[]> ListAsync() =>
        (await _client.GetFromJsonAsync<AccountView[]>(new Uri("/api/accounts", UriKind.Relative)))!;
}
