using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Para.Gateway;

/// <summary>
/// The gateway's span per forwarded request (account as an attribute) and its counters: requests,
/// retries after a refresh, failovers to another account. Totals are also kept for <c>/api/gateway/status</c>.
/// </summary>
internal sealed class GatewayTelemetry : IDisposable
{
    public const string Name = "Para.Gateway";

    public static readonly ActivitySource Source = new(Name);

    private readonly Meter _meter;
    private readonly Counter<long> _requests;
    private readonly Counter<long> _retries;
    private readonly Counter<long> _failovers;
    private long _requestTotal;
    private long _retryTotal;
    private long _failoverTotal;
    private long _rejectedTotal;

    public GatewayTelemetry(IMeterFactory meters)
    {
        _meter = meters.Create(Name);
        _requests = _meter.CreateCounter<long>("para.gateway.requests", description: "Requests forwarded to the provider, by account and status.");
        _retries = _meter.CreateCounter<long>("para.gateway.retries", description: "Requests sent again on the same account after a refresh (401/403).");
        _failovers = _meter.CreateCounter<long>("para.gateway.failovers", description: "Requests moved to another account after a limit (429).");
    }

    public long Requests => Interlocked.Read(ref _requestTotal);

    public long Retries => Interlocked.Read(ref _retryTotal);

    public long Failovers => Interlocked.Read(ref _failoverTotal);

    /// <summary>Requests refused before any account was asked: no key, an unknown key, no usable account.</summary>
    public long Rejected => Interlocked.Read(ref _rejectedTotal);

    public void Forwarded(string account, int statusCode)
    {
        Interlocked.Increment(ref _requestTotal);
        _requests.Add(1, new KeyValuePair<string, object?>("para.account.name", account), new KeyValuePair<string, object?>("http.response.status_code", statusCode));
    }

    public void Retried(string account)
    {
        Interlocked.Increment(ref _retryTotal);
        _retries.Add(1, new KeyValuePair<string, object?>("para.account.name", account));
    }

    public void FailedOver(string account)
    {
        Interlocked.Increment(ref _failoverTotal);
        _failovers.Add(1, new KeyValuePair<string, object?>("para.account.name", account));
    }

    public void Refused() => Interlocked.Increment(ref _rejectedTotal);

    public void Dispose() => _meter.Dispose();
}
