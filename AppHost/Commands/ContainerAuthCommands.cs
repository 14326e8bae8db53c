using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Para.Client;
using Para.Contracts.ContainerAuth;

namespace Para.AppHost.Commands;

/// <summary>The dashboard's commands on the <c>container-auth</c> resource.</summary>
public static partial class ContainerAuthCommands
{
    public const string ReauthAll = "reauth-all";
    public const string CleanupTemporary = "cleanup-temporary";

    public static IResourceBuilder<ProjectResource> WithContainerAuthCommands(this IResourceBuilder<ProjectResource> containerAuth) => containerAuth
        .WithCommand(ReauthAll, "Re-authenticate all images and containers", CommandGuard.OneSentenceOnFailure(ReauthAllAsync), new CommandOptions
        {
            Description = "Write fresh credentials into the authenticated image, every custom para image and every running para container.",
            ConfirmationMessage = "Write fresh credentials into every para image and running para container now?",
            IconName = "KeyMultiple",
            IsHighlighted = true,
            UpdateState = CommandGuard.EnabledWhenHealthy,
        })
        .WithCommand(CleanupTemporary, "Clean up temporary containers", CommandGuard.OneSentenceOnFailure(CleanupTemporaryAsync), new CommandOptions
        {
            Description = "Remove the temporary containers an interrupted authentication job left behind; images and volumes stay.",
            IconName = "Broom",
            UpdateState = CommandGuard.EnabledWhenHealthy,
        });

    private static async Task<ExecuteCommandResult> ReauthAllAsync(ExecuteCommandContext context)
    {
        var api = context.Services.GetRequiredService<IContainerAuthApi>();
        var started = await api.ReauthAllAsync(new ReauthAllRequest(IncludeContainers: true), context.CancellationToken);
        // Each step lands in the resource's console log, so the dashboard shows the progress.
        var finished = await api.FollowToEndAsync(started,
            step => LogStep(context.Logger, step.Step, (int)Math.Round(step.Progress * 100), step.Message ?? ""),
            context.CancellationToken);
        return Outcome(finished);
    }

    internal static ExecuteCommandResult Outcome(JobInfo job)
    {
        var result = job.Result is { ValueKind: JsonValueKind.Object } json
            ? json.Deserialize<ReauthAllResult>(JsonSerializerOptions.Web)
            : null;
        if (result is null)
        {
            return CommandResults.Failure($"Re-authentication failed: {job.Error?.TrimEnd('.') ?? $"job {job.Id} ended {job.State}"}.");
        }

        var total = result.Succeeded + result.Failed;
        if (result.Failed == 0)
        {
            var containers = result.Items.Count(item => item.Kind == "container");
            return CommandResults.Success(
                $"Re-authenticated {Count(total - containers, "image")} and {Count(containers, "running container")}.");
        }

        var first = result.Items.First(item => !item.Succeeded);
        return CommandResults.Failure($"{result.Failed} of {total} failed; the first, {first.Source}: {first.Error?.TrimEnd('.')}.");
    }

    private static string Count(int count, string noun) => count == 1 ? $"1 {noun}" : $"{count} {noun}s";

    private static async Task<ExecuteCommandResult> CleanupTemporaryAsync(ExecuteCommandContext context)
    {
        var api = context.Services.GetRequiredService<IContainerAuthApi>();
        var result = await api.CleanupAsync(new CleanupRequest(TemporaryOnly: true), context.CancellationToken);
        return CommandResults.Success(result.Containers.Count switch
        {
            0 => "There were no temporary containers to remove.",
            1 => $"Removed 1 temporary container ({result.Containers[0]}).",
            var count => $"Removed {count} temporary containers.",
        });
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "reauth-all: {Percent,3}% {Step} {Message}")]
    private static partial void LogStep(ILogger logger, string step, int percent, string message);
}
