using System.Net;
using System.Net.Http.Json;
using Para.Accounts.Gateway;
using Para.Accounts.Storage;
using Para.Accounts.Tests.Infrastructure;
using Para.Contracts.Gateway;

namespace Para.Accounts.Tests.Gateway;

/// <summary>What the account API keeps and answers for the gateway: hashed keys, upstream credentials, request history.</summary>
public sealed class GatewayApiTests(OAuthServerFixture oauth) : IClassFixture<OAuthServerFixture>, IAsyncDisposable
{
    private readonly AccountsApiFactory _factory = new(oauth);

    public async ValueTask DisposeAsync() => await _factory.DisposeAsync();

    [Fact]
    public async Task A_key_is_returned_once_stored_only_as_its_hash_and_validates_until_revoked()
    {
        using var admin = _factory.CreateAdminClient();
        using var created = await admin.PostAsJsonAsync("/api/gateway-keys", new AddGatewayKeyRequest("laptop"));
        var key = (await created.Content.ReadFromJsonAsync<GatewayKeyCreated>())!;

        var stored = Assert.Single(_factory.Store.ListGatewayKeys());
        Assert.Equal(GatewayApi.HashKey(key.Key), stored.Hash);
        Assert.DoesNotContain(key.Key, await admin.GetStringAsync(new Uri("/api/gateway-keys", UriKind.Relative)), StringComparison.Ordinal);
        using (var valid = await admin.PostAsJsonAsync("/api/gateway-keys/validate", new ValidateGatewayKeyRequest(key.Key)))
        {
            Assert.Equal("laptop", (await valid.Content.ReadFromJsonAsync<GatewayKeyIdentity>())!.Name);
        }

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync(new Uri("/api/gateway-keys/laptop", UriKind.Relative))).StatusCode);
        using var revoked = await admin.PostAsJsonAsync("/api/gateway-keys/validate", new ValidateGatewayKeyRequest(key.Key));
        Assert.Equal(HttpStatusCode.NotFound, revoked.StatusCode);
    }

    [Fact]
    public async Task Gateway_endpoints_need_the_admin_key()
    {
        using var anonymous = _factory.CreateClient();

        using var keys = await anonymous.GetAsync(new Uri("/api/gateway-keys", UriKind.Relative));
        using var credential = await anonymous.GetAsync(new Uri("/api/accounts/work/upstream-credential", UriKind.Relative));
        using var validate = await anonymous.PostAsJsonAsync("/api/gateway-keys/validate", new ValidateGatewayKeyRequest("para-gw-x"));

        Assert.All(new[] { keys, credential, validate }, response => Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode));
    }

    [Fact]
    public async Task The_upstream_credential_is_the_current_token_and_a_refused_account_is_a_conflict()
    {
        var account = await _factory.SignInAsync("work", autoRefresh: false);
        using var admin = _factory.CreateAdminClient();

        var credential = await admin.GetFromJsonAsync<UpstreamCredential>(new Uri("/api/accounts/work/upstream-credential", UriKind.Relative));
        Assert.Equal(_factory.Store.Find(account.Id)!.Tokens!.AccessToken, credential!.AccessToken);
        Assert.DoesNotContain(credential.AccessToken!, credential.ToString(), StringComparison.Ordinal);

        var tokens = _factory.Store.Find(account.Id)!.Tokens!;
        _factory.Store.MarkRequiresReauth(account.Id, tokens.RefreshToken, "test");
        using var refused = await admin.GetAsync(new Uri("/api/accounts/work/upstream-credential", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.DoesNotContain(tokens.AccessToken, await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Recorded_requests_count_in_the_statistics_and_the_history_keeps_the_newest_hundred()
    {
        var account = await _factory.SignInAsync("work", autoRefresh: false);
        using var admin = _factory.CreateAdminClient();
        var start = DateTimeOffset.UtcNow;
        var batch = Enumerable.Range(0, 120).Select(i => new GatewayRequestRecord(
            account.Id, start.AddSeconds(i), "POST", "/v1/messages", 200, 5, "claude-x", 10, 20, i % 2 == 0, "laptop")).ToList();
        batch.Add(batch[0] with { AccountId = "nobody" });

        using var posted = await admin.PostAsJsonAsync("/api/gateway/requests", new RecordGatewayRequests(batch));
        var result = (await posted.Content.ReadFromJsonAsync<RecordGatewayRequestsResult>())!;

        Assert.Equal(new RecordGatewayRequestsResult(120, 1), result);
        var stored = _factory.Store.Find(account.Id)!;
        Assert.Equal(120, stored.Usage.TotalRequests);
        Assert.Equal(1200, stored.Usage.InputTokens);
        Assert.Equal(2400, stored.Usage.OutputTokens);
        var history = await admin.GetFromJsonAsync<List<RequestHistoryEntry>>(new Uri("/api/accounts/work/requests", UriKind.Relative));
        Assert.Equal(AccountStore.RequestHistoryLimit, history!.Count);
        Assert.Equal(start.AddSeconds(119).ToUnixTimeMilliseconds(), history[0].Timestamp.ToUnixTimeMilliseconds());
        Assert.Equal(start.AddSeconds(20).ToUnixTimeMilliseconds(), history[^1].Timestamp.ToUnixTimeMilliseconds());
    }
}
