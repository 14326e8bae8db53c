using Para.Tui.Tests.Fakes;
using Para.Tui.ViewModels;
using Para.Tui.Views;
using Terminal.Gui.Input;

namespace Para.Tui.Tests.Views;

/// <summary><c>b</c> on the Accounts tab: the console's <c>para accounts reauth --all</c>.</summary>
public sealed class BulkReauthTests
{
    [Fact]
    public void B_signs_in_every_account_that_requires_it_one_after_another_then_sums_up()
    {
        var data = Fixtures.World();
        data.Accounts =
        [
            Fixtures.Account("alpha", 1, requiresReauth: true),
            Fixtures.Account("fine", 2),
            Fixtures.Account("beta", 3, requiresReauth: true),
            Fixtures.Account("gamma", 4, TimeSpan.FromHours(-1), requiresReauth: true),
        ];
        using var screen = ConsoleScreen.Start(data, width: 120);

        screen.Press(new Key('b'));
        var first = Assert.IsType<ReauthDialog>(screen.Window.OpenDialog);
        ScreenAssert.Shows(screen, "Re-authenticate alpha (1 of 3)", "Esc skips this account.");
        screen.Type("code-a#state-123");
        screen.Press(Key.Enter);
        Assert.Equal(1, data.CallsTo("CompleteOAuth alpha state-123 code-a"));
        Assert.Equal(ReauthPhase.Done, first.Model.Phase);
        screen.Press(Key.Enter);

        Assert.NotSame(first, screen.Window.OpenDialog);
        ScreenAssert.Shows(screen, "Re-authenticate beta (2 of 3)");
        screen.Press(Key.Esc);

        ScreenAssert.Shows(screen, "Re-authenticate gamma (3 of 3)");
        data.Failures["CompleteOAuth"] = new InvalidOperationException("The OAuth provider refused the code: begin again.");
        screen.Type("wrong#state-123");
        screen.Press(Key.Enter);
        ScreenAssert.Shows(screen, "The OAuth provider refused the code: begin again. Paste again");
        screen.Press(Key.Esc);

        Assert.Null(screen.Window.OpenDialog);
        Assert.Equal(3, data.CallsTo("BeginReauth"));
        Assert.Equal(0, data.CallsTo("BeginReauth fine"));
        Assert.Equal(0, data.CallsTo("CompleteOAuth beta"));
        Assert.Equal("Re-authentication: 1 signed in, 1 skipped, 1 failed.", screen.Model.StatusLine);
        Assert.True(screen.Model.StatusIsError);
        ScreenAssert.Shows(screen, "1 signed in, 1 skipped, 1 failed");
    }

    [Fact]
    public void B_with_no_account_to_sign_in_says_so_and_opens_nothing()
    {
        var data = Fixtures.World();
        data.Accounts = [Fixtures.Account("fine"), Fixtures.Account("soon", expiresIn: TimeSpan.FromMinutes(5))];
        using var screen = ConsoleScreen.Start(data);

        screen.Press(new Key('b'));

        Assert.Null(screen.Window.OpenDialog);
        Assert.Equal(0, data.CallsTo("BeginReauth"));
        ScreenAssert.Shows(screen, "No account requires re-authentication; nothing to do.");
    }
}
