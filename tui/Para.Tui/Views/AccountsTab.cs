using Para.Tui.ViewModels;
using Terminal.Gui.Drawing;
using Terminal.Gui.Input;

namespace Para.Tui.Views;

/// <summary>Tab 1: every account with its live status and token countdown; status is coloured. Its keys act on the selected account.</summary>
internal sealed class AccountsTab(TableState<AccountRow> state, IConsoleHost host, ConsolePalette palette)
    : TableTab<AccountRow>("1 Accounts", state, host, palette)
{
    private const int StatusColumn = 3;
    private const int ExpiresColumn = 4;

    protected override IEnumerable<ConsoleCommand> OwnCommands() =>
    [
        new("r", "Reauth", "re-authenticate the selected account", [new Key('r')],
            _ => OnSelected(account => Host.OpenOAuth(new ReauthViewModel(Host.Model.Data, Host.Model.Time, account.Name)))) { InStatusBar = true },
        new("b", "Bulk", "reauth every account that needs it, one by one", [new Key('b')], _ => ReauthEveryone()),
        new("f", "Refresh", "refresh the selected account's tokens now", [new Key('f')], _ => OnSelected(account =>
        {
            Host.Report($"Refreshing {account.Name}…");
            Host.Act(Host.Model.Refresh(account));
        }))
        { InStatusBar = true },
        new("p", "Pause", "pause or resume the selected account", [new Key('p')], _ => OnSelected(account => Host.Act(Host.Model.TogglePause(account)))),
        new("+ / -", "Prio", "raise or lower the selected account's priority", [new Key('+'), new Key('-')],
            key => OnSelected(account => Host.Act(Host.Model.ChangePriority(account, key.GetPrintableText() == "-" ? -1 : +1)))),
        new("d", "Delete", "delete the selected account (asks first)", [new Key('d')], _ => OnSelected(account =>
            Host.Open(new ConfirmDialog("Delete account", $"Delete {account.Name}? Its tokens and statistics are removed for good.", () => Host.Act(Host.Model.Delete(account)))))),
        new("Enter", "Details", "details of the selected account", [Key.Enter], _ => OnSelected(account =>
            Host.Open(new AccountDetailsDialog(new AccountDetailsViewModel(Host.Model.Data, account), Host.Work, Host.Model.Now)))),
    ];

    protected override bool HasColouredColumn(int column) => column is StatusColumn or ExpiresColumn;

    protected override Scheme? CellScheme(int column, AccountRow row) =>
        Palette.ForAccount(AccountStatusRules.Classify(row, Now()));

    /// <summary>The console's <c>para accounts reauth --all</c>: one round per account that requires it, Esc skips one.</summary>
    private void ReauthEveryone()
    {
        var sitting = new BulkReauthViewModel(Host.Model.Data, Host.Model.Time, State.All);
        if (sitting.Due.Count == 0)
        {
            Host.Report("No account requires re-authentication; nothing to do.");
            return;
        }

        NextRound(sitting);
    }

    private void NextRound(BulkReauthViewModel sitting)
    {
        if (sitting.Next() is { } round)
        {
            Host.OpenOAuth(round, () =>
            {
                sitting.Finished(round);
                NextRound(sitting);
            });
        }
        else
        {
            Host.Report($"Re-authentication: {sitting.Summary}.", isError: sitting.Failed > 0);
        }
    }

    private void OnSelected(Action<AccountRow> action)
    {
        if (Selected is { } account)
        {
            action(account);
        }
        else
        {
            Host.Report("There is no account to act on yet.", isError: true);
        }
    }
}
