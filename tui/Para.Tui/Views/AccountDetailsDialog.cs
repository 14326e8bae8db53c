using System.Text;
using Para.Tui.ViewModels;
using Terminal.Gui.ViewBase;
using Terminal.Gui.Views;

namespace Para.Tui.Views;

/// <summary>Enter on an account: its request history, last refresh and last error.</summary>
internal sealed class AccountDetailsDialog : ConsoleDialog
{
    public AccountDetailsDialog(AccountRow account, DateTimeOffset now)
        : base($"Account {account.Name}", 70, 20)
    {
        var text = new StringBuilder()
            .AppendLine($"Mode {account.Mode}   priority {account.Priority}   status {AccountStatusRules.Describe(AccountStatusRules.Classify(account, now))}")
            .AppendLine($"Access token expires in {ConsoleFormat.Countdown(account.AccessTokenExpiresAt, now)}; refresh token age {ConsoleFormat.Age(account.RefreshTokenIssuedAt, now)}")
            .AppendLine($"Last refresh {ConsoleFormat.Ago(account.LastRefresh, now)}; last used {ConsoleFormat.Ago(account.LastUsed, now)}; {account.Requests} requests")
            .AppendLine($"Last error: {account.LastError ?? "none"}")
            .AppendLine(Usage(account.Limits, now))
            .AppendLine()
            .AppendLine("Recent requests:");
        if (account.History.Count == 0)
        {
            text.AppendLine("  none recorded");
        }

        foreach (var request in account.History.TakeLast(10))
        {
            text.AppendLine($"  {ConsoleFormat.Clock(request.At)}  {(request.Succeeded ? "ok  " : "fail")}  {request.What}");
        }

        text.AppendLine().Append("Esc closes.");
        Add(new DataLabel { X = 1, Y = 0, Width = Dim.Fill(1), Height = Dim.Fill(), Text = text.ToString() });
    }

    private static string Usage(UsageLimits? limits, DateTimeOffset now) => limits is null
        ? "Usage: unknown (no gateway, or no traffic yet)"
        : $"Usage: 5h {ConsoleFormat.Percent(limits.FiveHour)} (resets in {ConsoleFormat.Countdown(limits.FiveHourReset, now)}), "
            + $"7d {ConsoleFormat.Percent(limits.SevenDay)} (resets in {ConsoleFormat.Countdown(limits.SevenDayReset, now)}); "
            + $"provider {(limits.ProviderAccepts switch { true => "accepts", false => "REFUSES", null => "not asked about" })} the token";
}
