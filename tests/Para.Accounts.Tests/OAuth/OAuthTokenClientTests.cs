using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Para.Accounts.OAuth;
using Para.Accounts.Tests.Infrastructure;

namespace Para.Accounts.Tests.OAuth;

public sealed class OAuthTokenClientTests
{
    [Fact]
    public void Defaults_are_todays_provider_values()
    {
        var options = new OAuthOptions();

        Assert.Equal("https://claude.ai/oauth/authorize", options.MaxAuthorizeUrl.ToString());
        Assert.Equal("https://platform.claude.com/oauth/authorize", options.ConsoleAuthorizeUrl.ToString());
        Assert.Equal("https://platform.claude.com/v1/oauth/token", options.TokenUrl.ToString());
        Assert.Equal("https://platform.claude.com/oauth/code/callback", options.RedirectUri.ToString());
        Assert.Equal("https://api.anthropic.com/api/oauth/claude_cli/create_api_key", options.ApiKeyEndpoint?.ToString());
        Assert.Equal("9d1c250a-e61b-44d9-88ed-5944d1962f5e", options.ClientId);
        Assert.Equal("org:create_api_key user:profile user:inference user:sessions:claude_code user:mcp_servers user:file_upload", options.Scopes);
        Assert.Equal("code=true", options.AuthorizeQueryExtras);
        Assert.Equal(TokenRequestEncoding.Json, options.TokenRequestEncoding);
        Assert.True(new OAuthOptionsValidator().Validate(null, options).Succeeded);
    }

    [Fact]
    public void Settings_override_every_default_and_an_empty_api_key_url_switches_the_step_off()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Para:OAuth:TokenUrl"] = "https://proxy.example.test/token",
            ["Para:OAuth:RedirectUri"] = "https://proxy.example.test/callback",
            ["Para:OAuth:ConsoleAuthorizeUrl"] = "https://proxy.example.test/authorize",
            ["Para:OAuth:Scopes"] = "user:inference",
            ["Para:OAuth:ApiKeyUrl"] = "",
        }).Build();
        var options = configuration.GetSection(OAuthOptions.SectionName).Get<OAuthOptions>()!;

        Assert.Equal("https://proxy.example.test/token", options.TokenUrl.ToString());
        Assert.Equal("https://proxy.example.test/callback", options.RedirectUri.ToString());
        Assert.Equal("https://proxy.example.test/authorize", options.AuthorizeUrlFor(Para.Contracts.Accounts.AccountModes.Console).ToString());
        Assert.Equal("user:inference", options.Scopes);
        Assert.Null(options.ApiKeyEndpoint);
        Assert.True(new OAuthOptionsValidator().Validate(null, options).Succeeded);
    }

    [Fact]
    public async Task Without_an_api_key_endpoint_no_key_is_requested()
    {
        var handler = new RecordingHandler("""{"raw_key":"sk-never"}""");
        var client = new OAuthTokenClient(new SingleClientFactory(handler), Options.Create(new OAuthOptions { ApiKeyUrl = new Uri("", UriKind.Relative) }));

        Assert.Null(await client.CreateApiKeyAsync("access", CancellationToken.None));
        Assert.Null(handler.Body);
    }

    [Theory]
    [InlineData(TokenRequestEncoding.Json, "application/json")]
    [InlineData(TokenRequestEncoding.Form, "application/x-www-form-urlencoded")]
    public async Task Token_requests_reach_the_server_with_a_content_length_and_not_chunked(TokenRequestEncoding encoding, string mediaType)
    {
        await using var server = await TokenRequestRecorder.StartAsync();
        var client = new OAuthTokenClient(new PlainClientFactory(), Options.Create(new OAuthOptions { TokenRequestEncoding = encoding, TokenUrl = server.TokenUrl }));

        await client.ExchangeCodeAsync("the-code", "the-state", "the-verifier", CancellationToken.None);
        await client.RefreshAsync("the-refresh-token", CancellationToken.None);

        Assert.Equal(2, server.Requests.Count);
        Assert.All(server.Requests, request =>
        {
            Assert.Equal(mediaType, request.MediaType);
            Assert.Null(request.TransferEncoding);
            Assert.Equal(request.BodyLength, request.ContentLength);
            Assert.True(request.BodyLength > 0);
        });
    }

    [Fact]
    public void Invalid_settings_fail_validation_naming_each_setting()
    {
        var options = new OAuthOptions { ClientId = " ", TokenUrl = new Uri("/relative", UriKind.Relative), SessionLifetime = TimeSpan.Zero };

        var result = new OAuthOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains("TokenUrl", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("ClientId", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("SessionLifetime", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_encoding_posts_the_exchange_as_a_json_object()
    {
        var handler = new RecordingHandler("""{"access_token":"a","refresh_token":"r","expires_in":28800,"token_type":"Bearer","scope":"user:inference","account":{"uuid":"u-1","email_address":"me@example.test"},"organization":{"name":"Org"}}""");
        var client = new OAuthTokenClient(new SingleClientFactory(handler), Options.Create(new OAuthOptions { TokenRequestEncoding = TokenRequestEncoding.Json, TokenUrl = new Uri("http://127.0.0.1:9/token") }));

        var response = await client.ExchangeCodeAsync("the-code", "the-state", "the-verifier", CancellationToken.None);

        Assert.Equal("application/json", handler.ContentType);
        var body = JsonDocument.Parse(handler.Body!).RootElement;
        Assert.Equal("authorization_code", body.GetProperty("grant_type").GetString());
        Assert.Equal("the-code", body.GetProperty("code").GetString());
        Assert.Equal("the-state", body.GetProperty("state").GetString());
        Assert.Equal("the-verifier", body.GetProperty("code_verifier").GetString());
        Assert.Equal(28800, response.ExpiresInSeconds);
        Assert.Equal("u-1", response.Account!.Uuid);
        Assert.Equal("Org", response.Account.OrganizationName);
        Assert.DoesNotContain("\"a\"", response.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Form_encoding_posts_the_refresh_as_a_form()
    {
        var handler = new RecordingHandler("""{"access_token":"a2","expires_in":60}""");
        var client = new OAuthTokenClient(new SingleClientFactory(handler), Options.Create(new OAuthOptions { TokenRequestEncoding = TokenRequestEncoding.Form, TokenUrl = new Uri("http://127.0.0.1:9/token") }));

        var response = await client.RefreshAsync("old-refresh", CancellationToken.None);
        var tokens = response.ToTokens(DateTimeOffset.UnixEpoch, previousRefreshToken: "old-refresh", previousRefreshIssuedAtMs: 5);

        Assert.Equal("application/x-www-form-urlencoded", handler.ContentType);
        Assert.Equal("grant_type=refresh_token&refresh_token=old-refresh&client_id=9d1c250a-e61b-44d9-88ed-5944d1962f5e", handler.Body);
        Assert.Equal("old-refresh", tokens.RefreshToken); // no new refresh token: keep the old one
        Assert.Equal(5, tokens.RefreshTokenIssuedAtMs);
        Assert.Equal(60_000, tokens.ExpiresAtMs);
    }

    [Theory]
    [InlineData("""{"error":"invalid_grant","error_description":"Grant expired"}""", 400, "invalid_grant", false)]
    [InlineData("""{"error":{"type":"rate_limit_error","message":"Slow down"}}""", 429, "rate_limit_error", true)]
    [InlineData("<html>bad gateway</html>", 502, "http_502", true)]
    public async Task Provider_errors_carry_the_providers_code(string body, int status, string code, bool transient)
    {
        var handler = new RecordingHandler(body, (HttpStatusCode)status);
        var client = new OAuthTokenClient(new SingleClientFactory(handler), Options.Create(new OAuthOptions { TokenUrl = new Uri("http://127.0.0.1:9/token") }));

        var error = await Assert.ThrowsAsync<OAuthProviderException>(() => client.RefreshAsync("r", CancellationToken.None));

        Assert.Equal(code, error.ErrorCode);
        Assert.Equal(transient, error.Transient);
        Assert.Equal(code == "invalid_grant", error.IsInvalidGrant);
    }

    private sealed class RecordingHandler(string response, HttpStatusCode status = HttpStatusCode.OK) : HttpMessageHandler
    {
        public string? Body { get; private set; }

        public string? ContentType { get; private set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Body = await request.Content!.ReadAsStringAsync(cancellationToken);
            ContentType = request.Content.Headers.ContentType?.MediaType;
            return new HttpResponseMessage(status) { Content = new StringContent(response, Encoding.UTF8, "application/json") };
        }
    }

    private sealed class PlainClientFactory : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => new();
    }

    private sealed class SingleClientFactory(HttpMessageHandler handler) : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => new(handler, disposeHandler: false);
    }
}
