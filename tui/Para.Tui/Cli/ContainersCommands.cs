using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Para.Client;
using Para.Contracts.ContainerAuth;

namespace Para.Tui.Cli;

/// <summary><c>para containers list|reauth|feed|assign|unassign</c>.</summary>
internal static class ContainersCommands
{
    public static Command Create(CliConsole console)
    {
        var containers = new Command("containers", "Para's containers: list them, reauthenticate one in place.");
        containers.Subcommands.Add(List(console));
        containers.Subcommands.Add(Reauth(console));
        containers.Subcommands.Add(Feed(console));
        containers.Subcommands.Add(Assign(console));
        containers.Subcommands.Add(Unassign(console));
        return containers;
    }

    private static Command List(CliConsole console)
    {
        var command = new Command("list", "Every para container with the credentials inside it.");
        command.SetAction(async (_, cancellationToken) =>
        {
            using var host = ParaServices.Build();
            var containers = await host.Services.GetRequiredService<IContainerAuthApi>().ListContainersAsync(cancellationToken);
            console.Out.WriteLine($"{"CONTAINER",-30} {"STATE",-10} {"CREDENTIALS",-11} {"EXPIRES",-20} {"ACCOUNT",-24} IMAGE");
            foreach (var container in containers)
            {
                var account = container.Account is null ? "no account" : $"{container.Account} ({container.AccountSource})";
                console.Out.WriteLine($"{container.Name,-30} {container.State,-10} {container.CredentialStatus,-11} {container.ExpiresAt?.ToString("u", CultureInfo.InvariantCulture) ?? "-",-20} {account,-24} {container.Image}");
            }

            return 0;
        });
        return command;
    }

    private static Command Feed(CliConsole console)
    {
        var account = new Argument<string?>("account") { Description = "Only this account's containers (default: every account).", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("feed", "The current access token into every running container that uses the account, in place (no restart).") { account };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var host = ParaServices.Build();
            var report = await host.Services.GetRequiredService<IContainerAuthApi>().FeedContainersAsync(parse.GetValue(account), cancellationToken);
            foreach (var outcome in report.Outcomes)
            {
                console.Out.WriteLine($"{outcome.Container,-30} {outcome.Account,-16} {(outcome.Fed ? "fed" : "FAILED"),-7} {outcome.Message}");
            }

            foreach (var name in report.WithoutAccount ?? [])
            {
                console.Out.WriteLine($"{name,-30} {"no account",-16} {"skipped",-7} para containers assign {name} ACCOUNT");
            }

            console.Out.WriteLine(report.Containers == 0
                ? "No running para container uses " + (report.Account is null ? "any account." : $"account '{report.Account}'.")
                : $"Fed {report.Fed} of {report.Containers} running containers in {report.Took.TotalMilliseconds:0} ms.");
            return report.Fed == report.Containers ? 0 : 1;
        });
        return command;
    }

    private static Command Assign(CliConsole console)
    {
        var container = new Argument<string>("container") { Description = "A para container (name starts with para-)." };
        var account = new Argument<string>("account") { Description = "The account it uses from now on, whatever its labels say." };
        var command = new Command("assign", "The account a container uses from now on; a running one is fed its token at once.") { container, account };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var host = ParaServices.Build();
            var result = await host.Services.GetRequiredService<IContainerAuthApi>()
                .AssignAccountAsync(parse.GetValue(container)!, new ContainerAccountRequest(parse.GetValue(account)!), cancellationToken);
            return Print(console, result);
        });
        return command;
    }

    private static Command Unassign(CliConsole console)
    {
        var container = new Argument<string>("container") { Description = "A para container (name starts with para-)." };
        var command = new Command("unassign", "Drops a container's assignment: its labels decide its account again.") { container };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var host = ParaServices.Build();
            return Print(console, await host.Services.GetRequiredService<IContainerAuthApi>().UnassignAccountAsync(parse.GetValue(container)!, cancellationToken));
        });
        return command;
    }

    /// <summary>One line; a feed that failed is an error (the assignment itself stands).</summary>
    private static int Print(CliConsole console, ContainerAccountResult result)
    {
        if (result.Feed is { Fed: false })
        {
            return console.Fail(result.Message);
        }

        console.Out.WriteLine(result.Message);
        return 0;
    }

    private static Command Reauth(CliConsole console)
    {
        var container = new Argument<string>("container") { Description = "A para container (name starts with para-)." };
        var account = new Option<string?>("--account", "-a") { Description = "Account (default: the one its image names)." };
        var commit = new Option<string?>("--commit") { Description = "Also commit the container as this image (name:tag)." };
        var restart = new Option<bool>("--restart") { Description = "Restart it, so nothing keeps using cached credentials." };
        var command = new Command("reauth", "Fresh credentials into a running container, in place.") { container, account, commit, restart };
        command.SetAction((parse, cancellationToken) => AuthCommands.RunJobAsync(console,
            api => api.ReauthContainerAsync(parse.GetValue(container)!,
                new ContainerReauthRequest(parse.GetValue(account), parse.GetValue(commit), parse.GetValue(restart)), cancellationToken),
            cancellationToken));
        return command;
    }
}
