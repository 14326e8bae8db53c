using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Http.HttpResults;
using Para.Contracts.Events;
using Para.ServiceDefaults.Security;

namespace Para.Accounts.Events;

public static class EventsApi
{
    public static IEndpointRouteBuilder MapEventsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").RequireAuthorization(AdminKeyAuthentication.PolicyName).WithTags("Events");
        api.MapGet("/events", StreamEvents)
            .WithName("StreamAccountEvents")
            .WithSummary("Server-sent events for every account change, so clients drop stale tokens at once.");
        return app;
    }

    internal static ServerSentEventsResult<AccountEvent> StreamEvents(AccountEventHub hub, TimeProvider timeProvider, CancellationToken cancellationToken) =>
        TypedResults.ServerSentEvents(ToItems(hub.Subscribe(cancellationToken), timeProvider.GetUtcNow(), cancellationToken));

    private static async IAsyncEnumerable<SseItem<AccountEvent>> ToItems(
        IAsyncEnumerable<AccountEvent> events, DateTimeOffset openedAt, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Headers go out with the first item: without this one a client would wait for a real change to learn it is connected.
        yield return new SseItem<AccountEvent>(new AccountEvent(AccountEventTypes.Connected, "", "", openedAt), AccountEventTypes.Connected);
        await foreach (var accountEvent in events.WithCancellation(cancellationToken))
        {
            yield return new SseItem<AccountEvent>(accountEvent, accountEvent.Type);
        }
    }
}
