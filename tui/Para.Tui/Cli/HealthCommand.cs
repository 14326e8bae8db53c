using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Para.Client;
using Para.Contracts;
using Para.Contracts.Health;
using Refit;

namespace Para.Tui.Cli;

/// <summary><c>para health</c>: one line per service, exit code 0 only when both are healthy.</summary>
internal static class HealthCommand
{
    public static Command Create(CliConsole console)
    {
        var command = new Command("health", "Show whether the account API and the container-auth service are healthy.");
        command.SetAction((_, cancellationToken) => RunAsync(console, cancellationToken));
        return command;
    }

    public static async Task<int> RunAsync(CliConsole console, CancellationToken cancellationToken)
    {
        using var host = ParaServices.Build();
        var services = host.Services;
        var accounts = await DescribeAsync(ServiceNames.Accounts, () => services.GetRequiredService<IAccountsApi>().GetHealthAsync(cancellationToken));
        var containerAuth = await DescribeAsync(ServiceNames.ContainerAuth, () => services.GetRequiredService<IContainerAuthApi>().GetHealthAsync(cancellationToken));
        console.Out.WriteLine(accounts.Line);
        console.Out.WriteLine(containerAuth.Line);
        return accounts.Healthy && containerAuth.Healthy ? 0 : 1;
    }

    private static async Task<(string Line, bool Healthy)> DescribeAsync(string name, Func<Task<IApiResponse<HealthDocument>>> call)
    {
        try
        {
            using var response = await call();
            if (!response.IsReceived)
            {
                // Refit reports a refused connection as an unreceived response, not an exception.
                return ($"{name,-15} unreachable: {response.Error?.InnerException?.Message ?? response.Error?.Message}", false);
            }

            if (response.IsSuccessful && response.Content is { } document)
            {
                return ($"{name,-15} {document.Status}", document.IsHealthy);
            }

            var reason = response.StatusCode is null && response.Error?.InnerException is { } cause
                ? ServiceErrors.Describe(cause)
                : $"{(int?)response.StatusCode} {response.ReasonPhrase}";
            return ($"{name,-15} {reason}", false);
        }
        catch (Exception exception) when (exception is HttpRequestException or InvalidOperationException or TaskCanceledException or Polly.Timeout.TimeoutRejectedException)
        {
            return ($"{name,-15} unreachable: {exception.Message}", false);
        }
    }
}
