using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Para.Client;
using Para.Contracts.ContainerAuth;

namespace Para.Tui.Cli;

/// <summary><c>para images list|build|authenticate</c>.</summary>
internal static class ImagesCommands
{
    public static Command Create(CliConsole console)
    {
        var images = new Command("images", "Para's images: list, build a repo's custom image, authenticate one.");
        images.Subcommands.Add(List(console));
        images.Subcommands.Add(Build(console));
        images.Subcommands.Add(Authenticate(console));
        return images;
    }

    private static Command List(CliConsole console)
    {
        var command = new Command("list", "Every para image with its credential status and expiry.");
        command.SetAction(async (_, cancellationToken) =>
        {
            using var host = ParaServices.Build();
            var images = await host.Services.GetRequiredService<IContainerAuthApi>().ListImagesAsync(cancellationToken);
            console.Out.WriteLine($"{"IMAGE",-45} {"CREDENTIALS",-11} {"ACCOUNT",-16} EXPIRES");
            foreach (var image in images)
            {
                console.Out.WriteLine($"{image.Name,-45} {image.CredentialStatus,-11} {image.Account ?? "-",-16} {image.ExpiresAt?.ToString("u", CultureInfo.InvariantCulture) ?? "-"}{(image.Stale == true ? "  stale: the account's token changed since" : "")}");
            }

            return 0;
        });
        return command;
    }

    private static Command Build(CliConsole console)
    {
        var repo = new Argument<string>("repo") { Description = "The repository holding .para/Dockerfile.custom.", DefaultValueFactory = _ => "." };
        var command = new Command("build", "Build para-<repo>:latest from <repo>/.para/Dockerfile.custom.") { repo };
        command.SetAction((parse, cancellationToken) => AuthCommands.RunJobAsync(console,
            api => api.BuildImageAsync(new BuildImageRequest(Path.GetFullPath(parse.GetValue(repo)!)), cancellationToken),
            cancellationToken));
        return command;
    }

    private static Command Authenticate(CliConsole console)
    {
        var image = new Argument<string>("image") { Description = "The image to authenticate, such as para-myrepo:latest." };
        var account = new Option<string?>("--account", "-a") { Description = "Use this account instead of para-authenticated:latest's credentials." };
        var command = new Command("authenticate", "Make <name>-authenticated:latest with fresh credentials.") { image, account };
        command.SetAction((parse, cancellationToken) => AuthCommands.RunJobAsync(console,
            api => api.AuthenticateImageAsync(new AuthenticateImageRequest(parse.GetValue(image)!, parse.GetValue(account)), cancellationToken),
            cancellationToken));
        return command;
    }
}
