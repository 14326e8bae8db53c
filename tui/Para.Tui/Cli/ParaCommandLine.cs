using System.CommandLine;
using Para.Client;

namespace Para.Tui.Cli;

/// <summary>The <c>para</c> command line: each feature adds its command group here.</summary>
internal static class ParaCommandLine
{
    public static async Task<int> InvokeAsync(string[] args, TextWriter? output = null, TextWriter? error = null)
    {
        var console = new CliConsole(output ?? Console.Out, error ?? Console.Error);
        var root = new RootCommand("Para keeps Claude Code authentication alive across accounts and containers.");
        root.Subcommands.Add(HealthCommand.Create(console));
        root.Subcommands.Add(AuthCommands.Create(console));
        root.Subcommands.Add(ImagesCommands.Create(console));
        root.Subcommands.Add(ContainersCommands.Create(console));
        root.Subcommands.Add(VerifyCommand.Create(console));
        root.Subcommands.Add(AccountsCommands.Create(console, Console.In));
        root.Subcommands.Add(GatewayCommands.Create(console));
        var reauthenticate = AccountsCommands.ReauthenticateOption();
        root.Options.Add(reauthenticate);
        root.SetAction((parse, cancellationToken) => parse.GetValue(reauthenticate) is { Length: > 0 } name
            ? AccountsCommands.ReauthenticateAsync(console, Console.In, name, cancellationToken)
            : HealthCommand.RunAsync(console, cancellationToken));

        var configuration = new InvocationConfiguration
        {
            Output = console.Out,
            Error = console.Error,
            // Errors are one line (below), never the default handler's stack trace.
            EnableDefaultExceptionHandler = false,
        };
        try
        {
            var parse = root.Parse(args);
            if (parse.Errors.Count > 0)
            {
                // One line, like every other error, instead of the help text followed by the error.
                return console.Fail(string.Join(' ', parse.Errors[0].Message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)));
            }

            return await parse.InvokeAsync(configuration, CancellationToken.None);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            return console.Fail(ServiceErrors.Describe(exception));
        }
    }
}
