using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Para.Accounts.AuthRefresh;
using Para.Accounts.Tests.Infrastructure;
using Para.Accounts.Tokens;
using Para.Contracts.Accounts;
using Para.Contracts.Credentials;

namespace Para.Accounts.Tests.AuthRefresh;

/// <summary>
/// Transparent recovery of calls that fail with an authentication error, over the real token
/// manager and the real OAuth server. The wrapped call plays the Claude API: it rejects tokens the
/// test declares revoked, as the API does when the provider ends a token early.
/// </summary>
public sealed class AuthRefreshManagerTests(OAuthServerFixture oauth) : IClassFixture<OAuthServerFixture>, IAsyncLifetime
{
    private readonly AccountsApiFactory _factory = new(oauth);
    private readonly ConcurrentDictionary<string, bool> _revoked = new();
    private AccountView _account = null!;

    private AuthRefreshManager Manager => _factory.Services.GetRequiredService<AuthRefreshManager>();

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
    public async Task A_call_failing_with_401_is_refreshed_and_retried_transparently_with_the_seeds_log_lines()
    {
        var before = oauth.RefreshRequests;
        RevokeCurrentToken();

        var used = await Manager.ExecuteAsync(CallClaudeAsync, "processRequest", _account.Id, "abc123");

        Assert.Equal(1, oauth.RefreshRequests - before);
        Assert.Equal(_factory.Store.Find(_account.Id)!.Tokens!.AccessToken, used);
        var lines = _factory.Logs.Lines.Where(line => line.StartsWith("Information Para.Accounts.", StringComparison.Ordinal)).ToList();
        Assert.Contains(lines, line => line.Contains($"Authentication error detected in processRequest for session abc123, attempting refresh (account: {_account.Id})", StringComparison.Ordinal));
        Assert.Contains(lines, line => line.Contains("Claude Code authentication refresh successful (refreshCount: 1, timeTaken: ", StringComparison.Ordinal)
            && line.Contains("account: work, strategy: refresh-token)", StringComparison.Ordinal));
        Assert.Contains(lines, line => line.Contains($"Authentication refreshed, retrying processRequest for session abc123 (account: {_account.Id})", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_call_failing_for_another_reason_is_neither_refreshed_nor_retried()
    {
        var before = oauth.RefreshRequests;
        var attempts = 0;

        await Assert.ThrowsAsync<HttpRequestException>(() => Manager.ExecuteAsync<int>(
            _ => { attempts++; throw new HttpRequestException("overloaded", null, HttpStatusCode.ServiceUnavailable); },
            "processRequest", _account.Id).AsTask());

        Assert.Equal(1, attempts);
        Assert.Equal(before, oauth.RefreshRequests);
    }

    [Fact]
    public async Task A_call_that_fails_again_after_the_refresh_is_retried_only_once()
    {
        var attempts = 0;

        await Assert.ThrowsAsync<HttpRequestException>(() => Manager.ExecuteAsync<int>(
            _ => { attempts++; throw Unauthorized(); }, "processRequest", _account.Id).AsTask());

        Assert.Equal(2, attempts);
    }

    [Fact]
    public async Task Calls_that_fail_together_share_one_refresh()
    {
        var before = oauth.RefreshRequests;
        RevokeCurrentToken();

        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(i =>
            Task.Run(() => Manager.ExecuteAsync(CallClaudeAsync, "processRequest", _account.Id, $"s{i}").AsTask())));

        Assert.Equal(1, oauth.RefreshRequests - before);
        Assert.All(results, token => Assert.Equal(_factory.Store.Find(_account.Id)!.Tokens!.AccessToken, token));
    }

    [Fact]
    public async Task After_three_failed_refreshes_in_a_row_failures_are_no_longer_retried_until_a_manual_refresh_works()
    {
        oauth.FailRefreshesWith = 503;
        for (var failure = 0; failure < 3; failure++)
        {
            RevokeCurrentToken();
            await Assert.ThrowsAsync<HttpRequestException>(() => Manager.ExecuteAsync(CallClaudeAsync, "processRequest", _account.Id).AsTask());
            _factory.Time.Advance(TimeSpan.FromSeconds(31));
        }

        var before = oauth.RefreshRequests;
        await Assert.ThrowsAsync<HttpRequestException>(() => Manager.ExecuteAsync(CallClaudeAsync, "processRequest", _account.Id).AsTask());
        Assert.Equal(before, oauth.RefreshRequests);
        Assert.Contains(_factory.Logs.Lines, line => line.Contains("Too many consecutive auth failures, not retrying (consecutiveFailures: 3, maxAllowed: 3", StringComparison.Ordinal));
        Assert.Equal(3, Assert.Single(Tokens.GetStatuses()).Refresh.ConsecutiveFailures);

        oauth.FailRefreshesWith = null;
        var manual = await Tokens.RefreshAsync("work", RefreshTrigger.Manual, CancellationToken.None);
        Assert.True(manual.Succeeded, manual.Message);
        RevokeCurrentToken();
        _factory.Time.Advance(TimeSpan.FromSeconds(31));

        var used = await Manager.ExecuteAsync(CallClaudeAsync, "processRequest", _account.Id);
        Assert.Equal(_factory.Store.Find(_account.Id)!.Tokens!.AccessToken, used);
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
    public async Task A_stream_failing_before_its_first_item_is_retried_transparently()
    {
        var opened = 0;
        var before = oauth.RefreshRequests;

        async IAsyncEnumerable<int> Stream()
        {
            await Task.Yield();
            if (++opened == 1)
            {
                throw Unauthorized();
            }

            yield return 1;
            yield return 2;
            yield return 3;
        }

        var items = new List<int>();
        await foreach (var item in Manager.ExecuteStreamAsync(_ => Stream(), "processStreamRequest", _account.Id, "abc123"))
        {
            items.Add(item);
        }

        Assert.Equal([1, 2, 3], items);
        Assert.Equal(2, opened);
        Assert.Equal(1, oauth.RefreshRequests - before);
    }

    [Fact]
    public async Task A_stream_failing_after_its_first_item_passes_the_error_on_without_a_retry()
    {
        var opened = 0;
        var before = oauth.RefreshRequests;

        async IAsyncEnumerable<int> Stream()
        {
            opened++;
            yield return 1;
            await Task.Yield();
            throw Unauthorized();
        }

        var items = new List<int>();
        await Assert.ThrowsAsync<HttpRequestException>(async () =>
        {
            await foreach (var item in Manager.ExecuteStreamAsync(_ => Stream(), "processStreamRequest", _account.Id, "abc123"))
            {
                items.Add(item);
            }
        });

        Assert.Equal([1], items);
        Assert.Equal(1, opened);
        Assert.Equal(before, oauth.RefreshRequests);
    }

    [Fact]
    public async Task A_call_without_an_account_is_not_refreshed_and_its_failure_stands()
    {
        var before = oauth.RefreshRequests;
        var attempts = 0;

        await Assert.ThrowsAsync<HttpRequestException>(() => Manager.ExecuteAsync<int>(
            _ => { attempts++; throw Unauthorized(); }, "processRequest", accountId: null).AsTask());

        Assert.Equal(1, attempts);
        Assert.Equal(before, oauth.RefreshRequests);
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

        RevokeCurrentToken();
        await Manager.ExecuteAsync(CallClaudeAsync, "processRequest", _account.Id);
        _factory.Time.Advance(TimeSpan.FromSeconds(31));
        oauth.FailRefreshesWith = 503;
        await Tokens.RefreshAsync("work", RefreshTrigger.Manual, CancellationToken.None);

        var counts = measurements.Where(m => m.Instrument == "para.auth.refresh.count").ToList();
        Assert.Equal([("automatic", "success"), ("manual", "failure")], counts.Select(m => (m.Trigger, m.Outcome)));
        Assert.Single(measurements, m => m.Instrument == "para.auth.refresh.failures");
    }

    /// <summary>The Claude API: any token the test revoked is answered with 401.</summary>
    private async ValueTask<string> CallClaudeAsync(CancellationToken cancellationToken)
    {
        var token = await Tokens.GetValidAccessTokenAsync(_account.Id, cancellationToken);
        return _revoked.ContainsKey(token.AccessToken) ? throw Unauthorized() : token.AccessToken;
    }

    private void RevokeCurrentToken() => _revoked[_factory.Store.Find(_account.Id)!.Tokens!.AccessToken] = true;

    private async Task<(string AccessToken, string RefreshToken)> SignInElsewhereAsync()
    {
        var other = await _factory.SignInAsync("elsewhere", autoRefresh: false);
        var tokens = _factory.Store.Find(other.Id)!.Tokens!;
        using var client = _factory.CreateAdminClient();
        (await client.DeleteAsync(new Uri("/api/accounts/elsewhere", UriKind.Relative))).EnsureSuccessStatusCode();
        return (tokens.AccessToken, tokens.RefreshToken);
    }

    private static HttpRequestException Unauthorized() => new("401", null, HttpStatusCode.Unauthorized);
}
