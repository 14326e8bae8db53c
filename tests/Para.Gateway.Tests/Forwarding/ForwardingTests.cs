extern alias gateway;

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Para.Accounts.Tests.Infrastructure;
using Para.Contracts.Accounts;
using Para.Gateway.Tests.Infrastructure;
using UpstreamCredentials = gateway::Para.Gateway.Tokens.UpstreamCredentials;

namespace Para.Gateway.Tests.Forwarding;

/// <summary>
/// The gateway between a client and the provider, all real: the OAuth server, the account API,
/// the test upstream that accepts only current tokens, and the gateway on Kestrel.
/// </summary>
public sealed class ForwardingTests(OAuthServerFixture oauth) : IClassFixture<OAuthServerFixture>, IAsyncLifetime
{
    private GatewayWorld _world = null!;

    public async Task InitializeAsync()
    {
        oauth.FailRefreshesWith = null;
        _world = await GatewayWorld.StartAsync(oauth);
    }

    public async Task DisposeAsync()
    {
        oauth.FailRefreshesWith = null;
        await _world.DisposeAsync();
    }

    [Fact]
    public async Task A_request_goes_upstream_on_the_accounts_token_with_the_oauth_beta_added_and_the_clients_headers_kept()
    {
        var account = await _world.SignInAsync("work");
        var key = await _world.AddKeyAsync("laptop");

        using var response = await _world.SendMessageAsync(key);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(FakeUpstream.OutputTokens, answer.RootElement.GetProperty("usage").GetProperty("output_tokens").GetInt32());
        var seen = Assert.Single(_world.Upstream.Seen);
        Assert.Equal(_world.CurrentToken(account.Id), seen.Credential);
        Assert.Equal("Bearer " + _world.CurrentToken(account.Id), seen.Headers["Authorization"]);
        Assert.Equal("claude-code-20250219,fine-grained-tool-streaming-2025-05-14,oauth-2025-04-20", seen.Headers["anthropic-beta"]);
        Assert.Equal("2023-06-01", seen.Headers["anthropic-version"]);
        Assert.Equal("allowed", response.Headers.GetValues("anthropic-ratelimit-unified-status").Single());
        AssertNothingSecretLeaked(key);
    }

    [Fact]
    public async Task A_conversation_larger_than_paras_own_json_limit_goes_through()
    {
        await _world.SignInAsync("work");
        var key = await _world.AddKeyAsync("laptop");
        var longText = new string('x', 512 * 1024);

        using var response = await _world.SendMessageAsync(key, configure: request => request.Content = new StringContent(
            $$"""{"model":"claude-sonnet-4-5","max_tokens":64,"messages":[{"role":"user","content":"{{longText}}"}]}""",
            System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(_world.Upstream.Seen);
    }

    [Fact]
    public async Task A_console_account_sends_its_api_key_as_x_api_key_and_leaves_the_clients_beta_list_alone()
    {
        var account = await _world.SignInConsoleAsync("org");
        var key = await _world.AddKeyAsync("laptop");

        using var response = await _world.SendMessageAsync(key);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var seen = Assert.Single(_world.Upstream.Seen);
        var apiKey = _world.Accounts.Store.Find(account.Id)!.ApiKey!;
        Assert.Equal(apiKey, seen.Headers["x-api-key"]);
        Assert.False(seen.Headers.ContainsKey("Authorization"));
        Assert.Equal("claude-code-20250219,fine-grained-tool-streaming-2025-05-14", seen.Headers["anthropic-beta"]);
        AssertNothingSecretLeaked(key);
        Assert.DoesNotContain(apiKey, _world.Gateway.Logs.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_client_that_sends_the_oauth_beta_itself_keeps_its_list_as_it_is()
    {
        await _world.SignInAsync("work");
        var key = await _world.AddKeyAsync("laptop");

        using var response = await _world.SendMessageAsync(key, configure: request =>
        {
            request.Headers.Remove("anthropic-beta");
            request.Headers.TryAddWithoutValidation("anthropic-beta", "oauth-2025-04-20,claude-code-20250219");
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("oauth-2025-04-20,claude-code-20250219", Assert.Single(_world.Upstream.Seen).Headers["anthropic-beta"]);
    }

    [Fact]
    public async Task A_stream_reaches_the_client_event_by_event_while_the_upstream_is_still_writing()
    {
        await _world.SignInAsync("work");
        var key = await _world.AddKeyAsync("laptop");
        var hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _world.Upstream.HoldStreamAfterFirstEvent = hold;

        using var response = await _world.SendMessageAsync(key, stream: true);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        await using var body = await response.Content.ReadAsStreamAsync();
        using var reader = new StreamReader(body);

        // The upstream holds after message_start: the client can read it only if nothing buffers.
        var first = await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("event: message_start", first);
        Assert.False(hold.Task.IsCompleted);
        hold.SetResult();
        var rest = await reader.ReadToEndAsync();
        Assert.Contains("event: message_stop", rest, StringComparison.Ordinal);
        Assert.Contains("stream.", rest, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Requests_without_a_key_or_with_an_unknown_key_are_refused_as_problems_and_never_reach_the_upstream()
    {
        await _world.SignInAsync("work");

        using var none = await _world.SendMessageAsync(key: null);
        using var unknown = await _world.SendMessageAsync("para-gw-not-a-key");
        using var admin = await _world.SendMessageAsync(AccountsApiFactory.AdminKey);

        foreach (var response in new[] { none, unknown, admin })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

        Assert.Empty(_world.Upstream.Seen);
    }

    [Fact]
    public async Task A_revoked_key_is_refused_moments_after_the_revocation()
    {
        await _world.SignInAsync("work");
        var key = await _world.AddKeyAsync("laptop");
        using (var before = await _world.SendMessageAsync(key))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        using var admin = _world.Accounts.CreateAdminClient();
        (await admin.DeleteAsync(new Uri("/api/gateway-keys/laptop", UriKind.Relative))).EnsureSuccessStatusCode();

        // The valid answer is cached for 30 s; the revocation event must end it long before that.
        var refused = false;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (!refused && DateTime.UtcNow < deadline)
        {
            using var response = await _world.SendMessageAsync(key);
            refused = response.StatusCode == HttpStatusCode.Unauthorized;
        }

        Assert.True(refused, "The revoked key was still accepted 5 s after its revocation.");
    }

    [Fact]
    public async Task The_upstream_never_sees_the_gateway_key_or_the_clients_own_credentials()
    {
        var account = await _world.SignInAsync("work");
        var key = await _world.AddKeyAsync("laptop");

        using var response = await _world.SendMessageAsync(key: null, configure: request =>
        {
            request.Headers.TryAddWithoutValidation("x-api-key", key);
            request.Headers.TryAddWithoutValidation("Cookie", "session=client-cookie");
            request.Headers.TryAddWithoutValidation("Proxy-Authorization", "Basic Y2xpZW50OnNlY3JldA==");
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var seen = Assert.Single(_world.Upstream.Seen);
        Assert.False(seen.Headers.ContainsKey("x-api-key"));
        Assert.False(seen.Headers.ContainsKey("Cookie"));
        Assert.False(seen.Headers.ContainsKey("Proxy-Authorization"));
        Assert.Equal("Bearer " + _world.CurrentToken(account.Id), seen.Headers["Authorization"]);
        AssertNothingSecretLeaked(key);
    }

    [Fact]
    public async Task A_401_is_refreshed_through_the_account_api_and_the_request_sent_once_more_transparently()
    {
        var account = await _world.SignInAsync("work");
        var key = await _world.AddKeyAsync("laptop");
        var before = oauth.RefreshRequests;
        var old = _world.CurrentToken(account.Id);
        _world.Upstream.Revoked[old] = true;

        using var response = await _world.SendMessageAsync(key, session: "abc123");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, oauth.RefreshRequests - before);
        var fresh = _world.CurrentToken(account.Id);
        Assert.NotEqual(old, fresh);
        Assert.Equal([(old, 401), (fresh, 200)], _world.Upstream.Seen.Select(seen => (seen.Credential, seen.Status)));
        var lines = _world.Gateway.Logs.Lines;
        Assert.Contains(lines, line => line.Contains($"Authentication error detected in forwardRequest for session session:abc123, attempting refresh (account: {account.Id})", StringComparison.Ordinal));
        Assert.Contains(lines, line => line.Contains($"Authentication refreshed, retrying forwardRequest for session session:abc123 (account: {account.Id})", StringComparison.Ordinal));
        Assert.Contains(_world.Accounts.Logs.Lines, line => line.Contains("Claude Code authentication refresh successful (refreshCount: 1", StringComparison.Ordinal));
        AssertNothingSecretLeaked(key);
    }

    [Fact]
    public async Task A_stream_refused_with_401_before_its_first_byte_is_refreshed_and_streamed_on_the_new_token()
    {
        var account = await _world.SignInAsync("work");
        var key = await _world.AddKeyAsync("laptop");
        var old = _world.CurrentToken(account.Id);
        _world.Upstream.Revoked[old] = true;

        using var response = await _world.SendMessageAsync(key, stream: true);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.StartsWith("event: message_start", body, StringComparison.Ordinal);
        Assert.DoesNotContain("authentication_error", body, StringComparison.Ordinal);
        Assert.Equal([401, 200], _world.Upstream.Seen.Select(seen => seen.Status));
    }

    [Fact]
    public async Task A_second_refusal_after_the_refresh_goes_to_the_client_as_the_provider_sent_it_and_is_not_retried_again()
    {
        await _world.SignInAsync("work");
        var key = await _world.AddKeyAsync("laptop");
        var before = oauth.RefreshRequests;
        _world.Upstream.IsCurrent = _ => false;

        using var response = await _world.SendMessageAsync(key);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("authentication_error", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(2, _world.Upstream.Seen.Count);
        Assert.Equal(1, oauth.RefreshRequests - before);
    }

    [Fact]
    public async Task A_429_rests_the_account_until_its_reset_and_the_request_moves_to_the_next_account()
    {
        var first = await _world.SignInAsync("first", priority: 0);
        var second = await _world.SignInAsync("second", priority: 1);
        var key = await _world.AddKeyAsync("laptop");
        var reset = DateTimeOffset.UtcNow.AddHours(1);
        _world.Upstream.Plan(_world.CurrentToken(first.Id), 429, new Dictionary<string, string>
        {
            ["anthropic-ratelimit-unified-status"] = "rejected",
            ["anthropic-ratelimit-unified-reset"] = reset.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
        });

        using var response = await _world.SendMessageAsync(key, session: "one");
        using var next = await _world.SendMessageAsync(key, session: "two");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        Assert.Equal(
            [(_world.CurrentToken(first.Id), 429), (_world.CurrentToken(second.Id), 200), (_world.CurrentToken(second.Id), 200)],
            _world.Upstream.Seen.Select(seen => (seen.Credential, seen.Status)));
        var status = await GatewayStatusAsync();
        var resting = Assert.Single(status.Resting);
        Assert.Equal(first.Id, resting.AccountId);
        Assert.Equal(reset.ToUnixTimeSeconds(), resting.Until.ToUnixTimeSeconds());
        Assert.Equal(1, status.Failovers);
    }

    [Fact]
    public async Task A_429_without_rate_limit_headers_rests_the_account_briefly_not_for_hours()
    {
        var first = await _world.SignInAsync("first", priority: 0);
        await _world.SignInAsync("second", priority: 1);
        var key = await _world.AddKeyAsync("laptop");
        _world.Upstream.Plan(_world.CurrentToken(first.Id), 429);

        using var response = await _world.SendMessageAsync(key);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var until = Assert.Single((await GatewayStatusAsync()).Resting).Until;
        Assert.InRange(until - DateTimeOffset.UtcNow, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(61));
    }

    [Fact]
    public async Task When_every_account_rests_the_client_gets_429_with_retry_after_of_the_soonest_reset()
    {
        var first = await _world.SignInAsync("first", priority: 0);
        var second = await _world.SignInAsync("second", priority: 1);
        var key = await _world.AddKeyAsync("laptop");
        var now = DateTimeOffset.UtcNow;
        _world.Upstream.Plan(_world.CurrentToken(first.Id), 429, new Dictionary<string, string> { ["anthropic-ratelimit-unified-reset"] = now.AddHours(2).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture) });
        _world.Upstream.Plan(_world.CurrentToken(second.Id), 429, new Dictionary<string, string> { ["anthropic-ratelimit-unified-reset"] = now.AddHours(1).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture) });

        using var response = await _world.SendMessageAsync(key);

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var retryAfter = response.Headers.RetryAfter?.Delta ?? TimeSpan.Zero;
        Assert.InRange(retryAfter, TimeSpan.FromMinutes(58), TimeSpan.FromMinutes(61));
        Assert.Equal(2, _world.Upstream.Seen.Count);
    }

    [Fact]
    public async Task Paused_accounts_and_accounts_that_must_sign_in_again_are_skipped()
    {
        var paused = await _world.SignInAsync("paused", priority: 0);
        var revoked = await _world.SignInAsync("revoked", priority: 1);
        var serving = await _world.SignInAsync("serving", priority: 2);
        var key = await _world.AddKeyAsync("laptop");
        await _world.UpdateAsync("paused", new UpdateAccountRequest(Paused: true));
        // Someone else used the refresh token: the next refresh is refused and the account must sign in again.
        Assert.Equal(HttpStatusCode.OK, (await oauth.RedeemRefreshTokenAsync(_world.Accounts.Store.Find(revoked.Id)!.Tokens!.RefreshToken)).Status);
        using (var admin = _world.Accounts.CreateAdminClient())
        {
            using var refresh = await admin.PostAsync(new Uri("/health/auth/refresh?account=revoked", UriKind.Relative), null);
        }

        Assert.True(_world.Accounts.Store.Find(revoked.Id)!.RequiresReauth);

        using var response = await _world.SendMessageAsync(key);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([_world.CurrentToken(serving.Id)], _world.Upstream.Seen.Select(seen => seen.Credential));
        Assert.DoesNotContain(_world.Upstream.Seen, seen => seen.Credential == _world.CurrentToken(paused.Id));
    }

    [Fact]
    public async Task With_no_usable_account_the_client_gets_503_as_a_problem()
    {
        await _world.SignInAsync("paused");
        var key = await _world.AddKeyAsync("laptop");
        await _world.UpdateAsync("paused", new UpdateAccountRequest(Paused: true));

        using var response = await _world.SendMessageAsync(key);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Empty(_world.Upstream.Seen);
    }

    [Fact]
    public async Task A_reload_drops_the_gateways_cached_token_so_the_next_request_uses_the_new_one_without_a_refusal()
    {
        var account = await _world.SignInAsync("work");
        var key = await _world.AddKeyAsync("laptop");
        using (var first = await _world.SendMessageAsync(key))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        // New tokens land in the store behind the gateway's back (as a restore from a backup would): only a reload tells.
        var stored = _world.Accounts.Store.Find(account.Id)!.Tokens!;
        var (status, body) = await oauth.RedeemRefreshTokenAsync(stored.RefreshToken);
        Assert.Equal(HttpStatusCode.OK, status);
        using var issued = JsonDocument.Parse(body);
        var newAccess = issued.RootElement.GetProperty("access_token").GetString()!;
        Assert.Equal(
            Para.Accounts.Storage.TokenWriteOutcome.Written,
            _world.Accounts.Store.CompareAndSetTokens(account.Id, stored.RefreshToken, new Para.Accounts.Storage.OAuthTokens
            {
                AccessToken = newAccess,
                RefreshToken = issued.RootElement.GetProperty("refresh_token").GetString()!,
                ExpiresAtMs = stored.ExpiresAtMs,
                IssuedAtMs = stored.IssuedAtMs,
            }, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
        var credentials = _world.Service<UpstreamCredentials>();
        var dropped = credentials.Invalidations;
        var refreshesBefore = oauth.RefreshRequests;

        using (var admin = _world.Accounts.CreateAdminClient())
        {
            (await admin.PostAsync(new Uri("/api/accounts/work/reload", UriKind.Relative), null)).EnsureSuccessStatusCode();
        }

        await _world.WaitUntilAsync(() => credentials.Invalidations > dropped, "the gateway to drop the reloaded account's token");
        using var second = await _world.SendMessageAsync(key);

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(newAccess, _world.Upstream.Seen.Last().Credential);
        Assert.All(_world.Upstream.Seen, seen => Assert.Equal(200, seen.Status));
        Assert.Equal(refreshesBefore, oauth.RefreshRequests);
    }

    [Fact]
    public async Task A_session_keeps_its_account_when_priorities_change_while_a_new_session_gets_the_new_first()
    {
        var first = await _world.SignInAsync("first", priority: 0);
        var second = await _world.SignInAsync("second", priority: 1);
        var key = await _world.AddKeyAsync("laptop");
        using (var start = await _world.SendMessageAsync(key, session: "long-running"))
        {
            Assert.Equal(HttpStatusCode.OK, start.StatusCode);
        }

        await _world.UpdateAsync("first", new UpdateAccountRequest(Priority: 5));
        // The account list is dropped on the update event: a new session sees the change moments later.
        string? newSessionToken = null;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        var attempt = 0;
        while (newSessionToken != _world.CurrentToken(second.Id) && DateTime.UtcNow < deadline)
        {
            using var fresh = await _world.SendMessageAsync(key, session: $"new-{attempt++}");
            newSessionToken = _world.Upstream.Seen.Last().Credential;
        }

        using var again = await _world.SendMessageAsync(key, session: "long-running");

        Assert.Equal(_world.CurrentToken(second.Id), newSessionToken);
        Assert.Equal(_world.CurrentToken(first.Id), _world.Upstream.Seen.Last().Credential);
    }

    [Fact]
    public async Task Each_request_is_recorded_in_the_accounts_history_with_model_usage_and_client_key_but_no_secret()
    {
        var account = await _world.SignInAsync("work");
        var key = await _world.AddKeyAsync("laptop");
        using (var plain = await _world.SendMessageAsync(key, model: "claude-plain"))
        {
            Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
        }

        using (var stream = await _world.SendMessageAsync(key, stream: true, model: "claude-streamed"))
        {
            await stream.Content.ReadAsStringAsync();
        }

        await _world.WaitUntilAsync(() => _world.Upstream.Seen.Count == 2, "both requests");
        Assert.True(await _world.Service<gateway::Para.Gateway.Requests.RequestRecorder>().FlushAsync(CancellationToken.None));

        using var admin = _world.Accounts.CreateAdminClient();
        var json = await admin.GetStringAsync(new Uri("/api/accounts/work/requests", UriKind.Relative));
        var history = JsonSerializer.Deserialize<List<Para.Contracts.Gateway.RequestHistoryEntry>>(json, JsonSerializerOptions.Web)!;
        Assert.Equal(["claude-streamed", "claude-plain"], history.Select(entry => entry.Model));
        Assert.All(history, entry =>
        {
            Assert.Equal("/v1/messages", entry.Path);
            Assert.Equal(200, entry.StatusCode);
            Assert.Equal(FakeUpstream.InputTokens, entry.InputTokens);
            Assert.Equal(FakeUpstream.OutputTokens, entry.OutputTokens);
            Assert.Equal("laptop", entry.ClientKey);
            Assert.False(entry.Retried);
        });
        Assert.DoesNotContain(_world.CurrentToken(account.Id), json, StringComparison.Ordinal);
        Assert.DoesNotContain(key, json, StringComparison.Ordinal);
        var view = await admin.GetFromJsonAsync<AccountView>(new Uri("/api/accounts/work", UriKind.Relative));
        Assert.Equal(2, view!.Usage.RequestCount);
        Assert.Equal(2 * FakeUpstream.OutputTokens, view.Usage.OutputTokens);
        Assert.Equal(2, view.RequestHistoryCount);
    }

    private async Task<Para.Contracts.Gateway.GatewayStatus> GatewayStatusAsync()
    {
        using var client = new HttpClient { BaseAddress = _world.GatewayAddress };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", AccountsApiFactory.AdminKey);
        return (await client.GetFromJsonAsync<Para.Contracts.Gateway.GatewayStatus>(new Uri("/api/gateway/status", UriKind.Relative)))!;
    }

    /// <summary>No token the upstream saw and no gateway key in the gateway's logs, and no gateway key upstream.</summary>
    private void AssertNothingSecretLeaked(string key)
    {
        var logs = _world.Gateway.Logs.All;
        Assert.DoesNotContain(key, logs, StringComparison.Ordinal);
        foreach (var seen in _world.Upstream.Seen)
        {
            if (seen.Credential is { } credential)
            {
                Assert.DoesNotContain(credential, logs, StringComparison.Ordinal);
            }

            Assert.All(seen.Headers.Values, value => Assert.DoesNotContain(key, value, StringComparison.Ordinal));
        }
    }
}
