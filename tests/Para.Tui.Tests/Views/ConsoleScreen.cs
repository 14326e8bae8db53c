using Microsoft.Extensions.Time.Testing;
using Para.Tui.Tests.Fakes;
using Para.Tui.ViewModels;
using Para.Tui.Views;
using Terminal.Gui.App;
using Terminal.Gui.Drivers;
using Terminal.Gui.Input;
using Terminal.Gui.Testing;
using Terminal.Gui.Time;

namespace Para.Tui.Tests.Views;

/// <summary>
/// The real console window on Terminal.Gui's ANSI driver without a terminal: virtual time for the
/// application's timers, a FakeTimeProvider for the view model's clock, keys injected, and the
/// screen read back as text.
/// </summary>
internal sealed class ConsoleScreen : IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly SessionToken? _session;

    public ConsoleScreen(FakeConsoleData data, int width = 80, int height = 24, bool useColor = true, TimeSpan? pollInterval = null, Func<string, bool>? sendToClipboard = null, Uri? dashboardUrl = null)
    {
        Data = data;
        Clock = new FakeTimeProvider(Fixtures.Now);
        AppTime = new VirtualTimeProvider();
        App = Application.Create(AppTime).Init(DriverRegistry.Names.ANSI);
        App.Driver!.SetScreenSize(width, height);
        var options = new ConsoleOptions { PollInterval = pollInterval ?? TimeSpan.FromSeconds(2), UseColor = useColor, DashboardUrl = dashboardUrl };
        Model = new ConsoleViewModel(data, Clock, options);
        Window = new ConsoleWindow(App, Model, _stopping, sendToClipboard ?? (text =>
        {
            SentToClipboard.Add(text);
            return true;
        }));
        _session = App.Begin(Window);
    }

    public FakeConsoleData Data { get; }

    /// <summary>What the console sent to the terminal's clipboard (the headless driver has no terminal).</summary>
    public List<string> SentToClipboard { get; } = [];

    public FakeTimeProvider Clock { get; }

    public VirtualTimeProvider AppTime { get; }

    public IApplication App { get; }

    public ConsoleViewModel Model { get; }

    public ConsoleWindow Window { get; }

    /// <summary>Starts polling and the event stream, and waits for the first loads to land.</summary>
    public static ConsoleScreen Start(FakeConsoleData data, int width = 80, int height = 24, bool useColor = true, Func<string, bool>? sendToClipboard = null, Uri? dashboardUrl = null)
    {
        var screen = new ConsoleScreen(data, width, height, useColor, sendToClipboard: sendToClipboard, dashboardUrl: dashboardUrl);
        screen.Window.Start();
        screen.Settle();
        return screen;
    }

    // Tests stay synchronous on purpose: Init installs Terminal.Gui's SynchronizationContext on
    // this thread, whose posts only run inside a main loop, so an await here would never resume.
    // Blocking here also keeps this thread the UI thread, as it is in the real console.

    /// <summary>Lets background work finish and its results apply on the UI thread (this one), then draws.</summary>
    public void Settle()
    {
        for (var round = 0; round < 5; round++)
        {
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (!Window.Work.IsIdle && DateTime.UtcNow < deadline)
            {
                Thread.Sleep(1);
            }

            App.TimedEvents!.RunTimers();
        }

        App.LayoutAndDraw(true);
    }

    /// <summary>Waits (real time, bounded) for something that arrives on another thread, such as an event.</summary>
    public void SettleUntil(Func<bool> condition)
    {
        for (var attempt = 0; attempt < 500 && !condition(); attempt++)
        {
            Thread.Sleep(10);
            Settle();
        }

        Settle();
    }

    /// <summary>Moves both clocks and runs the timers that came due (polls, countdown ticks).</summary>
    public void Advance(TimeSpan by)
    {
        Clock.Advance(by);
        AppTime.Advance(by);
        App.TimedEvents!.RunTimers();
        Settle();
    }

    public void Press(params Key[] keys)
    {
        foreach (var key in keys)
        {
            App.InjectKey(key);
            Settle();
        }
    }

    /// <summary>Handles the key but does not run the main loop: results of work it started stay queued, as they are for a moment in the real console.</summary>
    public void PressWithoutSettling(Key key) => App.InjectKey(key);

    public void Type(string text) => Press([.. text.Select(c => new Key(c))]);

    public string Text
    {
        get
        {
            App.LayoutAndDraw(true);
            return App.Driver!.ToString() ?? "";
        }
    }

    /// <summary>The screen as the main loop leaves it: only what needed drawing was drawn (no forced redraw).</summary>
    public IReadOnlyList<string> DrawnLines
    {
        get
        {
            App.LayoutAndDraw(false);
            return (App.Driver!.ToString() ?? "").Replace("\r", "", StringComparison.Ordinal).Split('\n');
        }
    }

    public IReadOnlyList<string> Lines => Text.Replace("\r", "", StringComparison.Ordinal).Split('\n');

    public void Dispose()
    {
        _stopping.Cancel();
        if (_session is not null)
        {
            App.End(_session);
        }

        Window.Dispose();
        App.Dispose();
        _stopping.Dispose();
    }
}

/// <summary>Small stand-ins for Terminal.Gui's own DriverAssert helpers, which the package does not ship.</summary>
internal static class ScreenAssert
{
    public static void Shows(ConsoleScreen screen, params string[] texts)
    {
        var text = screen.Text;
        foreach (var expected in texts)
        {
            Assert.True(text.Contains(expected, StringComparison.Ordinal), $"Expected the screen to show \"{expected}\":\n{text}");
        }
    }

    public static void DoesNotShow(ConsoleScreen screen, params string[] texts)
    {
        var text = screen.Text;
        foreach (var unexpected in texts)
        {
            Assert.False(text.Contains(unexpected, StringComparison.Ordinal), $"Expected the screen not to show \"{unexpected}\":\n{text}");
        }
    }

    /// <summary>The one line that contains <paramref name="marker"/>; fails when there is none.</summary>
    public static string LineWith(ConsoleScreen screen, string marker) =>
        screen.Lines.FirstOrDefault(line => line.Contains(marker, StringComparison.Ordinal))
        ?? throw new Xunit.Sdk.XunitException($"No line shows \"{marker}\":\n{screen.Text}");

    public static void FitsIn(ConsoleScreen screen, int width, int height)
    {
        var lines = screen.Lines.Where(line => line.Length > 0).ToList();
        Assert.True(lines.Count <= height, $"{lines.Count} lines");
        Assert.All(lines, line => Assert.True(line.TrimEnd().Length <= width, $"Line longer than {width}: {line}"));
    }
}
