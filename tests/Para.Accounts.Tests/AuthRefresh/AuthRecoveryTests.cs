using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Para.Accounts.Tests.Infrastructure;
using Para.Accounts.Tokens;
using Para.Contracts.Accounts;
using Para.Contracts.Credentials;
using Para.Contracts.Health;

namespace Para.Accounts.Tests.AuthRefresh;

/// <summary>
/// The account API's side of recovering a refused call (the gateway's refresh manager asks
/// <c>/health/auth/refresh?refused=</c>), and the refresh fallbacks behind it, over the real token
/// manager and the real OAuth server. The manager itself is tested in the gateway's tests.
/// </summary>
public sealed class AuthRecoveryTests(OAuthServerFixture oauth) : IClassFixture<OAuthServerFixture>, IAsyncLifetime
{
    private readonly AccountsApiFactory _factory = new(oauth);
    private AccountView _account = null!;

    private TokenManager Tokens => _factory.Services.GetRequiredService<TokenManager>();

    public async Task InitializeAsync()
    {
        oauth.FailRefreshesWith = null;
        _account = await _factory.SignInAsync("work", autoRefresh: false);
    }

    public async Task DisposeAsync()
    {
        oauth.FailRefreshesWith = null;
        await _factory.DisposeAsync();
    }

    [Fact]
    public async Task Recovery_for_the_refused_token_refreshes_once_and_answers_refreshed()
    {
        var before = oauth.RefreshRequests;
        var refused = CurrentToken();

        var document = await RecoverAsync(TokenFingerprint.Of(refused));

        Assert.Equal("refreshed", document.Status);
        Assert.True(document.Result.Success);
        Assert.Equal(1, oauth.RefreshRequests - before);
        Assert.NotEqual(refused, CurrentToken());
    }

    [Fact]
    public async Task Recovery_for_a_token_that_was_already_replaced_answers_refreshed_without_a_provider_call()
    {
        var refused = CurrentToken();
        Assert.True((await Tokens.RefreshAsync("work", RefreshTrigger.Manual, CancellationToken.None)).Succeeded);
        var before = oauth.RefreshRequests;

        var document = await RecoverAsync(TokenFingerprint.Of(refused));

        Assert.Equal("refreshed", document.Status);
        Assert.Equal(before, oauth.RefreshRequests);
    }

    [Fact]
    public async Task Recovery_for_the_current_token_inside_the_cooldown_is_refused_without_a_provider_call()
    {
        Assert.True((await Tokens.RefreshAsync("work", RefreshTrigger.Manual, CancellationToken.None)).Succeeded);
        var before = oauth.RefreshRequests;

        var document = await RecoverAsync(TokenFingerprint.Of(CurrentToken()));

        Assert.Equal("failed", document.Status);
        Assert.False(document.Result.Success);
        Assert.Equal(before, oauth.RefreshRequests);
    }

    [Fact]
    public async Task After_three_failed_recoveries_in_a_row_the_next_is_refused_without_a_provider_call()
    {
        oauth.FailRefreshesWith = 503;
        for (var failure = 0; failure < 3; failure++)
        {
            Assert.Equal("failed", (await RecoverAsync(TokenFingerprint.Of(CurrentToken()))).Status);
            _factory.Time.Advance(TimeSpan.FromSeconds(31));
        }

        var before = oauth.RefreshRequests;
        Assert.Equal("failed", (await RecoverAsync(TokenFingerprint.Of(CurrentToken()))).Status);
        Assert.Equal(before, oauth.RefreshRequests);
        Assert.Contains(_factory.Logs.Lines, line => line.Contains("Too many consecutive auth failures, not retrying (consecutiveFailures: 3, maxAllowed: 3", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_revoked_refresh_token_gives_way_to_newer_tokens_in_the_credentials_file_of_the_only_account()
    {
        var stored = _factory.Store.Find(_account.Id)!.Tokens!;
        // Claude Code on this machine signed in again by itself: its file holds tokens from a new grant.
        var fresh = await SignInElsewhereAsync();
        Assert.Equal(HttpStatusCode.OK, (await oauth.RedeemRefreshTokenAsync(stored.RefreshToken)).Status);
        await File.WriteAllTextAsync(_factory.CredentialsFilePath, JsonSerializer.Serialize(new ClaudeCredentialsFile(new ClaudeAiOauth(
            fresh.AccessToken, fresh.RefreshToken, _factory.Time.GetUtcNow().AddHours(8).ToUnixTimeMilliseconds() + 1000, ["user:inference"], "max"))));

        var outcome = await Tokens.RefreshAsync("work", RefreshTrigger.Manual, CancellationToken.None);

        Assert.True(outcome.Succeeded, outcome.Message);
        Assert.Contains("credentials file", outcome.Message, StringComparison.Ordinal);
        var now = _factory.Store.Find(_account.Id)!;
        Assert.False(now.RequiresReauth);
        Assert.Equal(fresh.AccessToken, now.Tokens!.AccessToken);
    }

    [Fact]
    public async Task The_credentials_file_is_not_used_when_it_is_unclear_which_account_it_belongs_to()
    {
        await _factory.SignInAsync("second", autoRefresh: false);
        var stored = _factory.Store.Find(_account.Id)!.Tokens!;
        Assert.Equal(HttpStatusCode.OK, (await oauth.RedeemRefreshTokenAsync(stored.RefreshToken)).Status);
        await File.WriteAllTextAsync(_factory.CredentialsFilePath, JsonSerializer.Serialize(new ClaudeCredentialsFile(new ClaudeAiOauth(
            "file-access", "file-refresh", _factory.Time.GetUtcNow().AddHours(9).ToUnixTimeMilliseconds(), ["user:inference"], "max"))));

        var outcome = await Tokens.RefreshAsync("work", RefreshTrigger.Manual, CancellationToken.None);

        Assert.False(outcome.Succeeded);
        Assert.True(_factory.Store.Find(_account.Id)!.RequiresReauth);
        Assert.NotEqual("file-access", _factory.Store.Find(_account.Id)!.Tokens!.AccessToken);
    }

    [Fact]
    public async Task Every_refresh_is_counted_once_on_the_para_auth_meter_with_what_triggered_it()
    {
        var measurements = new ConcurrentQueue<(string Instrument, string? Trigger, string? Outcome)>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, meters) =>
            {
                if (instrument.Meter.Name == TokenMetrics.MeterName && ReferenceEquals(instrument.Meter, _factory.Services.GetRequiredService<TokenMetrics>().Meter))
                {
                    meters.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, _, tags, _) =>
        {
            string? trigger = null, outcome = null;
            foreach (var tag in tags)
            {
                trigger = tag.Key == "para.auth.trigger" ? tag.Value as string : trigger;
                outcome = tag.Key == "para.auth.outcome" ? tag.Value as string : outcome;
            }

            measurements.Enqueue((instrument.Name, trigger, outcome));
        });
        listener.Start();

        await RecoverAsync(TokenFingerprint.Of(CurrentToken()));
        _factory.Time.Advance(TimeSpan.FromSeconds(31));
        oauth.FailRefreshesWith = 503;
        await Tokens.RefreshAsync("work", RefreshTrigger.Manual, CancellationToken.None);

        var counts = measurements.Where(m => m.Instrument == "para.auth.refresh.count").ToList();
        Assert.Equal([("automatic", "success"), ("manual", "failure")], counts.Select(m => (m.Trigger, m.Outcome)));
        Assert.Single(measurements, m => m.Instrument == "para.auth.refresh.failures");
    }

    private string CurrentToken() => _factory.Store.Find(_account.Id)!.Tokens!.AccessToken;

    /// <summary>What the gateway's refresh manager asks after the provider refused a call.</summary>
    private async Task<AuthRefreshDocument> RecoverAsync(string refusedFingerprint)
    {
        using var client = _factory.CreateAdminClient();
        using var response = await client.PostAsync(new Uri($"/health/auth/refresh?account={_account.Id}&refused={Uri.EscapeDataString(refusedFingerprint)}", UriKind.Relative), null);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<AuthRefreshDocument>())!;
    }

    private async Task<(string AccessToken, string RefreshToken)> SignInElsewhereAsync()
    {
        var other = await _factory.SignInAsync("elsewhere", autoRefresh: false);
        var tokens = _factory.Store.Find(other.Id)!.Tokens!;
        using var client = _factory.CreateAdminClient();
        (await client.DeleteAsync(new Uri("/api/accounts/elsewhere", UriKind.Relative))).EnsureSuccessStatusCode();
        return (tokens.AccessToken, tokens.RefreshToken);
    }

}
