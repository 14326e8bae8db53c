using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Para.Accounts.Storage;
using Para.Accounts.Tests.Infrastructure;
using Para.Accounts.Tokens;
using Para.Contracts.Accounts;

namespace Para.Accounts.Tests.Tokens;

/// <summary>
/// Access tokens that live tens of seconds (the end-to-end scenario's 20 s), against the real
/// OpenIddict server issuing them: the cooldown must not outlast a token, and the refresher must
/// not sleep through a token that arrived after it planned its sleep.
/// </summary>
public sealed class ShortLivedTokenTests : IAsyncLifetime
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(20);
    private readonly OAuthServerFixture _oauth = new() { AccessTokenLifetime = Lifetime };
    private AccountsApiFactory _factory = null!;

    private TokenManager Manager => _factory.Services.GetRequiredService<TokenManager>();

    private TokenRefreshService Refresher => _factory.Services.GetServices<IHostedService>().OfType<TokenRefreshService>().Single();

    private RefreshSchedule Schedule => _factory.Services.GetRequiredService<RefreshSchedule>();

    public async Task InitializeAsync()
    {
        await _oauth.InitializeAsync();
        _factory = new AccountsApiFactory(_oauth);
        _factory.CreateClient().Dispose(); // starts the host, and with it the refresher's first pass
        await WaitUntilAsync(() => Refresher.Sleeps >= 1);
    }

    public async Task DisposeAsync()
    {
        await _factory.DisposeAsync();
        await _oauth.DisposeAsync();
    }

    [Theory]
    [InlineData(20, 7.5)] // due 15 s after issue: half of that
    [InlineData(120, 30)] // due after 90 s: the configured 30 s is shorter than 45 s
    [InlineData(8 * 3600, 30)]
    public void The_cooldown_is_at_most_half_the_time_from_issue_to_due(int lifetimeSeconds, double cooldownSeconds)
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch.AddYears(56));
        var schedule = new RefreshSchedule(Options.Create(new TokenManagerOptions()), time);
        var now = time.GetUtcNow();

        var cooldown = schedule.Cooldown(Tokens(now, now.AddSeconds(lifetimeSeconds)));

        Assert.Equal(TimeSpan.FromSeconds(cooldownSeconds), cooldown);
        Assert.Equal(TimeSpan.FromSeconds(30), schedule.Cooldown(null));
        // Tokens stored before their issue time was kept: the configured cooldown, as before.
        Assert.Equal(TimeSpan.FromSeconds(30), schedule.Cooldown(Tokens(DateTimeOffset.UnixEpoch, now.AddSeconds(lifetimeSeconds))));
    }

    [Fact]
    public async Task A_twenty_second_token_is_refreshed_every_cycle_from_sign_in_on_and_never_handed_out_expired()
    {
        var sleeps = Refresher.Sleeps;
        var account = await _factory.SignInAsync("short-lived");
        // The sign-in woke the refresher, which planned its sleep around the new token (not its 1-minute check interval).
        await WaitUntilAsync(() => Refresher.Sleeps > sleeps);
        var before = _oauth.RefreshRequests;

        const int cycles = 5;
        for (var cycle = 1; cycle <= cycles; cycle++)
        {
            var held = _factory.Store.Find(account.Id)!.Tokens!;
            sleeps = Refresher.Sleeps;
            _factory.Time.Advance(Schedule.DueAt(held) - _factory.Time.GetUtcNow());
            await WaitUntilAsync(() => Refresher.Sleeps > sleeps);

            var stored = _factory.Store.Find(account.Id)!.Tokens!;
            Assert.True(stored.AccessToken != held.AccessToken, $"cycle {cycle}: the due token was not refreshed ({Manager.RefreshStatusOf(account.Id).LastError})");
            Assert.Equal(cycle, _oauth.RefreshRequests - before);
            var valid = await Manager.GetValidAccessTokenAsync("short-lived", CancellationToken.None);
            Assert.Equal(stored.AccessToken, valid.AccessToken);
            Assert.True(DateTimeOffset.FromUnixTimeMilliseconds(valid.ExpiresAtMs) - _factory.Time.GetUtcNow() > Lifetime / 2);
            Assert.True(await _oauth.AcceptsAccessTokenAsync(valid.AccessToken), $"cycle {cycle}: the server refused the refreshed token");
        }

        Assert.Equal(0, _oauth.RejectedRefreshes);
        Assert.Equal(cycles, Manager.RefreshStatusOf(account.Id).RefreshCount);
    }

    [Fact]
    public async Task A_token_due_inside_the_cooldown_wakes_the_refresher_when_the_cooldown_ends_not_after_the_check_interval()
    {
        var account = await _factory.SignInAsync("cooling");
        var manual = await Manager.RefreshAsync("cooling", RefreshTrigger.Manual, CancellationToken.None);
        Assert.True(manual.Result?.Success, manual.Message);
        _factory.Time.Advance(TimeSpan.FromSeconds(5));
        // Tokens from elsewhere (a reload) that are due already, 5 s into the manual refresh's cooldown.
        var now = _factory.Time.GetUtcNow();
        var live = _factory.Store.Find(account.Id)!.Tokens!;
        _factory.Store.ReplaceTokens(account.Id, Tokens(now - TimeSpan.FromSeconds(15), now + TimeSpan.FromSeconds(5), live), null, null);
        var before = _oauth.RefreshRequests;

        Assert.Equal(0, await Refresher.RefreshDueAccountsAsync(CancellationToken.None));
        // Cooldown of a 20 s token: 7.5 s from the manual refresh, so 2.5 s from now; the token expires in 5 s.
        Assert.Equal(TimeSpan.FromSeconds(2.5), Refresher.NextWake());

        _factory.Time.Advance(TimeSpan.FromSeconds(2.5));
        Assert.Equal(1, await Refresher.RefreshDueAccountsAsync(CancellationToken.None));
        Assert.Equal(1, _oauth.RefreshRequests - before);
        Assert.True(await _oauth.AcceptsAccessTokenAsync(_factory.Store.Find(account.Id)!.Tokens!.AccessToken));
        Assert.Equal(0, _oauth.RejectedRefreshes);
    }

    [Fact]
    public async Task Re_authentication_and_a_settings_change_wake_the_refresher_at_once()
    {
        var sleeps = Refresher.Sleeps;
        await _factory.SignInAsync("woken", autoRefresh: false);
        await WaitUntilAsync(() => Refresher.Sleeps > sleeps);
        using var client = _factory.CreateAdminClient();

        sleeps = Refresher.Sleeps;
        using (var patched = await client.PatchAsJsonAsync("/api/accounts/woken", new UpdateAccountRequest(AutoRefresh: true)))
        {
            patched.EnsureSuccessStatusCode();
        }

        await WaitUntilAsync(() => Refresher.Sleeps > sleeps);

        sleeps = Refresher.Sleeps;
        using var begun = await client.PostAsync(new Uri("/api/accounts/woken/reauth", UriKind.Relative), null);
        var begin = (await begun.Content.ReadFromJsonAsync<OAuthBeginResponse>())!;
        using (var completed = await client.PostAsJsonAsync("/api/oauth/complete", new CompleteOAuthRequest(begin.State, await _oauth.SignInAsync(begin.AuthorizeUrl))))
        {
            completed.EnsureSuccessStatusCode();
        }

        await WaitUntilAsync(() => Refresher.Sleeps > sleeps);
        // The clock never moved: only the events woke it, and nothing was due.
        Assert.Equal(0, _oauth.RefreshRequests);
    }

    [Fact]
    public async Task The_server_refuses_an_access_token_once_its_grant_is_revoked_and_the_account_then_requires_reauthentication()
    {
        var sleeps = Refresher.Sleeps;
        var account = await _factory.SignInAsync("revoked");
        await WaitUntilAsync(() => Refresher.Sleeps > sleeps);
        var tokens = _factory.Store.Find(account.Id)!.Tokens!;
        Assert.True(await _oauth.AcceptsAccessTokenAsync(tokens.AccessToken));
        Assert.False(await _oauth.AcceptsAccessTokenAsync(tokens.AccessToken + "x"));

        Assert.True(await _oauth.RevokeGrantAsync(tokens.AccessToken) >= 2); // at least the access and the refresh token

        Assert.False(await _oauth.AcceptsAccessTokenAsync(tokens.AccessToken));
        sleeps = Refresher.Sleeps;
        _factory.Time.Advance(Schedule.DueAt(tokens) - _factory.Time.GetUtcNow());
        await WaitUntilAsync(() => Refresher.Sleeps > sleeps);
        Assert.True(_factory.Store.Find(account.Id)!.RequiresReauth);
        Assert.Equal(1, _oauth.RejectedRefreshes);
    }

    private static OAuthTokens Tokens(DateTimeOffset issuedAt, DateTimeOffset expiresAt, OAuthTokens? secrets = null) => new()
    {
        AccessToken = secrets?.AccessToken ?? "access",
        RefreshToken = secrets?.RefreshToken ?? "refresh",
        TokenType = "Bearer",
        Scope = string.Join(' ', OAuthServerFixture.Scopes),
        IssuedAtMs = issuedAt == DateTimeOffset.UnixEpoch ? 0 : issuedAt.ToUnixTimeMilliseconds(),
        ExpiresAtMs = expiresAt.ToUnixTimeMilliseconds(),
        RefreshTokenIssuedAtMs = issuedAt.ToUnixTimeMilliseconds(),
    };

    /// <summary>Waits for work the fake clock released on another thread; the clock itself never moves here.</summary>
    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (!condition())
        {
            await Task.Delay(10, deadline.Token);
        }
    }
}
