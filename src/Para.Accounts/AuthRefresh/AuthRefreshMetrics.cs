using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Para.Accounts.AuthRefresh;

/// <summary>The refresh system's numbers as OpenTelemetry instruments on the <c>Para.Auth</c> meter.</summary>
internal sealed class AuthRefreshMetrics
{
    public const string MeterName = "Para.Auth";

    private readonly Counter<long> _refreshes;
    private readonly Counter<long> _failures;
    private readonly Histogram<double> _duration;
    private readonly AccountStatusCache _statuses;
    private readonly TimeProvider _timeProvider;

    public AuthRefreshMetrics(IMeterFactory meterFactory, AccountStatusCache statuses, TimeProvider timeProvider)
    {
        _statuses = statuses;
        _timeProvider = timeProvider;
        Meter = meterFactory.Create(MeterName);
        _refreshes = Meter.CreateCounter<long>("para.auth.refresh.count", "{refresh}", "Authentication refresh attempts.");
        _failures = Meter.CreateCounter<long>("para.auth.refresh.failures", "{refresh}", "Authentication refresh attempts that failed.");
        _duration = Meter.CreateHistogram<double>("para.auth.refresh.duration", "ms", "Time one authentication refresh took.");
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

    private IEnumerable<Measurement<double>> ObserveExpiresIn()
    {
        var now = _timeProvider.GetUtcNow();
        foreach (var status in _statuses.LatestRefreshingIfStale())
        {
            if (status.ExpiresAt is { } expiresAt)
            {
                yield return new Measurement<double>(
                    (expiresAt - now).TotalSeconds,
                    new KeyValuePair<string, object?>("para.account.id", status.AccountId),
                    new KeyValuePair<string, object?>("para.account.name", status.Name));
            }
        }
    }
}
