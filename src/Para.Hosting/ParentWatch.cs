using System.Runtime.InteropServices;

namespace Para.Hosting;

/// <summary>
/// When the AppHost runs under <c>dotnet run</c> and that process is killed, the AppHost is
/// re-parented; it notices and stops its children rather than live on unseen.
/// </summary>
internal static partial class ParentWatch
{
    public static async Task StopWhenOrphanedAsync(CancellationTokenSource shutdown)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var parent = GetParentProcessId();
        try
        {
            while (!shutdown.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), shutdown.Token).ConfigureAwait(false);
                if (GetParentProcessId() != parent)
                {
                    await shutdown.CancelAsync().ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }

    [LibraryImport("libc", EntryPoint = "getppid")]
    private static partial int GetParentProcessId();
}
