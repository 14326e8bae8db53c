using Microsoft.Extensions.Diagnostics.HealthChecks;
using Para.Client;

namespace Para.AppHost.Commands;

/// <summary>What every Para command shares: when it may run, and how a failed call reads.</summary>
internal static class CommandGuard
{
    /// <summary>A command that calls a service can only work once the service answers as healthy.</summary>
    public static ResourceCommandState EnabledWhenHealthy(UpdateCommandStateContext context) =>
        context.ResourceSnapshot.HealthStatus is HealthStatus.Healthy ? ResourceCommandState.Enabled : ResourceCommandState.Disabled;

    /// <summary>A service that refuses, is unreachable or times out is the dashboard's one sentence, not an exception.</summary>
    public static Func<ExecuteCommandContext, Task<ExecuteCommandResult>> OneSentenceOnFailure(
        Func<ExecuteCommandContext, Task<ExecuteCommandResult>> command) => async context =>
    {
        try
        {
            return await command(context);
        }
        catch (Exception exception) when (exception is HttpRequestException or Refit.ApiException or TaskCanceledException)
        {
            return CommandResults.Failure(ServiceErrors.Describe(exception));
        }
    };
}
