using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Para.AppHost.Commands;

internal static class CommandStates
{
    /// <summary>A command that calls a service can only work once the service answers as healthy.</summary>
    public static ResourceCommandState EnabledWhenHealthy(UpdateCommandStateContext context) =>
        context.ResourceSnapshot.HealthStatus is HealthStatus.Healthy ? ResourceCommandState.Enabled : ResourceCommandState.Disabled;
}
