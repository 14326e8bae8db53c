namespace Para.Hosting;

public enum ResourceState
{
    NotStarted,
    Waiting,
    Starting,
    Running,
    Restarting,
    Exited,
    FailedToStart,
    Stopped,
}

public enum ResourceHealth
{
    Unknown,
    Healthy,
    Unhealthy,
}

/// <summary>What the host knows about one resource at one moment.</summary>
public sealed record ResourceSnapshot(
    string Name,
    ResourceState State,
    ResourceHealth Health,
    Uri? Endpoint,
    int? ProcessId,
    int RestartCount,
    string? LastError)
{
    public bool IsHealthy => State == ResourceState.Running && Health == ResourceHealth.Healthy;
}
