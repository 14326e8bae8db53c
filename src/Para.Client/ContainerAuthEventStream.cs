using System.Net.Http.Headers;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Para.Contracts.Events;

namespace Para.Client;

/// <summary>
/// Reads the container-auth service's event stream (<c>GET /api/events</c>, <c>text/event-stream</c>):
/// image credential changes, containers started, stopped and fed, and jobs. The stream opens with
/// <c>connected</c>, which says how often the server sends a heartbeat; heartbeats are consumed
/// here, and a stream silent for <see cref="MissedHeartbeats"/> intervals is treated as dead
/// (<see cref="EventStreamSilentException"/>), so a reader notices a connection that hangs instead
/// of waiting on it for ever.
/// </summary>
public static class ContainerAuthEventStream
{
    /// <summary>How many heartbeat intervals of silence mean the stream is dead.</summary>
    public const int MissedHeartbeats = 3;

    /// <summary>The silence allowed before <c>connected</c> says otherwise.</summary>
    public static readonly TimeSpan DefaultSilenceLimit = TimeSpan.FromSeconds(45);

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    /// <summary>Opens the stream with <paramref name="client"/> (its base address is container-auth's; its handlers add the admin key).</summary>
    public static async IAsyncEnumerable<ContainerAuthEvent> ReadAsync(HttpClient client, TimeProvider? timeProvider = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/events", UriKind.Relative));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            await foreach (var change in ReadAsync(stream, timeProvider, cancellationToken).ConfigureAwait(false))
            {
                yield return change;
            }
        }
    }

    /// <summary>Parses an already open stream; the SSE event type wins over the body's <c>type</c>.</summary>
    public static async IAsyncEnumerable<ContainerAuthEvent> ReadAsync(Stream stream, TimeProvider? timeProvider = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var silence = DefaultSilenceLimit;
        using var quiet = new CancellationTokenSource(Timeout.InfiniteTimeSpan, timeProvider ?? TimeProvider.System);
        using var reading = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, quiet.Token);
        quiet.CancelAfter(silence);
        var parser = SseParser.Create(stream, (_, data) => JsonSerializer.Deserialize<ContainerAuthEvent>(data, JsonOptions));
        await using var items = parser.EnumerateAsync(reading.Token).GetAsyncEnumerator(reading.Token);
        while (true)
        {
            bool more;
            try
            {
                more = await items.MoveNextAsync().ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (quiet.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new EventStreamSilentException(silence);
            }

            if (!more)
            {
                yield break;
            }

            if (items.Current.Data is not { } change)
            {
                continue;
            }

            if (!string.IsNullOrEmpty(items.Current.EventType) && items.Current.EventType != SseParser.EventTypeDefault)
            {
                change = change with { Type = items.Current.EventType };
            }

            if (change is { Type: ContainerAuthEventTypes.Connected, HeartbeatInterval: { } interval } && interval > TimeSpan.Zero)
            {
                silence = interval * MissedHeartbeats;
            }

            quiet.CancelAfter(silence);
            if (change.Type != ContainerAuthEventTypes.Heartbeat)
            {
                yield return change;
            }
        }
    }
}

/// <summary>The event stream sent nothing, not even a heartbeat, for longer than the server promised.</summary>
public sealed class EventStreamSilentException(TimeSpan silence)
    : TimeoutException($"the event stream sent nothing for {silence.TotalSeconds:0.#} s (not even a heartbeat); reconnecting")
{
    public TimeSpan Silence { get; } = silence;
}
