using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Para.Contracts;
using Para.ServiceDefaults.Security;

namespace Para.AppHost.Running;

/// <summary>
/// After <c>Build()</c>: start the services under DCP, wait until both are healthy, then either
/// hand this terminal to the console until it quits, or (headless) print where everything is and
/// run until Ctrl+C. Either way the services stop with the AppHost.
/// </summary>
internal static class ParaRun
{
    public static async Task<int> RunAsync(DistributedApplication app, AppHostSettings settings)
    {
        var stopping = app.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        var hostLog = app.Services.GetService<HostLog>();
        string? consoleDll = null;
        if (!settings.Headless)
        {
            consoleDll = ConsoleProcess.LocateConsole();
            if (!File.Exists(consoleDll))
            {
                await Console.Error.WriteLineAsync($"para-apphost: the console is not built at '{consoleDll}'; run 'dotnet build tui/Para.Tui' or start with --headless.");
                return 1;
            }
        }

        if (settings.PortsNeeded().FirstOrDefault(needed => !IsFree(needed.Port)) is { What: not null } taken)
        {
            await Console.Error.WriteLineAsync(
                $"para-apphost: port {taken.Port} for {taken.What} is in use; is another Para running? Stop it, or choose other ports (README, Run).");
            return 1;
        }

        var started = Stopwatch.StartNew();
        try
        {
            await app.StartAsync(stopping);
            if (await WaitForServicesAsync(app, stopping) is { } failure)
            {
                await Console.Error.WriteLineAsync($"para-apphost: {failure}");
                await StopAsync(app);
                return 1;
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            await StopAsync(app);
            return 130;
        }
        catch (IOException exception) when (exception.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
        {
            await Console.Error.WriteLineAsync(
                $"para-apphost: {exception.Message.TrimEnd('.')}; is another Para already running? Stop it, or move this one (README, Run: ports).");
            return 1;
        }
        catch (InvalidOperationException exception) when (exception.Message.Contains("HTTPS", StringComparison.Ordinal))
        {
            // Run without the launch profile (the dll by hand): the dashboard wants https or the opt-out.
            await Console.Error.WriteLineAsync(
                "para-apphost: the dashboard has no http address; start with 'dotnet run --project AppHost' (its launch profile sets one) "
                + "or set ASPNETCORE_URLS and ASPIRE_ALLOW_UNSECURED_TRANSPORT=true.");
            return 1;
        }

        var urls = Urls(app, settings);
        if (settings.Headless)
        {
            PrintSummary(urls, settings, started.Elapsed);
            var interrupted = new TaskCompletionSource();
            using (stopping.Register(interrupted.SetResult))
            {
                await interrupted.Task;
            }

            await StopAsync(app);
            return 0;
        }

        if (hostLog is not null)
        {
            hostLog.OffTerminal = true;
        }

        int exitCode;
        try
        {
            exitCode = await ConsoleProcess.RunAsync(consoleDll!, new Dictionary<string, string>
            {
                [ParaDataDirectory.EnvironmentVariable] = settings.DataDirectory,
                ["services__accounts__http__0"] = urls[ServiceNames.Accounts],
                ["services__container-auth__http__0"] = urls[ServiceNames.ContainerAuth],
                ["services__gateway__http__0"] = urls[ServiceNames.Gateway],
                ["Para__Console__DashboardUrl"] = settings.DashboardLoginUrl?.AbsoluteUri ?? "",
            }, stopping);
        }
        finally
        {
            if (hostLog is not null)
            {
                hostLog.OffTerminal = false;
            }
        }

        await Console.Out.WriteLineAsync("para: console closed; stopping the services…");
        await StopAsync(app);
        return exitCode;
    }

    /// <summary>
    /// The services first, then the rest. DCP stops every resource at once, the dashboard too, and
    /// a service whose telemetry exporter had nobody left to send to took 10 s to stop: Ctrl+C then
    /// left its port held after the AppHost had returned, and DCP killed it mid-shutdown.
    /// </summary>
    private static async Task StopAsync(DistributedApplication app)
    {
        var commands = app.Services.GetRequiredService<ResourceCommandService>();
        var notifications = app.Services.GetRequiredService<ResourceNotificationService>();
        var clock = Stopwatch.StartNew();
        using var patience = new CancellationTokenSource(ServicesStopWithin);
        var outcomes = await Task.WhenAll(ParaServiceResources.Names.Select(async service =>
        {
            try
            {
                if (!(await commands.ExecuteCommandAsync(service, KnownResourceCommands.StopCommand, patience.Token)).Success)
                {
                    // Not running (still waiting, or it failed to start): nothing to stop.
                    return (Service: service, Problem: (string?)null);
                }

                var stopped = await notifications.WaitForResourceAsync(service,
                    resourceEvent => KnownResourceStates.TerminalStates.Contains(resourceEvent.Snapshot.State?.Text), patience.Token);
                return (Service: service, Problem: stopped.Snapshot.ExitCode is null or 0 ? null : $"stopped with exit code {stopped.Snapshot.ExitCode}");
            }
            catch (OperationCanceledException)
            {
                // The application's own stop below ends it.
                return (Service: service, Problem: $"did not stop within {ServicesStopWithin.TotalSeconds:0} s; ending it");
            }
        }));

        var seconds = clock.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture);
        var problems = outcomes.Where(outcome => outcome.Problem is not null).ToList();
        await Console.Out.WriteLineAsync(problems.Count == 0
            ? $"para: {string.Join(", ", ParaServiceResources.Names)} stopped in {seconds} s."
            : string.Join(Environment.NewLine, problems.Select(outcome => $"para: {outcome.Service} {outcome.Problem}.")));
        await app.StopAsync(CancellationToken.None);
    }

    private static readonly TimeSpan ServicesStopWithin = TimeSpan.FromSeconds(15);

    /// <summary>Healthy, or a one-line reason why not: a service that exits or cannot start must not leave the wait hanging.</summary>
    private static async Task<string?> WaitForServicesAsync(DistributedApplication app, CancellationToken stopping)
    {
        var notifications = app.Services.GetRequiredService<ResourceNotificationService>();
        foreach (var service in ParaServiceResources.Names)
        {
            await Console.Out.WriteLineAsync($"para: waiting for {service} to be healthy…");
            var reached = await notifications.WaitForResourceAsync(service,
                resourceEvent => resourceEvent.Snapshot.HealthStatus is HealthStatus.Healthy
                    || KnownResourceStates.TerminalStates.Contains(resourceEvent.Snapshot.State?.Text),
                stopping);
            if (reached.Snapshot.HealthStatus is not HealthStatus.Healthy)
            {
                return $"{service} did not start ({reached.Snapshot.State?.Text}, exit code {reached.Snapshot.ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "none"}); "
                    + "its output is in the lines above.";
            }
        }

        return null;
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static Dictionary<string, string> Urls(DistributedApplication app, AppHostSettings settings)
    {
        var model = app.Services.GetRequiredService<DistributedApplicationModel>();
        var urls = ParaServiceResources.Names.ToDictionary(
            name => name, name => ParaServiceResources.HttpEndpointOf(model, name).AbsoluteUri.TrimEnd('/'), StringComparer.Ordinal);
        urls["data folder"] = settings.DataDirectory;
        return urls;
    }

    private static void PrintSummary(Dictionary<string, string> urls, AppHostSettings settings, TimeSpan elapsed)
    {
        var seconds = elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture);
        Console.Out.WriteLine($"para: all services healthy in {seconds} s. Ctrl+C stops everything.");
        if (settings.DashboardLoginUrl is { } dashboard)
        {
            Console.Out.WriteLine($"  {"dashboard",-15} {dashboard.AbsoluteUri}");
        }

        foreach (var (name, url) in urls)
        {
            Console.Out.WriteLine($"  {name,-15} {url}");
        }

        Console.Out.Flush();
    }
}
