using Para.Contracts.Gateway;
using Para.Gateway;
using Para.Gateway.Accounts;
using Para.Gateway.Events;
using Para.ServiceDefaults.Security;

// Beside AddServiceDefaults/MapDefaultEndpoints, so Program.cs needs no using for it.
namespace Microsoft.Extensions.Hosting;

public static class GatewayStatusEndpoints
{
    /// <summary><c>GET /api/gateway/status</c> (admin key): the numbers the console's Health tab shows.</summary>
    public static IEndpointRouteBuilder MapGatewayStatusEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/gateway/status", GetStatus)
            .RequireAuthorization(AdminKeyAuthentication.PolicyName)
            .WithTags("Gateway")
            .WithName("GetGatewayStatus")
            .WithSummary("Requests, retries, failovers, resting accounts and whether the account feed is connected.");
        return app;
    }

    internal static GatewayStatus GetStatus(
        GatewayTelemetry telemetry, AccountSelector selector, AccountEventsFollower events, Para.Gateway.Limits.AccountLimitsTracker limits, TimeProvider timeProvider) => new(
        timeProvider.GetUtcNow(),
        telemetry.Requests,
        telemetry.Retries,
        telemetry.Failovers,
        telemetry.Rejected,
        events.Connected,
        [.. selector.Resting().Select(pair => new RestingAccount(pair.Key, pair.Value))],
        limits.All);
}
