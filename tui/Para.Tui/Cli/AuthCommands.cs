using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Para.Client;
using Para.Contracts.ContainerAuth;

namespace Para.Tui.Cli;

/// <summary><c>para auth setup|reauth|cleanup|status|reauth-all</c>: the seed's workflows for the base image.</summary>
internal static class AuthCommands
{
    public static Command Create(CliConsole console)
    {
        var auth = new Command("auth", "Authenticate the para base image and keep it fresh.");
        auth.Subcommands.Add(Status(console));
        auth.Subcommands.Add(Setup(console));
        auth.Subcommands.Add(Reauth(console));
        auth.Subcommands.Add(Cleanup(console));
        auth.Subcommands.Add(ReauthAll(console));
        return auth;
    }

    private static Command Status(CliConsole console)
    {
        var command = new Command("status", "Engine, base and authenticated image, account and expiry.");
        command.SetAction(async (_, cancellationToken) =>
        {
            using var host = ParaServices.Build();
            var status = await host.Services.GetRequiredService<IContainerAuthApi>().GetAuthStatusAsync(cancellationToken);
            if (!status.EngineReachable)
            {
                // The images are unknown, not missing: say only what is known.
                console.Out.WriteLine("engine          unreachable");
                return console.Fail(status.EngineProblem ?? "The Docker engine is unreachable.");
            }

            console.Out.WriteLine($"engine          docker {status.EngineVersion}");
            console.Out.WriteLine($"base image      {status.BaseImage} {(status.BaseImagePresent ? "present" : "missing")}");
            console.Out.WriteLine($"authenticated   {status.AuthenticatedImage} {(status.AuthenticatedImagePresent ? "present" : "missing")}");
            if (status.AuthenticatedImagePresent)
            {
                console.Out.WriteLine($"account         {status.Account ?? "(unknown)"}");
                console.Out.WriteLine($"written at      {status.AuthenticatedAt?.ToString("u", CultureInfo.InvariantCulture) ?? "(unknown)"}");
                console.Out.WriteLine($"expires         {status.ExpiresAt?.ToString("u", CultureInfo.InvariantCulture) ?? "(unknown)"} ({Describe(status.ExpiresIn)}, {status.CredentialStatus})");
            }

            return status.AuthenticatedImagePresent && status.CredentialStatus != CredentialStatus.Expired ? 0 : 1;
        });
        return command;
    }

    private static Command Setup(CliConsole console)
    {
        var account = new Option<string>("--account", "-a") { Description = "The account whose credentials go in.", Required = true };
        var baseImage = new Option<string?>("--base-image") { Description = "Base image (default: the service's, para-claude:latest)." };
        var force = new Option<bool>("--force") { Description = "Replace an existing authenticated image." };
        var command = new Command("setup", "Base image + an account's credentials → para-authenticated:latest.") { account, baseImage, force };
        command.SetAction((parse, cancellationToken) => RunJobAsync(console,
            api => api.SetupAsync(new SetupRequest(parse.GetValue(account)!, parse.GetValue(baseImage), parse.GetValue(force)), cancellationToken),
            cancellationToken));
        return command;
    }

    private static Command Reauth(CliConsole console)
    {
        var account = new Option<string?>("--account", "-a") { Description = "Account (default: the one in the current authenticated image)." };
        var removeContainers = new Option<bool>("--remove-containers") { Description = "Remove containers started from the old image." };
        var command = new Command("reauth", "Fresh credentials into a new para-authenticated:latest.") { account, removeContainers };
        command.SetAction((parse, cancellationToken) => RunJobAsync(console,
            api => api.ReauthAsync(new ReauthRequest(parse.GetValue(account), parse.GetValue(removeContainers)), cancellationToken),
            cancellationToken, job =>
            {
                if (job.Result is { } json && json.Deserialize<ImageResult>(JsonSerializerOptions.Web) is { } result
                    && result.ContainersFromOldImage.Count > result.RemovedContainers.Count)
                {
                    console.Out.WriteLine($"still on the old image: {string.Join(", ", result.ContainersFromOldImage.Except(result.RemovedContainers))}");
                }
            }));
        return command;
    }

    private static Command Cleanup(CliConsole console)
    {
        var dryRun = new Option<bool>("--dry-run") { Description = "Only list what would be removed." };
        var temporary = new Option<bool>("--temporary") { Description = "Only the temporary containers an interrupted job left behind." };
        var command = new Command("cleanup", "Remove authenticated images, Para's temporary containers and para-auth-* volumes.") { dryRun, temporary };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var host = ParaServices.Build();
            var result = await host.Services.GetRequiredService<IContainerAuthApi>().CleanupAsync(
                new CleanupRequest(parse.GetValue(dryRun), TemporaryOnly: parse.GetValue(temporary)), cancellationToken);
            var verb = result.DryRun ? "would remove" : "removed";
            foreach (var (kind, names) in new[] { ("image", result.Images), ("container", result.Containers), ("volume", result.Volumes) })
            {
                foreach (var name in names)
                {
                    console.Out.WriteLine($"{verb} {kind} {name}");
                }
            }

            console.Out.WriteLine($"{verb} {result.Images.Count} image(s), {result.Containers.Count} container(s), {result.Volumes.Count} volume(s)");
            return 0;
        });
        return command;
    }

    private static Command ReauthAll(CliConsole console)
    {
        var account = new Option<string?>("--account", "-a") { Description = "Account (default: the one in the authenticated image)." };
        var containers = new Option<bool>("--include-containers") { Description = "Also reauthenticate running para containers in place." };
        var parallel = new Option<int?>("--parallel") { Description = "How many images at once (default: the service's, 4)." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Only list what would be reauthenticated." };
        var images = new Argument<string[]>("images")
        {
            Description = "Para images to include besides the ones Para manages (built or authenticated by Para).",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var command = new Command("reauth-all", "The base, then the custom images Para manages and the ones named (and running containers), a few at a time.")
        {
            images, account, containers, parallel, dryRun,
        };
        ReauthAllRequest Request(ParseResult parse) =>
            new(parse.GetValue(account), parse.GetValue(containers), parse.GetValue(parallel), parse.GetValue(images) ?? []);
        command.SetAction((parse, cancellationToken) => parse.GetValue(dryRun) ? PlanReauthAllAsync(console, Request(parse), cancellationToken) : RunJobAsync(console,
            api => api.ReauthAllAsync(Request(parse), cancellationToken),
            cancellationToken, job =>
            {
                if (job.Result is { } json && json.Deserialize<ReauthAllResult>(JsonSerializerOptions.Web) is { } result)
                {
                    foreach (var item in result.Items)
                    {
                        console.Out.WriteLine(item.Succeeded
                            ? $"ok      {item.Kind,-9} {item.Source} → {item.Target} ({item.Duration.TotalSeconds:0.0}s)"
                            : $"FAILED  {item.Kind,-9} {item.Source}: {item.Error}");
                    }

                    console.Out.WriteLine($"{result.Succeeded} succeeded, {result.Failed} failed");
                }
            }));
        return command;
    }

    private static async Task<int> PlanReauthAllAsync(CliConsole console, ReauthAllRequest request, CancellationToken cancellationToken)
    {
        using var host = ParaServices.Build();
        var plan = await host.Services.GetRequiredService<IContainerAuthApi>().PlanReauthAllAsync(request, cancellationToken);
        foreach (var item in plan.Items)
        {
            console.Out.WriteLine($"would reauth  {item.Kind,-9} {item.Source} → {item.Target}");
        }

        foreach (var image in plan.Unmanaged)
        {
            console.Out.WriteLine($"would skip    {"image",-9} {image} (not managed by Para; name it to include it)");
        }

        console.Out.WriteLine($"{plan.Items.Count} item(s) with the credentials of {plan.Account}, {plan.Unmanaged.Count} skipped");
        return 0;
    }

    /// <summary>Starts a job, draws its progress, prints a summary, and maps its outcome to an exit code.</summary>
    public static async Task<int> RunJobAsync(CliConsole console, Func<IContainerAuthApi, Task<JobInfo>> start, CancellationToken cancellationToken,
        Action<JobInfo>? summarize = null)
    {
        using var host = ParaServices.Build();
        var api = host.Services.GetRequiredService<IContainerAuthApi>();
        var job = await JobProgress.FollowAsync(api, await start(api), console, cancellationToken);
        summarize?.Invoke(job);
        return JobProgress.ExitCode(job, console);
    }

    private static string Describe(TimeSpan? span) => span switch
    {
        null => "unknown",
        { } s when s < TimeSpan.Zero => $"expired {Length(-s)} ago",
        { } s => $"in {Length(s)}",
    };

    private static string Length(TimeSpan span) =>
        span.TotalDays >= 1 ? $"{(int)span.TotalDays}d {span.Hours}h" : $"{(int)span.TotalHours}h {span.Minutes}m";
}
