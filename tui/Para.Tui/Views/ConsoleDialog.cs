using Terminal.Gui.App;
using Terminal.Gui.Input;
using Terminal.Gui.ViewBase;
using Terminal.Gui.Views;

namespace Para.Tui.Views;

/// <summary>
/// A dialog shown without a nested run loop (<see cref="IApplication.Begin"/> … <see cref="IApplication.End"/>),
/// so the main loop keeps polling, counting down and applying background results underneath it,
/// and tests drive it with injected keys. Esc closes it.
/// </summary>
internal abstract class ConsoleDialog : Dialog
{
    private SessionToken? _session;

    /// <param name="title">The dialog's title.</param>
    /// <param name="width">Columns at most; null for the whole width of the screen.</param>
    /// <param name="height">Rows at most.</param>
    protected ConsoleDialog(string title, int? width, int height)
    {
        Title = title;
        Width = width is { } columns ? Dim.Func(_ => Math.Min(columns, Math.Max(20, (App?.Screen.Width ?? columns) - 2))) : Dim.Fill();
        Height = Dim.Func(_ => Math.Min(height, Math.Max(6, (App?.Screen.Height ?? height) - 2)));
    }

    public event EventHandler? Closed;

    public bool IsOpen => _session is not null;

    public void Show(IApplication app)
    {
        _session = app.Begin(this);
        OnShown();
    }

    /// <summary>Runs once the dialog is on screen: where a dialog starts the background work it shows.</summary>
    protected virtual void OnShown()
    {
    }

    public void Close()
    {
        if (_session is not { } session || App is not { } app)
        {
            return;
        }

        _session = null;
        app.End(session);
        Closed?.Invoke(this, EventArgs.Empty);
    }

    /// <summary>The console routes keys here while this dialog is on top; true when handled.</summary>
    public virtual bool HandleKey(Key key)
    {
        if (key == Key.Esc)
        {
            Close();
            return true;
        }

        return false;
    }

    protected Button AddDialogButton(string text, Action onAccept, bool isDefault = false)
    {
        var button = new Button { Text = text, IsDefault = isDefault };
        button.Accepting += (_, e) =>
        {
            e.Handled = true;
            onAccept();
        };
        AddButton(button);
        return button;
    }
}
