using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Para.Client;
using Para.Contracts.Accounts;
using Refit;

namespace Para.Tui.Cli;

/// <summary>
/// <c>para accounts list | add | reauth | remove | pause | resume | priority</c> and the seed's
/// <c>para --reauthenticate NAME</c>. Everything goes through the account API's Refit client.
/// </summary>
internal static class AccountsCommands
{
    public const string NoBrowserVariable = "PARA_NO_BROWSER";

    public static Command Create(CliConsole console, TextReader input)
    {
        var accounts = new Command("accounts", "List, add, re-authenticate and manage accounts.");

        var list = new Command("list", "List accounts: priority, state, token expiry and fingerprint (never a token).");
        list.SetAction((_, cancellationToken) => RunAsync(console, api => ListAsync(console, api, cancellationToken)));
        accounts.Subcommands.Add(list);

        var addName = new Argument<string>("NAME") { Description = "A name for the account (letters, digits, '.', '_', '-')." };
        var mode = new Option<string>("--mode") { Description = "max (Claude subscription) or console (Console organisation).", DefaultValueFactory = _ => AccountModes.Max };
        mode.AcceptOnlyFromAmong(AccountModes.Max, AccountModes.Console);
        var priority = new Option<int>("--priority") { Description = "Lower is used first.", DefaultValueFactory = _ => 0 };
        var addCode = CodeOption();
        var addState = StateOption();
        var add = new Command("add", "Add an account: sign in with OAuth in the browser, then paste the code.") { addName, mode, priority, addCode, addState };
        add.SetAction((parse, cancellationToken) => RunAsync(console, api => AddAsync(
            console, input, api, parse.GetValue(addName)!, parse.GetValue(mode)!, parse.GetValue(priority), parse.GetValue(addCode), parse.GetValue(addState), cancellationToken)));
        accounts.Subcommands.Add(add);

        var reauthName = new Argument<string>("NAME") { Description = "The account to sign in again." };
        var reauthCode = CodeOption();
        var reauthState = StateOption();
        var reauth = new Command("reauth", "Sign an existing account in again; its name, priority, usage and history stay.") { reauthName, reauthCode, reauthState };
        reauth.SetAction((parse, cancellationToken) =>
            ReauthenticateAsync(console, input, parse.GetValue(reauthName)!, parse.GetValue(reauthCode), parse.GetValue(reauthState), cancellationToken));
        accounts.Subcommands.Add(reauth);

        accounts.Subcommands.Add(Simple(console, "remove", "Remove an account and its tokens.", async (api, name, token) =>
        {
            await api.RemoveAccountAsync(name, token);
            return $"Account '{name}' removed";
        }));
        accounts.Subcommands.Add(Simple(console, "pause", "Take an account out of rotation.", async (api, name, token) =>
            $"Account '{(await api.UpdateAccountAsync(name, new UpdateAccountRequest(Paused: true), token)).Name}' paused"));
        accounts.Subcommands.Add(Simple(console, "resume", "Put a paused account back into rotation.", async (api, name, token) =>
            $"Account '{(await api.UpdateAccountAsync(name, new UpdateAccountRequest(Paused: false), token)).Name}' resumed"));

        var priorityName = new Argument<string>("NAME");
        var priorityValue = new Argument<int>("N") { Description = "The new priority; lower is used first." };
        var setPriority = new Command("priority", "Set an account's priority.") { priorityName, priorityValue };
        setPriority.SetAction((parse, cancellationToken) => RunAsync(console, async api =>
        {
            var account = await api.UpdateAccountAsync(parse.GetValue(priorityName)!, new UpdateAccountRequest(Priority: parse.GetValue(priorityValue)), cancellationToken);
            console.Out.WriteLine($"Account '{account.Name}' priority {account.Priority}");
            return 0;
        }));
        accounts.Subcommands.Add(setPriority);
        return accounts;
    }

    /// <summary>The seed's spelling: <c>para --reauthenticate NAME</c>.</summary>
    public static Option<string> ReauthenticateOption() => new("--reauthenticate")
    {
        Description = "Sign the named account in again, keeping its statistics (same as 'para accounts reauth NAME').",
    };

    public static Task<int> ReauthenticateAsync(CliConsole console, TextReader input, string name, string? code, string? state, CancellationToken cancellationToken) =>
        RunAsync(console, async api =>
        {
            console.Out.WriteLine($"Re-authenticating account: {name}");
            var begin = string.IsNullOrWhiteSpace(code) ? await api.BeginReauthenticationAsync(name, cancellationToken) : null;
            var account = await CompleteAsync(console, input, api, begin, code, state, cancellationToken);
            if (account is null)
            {
                return 1;
            }

            console.Out.WriteLine($"Account '{account.Name}' has been successfully re-authenticated ({TokenLine(account)})");
            // Best effort, as the seed says: the API already told its subscribers; this repeats it explicitly.
            var reload = await api.ReloadAccountAsync(account.Id, cancellationToken);
            console.Out.WriteLine(reload.Success ? "Token cache has been cleared for running servers" : reload.Message);
            return 0;
        });

    private static async Task<int> AddAsync(
        CliConsole console, TextReader input, IAccountsApi api, string name, string mode, int priority, string? code, string? state, CancellationToken cancellationToken)
    {
        var begin = string.IsNullOrWhiteSpace(code) ? await api.AddAccountAsync(new AddAccountRequest(name, mode, priority), cancellationToken) : null;
        var account = await CompleteAsync(console, input, api, begin, code, state, cancellationToken);
        if (account is null)
        {
            return 1;
        }

        console.Out.WriteLine($"Account '{account.Name}' added ({account.Mode}, priority {account.Priority}, {TokenLine(account)})");
        return 0;
    }

    /// <summary>Shows the URL and asks for the code, unless <c>--code</c> already carries it.</summary>
    private static async Task<AccountView?> CompleteAsync(
        CliConsole console, TextReader input, IAccountsApi api, OAuthBeginResponse? begin, string? code, string? state, CancellationToken cancellationToken)
    {
        if (begin is not null)
        {
            state = begin.State;
            console.Out.WriteLine("Open this URL in a browser and sign in:");
            console.Out.WriteLine(begin.AuthorizeUrl.AbsoluteUri);
            TryOpenBrowser(begin.AuthorizeUrl);
            await console.Out.WriteAsync("Enter the authorization code: ");
            await console.Out.FlushAsync(cancellationToken);
            code = (await input.ReadLineAsync(cancellationToken))?.Trim();
            if (string.IsNullOrEmpty(code))
            {
                console.Fail("no authorization code entered; run the command again to start over");
                return null;
            }
        }
        else if (string.IsNullOrWhiteSpace(state) && !code!.Contains('#', StringComparison.Ordinal))
        {
            console.Fail("--code needs the state too: paste it as code#state, as the provider's page shows it, or add --state");
            return null;
        }

        return await api.CompleteOAuthAsync(new CompleteOAuthRequest(state, code!), cancellationToken);
    }

    private static async Task<int> ListAsync(CliConsole console, IAccountsApi api, CancellationToken cancellationToken)
    {
        var accounts = await api.ListAccountsAsync(cancellationToken);
        if (accounts.Count == 0)
        {
            console.Out.WriteLine("No accounts. Add one with: para accounts add NAME");
            return 0;
        }

        console.Out.WriteLine($"{"NAME",-20} {"MODE",-8} {"PRIO",4}  {"STATE",-16} {"EXPIRES (UTC)",-17} {"TOKEN",-19} REQUESTS");
        var now = DateTimeOffset.UtcNow;
        foreach (var account in accounts)
        {
            var expires = account.Token?.ExpiresAt.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) ?? "-";
            console.Out.WriteLine(
                $"{account.Name,-20} {account.Mode,-8} {account.Priority,4}  {StateOf(account, now),-16} {expires,-17} {account.Token?.Fingerprint ?? "-",-19} {account.Usage.TotalRequests}");
        }

        return 0;
    }

    private static string StateOf(AccountView account, DateTimeOffset now) => account switch
    {
        { RequiresReauth: true } => "requires-reauth",
        { Paused: true } => "paused",
        { Token: null } => "no-token",
        { Token.ExpiresAt: var expiresAt } when expiresAt <= now => "expired",
        _ => "ok",
    };

    private static string TokenLine(AccountView account) =>
        account.Token is { } token ? $"token {token.Fingerprint} expires {token.ExpiresAt:u}" : "no token";

    private static Command Simple(CliConsole console, string name, string description, Func<IAccountsApi, string, CancellationToken, Task<string>> run)
    {
        var argument = new Argument<string>("NAME");
        var command = new Command(name, description) { argument };
        command.SetAction((parse, cancellationToken) => RunAsync(console, async api =>
        {
            console.Out.WriteLine(await run(api, parse.GetValue(argument)!, cancellationToken));
            return 0;
        }));
        return command;
    }

    private static Option<string?> CodeOption() => new("--code") { Description = "The code the provider's page shows (code#state); skips the prompt." };

    private static Option<string?> StateOption() => new("--state") { Description = "The state of an earlier begin, when --code is a bare code." };

    /// <summary>Runs one API conversation; any failure becomes one line and exit code 1.</summary>
    private static async Task<int> RunAsync(CliConsole console, Func<IAccountsApi, Task<int>> action)
    {
        try
        {
            using var host = ParaServices.Build();
            return await action(host.Services.GetRequiredService<IAccountsApi>());
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            return console.Fail(Describe(exception));
        }
    }

    /// <summary>A problem details body becomes "title: detail (providerError)"; anything else goes to <see cref="CliErrors"/>.</summary>
    internal static string Describe(Exception exception)
    {
        if (exception is ApiException { Content: { Length: > 0 } content } && ServiceErrors.ProblemSentence(content) is { } sentence)
        {
            return sentence;
        }

        // Refit wraps transport failures of calls that return a value; the inner exception says what happened.
        return exception is not ApiException && exception.InnerException is HttpRequestException transport
            ? CliErrors.Describe(transport)
            : CliErrors.Describe(exception);
    }

    /// <summary>Opens the browser where there is one; silently does nothing where there is none.</summary>
    private static void TryOpenBrowser(Uri url)
    {
        if (Console.IsOutputRedirected || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(NoBrowserVariable)))
        {
            return;
        }

        try
        {
            using var process = Process.Start(new ProcessStartInfo(url.AbsoluteUri) { UseShellExecute = true });
        }
        catch (Exception exception) when (exception is System.ComponentModel.Win32Exception or InvalidOperationException or PlatformNotSupportedException)
        {
            // No browser here (a server, a container): the URL is printed above.
        }
    }
}
