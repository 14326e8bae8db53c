namespace Para.ContainerAuth.Propagation;

/// <summary>
/// Asks the feeding pass to run now instead of at the end of its interval: a para container
/// started, stopped or went away (engine events), or the engine's stream came back. Requests made
/// while a pass runs fold into one more pass.
/// </summary>
public sealed class FeedPassSignal
{
    private readonly SemaphoreSlim _requested = new(0, 1);

    public void Request()
    {
        try
        {
            _requested.Release();
        }
        catch (SemaphoreFullException)
        {
            // A pass is already asked for.
        }
    }

    /// <summary>Waits for a request or <paramref name="interval"/>, whichever comes first; false when stopping.</summary>
    public async Task<bool> WaitAsync(TimeSpan interval, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        using var wake = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var elapsed = Task.Delay(interval, timeProvider, wake.Token);
        var requested = _requested.WaitAsync(wake.Token);
        await Task.WhenAny(elapsed, requested);
        await wake.CancelAsync();
        try
        {
            await requested;
        }
        catch (OperationCanceledException)
        {
        }

        try
        {
            await elapsed;
        }
        catch (OperationCanceledException)
        {
        }

        return !cancellationToken.IsCancellationRequested;
    }
}
