using Para.Accounts.Tests.Infrastructure;
using Para.IntegrationTests.Infrastructure;

namespace Para.Tui.Tests.EndToEnd;

/// <summary>
/// <c>dotnet run --project AppHost</c> as a person runs it, in a real terminal (tmux): the services
/// start under DCP, the console takes the terminal, and quitting it stops everything.
/// </summary>
public sealed class AppHostConsoleTests
{
    [Fact]
    public void The_apphost_hands_this_terminal_to_the_console_which_shows_the_dashboard_and_ctrl_c_stops_every_process()
    {
        var launch = AppHostLaunch.Create();
        try
        {
            using var tmux = TmuxSession.StartDotnet(RepositoryPaths.AppHostDll, launch.Environment, width: 100, height: 30);

            // The AppHost waits for both services, then the console draws them up, reached on the AppHost's ports.
            tmux.WaitFor(
                s => s.Contains("accounts ● up", StringComparison.Ordinal) && s.Contains("container-auth ● up", StringComparison.Ordinal),
                TimeSpan.FromMinutes(2),
                "the console with both services up");
            Assert.True(launch.ProcessesUsingTheDataFolder().Count >= 3, "the AppHost, its services and the console");

            // Nothing the AppHost logs may draw over the console while it runs.
            var screen = tmux.Capture();
            Assert.DoesNotContain("info:", screen, StringComparison.Ordinal);
            Assert.DoesNotContain("Aspire", screen, StringComparison.Ordinal);

            // The help names the dashboard with its one-time login token, whole, to open in a browser.
            tmux.SendText("?");
            var help = tmux.WaitForText("/login?t=", TimeSpan.FromSeconds(10));
            Assert.Matches(@"http://localhost:\d+/login\?t=[0-9a-f]+", help);
            tmux.SendKeys("Escape");
            tmux.WaitFor(s => !s.Contains("/login?t=", StringComparison.Ordinal), TimeSpan.FromSeconds(10), "the help to close");

            tmux.SendKeys("C-c");
            var after = tmux.WaitForText(TmuxSession.ExitMarker, TimeSpan.FromSeconds(60));

            Assert.Contains($"{TmuxSession.ExitMarker}0", after, StringComparison.Ordinal);
            Assert.Contains("console closed; stopping the services", after, StringComparison.Ordinal);
            Assert.Contains("accounts, container-auth, gateway stopped in ", after, StringComparison.Ordinal);
            var deadline = DateTime.UtcNow.AddSeconds(15);
            while (launch.ProcessesUsingTheDataFolder().Count > 0 && DateTime.UtcNow < deadline)
            {
                Thread.Sleep(250);
            }

            Assert.Empty(launch.ProcessesUsingTheDataFolder());
        }
        finally
        {
            launch.DeleteDataFolder();
        }
    }
}
