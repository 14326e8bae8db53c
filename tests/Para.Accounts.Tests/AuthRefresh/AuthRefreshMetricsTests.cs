using System.Diagnostics.Metrics;
using System.Net;
using Para.Accounts.Tokens;

namespace Para.Accounts.Tests.AuthRefresh;

public sealed class AuthRefreshMetricsTests : IDisposable
{
    private readonly AuthRefreshHarness _harness = new();
    private readonly MeterListener _listener = new();
    private readonly List<(string Instrument, double Value, Dictionary<string, object?> Tags)> _measurements = [];

    public AuthRefreshMetricsTests()
    {
        var meter = _harness.Metrics.Meter;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter, meter))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.Start();
    }

    public void Dispose()
    {
        _listener.Dispose();
        _harness.Dispose();
    }

    [Fact]
    public async Task Refreshes_count_their_failures_and_durations_on_the_para_auth_meter()
    {
        Assert.Equal("Para.Auth", _harness.Metrics.Meter.Name);
        _harness.Tokens.OnRefresh = async (_, _) =>
        {
            await Task.Yield();
            _harness.Time.Advance(TimeSpan.FromMilliseconds(1250));
            return TokenOperationResult.Succeeded("Refreshed.");
        };
        await RecoverAsync();
        _harness.Time.Advance(TimeSpan.FromSeconds(30));
        _harness.Tokens.OnRefresh = (_, _) => Task.FromResult(TokenOperationResult.Failed("invalid_grant", shouldRetry: false));
        await Assert.ThrowsAsync<HttpRequestException>(() =>
            _harness.Manager.ExecuteAsync<int>(_ => throw Unauthorized(), "processRequest", "acc-1", "s").AsTask());

        var counts = Measured("para.auth.refresh.count");
        Assert.Equal(2, counts.Count);
        Assert.Equal(["success", "failure"], counts.Select(m => (string)m.Tags["para.auth.outcome"]!));
        var failure = Assert.Single(Measured("para.auth.refresh.failures"));
        Assert.Equal("failed", failure.Tags["para.auth.reason"]);
        Assert.Equal([1250d, 0d], Measured("para.auth.refresh.duration").Select(m => m.Value));
    }

    [Fact]
    public async Task Token_expiry_is_a_gauge_per_account_read_from_the_cached_statuses()
    {
        _harness.Tokens.Accounts.Add(FakeAccountTokenService.Account("acc-2", "personal", AuthRefreshHarness.Start.AddMinutes(10)));

        // First observation finds no cached statuses and must not wait for them; it starts a read.
        _listener.RecordObservableInstruments();
        Assert.Empty(Measured("para.token.expires_in"));

        await WaitForCachedStatusesAsync();
        _harness.Time.Advance(TimeSpan.FromSeconds(10));
        _listener.RecordObservableInstruments();

        var gauge = Measured("para.token.expires_in").ToDictionary(m => (string)m.Tags["para.account.name"]!, m => m.Value);
        Assert.Equal(3590d, gauge["work"]);
        Assert.Equal(590d, gauge["personal"]);
    }

    [Fact]
    public async Task Pollys_resilience_events_are_enriched_with_the_account()
    {
        var account = "acc-" + Guid.NewGuid().ToString("N");
        _harness.Tokens.Accounts.Add(FakeAccountTokenService.Account(account, "enriched", AuthRefreshHarness.Start.AddHours(1)));
        var events = new List<Dictionary<string, object?>>();
        using var polly = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument is { Meter.Name: "Polly", Name: "resilience.polly.strategy.events" })
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        polly.SetMeasurementEventCallback<int>((_, _, tags, _) =>
        {
            var copy = new Dictionary<string, object?>();
            foreach (var tag in tags)
            {
                copy[tag.Key] = tag.Value;
            }

            lock (events)
            {
                events.Add(copy);
            }
        });
        polly.Start();

        var attempts = 0;
        await _harness.Manager.ExecuteAsync(_ => ++attempts == 1 ? throw Unauthorized() : ValueTask.FromResult(0), "processRequest", account, "s");

        lock (events)
        {
            var recovery = Assert.Single(events, e => Equals(e["event.name"], "OnAuthRecovery") && Equals(e.GetValueOrDefault("para.account.id"), account));
            Assert.Equal("para-auth-refresh", recovery["pipeline.name"]);
            Assert.Equal("processRequest", recovery["operation.key"]);
        }
    }

    private async Task WaitForCachedStatusesAsync()
    {
        var cache = (Para.Accounts.AuthRefresh.AccountStatusCache)_harness.Services.GetService(typeof(Para.Accounts.AuthRefresh.AccountStatusCache))!;
        for (var i = 0; i < 500 && cache.Latest.Count < 2; i++)
        {
            await Task.Delay(10);
        }
    }

    private async Task RecoverAsync()
    {
        var attempts = 0;
        await _harness.Manager.ExecuteAsync(_ => ++attempts == 1 ? throw Unauthorized() : ValueTask.FromResult(0), "processRequest", "acc-1", "s");
    }

    private List<(string Instrument, double Value, Dictionary<string, object?> Tags)> Measured(string instrument)
    {
        lock (_measurements)
        {
            return [.. _measurements.Where(m => m.Instrument == instrument)];
        }
    }

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copy = new Dictionary<string, object?>();
        foreach (var tag in tags)
        {
            copy[tag.Key] = tag.Value;
        }

        lock (_measurements)
        {
            _measurements.Add((instrument.Name, value, copy));
        }
    }

    private static HttpRequestException Unauthorized() => new("401", null, HttpStatusCode.Unauthorized);
}
