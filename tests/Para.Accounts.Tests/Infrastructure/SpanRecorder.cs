using System.Collections.Concurrent;
using System.Diagnostics;

namespace Para.Accounts.Tests.Infrastructure;

/// <summary>Every span Para's code finishes on one activity source while the recorder lives, as an exporter would get it.</summary>
public sealed class SpanRecorder : IDisposable
{
    private readonly ActivityListener _listener;

    public SpanRecorder(string sourceName)
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == sourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = Spans.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public ConcurrentQueue<Activity> Spans { get; } = new();

    public void Dispose() => _listener.Dispose();
}
