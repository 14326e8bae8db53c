using System.Text;
using Para.Tui.ViewModels;
using Terminal.Gui.ViewBase;

namespace Para.Tui.Views;

/// <summary>
/// Enter on an account: its status, last refresh, last error and usage, and its recent requests,
/// which load in the background once the dialog is on screen (newest first; a short screen cuts the oldest).
/// </summary>
internal sealed class AccountDetailsDialog : ConsoleDialog
{
    private readonly AccountDetailsViewModel _model;
    private readonly BackgroundWork _work;
    private readonly DateTimeOffset _now;
    private readonly DataLabel _history;

    public AccountDetailsDialog(AccountDetailsViewModel model, BackgroundWork work, DateTimeOffset now)
        : base($"Account {model.Account.Name}", 110, 40)
    {
        _model = model;
        _work = work;
        _now = now;
        var account = model.Account;
        var summary = new StringBuilder()
            .AppendLine($"Mode {account.Mode}   priority {account.Priority}   status {AccountStatusRules.Describe(AccountStatusRules.Classify(account, now))}")
            .AppendLine($"Access token expires in {ConsoleFormat.Countdown(account.AccessTokenExpiresAt, now)}; refresh token age {ConsoleFormat.Age(account.RefreshTokenIssuedAt, now)}")
            .AppendLine($"Last refresh {ConsoleFormat.Ago(account.LastRefresh, now)}; last used {ConsoleFormat.Ago(account.LastUsed, now)}; {account.Requests} requests")
            .AppendLine($"Last error: {account.LastError ?? "none"}")
            .AppendLine(Usage(account.Limits, now))
            .AppendLine($"Provider {account.ProviderAccepts switch { true => "accepts", false => "REFUSES", null => "not asked about" }} the token")
            .AppendLine()
            .Append("Recent requests:");
        // As tall as its text: the usage line folds on a narrow screen.
        var top = new DataLabel { X = 1, Y = 0, Width = Dim.Fill(1), Height = Dim.Auto(DimAutoStyle.Text), Text = summary.ToString() };
        _history = new DataLabel { X = 1, Y = Pos.Bottom(top), Width = Dim.Fill(1), Height = Dim.Fill(2), Text = "" };
        _history.ViewportChanged += (_, _) => Render();
        var footer = new DataLabel { X = 1, Y = Pos.AnchorEnd(1), Width = Dim.Fill(1), Height = 1, Text = "Esc closes." };
        Add(top, _history, footer);
        Render();
    }

    public AccountDetailsViewModel Model => _model;

    protected override void OnShown() => _work.Run(null, _model.LoadHistory(), Render);

    private void Render()
    {
        var width = _history.Viewport.Width > 0 ? _history.Viewport.Width : (App?.Screen.Width ?? 80) - 6;
        // A request a line, cut at the edge of a very narrow screen rather than folded into the next; a sentence folds.
        _history.TextFormatter.WordWrap = _model.Phase != HistoryPhase.Loaded;
        _history.TextFormatter.MultiLine = true;
        ConsoleWindow.SetIfChanged(_history, string.Join('\n', _model.HistoryLines(_now, width)));
    }

    private static string Usage(UsageLimits? limits, DateTimeOffset now) => limits is null
        ? "Usage: unknown (no gateway, or no traffic yet)"
        : $"Usage: 5h {ConsoleFormat.Percent(limits.FiveHour)} (resets in {ConsoleFormat.Countdown(limits.FiveHourReset, now)}), "
            + $"7d {ConsoleFormat.Percent(limits.SevenDay)} (resets in {ConsoleFormat.Countdown(limits.SevenDayReset, now)})";
}
