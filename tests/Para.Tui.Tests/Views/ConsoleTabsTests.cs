using Para.Tui.Tests.Fakes;
using Para.Tui.ViewModels;
using Terminal.Gui.Input;
using Terminal.Gui.Testing;

namespace Para.Tui.Tests.Views;

public sealed class ConsoleTabsTests
{
    [Fact]
    public void Accounts_tab_shows_every_account_with_status_and_live_countdown()
    {
        using var screen = ConsoleScreen.Start(Fixtures.World());

        ScreenAssert.Shows(screen, "Name", "Status", "Expires", "work", "home", "legacy", "spare");
        Assert.Contains("7h 59m", ScreenAssert.LineWith(screen, "work"), StringComparison.Ordinal);
        Assert.Contains("expiring", ScreenAssert.LineWith(screen, "home"), StringComparison.Ordinal);
        Assert.Contains("re-auth", ScreenAssert.LineWith(screen, "legacy"), StringComparison.Ordinal);
        Assert.Contains("paused", ScreenAssert.LineWith(screen, "spare"), StringComparison.Ordinal);
        Assert.Contains("12m 00s", ScreenAssert.LineWith(screen, "home"), StringComparison.Ordinal);

        screen.Advance(TimeSpan.FromSeconds(1));

        Assert.Contains("11m 59s", ScreenAssert.LineWith(screen, "home"), StringComparison.Ordinal);
    }

    [Fact]
    public void Accounts_tab_shows_the_gateways_usage_and_an_account_the_provider_refuses_before_its_expiry()
    {
        var data = Fixtures.World();
        data.Accounts = [.. Fixtures.Accounts.Select(account => account.Name switch
        {
            "work" => account with { Limits = new UsageLimits(0.42, Fixtures.Now.AddHours(2), 0.12, Fixtures.Now.AddDays(3)), ProviderAccepts = true },
            "spare" => account with { Paused = false, ProviderAccepts = false },
            _ => account,
        })];
        using var screen = ConsoleScreen.Start(data);

        ScreenAssert.Shows(screen, "5h", "7d");
        var work = ScreenAssert.LineWith(screen, "work");
        Assert.Contains("42%", work, StringComparison.Ordinal);
        Assert.Contains("12%", work, StringComparison.Ordinal);
        // Its token has hours left, but the provider refused it even after a refresh (and no gateway numbers are needed to say so).
        Assert.Contains("refused", ScreenAssert.LineWith(screen, "spare"), StringComparison.Ordinal);
        Assert.Contains("-", ScreenAssert.LineWith(screen, "legacy"), StringComparison.Ordinal);

        screen.Press(Key.Enter);

        ScreenAssert.Shows(screen, "5h 42% (resets in 2h 00m)", "Provider accepts the token");
    }

    [Fact]
    public void Header_shows_each_service_up_or_down()
    {
        var data = Fixtures.World();
        using var screen = ConsoleScreen.Start(data);
        Assert.Contains("accounts ● up", screen.Lines[0], StringComparison.Ordinal);
        Assert.Contains("container-auth ● up", screen.Lines[0], StringComparison.Ordinal);

        data.Health = Fixtures.HealthyBoth with { ContainerAuth = Fixtures.BothDown.ContainerAuth };
        screen.Advance(TimeSpan.FromSeconds(2));

        Assert.Contains("accounts ● up", screen.Lines[0], StringComparison.Ordinal);
        Assert.Contains("container-auth ○ down", screen.Lines[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Images_tab_shows_account_expiry_and_status()
    {
        using var screen = ConsoleScreen.Start(Fixtures.World());

        screen.Press(new Key('2'));

        Assert.Equal(ConsoleTab.Images, screen.Model.Tab);
        var line = ScreenAssert.LineWith(screen, "para-dev-authenticated");
        Assert.Contains("work", line, StringComparison.Ordinal);
        Assert.Contains("20m 00s", line, StringComparison.Ordinal);
        Assert.Contains("expiring", line, StringComparison.Ordinal);
        Assert.Contains("expired", ScreenAssert.LineWith(screen, "para-web-authenticated"), StringComparison.Ordinal);
    }

    [Fact]
    public void Containers_tab_shows_state_and_credentials()
    {
        using var screen = ConsoleScreen.Start(Fixtures.World());

        screen.Press(new Key('3'));

        var line = ScreenAssert.LineWith(screen, "para-dev-1");
        Assert.Contains("running", line, StringComparison.Ordinal);
        Assert.Contains("valid", line, StringComparison.Ordinal);
        Assert.Contains("exited", ScreenAssert.LineWith(screen, "para-web-1"), StringComparison.Ordinal);
    }

    [Fact]
    public void Health_tab_shows_both_services_the_refresh_numbers_and_their_history()
    {
        var data = Fixtures.World();
        using var screen = ConsoleScreen.Start(data);
        data.Health = Fixtures.HealthyBoth with { Authentication = new AuthRefreshNumbers(true, 15, 0, Fixtures.Now) };
        screen.Advance(TimeSpan.FromSeconds(2));

        screen.Press(new Key('4'));

        ScreenAssert.Shows(screen, "accounts", "container-auth", "docker: Healthy", "refreshes 15", "consecutive failures 0");
        Assert.Contains("█", ScreenAssert.LineWith(screen, "refreshes  │"), StringComparison.Ordinal);
    }

    [Fact]
    public void Health_tab_shows_the_gateways_requests_retries_and_failovers()
    {
        var data = Fixtures.World();
        using var screen = ConsoleScreen.Start(data);
        data.Health = Fixtures.HealthyBoth with { Gateway = new GatewayNumbers(42, 3, 2, 1, 1, FeedConnected: false) };
        screen.Advance(TimeSpan.FromSeconds(2));

        screen.Press(new Key('4'));

        Assert.Contains("requests 42  retries 3  failovers 2  refused 1  resting 1", ScreenAssert.LineWith(screen, "Gateway"), StringComparison.Ordinal);
        ScreenAssert.Shows(screen, "its account feed is down");
    }

    [Fact]
    public void Health_tab_shows_each_accounts_refreshes_failures_and_next_attempt()
    {
        var data = Fixtures.World();
        data.Health = Fixtures.HealthyBoth with
        {
            AccountRefreshes =
            [
                new AccountRefreshLine("work", "ok", 12, 0, null),
                new AccountRefreshLine("home", "expiring", 3, 2, Fixtures.Now.AddSeconds(90)),
            ],
        };
        using var screen = ConsoleScreen.Start(data, height: 30);

        screen.Press(new Key('4'));

        ScreenAssert.Shows(screen, "account", "refreshes", "failures", "next attempt");
        Assert.Matches(@"work\s+ok\s+12\s+0\s+-", ScreenAssert.LineWith(screen, "work  "));
        Assert.Matches(@"home\s+expiring\s+3\s+2\s+in 1m 30s", ScreenAssert.LineWith(screen, "home  "));
    }

    [Fact]
    public void Jobs_tab_shows_progress_bars_and_the_event_log()
    {
        var data = Fixtures.World();
        using var screen = ConsoleScreen.Start(data);

        data.Publish(new ConsoleEvent(Fixtures.Now, "accounts", "refreshed", "work"));
        screen.SettleUntil(() => screen.Model.EventsSeen > 0);
        screen.Press(new Key('5'));

        Assert.Contains("██████░░░░  60%", ScreenAssert.LineWith(screen, "reauth-all"), StringComparison.Ordinal);
        Assert.Contains("100%", ScreenAssert.LineWith(screen, "verify"), StringComparison.Ordinal);
        Assert.Contains("refreshed", ScreenAssert.LineWith(screen, "accounts       refreshed"), StringComparison.Ordinal);
        Assert.Contains("events: live", screen.Lines[0], StringComparison.Ordinal);
    }

    [Fact]
    public void The_tab_headers_stay_joined_after_a_countdown_tick_and_after_a_dialog_closes()
    {
        using var screen = ConsoleScreen.Start(Fixtures.World());
        const string joined = "╰────────┴────────────┴────────┴────────────┴";
        Assert.Contains(joined, screen.DrawnLines[3], StringComparison.Ordinal);

        // As the main loop does it: the tick's timer runs, then only what changed is drawn.
        screen.Clock.Advance(TimeSpan.FromSeconds(1));
        screen.AppTime.Advance(TimeSpan.FromSeconds(1));
        screen.App.TimedEvents!.RunTimers();
        Assert.Contains(joined, screen.DrawnLines[3], StringComparison.Ordinal);

        screen.Press(new Key('?'));
        screen.App.InjectKey(Key.Esc);
        Assert.Null(screen.Window.OpenDialog);
        Assert.Contains(joined, screen.DrawnLines[3], StringComparison.Ordinal);
    }

    [Fact]
    public void Tab_and_shift_tab_cycle_through_the_tabs()
    {
        using var screen = ConsoleScreen.Start(Fixtures.World());

        screen.Press(Key.Tab, Key.Tab);
        Assert.Equal(ConsoleTab.Containers, screen.Model.Tab);

        screen.Press(Key.Tab.WithShift, Key.Tab.WithShift, Key.Tab.WithShift);
        Assert.Equal(ConsoleTab.Jobs, screen.Model.Tab);
    }

    [Fact]
    public void The_screen_fits_80_by_24_and_follows_a_resize()
    {
        using var screen = ConsoleScreen.Start(Fixtures.World());
        ScreenAssert.FitsIn(screen, 80, 24);
        ScreenAssert.Shows(screen, "Help", "Quit");

        screen.App.Driver!.SetScreenSize(120, 30);
        screen.Settle();

        Assert.Equal(30, screen.Lines.Count(line => line.Length > 0));
        Assert.Equal(120, screen.Lines[5].Length);
        ScreenAssert.Shows(screen, "work", "Last used");
    }

    [Fact]
    public void A_failed_load_keeps_the_last_rows_and_says_why_in_one_sentence()
    {
        var data = Fixtures.World();
        using var screen = ConsoleScreen.Start(data);

        data.Failures["GetAccounts"] = new HttpRequestException("Connection refused (127.0.0.1:5000)");
        screen.Advance(TimeSpan.FromSeconds(2));

        ScreenAssert.Shows(screen, "work", "cannot reach the service: Connection refused (127.0.0.1:5000)");
        ScreenAssert.DoesNotShow(screen, "   at ");
    }

    [Fact]
    public void Polling_reloads_every_interval_without_an_event()
    {
        var data = Fixtures.World();
        using var screen = ConsoleScreen.Start(data);
        var before = data.CallsTo("GetAccounts");

        screen.Advance(TimeSpan.FromSeconds(2));
        screen.Advance(TimeSpan.FromSeconds(2));

        Assert.Equal(before + 2, data.CallsTo("GetAccounts"));
    }

    [Fact]
    public void A_broken_event_stream_falls_back_to_polling_and_says_why_on_the_health_tab()
    {
        var data = Fixtures.World();
        data.Failures["WatchEvents"] = new HttpRequestException("Connection refused (127.0.0.1:5000)");
        using var screen = ConsoleScreen.Start(data);
        screen.SettleUntil(() => screen.Model.EventStreamError is not null);

        screen.Press(new Key('4'));

        Assert.Contains("events: polling", screen.Lines[0], StringComparison.Ordinal);
        ScreenAssert.Shows(screen, "events: polling: cannot reach the service: Connection refused");
        var before = data.CallsTo("GetAccounts");
        screen.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(before + 1, data.CallsTo("GetAccounts"));
    }
}
