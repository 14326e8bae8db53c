using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Para.ServiceDefaults;
using Para.ServiceDefaults.Http;
using Para.ServiceDefaults.Security;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// What every Para service shares, in the shape of Aspire's ServiceDefaults: telemetry, health,
/// service discovery, resilient HTTP and the admin key. DCP stops the services (the AppHost asks it first, decision 0018).
/// </summary>
public static class ServiceDefaultsExtensions
{
    public const string HealthEndpointPath = "/health";
    public const string AlivenessEndpointPath = "/alive";

    /// <summary>
    /// Readiness for orchestrators (Aspire's health check sends no credentials): every check, but
    /// only the overall status as plain text, so nothing an anonymous caller should not see.
    /// </summary>
    public const string ReadinessEndpointPath = "/ready";
    public const string LiveTag = "live";

    /// <summary>Names of meters Para's own code writes to; exported with the framework's.</summary>
    public static readonly string[] ParaMeterNames = ["Para.Accounts", "Para.ContainerAuth", "Para.Auth", "Para.Gateway"];

    /// <summary>Names of activity sources Para's own code starts spans on (OAuth, refreshes, jobs).</summary>
    public static readonly string[] ParaTraceSourceNames = ["Para.Accounts", "Para.ContainerAuth", "Para.Gateway"];

    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();

        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            http.AddStandardResilienceHandler();
            http.AddEndpointResolutionRetry();
            http.AddServiceDiscovery();
            http.AddTransportMark();
        });

        // Problem details (RFC 7807) for every error any Para service answers, registered once.
        builder.Services.AddProblemDetails();
        builder.AddRequestProblems();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.AddAdminKeyAuthentication();
        return builder;
    }

    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter(ParaMeterNames))
            .WithTracing(tracing => tracing
                .AddSource(builder.Environment.ApplicationName)
                .AddSource(ParaTraceSourceNames)
                .AddAspNetCoreInstrumentation(aspnet =>
                    // Health probes arrive every second from the host; they would drown real traces.
                    aspnet.Filter = context => !IsHealthProbe(context.Request.Path))
                .AddHttpClientInstrumentation());

        builder.AddOpenTelemetryExporters();
        return builder;
    }

    private static TBuilder AddOpenTelemetryExporters<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        var useOtlpExporter = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        if (useOtlpExporter)
        {
            builder.Services.AddOpenTelemetry().UseOtlpExporter();
        }

        return builder;
    }

    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), [LiveTag]);
        return builder;
    }

    /// <summary>
    /// Maps <c>/health</c> (every check with details, admin key required), <c>/ready</c> (every
    /// check, status only, open) and <c>/alive</c> (liveness only, open).
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.MapHealthChecks(HealthEndpointPath, new HealthCheckOptions { ResponseWriter = HealthReportWriter.WriteAsync })
            .RequireAuthorization(AdminKeyAuthentication.PolicyName);

        app.MapHealthChecks(ReadinessEndpointPath).AllowAnonymous();

        app.MapHealthChecks(AlivenessEndpointPath, new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(LiveTag),
            ResponseWriter = HealthReportWriter.WriteAsync,
        }).AllowAnonymous();

        return app;
    }

    private static bool IsHealthProbe(PathString path) =>
        path.StartsWithSegments(HealthEndpointPath) || path.StartsWithSegments(ReadinessEndpointPath)
        || path.StartsWithSegments(AlivenessEndpointPath);
}
