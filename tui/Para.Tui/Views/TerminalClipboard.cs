using System.Text;
using Terminal.Gui.App;
using Terminal.Gui.Drivers;

namespace Para.Tui.Views;

/// <summary>
/// Puts text on the clipboard of the terminal the console runs in with OSC 52
/// (<c>ESC ] 52 ; c ; base64 BEL</c>), which tmux and most terminal emulators honour, also over
/// SSH. The terminal may still ignore it (tmux needs <c>set-clipboard on</c>), so callers say
/// "sent", never "copied".
/// </summary>
internal static class TerminalClipboard
{
    public static string Sequence(string text) => $"\u001b]52;c;{Convert.ToBase64String(Encoding.UTF8.GetBytes(text))}\a";

    /// <summary>True only when the sequence was written to a terminal.</summary>
    public static bool TrySend(IApplication app, string text)
    {
        if (app.Driver is not { } driver || !Driver.IsAttachedToTerminal(out _, out var outputAttached) || !outputAttached)
        {
            return false;
        }

        try
        {
            driver.WriteRaw(Sequence(text));
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }
}
