extern alias gateway;

using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Para.Accounts.Tests.Infrastructure;
using Para.Contracts.Accounts;
using Para.Contracts.Gateway;
using Para.Contracts.Health;
using Para.ServiceDefaults.Security;
using GatewayProgram = gateway::Program;

namespace Para.Gateway.Tests.Infrastructure;

/// <summary>
/// Everything a gateway test runs against, all real and on 127.0.0.1: the OAuth server, the account
/// API over a temp LiteDB (Kestrel), the test upstream, and the gateway (Kestrel) pointed at both.
/// </summary>
public sealed class GatewayWorld : IAsyncDisposable
{
    private GatewayWorld(OAuthServerFixture oauth, AccountsApiFactory accounts, FakeUpstream upstream, GatewayFactory gatewayFactory, Uri gatewayAddress)
    {
        OAuth = oauth;
        Accounts = accounts;
        Upstream = upstream;
        Gateway = gatewayFactory;
        GatewayAddress = gatewayAddress;
        Client = new HttpClient { BaseAddress = gatewayAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    public OAuthServerFixture OAuth { get; }

    public AccountsApiFactory Accounts { get; }

    public FakeUpstream Upstream { get; }

    public GatewayFactory Gateway { get; }

    public Uri GatewayAddress { get; }

    /// <summary>A client of the gateway, as Claude Code would be; no key set (each request says).</summary>
    public HttpClient Client { get; }

    public IServiceProvider GatewayServices => Gateway.Services;

    /// <param name="usage">Turns usage polling on, against the test upstream's usage endpoint (the test drives the polls).</param>
    public static async Task<GatewayWorld> StartAsync(OAuthServerFixture oauth, Dictionary<string, string?>? gatewaySettings = null, bool usage = false)
    {
        var accounts = new AccountsApiFactory(oauth);
        var accountsAddress = accounts.StartOnKestrel();
        var upstream = new FakeUpstream();
        await upstream.InitializeAsync();
        upstream.IsCurrent = credential =>
            accounts.Store.List().Any(account => account.Tokens?.AccessToken == credential || account.ApiKey == credential);
        gatewaySettings ??= [];
        if (usage)
        {
            gatewaySettings["Para:Gateway:UsageUrl"] = new Uri(upstream.BaseAddress, "/api/oauth/usage").ToString();
        }

        var factory = new GatewayFactory(accountsAddress, upstream.BaseAddress, gatewaySettings);
        var gatewayAddress = factory.StartOnKestrel();
        var world = new GatewayWorld(oauth, accounts, upstream, factory, gatewayAddress);
        // Caches are dropped by events only while the feed is open: wait until it is.
        await world.WaitUntilAsync(() => world.Service<gateway::Para.Gateway.Events.AccountEventsFollower>().Connected, "the gateway to subscribe to account events");
        return world;
    }

    public T Service<T>() where T : notnull => Gateway.Services.GetRequiredService<T>();

    /// <summary>A signed-in account (real OAuth), with this priority; automatic refresh off so only the test's actions refresh.</summary>
    public async Task<AccountView> SignInAsync(string name, int priority = 0)
    {
        await Accounts.SignInAsync(name, autoRefresh: false);
        using var admin = Accounts.CreateAdminClient();
        using var patched = await admin.PatchAsJsonAsync($"/api/accounts/{name}", new UpdateAccountRequest(Priority: priority));
        patched.EnsureSuccessStatusCode();
        return (await patched.Content.ReadFromJsonAsync<AccountView>())!;
    }

    /// <summary>A console account: signed in with OAuth, and the API key the provider created for it.</summary>
    public async Task<AccountView> SignInConsoleAsync(string name, int priority = 0)
    {
        using var admin = Accounts.CreateAdminClient();
        using var begun = await admin.PostAsJsonAsync("/api/accounts", new AddAccountRequest(name, AccountModes.Console, priority));
        Assert.True(begun.IsSuccessStatusCode, await begun.Content.ReadAsStringAsync());
        var begin = (await begun.Content.ReadFromJsonAsync<OAuthBeginResponse>())!;
        using var completed = await admin.PostAsJsonAsync("/api/oauth/complete", new CompleteOAuthRequest(begin.State, await OAuth.SignInAsync(begin.AuthorizeUrl)));
        Assert.True(completed.IsSuccessStatusCode, await completed.Content.ReadAsStringAsync());
        return (await completed.Content.ReadFromJsonAsync<AccountView>())!;
    }

    public async Task<AccountView> UpdateAsync(string name, UpdateAccountRequest update)
    {
        using var admin = Accounts.CreateAdminClient();
        using var patched = await admin.PatchAsJsonAsync($"/api/accounts/{name}", update);
        patched.EnsureSuccessStatusCode();
        return (await patched.Content.ReadFromJsonAsync<AccountView>())!;
    }

    public async Task<string> AddKeyAsync(string name)
    {
        using var admin = Accounts.CreateAdminClient();
        using var created = await admin.PostAsJsonAsync("/api/gateway-keys", new AddGatewayKeyRequest(name));
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        return (await created.Content.ReadFromJsonAsync<GatewayKeyCreated>())!.Key;
    }

    public string CurrentToken(string accountId) => Accounts.Store.Find(accountId)!.Tokens!.AccessToken;

    /// <summary>POST /v1/messages through the gateway, the way Claude Code sends it (ANTHROPIC_AUTH_TOKEN → Bearer).</summary>
    public async Task<HttpResponseMessage> SendMessageAsync(
        string? key, bool stream = false, string? session = null, Action<HttpRequestMessage>? configure = null, string model = "claude-sonnet-4-5")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/messages")
        {
            Content = new StringContent(
                $$"""{"model":"{{model}}","max_tokens":64,"stream":{{(stream ? "true" : "false")}},"messages":[{"role":"user","content":"Hi"}]}""",
                Encoding.UTF8, "application/json"),
        };
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        request.Headers.TryAddWithoutValidation("anthropic-version", "2023-06-01");
        request.Headers.TryAddWithoutValidation("anthropic-beta", "claude-code-20250219,fine-grained-tool-streaming-2025-05-14");
        if (session is not null)
        {
            request.Headers.TryAddWithoutValidation("x-claude-code-session-id", session);
        }

        configure?.Invoke(request);
        return await Client.SendAsync(request, stream ? HttpCompletionOption.ResponseHeadersRead : HttpCompletionOption.ResponseContentRead);
    }

    /// <summary>Polls until <paramref name="condition"/> holds; fails after 10 s naming what it waited for.</summary>
    public async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out waiting for {what}.");
            }

            await Task.Delay(20);
        }
    }

    /// <summary>Polls until <paramref name="condition"/> holds; fails after 10 s naming what it waited for.</summary>
    public async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out waiting for {what}.");
            }

            await Task.Delay(20);
        }
    }

    /// <summary>The account's line of the account API's <c>/health/auth</c>.</summary>
    public async Task<AccountAuthHealth> AuthHealthOfAsync(string name)
    {
        using var admin = Accounts.CreateAdminClient();
        var document = await admin.GetFromJsonAsync<AuthHealthDocument>(new Uri("/health/auth", UriKind.Relative));
        return document!.Accounts.Single(line => line.Name == name);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Gateway.DisposeAsync();
        await Upstream.DisposeAsync();
        await Accounts.DisposeAsync();
    }
}

/// <summary>The gateway host on Kestrel at 127.0.0.1, with the real account API and the test upstream.</summary>
public sealed class GatewayFactory(Uri accountsAddress, Uri upstreamAddress, Dictionary<string, string?> settings) : WebApplicationFactory<GatewayProgram>
{
    public LogCapture Logs { get; } = new();

    public Uri StartOnKestrel()
    {
        UseKestrel(options => options.Listen(System.Net.IPAddress.Loopback, 0));
        StartServer();
        return new Uri(Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting(AdminKeyAuthentication.AdminKeyConfigurationKey, AccountsApiFactory.AdminKey);
        builder.UseSetting("Para:Client:AccountsAddress", accountsAddress.ToString());
        builder.UseSetting("Para:Client:AdminKey", AccountsApiFactory.AdminKey);
        builder.UseSetting("Para:Gateway:DefaultEndpoint", upstreamAddress.ToString());
        // Off unless a test turns it on: a poll in the background would add refreshes to other tests.
        builder.UseSetting("Para:Gateway:UsageUrl", settings.GetValueOrDefault("Para:Gateway:UsageUrl") ?? "");
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(Logs));
    }
}
