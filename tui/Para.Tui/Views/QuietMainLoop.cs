using Terminal.Gui.App;
using Terminal.Gui.Drivers;

namespace Para.Tui.Views;

/// <summary>
/// Keeps Terminal.Gui's main loop from talking to the terminal when nothing changed
/// (docs/decisions/0008-quiet-main-loop.md has the measurements).
/// </summary>
internal static class QuietMainLoop
{
    // A few iterations for the driver's start-up (alternate screen, hidden cursor) before the
    // cursor is left alone.
    private const int StartupIterations = 10;

    /// <summary>Call before <c>Init</c>: the terminal size is read with ioctl instead of asked for twice a second.</summary>
    public static void BeforeInit() => Driver.SizeDetection = SizeDetectionMode.Polling;

    /// <summary>Call after <c>Init</c>.</summary>
    public static void Apply(IApplication app)
    {
        var iterations = 0;

        // The navigation re-sends "hide cursor, move to 1;1" every iteration because nothing
        // clears its needs-update flag. Clearing it at the start of an iteration keeps every real
        // change: a redraw, a focus change or a moved cursor sets the flag again before the
        // iteration's cursor update runs.
        app.Iteration += (_, _) =>
        {
            if (iterations < StartupIterations)
            {
                iterations++;
                return;
            }

            app.Driver?.SetCursorNeedsUpdate(false);
        };
    }
}
