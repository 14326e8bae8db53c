using System.Globalization;
using System.Net.Http;
using Para.Tui.Tests.Fakes;
using Para.Tui.Views;
using Terminal.Gui.Input;

namespace Para.Tui.Tests.Views;

/// <summary>Enter on an account: the details dialog and the request history it loads in the background.</summary>
public sealed class AccountDetailsTests
{
    private static string Clock(DateTimeOffset at) => at.ToLocalTime().ToString("HH:mm:ss", CultureInfo.InvariantCulture);

    [Fact]
    public void The_details_say_loading_until_the_history_arrives_then_list_the_requests_newest_first()
    {
        var data = Fixtures.World();
        using var screen = ConsoleScreen.Start(data, width: 120, height: 30);
        screen.Press(Key.CursorDown, Key.CursorDown);

        // The key alone: the load's answer reaches the screen only when the main loop runs.
        screen.PressWithoutSettling(Key.Enter);

        Assert.IsType<AccountDetailsDialog>(screen.Window.OpenDialog);
        ScreenAssert.Shows(screen, "Account legacy", "invalid_grant: refresh token revoked", "Recent requests:", "loading…");

        screen.Settle();

        ScreenAssert.DoesNotShow(screen, "loading…", "none recorded");
        Assert.Contains("GetAccountRequests legacy 30", data.Calls);
        var limited = ScreenAssert.LineWith(screen, Clock(Fixtures.Now.AddMinutes(-2)));
        var retried = ScreenAssert.LineWith(screen, Clock(Fixtures.Now.AddMinutes(-9)));
        var counted = ScreenAssert.LineWith(screen, Clock(Fixtures.Now.AddMinutes(-6)));
        var older = ScreenAssert.LineWith(screen, Fixtures.Now.AddDays(-2).ToLocalTime().ToString("MM-dd HH:mm", CultureInfo.InvariantCulture));
        Assert.Equal(["429", "opus-4-1-20250805", "-/-", "120ms", "laptop"], Words(limited, "429", "opus-4-1-20250805", "-/-", "120ms", "laptop"));
        Assert.Equal(["200", "retried", "/v1/messages", "sonnet-4-5", "3120/402", "2.3s", "laptop"],
            Words(retried, "200", "retried", "/v1/messages", "sonnet-4-5", "3120/402", "2.3s", "laptop"));
        Assert.Contains("/v1/messages/count_tokens", counted, StringComparison.Ordinal);
        Assert.Contains("2048/-", counted, StringComparison.Ordinal);
        Assert.DoesNotContain("retried", counted, StringComparison.Ordinal);
        Assert.Contains("GET /v1/models", older, StringComparison.Ordinal);
        Assert.Contains("12.0k/845", ScreenAssert.LineWith(screen, "12.0k"), StringComparison.Ordinal);

        var lines = screen.Lines.ToList();
        Assert.True(lines.IndexOf(limited) < lines.IndexOf(counted) && lines.IndexOf(counted) < lines.IndexOf(retried) && lines.IndexOf(retried) < lines.IndexOf(older),
            $"Expected the newest request first:\n{screen.Text}");
        ScreenAssert.Shows(screen, "Esc closes.");
    }

    [Fact]
    public void At_80_by_24_the_newest_requests_show_whole_lines_and_the_oldest_are_cut()
    {
        var data = Fixtures.World();
        data.RequestHistory["work"] = [.. Fixtures.Requests, .. Enumerable.Range(0, 40).Select(minutes =>
            Fixtures.Requests[1] with { At = Fixtures.Now.AddMinutes(-40 + minutes), ClientKey = $"key-{minutes}" })];
        using var screen = ConsoleScreen.Start(data);

        screen.Press(Key.Enter);

        ScreenAssert.Shows(screen, "Account work", "key-39", "key-38", "Esc closes.");
        ScreenAssert.DoesNotShow(screen, "key-0 ", "key-9 ", "/v1/models");
        var newest = ScreenAssert.LineWith(screen, "key-39");
        Assert.Equal(["200", "/v1/messages", "sonnet-4-5", "12.0k/845", "1.8s", "key-39"], Words(newest, "200", "/v1/messages", "sonnet-4-5", "12.0k/845", "1.8s", "key-39"));
        ScreenAssert.FitsIn(screen, 80, 24);
    }

    [Fact]
    public void A_history_that_cannot_be_read_says_why_in_a_sentence_and_the_details_stay_open()
    {
        var data = Fixtures.World();
        data.Failures["GetAccountRequests"] = new HttpRequestException("Connection refused (127.0.0.1:5000)\n   at System.Net.Sockets.Socket.Connect()");
        using var screen = ConsoleScreen.Start(data, width: 100);

        screen.Press(Key.Enter);

        Assert.IsType<AccountDetailsDialog>(screen.Window.OpenDialog);
        ScreenAssert.Shows(screen, "Account work", "Last error: none", "could not load them: cannot reach the service: Connection refused (127.0.0.1:5000)");
        ScreenAssert.DoesNotShow(screen, "loading…", "   at ", "Socket.Connect");

        screen.Press(Key.Esc);

        Assert.Null(screen.Window.OpenDialog);
    }

    [Fact]
    public void An_account_deleted_elsewhere_reads_as_not_found_in_the_details()
    {
        var data = Fixtures.World();
        using var screen = ConsoleScreen.Start(data, width: 100);
        data.Accounts = [.. data.Accounts.Where(account => account.Name != "work")];

        screen.Press(Key.Enter);

        ScreenAssert.Shows(screen, "Account work", "could not load them: Account not found: No account has the id or name 'work'.");
    }

    /// <summary>The words in the order they appear on the line; a missing one shows as "missing …".</summary>
    private static List<string> Words(string line, params string[] words)
    {
        var found = words.Select(word => (word, at: line.IndexOf(word, StringComparison.Ordinal))).ToList();
        return [.. found.OrderBy(pair => pair.at < 0 ? int.MaxValue : pair.at).Select(pair => pair.at < 0 ? $"missing {pair.word}" : pair.word)];
    }
}
