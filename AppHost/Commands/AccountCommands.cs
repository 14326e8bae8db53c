using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Para.Client;
using Para.Contracts.Accounts;

namespace Para.AppHost.Commands;

/// <summary>The dashboard's commands on the <c>accounts</c> resource.</summary>
public static class AccountCommands
{
    public const string RefreshTokens = "refresh-tokens";
    public const string Reauthenticate = "reauthenticate-account";

    public static IResourceBuilder<ProjectResource> WithAccountCommands(this IResourceBuilder<ProjectResource> accounts) => accounts
        .WithCommand(RefreshTokens, "Refresh tokens now", CommandGuard.OneSentenceOnFailure(RefreshTokensAsync), new CommandOptions
        {
            Description = "Refresh every account's access token now, as the background refresher would.",
            IconName = "ArrowSync",
            IsHighlighted = true,
            UpdateState = CommandGuard.EnabledWhenHealthy,
        })
        .WithCommand(Reauthenticate, "Re-authenticate account…", CommandGuard.OneSentenceOnFailure(ReauthenticateAsync), new CommandOptions
        {
            Description = "Sign one account in again with OAuth; its priority, usage and history stay.",
            IconName = "PersonKey",
            UpdateState = CommandGuard.EnabledWhenHealthy,
        });

    private static async Task<ExecuteCommandResult> RefreshTokensAsync(ExecuteCommandContext context)
    {
        var api = context.Services.GetRequiredService<IAccountsApi>();
        using var response = await api.RefreshAuthenticationAsync(account: null, context.CancellationToken);
        if (response.IsSuccessful && response.Content is { } document)
        {
            return document.Result.Success
                ? CommandResults.Success(OneSentence(document.Result.Message))
                : CommandResults.Failure(OneSentence(document.Result.Message));
        }

        return CommandResults.Failure(response.Error is { } error ? ServiceErrors.Describe(error) : $"accounts answered {(int?)response.StatusCode}.");
    }

    /// <summary>
    /// Pick the account, open the provider's sign-in page from a link, paste the code it shows:
    /// the same OAuth flow as <c>para accounts reauth</c>, from a web page, for a headless host.
    /// </summary>
    private static async Task<ExecuteCommandResult> ReauthenticateAsync(ExecuteCommandContext context)
    {
#pragma warning disable ASPIREINTERACTION001 // The interaction service is marked experimental; it is the documented way to prompt.
        var interaction = context.Services.GetRequiredService<IInteractionService>();
        if (!interaction.IsAvailable)
        {
            return CommandResults.Failure("Re-authentication asks for the sign-in code in the dashboard, which is not running; use 'para accounts reauth NAME'.");
        }

        var api = context.Services.GetRequiredService<IAccountsApi>();
        var cancellationToken = context.CancellationToken;
        var accounts = await api.ListAccountsAsync(cancellationToken);
        if (accounts.Count == 0)
        {
            return CommandResults.Failure("There are no accounts yet; add one with 'para accounts add NAME'.");
        }

        var choice = await interaction.PromptInputAsync(
            "Re-authenticate account",
            "Choose the account to sign in again. Its priority, usage and request history are kept; only the tokens change.",
            new InteractionInput
            {
                Name = "account",
                Label = "Account",
                InputType = InputType.Choice,
                Required = true,
                Options = [.. accounts.OrderBy(account => account.Priority).Select(account => KeyValuePair.Create(account.Name, Describe(account)))],
            },
            cancellationToken: cancellationToken);
        if (choice.Canceled || choice.Data.Value is not { Length: > 0 } accountName)
        {
            return CommandResults.Canceled();
        }

        var begin = await api.BeginReauthenticationAsync(accountName, cancellationToken);
        var pasted = await interaction.PromptInputAsync(
            $"Sign in to '{begin.AccountName}'",
            $"1. [Open the sign-in page]({begin.AuthorizeUrl.AbsoluteUri}) and approve access.\n"
            + "2. Paste the code the page shows (it looks like `code#state`) below.\n\n"
            + $"The sign-in expires at {begin.ExpiresAt.ToString("HH:mm 'UTC'", CultureInfo.InvariantCulture)}.",
            new InteractionInput { Name = "code", Label = "Code", InputType = InputType.Text, Required = true, Placeholder = "code#state" },
            new InputsDialogInteractionOptions { EnableMessageMarkdown = true, PrimaryButtonText = "Sign in" },
            cancellationToken);
        if (pasted.Canceled || pasted.Data.Value is not { Length: > 0 } code)
        {
            return CommandResults.Canceled();
        }

        var account = await api.CompleteOAuthAsync(new CompleteOAuthRequest(begin.State, code.Trim(), begin.AccountName), cancellationToken);
        var until = account.Token?.ExpiresAt is { } expiresAt ? $"; its token is valid until {expiresAt.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture)}" : "";
        return CommandResults.Success($"Account '{account.Name}' is re-authenticated{until}.");
#pragma warning restore ASPIREINTERACTION001
    }

    private static string Describe(AccountView account) =>
        account.RequiresReauth ? $"{account.Name} (needs re-authentication)" : $"{account.Name} ({account.Mode}, priority {account.Priority})";

    private static string OneSentence(string message) =>
        message.ReplaceLineEndings(" ").Trim() is { Length: > 0 } line ? line : "Done.";
}
