using Para.Tui.Tests.Fakes;
using Para.Tui.ViewModels;
using Para.Tui.Views;
using Terminal.Gui.Input;

namespace Para.Tui.Tests.Views;

public sealed class ReauthDialogTests
{
    [Fact]
    public void R_reauthenticates_the_selected_account_from_url_to_result()
    {
        var data = Fixtures.World();
        using var screen = ConsoleScreen.Start(data);

        screen.Press(new Key('r'));

        var dialog = Assert.IsType<ReauthDialog>(screen.Window.OpenDialog);
        Assert.Equal(1, data.CallsTo("BeginReauth work"));
        ScreenAssert.Shows(screen, "Re-authenticate work", "URL sent to the terminal clipboard (OSC 52)");
        // Escaped as the provider needs it: Uri.ToString() would turn %20 into a space.
        const string url = "http://127.0.0.1/oauth/authorize?client_id=para&scope=user%3Aprofile%20user%3Ainference&state=state-123&code_challenge=abc";
        Assert.Equal([url], screen.SentToClipboard);

        screen.Type("the-code#state-123");
        screen.Press(Key.Enter);

        Assert.Equal(1, data.CallsTo("CompleteOAuth work state-123 the-code"));
        Assert.Equal(ReauthPhase.Done, dialog.Model.Phase);
        ScreenAssert.Shows(screen, "work re-authenticated; the access token expires in 8h 00m.");

        screen.Press(Key.Esc);
        Assert.Null(screen.Window.OpenDialog);
        ScreenAssert.Shows(screen, "work re-authenticated.");
    }

    [Fact]
    public void The_url_fills_whole_rows_from_the_first_column_with_nothing_else_on_them()
    {
        var data = Fixtures.World();
        data.OAuthStart = data.OAuthStart with { AuthorizeUrl = new Uri("http://127.0.0.1/oauth/authorize?" + string.Join('&', Enumerable.Range(0, 12).Select(i => $"parameter{i}=value{i}"))) };
        using var screen = ConsoleScreen.Start(data);

        screen.Press(new Key('r'));

        var dialog = Assert.IsType<ReauthDialog>(screen.Window.OpenDialog);
        var url = data.OAuthStart.AuthorizeUrl.AbsoluteUri;
        Assert.Equal(url, string.Concat(dialog.UrlLines));
        Assert.True(dialog.UrlLines.Count > 1);
        Assert.All(dialog.UrlLines.SkipLast(1), line => Assert.Equal(80, line.Length));
        var rows = screen.Lines;
        var first = Array.FindIndex([.. rows], row => row.StartsWith(dialog.UrlLines[0], StringComparison.Ordinal));
        Assert.True(first >= 0, screen.Text);
        Assert.Equal(url, string.Concat(rows.Skip(first).Take(dialog.UrlLines.Count).Select(row => row.TrimEnd())));
    }

    [Fact]
    public void Without_a_terminal_to_send_it_to_the_dialog_does_not_claim_a_copy()
    {
        var data = Fixtures.World();
        using var screen = ConsoleScreen.Start(data, sendToClipboard: _ => false);

        screen.Press(new Key('r'));

        ScreenAssert.Shows(screen, "Open it, sign in");
        ScreenAssert.DoesNotShow(screen, "clipboard");
    }

    [Fact]
    public void Osc_52_carries_the_text_in_base64()
    {
        Assert.Equal("\u001b]52;c;aHR0cDovL3gvP2E9MSZiPTI=\a", TerminalClipboard.Sequence("http://x/?a=1&b=2"));
    }

    [Fact]
    public void A_code_from_another_authorization_is_refused_before_any_exchange()
    {
        var data = Fixtures.World();
        using var screen = ConsoleScreen.Start(data);

        screen.Press(new Key('r'));
        screen.Type("the-code#someone-elses-state");
        screen.Press(Key.Enter);

        Assert.Equal(0, data.CallsTo("CompleteOAuth"));
        ScreenAssert.Shows(screen, "That code belongs to a different authorization");
        Assert.IsType<ReauthDialog>(screen.Window.OpenDialog);
    }

    [Fact]
    public void A_provider_error_is_shown_and_the_code_can_be_pasted_again()
    {
        var data = Fixtures.World();
        data.Failures["CompleteOAuth"] = new InvalidOperationException("The provider refused the code (invalid_grant).");
        using var screen = ConsoleScreen.Start(data);

        screen.Press(new Key('r'));
        var dialog = Assert.IsType<ReauthDialog>(screen.Window.OpenDialog);
        screen.Type("bare-code");
        screen.Press(Key.Enter);

        Assert.Equal(1, data.CallsTo("CompleteOAuth work state-123 bare-code"));
        ScreenAssert.Shows(screen, "The provider refused the code (invalid_grant). Paste again");
        Assert.Contains("Paste again or press Esc.", dialog.Model.Message, StringComparison.Ordinal);
        Assert.Equal(ReauthPhase.WaitingForCode, dialog.Model.Phase);
    }

    [Fact]
    public void A_adds_an_account_at_priority_0_as_the_api_and_cli_do_and_completes_for_that_name()
    {
        var data = Fixtures.World();
        using var screen = ConsoleScreen.Start(data);

        screen.Press(new Key('a'));
        screen.Type("team");
        screen.Press(Key.Enter);

        Assert.Equal(1, data.CallsTo("BeginAdd team max 0"));
        ScreenAssert.Shows(screen, "Add account team", "Open this URL");

        screen.Type("c0de#state-123");
        screen.Press(Key.Enter);
        Assert.Equal(1, data.CallsTo("CompleteOAuth team state-123 c0de"));
    }

    [Fact]
    public void When_reauthentication_cannot_start_the_dialog_says_why()
    {
        var data = Fixtures.World();
        data.Failures["BeginReauth"] = new NotSupportedException("Re-authentication is not wired up in this build yet.");
        using var screen = ConsoleScreen.Start(data);

        screen.Press(new Key('r'));

        ScreenAssert.Shows(screen, "Could not start: Re-authentication is not wired up");
    }
}
