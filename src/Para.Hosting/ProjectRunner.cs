using System.Diagnostics;
using System.Net.Http.Headers;
using System.Runtime.InteropServices;

namespace Para.Hosting;

/// <summary>
/// Runs one service project as a child process: starts it, polls its health, restarts it with
/// backoff when it crashes, and stops it gracefully (SIGTERM, then kill) when asked.
/// </summary>
internal sealed partial class ProjectRunner : IAsyncDisposable
{
    private static readonly TimeSpan MaxRestartDelay = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan GracefulStopTimeout = TimeSpan.FromSeconds(5);

    private readonly ProjectResource _resource;
    private readonly ProjectBuildOutput _output;
    private readonly Func<IDictionary<string, string?>> _environment;
    private readonly HttpClient _healthClient;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ResourceSnapshot _snapshot;
    private Process? _process;
    private Task? _superviseTask;
    private Task? _healthTask;

    public ProjectRunner(ProjectResource resource, ProjectBuildOutput output, ResourceLog log, string adminKey,
        Func<IDictionary<string, string?>> environment)
    {
        _resource = resource;
        _output = output;
        _environment = environment;
        Log = log;
        _snapshot = new ResourceSnapshot(resource.Name, ResourceState.NotStarted, ResourceHealth.Unknown, resource.Endpoint, null, 0, null);
        _healthClient = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
        _healthClient.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adminKey);
    }

    public ResourceLog Log { get; }

    public ResourceSnapshot Snapshot
    {
        get
        {
            lock (_gate)
            {
                return _snapshot;
            }
        }
    }

    public event Action<ResourceSnapshot>? Changed;

    public void MarkWaiting() => Update(s => s with { State = ResourceState.Waiting });

    public void Start()
    {
        _superviseTask = Task.Run(() => SuperviseAsync(_stopping.Token));
        if (_resource.HealthCheckPath is not null)
        {
            _healthTask = Task.Run(() => PollHealthAsync(_stopping.Token));
        }
    }

    /// <summary>Completes when <paramref name="condition"/> holds for the resource's snapshot.</summary>
    public async Task<ResourceSnapshot> WaitForAsync(Func<ResourceSnapshot, bool> condition, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (condition(_snapshot))
                {
                    return _snapshot;
                }

                if (_snapshot.State is ResourceState.FailedToStart or ResourceState.Stopped)
                {
                    throw new InvalidOperationException(
                        $"Resource '{_resource.Name}' is {_snapshot.State}: {_snapshot.LastError ?? "see its log at " + Log.FilePath}");
                }

                changed = _changed.Task;
            }

            await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task SuperviseAsync(CancellationToken stopping)
    {
        var consecutiveCrashes = 0;
        while (!stopping.IsCancellationRequested)
        {
            Process process;
            try
            {
                Update(s => s with { State = s.RestartCount == 0 ? ResourceState.Starting : ResourceState.Restarting, Health = ResourceHealth.Unknown });
                process = Launch();
            }
            catch (Exception exception) when (exception is System.ComponentModel.Win32Exception or InvalidOperationException or IOException)
            {
                Update(s => s with { State = ResourceState.FailedToStart, LastError = exception.Message });
                return;
            }

            var startedAt = Stopwatch.GetTimestamp();
            Update(s => s with { State = ResourceState.Running, ProcessId = process.Id });
            try
            {
                await process.WaitForExitAsync(stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            var exitCode = process.ExitCode;
            Log.Write($"process exited with code {exitCode}");
            if (stopping.IsCancellationRequested)
            {
                return;
            }

            // A clean exit is a decision (Ctrl+C reached the whole process group, or the service
            // stopped itself), not a crash: restarting it would fight the user.
            if (exitCode == 0)
            {
                Update(s => s with { State = ResourceState.Exited, Health = ResourceHealth.Unknown, ProcessId = null, LastError = null });
                return;
            }

            // A service that ran a while before dying earns a fresh backoff; one that dies at start does not.
            consecutiveCrashes = Stopwatch.GetElapsedTime(startedAt) > TimeSpan.FromSeconds(30) ? 1 : consecutiveCrashes + 1;
            var delay = TimeSpan.FromSeconds(Math.Min(MaxRestartDelay.TotalSeconds, Math.Pow(2, consecutiveCrashes - 1)));
            Update(s => s with
            {
                State = ResourceState.Exited,
                Health = ResourceHealth.Unknown,
                ProcessId = null,
                RestartCount = s.RestartCount + 1,
                LastError = $"exited with code {exitCode}; restarting in {delay.TotalSeconds:0}s",
            });
            try
            {
                await Task.Delay(delay, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private Process Launch()
    {
        var startInfo = new ProcessStartInfo(DotnetHost.Path)
        {
            WorkingDirectory = _output.ProjectDirectory,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        startInfo.ArgumentList.Add(_output.AssemblyPath);
        foreach (var (name, value) in _environment())
        {
            startInfo.Environment[name] = value;
        }

        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { Log.Write(e.Data); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { Log.Write(e.Data); } };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        lock (_gate)
        {
            _process = process;
        }

        return process;
    }

    private async Task PollHealthAsync(CancellationToken stopping)
    {
        var healthUri = new Uri(_resource.Endpoint!, _resource.HealthCheckPath);
        while (!stopping.IsCancellationRequested)
        {
            var current = Snapshot;
            if (current.State == ResourceState.Running)
            {
                var health = await ProbeAsync(healthUri, stopping).ConfigureAwait(false);
                if (health != current.Health && Snapshot.State == ResourceState.Running)
                {
                    Update(s => s with { Health = health });
                }
            }

            // Probe often until healthy (start-up latency matters), then relax.
            var interval = Snapshot.Health == ResourceHealth.Healthy ? TimeSpan.FromSeconds(2) : TimeSpan.FromMilliseconds(200);
            try
            {
                await Task.Delay(interval, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task<ResourceHealth> ProbeAsync(Uri healthUri, CancellationToken stopping)
    {
        try
        {
            using var response = await _healthClient.GetAsync(healthUri, stopping).ConfigureAwait(false);
            return response.IsSuccessStatusCode ? ResourceHealth.Healthy : ResourceHealth.Unhealthy;
        }
        catch (HttpRequestException)
        {
            return ResourceHealth.Unknown;
        }
        catch (TaskCanceledException) when (!stopping.IsCancellationRequested)
        {
            return ResourceHealth.Unhealthy;
        }
        catch (OperationCanceledException)
        {
            return ResourceHealth.Unknown;
        }
    }

    private void Update(Func<ResourceSnapshot, ResourceSnapshot> change)
    {
        ResourceSnapshot snapshot;
        TaskCompletionSource changed;
        lock (_gate)
        {
            snapshot = _snapshot = change(_snapshot);
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
        Changed?.Invoke(snapshot);
    }

    public async Task StopAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        Process? process;
        lock (_gate)
        {
            process = _process;
        }

        if (process is not null)
        {
            await StopProcessAsync(process).ConfigureAwait(false);
        }

        foreach (var task in new[] { _superviseTask, _healthTask })
        {
            if (task is not null)
            {
                await task.ConfigureAwait(false);
            }
        }

        Update(s => s with { State = ResourceState.Stopped, Health = ResourceHealth.Unknown, ProcessId = null });
    }

    internal static async Task StopProcessAsync(Process process)
    {
        try
        {
            if (process.HasExited)
            {
                return;
            }

            if (!OperatingSystem.IsWindows())
            {
                _ = NativeMethods.Kill(process.Id, NativeMethods.SIGTERM);
            }

            using var timeout = new CancellationTokenSource(GracefulStopTimeout);
            try
            {
                await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync().ConfigureAwait(false);
            }
        }
        catch (InvalidOperationException)
        {
            // Never started or already reaped.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _healthClient.Dispose();
        _stopping.Dispose();
        Log.Dispose();
        _process?.Dispose();
    }

    private static partial class NativeMethods
    {
        public const int SIGTERM = 15;

        [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
        public static partial int Kill(int pid, int signal);
    }
}
