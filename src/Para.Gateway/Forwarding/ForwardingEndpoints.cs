using Para.Gateway.Forwarding;

// Beside AddServiceDefaults/MapDefaultEndpoints, so Program.cs needs no using for it.
namespace Microsoft.Extensions.Hosting;

public static class ForwardingEndpoints
{
    /// <summary>
    /// Authentication for every path but <c>/v1/*</c>. Every service's default scheme is the admin
    /// key, which a client of the gateway never sends: on the forwarding path it only failed, once
    /// per request, before the forwarder checked the gateway key anyway. The admin endpoints
    /// (<c>/health</c>, status) still authenticate here, and their policy names the admin-key
    /// scheme, so they would refuse a wrong key even without this middleware.
    /// </summary>
    public static WebApplication UseAuthenticationExceptForForwarding(this WebApplication app)
    {
        app.UseWhen(static context => !IsForwarding(context.Request.Path), static branch => branch.UseAuthentication());
        // UseAuthentication in a branch does not mark the application, and the host would then add
        // it once more in front of everything (its own marker, AuthAppBuilderExtensions).
        ((IApplicationBuilder)app).Properties["__AuthenticationMiddlewareSet"] = true;
        app.UseAuthorization();
        return app;
    }

    internal static bool IsForwarding(PathString path) => path.StartsWithSegments("/v1");

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
