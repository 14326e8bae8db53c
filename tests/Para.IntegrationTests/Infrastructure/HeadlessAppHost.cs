using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Para.Accounts.Tests.Infrastructure;

namespace Para.IntegrationTests.Infrastructure;

/// <summary>
/// The built AppHost run as a user runs it, <c>--headless</c>, as its own process with the
/// dashboard on: every port picked free here (the same variables its launch profile sets), its
/// own data folder, the lines it prints read back.
/// </summary>
public sealed partial class HeadlessAppHost : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private HeadlessAppHost(Process process, AppHostLaunch launch)
    {
        _process = process;
        Launch = launch;
    }

    public AppHostLaunch Launch { get; }

    public string DataDirectory => Launch.DataDirectory;

    public int AccountsPort => Launch.AccountsPort;

    public int ContainerAuthPort => Launch.ContainerAuthPort;

    public int GatewayPort => Launch.GatewayPort;

    /// <summary>The key the services created in the data folder; every Para client presents it.</summary>
    public string AdminKey => Para.ServiceDefaults.Security.AdminKey.Load(DataDirectory);

    public Microsoft.Extensions.DependencyInjection.ServiceProvider CreateClients() =>
        ParaClients.Create(new Uri($"http://localhost:{AccountsPort}"), new Uri($"http://localhost:{ContainerAuthPort}"), AdminKey);

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>The URL the AppHost printed for <paramref name="name"/> in its summary.</summary>
    public string PrintedUrl(string name) =>
        Regex.Match(Output, $@"^\s+{Regex.Escape(name)}\s+(?<url>\S+)\s*$", RegexOptions.Multiline).Groups["url"].Value;

    public static async Task<HeadlessAppHost> StartAsync(AppHostLaunch? launch = null)
    {
        launch ??= AppHostLaunch.Create();
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            ArgumentList = { RepositoryPaths.AppHostDll, "--headless" },
        };
        foreach (var (name, value) in launch.Environment)
        {
            start.Environment[name] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("The AppHost did not start.");
        var host = new HeadlessAppHost(process, launch);
        process.OutputDataReceived += (_, line) => host.Append(line.Data);
        process.ErrorDataReceived += (_, line) => host.Append(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try
        {
            await host._ready.Task.WaitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            await host.DisposeAsync();
            throw new TimeoutException($"The AppHost did not report all services healthy:\n{host.Output}");
        }
        catch (InvalidOperationException)
        {
            await host.DisposeAsync();
            throw;
        }

        return host;
    }

    /// <summary>Ctrl+C, as a person presses it in the terminal.</summary>
    public void Interrupt() => Signal("-INT", _process.Id);

    public async Task<bool> WaitForExitAsync(TimeSpan within)
    {
        using var timeout = new CancellationTokenSource(within);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public IReadOnlyList<int> ProcessesUsingTheDataFolder() => Launch.ProcessesUsingTheDataFolder(except: _process.Id);

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }

        if (line.StartsWith("  data folder", StringComparison.Ordinal))
        {
            _ready.TrySetResult();
        }
        else if (line.StartsWith("Unhandled exception", StringComparison.Ordinal) || line.StartsWith("para-apphost:", StringComparison.Ordinal))
        {
            _ready.TrySetException(new InvalidOperationException(line));
        }
    }

    private static void Signal(string signal, int pid)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { signal, pid.ToString(CultureInfo.InvariantCulture) } });
        kill?.WaitForExit();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            Interrupt();
            if (!await WaitForExitAsync(TimeSpan.FromSeconds(20)))
            {
                _process.Kill(entireProcessTree: true);
            }
        }

        _process.Dispose();
        Launch.DeleteDataFolder();
    }
}
