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

    internal static ServerSentEventsResult<AccountEvent> StreamEvents(AccountEventHub hub, CancellationToken cancellationToken) =>
        TypedResults.ServerSentEvents(ToItems(hub.Subscribe(cancellationToken), cancellationToken));

    private static async IAsyncEnumerable<SseItem<AccountEvent>> ToItems(IAsyncEnumerable<AccountEvent> events, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var accountEvent in events.WithCancellation(cancellationToken))
        {
            yield return new SseItem<AccountEvent>(accountEvent, accountEvent.Type);
        }
    }
}
