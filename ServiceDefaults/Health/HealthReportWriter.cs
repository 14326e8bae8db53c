using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Para.ServiceDefaults;

/// <summary>Adds a named section (such as <c>authentication</c>) to the <c>/health</c> document.</summary>
public interface IHealthDocumentSection
{
    string Name { get; }

    object GetValue();
}

/// <summary>
/// Writes <c>{ status, timestamp, checks, ...sections }</c>: the shape the auth refresh seed shows
/// for <c>/health</c>, with each check's status and reason so a degraded dependency explains itself.
/// </summary>
public static class HealthReportWriter
{
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web) { WriteIndented = false };

    public static async Task WriteAsync(HttpContext context, HealthReport report)
    {
        var timeProvider = context.RequestServices.GetService<TimeProvider>() ?? TimeProvider.System;
        var document = new Dictionary<string, object?>
        {
            ["status"] = ToWord(report.Status),
            ["timestamp"] = timeProvider.GetUtcNow(),
            ["checks"] = report.Entries.ToDictionary(
                entry => entry.Key,
                entry => new HealthCheckEntry(ToWord(entry.Value.Status), entry.Value.Description,
                    entry.Value.Data.Count == 0 ? null : entry.Value.Data)),
        };

        // Only the full document carries sections; /alive stays a cheap liveness probe.
        if (!context.Request.Path.StartsWithSegments(Microsoft.Extensions.Hosting.ServiceDefaultsExtensions.AlivenessEndpointPath))
        {
            foreach (var section in context.RequestServices.GetServices<IHealthDocumentSection>())
            {
                document[section.Name] = section.GetValue();
            }
        }

        context.Response.ContentType = "application/json; charset=utf-8";
        await JsonSerializer.SerializeAsync(context.Response.Body, document, JsonOptions, context.RequestAborted);
    }

    public static string ToWord(HealthStatus status) => status switch
    {
        HealthStatus.Healthy => "healthy",
        HealthStatus.Degraded => "degraded",
        _ => "unhealthy",
    };

    private sealed record HealthCheckEntry(string Status, string? Description, IReadOnlyDictionary<string, object>? Data);
}
