using Para.Tui.Tests.Fakes;
using Para.Tui.ViewModels;
using Para.Tui.Views;
using Terminal.Gui.Input;

namespace Para.Tui.Tests.Views;

public sealed class ConsoleKeysTests
{
    [Fact]
    public void Question_mark_opens_help_listing_every_key_and_esc_closes_it()
    {
        using var screen = ConsoleScreen.Start(Fixtures.World());

        screen.Press(new Key('?'));

        Assert.IsType<HelpDialog>(screen.Window.OpenDialog);
        foreach (var command in screen.Window.AllCommands)
        {
            ScreenAssert.Shows(screen, command.Help);
        }

        screen.Press(Key.Esc);
        Assert.Null(screen.Window.OpenDialog);
        ScreenAssert.DoesNotShow(screen, "show this list of keys");
    }

    [Fact]
    public void A_key_of_another_tab_says_where_it_works_and_does_nothing_here()
    {
        var data = Fixtures.World();
        using var screen = ConsoleScreen.Start(data);

        screen.Press(new Key('v'));
        ScreenAssert.Shows(screen, "v works on 2 Images and 3 Containers.");
        Assert.Equal(0, data.CallsTo("Verify"));

        screen.Press(new Key('4'), new Key('p'));
        ScreenAssert.Shows(screen, "p works on 1 Accounts.");
        Assert.Equal(0, data.CallsTo("SetPaused"));
    }

    [Fact]
    public void Keys_in_a_dialog_do_not_reach_the_console()
    {
        var data = Fixtures.World();
        using var screen = ConsoleScreen.Start(data);

        screen.Press(new Key('/'));
        screen.Type("q");

        Assert.False(screen.Window.QuitRequested);
        Assert.IsType<FilterDialog>(screen.Window.OpenDialog);
    }

    [Fact]
    public void Delete_asks_first_and_deletes_only_on_yes()
    {
        var data = Fixtures.World();
        using var screen = ConsoleScreen.Start(data);

        screen.Press(new Key('d'));
        ScreenAssert.Shows(screen, "Delete work?");
        screen.Press(new Key('n'));
        Assert.Equal(0, data.CallsTo("Delete"));

        screen.Press(new Key('d'), new Key('y'));

        Assert.Equal(1, data.CallsTo("Delete work"));
        ScreenAssert.Shows(screen, "work deleted.");
    }

    [Fact]
    public void Filter_shows_only_matching_rows_and_empty_clears_it()
    {
        using var screen = ConsoleScreen.Start(Fixtures.World());

        screen.Press(new Key('/'));
        screen.Type("console");
        screen.Press(Key.Enter);

        ScreenAssert.Shows(screen, "home", "filter \"console\": 1 of 4");
        ScreenAssert.DoesNotShow(screen, "legacy", "spare");

        screen.Press(new Key('/'));
        screen.Press(Key.End);
        screen.Press([.. Enumerable.Repeat(Key.Backspace, 7)]);
        screen.Press(Key.Enter);
        ScreenAssert.Shows(screen, "legacy", "spare");
    }

    [Fact]
    public void S_again_on_the_same_column_reverses_the_sort()
    {
        using var screen = ConsoleScreen.Start(Fixtures.World());

        screen.Press(new Key('s'), new Key('s'));

        Assert.Equal(["work", "spare", "legacy", "home"], screen.Window.Accounts.VisibleRows.Select(a => a.Name));
        ScreenAssert.Shows(screen, "Name▼", "Sorted by Name, descending.");

        screen.Press(Key.CursorRight, new Key('s'));
        Assert.Equal(1, screen.Model.Accounts.SortColumn);
        ScreenAssert.Shows(screen, "Mode▲", "Sorted by Mode, ascending.");
    }

    [Fact]
    public void The_filter_dialog_opens_with_the_current_filter_selected_so_typing_replaces_it()
    {
        using var screen = ConsoleScreen.Start(Fixtures.World());
        screen.Press(new Key('/'));
        screen.Type("console");
        screen.Press(Key.Enter);

        screen.Press(new Key('/'));
        Assert.Equal("console", Assert.IsType<FilterDialog>(screen.Window.OpenDialog).FilterText);
        screen.Type("leg");
        screen.Press(Key.Enter);
        ScreenAssert.Shows(screen, "legacy", "filter \"leg\": 1 of 4");

        screen.Press(new Key('/'), Key.Backspace, Key.Enter);
        Assert.Equal("", screen.Model.Accounts.Filter);
        ScreenAssert.Shows(screen, "work", "home", "legacy", "spare");
    }

    [Fact]
    public void S_sorts_by_the_column_under_the_cursor()
    {
        var data = Fixtures.World();
        data.Accounts = [.. Fixtures.Accounts.Reverse()];
        using var screen = ConsoleScreen.Start(data);

        screen.Press(new Key('s'));

        Assert.Equal(0, screen.Model.Accounts.SortColumn);
        Assert.Equal(["home", "legacy", "spare", "work"], screen.Window.Accounts.VisibleRows.Select(a => a.Name));
        ScreenAssert.Shows(screen, "Name▲", "Sorted by Name, ascending.");
    }

    [Fact]
    public void Pause_priority_and_refresh_act_on_the_selected_account_and_report_the_result()
    {
        var data = Fixtures.World();
        using var screen = ConsoleScreen.Start(data);

        screen.Press(Key.CursorDown);
        screen.Press(new Key('p'));
        ScreenAssert.Shows(screen, "home paused.");
        screen.Press(new Key('+'));
        ScreenAssert.Shows(screen, "home now has priority 3.");
        screen.Press(new Key('f'));
        ScreenAssert.Shows(screen, "home refreshed; expires in 8h 00m.");

        Assert.Equal(1, data.CallsTo("SetPaused home True"));
        Assert.Equal(1, data.CallsTo("SetPriority home 3"));
        Assert.Equal(1, data.CallsTo("Refresh home"));
    }

    [Fact]
    public void An_operation_the_service_cannot_do_yet_is_one_sentence_in_the_status_line()
    {
        var data = Fixtures.World();
        data.Failures["Refresh"] = new NotSupportedException("Refreshing tokens is not wired up in this build yet.");
        using var screen = ConsoleScreen.Start(data);

        screen.Press(new Key('f'));

        Assert.Equal("Refreshing tokens is not wired up in this build yet.", screen.Lines[^3].Trim());
        Assert.True(screen.Model.StatusIsError);
    }

    [Fact]
    public void Verify_on_the_images_tab_verifies_the_selected_image()
    {
        var data = Fixtures.World();
        using var screen = ConsoleScreen.Start(data);

        screen.Press(new Key('2'), new Key('v'));

        Assert.Equal(1, data.CallsTo("Verify Image para-authenticated:latest"));
        ScreenAssert.Shows(screen, "para-authenticated:latest: credentials present");
    }

    [Fact]
    public void Reauth_all_asks_then_starts_the_job_and_shows_the_jobs_tab()
    {
        var data = Fixtures.World();
        using var screen = ConsoleScreen.Start(data);

        screen.Press(new Key('R'));
        ScreenAssert.Shows(screen, "Put fresh credentials into every para image");
        screen.Press(Key.Enter);

        Assert.Equal(1, data.CallsTo("ReauthAll True"));
        Assert.Equal(ConsoleTab.Jobs, screen.Model.Tab);
        ScreenAssert.Shows(screen, "Reauth-all started (job job-9)");
    }

    [Fact]
    public void Q_and_ctrl_q_quit()
    {
        using (var screen = ConsoleScreen.Start(Fixtures.World()))
        {
            screen.Press(new Key('q'));
            Assert.True(screen.Window.QuitRequested);
        }

        using var other = ConsoleScreen.Start(Fixtures.World());
        other.Press(Key.Q.WithCtrl);
        Assert.True(other.Window.QuitRequested);
    }

    [Fact]
    public void Enter_opens_the_selected_accounts_details()
    {
        using var screen = ConsoleScreen.Start(Fixtures.World());

        screen.Press(Key.CursorDown, Key.CursorDown, Key.Enter);

        Assert.IsType<AccountDetailsDialog>(screen.Window.OpenDialog);
        ScreenAssert.Shows(screen, "Account legacy", "invalid_grant: refresh token revoked", "/v1/messages");
    }
}
