using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Para.Contracts.ContainerAuth;

namespace Para.Client;

/// <summary>Reads the container-auth service's job events (<c>text/event-stream</c>) as they arrive.</summary>
public static class JobEventStream
{
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    public static async IAsyncEnumerable<JobEvent> ReadAsync(Stream stream, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var parser = SseParser.Create(stream, (_, data) => JsonSerializer.Deserialize<JobEvent>(data, JsonOptions));
        await foreach (var item in parser.EnumerateAsync(cancellationToken))
        {
            if (item.Data is { } jobEvent)
            {
                yield return jobEvent;
            }
        }
    }
}
