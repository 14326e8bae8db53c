namespace Para.Contracts.ContainerAuth;

public static class JobStates
{
    public const string Running = "running";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
}

/// <summary>A long operation the service runs in the background; its events tell the progress.</summary>
public sealed record JobInfo(
    string Id,
    string Kind,
    string Target,
    string State,
    double Progress,
    DateTimeOffset StartedAt,
    DateTimeOffset? FinishedAt,
    string? Error,
    System.Text.Json.JsonElement? Result);

/// <summary>One step of a job (server-sent event <c>step</c>); <c>Progress</c> runs from 0 to 1.</summary>
public sealed record JobEvent(
    string JobId,
    int Sequence,
    DateTimeOffset At,
    string Step,
    double Progress,
    string? Message,
    string State);
