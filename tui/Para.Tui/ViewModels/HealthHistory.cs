namespace Para.Tui.ViewModels;

/// <summary>
/// The last samples of the auth refresh numbers, as refreshes and failures per sample, for the
/// Health tab's sparklines. Counters are cumulative on the service; the history keeps the deltas.
/// </summary>
public sealed class HealthHistory(int capacity = 40)
{
    private readonly Queue<long> _refreshes = new();
    private readonly Queue<long> _failures = new();
    private AuthRefreshNumbers? _last;

    public IReadOnlyCollection<long> Refreshes => _refreshes;

    public IReadOnlyCollection<long> Failures => _failures;

    public int Capacity { get; } = capacity;

    public void Add(AuthRefreshNumbers numbers)
    {
        // A restarted service starts counting again: treat a drop as a fresh start, not a negative.
        var refreshes = _last is null ? 0 : Math.Max(0, numbers.RefreshCount - _last.RefreshCount);
        var failures = _last is null
            ? numbers.ConsecutiveFailures
            : numbers.ConsecutiveFailures > _last.ConsecutiveFailures ? numbers.ConsecutiveFailures - _last.ConsecutiveFailures : 0;
        _last = numbers;
        Push(_refreshes, refreshes);
        Push(_failures, failures);
    }

    private void Push(Queue<long> queue, long value)
    {
        queue.Enqueue(value);
        while (queue.Count > Capacity)
        {
            queue.Dequeue();
        }
    }
}
