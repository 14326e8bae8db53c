using Microsoft.Extensions.Configuration;
using Para.Tui.Tests.Fakes;
using Para.Tui.ViewModels;
using Para.Tui.Views;
using Terminal.Gui.Input;

namespace Para.Tui.Tests.Views;

public sealed class DashboardUrlTests
{
    private static readonly Uri Dashboard = new("http://127.0.0.1:17043/login?t=5f0c2a9e8b7d4c1fa3e6b2d9c8f7a1e4");

    [Fact]
    public void The_dashboard_url_comes_from_configuration()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Para:Console:DashboardUrl"] = Dashboard.AbsoluteUri })
            .Build();

        Assert.Equal(Dashboard, ConsoleOptions.From(configuration).DashboardUrl);
    }

    [Fact]
    public void Help_shows_the_whole_dashboard_url_on_its_own_line_and_the_header_hints_at_it()
    {
        using var screen = ConsoleScreen.Start(Fixtures.World(), dashboardUrl: Dashboard);
        Assert.EndsWith("│ dashboard: ?", screen.Lines[0].TrimEnd(), StringComparison.Ordinal);

        screen.Press(new Key('?'));

        var help = Assert.IsType<HelpDialog>(screen.Window.OpenDialog);
        Assert.Equal([Dashboard.AbsoluteUri], help.DashboardLines);
        var line = ScreenAssert.LineWith(screen, Dashboard.AbsoluteUri);
        // Between the dialog's borders there is the URL and nothing else.
        Assert.Matches($"┃{System.Text.RegularExpressions.Regex.Escape(Dashboard.AbsoluteUri)} *┃", line);
        ScreenAssert.Shows(screen, "quit (also Ctrl+C, Ctrl+Q)");
        ScreenAssert.FitsIn(screen, 80, 24);
    }

    [Fact]
    public void Without_a_dashboard_url_neither_help_nor_header_mention_one()
    {
        using var screen = ConsoleScreen.Start(Fixtures.World());
        ScreenAssert.DoesNotShow(screen, "dashboard");

        screen.Press(new Key('?'));

        ScreenAssert.DoesNotShow(screen, "Dashboard");
    }

    [Fact]
    public void The_header_leaves_the_hint_out_when_the_line_is_too_narrow()
    {
        var model = new ConsoleViewModel(new FakeConsoleData(), TimeProvider.System, new ConsoleOptions { DashboardUrl = Dashboard });

        Assert.Equal(model.Header, model.HeaderFor(model.Header.Length + 3));
        Assert.EndsWith("dashboard: ?", model.HeaderFor(200), StringComparison.Ordinal);
    }
}
