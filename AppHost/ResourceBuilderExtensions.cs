using System.Globalization;

namespace Para.AppHost;

internal static class ResourceBuilderExtensions
{
    /// <summary>Set after Aspire's own OTLP settings, so this value is the one the service sees.</summary>
    public static IResourceBuilder<ProjectResource> WithMetricExportInterval(this IResourceBuilder<ProjectResource> resource, AppHostSettings settings) =>
        resource.WithEnvironment("OTEL_METRIC_EXPORT_INTERVAL",
            ((long)settings.MetricExportInterval.TotalMilliseconds).ToString(CultureInfo.InvariantCulture));
}
