using Microsoft.Extensions.DependencyInjection;
using Para.Client;
using Para.Contracts.Accounts;
using Para.Tui.Tests.Infrastructure;

namespace Para.Tui.Tests.EndToEnd;

/// <summary>The real <c>para</c> binary in tmux against both real services started by the real AppHost (Aspire test host).</summary>
[Collection(ParaServicesCollection.Name)]
public sealed class ConsoleAgainstServicesTests(ParaServicesFixture services)
{
    [Fact]
    public async Task Para_shows_a_signed_in_account_live_opens_help_and_quits_cleanly()
    {
        // A real account: OAuth begun through the API, signed in at the test provider, completed.
        var name = $"e2e-{Guid.NewGuid():N}"[..12];
        using (var clients = services.CreateClients())
        {
            var accounts = clients.GetRequiredService<IAccountsApi>();
            var begun = await accounts.AddAccountAsync(new AddAccountRequest(name, AccountModes.Max, 2));
            await accounts.CompleteOAuthAsync(new CompleteOAuthRequest(begun.State, await services.OAuth.SignInAsync(begun.AuthorizeUrl)));
        }

        // Polling every ten minutes: whatever changes on screen after the first load came by the event stream.
        var environment = new Dictionary<string, string>(services.ConsoleEnvironment) { ["Para__Console__PollInterval"] = "00:10:00" };
        using var tmux = TmuxSession.StartPara(environment);

        var screen = tmux.WaitFor(
            s => s.Contains(name, StringComparison.Ordinal) && s.Contains("accounts ● up", StringComparison.Ordinal)
                && s.Contains("container-auth ● up", StringComparison.Ordinal),
            TimeSpan.FromSeconds(40),
            "the account and both services up");
        var row = screen.Split('\n').Single(line => line.Contains(name, StringComparison.Ordinal));
        Assert.Contains("max", row, StringComparison.Ordinal);
        Assert.Contains("ok", row, StringComparison.Ordinal);

        // The event stream is live: a change made elsewhere shows without a key press.
        tmux.WaitForText("events: live", TimeSpan.FromSeconds(20));
        using (var clients = services.CreateClients())
        {
            await clients.GetRequiredService<IAccountsApi>().UpdateAccountAsync(name, new UpdateAccountRequest(Paused: true));
        }

        tmux.WaitFor(
            s => s.Split('\n').Any(line => line.Contains(name, StringComparison.Ordinal) && line.Contains("paused", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(15),
            "the account shown paused after the event");

        tmux.AssertHelpOpensThenQuitLeavesTerminalClean();
    }
}
