using Para.Tui.ViewModels;
using Terminal.Gui.Drawing;

namespace Para.Tui.Views;

/// <summary>Tab 1: every account with its live status and token countdown; status is coloured.</summary>
internal sealed class AccountsTab(TableState<AccountRow> state, Func<DateTimeOffset> now, ConsolePalette palette)
    : TableTab<AccountRow>("1 Accounts", state, now, palette)
{
    private const int StatusColumn = 3;
    private const int ExpiresColumn = 4;

    protected override bool HasColouredColumn(int column) => column is StatusColumn or ExpiresColumn;

    protected override Scheme? CellScheme(int column, AccountRow row) =>
        Palette.ForAccount(AccountStatusRules.Classify(row, Now()));
}
