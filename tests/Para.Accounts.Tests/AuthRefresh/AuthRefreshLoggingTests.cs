using System.Net;
using Microsoft.Extensions.Logging;
using Para.Accounts.Tokens;

namespace Para.Accounts.Tests.AuthRefresh;

public sealed class AuthRefreshLoggingTests : IDisposable
{
    private const string Category = "Para.Accounts.AuthRefresh";
    private readonly AuthRefreshHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    [Fact]
    public async Task A_recovered_call_logs_detection_success_and_retry_as_the_seed_shows()
    {
        var attempts = 0;
        await _harness.Manager.ExecuteAsync(_ => ++attempts == 1 ? throw Unauthorized() : ValueTask.FromResult(0), "processRequest", "acc-1", "abc123");

        Assert.Equal(
        [
            (LogLevel.Information, "Authentication error detected in processRequest for session abc123, attempting refresh (account: acc-1)"),
            (LogLevel.Information, "Claude Code authentication refresh successful (refreshCount: 1, timeTaken: 0ms, account: acc-1, strategy: refresh-token)"),
            (LogLevel.Information, "Authentication refreshed, retrying processRequest for session abc123 (account: acc-1)"),
        ],
        Lines(LogLevel.Information));
    }

    [Fact]
    public async Task Failed_refreshes_log_errors_the_failure_limit_a_warning_and_the_cooldown_at_debug()
    {
        _harness.Tokens.OnRefresh = (_, _) => Task.FromResult(TokenOperationResult.Failed("invalid_grant", shouldRetry: false));
        _harness.Tokens.OnReload = (_, _) => Task.FromResult(TokenOperationResult.Failed("no newer tokens", shouldRetry: false));

        await FailAsync("session-1");
        await FailAsync("session-2");
        _harness.Time.Advance(TimeSpan.FromSeconds(30));
        await FailAsync("session-3");
        _harness.Time.Advance(TimeSpan.FromSeconds(30));
        await FailAsync("session-4");
        _harness.Time.Advance(TimeSpan.FromSeconds(30));
        await FailAsync("session-5");

        var lines = _harness.Logs.From(Category).Select(line => (line.Level, line.Message)).ToList();
        Assert.Equal(3, lines.Count(line => line.Level == LogLevel.Error));
        Assert.Contains(lines, line => line == (LogLevel.Error,
            $"Claude Code authentication refresh failed (consecutiveFailures: 1, timeTaken: 0ms, account: acc-1): No refresh strategy succeeded (refresh-token: invalid_grant; store-reload: no newer tokens; credentials-file: No credentials file at '{_harness.CredentialsFilePath}'.)."));
        Assert.Contains(lines, line => line == (LogLevel.Debug,
            "Refresh cooldown active, not refreshing (lastRefresh: 2026-11-23T12:00:00.0000000+00:00, retryAfter: 30000ms, account: acc-1)"));
        Assert.Contains(lines, line => line == (LogLevel.Debug, "Refresh strategy refresh-token did not succeed (account: acc-1): invalid_grant"));
        Assert.Equal(
            (LogLevel.Warning, "Too many consecutive auth failures, not retrying (consecutiveFailures: 3, maxAllowed: 3, account: acc-1)"),
            Assert.Single(lines, line => line.Level == LogLevel.Warning));
        Assert.Contains(lines, line => line == (LogLevel.Information,
            "Authentication error detected in processRequest for session session-5, attempting refresh (account: acc-1)"));
    }

    private List<(LogLevel, string)> Lines(LogLevel level) =>
        [.. _harness.Logs.From(Category).Where(line => line.Level == level).Select(line => (line.Level, line.Message))];

    private async Task FailAsync(string session) =>
        await Assert.ThrowsAsync<HttpRequestException>(() =>
            _harness.Manager.ExecuteAsync<int>(_ => throw Unauthorized(), "processRequest", "acc-1", session).AsTask());

    private static HttpRequestException Unauthorized() => new("401", null, HttpStatusCode.Unauthorized);
}
