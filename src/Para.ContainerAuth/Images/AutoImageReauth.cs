using Microsoft.Extensions.Options;
using Para.ContainerAuth.Jobs;

namespace Para.ContainerAuth.Images;

/// <summary>
/// <c>autoReauthImages</c>: after an account's tokens change, its stale authenticated images are
/// made again through the reauth-all workflow, as one <c>images-auto-reauth</c> job (so it shows in
/// the jobs list). Debounced per account: the job starts <see cref="ContainerAuthOptions.AutoReauthImagesDelay"/>
/// after the last change of a burst; a change during a run leads to one more run after it.
/// </summary>
public sealed partial class AutoImageReauth(
    ReauthAllOperation reauthAll,
    JobRunner jobs,
    IOptions<ContainerAuthOptions> options,
    TimeProvider timeProvider,
    ILogger<AutoImageReauth> logger) : IDisposable
{
    public const string JobKind = "images-auto-reauth";

    private readonly Lock _gate = new();
    private readonly Dictionary<string, ITimer> _waiting = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _running = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _changedWhileRunning = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The account's tokens changed (refresh, re-authentication, reload). Returns at once.</summary>
    public void TokensChanged(string account)
    {
        if (!options.Value.AutoReauthImages)
        {
            return;
        }

        var delay = options.Value.AutoReauthImagesDelay;
        lock (_gate)
        {
            if (_running.Contains(account))
            {
                _changedWhileRunning.Add(account);
            }
            else if (_waiting.TryGetValue(account, out var timer))
            {
                timer.Change(delay, Timeout.InfiniteTimeSpan);
            }
            else
            {
                _waiting[account] = timeProvider.CreateTimer(_ => Start(account), null, delay, Timeout.InfiniteTimeSpan);
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var timer in _waiting.Values)
            {
                timer.Dispose();
            }

            _waiting.Clear();
        }
    }

    private void Start(string account)
    {
        lock (_gate)
        {
            if (_waiting.Remove(account, out var timer))
            {
                timer.Dispose();
            }

            _running.Add(account);
        }

        _ = Task.Run(() => RunAsync(account));
    }

    private async Task RunAsync(string account)
    {
        try
        {
            var (plan, withoutSource) = await reauthAll.PlanStaleAsync(account, CancellationToken.None);
            foreach (var image in withoutSource)
            {
                LogNoSource(logger, image, account);
            }

            if (plan.Items.Count > 0)
            {
                var job = jobs.Start(JobKind, account, (job, ct) => reauthAll.RunAsync(plan, null, job, ct));
                // Waited for, so a change during the run is one more run after it, never two at once.
                await foreach (var _ in job.ReadEventsAsync(CancellationToken.None))
                {
                }
            }
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // The engine or the account API away: the images stay stale (the list says so) until the next change.
            LogFailed(logger, account, JobRunner.OneLine(exception));
        }
        finally
        {
            bool again;
            lock (_gate)
            {
                _running.Remove(account);
                again = _changedWhileRunning.Remove(account);
            }

            if (again)
            {
                TokensChanged(account);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Image {Image} of account {Account} is stale but the image it was made from is gone; not re-baked")]
    private static partial void LogNoSource(ILogger logger, string image, string account);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Re-baking the images of account {Account} failed: {Reason}")]
    private static partial void LogFailed(ILogger logger, string account, string reason);
}
