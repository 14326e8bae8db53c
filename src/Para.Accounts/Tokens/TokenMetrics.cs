using System.Diagnostics;
using System.Diagnostics.Metrics;
using Para.Accounts.Storage;

namespace Para.Accounts.Tokens;

/// <summary>
/// The refresh numbers as OpenTelemetry instruments on the <c>Para.Auth</c> meter: every refresh
/// that asked the provider, whatever triggered it, counted once.
/// </summary>
internal sealed class TokenMetrics
{
    public const string MeterName = "Para.Auth";

    private readonly Counter<long> _refreshes;
    private readonly Counter<long> _failures;
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _holderLooks;
    private readonly AccountStore _store;
    private readonly TimeProvider _timeProvider;

    public TokenMetrics(IMeterFactory meterFactory, AccountStore store, TimeProvider timeProvider)
    {
        _store = store;
        _timeProvider = timeProvider;
        Meter = meterFactory.Create(MeterName);
        _refreshes = Meter.CreateCounter<long>("para.auth.refresh.count", "{refresh}", "Authentication refresh attempts.");
        _failures = Meter.CreateCounter<long>("para.auth.refresh.failures", "{refresh}", "Authentication refresh attempts that failed.");
        _duration = Meter.CreateHistogram<double>("para.auth.refresh.duration", "ms", "Time one authentication refresh took.");
        _holderLooks = Meter.CreateCounter<long>("para.auth.holder_looks", "{look}",
            "Looks at the holders of a handed-out refresh token before a refresh: adopted, none, stale or deferred.");
        Meter.CreateObservableGauge("para.token.expires_in", ObserveExpiresIn, "s", "Seconds until each account's access token expires.");
    }

    public Meter Meter { get; }

    public void RecordRefresh(string trigger, bool success, string? failureReason, TimeSpan duration)
    {
        var tags = new TagList
        {
            { "para.auth.trigger", trigger },
            { "para.auth.outcome", success ? "success" : "failure" },
        };
        _refreshes.Add(1, tags);
        _duration.Record(duration.TotalMilliseconds, tags);
        if (!success)
        {
            _failures.Add(1, new TagList { { "para.auth.trigger", trigger }, { "para.auth.reason", failureReason ?? "failed" } });
        }
    }

    /// <summary>One look at the holders before a refresh; an adoption or a deferral is not a refresh attempt.</summary>
    public void RecordHolderLook(string trigger, string outcome) =>
        _holderLooks.Add(1, new TagList { { "para.auth.trigger", trigger }, { "para.auth.outcome", outcome } });

    private IEnumerable<Measurement<double>> ObserveExpiresIn()
    {
        var now = _timeProvider.GetUtcNow();
        foreach (var account in _store.List())
        {
            if (account.Tokens is { } tokens)
            {
                yield return new Measurement<double>(
                    (DateTimeOffset.FromUnixTimeMilliseconds(tokens.ExpiresAtMs) - now).TotalSeconds,
                    new KeyValuePair<string, object?>("para.account.id", account.Id),
                    new KeyValuePair<string, object?>("para.account.name", account.Name));
            }
        }
    }
}
