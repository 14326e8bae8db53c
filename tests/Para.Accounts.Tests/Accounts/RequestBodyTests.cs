using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Para.Accounts.Gateway;
using Para.Accounts.Tests.Infrastructure;
using Para.Contracts.Gateway;

namespace Para.Accounts.Tests.Accounts;

/// <summary>The real account API on Kestrel at 127.0.0.1: a body it cannot read is a problem that says why.</summary>
public sealed class RequestBodyTests(OAuthServerFixture oauth) : IClassFixture<OAuthServerFixture>, IAsyncLifetime
{
    private const string Secret = "sk-ant-ort01-a-refresh-token-pasted-by-mistake";
    private readonly AccountsApiFactory _factory = new(oauth);
    private HttpClient _client = null!;

    public Task InitializeAsync()
    {
        var address = _factory.StartOnKestrel();
        _client = new HttpClient { BaseAddress = address };
        _client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AccountsApiFactory.AdminKey);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
    }

    [Fact]
    public async Task Malformed_json_is_a_400_that_says_where_and_echoes_nothing()
    {
        var (status, detail, text) = await SendAsync(HttpMethod.Post, "/api/accounts", "{\"name\": \"work\", \"mode\": " + Secret + "}", "application/json");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.StartsWith("The request body is not valid JSON: ", detail, StringComparison.Ordinal);
        Assert.Equal("The request body is not valid JSON: the text there is an invalid start of a value (line 1, position 26).", detail);
        Assert.DoesNotContain("sk-ant", text, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, _factory.Logs.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_type_names_the_field()
    {
        var (status, detail, _) = await SendAsync(HttpMethod.Post, "/api/accounts", "{\"name\": \"work\", \"priority\": \"high\"}", "application/json");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("the value at $.priority is not of the expected type", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_a_415()
    {
        var (status, detail, _) = await SendAsync(HttpMethod.Patch, "/api/accounts/work", "priority=2", "application/x-www-form-urlencoded");

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, status);
        Assert.StartsWith("This endpoint takes a JSON body: send it with Content-Type: application/json", detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/accounts", 70, "The request body is larger than the 64 KiB this service accepts (Para:Http:MaxRequestBodyBytes).")]
    [InlineData("/api/gateway/requests", 1100, "The request body is larger than the 1024 KiB this endpoint accepts.")]
    public async Task A_body_over_the_limit_is_a_413_that_names_the_limit_and_nothing_is_begun(string path, int kibibytes, string expected)
    {
        var body = "{\"name\": \"work\", \"mode\": \"" + new string('m', kibibytes * 1024) + "\"}";

        var (status, detail, _) = await SendAsync(HttpMethod.Post, path, body, "application/json");

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Equal(expected, detail);
        Assert.Empty(_factory.Store.List());
    }

    [Fact]
    public async Task A_full_batch_of_request_records_from_the_gateway_is_taken_whole()
    {
        // The largest batch the endpoint allows, every field at the length it keeps: well over 64 KiB.
        var account = await _factory.SignInAsync("work", autoRefresh: false);
        var batch = Enumerable.Range(0, GatewayApi.MaxBatch).Select(i => new GatewayRequestRecord(
            account.Id, DateTimeOffset.UtcNow.AddMilliseconds(i), "POST", "/v1/messages?" + new string('q', 250), 200, 5,
            new string('m', 128), 10, 20, Retried: false, ClientKey: new string('k', 64))).ToList();

        using var posted = await _client.PostAsJsonAsync("/api/gateway/requests", new RecordGatewayRequests(batch));

        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        Assert.Equal(new RecordGatewayRequestsResult(GatewayApi.MaxBatch, 0), await posted.Content.ReadFromJsonAsync<RecordGatewayRequestsResult>());
        Assert.Equal(GatewayApi.MaxBatch, _factory.Store.Find(account.Id)!.Usage.TotalRequests);
    }

    private async Task<(HttpStatusCode Status, string Detail, string Text)> SendAsync(HttpMethod method, string path, string body, string mediaType)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative)) { Content = new StringContent(body, Encoding.UTF8, mediaType) };
        using var response = await _client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return (response.StatusCode, JsonDocument.Parse(text).RootElement.GetProperty("detail").GetString()!, text);
    }
}
