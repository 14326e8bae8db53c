using System.Collections.Concurrent;
using System.Threading.Channels;
using Para.Client;
using Para.Contracts.Gateway;

namespace Para.Gateway.Limits;

/// <summary>
/// Tells the account API whether the provider accepts an account's token, so that its
/// <c>/health/auth</c> says so. Only a change is sent (another token, or accepted turned refused
/// and back), not every request; a usage poll sends its verdict anyway, at most once a poll, which
/// also tells an account API that restarted and forgot. Sending happens in the background: a
/// forwarded request never waits for it, and a failed send is logged and tried again on the next
/// verdict.
/// </summary>
internal sealed partial class ProviderVerdictReporter(IAccountsApi accounts, TimeProvider timeProvider, ILogger<ProviderVerdictReporter> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<string, Verdict> _reported = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ProviderVerdictReport> _pending = new(StringComparer.Ordinal);
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private long _sent;

    /// <summary>How many verdicts the account API took; tests wait on it.</summary>
    public long Sent => Interlocked.Read(ref _sent);

    /// <summary>The provider accepted or refused the token with <paramref name="fingerprint"/>; <paramref name="evenIfUnchanged"/> for a usage poll.</summary>
    public void Observe(string accountId, string fingerprint, bool accepted, bool evenIfUnchanged = false)
    {
        var verdict = new Verdict(fingerprint, accepted);
        while (true)
        {
            if (_reported.TryGetValue(accountId, out var last))
            {
                if (last == verdict && !evenIfUnchanged)
                {
                    return;
                }

                if (_reported.TryUpdate(accountId, verdict, last))
                {
                    break;
                }
            }
            else if (_reported.TryAdd(accountId, verdict))
            {
                break;
            }
        }

        // Only the newest verdict per account waits: an older one that was not sent yet says nothing more.
        _pending[accountId] = new ProviderVerdictReport(fingerprint, accepted, timeProvider.GetUtcNow());
        _wake.Writer.TryWrite(true);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await _wake.Reader.ReadAsync(stoppingToken))
            {
                foreach (var accountId in _pending.Keys)
                {
                    if (_pending.TryRemove(accountId, out var report))
                    {
                        await SendAsync(accountId, report, stoppingToken);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task SendAsync(string accountId, ProviderVerdictReport report, CancellationToken cancellationToken)
    {
        try
        {
            var answer = await accounts.ReportProviderVerdictAsync(accountId, report, cancellationToken);
            Interlocked.Increment(ref _sent);
            if (!answer.AboutCurrentToken)
            {
                // The account has another token by now; its own verdict follows when the provider answers for it.
                LogNotCurrent(logger, accountId, report.Fingerprint);
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogNotSent(logger, accountId, exception.GetType().Name);
            // Forgotten, so the next answer for this token sends it again instead of counting as unchanged.
            _reported.TryRemove(new KeyValuePair<string, Verdict>(accountId, new Verdict(report.Fingerprint, report.Accepted!.Value)));
        }
    }

    private sealed record Verdict(string Fingerprint, bool Accepted);

    [LoggerMessage(Level = LogLevel.Information, Message = "The provider's verdict on account {AccountId}'s token could not be sent to the account API ({ExceptionType}); sent again with the next verdict")]
    private static partial void LogNotSent(ILogger logger, string accountId, string exceptionType);

    [LoggerMessage(Level = LogLevel.Debug, Message = "The provider's verdict on account {AccountId}'s token {Fingerprint} came after the token changed; the account API dropped it")]
    private static partial void LogNotCurrent(ILogger logger, string accountId, string fingerprint);
}
