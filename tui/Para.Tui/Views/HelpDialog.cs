using Para.Tui.ViewModels;
using Terminal.Gui.Input;
using Terminal.Gui.ViewBase;
using Terminal.Gui.Views;

namespace Para.Tui.Views;

/// <summary><c>?</c>: every key of the console, read from <see cref="ConsoleKeys.All"/>.</summary>
internal sealed class HelpDialog : ConsoleDialog
{
    public HelpDialog()
        : base("Keys", 66, ConsoleKeys.All.Count + 6)
    {
        var lines = ConsoleKeys.All.Select(key => $"{key.Keys,-7} {key.Description}");
        Add(new DataLabel { X = 1, Y = 0, Width = Dim.Fill(1), Height = Dim.Fill(), Text = string.Join('\n', lines) + "\n\nEsc closes this list." });
    }

    public override bool HandleKey(Key key)
    {
        if (key.GetPrintableText() is "?" or "q")
        {
            Close();
            return true;
        }

        return base.HandleKey(key);
    }
}
