extern alias gateway;

using System.Net;
using System.Net.Http.Json;
using Para.Accounts.Tests.Infrastructure;
using Para.Contracts.Gateway;
using Para.Gateway.Tests.Infrastructure;
using UsagePoller = gateway::Para.Gateway.Limits.UsagePoller;

namespace Para.Gateway.Tests.Forwarding;

/// <summary>Limits from the provider's answers and its usage endpoint, and its verdict on each account's token.</summary>
public sealed class LimitsTests(OAuthServerFixture oauth) : IClassFixture<OAuthServerFixture>, IAsyncLifetime
{
    private GatewayWorld _world = null!;

    public async Task InitializeAsync()
    {
        oauth.FailRefreshesWith = null;
        _world = await GatewayWorld.StartAsync(oauth, new Dictionary<string, string?> { ["Para:Gateway:UsagePollInterval"] = "01:00:00" }, usage: true);
    }

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [Fact]
    public async Task A_forwarded_answer_and_the_usage_endpoint_give_each_accounts_5h_and_7d_windows()
    {
        var account = await _world.SignInAsync("work");
        var key = await _world.AddKeyAsync("laptop");
        using (var response = await _world.SendMessageAsync(key))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var fromHeaders = Assert.Single((await StatusAsync()).Limits!);
        Assert.Equal(("allowed", 0.25, 0.5, true), (fromHeaders.Status, fromHeaders.FiveHourUtilization, fromHeaders.SevenDayUtilization, fromHeaders.ProviderAccepts));

        await _world.Service<UsagePoller>().PollDueAsync(CancellationToken.None);

        var (credential, status, beta) = Assert.Single(_world.Upstream.UsageRequests);
        Assert.Equal((_world.CurrentToken(account.Id), 200, "oauth-2025-04-20"), (credential, status, beta));
        var fromUsage = Assert.Single((await StatusAsync()).Limits!);
        Assert.Equal(0.25, fromUsage.FiveHourUtilization);
        Assert.Equal(DateTimeOffset.Parse("2030-01-07T00:00:00+00:00", System.Globalization.CultureInfo.InvariantCulture), fromUsage.SevenDayReset);
        Assert.True(fromUsage.ProviderAccepts);
    }

    [Fact]
    public async Task A_token_the_provider_refuses_is_refreshed_and_when_that_does_not_help_reported_as_refused_before_its_expiry()
    {
        var account = await _world.SignInAsync("work");
        var before = oauth.RefreshRequests;
        _world.Upstream.IsCurrent = _ => false;

        await _world.Service<UsagePoller>().PollDueAsync(CancellationToken.None);

        Assert.Equal(1, oauth.RefreshRequests - before);
        Assert.Equal([401, 401], _world.Upstream.UsageRequests.Select(request => request.Status));
        var limits = Assert.Single((await StatusAsync()).Limits!);
        Assert.Equal(account.Id, limits.AccountId);
        Assert.False(limits.ProviderAccepts);
        Assert.True(_world.Accounts.Store.Find(account.Id)!.Tokens!.ExpiresAtMs > DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        await _world.WaitUntilAsync(async () => await _world.AuthHealthOfAsync("work") is { IsAuthenticated: false, ProviderAccepts: false }, "the account API to report the refused token");
    }

    [Fact]
    public async Task A_429_from_the_usage_endpoint_makes_the_next_poll_wait_longer()
    {
        var account = await _world.SignInAsync("work");
        _world.Upstream.Plan("usage:" + _world.CurrentToken(account.Id), 429);
        var poller = _world.Service<UsagePoller>();

        await poller.PollDueAsync(CancellationToken.None);
        await poller.PollDueAsync(CancellationToken.None);

        Assert.Equal([429], _world.Upstream.UsageRequests.Select(request => request.Status));
        Assert.Contains("429", Assert.Single((await StatusAsync()).Limits!).LastUsageError, StringComparison.Ordinal);
    }

    private async Task<GatewayStatus> StatusAsync()
    {
        using var client = new HttpClient { BaseAddress = _world.GatewayAddress };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", AccountsApiFactory.AdminKey);
        return (await client.GetFromJsonAsync<GatewayStatus>(new Uri("/api/gateway/status", UriKind.Relative)))!;
    }
}
