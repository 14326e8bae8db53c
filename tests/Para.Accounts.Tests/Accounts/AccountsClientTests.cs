using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Para.Accounts.Tests.Infrastructure;
using Para.Client;
using Para.Contracts.Accounts;
using Refit;

namespace Para.Accounts.Tests.Accounts;

/// <summary>The shared Refit client (what the console, the CLI and container-auth use) against the API on Kestrel.</summary>
public sealed class AccountsClientTests(OAuthServerFixture oauth) : IClassFixture<OAuthServerFixture>, IAsyncLifetime
{
    private readonly AccountsApiFactory _factory = new(oauth);
    private IHost _services = null!;

    private IAccountsApi Api => _services.Services.GetRequiredService<IAccountsApi>();

    public Task InitializeAsync()
    {
        _services = ClientHost(_factory.StartOnKestrel());
        return Task.CompletedTask;
    }

    /// <summary>The client as the CLI builds it: ServiceDefaults' HttpClient defaults, then AddParaClients.</summary>
    private static IHost ClientHost(Uri address)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Para:Client:AccountsAddress"] = address.ToString(),
            ["Para:Client:AdminKey"] = AccountsApiFactory.AdminKey,
        });
        builder.AddServiceDefaults();
        builder.Services.AddParaClients(builder.Configuration);
        return builder.Build();
    }

    public async Task DisposeAsync()
    {
        _services.Dispose();
        await _factory.DisposeAsync();
    }

    [Fact]
    public async Task The_client_adds_lists_exports_and_reports_token_health()
    {
        var begin = await Api.AddAccountAsync(new AddAccountRequest("client", AccountModes.Max, 1));
        var account = await Api.CompleteOAuthAsync(new CompleteOAuthRequest(begin.State, await oauth.SignInAsync(begin.AuthorizeUrl)));

        var listed = await Api.ListAccountsAsync();
        var export = await Api.ExportCredentialsAsync("client", includeRefreshToken: true);
        var withheld = await Api.ExportCredentialsAsync("client", includeRefreshToken: false);
        var health = await Api.GetTokenHealthAsync();
        var reload = await Api.ReloadAccountAsync(account.Id);

        Assert.Equal(account, Assert.Single(listed));
        Assert.Equal(_factory.Store.Find("client")!.Tokens!.AccessToken, export.Credentials.ClaudeAiOauth.AccessToken);
        Assert.Equal("max", export.Credentials.ClaudeAiOauth.SubscriptionType);
        Assert.Equal(_factory.Store.Find("client")!.Tokens!.RefreshToken, export.Credentials.ClaudeAiOauth.RefreshToken);
        Assert.Equal("", withheld.Credentials.ClaudeAiOauth.RefreshToken);
        Assert.Equal(export.Credentials.ClaudeAiOauth.AccessToken, withheld.Credentials.ClaudeAiOauth.AccessToken);
        Assert.Equal(account.Token!.Fingerprint, export.Fingerprint);
        Assert.Equal(TokenStatuses.Ok, Assert.Single(health.Accounts).Status);
        Assert.True(reload.Success);
    }

    [Fact]
    public async Task A_provider_error_reaches_the_client_as_a_502_not_retried_into_a_different_error()
    {
        await using var broken = new AccountsApiFactory(oauth, tokenUrl: new Uri("http://127.0.0.1:9/connect/token"));
        using var services = ClientHost(broken.StartOnKestrel());
        var api = services.Services.GetRequiredService<IAccountsApi>();
        var begin = await api.AddAccountAsync(new AddAccountRequest("down"));

        var error = await Assert.ThrowsAnyAsync<ApiException>(() => api.CompleteOAuthAsync(new CompleteOAuthRequest(begin.State, "code")));

        Assert.Equal(502, (int)error.StatusCode);
        Assert.Contains("provider_unreachable", error.Content, StringComparison.Ordinal);
    }
}
