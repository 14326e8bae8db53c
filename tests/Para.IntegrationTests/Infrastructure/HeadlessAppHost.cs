using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

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

    private HeadlessAppHost(Process process, string dataDirectory, int accountsPort, int containerAuthPort)
    {
        _process = process;
        DataDirectory = dataDirectory;
        AccountsPort = accountsPort;
        ContainerAuthPort = containerAuthPort;
    }

    public string DataDirectory { get; }

    public int AccountsPort { get; }

    public int ContainerAuthPort { get; }

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

    public static async Task<HeadlessAppHost> StartAsync()
    {
        var dataDirectory = Directory.CreateTempSubdirectory("para-headless-").FullName;
        var (accounts, containerAuth) = (FreePort(), FreePort());
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            ArgumentList = { AppHostDll(), "--headless" },
            Environment =
            {
                ["ASPNETCORE_URLS"] = $"http://localhost:{FreePort()}",
                ["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"] = $"http://localhost:{FreePort()}",
                ["ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL"] = $"http://localhost:{FreePort()}",
                ["ASPIRE_ALLOW_UNSECURED_TRANSPORT"] = "true",
                ["DOTNET_ENVIRONMENT"] = "Development",
                ["PARA_DATA_DIR"] = dataDirectory,
                ["Para__Ports__accounts"] = accounts.ToString(CultureInfo.InvariantCulture),
                ["Para__Ports__container-auth"] = containerAuth.ToString(CultureInfo.InvariantCulture),
            },
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("The AppHost did not start.");
        var host = new HeadlessAppHost(process, dataDirectory, accounts, containerAuth);
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
            throw new TimeoutException($"The AppHost did not report both services healthy:\n{host.Output}");
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

    /// <summary>Processes whose environment names this AppHost's data folder: the services it started.</summary>
    public IReadOnlyList<int> ProcessesUsingTheDataFolder()
    {
        var marker = $"PARA_DATA_DIR={DataDirectory}\0";
        var found = new List<int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid) || pid == _process.Id)
            {
                continue;
            }

            try
            {
                if (File.ReadAllText(Path.Combine(directory, "environ")).Contains(marker, StringComparison.Ordinal))
                {
                    found.Add(pid);
                }
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                // Gone meanwhile, or not ours to read.
            }
        }

        return found;
    }

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

    private static string AppHostDll()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Para.sln")))
        {
            directory = directory.Parent;
        }

        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        return Path.Combine(directory?.FullName ?? throw new InvalidOperationException("Para.sln not found above the test folder."),
            "AppHost", "bin", configuration, "net10.0", "Para.AppHost.dll");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
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
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A log file still closing; the temp folder is cleaned by the OS.
        }
    }
}
