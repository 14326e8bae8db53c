using System.Net;
using System.Text.Json;
using Para.Accounts.Tokens;
using Para.Contracts.Credentials;

namespace Para.Accounts.Tests.AuthRefresh;

public sealed class AuthRefreshManagerTests : IDisposable
{
    private readonly AuthRefreshHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    private static HttpRequestException Unauthorized() => new("Response status code does not indicate success: 401 (Unauthorized).", null, HttpStatusCode.Unauthorized);

    [Fact]
    public async Task A_call_failing_with_401_is_refreshed_and_retried_transparently()
    {
        var attempts = 0;

        var answer = await _harness.Manager.ExecuteAsync(
            _ => ++attempts == 1 ? throw Unauthorized() : ValueTask.FromResult("pong"),
            "processRequest", "acc-1", "abc123");

        Assert.Equal("pong", answer);
        Assert.Equal(2, attempts);
        Assert.Equal(["refresh:acc-1"], _harness.Tokens.Calls);
        var status = _harness.Manager.Status;
        Assert.True(status.IsAuthenticated);
        Assert.Equal(1, status.RefreshCount);
        Assert.Equal(0, status.ConsecutiveFailures);
        Assert.Equal(AuthRefreshHarness.Start, status.LastRefresh);
    }

    [Fact]
    public async Task A_call_failing_for_another_reason_is_neither_refreshed_nor_retried()
    {
        var attempts = 0;

        await Assert.ThrowsAsync<HttpRequestException>(() => _harness.Manager.ExecuteAsync<int>(
            _ => { attempts++; throw new HttpRequestException("upstream", null, HttpStatusCode.BadGateway); },
            "processRequest", "acc-1", "abc123").AsTask());

        Assert.Equal(1, attempts);
        Assert.Empty(_harness.Tokens.Calls);
        Assert.Equal(0, _harness.Manager.Status.RefreshCount);
    }

    [Fact]
    public async Task A_call_that_fails_again_after_the_refresh_is_retried_only_once()
    {
        var attempts = 0;

        await Assert.ThrowsAsync<HttpRequestException>(() => _harness.Manager.ExecuteAsync<int>(
            _ => { attempts++; throw Unauthorized(); },
            "processRequest", "acc-1", "abc123").AsTask());

        Assert.Equal(2, attempts);
        Assert.Equal(["refresh:acc-1"], _harness.Tokens.Calls);
    }

    [Fact]
    public async Task Within_the_cooldown_a_new_failure_is_not_refreshed_until_the_cooldown_ends()
    {
        await FailOnceAsync();
        _harness.Time.Advance(TimeSpan.FromSeconds(29));

        // Started after the last refresh, so that refresh cannot help it: the error goes back.
        await Assert.ThrowsAsync<HttpRequestException>(() => AlwaysUnauthorizedAsync());
        Assert.Single(_harness.Tokens.Calls);

        _harness.Time.Advance(TimeSpan.FromSeconds(1));
        await FailOnceAsync();

        Assert.Equal(["refresh:acc-1", "refresh:acc-1"], _harness.Tokens.Calls);
        Assert.Equal(2, _harness.Manager.Status.RefreshCount);
    }

    [Fact]
    public async Task Calls_that_fail_together_share_one_refresh()
    {
        var refreshStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var releaseRefresh = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _harness.Tokens.OnRefresh = async (_, _) =>
        {
            refreshStarted.TrySetResult();
            await releaseRefresh.Task;
            return TokenOperationResult.Succeeded("Refreshed.");
        };
        var bothFailed = new CountdownEvent(2);
        var refreshed = false;

        ValueTask<int> Call() => _harness.Manager.ExecuteAsync(_ =>
        {
            if (Volatile.Read(ref refreshed))
            {
                return ValueTask.FromResult(1);
            }

            bothFailed.Signal();
            throw Unauthorized();
        }, "processRequest", "acc-1", "s");

        var first = Call().AsTask();
        var second = Call().AsTask();
        await refreshStarted.Task;
        Assert.True(bothFailed.Wait(TimeSpan.FromSeconds(10)));
        Volatile.Write(ref refreshed, true);
        releaseRefresh.SetResult();

        var results = await Task.WhenAll(first, second);
        Assert.Equal([1, 1], results);
        Assert.Equal(["refresh:acc-1"], _harness.Tokens.Calls);
    }

    [Fact]
    public async Task After_three_failed_refreshes_in_a_row_failures_are_no_longer_retried_until_a_manual_refresh_works()
    {
        _harness.Tokens.OnRefresh = (_, _) => Task.FromResult(TokenOperationResult.Failed("invalid_grant", shouldRetry: false));
        for (var i = 0; i < 3; i++)
        {
            await Assert.ThrowsAsync<HttpRequestException>(() => AlwaysUnauthorizedAsync());
            _harness.Time.Advance(TimeSpan.FromSeconds(30));
        }

        Assert.Equal(3, _harness.Manager.Status.ConsecutiveFailures);
        Assert.False(_harness.Manager.Status.IsAuthenticated);
        var refreshesSoFar = _harness.Tokens.Calls.Count(call => call.StartsWith("refresh", StringComparison.Ordinal));

        await Assert.ThrowsAsync<HttpRequestException>(() => AlwaysUnauthorizedAsync());
        Assert.Equal(refreshesSoFar, _harness.Tokens.Calls.Count(call => call.StartsWith("refresh", StringComparison.Ordinal)));

        _harness.Tokens.OnRefresh = (_, _) => Task.FromResult(TokenOperationResult.Succeeded("Re-authenticated."));
        var manual = await _harness.Manager.RefreshAsync("acc-1", CancellationToken.None);
        Assert.True(manual.Result!.Success);
        Assert.Equal(0, _harness.Manager.Status.ConsecutiveFailures);

        _harness.Time.Advance(TimeSpan.FromSeconds(30));
        await FailOnceAsync();
        Assert.Equal(5, _harness.Manager.Status.RefreshCount);
    }

    [Fact]
    public async Task Strategies_run_in_order_and_the_first_success_ends_the_refresh()
    {
        await FailOnceAsync();

        Assert.Equal(["refresh:acc-1"], _harness.Tokens.Calls);
    }

    [Fact]
    public async Task A_failed_refresh_falls_through_to_the_store_then_to_the_credentials_file()
    {
        _harness.Tokens.OnRefresh = (_, _) => Task.FromResult(TokenOperationResult.Failed("invalid_grant", shouldRetry: false));
        _harness.Tokens.OnImport = (_, _, _) => Task.FromResult(TokenOperationResult.Succeeded("Imported newer tokens."));
        await WriteCredentialsFileAsync("file-access-secret", "file-refresh-secret");

        await FailOnceAsync();

        Assert.Equal(["refresh:acc-1", "reload:acc-1", "import:acc-1"], _harness.Tokens.Calls);
        Assert.Equal("file-refresh-secret", Assert.Single(_harness.Tokens.Imported).RefreshToken);
        Assert.DoesNotContain(_harness.Logs.Lines, line => line.Message.Contains("secret", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_store_reload_is_used_when_another_process_already_refreshed()
    {
        _harness.Tokens.OnRefresh = (_, _) => Task.FromResult(TokenOperationResult.Failed("invalid_grant", shouldRetry: false));
        _harness.Tokens.OnReload = (_, _) => Task.FromResult(TokenOperationResult.Succeeded("Newer tokens in the store."));

        await FailOnceAsync();

        Assert.Equal(["refresh:acc-1", "reload:acc-1"], _harness.Tokens.Calls);
    }

    [Fact]
    public async Task The_credentials_file_is_not_offered_when_it_is_unclear_which_account_it_belongs_to()
    {
        _harness.Tokens.Accounts.Add(FakeAccountTokenService.Account("acc-2", "personal", AuthRefreshHarness.Start.AddHours(2)));
        _harness.Tokens.OnRefresh = (_, _) => Task.FromResult(TokenOperationResult.Failed("invalid_grant", shouldRetry: false));
        await WriteCredentialsFileAsync("a", "r");

        await Assert.ThrowsAsync<HttpRequestException>(() => AlwaysUnauthorizedAsync());

        Assert.Equal(["refresh:acc-1", "reload:acc-1"], _harness.Tokens.Calls);
        Assert.Equal(1, _harness.Manager.Status.ConsecutiveFailures);
    }

    [Fact]
    public async Task A_refresh_that_hangs_is_given_up_after_the_refresh_timeout()
    {
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var strategyCancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _harness.Tokens.OnRefresh = async (_, token) =>
        {
            entered.SetResult();
            try
            {
                await Task.Delay(Timeout.Infinite, token);
            }
            catch (OperationCanceledException)
            {
                strategyCancelled.SetResult();
                throw;
            }

            return TokenOperationResult.Succeeded("too late");
        };

        var call = AlwaysUnauthorizedAsync();
        await entered.Task;
        _harness.Time.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromMilliseconds(1));
        Assert.False(call.IsCompleted);
        _harness.Time.Advance(TimeSpan.FromMilliseconds(1));

        await Assert.ThrowsAsync<HttpRequestException>(() => call);
        await strategyCancelled.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(1, _harness.Manager.Status.ConsecutiveFailures);
        Assert.Contains(_harness.Logs.Lines, line => line.Message.Contains("did not finish within 00:05:00", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_stream_failing_before_its_first_item_is_retried_transparently()
    {
        var opened = 0;

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
        await foreach (var item in _harness.Manager.ExecuteStreamAsync(_ => Stream(), "processStreamRequest", "acc-1", "abc123"))
        {
            items.Add(item);
        }

        Assert.Equal([1, 2, 3], items);
        Assert.Equal(2, opened);
        Assert.Equal(["refresh:acc-1"], _harness.Tokens.Calls);
    }

    [Fact]
    public async Task A_stream_failing_after_its_first_item_passes_the_error_on_without_a_retry()
    {
        var opened = 0;

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
            await foreach (var item in _harness.Manager.ExecuteStreamAsync(_ => Stream(), "processStreamRequest", "acc-1", "abc123"))
            {
                items.Add(item);
            }
        });

        Assert.Equal([1], items);
        Assert.Equal(1, opened);
        Assert.Empty(_harness.Tokens.Calls);
    }

    [Fact]
    public async Task A_call_without_an_account_refreshes_every_account()
    {
        _harness.Tokens.Accounts.Add(FakeAccountTokenService.Account("acc-2", "personal", AuthRefreshHarness.Start.AddHours(2)));

        var attempts = 0;
        await _harness.Manager.ExecuteAsync(_ => ++attempts == 1 ? throw Unauthorized() : ValueTask.FromResult(0), "processRequest", accountId: null, sessionId: null);

        Assert.Equal(["refresh:acc-1", "refresh:acc-2"], _harness.Tokens.Calls);
    }

    [Fact]
    public async Task A_manual_refresh_while_a_refresh_is_running_is_refused_instead_of_queued()
    {
        var release = new TaskCompletionSource<TokenOperationResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        _harness.Tokens.OnRefresh = (_, _) => release.Task;
        var automatic = FailOnceAsync();

        var manual = await _harness.Manager.RefreshAsync("acc-1", CancellationToken.None);
        release.SetResult(TokenOperationResult.Succeeded("Refreshed."));
        await automatic;

        Assert.Null(manual.Result);
        Assert.Equal(AuthRefreshHarness.Start.AddSeconds(30), manual.RetryAt);
        Assert.Equal(["refresh:acc-1"], _harness.Tokens.Calls);
    }

    private async Task FailOnceAsync()
    {
        var attempts = 0;
        await _harness.Manager.ExecuteAsync(_ => ++attempts == 1 ? throw Unauthorized() : ValueTask.FromResult(0), "processRequest", "acc-1", "abc123");
        Assert.Equal(2, attempts);
    }

    private Task<int> AlwaysUnauthorizedAsync() =>
        _harness.Manager.ExecuteAsync<int>(_ => throw Unauthorized(), "processRequest", "acc-1", "abc123").AsTask();

    private async Task WriteCredentialsFileAsync(string accessToken, string refreshToken)
    {
        var file = new ClaudeCredentialsFile(new ClaudeAiOauth(accessToken, refreshToken, AuthRefreshHarness.Start.AddHours(8).ToUnixTimeMilliseconds(), ["user:inference"], "max"));
        await File.WriteAllTextAsync(_harness.CredentialsFilePath, JsonSerializer.Serialize(file));
    }
}
