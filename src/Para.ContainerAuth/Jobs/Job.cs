using System.Text.Json;
using Para.Contracts.ContainerAuth;

namespace Para.ContainerAuth.Jobs;

/// <summary>
/// One background operation and its step events. Readers of the events get everything so far and
/// then each new step as it comes, until the job ends. <paramref name="onStep"/> hears each step
/// as it is recorded (the service-wide event stream); it must not block.
/// </summary>
public sealed class Job(string id, string kind, string target, DateTimeOffset startedAt, TimeProvider timeProvider, Action<Job, JobEvent>? onStep = null)
{
    private readonly Lock _gate = new();
    private readonly List<JobEvent> _events = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private string _state = JobStates.Running;
    private double _progress;
    private DateTimeOffset? _finishedAt;
    private string? _error;
    private JsonElement? _result;

    public string Id { get; } = id;

    public string Kind { get; } = kind;

    public string Target { get; } = target;

    public JobInfo Snapshot()
    {
        lock (_gate)
        {
            return new JobInfo(Id, Kind, Target, _state, _progress, startedAt, _finishedAt, _error, _result);
        }
    }

    /// <summary>Records a step; progress never goes backwards.</summary>
    public void Report(string step, double progress, string? message = null)
    {
        lock (_gate)
        {
            if (_state != JobStates.Running)
            {
                return;
            }

            _progress = Math.Clamp(Math.Max(_progress, progress), 0, 1);
            AppendLocked(step, message);
        }
    }

    public void Succeed(JsonElement? result, string? message)
    {
        lock (_gate)
        {
            _progress = 1;
            _result = result;
            AppendLocked("done", message);
            _state = JobStates.Succeeded;
            FinishLocked();
        }
    }

    public void Fail(string error, JsonElement? result = null)
    {
        lock (_gate)
        {
            _error = error;
            _result = result;
            _state = JobStates.Failed;
            AppendLocked("failed", error);
            FinishLocked();
        }
    }

    public async IAsyncEnumerable<JobEvent> ReadEventsAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var next = 0;
        while (true)
        {
            JobEvent[] fresh;
            bool finished;
            Task changed;
            lock (_gate)
            {
                fresh = _events.Skip(next).ToArray();
                next = _events.Count;
                finished = _state != JobStates.Running;
                changed = _changed.Task;
            }

            foreach (var jobEvent in fresh)
            {
                yield return jobEvent;
            }

            if (finished)
            {
                yield break;
            }

            await changed.WaitAsync(cancellationToken);
        }
    }

    private void AppendLocked(string step, string? message)
    {
        var jobEvent = new JobEvent(Id, _events.Count + 1, timeProvider.GetUtcNow(), step, _progress, message,
            step is "done" ? JobStates.Succeeded : step is "failed" ? JobStates.Failed : JobStates.Running);
        _events.Add(jobEvent);
        onStep?.Invoke(this, jobEvent);
        var changed = _changed;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        changed.TrySetResult();
    }

    private void FinishLocked()
    {
        _finishedAt = timeProvider.GetUtcNow();
        var changed = _changed;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        changed.TrySetResult();
    }
}
