using System.Text;
using Para.Tui.ViewModels;
using Terminal.Gui.ViewBase;
using Terminal.Gui.Views;

namespace Para.Tui.Views;

/// <summary>Tab 4: both services' health, the auth refresh numbers, and their recent history as sparklines.</summary>
internal sealed class HealthTab : View, ICommandTab
{
    private readonly ConsoleViewModel _model;
    private readonly DataLabel _accounts;
    private readonly DataLabel _containerAuth;
    private readonly DataLabel _body;

    public HealthTab(ConsoleViewModel model, ConsolePalette palette)
    {
        _model = model;
        Palette = palette;
        Title = "4 Health";
        CanFocus = true;
        Width = Dim.Fill();
        Height = Dim.Fill();
        _accounts = new DataLabel { X = 0, Y = 0, Width = Dim.Fill(), Height = Dim.Auto() };
        _containerAuth = new DataLabel { X = 0, Y = Pos.Bottom(_accounts), Width = Dim.Fill(), Height = Dim.Auto() };
        _body = new DataLabel { X = 0, Y = Pos.Bottom(_containerAuth) + 1, Width = Dim.Fill(), Height = Dim.Fill() };
        Add(_accounts, _containerAuth, _body);
    }

    private ConsolePalette Palette { get; }

    /// <summary>Nothing to filter, sort or act on here.</summary>
    public IReadOnlyList<ConsoleCommand> Commands { get; } = [];

    public void Render()
    {
        var now = _model.Now;
        Show(_accounts, _model.Health?.Accounts);
        Show(_containerAuth, _model.Health?.ContainerAuth);

        var text = new StringBuilder();
        if (_model.Health?.Authentication is { } auth)
        {
            text.AppendLine($"Auth refresh   authenticated {(auth.IsAuthenticated ? "yes" : "NO")}   refreshes {auth.RefreshCount}   consecutive failures {auth.ConsecutiveFailures}");
            text.AppendLine($"               last refresh {ConsoleFormat.Ago(auth.LastRefresh, now)}");
        }
        else
        {
            text.AppendLine("Auth refresh   no numbers yet (the account API reports them in /health)");
        }

        if (_model.Health?.Gateway is { } gateway)
        {
            text.AppendLine($"Gateway        requests {gateway.Requests}  retries {gateway.Retries}  failovers {gateway.Failovers}  refused {gateway.Refused}  resting {gateway.Resting}");
            if (!gateway.FeedConnected)
            {
                text.AppendLine("               its account feed is down: cached tokens and keys expire by time only");
            }
        }

        if (_model.Health?.AccountRefreshes is { Count: > 0 } lines)
        {
            text.AppendLine();
            text.AppendLine($"{"account",-20} {"status",-16} {"refreshes",9} {"failures",8}  next attempt");
            foreach (var line in lines)
            {
                var next = line.NextAttemptAt is { } at && at > now ? $"in {ConsoleFormat.Countdown(at, now)}" : "-";
                text.AppendLine($"{Fit(line.Account, 20),-20} {line.Status,-16} {line.Refreshes,9} {line.Failures,8}  {next}");
            }
        }

        text.AppendLine();
        var seconds = (int)_model.Options.PollInterval.TotalSeconds;
        text.AppendLine($"refreshes  │{ConsoleFormat.Sparkline(_model.History.Refreshes)}");
        text.AppendLine($"failures   │{ConsoleFormat.Sparkline(_model.History.Failures)}");
        text.AppendLine($"             one sample per poll ({(seconds >= 1 ? $"{seconds}s" : $"{_model.Options.PollInterval.TotalMilliseconds}ms")}), newest on the right");
        text.AppendLine();
        text.Append(_model.EventStreamState);
        if (_model.EventStreamError is { } error)
        {
            text.Append(": ").Append(error);
        }

        if (_model.ContainerAuthStreamError is { } containerAuthError)
        {
            text.AppendLine().Append("container-auth events down, its tabs polled: ").Append(containerAuthError);
        }

        ConsoleWindow.SetIfChanged(_body, text.ToString());
    }

    private static string Fit(string text, int width) => text.Length <= width ? text : string.Concat(text.AsSpan(0, width - 1), "…");

    private void Show(Label label, ServiceHealth? health)
    {
        if (health is null)
        {
            ConsoleWindow.SetIfChanged(label, "checking…");
            return;
        }

        var text = new StringBuilder();
        text.Append($"{health.Service,-15}{(health.Reachable ? "●" : "○")} {health.Status}");
        if (health.Detail is { } detail)
        {
            text.Append("  ").Append(detail);
        }

        foreach (var check in health.Checks)
        {
            text.AppendLine().Append($"{"",17}{check.Name}: {check.Status}{(check.Description is null ? "" : $" — {check.Description}")}");
        }

        ConsoleWindow.SetIfChanged(label, text.ToString());
        if (Palette.ForWord(health.Reachable ? health.Status : "down") is { } scheme)
        {
            label.SetScheme(scheme);
        }
    }
}
