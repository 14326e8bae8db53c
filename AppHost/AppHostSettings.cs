using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Para.Contracts;
using Para.ServiceDefaults.Security;

namespace Para.AppHost;

/// <summary>
/// How this run of the AppHost was asked to behave: where Para's state lives and whether the
/// console takes this terminal (the default) or the services run headless until Ctrl+C.
/// </summary>
public sealed class AppHostSettings
{
    public const string HeadlessSwitch = "--headless";
    public const string DataDirectoryKey = "Para:DataDirectory";

    /// <summary>Aspire's health check sends no credentials: the services' open readiness path.</summary>
    public const string ReadinessPath = ServiceDefaultsExtensions.ReadinessEndpointPath;

    private AppHostSettings(bool headlessRequested) => HeadlessRequested = headlessRequested;

    public bool HeadlessRequested { get; }

    /// <summary>No terminal to give the console (a script, a pipe, CI): run headless instead.</summary>
    public bool Headless => HeadlessRequested || Console.IsInputRedirected || Console.IsOutputRedirected;

    public string DataDirectory { get; private set; } = "";

    private IConfiguration? _configuration;

    /// <summary><c>Para:Ports:accounts</c>, <c>Para:Ports:container-auth</c>, <c>Para:Ports:gateway</c>, else the documented defaults.</summary>
    public int PortOf(string serviceName) =>
        _configuration?.GetValue<int?>($"Para:Ports:{serviceName}") ?? ServicePorts.DefaultFor(serviceName);

    /// <summary>The dashboard's address with its one-time browser token, once the builder knows both.</summary>
    public Uri? DashboardLoginUrl { get; private set; }

    /// <summary>
    /// How often the services send metrics to the dashboard. Aspire's development default is every
    /// second, which costs each idle service about 2.5 % of a core (bench/README.md); every 5 s
    /// keeps the dashboard's charts live for a fraction of that. <c>Para:MetricExportInterval</c>.
    /// </summary>
    public TimeSpan MetricExportInterval =>
        _configuration?.GetValue<TimeSpan?>("Para:MetricExportInterval") ?? TimeSpan.FromSeconds(5);

    /// <summary>
    /// The local ports this run needs: the services', the dashboard's, its OTLP and resource
    /// service's. A taken one makes DCP wait forever, so the AppHost checks them before it starts.
    /// </summary>
    public IEnumerable<(string What, int Port)> PortsNeeded()
    {
        foreach (var service in ParaServiceResources.Names)
        {
            yield return (service, PortOf(service));
        }

        foreach (var (what, key) in new[]
        {
            ("the dashboard", "ASPNETCORE_URLS"),
            ("the dashboard's OTLP endpoint", "ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"),
            ("the dashboard's resource service", "ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL"),
        })
        {
            var first = (_configuration?[key] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
            if (Uri.TryCreate(first, UriKind.Absolute, out var url) && url.IsLoopback && url.Port > 0)
            {
                yield return (what, url.Port);
            }
        }
    }

    /// <summary>Takes <c>--headless</c> out of the arguments: it is ours, not a configuration key.</summary>
    public static AppHostSettings FromArguments(ref string[] args)
    {
        var headless = args.Contains(HeadlessSwitch, StringComparer.OrdinalIgnoreCase);
        args = [.. args.Where(argument => !string.Equals(argument, HeadlessSwitch, StringComparison.OrdinalIgnoreCase))];
        return new AppHostSettings(headless);
    }

    public void Configure(IDistributedApplicationBuilder builder)
    {
        var configuration = _configuration = builder.Configuration;
        DataDirectory = ParaDataDirectory.ResolvePath(
            configuration[DataDirectoryKey] ?? configuration[ParaDataDirectory.EnvironmentVariable]);
        // The AppHost calls the services for the dashboard's commands, so it needs the key before they start.
        AdminKey.LoadOrCreate(DataDirectory);
        DashboardLoginUrl = LoginUrl(configuration);
        // Without it DCP deletes the services after the AppHost has exited: Ctrl+C returned at once,
        // and a second run started right after found the ports still held for ten seconds or more.
        configuration["DcpPublisher:WaitForResourceCleanup"] ??= "true";
        if (!Headless)
        {
            Running.HostLog.Install(builder, DataDirectory);
        }
    }

    private static Uri? LoginUrl(IConfiguration configuration)
    {
        var address = (configuration["ASPNETCORE_URLS"] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
        var token = configuration["AppHost:BrowserToken"];
        if (address is null || !Uri.TryCreate(address, UriKind.Absolute, out var dashboard))
        {
            return null;
        }

        return string.IsNullOrEmpty(token) ? dashboard : new Uri(dashboard, $"/login?t={Uri.EscapeDataString(token)}");
    }
}
