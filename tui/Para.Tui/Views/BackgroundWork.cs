using Para.Tui.ViewModels;
using Terminal.Gui.App;

namespace Para.Tui.Views;

/// <summary>
/// Runs <see cref="ConsoleWork"/> on the thread pool and applies its result on the UI thread with
/// <see cref="IApplication.Invoke(Action)"/>, so the UI thread never waits on the network. A keyed
/// piece of work runs once at a time: a poll that finds the last one still running skips it.
/// </summary>
internal sealed class BackgroundWork(IApplication app, CancellationToken stopping)
{
    private readonly HashSet<string> _busy = new(StringComparer.Ordinal);
    private readonly List<Task> _running = [];
    private readonly Lock _gate = new();

    /// <summary>Starts the work unless work with the same key is still running. Call on the UI thread.</summary>
    public bool Run(string? key, ConsoleWork work, Action? then = null)
    {
        if (key is not null && !_busy.Add(key))
        {
            return false;
        }

        var task = Task.Run(async () =>
        {
            Action apply;
            try
            {
                apply = await work(stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }

            Post(() =>
            {
                if (key is not null)
                {
                    _busy.Remove(key);
                }

                apply();
                then?.Invoke();
            });
        });
        lock (_gate)
        {
            _running.RemoveAll(t => t.IsCompleted);
            _running.Add(task);
        }

        return true;
    }

    /// <summary>Queues an action for the UI thread; quietly dropped once the console is closing.</summary>
    public void Post(Action action)
    {
        if (stopping.IsCancellationRequested)
        {
            return;
        }

        try
        {
            app.Invoke(action);
        }
        catch (Exception exception) when (exception is InvalidOperationException or ObjectDisposedException)
        {
            // The application shut down while the work was in flight.
        }
    }

    /// <summary>True when no started work is still running off the UI thread (its result may still be queued).</summary>
    public bool IsIdle
    {
        get
        {
            lock (_gate)
            {
                _running.RemoveAll(t => t.IsCompleted);
                return _running.Count == 0;
            }
        }
    }
}
