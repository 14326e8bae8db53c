using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Para.Client;
using Para.Contracts.Accounts;

namespace Para.Tui.Cli;

/// <summary>
/// <c>para accounts list | add | reauth | refresh | remove | pause | resume | priority</c> and the
/// seed's <c>para --reauthenticate NAME</c>. Everything goes through the account API's Refit client,
/// and every completion names the account it is for, so a code of another sign-in changes nothing.
/// </summary>
internal static class AccountsCommands
{
    public const string NoBrowserVariable = "PARA_NO_BROWSER";

    private static readonly JsonSerializerOptions ListJson = new(JsonSerializerDefaults.Web) { WriteIndented = true };
    private static readonly JsonSerializerOptions LineJson = new(JsonSerializerDefaults.Web);

    public static Command Create(CliConsole console, TextReader input)
    {
        var accounts = new Command("accounts", "List, add, re-authenticate and manage accounts.");

        var listJson = JsonOption("Every account as JSON (the API's account views; never a token).");
        var list = new Command("list", "List accounts: priority, status, token expiry and fingerprint (never a token).") { listJson };
        list.SetAction((parse, cancellationToken) => RunAsync(console, api => ListAsync(console, api, parse.GetValue(listJson), cancellationToken)));
        accounts.Subcommands.Add(list);

        var addName = new Argument<string>("NAME") { Description = "A name for the account (letters, digits, '.', '_', '-')." };
        var mode = new Option<string>("--mode") { Description = "max (Claude subscription) or console (Console organisation).", DefaultValueFactory = _ => AccountModes.Max };
        mode.AcceptOnlyFromAmong(AccountModes.Max, AccountModes.Console);
        var priority = new Option<int>("--priority") { Description = "Lower is used first.", DefaultValueFactory = _ => 0 };
        var addCode = CodeOption();
        var addState = StateOption();
        var addPrintUrl = PrintUrlOption();
        var addJson = JsonOption("With --print-url: {accountName, authorizeUrl, state, expiresAt} on one line.");
        var add = new Command("add", "Add an account: sign in with OAuth in the browser, then paste the code.") { addName, mode, priority, addCode, addState, addPrintUrl, addJson };
        add.SetAction((parse, cancellationToken) =>
        {
            var name = parse.GetValue(addName)!;
            var sign = new SignIn(parse.GetValue(addCode), parse.GetValue(addState), parse.GetValue(addPrintUrl), parse.GetValue(addJson));
            return RunAsync(console, api => AddAsync(console, input, api, name, parse.GetValue(mode)!, parse.GetValue(priority), sign, cancellationToken));
        });
        accounts.Subcommands.Add(add);

        var reauthName = new Argument<string?>("NAME") { Description = "The account to sign in again.", Arity = ArgumentArity.ZeroOrOne };
        var reauthCode = CodeOption();
        var reauthState = StateOption();
        var reauthPrintUrl = PrintUrlOption();
        var reauthJson = JsonOption("With --print-url: {accountName, authorizeUrl, state, expiresAt} on one line.");
        var all = new Option<bool>("--all") { Description = "Every account that requires re-authentication, one after another: URL, paste, result, next." };
        var expiring = new Option<bool>("--expiring") { Description = "With --all: also the accounts whose token is expiring or expired." };
        var reauth = new Command("reauth", "Sign an existing account in again; its name, priority, usage and history stay.")
        {
            reauthName, reauthCode, reauthState, reauthPrintUrl, reauthJson, all, expiring,
        };
        reauth.SetAction((parse, cancellationToken) =>
        {
            var name = parse.GetValue(reauthName);
            var sign = new SignIn(parse.GetValue(reauthCode), parse.GetValue(reauthState), parse.GetValue(reauthPrintUrl), parse.GetValue(reauthJson));
            if (parse.GetValue(all))
            {
                return name is not null || sign.Code is not null || sign.State is not null || sign.PrintUrl || sign.Json
                    ? Task.FromResult(console.Fail("--all walks every account that needs it and prompts for each code: give no NAME, --code, --state, --print-url or --json"))
                    : RunAsync(console, api => ReauthenticateAllAsync(console, input, api, parse.GetValue(expiring), cancellationToken));
            }

            if (parse.GetValue(expiring))
            {
                return Task.FromResult(console.Fail("--expiring goes with --all"));
            }

            return string.IsNullOrWhiteSpace(name)
                ? Task.FromResult(console.Fail("name the account to sign in again, or use --all"))
                : ReauthenticateAsync(console, input, name, sign, cancellationToken);
        });
        accounts.Subcommands.Add(reauth);

        var refreshName = new Argument<string>("NAME") { Description = "The account whose tokens to refresh now." };
        var refresh = new Command("refresh", "Refresh an account's tokens now; refused while the last refresh is cooling down.") { refreshName };
        refresh.SetAction((parse, cancellationToken) => RunAsync(console, api => RefreshAsync(console, api, parse.GetValue(refreshName)!, cancellationToken)));
        accounts.Subcommands.Add(refresh);

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

    public static Task<int> ReauthenticateAsync(CliConsole console, TextReader input, string name, CancellationToken cancellationToken) =>
        ReauthenticateAsync(console, input, name, new SignIn(null, null, false, false), cancellationToken);

    private static Task<int> ReauthenticateAsync(CliConsole console, TextReader input, string name, SignIn sign, CancellationToken cancellationToken) =>
        RunAsync(console, async api =>
        {
            if (sign.Problem() is { } problem)
            {
                return console.Fail(problem);
            }

            OAuthBeginResponse? begin = null;
            if (sign.Code is null)
            {
                begin = await api.BeginReauthenticationAsync(name, cancellationToken);
                if (sign.PrintUrl)
                {
                    return PrintBegin(console, begin, sign.Json);
                }

                // Only now is it true: the account exists and its sign-in has begun.
                console.Out.WriteLine($"Re-authenticating account: {begin.AccountName}");
            }

            var account = await CompleteAsync(console, input, api, name, begin, sign, cancellationToken);
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
        CliConsole console, TextReader input, IAccountsApi api, string name, string mode, int priority, SignIn sign, CancellationToken cancellationToken)
    {
        if (sign.Problem() is { } problem)
        {
            return console.Fail(problem);
        }

        var begin = sign.Code is null ? await api.AddAccountAsync(new AddAccountRequest(name, mode, priority), cancellationToken) : null;
        if (begin is not null && sign.PrintUrl)
        {
            return PrintBegin(console, begin, sign.Json);
        }

        var account = await CompleteAsync(console, input, api, name, begin, sign, cancellationToken);
        if (account is null)
        {
            return 1;
        }

        console.Out.WriteLine($"Account '{account.Name}' added ({account.Mode}, priority {account.Priority}, {TokenLine(account)})");
        return 0;
    }

    /// <summary>
    /// <c>--print-url</c>: the URL alone on standard output (or one JSON line), nothing to answer;
    /// the user finishes later with <c>--code 'code#state'</c>.
    /// </summary>
    private static int PrintBegin(CliConsole console, OAuthBeginResponse begin, bool json)
    {
        console.Out.WriteLine(json
            ? JsonSerializer.Serialize(new { begin.AccountName, AuthorizeUrl = begin.AuthorizeUrl.AbsoluteUri, begin.State, begin.ExpiresAt }, LineJson)
            : begin.AuthorizeUrl.AbsoluteUri);
        return 0;
    }

    /// <summary>Shows the URL and asks for the code, unless <c>--code</c> already carries it; then completes for <paramref name="name"/>.</summary>
    private static async Task<AccountView?> CompleteAsync(
        CliConsole console, TextReader input, IAccountsApi api, string name, OAuthBeginResponse? begin, SignIn sign, CancellationToken cancellationToken)
    {
        var pasted = sign.Code;
        var state = sign.State;
        if (begin is not null)
        {
            state = begin.State;
            console.Out.WriteLine("Open this URL in a browser and sign in:");
            console.Out.WriteLine(begin.AuthorizeUrl.AbsoluteUri);
            TryOpenBrowser(begin.AuthorizeUrl);
            await console.Out.WriteAsync("Enter the authorization code: ");
            await console.Out.FlushAsync(cancellationToken);
            pasted = (await input.ReadLineAsync(cancellationToken))?.Trim();
            if (string.IsNullOrEmpty(pasted))
            {
                console.Fail("no authorization code entered; run the command again to start over");
                return null;
            }
        }

        var code = PastedCode.Parse(pasted);
        if (code.Code.Length == 0)
        {
            console.Fail("--code is empty: paste what the provider's page shows (code#state)");
            return null;
        }

        if (string.IsNullOrWhiteSpace(state) && code.State is null)
        {
            console.Fail("--code needs the state too: paste it as code#state, as the provider's page shows it, or add --state");
            return null;
        }

        // The pasted text goes as it is: the API reads it with the same PastedCode and refuses a state
        // that differs from the begun one, or a sign-in that is not this account's.
        return await api.CompleteOAuthAsync(new CompleteOAuthRequest(string.IsNullOrWhiteSpace(state) ? null : state, pasted!.Trim(), name), cancellationToken);
    }

    /// <summary>
    /// <c>reauth --all</c>: every account that requires re-authentication (with <paramref name="expiring"/>,
    /// also the expiring and expired ones), in list order, in one sitting. An empty line skips an
    /// account; the end of the input stops. Exit code 1 when any sign-in failed.
    /// </summary>
    private static async Task<int> ReauthenticateAllAsync(CliConsole console, TextReader input, IAccountsApi api, bool expiring, CancellationToken cancellationToken)
    {
        var due = (await api.ListAccountsAsync(cancellationToken)).Where(account => NeedsSignIn(account, expiring)).ToList();
        if (due.Count == 0)
        {
            console.Out.WriteLine(expiring
                ? "No account requires re-authentication or is expiring; nothing to do."
                : "No account requires re-authentication; nothing to do (add --expiring to include expiring and expired ones).");
            return 0;
        }

        console.Out.WriteLine($"{due.Count} account{(due.Count == 1 ? "" : "s")} to sign in again. For each: open the URL, sign in, paste the code; an empty line skips it.");
        int signedIn = 0, skipped = 0, failed = 0, notDone = 0;
        for (var index = 0; index < due.Count; index++)
        {
            var account = due[index];
            console.Out.WriteLine();
            console.Out.WriteLine($"[{index + 1}/{due.Count}] {account.Name} ({StatusOf(account)})");
            try
            {
                var begin = await api.BeginReauthenticationAsync(account.Id, cancellationToken);
                console.Out.WriteLine(begin.AuthorizeUrl.AbsoluteUri);
                await console.Out.WriteAsync("Enter the authorization code (empty line skips): ");
                await console.Out.FlushAsync(cancellationToken);
                var line = await input.ReadLineAsync(cancellationToken);
                if (line is null)
                {
                    console.Out.WriteLine();
                    console.Out.WriteLine("Input ended; stopping here.");
                    notDone = due.Count - index;
                    break;
                }

                if (line.Trim().Length == 0)
                {
                    console.Out.WriteLine($"Skipped {account.Name}");
                    skipped++;
                    continue;
                }

                var pasted = PastedCode.Parse(line);
                if (pasted.Code.Length == 0)
                {
                    failed++;
                    console.Fail($"{account.Name}: the pasted text has no code before '#'");
                    continue;
                }

                var done = await api.CompleteOAuthAsync(new CompleteOAuthRequest(begin.State, line.Trim(), account.Name), cancellationToken);
                console.Out.WriteLine($"Account '{done.Name}' has been successfully re-authenticated ({TokenLine(done)})");
                signedIn++;
            }
            catch (Exception exception) when (exception is not OutOfMemoryException and not OperationCanceledException)
            {
                failed++;
                console.Fail($"{account.Name}: {ServiceErrors.Describe(exception)}");
            }
        }

        console.Out.WriteLine();
        console.Out.WriteLine($"{signedIn} signed in, {skipped} skipped, {failed} failed{(notDone > 0 ? $", {notDone} not done (input ended)" : "")}");
        return failed > 0 ? 1 : 0;
    }

    private static bool NeedsSignIn(AccountView account, bool expiring) =>
        account.RequiresReauth || (expiring && account.Status is TokenStatuses.Expiring or TokenStatuses.Expired);

    private static async Task<int> RefreshAsync(CliConsole console, IAccountsApi api, string name, CancellationToken cancellationToken)
    {
        using var response = await api.RefreshAuthenticationAsync(name, cancellationToken);
        if (response is not { IsSuccessful: true, Content.Result: { } result })
        {
            // 429 "Refresh cooling down: try again in N s", 404 unknown account, or the transport's sentence.
            return console.Fail(response.Error is { } error ? ServiceErrors.Describe(error) : $"accounts answered {(int?)response.StatusCode}: {response.ReasonPhrase}");
        }

        if (!result.Success)
        {
            return console.Fail(result.Message);
        }

        console.Out.WriteLine(result.Message);
        return 0;
    }

    private static async Task<int> ListAsync(CliConsole console, IAccountsApi api, bool json, CancellationToken cancellationToken)
    {
        var accounts = await api.ListAccountsAsync(cancellationToken);
        if (json)
        {
            console.Out.WriteLine(JsonSerializer.Serialize(accounts, ListJson));
            return 0;
        }

        if (accounts.Count == 0)
        {
            console.Out.WriteLine("No accounts. Add one with: para accounts add NAME");
            return 0;
        }

        console.Out.WriteLine($"{"NAME",-20} {"MODE",-8} {"PRIO",4}  {"STATUS",-16} {"EXPIRES (UTC)",-17} {"TOKEN",-19} REQUESTS");
        foreach (var account in accounts)
        {
            var expires = account.Token?.ExpiresAt.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) ?? "-";
            console.Out.WriteLine(
                $"{account.Name,-20} {account.Mode,-8} {account.Priority,4}  {StatusOf(account),-16} {expires,-17} {account.Token?.Fingerprint ?? "-",-19} {account.Usage.TotalRequests}");
        }

        return 0;
    }

    /// <summary>The service's token status, with "paused" on top as the console shows it: requires-reauth still wins.</summary>
    private static string StatusOf(AccountView account) =>
        account.Paused && account.Status != TokenStatuses.RequiresReauth ? "paused" : account.Status;

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

    private static Option<bool> PrintUrlOption() => new("--print-url") { Description = "Only begin: print the sign-in URL (one line) and exit; finish later with --code 'code#state'." };

    private static Option<bool> JsonOption(string description) => new("--json") { Description = description };

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
            return console.Fail(ServiceErrors.Describe(exception));
        }
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

    /// <summary>How a sign-in command was asked to run: finish with a code, or begin (and maybe only print the URL).</summary>
    private sealed record SignIn(string? Code, string? State, bool PrintUrl, bool Json)
    {
        public string? Problem() => this switch
        {
            { PrintUrl: true, Code: not null } => "--print-url begins a sign-in and --code finishes one: use one of them",
            { Json: true, PrintUrl: false } => "--json goes with --print-url",
            { State: not null, Code: null } => "--state goes with --code",
            _ => null,
        };
    }
}
