namespace Para.Hosting;

public sealed class DistributedApplicationOptions
{
    /// <summary>Where every service keeps its state: <c>PARA_DATA_DIR</c>, else <c>~/.para</c>.</summary>
    public string? DataDirectory { get; set; }

    /// <summary>Start the services only; do not hand the terminal to the console.</summary>
    public bool Headless { get; set; }

    /// <summary>Write each resource's log lines to standard output with a <c>[name]</c> prefix.</summary>
    public bool StreamLogsToConsole { get; set; } = true;

    /// <summary>The build configuration whose outputs are started (the host's own by default).</summary>
    public string? Configuration { get; set; }

    /// <summary>How long a service may take to report healthy before start-up fails.</summary>
    public TimeSpan HealthyTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Variables given to every resource, after the host's own (tests use this for settings).</summary>
    public Dictionary<string, string> EnvironmentForAll { get; } = new(StringComparer.Ordinal);
}
