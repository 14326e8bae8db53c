using Para.Gateway.Forwarding;

// Beside AddServiceDefaults/MapDefaultEndpoints, so Program.cs needs no using for it.
namespace Microsoft.Extensions.Hosting;

public static class ForwardingEndpoints
{
    /// <summary><c>/v1/*</c>, every method: the provider's API, through the chosen account. Gateway key, not the admin key.</summary>
    public static IEndpointRouteBuilder MapForwardingEndpoints(this IEndpointRouteBuilder app)
    {
        app.Map("/v1/{**path}", static (HttpContext context, GatewayForwarder forwarder) => forwarder.ForwardAsync(context))
            .AllowAnonymous()
            .WithTags("Gateway")
            .WithName("Forward")
            .WithSummary("Forwards to the chosen account's endpoint on its credential; gateway key as Bearer or x-api-key.");
        return app;
    }
}
