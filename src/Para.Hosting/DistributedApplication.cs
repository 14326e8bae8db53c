using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Para.ServiceDefaults.Security;

namespace Para.Hosting;

/// <summary>
/// Runs the resources an AppHost declared: builds each project once, starts services on free
/// loopback ports in dependency order, waits for health, then hands the terminal to the console.
/// Keeps Aspire's contract for the services (<c>services__*</c>, <c>OTEL_*</c>), so they run unchanged
/// under Aspire's own host.
/// </summary>
public sealed class DistributedApplication : IAsyncDisposable
{
    private readonly IReadOnlyList<ProjectResource> _resources;
    private readonly Dictionary<string, ProjectRunner> _runners = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lock _consoleGate = new();
    private string? _adminKey;
    private bool _started;
    private bool _consoleOwnsTerminal;

    internal DistributedApplication(IReadOnlyList<ProjectResource> resources, DistributedApplicationOptions options)
    {
        _resources = resources;
        Options = options;
    }

    public static DistributedApplicationBuilder CreateBuilder(string[] args) => new(args, new DistributedApplicationOptions());

    public static DistributedApplicationBuilder CreateBuilder(string[] args, DistributedApplicationOptions options) => new(args, options);

    public DistributedApplicationOptions Options { get; }

    public string DataDirectory => Options.DataDirectory ?? throw new InvalidOperationException("The application has not started.");

    public string AdminKey => _adminKey ?? throw new InvalidOperationException("The application has not started.");

    public IEnumerable<ResourceSnapshot> Snapshots => _runners.Values.Select(runner => runner.Snapshot);

    private IEnumerable<ProjectResource> Services => _resources.Where(resource => !resource.IsInteractiveConsole);

    /// <summary>Builds what is not built yet and starts every service; returns once all are launched.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (_started)
        {
            return;
        }

        _started = true;
        Options.DataDirectory = ParaDataDirectory.ResolvePath(Options.DataDirectory);
        _adminKey = Para.ServiceDefaults.Security.AdminKey.LoadOrCreate(Options.DataDirectory);
        var logDirectory = Path.Combine(Options.DataDirectory, "logs");

        foreach (var resource in _resources)
        {
            var output = ProjectBuildOutput.For(resource.ProjectPath, Options.Configuration);
            if (!output.IsBuilt)
            {
                WriteHostLine($"building {resource.Name} ({Path.GetFileName(output.ProjectPath)})...");
                await output.BuildAsync(WriteHostLine, cancellationToken).ConfigureAwait(false);
            }

            if (resource.IsInteractiveConsole)
            {
                continue;
            }

            resource.Endpoint = new Uri($"http://127.0.0.1:{FreeLoopbackPort()}");
            var log = new ResourceLog(resource.Name, logDirectory);
            log.LineWritten += OnResourceLine;
            var captured = resource;
            var runner = new ProjectRunner(resource, output, log, _adminKey, () => EnvironmentFor(captured));
            runner.Changed += OnResourceChanged;
            _runners[resource.Name] = runner;
        }

        foreach (var resource in Services)
        {
            var runner = _runners[resource.Name];
            if (resource.WaitsFor.Count == 0)
            {
                runner.Start();
                continue;
            }

            runner.MarkWaiting();
            _ = StartAfterDependenciesAsync(resource, runner, cancellationToken);
        }
    }

    private async Task StartAfterDependenciesAsync(ProjectResource resource, ProjectRunner runner, CancellationToken cancellationToken)
    {
        try
        {
            foreach (var dependency in resource.WaitsFor)
            {
                await WaitForResourceHealthyAsync(dependency.Name, cancellationToken).ConfigureAwait(false);
            }

            runner.Start();
        }
        catch (Exception exception) when (exception is OperationCanceledException or InvalidOperationException)
        {
            WriteHostLine($"{resource.Name} was not started: {exception.Message}");
        }
    }

    public Task<ResourceSnapshot> WaitForResourceHealthyAsync(string name, CancellationToken cancellationToken = default) =>
        RunnerFor(name).WaitForAsync(snapshot => snapshot.IsHealthy, cancellationToken);

    public Task<ResourceSnapshot> WaitForResourceAsync(string name, Func<ResourceSnapshot, bool> condition, CancellationToken cancellationToken = default) =>
        RunnerFor(name).WaitForAsync(condition, cancellationToken);

    public Uri GetEndpoint(string name) =>
        _resources.FirstOrDefault(resource => string.Equals(resource.Name, name, StringComparison.OrdinalIgnoreCase))?.Endpoint
        ?? throw new InvalidOperationException($"Resource '{name}' has no endpoint (is it started?).");

    public ResourceLog GetLog(string name) => RunnerFor(name).Log;

    /// <summary>An HttpClient aimed at the resource, carrying the admin key, as Aspire's testing host gives.</summary>
    public HttpClient CreateHttpClient(string name)
    {
        var client = new HttpClient { BaseAddress = GetEndpoint(name) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        return client;
    }

    /// <summary>
    /// Starts everything, waits for health, prints the resource table, then either runs the console
    /// in this terminal or (headless) keeps reporting state until Ctrl+C.
    /// </summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken = default)
    {
        using var shutdown = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => { context.Cancel = true; shutdown.Cancel(); });
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => { context.Cancel = true; shutdown.Cancel(); });
        using var sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context => { context.Cancel = true; shutdown.Cancel(); });
        _ = ParentWatch.StopWhenOrphanedAsync(shutdown);
        var exitCode = 0;
        try
        {
            var started = Stopwatch.StartNew();
            await StartAsync(shutdown.Token).ConfigureAwait(false);
            using (var healthy = CancellationTokenSource.CreateLinkedTokenSource(shutdown.Token))
            {
                healthy.CancelAfter(Options.HealthyTimeout);
                try
                {
                    await Task.WhenAll(Services.Select(resource => WaitForResourceHealthyAsync(resource.Name, healthy.Token))).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!shutdown.IsCancellationRequested)
                {
                    throw new InvalidOperationException($"Not every service was healthy within {Options.HealthyTimeout.TotalSeconds:0}s.");
                }
            }

            WriteHostLine(string.Create(CultureInfo.InvariantCulture, $"all services healthy in {started.Elapsed.TotalSeconds:0.0}s; data in {DataDirectory}"));
            WriteTable();

            var console = _resources.FirstOrDefault(resource => resource.IsInteractiveConsole);
            if (Options.Headless || console is null)
            {
                WriteHostLine("headless: press Ctrl+C to stop");
                await ReportUntilCancelledAsync(shutdown.Token).ConfigureAwait(false);
            }
            else
            {
                exitCode = await RunConsoleAsync(console, shutdown.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (shutdown.IsCancellationRequested)
        {
        }
        catch (InvalidOperationException exception)
        {
            WriteHostLine($"error: {exception.Message}");
            exitCode = 1;
        }
        finally
        {
            _consoleOwnsTerminal = false;
            WriteHostLine("stopping...");
            await StopAsync().ConfigureAwait(false);
            WriteHostLine("stopped");
        }

        return exitCode;
    }

    private async Task ReportUntilCancelledAsync(CancellationToken cancellationToken)
    {
        var last = TableText();
        while (!cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
            var current = TableText();
            if (current != last)
            {
                WriteTable();
                last = current;
            }
        }
    }

    private async Task<int> RunConsoleAsync(ProjectResource console, CancellationToken cancellationToken)
    {
        var output = ProjectBuildOutput.For(console.ProjectPath, Options.Configuration);
        var startInfo = new ProcessStartInfo(DotnetHost.Path) { UseShellExecute = false, WorkingDirectory = Environment.CurrentDirectory };
        startInfo.ArgumentList.Add(output.AssemblyPath);

        foreach (var (name, value) in EnvironmentFor(console))
        {
            startInfo.Environment[name] = value;
        }

        // The console owns the terminal now; service logs keep going to their files.
        _consoleOwnsTerminal = true;
        using var process = Process.Start(startInfo)!;
        try
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            return process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            await ProjectRunner.StopProcessAsync(process).ConfigureAwait(false);
            return 0;
        }
    }

    public async Task StopAsync()
    {
        // Dependents first, so nothing sees its dependency vanish while it is still serving.
        foreach (var resource in Services.Reverse())
        {
            if (_runners.TryGetValue(resource.Name, out var runner))
            {
                await runner.StopAsync().ConfigureAwait(false);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        foreach (var runner in _runners.Values)
        {
            await runner.DisposeAsync().ConfigureAwait(false);
        }
    }

    private Dictionary<string, string?> EnvironmentFor(ProjectResource resource)
    {
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["ASPNETCORE_ENVIRONMENT"] = Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT") ?? "Development",
            ["DOTNET_ENVIRONMENT"] = Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT") ?? "Development",
            ["OTEL_SERVICE_NAME"] = resource.Name,
            ["OTEL_RESOURCE_ATTRIBUTES"] = $"service.instance.id={resource.Name}-{Guid.NewGuid():N}",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "1000",
            ["OTEL_BLRP_SCHEDULE_DELAY"] = "1000",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "1000",
            ["Logging__Console__FormatterName"] = "simple",
            ["Logging__Console__FormatterOptions__SingleLine"] = "true",
            ["Logging__Console__FormatterOptions__TimestampFormat"] = "HH:mm:ss ",
            [ParaDataDirectory.EnvironmentVariable] = DataDirectory,
            ["PARA_PARENT_PID"] = Environment.ProcessId.ToString(CultureInfo.InvariantCulture),
        };

        foreach (var name in new[] { "OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_HEADERS", "OTEL_EXPORTER_OTLP_PROTOCOL" })
        {
            if (Environment.GetEnvironmentVariable(name) is { Length: > 0 } value)
            {
                environment[name] = value;
            }
        }

        if (resource.Endpoint is not null)
        {
            environment["ASPNETCORE_URLS"] = resource.Endpoint.ToString().TrimEnd('/');
        }

        foreach (var reference in resource.References)
        {
            environment[$"services__{reference.Name}__http__0"] = reference.Endpoint?.ToString().TrimEnd('/');
        }

        foreach (var (name, value) in Options.EnvironmentForAll)
        {
            environment[name] = value;
        }

        foreach (var (name, value) in resource.Environment)
        {
            environment[name] = value();
        }

        return environment;
    }

    private ProjectRunner RunnerFor(string name) =>
        _runners.TryGetValue(name, out var runner)
            ? runner
            : throw new InvalidOperationException($"No started resource is named '{name}'.");

    private void OnResourceLine(string resource, string line)
    {
        if (StreamLogs)
        {
            WriteConsole($"[{resource}] {line}");
        }
    }

    private void OnResourceChanged(ResourceSnapshot snapshot)
    {
        if (StreamLogs && snapshot.LastError is not null && snapshot.State is ResourceState.Exited or ResourceState.FailedToStart)
        {
            WriteHostLine($"{snapshot.Name}: {snapshot.LastError}");
        }
    }

    private bool StreamLogs => Options.StreamLogsToConsole && !_consoleOwnsTerminal;

    private void WriteHostLine(string line)
    {
        if (!_consoleOwnsTerminal)
        {
            WriteConsole($"[apphost] {line}");
        }
    }

    private void WriteConsole(string line)
    {
        lock (_consoleGate)
        {
            Console.Out.WriteLine(line);
        }
    }

    private void WriteTable() => WriteConsole(TableText());

    internal string TableText() => ResourceTable.Format(Snapshots);

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
