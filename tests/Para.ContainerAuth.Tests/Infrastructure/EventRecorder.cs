using System.Text.Json;
using Para.Client;
using Para.Contracts.Events;

namespace Para.ContainerAuth.Tests.Infrastructure;

/// <summary>
/// Follows <c>GET /api/events</c> of a test host with the client reader the console uses, and
/// keeps every event with its JSON, so a test can wait for one (bounded, real time) and check
/// what went over the wire.
/// </summary>
public sealed class EventRecorder : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly List<ContainerAuthEvent> _events = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _reading;
    private TaskCompletionSource _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public EventRecorder(ContainerAuthHost host)
    {
        // The host's clock: silence is judged on the time the test moves, as the server's heartbeats are.
        _reading = ReadAsync(host.CreateAdminClient(), host.Time);
    }

    public Exception? Failure { get; private set; }

    public IReadOnlyList<ContainerAuthEvent> Events
    {
        get
        {
            lock (_gate)
            {
                return [.. _events];
            }
        }
    }

    /// <summary>Every event as JSON, the way it crossed the wire (web defaults).</summary>
    public string Json => string.Join('\n', Events.Select(change => JsonSerializer.Serialize(change, JsonSerializerOptions.Web)));

    public Task<ContainerAuthEvent> ConnectedAsync() => WaitForAsync(change => change.Type == ContainerAuthEventTypes.Connected);

    /// <summary>The first event (seen so far or still to come) that matches, within <paramref name="timeout"/> (default 20 s).</summary>
    public async Task<ContainerAuthEvent> WaitForAsync(Func<ContainerAuthEvent, bool> match, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            Task arrived;
            lock (_gate)
            {
                if (_events.FirstOrDefault(match) is { } found)
                {
                    return found;
                }

                arrived = _arrived.Task;
            }

            var left = deadline - DateTime.UtcNow;
            if (Failure is not null || left <= TimeSpan.Zero || await Task.WhenAny(arrived, Task.Delay(left)) != arrived)
            {
                throw new Xunit.Sdk.XunitException($"No matching event within the time (stream failure: {Failure?.Message ?? "none"}). Seen:\n{Json}");
            }
        }
    }

    private async Task ReadAsync(HttpClient client, TimeProvider time)
    {
        try
        {
            await foreach (var change in ContainerAuthEventStream.ReadAsync(client, time, _stop.Token))
            {
                lock (_gate)
                {
                    _events.Add(change);
                    var arrived = _arrived;
                    _arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    arrived.TrySetResult();
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
        catch (Exception exception)
        {
            Failure = exception;
            lock (_gate)
            {
                _arrived.TrySetResult();
            }
        }
        finally
        {
            client.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _reading;
        _stop.Dispose();
    }
}
