using System.Net.Http.Headers;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Para.Contracts.Events;

namespace Para.Client;

/// <summary>
/// Reads the account API's change feed (<c>GET /api/events</c>, <c>text/event-stream</c>). The
/// stream opens with a <c>connected</c> event, so a reader knows it is subscribed before any change.
/// </summary>
public static class AccountEventStream
{
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// Opens the stream with the given client (its base address is the account API's; its handlers
    /// add the admin key). Only the headers are awaited; the body is read as events arrive.
    /// </summary>
    public static async IAsyncEnumerable<AccountEvent> ReadAsync(HttpClient client, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/events", UriKind.Relative));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            await foreach (var accountEvent in ReadAsync(stream, cancellationToken).ConfigureAwait(false))
            {
                yield return accountEvent;
            }
        }
    }

    /// <summary>Parses an already open stream; the SSE event type wins over the body's <c>type</c>.</summary>
    public static async IAsyncEnumerable<AccountEvent> ReadAsync(Stream stream, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var parser = SseParser.Create(stream, (_, data) => JsonSerializer.Deserialize<AccountEvent>(data, JsonOptions));
        await foreach (var item in parser.EnumerateAsync(cancellationToken).ConfigureAwait(false))
        {
            if (item.Data is { } accountEvent)
            {
                yield return string.IsNullOrEmpty(item.EventType) || item.EventType == SseParser.EventTypeDefault
                    ? accountEvent
                    : accountEvent with { Type = item.EventType };
            }
        }
    }
}
