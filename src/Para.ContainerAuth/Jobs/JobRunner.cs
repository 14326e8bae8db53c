using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text.Json;
using Para.ContainerAuth.Credentials;
using Para.ContainerAuth.Docker;
using Para.Contracts.ContainerAuth;

namespace Para.ContainerAuth.Jobs;

/// <summary>The outcome of a job: its result, and whether the work as a whole failed (reauth-all with failed items).</summary>
public sealed record JobOutcome(object? Result, string? Message, string? Error = null);

/// <summary>Starts jobs in the background and keeps the latest ones for <c>/api/jobs</c>.</summary>
public sealed partial class JobRunner(TimeProvider timeProvider, IHostApplicationLifetime lifetime, Events.ContainerAuthEventHub events,
    ILogger<JobRunner> logger, IMeterFactory meterFactory)
{
    public const string MeterName = "Para.ContainerAuth";
    private const int Retained = 200;
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);
    private readonly ConcurrentDictionary<string, Job> _jobs = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _order = new();
    private readonly Histogram<double> _durations = meterFactory.Create(MeterName)
        .CreateHistogram<double>("para.container_auth.job.duration", "s", "How long container-auth jobs take, by kind and outcome.");

    public Job Start(string kind, string target, Func<Job, CancellationToken, Task<JobOutcome>> work)
    {
        var job = new Job(Guid.NewGuid().ToString("n")[..12], kind, target, timeProvider.GetUtcNow(), timeProvider, PublishStep);
        _jobs[job.Id] = job;
        _order.Enqueue(job.Id);
        while (_order.Count > Retained && _order.TryDequeue(out var old))
        {
            _jobs.TryRemove(old, out _);
        }

        job.Report("queued", 0, $"{kind} {target}");
        _ = Task.Run(() => RunAsync(job, kind, target, work), CancellationToken.None);
        return job;
    }

    /// <summary>Each step on the service-wide stream: the first as the job's start, the last as its end.</summary>
    private void PublishStep(Job job, JobEvent step) => events.Publish(new Contracts.Events.ContainerAuthEvent(
        step.Sequence == 1 ? Contracts.Events.ContainerAuthEventTypes.JobStarted
        : step.State == JobStates.Running ? Contracts.Events.ContainerAuthEventTypes.JobProgress
        : Contracts.Events.ContainerAuthEventTypes.JobFinished)
    {
        Timestamp = step.At,
        JobId = job.Id,
        JobKind = job.Kind,
        JobTarget = job.Target,
        Status = step.State,
        Progress = step.Progress,
        Message = step.Message,
    });

    public Job? Find(string id) => _jobs.GetValueOrDefault(id);

    public IReadOnlyList<Job> List() => _order.Select(Find).OfType<Job>().Reverse().ToArray();

    private async Task RunAsync(Job job, string kind, string target, Func<Job, CancellationToken, Task<JobOutcome>> work)
    {
        var started = timeProvider.GetTimestamp();
        using var activity = ContainerAuthTelemetry.Source.StartActivity($"Job {kind}");
        activity?.SetTag("para.job.id", job.Id);
        activity?.SetTag("para.job.kind", kind);
        activity?.SetTag("para.job.target", target);
        try
        {
            var outcome = await work(job, lifetime.ApplicationStopping);
            var result = outcome.Result is null ? (JsonElement?)null : JsonSerializer.SerializeToElement(outcome.Result, JsonOptions);
            if (outcome.Error is { } error)
            {
                job.Fail(error, result);
            }
            else
            {
                job.Succeed(result, outcome.Message);
            }
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // Messages are ours or the engine's, never a token: credentials only travel inside the archive.
            var message = OneLine(exception);
            LogJobFailed(logger, job.Id, kind, message);
            job.Fail(message);
        }
        finally
        {
            var finished = job.Snapshot();
            activity?.SetTag("para.job.state", finished.State);
            activity?.SetStatus(finished.State == JobStates.Succeeded ? ActivityStatusCode.Ok : ActivityStatusCode.Error, finished.Error);
            _durations.Record(timeProvider.GetElapsedTime(started).TotalSeconds,
                new TagList { { "kind", kind }, { "state", job.Snapshot().State } });
        }
    }

    public static string OneLine(Exception exception) => exception switch
    {
        DockerUnavailableException or DockerOperationException or CredentialsUnavailableException
            or InvalidOperationException or ArgumentException => exception.Message.Split('\n', 2)[0].Trim(),
        OperationCanceledException => "The operation was cancelled.",
        _ => $"{exception.GetType().Name}: {exception.Message.Split('\n', 2)[0].Trim()}",
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId} ({Kind}) failed: {Reason}")]
    private static partial void LogJobFailed(ILogger logger, string jobId, string kind, string reason);
}
