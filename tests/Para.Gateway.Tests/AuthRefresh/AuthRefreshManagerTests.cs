extern alias gateway;

using System.Collections.Concurrent;
using System.Net;
using Para.Accounts.Tests.Infrastructure;
using Para.Accounts.Tokens;
using Para.Contracts.Accounts;
using Para.Contracts.Credentials;
using Para.Gateway.Tests.Infrastructure;
using AuthRefreshManager = gateway::Para.Gateway.AuthRefresh.AuthRefreshManager;
using IRefusedCredential = gateway::Para.Gateway.AuthRefresh.IRefusedCredential;
using UpstreamCredentials = gateway::Para.Gateway.Tokens.UpstreamCredentials;

namespace Para.Gateway.Tests.AuthRefresh;

/// <summary>
/// Transparent recovery of calls that fail with an authentication error: the refresh manager in
/// the gateway, the refresh in the real account API over the real OAuth server. The wrapped call
/// plays the Claude API: it takes the gateway's cached token and rejects the ones the test revoked.
/// </summary>
public sealed class AuthRefreshManagerTests(OAuthServerFixture oauth) : IClassFixture<OAuthServerFixture>, IAsyncLifetime
{
    private readonly ConcurrentDictionary<string, bool> _revoked = new();
    private GatewayWorld _world = null!;
    private AccountView _account = null!;

    private AuthRefreshManager Manager => _world.Service<AuthRefreshManager>();

    private TokenManager Tokens => (TokenManager)_world.Accounts.Services.GetService(typeof(TokenManager))!;

    public async Task InitializeAsync()
    {
        oauth.FailRefreshesWith = null;
        _world = await GatewayWorld.StartAsync(oauth);
        _account = await _world.SignInAsync("work");
    }

    public async Task DisposeAsync()
    {
        oauth.FailRefreshesWith = null;
        await _world.DisposeAsync();
    }

    [Fact]
    public async Task A_call_failing_with_401_is_refreshed_and_retried_transparently_with_the_seeds_log_lines()
    {
        var before = oauth.RefreshRequests;
        RevokeCurrentToken();

        var used = await Manager.ExecuteAsync(CallClaudeAsync, "processRequest", _account.Id, "abc123");

        Assert.Equal(1, oauth.RefreshRequests - before);
        Assert.Equal(_world.CurrentToken(_account.Id), used);
        var gatewayLines = _world.Gateway.Logs.Lines.Where(line => line.StartsWith("Information Para.Gateway.", StringComparison.Ordinal)).ToList();
        Assert.Contains(gatewayLines, line => line.Contains($"Authentication error detected in processRequest for session abc123, attempting refresh (account: {_account.Id})", StringComparison.Ordinal));
        Assert.Contains(gatewayLines, line => line.Contains($"Authentication refreshed, retrying processRequest for session abc123 (account: {_account.Id})", StringComparison.Ordinal));
        Assert.Contains(_world.Accounts.Logs.Lines, line => line.Contains("Claude Code authentication refresh successful (refreshCount: 1, timeTaken: ", StringComparison.Ordinal)
            && line.Contains("account: work, strategy: refresh-token)", StringComparison.Ordinal));
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

        await Assert.ThrowsAsync<RefusedException>(() => Manager.ExecuteAsync<int>(
            _ => { attempts++; throw new RefusedException(TokenFingerprint.Of(_world.CurrentToken(_account.Id))); }, "processRequest", _account.Id).AsTask());

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
        Assert.All(results, token => Assert.Equal(_world.CurrentToken(_account.Id), token));
    }

    [Fact]
    public async Task After_three_failed_refreshes_in_a_row_failures_are_no_longer_retried_until_a_manual_refresh_works()
    {
        oauth.FailRefreshesWith = 503;
        for (var failure = 0; failure < 3; failure++)
        {
            RevokeCurrentToken();
            await Assert.ThrowsAsync<RefusedException>(() => Manager.ExecuteAsync(CallClaudeAsync, "processRequest", _account.Id).AsTask());
            _world.Accounts.Time.Advance(TimeSpan.FromSeconds(31));
        }

        var before = oauth.RefreshRequests;
        await Assert.ThrowsAsync<RefusedException>(() => Manager.ExecuteAsync(CallClaudeAsync, "processRequest", _account.Id).AsTask());
        Assert.Equal(before, oauth.RefreshRequests);
        Assert.Contains(_world.Accounts.Logs.Lines, line => line.Contains("Too many consecutive auth failures, not retrying (consecutiveFailures: 3, maxAllowed: 3", StringComparison.Ordinal));
        Assert.Equal(3, Assert.Single(Tokens.GetStatuses()).Refresh.ConsecutiveFailures);

        oauth.FailRefreshesWith = null;
        var manual = await Tokens.RefreshAsync("work", RefreshTrigger.Manual, CancellationToken.None);
        Assert.True(manual.Succeeded, manual.Message);
        RevokeCurrentToken();
        _world.Accounts.Time.Advance(TimeSpan.FromSeconds(31));

        var used = await Manager.ExecuteAsync(CallClaudeAsync, "processRequest", _account.Id);
        Assert.Equal(_world.CurrentToken(_account.Id), used);
    }

    [Fact]
    public async Task A_stream_failing_before_its_first_item_is_retried_transparently()
    {
        var opened = 0;
        var before = oauth.RefreshRequests;
        var refused = TokenFingerprint.Of(_world.CurrentToken(_account.Id));

        async IAsyncEnumerable<int> Stream()
        {
            await Task.Yield();
            if (++opened == 1)
            {
                throw new RefusedException(refused);
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
            throw new RefusedException(null);
        }

        var items = new List<int>();
        await Assert.ThrowsAsync<RefusedException>(async () =>
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

        await Assert.ThrowsAsync<RefusedException>(() => Manager.ExecuteAsync<int>(
            _ => { attempts++; throw new RefusedException(null); }, "processRequest", accountId: null).AsTask());

        Assert.Equal(1, attempts);
        Assert.Equal(before, oauth.RefreshRequests);
    }

    /// <summary>The Claude API: the gateway's cached token, refused when the test revoked it.</summary>
    private async ValueTask<string> CallClaudeAsync(CancellationToken cancellationToken)
    {
        var credential = await _world.Service<UpstreamCredentials>().GetAsync(_account.Id, cancellationToken);
        return _revoked.ContainsKey(credential.AccessToken!) ? throw new RefusedException(credential.Fingerprint) : credential.AccessToken!;
    }

    private void RevokeCurrentToken() => _revoked[_world.CurrentToken(_account.Id)] = true;

    /// <summary>A 401 that names the refused token by its fingerprint, as the gateway's forwarder reports one.</summary>
    private sealed class RefusedException(string? fingerprint)
        : HttpRequestException("401", null, HttpStatusCode.Unauthorized), IRefusedCredential
    {
        public string? RefusedFingerprint { get; } = fingerprint;
    }
}
