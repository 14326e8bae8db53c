using System.Text.Json;

namespace Para.Contracts.Health;

/// <summary>The <c>/health</c> document every Para service writes.</summary>
public sealed record HealthDocument(
    string Status,
    DateTimeOffset Timestamp,
    IReadOnlyDictionary<string, HealthCheckEntry> Checks)
{
    public bool IsHealthy => string.Equals(Status, "healthy", StringComparison.OrdinalIgnoreCase);
}

public sealed record HealthCheckEntry(string Status, string? Description, IReadOnlyDictionary<string, JsonElement>? Data);
