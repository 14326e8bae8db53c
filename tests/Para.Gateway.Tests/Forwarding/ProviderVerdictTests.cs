using System.Net;
using Para.Accounts.Tests.Infrastructure;
using Para.Gateway.Tests.Infrastructure;

namespace Para.Gateway.Tests.Forwarding;

/// <summary>The provider's verdict on an account's token, learnt from forwarded answers, reaches the account API's <c>/health/auth</c>.</summary>
public sealed class ProviderVerdictTests(OAuthServerFixture oauth) : IClassFixture<OAuthServerFixture>, IAsyncLifetime
{
    private GatewayWorld _world = null!;

    public async Task InitializeAsync()
    {
        oauth.FailRefreshesWith = null;
        _world = await GatewayWorld.StartAsync(oauth);
    }

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [Fact]
    public async Task A_token_refused_even_after_a_refresh_makes_the_account_unauthenticated_until_the_provider_accepts_it_again()
    {
        var account = await _world.SignInAsync("work");
        var key = await _world.AddKeyAsync("laptop");
        var acceptsCurrentTokens = _world.Upstream.IsCurrent;
        _world.Upstream.IsCurrent = _ => false;

        using (var refused = await _world.SendMessageAsync(key))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        await _world.WaitUntilAsync(async () => await _world.AuthHealthOfAsync("work") is { IsAuthenticated: false, ProviderAccepts: false }, "the account API to report the refused token");
        var line = await _world.AuthHealthOfAsync("work");
        Assert.True(line.ExpiresAt > DateTimeOffset.UtcNow, "refused before its expiry");
        Assert.False(line.RequiresReauth);
        Assert.NotNull(line.ProviderCheckedAt);

        _world.Upstream.IsCurrent = acceptsCurrentTokens;
        using (var accepted = await _world.SendMessageAsync(key))
        {
            Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        }

        await _world.WaitUntilAsync(async () => await _world.AuthHealthOfAsync("work") is { IsAuthenticated: true, ProviderAccepts: true }, "the account API to report the accepted token");
        Assert.Equal(_world.CurrentToken(account.Id), _world.Upstream.Seen.Last().Credential);
    }
}
