using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Para.Contracts.Events;
using Para.ServiceDefaults.Security;

namespace Para.ContainerAuth.Events;

/// <summary><c>GET /api/events</c>: every image, container and job change of the service as server-sent events.</summary>
public static class EventsApi
{
    public static IEndpointRouteBuilder MapEventsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").RequireAuthorization(AdminKeyAuthentication.PolicyName).WithTags("Events");
        api.MapGet("/events", StreamEvents)
            .WithName("StreamContainerAuthEvents")
            .WithSummary("Server-sent events for image credentials, containers (started, stopped, fed) and jobs, with heartbeats.");
        return app;
    }

    internal static ServerSentEventsResult<ContainerAuthEvent> StreamEvents(ContainerAuthEventHub hub, IOptions<ContainerAuthOptions> options,
        TimeProvider timeProvider, CancellationToken cancellationToken) =>
        TypedResults.ServerSentEvents(ToItems(hub, options.Value.EventHeartbeatInterval, timeProvider, cancellationToken));

    private static async IAsyncEnumerable<SseItem<ContainerAuthEvent>> ToItems(ContainerAuthEventHub hub, TimeSpan heartbeat,
        TimeProvider timeProvider, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        // Subscribed before the first item: nothing published after "connected" is missed.
        var changes = hub.Subscribe(stop.Token).GetAsyncEnumerator(stop.Token);
        var next = changes.MoveNextAsync().AsTask();
        try
        {
            // Headers go out with the first item, so a client knows at once that it is subscribed,
            // and how long a silence means the stream is dead.
            yield return Item(new ContainerAuthEvent(ContainerAuthEventTypes.Connected) { Timestamp = timeProvider.GetUtcNow(), HeartbeatInterval = heartbeat });
            while (true)
            {
                using var quiet = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);
                var beat = Task.Delay(heartbeat, timeProvider, quiet.Token);
                if (await Task.WhenAny(next, beat) == beat)
                {
                    await beat; // throws when the request ended
                    yield return Item(new ContainerAuthEvent(ContainerAuthEventTypes.Heartbeat) { Timestamp = timeProvider.GetUtcNow() });
                    continue;
                }

                await quiet.CancelAsync();
                if (!await next)
                {
                    yield break;
                }

                yield return Item(changes.Current);
                next = changes.MoveNextAsync().AsTask();
            }
        }
        finally
        {
            // The pending read must end before the subscription is disposed.
            await stop.CancelAsync();
            try
            {
                await next;
            }
            catch (OperationCanceledException)
            {
            }

            await changes.DisposeAsync();
        }
    }

    private static SseItem<ContainerAuthEvent> Item(ContainerAuthEvent change) => new(change, change.Type);
}
