using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Para.Accounts.OAuth;

namespace Para.Accounts.Tests.OAuth;

public sealed class OAuthTokenClientTests
{
    [Fact]
    public void Defaults_are_the_real_providers_values()
    {
        var options = new OAuthOptions();

        Assert.Equal("https://claude.ai/oauth/authorize", options.MaxAuthorizeUrl.ToString());
        Assert.Equal("https://console.anthropic.com/oauth/authorize", options.ConsoleAuthorizeUrl.ToString());
        Assert.Equal("https://console.anthropic.com/v1/oauth/token", options.TokenUrl.ToString());
        Assert.Equal("https://console.anthropic.com/oauth/code/callback", options.RedirectUri.ToString());
        Assert.Equal("9d1c250a-e61b-44d9-88ed-5944d1962f5e", options.ClientId);
        Assert.Equal("org:create_api_key user:profile user:inference", options.Scopes);
        Assert.Equal("code=true", options.AuthorizeQueryExtras);
        Assert.Equal(TokenRequestEncoding.Json, options.TokenRequestEncoding);
        Assert.True(new OAuthOptionsValidator().Validate(null, options).Succeeded);
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

    private sealed class SingleClientFactory(HttpMessageHandler handler) : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => new(handler, disposeHandler: false);
    }
}
