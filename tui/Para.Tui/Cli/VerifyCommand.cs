using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Para.Client;
using Para.Contracts.ContainerAuth;

namespace Para.Tui.Cli;

/// <summary><c>para verify &lt;image|container&gt;</c>: the seed's "test after reauthentication"; exit 0 only when every check passes.</summary>
internal static class VerifyCommand
{
    public static Command Create(CliConsole console)
    {
        var target = new Argument<string>("target") { Description = "An image (para-authenticated:latest) or a container." };
        var check = new Option<string?>("--command") { Description = "Check command run in a throwaway container (default: the service's, claude --help)." };
        var command = new Command("verify", "Check the credentials in an image or container, then run a check command.") { target, check };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var host = ParaServices.Build();
            var result = await host.Services.GetRequiredService<IContainerAuthApi>()
                .VerifyAsync(new VerifyRequest(parse.GetValue(target)!, parse.GetValue(check)), cancellationToken);
            foreach (var item in result.Checks)
            {
                console.Out.WriteLine($"{(item.Passed ? "ok  " : "FAIL")}  {item.Name,-15} {item.Detail}");
            }

            return result.Passed ? 0 : console.Fail($"{result.Kind} {result.Target} failed verification");
        });
        return command;
    }
}
